//! BLS12-381 keys and signatures as Ethereum's consensus layer uses them (public keys in G1, signatures in
//! G2, the proof-of-possession ciphersuite).

use std::fmt;

use blst::BLST_ERROR;
use blst::min_pk;
use zeroize::Zeroizing;

use crate::error::{KeyError, Result};
use crate::hex as hx;

/// The ciphersuite tag of Ethereum's consensus signatures (hash-to-G2, proof of possession).
pub const DST: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// A BLS secret key. Zeroed on drop; `Debug` never prints it.
#[derive(Clone)]
pub struct SecretKey(pub(crate) min_pk::SecretKey);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// Reads a big-endian 32-byte secret key.
    ///
    /// # Errors
    /// [`KeyError::InvalidSecretKey`] when the bytes are zero, not 32 long or not below the group order.
    pub fn from_bytes(bytes: &[u8], field: &'static str) -> Result<Self> {
        min_pk::SecretKey::from_bytes(bytes)
            .map(Self)
            .map_err(|_| KeyError::InvalidSecretKey(field))
    }

    /// The big-endian encoding, in a buffer that is zeroed on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.sk_to_pk().compress())
    }

    /// Signs a 32-byte signing root (or any message) with Ethereum's ciphersuite.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature(self.0.sign(message, DST, &[]).compress())
    }
}

/// A compressed BLS public key (48 bytes), checked to be on the curve, in the subgroup and not infinity.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub(crate) [u8; 48]);

impl PublicKey {
    /// Parses and validates a compressed public key.
    ///
    /// # Errors
    /// [`KeyError::InvalidPublicKey`] (naming `field`) for a point off the curve, outside the subgroup,
    /// at infinity or of the wrong length.
    pub fn from_bytes(bytes: &[u8], field: &str) -> Result<Self> {
        let pk =
            min_pk::PublicKey::key_validate(bytes).map_err(|_| KeyError::InvalidPublicKey {
                field: field.to_owned(),
            })?;
        Ok(Self(pk.compress()))
    }

    /// Parses hex (with or without `0x`) and validates the point.
    ///
    /// # Errors
    /// [`KeyError::MalformedHex`] or [`KeyError::InvalidPublicKey`], naming `field`.
    pub fn from_hex(text: &str, field: &str) -> Result<Self> {
        let bytes: [u8; 48] = hx::decode_fixed(field, text)?;
        Self::from_bytes(&bytes, field)
    }

    /// The 48 compressed bytes.
    pub fn as_bytes(&self) -> &[u8; 48] {
        &self.0
    }

    /// Lower-case hex without prefix (the launchpad and keystore convention).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub(crate) fn to_blst(self) -> min_pk::PublicKey {
        // Validated on construction, so decompression cannot fail; fall back to the default point (which
        // verifies nothing) rather than panic.
        min_pk::PublicKey::from_bytes(&self.0).unwrap_or_default()
    }

    /// Verifies `signature` over `message` under this key.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> bool {
        let Ok(sig) = min_pk::Signature::sig_validate(&signature.0, true) else {
            return false;
        };
        sig.verify(false, message, DST, &[], &self.to_blst(), false) == BLST_ERROR::BLST_SUCCESS
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(0x{})", self.to_hex())
    }
}

/// A compressed BLS signature (96 bytes). Parsing checks the encoding and subgroup.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub(crate) [u8; 96]);

impl Signature {
    /// Parses and validates a compressed signature.
    ///
    /// # Errors
    /// [`KeyError::InvalidSignatureEncoding`] naming `field`.
    pub fn from_bytes(bytes: &[u8], field: &str) -> Result<Self> {
        let sig = min_pk::Signature::sig_validate(bytes, false).map_err(|_| {
            KeyError::InvalidSignatureEncoding {
                field: field.to_owned(),
            }
        })?;
        Ok(Self(sig.compress()))
    }

    /// Parses hex (with or without `0x`) and validates the point.
    ///
    /// # Errors
    /// [`KeyError::MalformedHex`] or [`KeyError::InvalidSignatureEncoding`], naming `field`.
    pub fn from_hex(text: &str, field: &str) -> Result<Self> {
        let bytes: [u8; 96] = hx::decode_fixed(field, text)?;
        Self::from_bytes(&bytes, field)
    }

    /// The 96 compressed bytes.
    pub fn as_bytes(&self) -> &[u8; 96] {
        &self.0
    }

    /// Lower-case hex without prefix.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature(0x{})", self.to_hex())
    }
}
