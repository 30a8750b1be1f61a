//! The docs' worked example (contracts/test/integration/SpurtLifecycle.t.sol,
//! `test_workedExample_tenNoOpsPaying1_44`) run through the simulator: 320 ETH staked, 10 NoOps paying a 1.44 ETH
//! 12-month commitment each in one spurt. With the defaults (protocol fee 2%, guardian fee 0.5%) 1.404 ETH of each
//! commitment reaches the pool; each 1 ETH bond buys pufETH at the rate of its moment. So the rate is
//! `(320.001 + 10 x (1 + 1.404) + 1) / (supply + 1)` exactly, about 334.04 / 320 instead of the headline
//! 334.4 / 320 (the fees take 0.36 ETH).

use alloy::primitives::U256;
use puffer_sim::scenario::{Scenario, StrategySpec};

const ETH: u128 = 1_000_000_000_000_000_000;

fn worked_example(days: u32) -> Scenario {
    let mut s = Scenario {
        days,
        ..Scenario::default()
    };
    s.stakers.count = 1;
    s.stakers.initial_deposit_eth = 320.0;
    s.stakers.daily_deposit_probability = 0.0;
    s.stakers.daily_redeem_probability = 0.0;
    s.stakers.liquidity_target = 0.0;
    s.strategies = vec![StrategySpec {
        name: "NO_RESTAKING".into(),
        weight: 1,
        noops: 10,
        initial_validators: 10,
        registrations_per_day: 0.0,
        commitment_months: vec![12],
        renew_probability: 1.0,
        bad_registration_probability: 0.0,
        avs_revenue_eth_per_validator_year: 0.0,
        commission_bps: 0,
    }];
    s.offline.clear();
    s.slashings.clear();
    s.parameters.commitment_prices = vec![(12, 1.44)];
    s
}

/// The pool's books mirrored as the Solidity test does (OZ ERC-4626, one virtual share and one virtual wei).
fn expected_rate_wei() -> U256 {
    let mut a = U256::from(320_001u64) * U256::from(ETH / 1000);
    let mut s = a; // the dead shares and the 320 ETH deposit mint 1:1 into an empty pool
    let one = U256::from(1u64);
    for _ in 0..10 {
        s += U256::from(ETH) * (s + one) / (a + one);
        a += U256::from(ETH) + U256::from(1_404u64) * U256::from(ETH / 1000);
    }
    U256::from(ETH) * (a + one) / (s + one)
}

#[test]
fn ten_noops_paying_1_44_lift_the_rate_to_334_04_over_320() {
    let mut sim = puffer_sim::Simulation::new(worked_example(9)).expect("setup");
    let expected = expected_rate_wei();
    let day0: U256 = sim.records()[0].pufeth_rate_wei.parse().unwrap();
    assert_eq!(
        day0, expected,
        "rate right after the registrations, to the wei"
    );
    sim.run().expect("run past the spurt's end");
    let last: U256 = sim
        .records()
        .last()
        .unwrap()
        .pufeth_rate_wei
        .parse()
        .unwrap();
    assert_eq!(
        last, expected,
        "consensus rewards go to the NoOps: the rate stays"
    );
    let rate = last.to::<u128>() as f64 / 1e18;
    assert!(
        (rate - 334.04 / 320.0).abs() / (334.04 / 320.0) < 0.001,
        "{rate}"
    );
    assert!(rate < 334.4 / 320.0, "less than the headline without fees");
    assert_eq!(
        sim.records()[0].strategies[0].provisioned + sim.records()[0].strategies[0].active,
        10
    );
}
