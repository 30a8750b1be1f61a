//! Puffer's chain layer: how every Rust component (guardian, CLI, simulator) talks to Ethereum.
//!
//! - [`Chain`]: one small synchronous trait (send, call, logs, balances, time; dev-chain time travel and
//!   balance setting), with two backends: [`EmbeddedChain`] (revm in process, in-memory state, snapshots) and
//!   [`RpcChain`] (alloy over HTTP with local signing: anvil or any Ethereum node).
//! - [`bindings`]: typed `sol!` bindings of every contract from the committed artifacts.
//! - [`decode_revert`]: revert data into readable errors (`InsufficientLiquidity: available 3.2 ETH, requested
//!   5 ETH`), across every contract's errors plus `Error(string)` and `Panic(uint256)`.
//! - [`Deployer`]: deploys and wires the protocol in the forge script's order as a list of steps, and the
//!   [`Deployment`] file other processes attach to.
//! - Role clients: [`Staker`], [`Governance`] (through the timelock), [`NodeOperator`] and [`GuardianChain`];
//!   [`SpurtReports`] posts growth-spurt reports and processes their exits and activations ([`report`] also holds
//!   the Merkle leaves and the [`MerkleTree`] the contracts accept).
//!
//! See `docs/chain.md` for the design.

pub mod accounts;
pub mod bindings;
mod chain;
pub mod contract;
pub mod deploy;
mod embedded;
mod error;
mod governance;
pub mod operator;
pub mod report;
mod revert;
mod rpc;
mod staker;

pub use accounts::{dev_signer, dev_signers};
pub use alloy;
pub use chain::{Chain, Log, LogFilter, Receipt, TxRequest};
pub use deploy::{DeployConfig, DeployStep, Deployer, Deployment, OperatorConfig};
pub use embedded::{
    BLOCK_GAS_LIMIT, EMBEDDED_CHAIN_ID, EmbeddedChain, GENESIS_TIMESTAMP, Snapshot,
};
pub use error::{ChainError, Result};
pub use governance::{Governance, Operation};
pub use operator::{GuardianChain, NodeOperator, Registration, sign_digest_sorted};
pub use report::{ExitReason, MerkleTree, SpurtClock, SpurtReports};
pub use revert::{ContractError, decode_revert, format_eth, format_units};
pub use rpc::{RetryPolicy, RpcChain};
pub use staker::{SignedRedemption, Staker, liquidity, rate};
