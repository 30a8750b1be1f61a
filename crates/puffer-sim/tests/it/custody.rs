//! Registrations with a broken deposit signature fail every guardian's custody check and are skipped by a
//! quorum (bond back as pufETH, commitment kept); the rest are provisioned; the books still balance.

use alloy::sol_types::SolEvent;
use puffer_chain::{LogFilter, bindings::PufferProtocol};

use crate::common::small;

#[test]
fn broken_registrations_are_skipped_by_quorum() {
    let mut s = small(6);
    s.strategies[0].bad_registration_probability = 0.5;
    s.strategies[0].initial_validators = 8;
    let mut sim = puffer_sim::Simulation::new(s).expect("setup");
    sim.run()
        .expect("run (the engine checks the books every day)");
    let summary = sim.summary();
    assert!(summary.validators_skipped > 0, "{summary:?}");
    assert_eq!(
        summary.validators_skipped + summary.validators_provisioned,
        summary.validators_registered,
        "every registration was decided: skipped or provisioned"
    );
    let protocol = sim.deployment().protocol().unwrap();
    let mut filter = LogFilter::address(protocol, 0);
    filter.topics = vec![Some(vec![
        PufferProtocol::ProvisioningSkipped::SIGNATURE_HASH,
    ])];
    let skipped = sim.chain().logs(&filter).unwrap().len() as u64;
    assert_eq!(
        skipped, summary.validators_skipped,
        "ProvisioningSkipped on chain"
    );
    let last = sim.records().last().unwrap();
    assert_eq!(
        last.strategies.iter().map(|s| s.skipped).sum::<u64>(),
        summary.validators_skipped
    );
}
