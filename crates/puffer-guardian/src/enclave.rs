//! The enclave: the only holder of a guardian's enclave secret (a secp256k1 key registered in the
//! GuardianModule). It signs EIP-712 digests the duties layer computed, decrypts this guardian's keyshares, and
//! makes partial exit signatures; nothing else leaves it.
//!
//! Implementations: [`MemoryEnclave`] (tests and the simulator) and [`SealedEnclave`] (the daemon: the secret
//! is encrypted at rest under a key derived with scrypt from a passphrase or a key file, AES-128-CTR, and a
//! SHA-256 MAC over the ciphertext, the EIP-2335 construction). SGX/TDX would be a third implementation of the
//! same trait: the secret would be sealed to the enclave's measurement and the trait's methods would run
//! inside it; the GuardianModule's attestation verifier is what vouches for such a key on chain. That seam is
//! documented, not built (no SGX/TDX hardware here).

use std::path::Path;

use aes::cipher::{KeyIvInit, StreamCipher};
use alloy::{
    primitives::{Address, B256},
    signers::{SignerSync, local::PrivateKeySigner},
};
use puffer_keys::{
    ecies::{self, EnclavePublicKey, EnclaveSecretKey},
    exit::VoluntaryExit,
    keyshare::{KeyShare, PartialSignature},
    network::Network,
};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{GuardianError, Result};

type Aes128Ctr = ctr::Ctr64BE<aes::Aes128>;

/// What a guardian's enclave does. Implementations guarantee:
/// - [`sign_digest`](Self::sign_digest) signs the 32 bytes it is given as they are (no hashing, no prefix): the
///   caller computed an EIP-712 digest; the signature recovers to [`address`](Self::address).
/// - [`decrypt_share`](Self::decrypt_share) returns the keyshare only to the caller in this process; the
///   daemon never serialises it.
/// - [`partial_sign_exit`](Self::partial_sign_exit) signs only a `VoluntaryExit` under the EIP-7044 domain.
pub trait Enclave: Send + Sync {
    /// The enclave key's Ethereum address (what `GuardianModule.enclaveKeyOf(guardian)` holds).
    fn address(&self) -> Address;

    /// The enclave key's public key (what NoOps encrypt keyshares to).
    fn public_key(&self) -> EnclavePublicKey;

    /// Signs an EIP-712 digest: 65 bytes `r ‖ s ‖ v` (v = 27/28), as the GuardianModule expects.
    ///
    /// # Errors
    /// [`GuardianError::Refused`] if the signer fails.
    fn sign_digest(&self, digest: B256) -> Result<[u8; 65]>;

    /// Decrypts this guardian's keyshare (`index` = its position in the guardian set).
    ///
    /// # Errors
    /// [`GuardianError::Keys`] when the ciphertext is not for this enclave or is malformed.
    fn decrypt_share(&self, index: u32, ciphertext: &[u8]) -> Result<KeyShare>;

    /// Decrypts the share and signs `exit` with it for `network` (EIP-7044 Capella domain).
    ///
    /// # Errors
    /// As [`decrypt_share`](Self::decrypt_share).
    fn partial_sign_exit(
        &self,
        index: u32,
        ciphertext: &[u8],
        exit: &VoluntaryExit,
        network: &Network,
    ) -> Result<PartialSignature> {
        let share = self.decrypt_share(index, ciphertext)?;
        Ok(share.sign(&exit.signing_root(network)))
    }
}

/// An enclave whose secret lives in process memory (zeroed on drop). For tests and the simulator; the daemon
/// uses [`SealedEnclave`].
pub struct MemoryEnclave {
    secret: EnclaveSecretKey,
    signer: PrivateKeySigner,
}

impl std::fmt::Debug for MemoryEnclave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MemoryEnclave {{ address: {}, secret: <redacted> }}",
            self.signer.address()
        )
    }
}

impl MemoryEnclave {
    /// An enclave holding `secret`.
    ///
    /// # Errors
    /// [`GuardianError::Keys`] when the bytes are not a valid secp256k1 secret.
    pub fn from_bytes(secret: &[u8; 32]) -> Result<Self> {
        let enclave = EnclaveSecretKey::from_bytes(secret)?;
        let signer = PrivateKeySigner::from_bytes(&B256::from(*secret)).map_err(|e| {
            GuardianError::Refused(format!("enclave secret is not a secp256k1 key: {e}"))
        })?;
        Ok(Self {
            secret: enclave,
            signer,
        })
    }

    /// A fresh random enclave key.
    pub fn generate() -> Self {
        loop {
            let secret = EnclaveSecretKey::generate();
            if let Ok(e) = Self::from_bytes(&secret.to_bytes()) {
                return e;
            }
        }
    }

    /// The enclave key as a signer (tests and the simulator register it in the GuardianModule with it).
    pub fn signer(&self) -> &PrivateKeySigner {
        &self.signer
    }

    fn secret_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.secret.to_bytes()
    }
}

impl Enclave for MemoryEnclave {
    fn address(&self) -> Address {
        self.signer.address()
    }

    fn public_key(&self) -> EnclavePublicKey {
        self.secret.public_key()
    }

    fn sign_digest(&self, digest: B256) -> Result<[u8; 65]> {
        let sig = self
            .signer
            .sign_hash_sync(&digest)
            .map_err(|e| GuardianError::Refused(format!("enclave signer failed: {e}")))?;
        Ok(sig.as_bytes())
    }

    fn decrypt_share(&self, index: u32, ciphertext: &[u8]) -> Result<KeyShare> {
        Ok(ecies::decrypt_share(&self.secret, index, ciphertext)?)
    }
}

/// scrypt cost bounds for sealed files: below 2^14 is too weak for a secret at rest, above 2^20 (1 GiB with
/// r = 8) lets a hostile file exhaust memory.
pub const SEALED_MIN_LOG_N: u8 = 14;
/// See [`SEALED_MIN_LOG_N`].
pub const SEALED_MAX_LOG_N: u8 = 20;
/// What [`SealedEnclave::seal`] writes by default: 2^17 × r 8 = 128 MiB, about 0.3 s.
pub const SEALED_DEFAULT_LOG_N: u8 = 17;

/// The sealed file (JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedFile {
    version: u32,
    address: Address,
    kdf: String,
    log_n: u8,
    r: u32,
    p: u32,
    salt: String,
    iv: String,
    ciphertext: String,
    mac: String,
}

/// An enclave whose secret is stored encrypted on disk and decrypted into memory when opened.
#[derive(Debug)]
pub struct SealedEnclave {
    inner: MemoryEnclave,
}

fn sealed_err(path: &Path, reason: impl Into<String>) -> GuardianError {
    GuardianError::Sealed {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

fn derive_key(
    passphrase: &[u8],
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>> {
    let params = scrypt::Params::new(log_n, r, p, 32).map_err(|e| {
        GuardianError::Config(format!(
            "scrypt parameters log_n {log_n}, r {r}, p {p}: {e}"
        ))
    })?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase, salt, &params, key.as_mut())
        .map_err(|e| GuardianError::Config(format!("scrypt: {e}")))?;
    Ok(key)
}

fn mac(key: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(&key[16..]);
    h.update(ciphertext);
    h.finalize().into()
}

impl SealedEnclave {
    /// Encrypts `secret` under `passphrase` (scrypt 2^`log_n`, r 8, p 1) and writes it to `path` (mode 0600,
    /// atomically).
    ///
    /// # Errors
    /// [`GuardianError::Config`] for a cost outside the bounds; [`GuardianError::Io`].
    pub fn seal(path: &Path, secret: &[u8; 32], passphrase: &[u8], log_n: u8) -> Result<Address> {
        if !(SEALED_MIN_LOG_N..=SEALED_MAX_LOG_N).contains(&log_n) {
            return Err(GuardianError::Config(format!(
                "scrypt log2 cost {log_n} outside {SEALED_MIN_LOG_N}..={SEALED_MAX_LOG_N}"
            )));
        }
        let enclave = MemoryEnclave::from_bytes(secret)?;
        let mut salt = [0u8; 32];
        let mut iv = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        rand::thread_rng().fill_bytes(&mut iv);
        let key = derive_key(passphrase, &salt, log_n, 8, 1)?;
        let mut ciphertext = *secret;
        Aes128Ctr::new(key[..16].into(), (&iv).into()).apply_keystream(&mut ciphertext);
        let file = SealedFile {
            version: 1,
            address: enclave.address(),
            kdf: "scrypt".into(),
            log_n,
            r: 8,
            p: 1,
            salt: hex::encode(salt),
            iv: hex::encode(iv),
            ciphertext: hex::encode(ciphertext),
            mac: hex::encode(mac(&key, &ciphertext)),
        };
        let text =
            serde_json::to_string_pretty(&file).map_err(|e| sealed_err(path, e.to_string()))?;
        puffer_keys::fs::write_atomic(path, text.as_bytes())
            .map_err(|e| sealed_err(path, e.to_string()))?;
        Ok(enclave.address())
    }

    /// Opens a sealed file with `passphrase`.
    ///
    /// # Errors
    /// [`GuardianError::Sealed`] naming the file for a wrong passphrase, a malformed or tampered file, or a
    /// cost outside the bounds (checked before any work is done).
    pub fn open(path: &Path, passphrase: &[u8]) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| GuardianError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let file: SealedFile =
            serde_json::from_str(&text).map_err(|e| sealed_err(path, format!("malformed: {e}")))?;
        if file.version != 1 || file.kdf != "scrypt" {
            return Err(sealed_err(
                path,
                format!("unsupported version {} / kdf {:?}", file.version, file.kdf),
            ));
        }
        if !(SEALED_MIN_LOG_N..=SEALED_MAX_LOG_N).contains(&file.log_n)
            || !(1..=32).contains(&file.r)
            || !(1..=16).contains(&file.p)
        {
            return Err(sealed_err(
                path,
                format!(
                    "scrypt cost log_n {} r {} p {} outside the bounds",
                    file.log_n, file.r, file.p
                ),
            ));
        }
        let hexf = |name: &str, v: &str| {
            hex::decode(v).map_err(|e| sealed_err(path, format!("{name}: {e}")))
        };
        let salt = hexf("salt", &file.salt)?;
        let iv: [u8; 16] = hexf("iv", &file.iv)?
            .try_into()
            .map_err(|_| sealed_err(path, "iv: not 16 bytes"))?;
        let ciphertext: [u8; 32] = hexf("ciphertext", &file.ciphertext)?
            .try_into()
            .map_err(|_| sealed_err(path, "ciphertext: not 32 bytes"))?;
        let stored_mac = hexf("mac", &file.mac)?;
        if salt.len() < 16 {
            return Err(sealed_err(
                path,
                format!("salt of {} bytes, at least 16", salt.len()),
            ));
        }
        let key = derive_key(passphrase, &salt, file.log_n, file.r, file.p)?;
        if mac(&key, &ciphertext).as_slice() != stored_mac.as_slice() {
            return Err(sealed_err(
                path,
                "wrong passphrase or tampered file (MAC mismatch)",
            ));
        }
        let mut plain = Zeroizing::new(ciphertext);
        Aes128Ctr::new(key[..16].into(), (&iv).into()).apply_keystream(plain.as_mut());
        let inner = MemoryEnclave::from_bytes(&plain)?;
        if inner.address() != file.address {
            return Err(sealed_err(
                path,
                format!(
                    "decrypts to {} but the file names {}",
                    inner.address(),
                    file.address
                ),
            ));
        }
        Ok(Self { inner })
    }

    /// Re-seals the same secret elsewhere (e.g. a new passphrase).
    ///
    /// # Errors
    /// As [`SealedEnclave::seal`].
    pub fn reseal(&self, path: &Path, passphrase: &[u8], log_n: u8) -> Result<Address> {
        Self::seal(path, &self.inner.secret_bytes(), passphrase, log_n)
    }
}

impl Enclave for SealedEnclave {
    fn address(&self) -> Address {
        self.inner.address()
    }
    fn public_key(&self) -> EnclavePublicKey {
        self.inner.public_key()
    }
    fn sign_digest(&self, digest: B256) -> Result<[u8; 65]> {
        self.inner.sign_digest(digest)
    }
    fn decrypt_share(&self, index: u32, ciphertext: &[u8]) -> Result<KeyShare> {
        self.inner.decrypt_share(index, ciphertext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_roundtrip_wrong_passphrase_and_tamper() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("enclave.json");
        let e = MemoryEnclave::generate();
        let addr =
            SealedEnclave::seal(&path, &e.secret_bytes(), b"pass", SEALED_MIN_LOG_N).expect("seal");
        assert_eq!(addr, e.address());
        let opened = SealedEnclave::open(&path, b"pass").expect("open");
        assert_eq!(opened.address(), e.address());
        let digest = B256::repeat_byte(7);
        let sig = opened.sign_digest(digest).expect("sign");
        let parsed = alloy::primitives::Signature::from_raw(&sig).expect("sig");
        assert_eq!(
            parsed
                .recover_address_from_prehash(&digest)
                .expect("recover"),
            e.address()
        );
        let err = SealedEnclave::open(&path, b"wrong").expect_err("wrong passphrase");
        assert!(err.to_string().contains("MAC mismatch"), "{err}");
        let mut text = std::fs::read_to_string(&path).expect("read");
        text = text.replace("\"log_n\": 14", "\"log_n\": 30");
        std::fs::write(&path, text).expect("write");
        let err = SealedEnclave::open(&path, b"pass").expect_err("hostile cost");
        assert!(err.to_string().contains("outside the bounds"), "{err}");
    }
}
