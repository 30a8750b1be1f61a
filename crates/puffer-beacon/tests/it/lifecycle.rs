//! Deposit → pending → active → rewards → exit → withdrawal, front-running, slashing.

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolEvent;
use puffer_beacon::sim::follow::DepositEvent;
use puffer_beacon::sim::{DepositOutcome, OfflineSpell, SimEvent, SlashingEvent};
use puffer_beacon::types::ValidatorStatus;
use puffer_beacon::{BeaconError, ChainCredit, Scenario, StateId, ValidatorId};
use puffer_chain::{Chain, EmbeddedChain, TxRequest, dev_signer};

use crate::common::{
    ETH, address, deposit, deposit_new, exit, genesis_node, key, node, withdrawn_to,
};

fn status(node: &puffer_beacon::SimNode, index: u64) -> ValidatorStatus {
    node.validator(StateId::Head, ValidatorId::Index(index))
        .expect("known validator")
        .status
}

fn balance(node: &puffer_beacon::SimNode, index: u64) -> u64 {
    node.validator(StateId::Head, ValidatorId::Index(index))
        .expect("known validator")
        .balance
}

#[test]
fn deposit_to_withdrawal_credited_on_the_embedded_chain() {
    let mut chain = EmbeddedChain::new();
    let scenario = Scenario {
        apr: 0.05,
        ..Scenario::default()
    };
    let mut node = node(7, scenario);
    let k = key(1);
    let to = address(1);
    let index = deposit_new(&mut node, &k, to);
    assert_eq!(status(&node, index), ValidatorStatus::PendingInitialized);

    node.advance_epochs(1);
    assert_eq!(status(&node, index), ValidatorStatus::PendingQueued);
    while status(&node, index) == ValidatorStatus::PendingQueued {
        node.advance_epochs(1);
    }
    assert_eq!(status(&node, index), ValidatorStatus::ActiveOngoing);
    let activated = node
        .validator(StateId::Head, index.into())
        .expect("known")
        .validator
        .activation_epoch;

    // Too young to exit (shard committee period of 2 epochs in the fast config).
    let early = node.submit_voluntary_exit(&exit(&node, &k, index, node.epoch()));
    assert!(
        matches!(early, Err(BeaconError::ExitRejected { ref reason, .. }) if reason.contains("long enough")),
        "{early:?}"
    );
    node.advance_epochs(20);
    assert!(balance(&node, index) >= 32 * ETH, "rewards accrue");
    assert!(
        withdrawn_to(&node, to) > 0,
        "the excess above 32 ETH is swept"
    );

    // Signed by another key: rejected, nothing changes.
    let forged = node.submit_voluntary_exit(&exit(&node, &key(2), index, activated));
    assert!(
        matches!(forged, Err(BeaconError::ExitRejected { ref reason, .. }) if reason == "invalid signature"),
        "{forged:?}"
    );
    assert_eq!(status(&node, index), ValidatorStatus::ActiveOngoing);

    node.submit_voluntary_exit(&exit(&node, &k, index, activated))
        .expect("valid exit");
    assert_eq!(status(&node, index), ValidatorStatus::ActiveExiting);
    let again = node.submit_voluntary_exit(&exit(&node, &k, index, activated));
    assert!(
        matches!(again, Err(BeaconError::ExitRejected { ref reason, .. }) if reason.contains("already exiting")),
        "{again:?}"
    );

    let v = node
        .validator(StateId::Head, index.into())
        .expect("known")
        .validator;
    assert_eq!(v.withdrawable_epoch, v.exit_epoch + 2);
    node.advance_to_slot(v.exit_epoch * node.config().slots_per_epoch);
    assert_eq!(status(&node, index), ValidatorStatus::ExitedUnslashed);
    node.advance_to_slot(v.withdrawable_epoch * node.config().slots_per_epoch);
    assert_eq!(status(&node, index), ValidatorStatus::WithdrawalDone);
    assert_eq!(balance(&node, index), 0);

    node.pay_withdrawals(&mut ChainCredit(&mut chain))
        .expect("credit");
    let total = withdrawn_to(&node, to);
    assert!(total > 32 * ETH, "principal plus rewards: {total}");
    assert_eq!(
        chain.balance(to).expect("balance"),
        U256::from(total) * U256::from(ETH)
    );
}

#[test]
fn deposit_with_a_bad_signature_creates_no_validator() {
    let mut node = node(1, Scenario::default());
    let mut d = deposit(&node, &key(1), address(1), 32 * ETH);
    d.signature = deposit(&node, &key(2), address(1), 32 * ETH).signature;
    assert_eq!(node.apply_deposit_data(&d), DepositOutcome::Rejected);
    assert_eq!(node.validator_count(), 0);
    // Signed for another chain's fork version: also rejected.
    let other = puffer_keys::deposit::DepositData::sign(
        &key(1),
        d.withdrawal_credentials,
        32 * ETH,
        [0, 0, 0, 0],
    );
    assert_eq!(node.apply_deposit_data(&other), DepositOutcome::Rejected);
    // Malformed pubkey bytes.
    assert_eq!(
        node.deposit(&[1; 47], &[0; 32], 32 * ETH, &[0; 96]),
        DepositOutcome::Rejected
    );
    assert_eq!(node.validator_count(), 0);
}

#[test]
fn top_up_front_running_keeps_the_first_credentials() {
    let mut node = node(2, Scenario::default());
    let k = key(3);
    let attacker = address(9);
    let protocol = address(1);
    // The key holder deposits 1 ETH first with its own credentials.
    let first = deposit(&node, &k, attacker, ETH);
    assert_eq!(node.apply_deposit_data(&first), DepositOutcome::Created(0));
    // The protocol's 31 ETH deposit is a top-up: no signature check, credentials unchanged.
    let mut second = deposit(&node, &k, protocol, 31 * ETH);
    second.signature = deposit(&node, &key(4), protocol, 31 * ETH).signature;
    assert_eq!(
        node.apply_deposit_data(&second),
        DepositOutcome::ToppedUp(0)
    );
    let v = node.validator(StateId::Head, 0.into()).expect("known");
    assert_eq!(v.balance, 32 * ETH);
    assert_eq!(v.validator.withdrawal_address(), Some(attacker));
    node.advance_epochs(10);
    assert_eq!(status(&node, 0), ValidatorStatus::ActiveOngoing);
}

#[test]
fn slashing_penalises_forces_exit_and_applies_the_correlation_penalty() {
    let scenario = Scenario {
        apr: 0.03,
        slashing: vec![SlashingEvent {
            epoch: 3,
            validators: vec![1],
        }],
        offline: vec![OfflineSpell {
            validators: vec![2],
            from_epoch: 0,
            to_epoch: 5,
        }],
        ..Scenario::default()
    };
    let mut node = genesis_node(3, scenario, 8);
    node.advance_epochs(3);
    assert_eq!(status(&node, 1), ValidatorStatus::ActiveSlashed);
    assert!(node.events().iter().any(|e| matches!(
        e,
        SimEvent::Slashed { index: 1, epoch: 3, penalty } if *penalty == ETH
    )));
    assert!(balance(&node, 2) < 32 * ETH, "offline validator lost");
    assert_eq!(balance(&node, 3), 32 * ETH, "gains above 32 ETH are swept");
    assert!(
        withdrawn_to(&node, address(3)) > 0,
        "online validator gained"
    );

    let v = node
        .validator(StateId::Head, 1.into())
        .expect("known")
        .validator;
    assert_eq!(v.withdrawable_epoch, 3 + 16);
    node.advance_to_slot(v.exit_epoch * 4);
    assert_eq!(status(&node, 1), ValidatorStatus::ExitedSlashed);
    node.advance_to_slot((v.withdrawable_epoch + 1) * 4);
    let correlation: u64 = node
        .events()
        .iter()
        .filter_map(|e| match e {
            SimEvent::CorrelationPenalty { index: 1, penalty } => Some(*penalty),
            _ => None,
        })
        .sum();
    // 3 × 32 ETH slashed against 7 × 32 ETH active: 3/7 of the remaining whole ETH.
    assert!(
        (12 * ETH..=14 * ETH).contains(&correlation),
        "{correlation}"
    );
    assert_eq!(status(&node, 1), ValidatorStatus::WithdrawalDone);
    let paid = withdrawn_to(&node, address(1));
    assert!(paid < 32 * ETH - 13 * ETH, "{paid}");
}

/// Runtime code `LOG1(calldata, topic)` behind creation code that returns it: a stand-in deposit contract
/// that emits whatever `DepositEvent` data it is called with.
pub(crate) fn log_emitter() -> Vec<u8> {
    let mut runtime = vec![0x36, 0x5f, 0x5f, 0x37, 0x7f];
    runtime.extend_from_slice(DepositEvent::SIGNATURE_HASH.as_slice());
    runtime.extend_from_slice(&[0x36, 0x5f, 0xa1, 0x00]);
    let len = runtime.len() as u8;
    let mut code = vec![0x60, len, 0x60, 0x0a, 0x5f, 0x39, 0x60, len, 0x5f, 0xf3];
    code.extend_from_slice(&runtime);
    code
}

#[test]
fn deposit_events_are_followed_from_the_execution_layer() {
    let sender = dev_signer(0);
    let mut chain =
        EmbeddedChain::with_funded([sender.address()], U256::from(10u64).pow(U256::from(20)));
    let contract: Address = chain
        .send(&sender, TxRequest::create(log_emitter()))
        .expect("deploy")
        .contract_address
        .expect("created");
    let mut node = node(4, Scenario::default());
    let good = deposit(&node, &key(1), address(1), 32 * ETH);
    let mut bad = deposit(&node, &key(2), address(2), 32 * ETH);
    bad.signature = good.signature;
    for (i, d) in [&good, &bad, &good].into_iter().enumerate() {
        let event = DepositEvent {
            pubkey: d.pubkey.as_bytes().to_vec().into(),
            withdrawal_credentials: d.withdrawal_credentials.to_vec().into(),
            amount: d.amount_gwei.to_le_bytes().to_vec().into(),
            signature: d.signature.as_bytes().to_vec().into(),
            index: (i as u64).to_le_bytes().to_vec().into(),
        };
        chain
            .send(&sender, TxRequest::call(contract, event.encode_data()))
            .expect("emit");
    }
    let outcomes = node.follow_deposits(&mut chain, contract).expect("follow");
    assert_eq!(
        outcomes,
        vec![
            DepositOutcome::Created(0),
            DepositOutcome::Rejected,
            DepositOutcome::ToppedUp(0)
        ]
    );
    assert_eq!(
        node.last_el_block(),
        Some(chain.block_number().expect("block"))
    );
    // Nothing new: nothing ingested twice.
    assert!(
        node.follow_deposits(&mut chain, contract)
            .expect("follow")
            .is_empty()
    );
    assert_eq!(
        node.validator(StateId::Head, 0.into())
            .expect("known")
            .balance,
        64 * ETH
    );
}
