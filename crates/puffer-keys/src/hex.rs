//! Hex helpers that name the field at fault.

use crate::error::{KeyError, Result};

/// Decodes hex with or without a `0x` prefix.
pub(crate) fn decode(field: &str, text: &str) -> Result<Vec<u8>> {
    let body = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(body).map_err(|e| KeyError::MalformedHex {
        field: field.to_owned(),
        reason: e.to_string(),
    })
}

/// Decodes hex of exactly `N` bytes.
pub(crate) fn decode_fixed<const N: usize>(field: &str, text: &str) -> Result<[u8; N]> {
    let bytes = decode(field, text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| KeyError::MalformedHex {
        field: field.to_owned(),
        reason: format!("expected {N} bytes, got {}", bytes.len()),
    })
}

/// Encodes with a `0x` prefix.
pub(crate) fn encode_prefixed(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}
