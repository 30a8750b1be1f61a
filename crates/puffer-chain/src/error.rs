//! Errors of the chain layer.

use std::path::PathBuf;

use alloy::primitives::{Address, B256, U256};

use crate::revert::ContractError;

/// The crate's result type.
pub type Result<T, E = ChainError> = std::result::Result<T, E>;

/// Everything that can go wrong talking to a chain, deploying or reading a deployment.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// A transaction or call reverted; nothing changed on chain (or, for an RPC transaction that reverted after
    /// inclusion, only its nonce and gas were spent: then `tx_hash` is set).
    #[error("{action} reverted: {error}{}", tx_hash.map(|h| format!(" (transaction {h})")).unwrap_or_default())]
    Reverted {
        /// What was attempted, e.g. `PufferPool.depositETH` or `call to 0x…`.
        action: String,
        /// The decoded revert reason (boxed: it is large and errors travel by value).
        error: Box<ContractError>,
        /// Hash of the included transaction, when it was mined before reverting.
        tx_hash: Option<B256>,
    },
    /// The EVM halted (out of gas, invalid opcode, stack overflow…) rather than reverting.
    #[error("{action} halted: {reason}; raise the gas limit or check the call")]
    Halted {
        /// What was attempted.
        action: String,
        /// The EVM's halt reason.
        reason: String,
    },
    /// The sender cannot pay for the value (and gas) of a transaction.
    #[error(
        "{from} has {balance} wei but the transaction needs {needed} wei; fund the account first"
    )]
    InsufficientFunds {
        /// The sender.
        from: Address,
        /// Its balance.
        balance: U256,
        /// What the transaction needs (value plus maximum gas cost).
        needed: U256,
    },
    /// The transaction is invalid for a reason other than funds (nonce, gas limit, chain id…).
    #[error("transaction from {from} rejected: {reason}")]
    InvalidTransaction {
        /// The sender.
        from: Address,
        /// Why the node or EVM rejected it.
        reason: String,
    },
    /// The RPC endpoint could not be reached (after retries).
    #[error(
        "cannot reach the Ethereum node at {url}: {reason}; start it (e.g. `anvil`) or pass the right RPC URL"
    )]
    Unreachable {
        /// The endpoint.
        url: String,
        /// The transport error.
        reason: String,
    },
    /// The RPC URL does not parse.
    #[error("invalid RPC URL {url:?}: {reason}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// The parse error.
        reason: String,
    },
    /// The node answered with an error that is not a revert.
    #[error("the Ethereum node at {url} failed `{method}`: {reason}")]
    Rpc {
        /// The endpoint.
        url: String,
        /// The JSON-RPC method.
        method: &'static str,
        /// The node's error.
        reason: String,
    },
    /// A transaction was sent but no receipt appeared in time.
    #[error("transaction {tx_hash} has no receipt after {waited_secs} s; check the node is mining")]
    ReceiptTimeout {
        /// The transaction.
        tx_hash: B256,
        /// How long we waited.
        waited_secs: u64,
    },
    /// A dev-chain-only method (time travel, balance setting) was used on a real chain.
    #[error(
        "`{method}` only works on a development chain (embedded or anvil), not on chain {chain_id}"
    )]
    NotDevChain {
        /// The method.
        method: &'static str,
        /// The chain id of the connected chain.
        chain_id: u64,
    },
    /// Return data or an event did not decode as the ABI says.
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// What was being decoded.
        what: String,
        /// The decoder's message.
        reason: String,
    },
    /// An expected event is missing from a receipt.
    #[error("transaction {tx_hash} emitted no {event} event from {address}")]
    MissingEvent {
        /// The transaction.
        tx_hash: B256,
        /// The event name.
        event: &'static str,
        /// The contract that should have emitted it.
        address: Address,
    },
    /// A contract artifact could not be loaded.
    #[error(transparent)]
    Artifact(#[from] puffer_contracts::ArtifactError),
    /// No deployment file at the given path.
    #[error("no deployment file at {}: deploy first (e.g. `puffer devnet deploy`) or pass the right path", path.display())]
    DeploymentMissing {
        /// The path.
        path: PathBuf,
    },
    /// The deployment file is for another chain.
    #[error("deployment file {} is for chain {file_chain_id}, but the node is chain {chain_id}; use the deployment of this chain or connect to chain {file_chain_id}", path.display())]
    DeploymentChainMismatch {
        /// The path.
        path: PathBuf,
        /// Chain id recorded in the file.
        file_chain_id: u64,
        /// Chain id of the connected chain.
        chain_id: u64,
    },
    /// The deployment file does not parse.
    #[error("deployment file {} is malformed: {reason}", path.display())]
    DeploymentMalformed {
        /// The path.
        path: PathBuf,
        /// The parse error.
        reason: String,
    },
    /// Reading or writing the deployment file failed.
    #[error("cannot access deployment file {}: {source}", path.display())]
    DeploymentIo {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A registration bundle field is not the hex the contract needs.
    #[error("registration bundle field {field} is invalid ({value:?}): {reason}")]
    InvalidBundle {
        /// The field, e.g. `pubkey_shares[2]`.
        field: String,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A deployment lacks a contract that is needed.
    #[error("the deployment has no {0} contract; deploy it (or use a deployment that has it)")]
    MissingContract(String),
    /// The deployment names a contract address that holds no code on this chain.
    #[error(
        "deployment says {name} is at {address}, but there is no code there: wrong chain or a reset dev chain; redeploy"
    )]
    NoCode {
        /// The contract name.
        name: String,
        /// Its recorded address.
        address: Address,
    },
    /// A timelocked operation was scheduled but its delay has not elapsed on a chain where time cannot be advanced.
    #[error(
        "timelock operation {id} is scheduled and can be executed from timestamp {ready_at}; call `execute` then"
    )]
    TimelockPending {
        /// Operation id.
        id: B256,
        /// Earliest execution timestamp.
        ready_at: u64,
    },
    /// Signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// The embedded EVM's database failed (cannot happen with the in-memory database; kept for completeness).
    #[error("embedded EVM database error: {0}")]
    Database(String),
}
