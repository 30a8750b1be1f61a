//! Conservation: every day, ETH into the protocol = ETH out + ETH held, to the wei.

use alloy::primitives::U256;

use crate::common::small;

#[test]
fn eth_is_conserved_to_the_wei_every_day() {
    let mut sim = puffer_sim::Simulation::new(small(12)).expect("setup");
    sim.run()
        .expect("every day balances (the engine checks and stops otherwise)");
    assert_eq!(sim.records().len(), 13, "day 0 and 12 days");
    for r in sim.records() {
        let (i, o, h): (U256, U256, U256) = (
            r.in_wei.parse().unwrap(),
            r.out_wei.parse().unwrap(),
            r.held_wei.parse().unwrap(),
        );
        assert_eq!(i, o + h, "day {}: in = out + held", r.day);
        assert!(!i.is_zero());
    }
    let last = sim.records().last().unwrap();
    assert!(
        last.active_validators > 0,
        "validators went active: {last:?}"
    );
}
