//! Errors from loading embedded contract artifacts.

/// Why an artifact could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// No committed artifact has this contract name.
    #[error("no contract artifact named {0} (known: see `names()`)")]
    Unknown(String),
    /// The committed artifact is not valid JSON.
    #[error("artifact {name} is not valid JSON: {source}")]
    Json {
        /// Contract name.
        name: &'static str,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The committed artifact lacks a field or holds bad hex in it.
    #[error("artifact {name} has a missing or malformed `{field}`")]
    Malformed {
        /// Contract name.
        name: &'static str,
        /// The JSON field that is missing or malformed.
        field: &'static str,
    },
}
