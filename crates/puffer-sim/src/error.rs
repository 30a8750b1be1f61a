//! The simulator's errors.

use thiserror::Error;

/// Everything that can stop a simulation.
#[derive(Debug, Error)]
pub enum SimError {
    /// The scenario file is not valid TOML for a scenario (unknown key, wrong type); the message names the key.
    #[error("scenario: {0}")]
    ScenarioToml(String),
    /// A scenario value is out of range.
    #[error("scenario key `{key}` = {value}: allowed {allowed}")]
    Scenario {
        /// The key, e.g. `strategy[1].weight`.
        key: String,
        /// The value given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// A transaction or call failed on the embedded chain.
    #[error("day {day}: {action}: {source}")]
    Chain {
        /// Simulated day.
        day: u32,
        /// What the agent was doing.
        action: String,
        /// The chain's error (reverts decoded).
        #[source]
        source: puffer_chain::ChainError,
    },
    /// A guardian refused, or no quorum formed.
    #[error("day {day}: {action}: {source}")]
    Guardian {
        /// Simulated day.
        day: u32,
        /// What the guardians were doing.
        action: String,
        /// The guardian crate's error.
        #[source]
        source: Box<puffer_guardian::GuardianError>,
    },
    /// The simulated beacon chain refused something.
    #[error("day {day}: beacon: {source}")]
    Beacon {
        /// Simulated day.
        day: u32,
        /// The beacon layer's error.
        #[source]
        source: puffer_beacon::BeaconError,
    },
    /// Key material could not be made or used.
    #[error("keys: {0}")]
    Keys(#[from] puffer_keys::KeyError),
    /// ETH was created or lost: the books do not balance.
    #[error(
        "day {day}: conservation broken: in {in_wei} wei != out {out_wei} + held {held_wei} wei"
    )]
    Conservation {
        /// Simulated day.
        day: u32,
        /// ETH that entered the protocol.
        in_wei: String,
        /// ETH that left it.
        out_wei: String,
        /// ETH it holds.
        held_wei: String,
    },
    /// Writing an output file failed.
    #[error("writing {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The simulator's result type.
pub type Result<T, E = SimError> = std::result::Result<T, E>;
