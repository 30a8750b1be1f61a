//! Activation and exit queues respect the churn limit; the scenario file parses and is checked.

use puffer_beacon::sim::SimEvent;
use puffer_beacon::types::ValidatorStatus;
use puffer_beacon::{BeaconError, Scenario, StateId};

use crate::common::{address, deposit_new, exit, genesis_node, key, node};

fn per_epoch(node: &puffer_beacon::SimNode, exits: bool) -> std::collections::BTreeMap<u64, u64> {
    let mut out = std::collections::BTreeMap::new();
    for e in node.events() {
        match e {
            SimEvent::ActivationScheduled { epoch, .. } if !exits => {
                *out.entry(*epoch).or_insert(0) += 1
            }
            SimEvent::ExitScheduled { exit_epoch, .. } if exits => {
                *out.entry(*exit_epoch).or_insert(0) += 1
            }
            _ => {}
        }
    }
    out
}

#[test]
fn activations_are_limited_by_churn() {
    let mut node = node(1, Scenario::default());
    for i in 0..10 {
        deposit_new(&mut node, &key(i), address(i));
    }
    node.advance_epochs(12);
    let counts: Vec<u64> = per_epoch(&node, false).into_values().collect();
    assert_eq!(counts, vec![4, 4, 2], "MIN_PER_EPOCH_CHURN_LIMIT = 4");
    let active = node
        .validators(StateId::Head, &[], &["active".to_owned()])
        .expect("validators");
    assert_eq!(active.len(), 10);
}

#[test]
fn exits_are_limited_by_churn() {
    let mut node = genesis_node(2, Scenario::default(), 10);
    node.advance_epochs(3);
    for i in 0..10u8 {
        node.submit_voluntary_exit(&exit(&node, &key(i), u64::from(i), 0))
            .expect("exit");
    }
    let counts: Vec<u64> = per_epoch(&node, true).into_values().collect();
    assert_eq!(counts, vec![4, 4, 2]);
    assert_eq!(
        node.validators(StateId::Head, &[], &["active_exiting".to_owned()])
            .expect("validators")
            .len(),
        10
    );
    assert_eq!(
        node.validator(StateId::Head, 9.into())
            .expect("known")
            .status,
        ValidatorStatus::ActiveExiting
    );
}

#[test]
fn the_default_scenario_parses() {
    let s = Scenario::from_toml(include_str!("../../scenarios/default.toml")).expect("valid");
    assert_eq!(s.apr, 0.03);
    assert_eq!(s.offline[0].validators, vec![0, 1]);
    assert_eq!(s.slashing[0].epoch, 300);
}

#[test]
fn bad_scenarios_are_rejected_naming_the_value() {
    for (text, needle) in [
        ("apr = 1.5", "apr 1.5"),
        (
            "apr = 0.03\n[performance]\nmin = 0.9\nmax = 0.8",
            "performance range",
        ),
        (
            "apr = 0.03\n[[offline]]\nvalidators = [1]\nfrom_epoch = 5\nto_epoch = 1",
            "offline spell",
        ),
        ("apr = 0.03\nbonus = 1", "bonus"),
        ("apr = \"high\"", "apr"),
    ] {
        match Scenario::from_toml(text) {
            Err(BeaconError::Scenario(msg)) => assert!(msg.contains(needle), "{text}: {msg}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}
