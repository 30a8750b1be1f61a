//! One module per top-level subcommand.

pub(crate) mod beacon_sim;
pub(crate) mod guardian;
pub(crate) mod keys;
