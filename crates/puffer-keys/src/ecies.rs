//! ECIES to guardian enclave keys: secp256k1 ECDH, HKDF-SHA256, AES-256-GCM.
//!
//! Byte layout (the `eciespy` default, which the `ecies` crate shares): `ephemeral_pk (65, uncompressed) ‖
//! nonce (16) ‖ tag (16) ‖ ciphertext`; the AES key is `HKDF-SHA256(ikm = ephemeral_pk ‖ shared_point)`
//! with both points uncompressed, no salt and no info.
//!
//! [`encrypt`] draws the ephemeral key and the nonce from the OS generator. [`encrypt_with_rng`] takes the
//! generator as an argument and writes exactly the same format; it exists so that the simulator can make
//! reproducible bundles from a seeded generator. For real keyshares it must be given a cryptographically
//! secure generator seeded from the OS: anyone who can predict the ephemeral key can decrypt the share.

use std::fmt;

use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce};
use rand::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::error::{KeyError, Result};
use crate::hex as hx;
use crate::keyshare::KeyShare;

/// Length of the uncompressed ephemeral public key that starts a ciphertext.
const EPHEMERAL_KEY_LEN: usize = 65;
/// Length of the AES-GCM nonce (16 bytes, the `eciespy` default; not the usual 12).
const NONCE_LEN: usize = 16;
/// Length of the AES-GCM tag.
const TAG_LEN: usize = 16;

/// AES-256-GCM with a 16-byte nonce.
type Aes256Gcm16 = AesGcm<Aes256, U16>;

/// Length of an encrypted keyshare: 65 (ephemeral key) + 16 (nonce) + 16 (tag) + 32 (share).
pub const ENCRYPTED_SHARE_LEN: usize = EPHEMERAL_KEY_LEN + NONCE_LEN + TAG_LEN + 32;

/// A guardian enclave's secp256k1 public key, kept uncompressed (65 bytes, `0x04` first).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EnclavePublicKey([u8; 65]);

impl fmt::Debug for EnclavePublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EnclavePublicKey({})", self.to_hex())
    }
}

impl EnclavePublicKey {
    /// Parses a compressed (33 bytes) or uncompressed (65 bytes) key.
    ///
    /// # Errors
    /// [`KeyError::InvalidEnclaveKey`] naming `field` when the bytes are not a point on secp256k1.
    pub fn from_bytes(bytes: &[u8], field: &str) -> Result<Self> {
        let pk = ecies::PublicKey::parse_slice(bytes, None).map_err(|_| {
            KeyError::InvalidEnclaveKey {
                field: field.to_owned(),
            }
        })?;
        Ok(Self(pk.serialize()))
    }

    /// Parses hex (with or without `0x`).
    ///
    /// # Errors
    /// [`KeyError::MalformedHex`] or [`KeyError::InvalidEnclaveKey`] naming `field`.
    pub fn from_hex(text: &str, field: &str) -> Result<Self> {
        Self::from_bytes(&hx::decode(field, text)?, field)
    }

    /// The uncompressed bytes.
    pub fn as_bytes(&self) -> &[u8; 65] {
        &self.0
    }

    /// `0x`-prefixed hex of the uncompressed key.
    pub fn to_hex(&self) -> String {
        hx::encode_prefixed(&self.0)
    }
}

/// A guardian enclave's secp256k1 secret key (what the enclave keeps). Zeroed on drop.
pub struct EnclaveSecretKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for EnclaveSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnclaveSecretKey(<redacted>)")
    }
}

impl EnclaveSecretKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        Self(Zeroizing::new(ecies::SecretKey::generate().serialize()))
    }

    /// Reads 32 big-endian bytes.
    ///
    /// # Errors
    /// [`KeyError::InvalidField`] when the bytes are zero or not below the curve order.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let sk = ecies::SecretKey::parse_slice(bytes).map_err(|_| KeyError::InvalidField {
            field: "enclave secret key",
            reason: "not a secp256k1 scalar".into(),
        })?;
        Ok(Self(Zeroizing::new(sk.serialize())))
    }

    /// The 32 secret bytes.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.0.clone()
    }

    /// The matching public key.
    pub fn public_key(&self) -> EnclavePublicKey {
        // The bytes were validated when the key was made.
        match ecies::SecretKey::parse_slice(self.0.as_ref()) {
            Ok(sk) => EnclavePublicKey(ecies::PublicKey::from_secret_key(&sk).serialize()),
            Err(_) => EnclavePublicKey([0; 65]),
        }
    }
}

/// Encrypts arbitrary bytes to `recipient`, with the ephemeral key and nonce from the OS generator.
///
/// # Errors
/// [`KeyError::Ecies`] if the library rejects the key (cannot happen for a parsed key).
pub fn encrypt(recipient: &EnclavePublicKey, plaintext: &[u8]) -> Result<Vec<u8>> {
    encrypt_with_rng(recipient, plaintext, &mut rand::rngs::OsRng)
}

/// Encrypts arbitrary bytes to `recipient`, drawing the ephemeral secret key and then the 16-byte nonce
/// from `rng`. The output has the layout in the module documentation and decrypts with [`decrypt`] (and
/// `eciespy`).
///
/// `rng` must be a cryptographically secure generator seeded from the OS for anything real: whoever can
/// reproduce its output can recompute the ephemeral key and decrypt. Only tests and the simulator pass a
/// seeded generator, on purpose, to get the same bytes twice.
///
/// # Errors
/// [`KeyError::Ecies`] if the recipient key is rejected (cannot happen for a parsed key) or the
/// plaintext is too long for AES-GCM.
pub fn encrypt_with_rng(
    recipient: &EnclavePublicKey,
    plaintext: &[u8],
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<u8>> {
    let receiver = ecies::PublicKey::parse_slice(recipient.as_bytes(), None)
        .map_err(|_| KeyError::Ecies("encryption"))?;
    // Rejection-samples a scalar in [1, n) from 32-byte draws; zeroed on drop (k256).
    let ephemeral_secret = ecies::SecretKey::generate_from_rng(rng);
    let ephemeral_public = ecies::PublicKey::from_secret_key(&ephemeral_secret);
    // HKDF-SHA256 over ephemeral_pk ‖ shared_point, both uncompressed (`compressed = false`).
    let key = Zeroizing::new(
        ecies::utils::encapsulate(&ephemeral_secret, &receiver, false)
            .map_err(|_| KeyError::Ecies("encryption"))?,
    );
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);

    let header = EPHEMERAL_KEY_LEN + NONCE_LEN + TAG_LEN;
    let mut out = Vec::with_capacity(header + plaintext.len());
    out.extend_from_slice(&ephemeral_public.serialize());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&[0u8; TAG_LEN]);
    out.extend_from_slice(plaintext);
    let cipher =
        Aes256Gcm16::new_from_slice(key.as_ref()).map_err(|_| KeyError::Ecies("encryption"))?;
    let tag = cipher
        .encrypt_inout_detached(
            &Nonce::<U16>::from(nonce),
            &[],
            out[header..].as_mut().into(),
        )
        .map_err(|_| KeyError::Ecies("encryption"))?;
    out[EPHEMERAL_KEY_LEN + NONCE_LEN..header].copy_from_slice(&tag);
    Ok(out)
}

/// Decrypts what [`encrypt`] (or `eciespy`) produced.
///
/// # Errors
/// [`KeyError::Ecies`] for a wrong key or a tampered ciphertext.
pub fn decrypt(secret: &EnclaveSecretKey, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    ecies::decrypt(secret.0.as_ref(), ciphertext)
        .map(Zeroizing::new)
        .map_err(|_| KeyError::Ecies("decryption"))
}

/// Encrypts a keyshare's 32 bytes to its guardian's enclave key.
///
/// # Errors
/// As [`encrypt`].
pub fn encrypt_share(share: &KeyShare, recipient: &EnclavePublicKey) -> Result<Vec<u8>> {
    encrypt(recipient, share.to_bytes().as_ref())
}

/// [`encrypt_share`] with the ephemeral key and nonce from `rng` (see [`encrypt_with_rng`]: a CSPRNG
/// seeded from the OS for real keys; a seeded generator only in tests and the simulator).
///
/// # Errors
/// As [`encrypt_with_rng`].
pub fn encrypt_share_with_rng(
    share: &KeyShare,
    recipient: &EnclavePublicKey,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<u8>> {
    encrypt_with_rng(recipient, share.to_bytes().as_ref(), rng)
}

/// Decrypts keyshare `index`.
///
/// # Errors
/// [`KeyError::WrongCount`] for a ciphertext of the wrong length, [`KeyError::Ecies`], or
/// [`KeyError::InvalidSecretKey`] when the plaintext is not a scalar.
pub fn decrypt_share(secret: &EnclaveSecretKey, index: u32, ciphertext: &[u8]) -> Result<KeyShare> {
    if ciphertext.len() != ENCRYPTED_SHARE_LEN {
        return Err(KeyError::WrongCount {
            what: "bytes in an encrypted keyshare",
            got: ciphertext.len(),
            expected: ENCRYPTED_SHARE_LEN,
        });
    }
    let plain = decrypt(secret, ciphertext)?;
    KeyShare::from_bytes(index, &plain)
}
