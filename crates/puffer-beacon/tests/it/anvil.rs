//! Against anvil (installed by `scripts/setup`): deposits followed over JSON-RPC, withdrawals credited with
//! `anvil_setBalance` through the same `ChainCredit`.

use alloy::primitives::U256;
use alloy::sol_types::SolEvent;
use puffer_beacon::sim::DepositOutcome;
use puffer_beacon::sim::follow::DepositEvent;
use puffer_beacon::types::ValidatorStatus;
use puffer_beacon::{ChainCredit, Scenario, StateId};
use puffer_chain::{Chain, RpcChain, TxRequest, dev_signer};
use puffer_testkit::Anvil;

use crate::common::{ETH, address, deposit, exit, key, node, withdrawn_to};
use crate::lifecycle::log_emitter;

fn anvil() -> (Anvil, RpcChain) {
    let node = Anvil::start();
    let chain = RpcChain::connect(&node.url).expect("anvil answers");
    (node, chain)
}

#[test]
fn deposits_from_anvil_and_withdrawals_to_anvil() {
    let (_anvil, mut chain) = anvil();
    let sender = dev_signer(0);
    chain
        .set_balance(sender.address(), U256::from(10u64).pow(U256::from(20)))
        .expect("fund");
    let contract = chain
        .send(&sender, TxRequest::create(log_emitter()))
        .expect("deploy")
        .contract_address
        .expect("created");

    let mut node = node(
        11,
        Scenario {
            apr: 0.05,
            ..Scenario::default()
        },
    );
    let k = key(1);
    let to = address(1);
    let d = deposit(&node, &k, to, 32 * ETH);
    let event = DepositEvent {
        pubkey: d.pubkey.as_bytes().to_vec().into(),
        withdrawal_credentials: d.withdrawal_credentials.to_vec().into(),
        amount: d.amount_gwei.to_le_bytes().to_vec().into(),
        signature: d.signature.as_bytes().to_vec().into(),
        index: 0u64.to_le_bytes().to_vec().into(),
    };
    chain
        .send(&sender, TxRequest::call(contract, event.encode_data()))
        .expect("emit");
    assert_eq!(
        node.follow_deposits(&mut chain, contract).expect("follow"),
        vec![DepositOutcome::Created(0)]
    );

    node.advance_epochs(12);
    node.submit_voluntary_exit(&exit(&node, &k, 0, node.epoch()))
        .expect("exit");
    let v = node
        .validator(StateId::Head, 0.into())
        .expect("known")
        .validator;
    node.advance_to_slot((v.withdrawable_epoch + 1) * node.config().slots_per_epoch);
    assert_eq!(
        node.validator(StateId::Head, 0.into())
            .expect("known")
            .status,
        ValidatorStatus::WithdrawalDone
    );
    node.pay_withdrawals(&mut ChainCredit(&mut chain))
        .expect("credit");
    let total = withdrawn_to(&node, to);
    assert!(total > 32 * ETH);
    assert_eq!(
        chain.balance(to).expect("balance"),
        U256::from(total) * U256::from(ETH)
    );
}
