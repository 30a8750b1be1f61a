//! The crate's error type.

/// Result with [`BeaconError`].
pub type Result<T, E = BeaconError> = std::result::Result<T, E>;

/// What can go wrong talking to, or being, a beacon node.
#[derive(Debug, thiserror::Error)]
pub enum BeaconError {
    /// The beacon node answered with an error status and the Beacon API's `{"code", "message"}` body.
    #[error("beacon node returned {status}: {message}")]
    Api {
        /// HTTP status code.
        status: u16,
        /// The node's message (or the raw body when it was not the standard error JSON).
        message: String,
    },
    /// The request never got an HTTP answer (connection refused, timeout, ...).
    #[error("beacon node transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// A response body did not have the expected shape.
    #[error("malformed {what} response: {source}")]
    Decode {
        /// Which endpoint's response.
        what: &'static str,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The base URL cannot be joined with an endpoint path.
    #[error("bad beacon node URL {0:?}")]
    BadUrl(String),
    /// A field was not a decimal integer or hex string of the right length.
    #[error("invalid {field}: {value:?}")]
    InvalidField {
        /// The field's name.
        field: &'static str,
        /// The value received.
        value: String,
    },
    /// A state id that is neither `head`, `genesis`, `finalized`, `justified`, a slot nor a `0x` root.
    #[error("Invalid state ID: {0}")]
    InvalidStateId(String),
    /// A block id that is neither `head`, `genesis`, `finalized`, a slot nor a `0x` root.
    #[error("Invalid block ID: {0}")]
    InvalidBlockId(String),
    /// A validator id that is neither a decimal index nor a 48-byte `0x` pubkey.
    #[error("Invalid validator ID: {0}")]
    InvalidValidatorId(String),
    /// The simulated node keeps only its head state; older slots and unknown roots are not found.
    #[error("State not found: {0}")]
    StateNotFound(String),
    /// No block at that slot or root.
    #[error("Block not found: {0}")]
    BlockNotFound(String),
    /// No validator with that index or pubkey.
    #[error("Validator not found: {0}")]
    ValidatorNotFound(String),
    /// A voluntary exit that the state transition would reject.
    #[error("Invalid voluntary exit for validator {index}: {reason}")]
    ExitRejected {
        /// The validator index in the exit.
        index: u64,
        /// Why (not active, already exiting, too young, bad signature, future epoch).
        reason: String,
    },
    /// A request body that is not the JSON the endpoint takes.
    #[error("Invalid request body: {0}")]
    BadRequest(String),
    /// The scenario file is not valid TOML for [`Scenario`](crate::Scenario), or is inconsistent.
    #[error("invalid scenario: {0}")]
    Scenario(String),
    /// The node itself failed (e.g. a background task panicked).
    #[error("internal error: {0}")]
    Internal(String),
    /// The execution layer failed (following deposits or crediting withdrawals).
    #[error(transparent)]
    Chain(#[from] puffer_chain::ChainError),
}

impl BeaconError {
    /// The HTTP status the Beacon API uses for this error (400 bad input, 404 not found, 500 otherwise);
    /// for [`Api`](Self::Api), the status received.
    pub fn status(&self) -> u16 {
        match self {
            Self::Api { status, .. } => *status,
            Self::InvalidStateId(_)
            | Self::InvalidBlockId(_)
            | Self::InvalidValidatorId(_)
            | Self::InvalidField { .. }
            | Self::ExitRejected { .. }
            | Self::BadRequest(_) => 400,
            Self::StateNotFound(_) | Self::BlockNotFound(_) | Self::ValidatorNotFound(_) => 404,
            _ => 500,
        }
    }
}
