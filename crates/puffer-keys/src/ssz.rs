//! The few SSZ hash tree roots the keys need, written out by hand: every container here is fixed-size
//! with at most four fields, so each root is two or three SHA-256 calls.

use sha2::{Digest, Sha256};

/// A 32-byte SSZ chunk or root.
pub type Root = [u8; 32];

/// `SHA-256(a ‖ b)`.
pub fn hash_pair(a: &Root, b: &Root) -> Root {
    let mut h = Sha256::new();
    h.update(a);
    h.update(b);
    h.finalize().into()
}

/// A `uint64` leaf: little-endian, zero-padded to 32 bytes.
pub fn u64_leaf(value: u64) -> Root {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&value.to_le_bytes());
    out
}

/// Root of a `Bytes48` (BLS public key): two chunks, the second zero-padded.
pub fn bytes48_root(bytes: &[u8; 48]) -> Root {
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    a.copy_from_slice(&bytes[..32]);
    b[..16].copy_from_slice(&bytes[32..]);
    hash_pair(&a, &b)
}

/// Root of a `Bytes96` (BLS signature): three chunks padded to four.
pub fn bytes96_root(bytes: &[u8; 96]) -> Root {
    let mut chunks = [[0u8; 32]; 4];
    for (i, chunk) in chunks.iter_mut().take(3).enumerate() {
        chunk.copy_from_slice(&bytes[i * 32..(i + 1) * 32]);
    }
    hash_pair(
        &hash_pair(&chunks[0], &chunks[1]),
        &hash_pair(&chunks[2], &chunks[3]),
    )
}

/// Root of a container of up to four field roots (missing fields are zero chunks).
pub fn container4(fields: &[Root]) -> Root {
    let mut leaves = [[0u8; 32]; 4];
    leaves[..fields.len().min(4)].copy_from_slice(&fields[..fields.len().min(4)]);
    hash_pair(
        &hash_pair(&leaves[0], &leaves[1]),
        &hash_pair(&leaves[2], &leaves[3]),
    )
}

/// `ForkData { current_version: Bytes4, genesis_validators_root: Bytes32 }` root.
pub fn fork_data_root(version: [u8; 4], genesis_validators_root: &Root) -> Root {
    let mut v = [0u8; 32];
    v[..4].copy_from_slice(&version);
    hash_pair(&v, genesis_validators_root)
}

/// `compute_domain(domain_type, fork_version, genesis_validators_root)`.
pub fn compute_domain(
    domain_type: [u8; 4],
    fork_version: [u8; 4],
    genesis_validators_root: &Root,
) -> Root {
    let fork = fork_data_root(fork_version, genesis_validators_root);
    let mut out = [0u8; 32];
    out[..4].copy_from_slice(&domain_type);
    out[4..].copy_from_slice(&fork[..28]);
    out
}

/// `compute_signing_root(object, domain)`: the root of `SigningData { object_root, domain }`.
pub fn signing_root(object_root: &Root, domain: &Root) -> Root {
    hash_pair(object_root, domain)
}
