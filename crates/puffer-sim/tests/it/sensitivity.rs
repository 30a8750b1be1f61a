//! Sensitivity checks that must hold: more AVS revenue gives a higher pufETH rate; a mass slashing (with an
//! outage) leads to ejections, losses covered by the bonds first, and a bounded rate drop.

use alloy::{primitives::U256, sol_types::SolEvent};
use puffer_chain::{LogFilter, bindings::SpurtReporter};
use puffer_sim::scenario::{OfflineEvent, SlashingEvent};

use crate::common::small;

fn final_rate(avs_revenue_eth_per_validator_year: f64) -> U256 {
    let mut s = small(16);
    s.strategies[1].avs_revenue_eth_per_validator_year = avs_revenue_eth_per_validator_year;
    let mut sim = puffer_sim::Simulation::new(s).expect("setup");
    sim.run().expect("run");
    assert!(sim.summary().reports >= 2);
    sim.records()
        .last()
        .unwrap()
        .pufeth_rate_wei
        .parse()
        .unwrap()
}

#[test]
fn more_avs_revenue_gives_a_higher_pufeth_rate() {
    let none = final_rate(0.0);
    let some = final_rate(2.0);
    let more = final_rate(8.0);
    assert!(none < some && some < more, "{none} < {some} < {more}");
}

#[test]
fn mass_slashing_ejects_burns_bonds_first_and_bounds_the_rate_drop() {
    let mut s = small(45);
    s.stakers.initial_deposit_eth = 1_200.0;
    s.stakers.daily_redeem_probability = 0.0;
    s.strategies[0].initial_validators = 24;
    s.strategies[0].registrations_per_day = 0.0;
    s.strategies[1].initial_validators = 6;
    s.strategies[1].registrations_per_day = 0.0;
    // A harsh chain: 50% APR, so that an outage costs more than 1 ETH within weeks.
    s.beacon.apr = 0.5;
    s.slashings = vec![SlashingEvent {
        day: 2,
        first_index: 0,
        count: 3,
    }];
    s.offline = vec![OfflineEvent {
        day: 2,
        days: 40,
        first_index: 10,
        count: 3,
    }];
    let mut sim = puffer_sim::Simulation::new(s).expect("setup");
    let before: U256 = sim.records()[0].pufeth_rate_wei.parse().unwrap();
    sim.run().expect("run");
    let summary = sim.summary();
    assert_eq!(summary.slashed, 3, "{summary:?}");
    assert!(
        summary.ejected >= 3,
        "the offline validators fell below 31 ETH: {summary:?}"
    );
    assert!(
        summary
            .ejected_by_reason
            .iter()
            .any(|(r, n)| r == "BalanceBelowEjection" && *n >= 3),
        "{summary:?}"
    );

    // Bonds first: every processed exit with a shortfall burned bond shares; a shortfall above the 1 ETH bond
    // burned all of them (nothing refunded), the rest of the loss is the stakers'.
    let reporter = sim.deployment().spurt_reporter().unwrap();
    let mut filter = LogFilter::address(reporter, 0);
    filter.topics = vec![Some(vec![
        SpurtReporter::ValidatorExitProcessed::SIGNATURE_HASH,
    ])];
    let logs = sim.chain().logs(&filter).unwrap();
    let exits: Vec<_> = logs
        .iter()
        .map(|l| {
            SpurtReporter::ValidatorExitProcessed::decode_log(&l.inner)
                .unwrap()
                .data
        })
        .collect();
    assert!(
        exits.len() >= 6,
        "slashed and ejected validators exited and were processed: {}",
        exits.len()
    );
    let one_eth = U256::from(10u64).pow(U256::from(18u64));
    for e in &exits {
        assert!(!e.shortfallWei.is_zero(), "every one of them lost ETH");
        assert!(!e.burnedShares.is_zero(), "the bond pays first");
        if e.shortfallWei >= one_eth {
            assert!(
                e.refundedShares.is_zero(),
                "shortfall above the bond: bond fully burned"
            );
        }
    }

    // The rate fell (the losses beyond the bonds are the stakers'), each report within the bound in force.
    let after: U256 = sim
        .records()
        .last()
        .unwrap()
        .pufeth_rate_wei
        .parse()
        .unwrap();
    assert!(
        after < before,
        "losses are visible in the rate: {before} -> {after}"
    );
    let bound = if summary.emergencies > 0 {
        i64::try_from(sim.scenario().parameters.emergency_rate_change_bps).unwrap()
    } else {
        i64::try_from(sim.scenario().parameters.max_rate_change_bps).unwrap()
    };
    assert!(
        summary.largest_rate_drop_bps <= bound,
        "largest drop {} bps, bound {bound}",
        summary.largest_rate_drop_bps
    );
    let drop = (before - after) * U256::from(10_000u64) / before;
    assert!(
        drop < U256::from(500u64),
        "total drop {drop} bps stays small"
    );
}
