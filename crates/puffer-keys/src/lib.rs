//! Validator keys and guardian keyshares for Puffer.
//!
//! What NoOps run on their own machines and what guardians rely on to eject validators:
//!
//! - [`mnemonic`]: BIP-39 mnemonics and seeds;
//! - [`derive`]: EIP-2333 key derivation along EIP-2334 paths (`m/12381/3600/i/0/0`);
//! - [`keystore`]: EIP-2335 keystores (scrypt, PBKDF2), with KDF bounds against weak or hostile files;
//! - [`deposit`]: deposit data, its roots and the launchpad's `deposit_data-*.json` entries;
//! - [`exit`]: voluntary exits signed for the EIP-7044 Capella domain, in Beacon API JSON;
//! - [`keyshare`]: Shamir t-of-n shares of a BLS key, partial signatures and their combination;
//! - [`ecies`]: encryption of shares to guardian enclave keys (interoperable with `eciespy`);
//! - [`bundle`]: the registration bundle and its end-to-end verifier;
//! - [`bls`], [`network`], [`ssz`], [`fs`]: the primitives underneath.
//!
//! Secrets live in types that zero their memory on drop and never print in `Debug`.

pub mod bls;
pub mod bundle;
pub mod deposit;
pub mod derive;
pub mod ecies;
mod error;
pub mod exit;
pub mod fs;
mod hex;
pub mod keyshare;
pub mod keystore;
pub mod mnemonic;
pub mod network;
pub mod ssz;

pub use error::{KeyError, Result};
