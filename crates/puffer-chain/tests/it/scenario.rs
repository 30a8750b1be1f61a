//! The same staker-side scenario on the embedded backend and on anvil: same state, same events.

use puffer_chain::{
    Chain, DeployConfig, Deployer, Deployment, EmbeddedChain, Governance, LogFilter, Staker,
    alloy::primitives::{Address, B256, Bytes, U256, address},
    alloy::sol_types::SolEvent,
    bindings::AccessManager,
    bindings::PufferPool,
    contract::call_decode,
    dev_signers,
};

use crate::anvil::{Anvil, AnvilChain};

pub(crate) fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

/// Fresh receivers: no balance, never send, so their ETH is exactly what they were paid.
const RECEIVER_A: Address = address!("0x00000000000000000000000000000000000a11ce");
const RECEIVER_B: Address = address!("0x0000000000000000000000000000000000000b0b");

/// Everything the scenario compares.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) contracts: Vec<(String, Address)>,
    pub(crate) pufeth: Vec<U256>,
    pub(crate) receivers_eth: Vec<U256>,
    pub(crate) pool_eth: U256,
    pub(crate) withdrawal_pool_eth: U256,
    pub(crate) total_supply: U256,
    pub(crate) rate: U256,
    pub(crate) liquidity: U256,
    pub(crate) revert_message: String,
    /// (emitter, topics, data) of every protocol log since the deployment, in order.
    pub(crate) events: Vec<(Address, Vec<B256>, Bytes)>,
}

/// Blanks what legitimately differs between chains: the `since` timestamp in AccessManager's `RoleGranted`.
pub(crate) fn normalise(
    address: Address,
    topics: &[B256],
    data: &Bytes,
) -> (Address, Vec<B256>, Bytes) {
    let mut data = data.to_vec();
    if topics.first() == Some(&AccessManager::RoleGranted::SIGNATURE_HASH) && data.len() >= 64 {
        data[32..64].fill(0);
    }
    (address, topics.to_vec(), data.into())
}

/// Every log of the deployment's contracts since it was deployed, in order, normalised for comparison.
pub(crate) fn deployment_events(
    chain: &mut dyn Chain,
    deployment: &Deployment,
) -> Vec<(Address, Vec<B256>, Bytes)> {
    let addresses: Vec<Address> = deployment.contracts.values().copied().collect();
    chain
        .logs(&LogFilter {
            addresses,
            from_block: deployment.deploy_block,
            ..LogFilter::default()
        })
        .unwrap()
        .iter()
        .map(|log| normalise(log.address(), log.topics(), log.data()))
        .collect()
}

/// Deploys, deposits from three stakers, moves liquidity through the timelock, redeems directly and by signature.
pub(crate) fn run(chain: &mut dyn Chain) -> (Deployment, Outcome) {
    let keys = dev_signers(6);
    let (deployer, dao, relayer) = (&keys[0], &keys[1], &keys[5]);
    for key in &keys {
        chain.set_balance(key.address(), eth(1_000)).unwrap();
    }
    let deployment = Deployer::staker_side(DeployConfig::dev(dao.address()))
        .deploy(chain, deployer)
        .unwrap();
    let stakers: Vec<Staker> = keys[2..5]
        .iter()
        .map(|k| Staker::new(k.clone(), &deployment).unwrap())
        .collect();
    for (staker, amount) in stakers.iter().zip([10, 20, 5]) {
        let shares = staker.deposit(chain, eth(amount)).unwrap();
        assert!(shares > U256::ZERO);
    }
    let mut governance = Governance::new(dao.clone(), &deployment).unwrap();
    governance.move_liquidity(chain, true, eth(15)).unwrap();

    let redeemed = stakers[0]
        .redeem_with_slippage(chain, eth(5), RECEIVER_A, 50)
        .unwrap();
    assert!(
        redeemed > eth(4),
        "5 pufETH redeemed for only {redeemed} wei"
    );

    let deadline = chain.timestamp().unwrap() + 3_600;
    let signed = stakers[1]
        .sign_redemption(chain, RECEIVER_B, eth(3), eth(2), deadline)
        .unwrap();
    Staker::submit_signed(chain, relayer, &deployment, &signed).unwrap();

    // More than the exit liquidity: rejected with the decoded reason, on both backends alike.
    let revert_message = stakers[1]
        .redeem(chain, eth(17), RECEIVER_A, U256::ZERO)
        .map(|_| String::new())
        .unwrap_or_else(|e| e.to_string());

    let pool = deployment.pool().unwrap();
    let wp = deployment.withdrawal_pool().unwrap();
    let events = deployment_events(chain, &deployment);
    let outcome = Outcome {
        contracts: deployment
            .contracts
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect(),
        pufeth: stakers
            .iter()
            .map(|s| s.pufeth_balance(chain).unwrap())
            .collect(),
        receivers_eth: vec![
            chain.balance(RECEIVER_A).unwrap(),
            chain.balance(RECEIVER_B).unwrap(),
        ],
        pool_eth: chain.balance(pool).unwrap(),
        withdrawal_pool_eth: chain.balance(wp).unwrap(),
        total_supply: call_decode(chain, pool, &PufferPool::totalSupplyCall {}).unwrap(),
        rate: stakers[0].rate(chain).unwrap(),
        liquidity: stakers[0].liquidity(chain).unwrap(),
        revert_message,
        events,
    };
    (deployment, outcome)
}

#[test]
fn embedded_scenario_moves_the_expected_amounts() {
    let mut chain = EmbeddedChain::new();
    let (_, outcome) = run(&mut chain);
    // 35 ETH deposited + 0.001 dead shares; 15 moved to the WithdrawalPool; 5 + 3 pufETH redeemed at ~1:1 less 1%.
    assert_eq!(outcome.pufeth[0], eth(5));
    assert_eq!(outcome.pufeth[1], eth(17));
    assert_eq!(
        outcome.receivers_eth[0],
        eth(5) * U256::from(99u64) / U256::from(100u64)
    );
    // The first redemption's fee raised the rate a little: the second pays slightly more than 3 x 0.99.
    assert!(outcome.receivers_eth[1] > eth(3) * U256::from(99u64) / U256::from(100u64));
    assert!(outcome.receivers_eth[1] < eth(3));
    assert_eq!(outcome.liquidity, outcome.withdrawal_pool_eth);
    assert_eq!(
        outcome.liquidity,
        eth(15) - outcome.receivers_eth[0] - outcome.receivers_eth[1]
    );
    assert!(
        outcome.rate > eth(1),
        "fees accrue to holders: rate {}",
        outcome.rate
    );
    assert!(
        outcome.revert_message.starts_with(
            "redeem(uint256,address,uint256) reverted: InsufficientLiquidity: available 7.0"
        ),
        "{}",
        outcome.revert_message
    );
    assert!(
        outcome.events.len() > 20,
        "only {} events",
        outcome.events.len()
    );
}

#[test]
fn embedded_and_anvil_end_in_the_same_state_with_the_same_events() {
    let mut embedded = EmbeddedChain::new();
    let (embedded_deployment, embedded_outcome) = run(&mut embedded);

    let anvil = Anvil::start();
    let mut rpc = anvil.chain();
    assert!(rpc.is_dev());
    let (rpc_deployment, rpc_outcome) = run(&mut rpc);

    assert_eq!(embedded_deployment.contracts, rpc_deployment.contracts);
    assert_eq!(embedded_outcome.events.len(), rpc_outcome.events.len());
    for (i, (e, r)) in embedded_outcome
        .events
        .iter()
        .zip(&rpc_outcome.events)
        .enumerate()
    {
        assert_eq!(e, r, "event {i} differs");
    }
    assert_eq!(embedded_outcome, rpc_outcome);
}
