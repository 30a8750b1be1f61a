//! The crate's error type.

/// Everything that can go wrong in `puffer-keys`. Messages name the field or value at fault and never
/// contain secret material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The mnemonic is not a valid BIP-39 English mnemonic (unknown word, bad length or bad checksum).
    #[error("invalid mnemonic: {0}")]
    InvalidMnemonic(String),
    /// A BIP-39 word count other than 12, 15, 18, 21 or 24 was requested.
    #[error("invalid mnemonic word count {0}: expected 12, 15, 18, 21 or 24")]
    InvalidWordCount(usize),
    /// The seed handed to EIP-2333 is shorter than the 32 bytes the EIP requires.
    #[error("seed is {0} bytes, EIP-2333 needs at least 32")]
    SeedTooShort(usize),
    /// An EIP-2334 path could not be parsed.
    #[error("invalid derivation path {path:?}: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A field held text that is not valid hex, or hex of the wrong length.
    #[error("field `{field}`: {reason}")]
    MalformedHex {
        /// The field (JSON key or argument) that held the value.
        field: String,
        /// What is wrong with it (bad character, expected length).
        reason: String,
    },
    /// A JSON document did not have the expected shape.
    #[error("malformed {what}: {source}")]
    Json {
        /// What was being parsed (keystore, bundle, deposit data).
        what: &'static str,
        /// The parser's error, which names the field and position.
        #[source]
        source: serde_json::Error,
    },
    /// A keystore or bundle field has a value we do not accept.
    #[error("field `{field}`: {reason}")]
    InvalidField {
        /// The field at fault.
        field: &'static str,
        /// Why it is rejected.
        reason: String,
    },
    /// A KDF parameter is outside the accepted range (too weak or so costly it is a denial of service).
    #[error("KDF parameter `{param}` = {value}: {reason}")]
    InvalidKdfParam {
        /// The parameter name as in EIP-2335 (`n`, `r`, `p`, `c`, `dklen`, `salt`).
        param: &'static str,
        /// The offending value.
        value: String,
        /// The accepted range.
        reason: &'static str,
    },
    /// The keystore checksum does not match: the password is wrong (or the ciphertext was altered).
    #[error("wrong password for keystore (checksum mismatch)")]
    WrongPassword,
    /// The keystore decrypted, but the secret does not match the keystore's `pubkey` field.
    #[error("corrupt keystore: decrypted secret does not match pubkey {0}")]
    PubkeyMismatch(String),
    /// 32 bytes that are not a valid BLS secret key (zero or not below the group order).
    #[error("invalid BLS secret key in {0}")]
    InvalidSecretKey(&'static str),
    /// Bytes that are not a valid compressed BLS12-381 G1 public key (off curve, not in the subgroup,
    /// or the point at infinity).
    #[error("{field}: not a valid BLS public key (not on curve, not in subgroup or infinity)")]
    InvalidPublicKey {
        /// Where the key came from.
        field: String,
    },
    /// Bytes that are not a valid compressed BLS12-381 G2 signature.
    #[error("{field}: not a valid BLS signature (not on curve or not in subgroup)")]
    InvalidSignatureEncoding {
        /// Where the signature came from.
        field: String,
    },
    /// A signature that parses but does not verify.
    #[error("{0}: signature does not verify")]
    BadSignature(String),
    /// A Shamir threshold outside `n/2 < t <= n`.
    #[error(
        "threshold {threshold} out of range for {shares} shares (need {shares}/2 < t <= {shares})"
    )]
    ThresholdOutOfRange {
        /// The requested threshold.
        threshold: usize,
        /// The number of shares (guardians).
        shares: usize,
    },
    /// A share count of zero or above the supported maximum.
    #[error("share count {0} out of range (1..={max})", max = crate::keyshare::MAX_SHARES)]
    ShareCountOutOfRange(usize),
    /// A list has the wrong number of entries (shares, partials, guardian keys).
    #[error("wrong number of {what}: got {got}, expected {expected}")]
    WrongCount {
        /// What was counted.
        what: &'static str,
        /// How many were given.
        got: usize,
        /// How many were expected.
        expected: usize,
    },
    /// The same share index appears twice, or an index is out of range.
    #[error("share index {0} is duplicated or out of range")]
    BadShareIndex(u32),
    /// A partial signature does not verify against its pubkey share.
    #[error("partial signature from share {index} does not verify against its pubkey share")]
    BadPartialSignature {
        /// The share index (0-based guardian position).
        index: u32,
    },
    /// A set of pubkey shares does not interpolate to the validator pubkey.
    #[error("pubkey shares {indices:?} do not interpolate to the validator pubkey")]
    InconsistentShares {
        /// The share indices of the failing subset.
        indices: Vec<u32>,
    },
    /// A decrypted keyshare does not match the guardian's pubkey share.
    #[error("keyshare {index} does not match its pubkey share")]
    ShareMismatch {
        /// The share index.
        index: u32,
    },
    /// A secp256k1 enclave public key could not be parsed.
    #[error("{field}: not a valid secp256k1 public key")]
    InvalidEnclaveKey {
        /// Where the key came from.
        field: String,
    },
    /// ECIES encryption or decryption failed (wrong key or tampered ciphertext).
    #[error("ECIES {0} failed (wrong enclave key or tampered ciphertext)")]
    Ecies(&'static str),
    /// A deposit data root does not match the one recomputed from the deposit fields.
    #[error("deposit data root mismatch: file says {claimed}, fields give {computed}")]
    DepositRootMismatch {
        /// Root as stated in the file.
        claimed: String,
        /// Root recomputed from the fields.
        computed: String,
    },
    /// An unknown network name.
    #[error("unknown network {0:?}: expected mainnet, sepolia, hoodi or custom")]
    UnknownNetwork(String),
    /// An unsupported format version.
    #[error("unsupported {what} version {got}")]
    UnsupportedVersion {
        /// The kind of document.
        what: &'static str,
        /// The version found.
        got: u64,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file at fault.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// `Result` with [`KeyError`].
pub type Result<T, E = KeyError> = std::result::Result<T, E>;
