//! Short scenarios that keep the suite fast.

use puffer_sim::scenario::{Scenario, SlashingEvent};

/// A few days, few stakers, a handful of validators in two strategies.
pub(crate) fn small(days: u32) -> Scenario {
    let mut s = Scenario {
        days,
        ..Scenario::default()
    };
    s.stakers.count = 20;
    s.stakers.initial_deposit_eth = 400.0;
    s.stakers.daily_deposit_probability = 0.3;
    s.stakers.daily_redeem_probability = 0.2;
    s.strategies[0].noops = 4;
    s.strategies[0].initial_validators = 6;
    s.strategies[0].registrations_per_day = 0.5;
    s.strategies[1].noops = 2;
    s.strategies[1].initial_validators = 3;
    s.strategies[1].registrations_per_day = 0.2;
    s.offline.clear();
    s.slashings = vec![SlashingEvent {
        day: 3,
        first_index: 1,
        count: 1,
    }];
    s
}
