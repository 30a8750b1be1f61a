//! Integration tests of `puffer-keys`, one binary (modules by topic).

// Helpers outside `#[test]` functions unwrap too: a panic is the failure report here.
#![allow(clippy::unwrap_used)]

mod bundle;
mod cross_check;
mod deposit;
mod ecies;
mod eip2333_vectors;
mod eip2335_vectors;
mod exit;
mod json;
mod keyshares;
mod params;

/// Hex to bytes (tests only).
pub(crate) fn h(text: &str) -> Vec<u8> {
    hex::decode(text.trim_start_matches("0x")).unwrap()
}

/// A decimal integer below 2^256 as 32 big-endian bytes.
pub(crate) fn decimal_to_be32(text: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for digit in text.bytes() {
        let mut carry = u32::from(digit - b'0');
        for byte in out.iter_mut().rev() {
            let v = u32::from(*byte) * 10 + carry;
            *byte = (v & 0xff) as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0, "overflow");
    }
    out
}

/// The cheapest KDF parameters the bounds accept, for tests whose vectors do not fix the cost.
pub(crate) const TEST_SCRYPT: puffer_keys::keystore::KdfParams =
    puffer_keys::keystore::KdfParams::Scrypt {
        n: 1 << 14,
        r: 8,
        p: 1,
    };
