//! The guardian's errors: one enum, each variant naming the bad value.

use alloy::primitives::{Address, B256, U256};

/// Why a guardian operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GuardianError {
    /// The chain layer failed (transport, revert, decode).
    #[error("chain: {0}")]
    Chain(#[from] puffer_chain::ChainError),
    /// The beacon node failed or answered garbage.
    #[error("beacon node: {0}")]
    Beacon(#[from] puffer_beacon::BeaconError),
    /// Key material or a BLS operation failed.
    #[error("keys: {0}")]
    Keys(#[from] puffer_keys::KeyError),
    /// The sealed enclave file could not be opened (wrong passphrase or a corrupt file).
    #[error("sealed enclave {path}: {reason}")]
    Sealed {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The signing ledger already holds a different, still-valid signature for this duty.
    #[error(
        "refusing to sign {kind} {id}: digest {recorded} is already signed and valid until {valid_until}, asked for {requested}"
    )]
    ConflictingSignature {
        /// The duty kind (`provision`, `skip`, `report`, `exit`).
        kind: &'static str,
        /// The validator id or spurt.
        id: String,
        /// What was signed before.
        recorded: B256,
        /// What was asked now.
        requested: B256,
        /// When the recorded one expires (`u64::MAX`: never).
        valid_until: u64,
    },
    /// A request asked this guardian to sign something the protocol does not allow (now).
    #[error("refused: {0}")]
    Refused(String),
    /// Not enough valid answers for a quorum.
    #[error("no quorum for {what}: {got} valid of {threshold} needed")]
    NoQuorum {
        /// What was being gathered.
        what: String,
        /// Valid answers.
        got: usize,
        /// Needed.
        threshold: usize,
    },
    /// A peer answered something that does not verify.
    #[error("bad answer from peer {peer}: {reason}")]
    BadPeerAnswer {
        /// The peer's operator address.
        peer: Address,
        /// What was wrong.
        reason: String,
    },
    /// A peer could not be reached or answered an HTTP error.
    #[error("peer {peer}: {reason}")]
    Peer {
        /// The peer's operator address.
        peer: Address,
        /// What failed.
        reason: String,
    },
    /// A peer request failed authentication.
    #[error("unauthenticated request: {0}")]
    Unauthenticated(String),
    /// A validator the guardian has no record of.
    #[error("unknown validator {0}")]
    UnknownValidator(U256),
    /// The embedded database failed.
    #[error("database {path}: {reason}")]
    Store {
        /// The database file.
        path: String,
        /// The failure.
        reason: String,
    },
    /// Malformed JSON, TOML or hex.
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// What was being decoded.
        what: String,
        /// Why it failed.
        reason: String,
    },
    /// Configuration is invalid.
    #[error("config: {0}")]
    Config(String),
    /// File system errors.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// The guardian crate's result.
pub type Result<T, E = GuardianError> = std::result::Result<T, E>;
