//! Deterministic development accounts.

use alloy::{primitives::keccak256, signers::local::PrivateKeySigner};

/// The `i`-th development key: `keccak256("puffer dev account " ++ i)`. The same on every machine and backend, so
/// deployments on a fresh embedded chain and a fresh anvil get the same addresses. Never use these keys on a real
/// chain: they are public.
pub fn dev_signer(i: u32) -> PrivateKeySigner {
    let mut index = 0u64.to_be_bytes().to_vec();
    index.extend_from_slice(&i.to_be_bytes());
    let seed = keccak256([b"puffer dev account ".as_slice(), &index].concat());
    // A keccak output is a valid secp256k1 scalar except with negligible probability (>= n or zero); the
    // fallback re-hashes, so this never fails in practice.
    PrivateKeySigner::from_bytes(&seed)
        .or_else(|_| PrivateKeySigner::from_bytes(&keccak256(seed)))
        .unwrap_or_else(|_| PrivateKeySigner::random())
}

/// The first `n` development keys.
pub fn dev_signers(n: u32) -> Vec<PrivateKeySigner> {
    (0..n).map(dev_signer).collect()
}
