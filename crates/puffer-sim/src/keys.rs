//! Validator keys and registration bundles for the simulated NoOps, made with `puffer-keys` as a NoOp would
//! (BLS key, 32-ETH deposit signature, Shamir keyshares, one ECIES-encrypted share per guardian enclave key).
//!
//! Cheap and reproducible: validator `k` of seed `s` has the EIP-2333 master key of
//! `keccak256("puffer-sim validator" ‖ s ‖ k)` (no mnemonic, no scrypt keystore: nothing is written to disk),
//! and its bundle's randomness (keyshare polynomial, then each guardian's ECIES ephemeral key and nonce) comes
//! from a ChaCha20 generator seeded with `keccak256("puffer-sim bundle" ‖ s ‖ k)` ([`bundle_rng`]). The same
//! seed therefore gives byte-identical bundles, hence the same calldata and gas, in every process. This is
//! deliberate and only right for a simulation: a real NoOp's bundle must draw from the OS generator
//! ([`RegistrationBundle::create`]), or anyone who knows the seed can decrypt its keyshares. Bundles are also
//! cached per process ([`bundles`]), purely to save the work when a process runs several simulations.
use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock},
};

use alloy::primitives::{B256, keccak256};
use puffer_keys::{
    bls::SecretKey, bundle::RegistrationBundle, derive::master_key, ecies::EnclavePublicKey,
    network::Network,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

use crate::error::Result;

type CacheKey = (u64, u64, B256, B256, usize);

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

/// The generator of validator `index`'s bundle randomness under `seed`: ChaCha20 seeded with
/// `keccak256("puffer-sim bundle" ‖ seed ‖ index)`. Deterministic on purpose (see the module documentation);
/// never use it for real keys.
pub fn bundle_rng(seed: u64, index: u64) -> ChaCha20Rng {
    let key = keccak256(
        [
            b"puffer-sim bundle".as_slice(),
            &seed.to_be_bytes(),
            &index.to_be_bytes(),
        ]
        .concat(),
    );
    ChaCha20Rng::from_seed(key.0)
}

/// Validator `index`'s registration bundle under `seed`, made afresh (no cache): a function of its arguments
/// only, byte for byte.
///
/// # Errors
/// Key errors from `puffer-keys`.
pub fn bundle(
    seed: u64,
    index: u64,
    credentials: [u8; 32],
    network: &Network,
    enclaves: &[EnclavePublicKey],
    threshold: usize,
) -> Result<RegistrationBundle> {
    let secret = validator_secret(seed, index)?;
    Ok(RegistrationBundle::create_with_rng(
        &secret,
        credentials,
        network,
        enclaves,
        threshold,
        &mut bundle_rng(seed, index),
    )?)
}

/// The registration bundles of validators `indices` (withdrawal credentials `credentials`, keyshares for
/// `enclaves` with `threshold`), each as [`bundle`] makes it, made in parallel and cached per process.
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
            .filter(|i| !cache.contains_key(&(seed, *i, credentials_key, enclave_hash, threshold)))
            .collect()
    };
    let made: Vec<(u64, RegistrationBundle)> = missing
        .par_iter()
        .map(|&i| {
            let b = bundle(seed, i, credentials, network, enclaves, threshold)?;
            Ok((i, b))
        })
        .collect::<Result<_>>()?;
    let mut cache = cache()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for (i, b) in made {
        cache.insert((seed, i, credentials_key, enclave_hash, threshold), b);
    }
    Ok(indices
        .iter()
        .filter_map(|i| {
            cache
                .get(&(seed, *i, credentials_key, enclave_hash, threshold))
                .cloned()
        })
        .collect())
}
