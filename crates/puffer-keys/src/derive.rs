//! EIP-2333 key derivation and EIP-2334 paths.

use crate::bls::SecretKey;
use crate::error::{KeyError, Result};

/// EIP-2334 purpose field.
pub const PURPOSE: u32 = 12381;
/// EIP-2334 coin type for Ethereum.
pub const COIN_TYPE: u32 = 3600;

/// The EIP-2334 signing-key path of validator `index`: `m/12381/3600/index/0/0`.
pub fn signing_path(index: u32) -> String {
    format!("m/{PURPOSE}/{COIN_TYPE}/{index}/0/0")
}

/// Parses `m/a/b/...` into its indices.
///
/// # Errors
/// [`KeyError::InvalidPath`] when the path does not start with `m`, has an empty or non-numeric
/// component, or a component that does not fit in 32 bits.
pub fn parse_path(path: &str) -> Result<Vec<u32>> {
    let bad = |reason| KeyError::InvalidPath {
        path: path.to_owned(),
        reason,
    };
    let mut parts = path.split('/');
    if parts.next() != Some("m") {
        return Err(bad("must start with `m`"));
    }
    parts
        .map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("components must be decimal numbers"));
            }
            p.parse::<u32>()
                .map_err(|_| bad("component does not fit in 32 bits"))
        })
        .collect()
}

/// EIP-2333 master key from a seed (at least 32 bytes).
///
/// # Errors
/// [`KeyError::SeedTooShort`] for a seed under 32 bytes.
pub fn master_key(seed: &[u8]) -> Result<SecretKey> {
    blst::min_pk::SecretKey::derive_master_eip2333(seed)
        .map(SecretKey)
        .map_err(|_| KeyError::SeedTooShort(seed.len()))
}

/// EIP-2333 child of `parent` at `index`.
pub fn child_key(parent: &SecretKey, index: u32) -> SecretKey {
    SecretKey(parent.0.derive_child_eip2333(index))
}

/// The key at `path` below the master key of `seed`.
///
/// # Errors
/// [`KeyError::SeedTooShort`] or [`KeyError::InvalidPath`].
pub fn derive_path(seed: &[u8], path: &str) -> Result<SecretKey> {
    let indices = parse_path(path)?;
    let mut key = master_key(seed)?;
    for index in indices {
        key = child_key(&key, index);
    }
    Ok(key)
}

/// The signing key of validator `index` (`m/12381/3600/index/0/0`).
///
/// # Errors
/// [`KeyError::SeedTooShort`].
pub fn validator_signing_key(seed: &[u8], index: u32) -> Result<SecretKey> {
    derive_path(seed, &signing_path(index))
}
