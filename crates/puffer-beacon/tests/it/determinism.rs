//! Same seed and inputs, same history, byte for byte.

use puffer_beacon::sim::{OfflineSpell, Performance, SlashingEvent};
use puffer_beacon::{Scenario, SimNode};

use crate::common::{address, deposit_new, exit, key, node};

fn scenario() -> Scenario {
    Scenario {
        apr: 0.04,
        performance: Performance { min: 0.8, max: 1.0 },
        offline: vec![OfflineSpell {
            validators: vec![0],
            from_epoch: 12,
            to_epoch: 15,
        }],
        slashing: vec![SlashingEvent {
            epoch: 14,
            validators: vec![3],
        }],
    }
}

fn run(seed: u64) -> (String, String) {
    let mut node: SimNode = node(seed, scenario());
    for i in 0..6 {
        deposit_new(&mut node, &key(i), address(i));
    }
    node.advance_epochs(14);
    let e = exit(&node, &key(2), 2, node.epoch());
    node.submit_voluntary_exit(&e).expect("exit");
    node.advance_epochs(20);
    let events = serde_json::to_string(node.events()).expect("json");
    (events, node.snapshot_json())
}

#[test]
fn same_seed_same_history() {
    assert_eq!(run(42), run(42));
}

#[test]
fn another_seed_another_history() {
    // Performance factors differ, so rewards (swept above 32 ETH) differ.
    assert_ne!(run(42).0, run(43).0);
}
