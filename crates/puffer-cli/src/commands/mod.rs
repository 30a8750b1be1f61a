//! One module per top-level subcommand.

pub(crate) mod beacon_sim;
pub(crate) mod devnet;
pub(crate) mod devnet_guardians;
pub(crate) mod gov;
pub(crate) mod guardian;
pub(crate) mod keys;
pub(crate) mod noop;
pub(crate) mod sim;
pub(crate) mod stake;
pub(crate) mod status;
