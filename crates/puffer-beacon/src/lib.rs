//! Puffer's beacon layer: how off-chain Puffer reaches Ethereum's consensus layer.
//!
//! - [`types`]: the Beacon API's JSON shapes (decimal-string integers, `0x` hex bytes) for the subset we use;
//! - [`node`]: the [`BeaconNode`] trait (genesis, spec, fork, validators, balances, finality, headers, exits)
//!   and the identifiers it takes ([`StateId`], [`BlockId`], [`ValidatorId`]);
//! - [`client`]: [`BeaconClient`], the HTTP implementation against any standard beacon node;
//! - [`sim`]: [`SimNode`], a deterministic simulated beacon chain (deposits, activation and exit queues with
//!   churn, rewards and penalties from a TOML [`Scenario`], slashings, withdrawals), usable in process through
//!   [`SharedNode`] or over HTTP through [`server`];
//! - [`credit`]: [`ExecutionCredit`], how withdrawals reach the execution layer (over the `Chain` trait).
//!
//! See `docs/beacon.md` for the API subset, the model and its simplifications.

pub mod client;
pub mod credit;
mod error;
pub mod node;
pub mod server;
pub mod sim;
pub mod types;

pub use client::BeaconClient;
pub use credit::{ChainCredit, ExecutionCredit};
pub use error::{BeaconError, Result};
pub use node::{BeaconNode, BlockId, StateId, ValidatorId};
pub use sim::{Scenario, SharedNode, SimConfig, SimNode};
