//! What the chain-facing commands share: amounts, connection and keys, output, the devnet's state file.

pub(crate) mod amount;
pub(crate) mod context;
pub(crate) mod devnet_state;
pub(crate) mod http;
