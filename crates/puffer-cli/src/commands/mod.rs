//! One module per top-level subcommand.

pub(crate) mod beacon_sim;
pub(crate) mod keys;
pub(crate) mod sim;
