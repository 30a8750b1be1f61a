//! Validator keys and registration bundles for the simulated NoOps, made with `puffer-keys` as a NoOp would
//! (BLS key, 32-ETH deposit signature, Shamir keyshares, one ECIES-encrypted share per guardian enclave key).
//!
//! Cheap and reproducible where it can be: validator `k` of seed `s` has the EIP-2333 master key of
//! `keccak256("puffer-sim validator" ‖ s ‖ k)` (no mnemonic, no scrypt keystore: nothing is written to disk).
//! Keyshare polynomials and ECIES ephemeral keys come from the OS generator inside `puffer-keys` (as they must
//! for real NoOps), so two bundles for the same key differ in their encrypted bytes, which changes calldata gas
//! by a few units. Bundles are therefore cached per process ([`bundle`]): a second run with the same seed in the
//! same process registers byte-identical bundles and reproduces the report byte for byte.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
};

use alloy::primitives::{B256, keccak256};
use puffer_keys::{
    bls::SecretKey, bundle::RegistrationBundle, derive::master_key, ecies::EnclavePublicKey,
    network::Network,
};
use rayon::prelude::*;

use crate::error::Result;

type CacheKey = (u64, u64, B256, B256);

fn cache() -> &'static Mutex<HashMap<CacheKey, RegistrationBundle>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, RegistrationBundle>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Validator `index`'s BLS secret key under `seed`.
///
/// # Errors
/// [`puffer_keys::KeyError`] from the key derivation (not expected for 32-byte seeds).
pub fn validator_secret(seed: u64, index: u64) -> Result<SecretKey> {
    let ikm = keccak256(
        [
            b"puffer-sim validator".as_slice(),
            &seed.to_be_bytes(),
            &index.to_be_bytes(),
        ]
        .concat(),
    );
    Ok(master_key(ikm.as_slice())?)
}

/// The registration bundles of validators `indices` (withdrawal credentials `credentials`, keyshares for
/// `enclaves` with `threshold`), made in parallel and cached per process.
///
/// # Errors
/// Key errors from `puffer-keys`.
pub fn bundles(
    seed: u64,
    indices: &[u64],
    credentials: [u8; 32],
    network: &Network,
    enclaves: &[EnclavePublicKey],
    threshold: usize,
) -> Result<Vec<RegistrationBundle>> {
    let enclave_hash = keccak256(
        enclaves
            .iter()
            .flat_map(|e| e.as_bytes().to_vec())
            .chain(network.genesis_validators_root)
            .collect::<Vec<u8>>(),
    );
    let credentials_key = B256::from(credentials);
    let missing: Vec<u64> = {
        let cache = cache()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        indices
            .iter()
            .copied()
            .filter(|i| !cache.contains_key(&(seed, *i, credentials_key, enclave_hash)))
            .collect()
    };
    let made: Vec<(u64, RegistrationBundle)> = missing
        .par_iter()
        .map(|&i| {
            let secret = validator_secret(seed, i)?;
            let b = RegistrationBundle::create(&secret, credentials, network, enclaves, threshold)?;
            Ok((i, b))
        })
        .collect::<Result<_>>()?;
    let mut cache = cache()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (i, b) in made {
        cache.insert((seed, i, credentials_key, enclave_hash), b);
    }
    Ok(indices
        .iter()
        .filter_map(|i| {
            cache
                .get(&(seed, *i, credentials_key, enclave_hash))
                .cloned()
        })
        .collect())
}
