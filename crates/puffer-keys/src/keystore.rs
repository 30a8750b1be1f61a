//! EIP-2335 keystores: the JSON format every consensus client imports.
//!
//! `decryption_key = KDF(normalise(password))`, `checksum = SHA-256(decryption_key[16..32] ‖ ciphertext)`,
//! `secret = AES-128-CTR(decryption_key[0..16], iv, ciphertext)`.

use aes::cipher::{KeyIvInit, StreamCipher};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::bls::{PublicKey, SecretKey};
use crate::error::{KeyError, Result};
use crate::hex as hx;

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// Derived key length. EIP-2335 uses 16 bytes for AES-128 and 16 for the checksum, so 32 exactly.
pub const DKLEN: u32 = 32;
/// Salt length written by [`Keystore::encrypt`] (the EIP's examples and every client use 32).
pub const SALT_LEN: usize = 32;
/// Shortest salt accepted when decrypting: below 16 bytes precomputation across keystores gets cheap.
pub const MIN_SALT_LEN: usize = 16;
/// Longest salt accepted: far above any real keystore, small enough that parsing is free.
pub const MAX_SALT_LEN: usize = 1024;
/// Smallest scrypt `n` accepted: 2^14 (16 MiB with r = 8) is the interactive-login floor scrypt's author
/// recommends; anything cheaper makes offline guessing of a stolen keystore cheap.
pub const SCRYPT_MIN_N: u32 = 1 << 14;
/// Largest scrypt `n` accepted: 2^20 with r = 8 is 1 GiB of memory; more is a denial of service on a
/// guardian or NoOp machine that opens a hostile file.
pub const SCRYPT_MAX_N: u32 = 1 << 20;
/// Largest scrypt `r` (block size). Real keystores use 8.
pub const SCRYPT_MAX_R: u32 = 32;
/// Largest scrypt `p` (parallelism). Real keystores use 1.
pub const SCRYPT_MAX_P: u32 = 16;
/// Bound on the total scrypt work `n * r * p` (mainnet keystores use 2^21).
pub const SCRYPT_MAX_NRP: u64 = 1 << 24;
/// Smallest PBKDF2 iteration count: 2^16; the EIP's examples and clients use 2^18.
pub const PBKDF2_MIN_C: u32 = 1 << 16;
/// Largest PBKDF2 iteration count: 2^24 takes tens of seconds, more is a denial of service.
pub const PBKDF2_MAX_C: u32 = 1 << 24;

/// The EIP-2335 default scrypt cost, as the deposit CLI and clients write it.
pub const SCRYPT_DEFAULT_N: u32 = 1 << 18;
/// The EIP-2335 default PBKDF2 cost.
pub const PBKDF2_DEFAULT_C: u32 = 1 << 18;

/// Key-derivation function and its cost parameters (the salt is chosen at encryption).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfParams {
    /// scrypt with cost `n` (a power of two), block size `r`, parallelism `p`.
    Scrypt {
        /// CPU/memory cost.
        n: u32,
        /// Block size.
        r: u32,
        /// Parallelism.
        p: u32,
    },
    /// PBKDF2-HMAC-SHA256 with `c` iterations.
    Pbkdf2 {
        /// Iteration count.
        c: u32,
    },
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::Scrypt {
            n: SCRYPT_DEFAULT_N,
            r: 8,
            p: 1,
        }
    }
}

impl KdfParams {
    /// Checks the parameters against the bounds above.
    ///
    /// # Errors
    /// [`KeyError::InvalidKdfParam`] naming the parameter.
    pub fn validate(&self) -> Result<()> {
        let bad = |param, value: u64, reason| {
            Err(KeyError::InvalidKdfParam {
                param,
                value: value.to_string(),
                reason,
            })
        };
        match *self {
            Self::Scrypt { n, r, p } => {
                if !n.is_power_of_two() {
                    return bad("n", n.into(), "must be a power of two");
                }
                if n < SCRYPT_MIN_N {
                    return bad("n", n.into(), "below 2^14: too weak");
                }
                if n > SCRYPT_MAX_N {
                    return bad("n", n.into(), "above 2^20: memory denial of service");
                }
                if r == 0 || r > SCRYPT_MAX_R {
                    return bad("r", r.into(), "must be in 1..=32");
                }
                if p == 0 || p > SCRYPT_MAX_P {
                    return bad("p", p.into(), "must be in 1..=16");
                }
                let work = u64::from(n) * u64::from(r) * u64::from(p);
                if work > SCRYPT_MAX_NRP {
                    return bad("n", n.into(), "n*r*p above 2^24: denial of service");
                }
                Ok(())
            }
            Self::Pbkdf2 { c } => {
                if c < PBKDF2_MIN_C {
                    return bad("c", c.into(), "below 2^16: too weak");
                }
                if c > PBKDF2_MAX_C {
                    return bad("c", c.into(), "above 2^24: denial of service");
                }
                Ok(())
            }
        }
    }

    fn derive(&self, password: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        self.validate()?;
        let mut key = Zeroizing::new([0u8; 32]);
        match *self {
            Self::Scrypt { n, r, p } => {
                let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
                let params = scrypt::Params::new(log_n, r, p, key.len()).map_err(|_| {
                    KeyError::InvalidKdfParam {
                        param: "n",
                        value: n.to_string(),
                        reason: "rejected by scrypt",
                    }
                })?;
                scrypt::scrypt(password, salt, &params, key.as_mut()).map_err(|_| {
                    KeyError::InvalidKdfParam {
                        param: "dklen",
                        value: DKLEN.to_string(),
                        reason: "rejected by scrypt",
                    }
                })?;
            }
            Self::Pbkdf2 { c } => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, c, key.as_mut()),
        }
        Ok(key)
    }
}

/// Normalises a password as EIP-2335 requires: NFKD, then drop the C0 (U+0000–U+001F), Delete (U+007F)
/// and C1 (U+0080–U+009F) control codes. The result is zeroed on drop.
pub fn normalize_password(password: &str) -> Zeroizing<Vec<u8>> {
    let text: Zeroizing<String> = Zeroizing::new(
        password
            .nfkd()
            .filter(|c| !matches!(*c as u32, 0x00..=0x1f | 0x7f..=0x9f))
            .collect(),
    );
    Zeroizing::new(text.as_bytes().to_vec())
}

/// The KDF's output for one password, salt and cost. Derive it once to encrypt many keystores with the
/// same password ([`Keystore::encrypt_shared`]). The key is zeroed on drop.
pub struct DerivedKey {
    kdf: KdfParams,
    salt: Vec<u8>,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DerivedKey {{ kdf: {:?}, key: <redacted> }}", self.kdf)
    }
}

impl DerivedKey {
    /// Runs the KDF on `password` with a fresh random salt.
    ///
    /// # Errors
    /// [`KeyError::InvalidKdfParam`] when `kdf` is outside the accepted bounds.
    pub fn new(password: &str, kdf: KdfParams) -> Result<Self> {
        let mut salt = vec![0u8; SALT_LEN];
        rand::thread_rng().fill_bytes(&mut salt);
        Self::with_salt(password, kdf, salt)
    }

    /// Runs the KDF on `password` with the given salt.
    ///
    /// # Errors
    /// [`KeyError::InvalidKdfParam`] for bad parameters or a salt outside 16..=1024 bytes.
    pub fn with_salt(password: &str, kdf: KdfParams, salt: Vec<u8>) -> Result<Self> {
        check_salt(&salt)?;
        let key = kdf.derive(&normalize_password(password), &salt)?;
        Ok(Self { kdf, salt, key })
    }
}

/// A module of the `crypto` object: `{ "function", "params", "message" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Algorithm name.
    pub function: String,
    /// Algorithm parameters.
    pub params: serde_json::Map<String, serde_json::Value>,
    /// Hex payload (may be empty).
    pub message: String,
}

/// The `crypto` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crypto {
    /// The key-derivation module.
    pub kdf: Module,
    /// The checksum module.
    pub checksum: Module,
    /// The cipher module.
    pub cipher: Module,
}

/// An EIP-2335 (version 4) keystore.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keystore {
    /// Encrypted secret and how to decrypt it.
    pub crypto: Crypto,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// The public key, hex without prefix (EIP-2335 makes it optional; we always write it).
    #[serde(default)]
    pub pubkey: String,
    /// The EIP-2334 path the key came from (may be empty).
    #[serde(default)]
    pub path: String,
    /// A random UUID (v4).
    pub uuid: String,
    /// Always 4.
    pub version: u64,
}

fn json_u32(
    params: &serde_json::Map<String, serde_json::Value>,
    name: &'static str,
) -> Result<u32> {
    let value = params.get(name).ok_or(KeyError::InvalidKdfParam {
        param: name,
        value: "missing".into(),
        reason: "required",
    })?;
    value
        .as_u64()
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| KeyError::InvalidKdfParam {
            param: name,
            value: value.to_string(),
            reason: "must be an integer that fits in 32 bits",
        })
}

fn new_uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl Keystore {
    /// Parses a keystore file's text.
    ///
    /// # Errors
    /// [`KeyError::Json`] naming the missing or mistyped field.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|source| KeyError::Json {
            what: "keystore",
            source,
        })
    }

    /// Serialises to pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain strings and maps cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Encrypts `secret` under `password` with fresh salt, IV and UUID.
    ///
    /// # Errors
    /// [`KeyError::InvalidKdfParam`] when `kdf` is outside the accepted bounds.
    pub fn encrypt(secret: &SecretKey, password: &str, kdf: KdfParams, path: &str) -> Result<Self> {
        Ok(Self::encrypt_shared(
            secret,
            &DerivedKey::new(password, kdf)?,
            path,
        ))
    }

    /// Encrypts with an already derived key (fresh IV and UUID), so that a batch of keystores for one
    /// password costs one KDF run. The keystores then share the salt and the decryption key, as
    /// ethstaker-deposit's do; each has its own IV, so no keystream is reused.
    pub fn encrypt_shared(secret: &SecretKey, key: &DerivedKey, path: &str) -> Self {
        let mut iv = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut iv);
        Self::seal(secret, key, &iv, path, &new_uuid_v4())
    }

    /// Encrypts with caller-chosen salt, IV and UUID (for reproducing published vectors).
    ///
    /// # Errors
    /// [`KeyError::InvalidKdfParam`] for bad KDF parameters or a salt outside 16..=1024 bytes.
    pub fn encrypt_with(
        secret: &SecretKey,
        password: &str,
        kdf: KdfParams,
        salt: &[u8],
        iv: &[u8; 16],
        path: &str,
        uuid: &str,
    ) -> Result<Self> {
        let key = DerivedKey::with_salt(password, kdf, salt.to_vec())?;
        Ok(Self::seal(secret, &key, iv, path, uuid))
    }

    fn seal(
        secret: &SecretKey,
        derived: &DerivedKey,
        iv: &[u8; 16],
        path: &str,
        uuid: &str,
    ) -> Self {
        let (kdf, salt, key) = (derived.kdf, &derived.salt, &derived.key);
        let mut ciphertext = secret.to_bytes();
        let mut cipher = Aes128Ctr::new(key[..16].into(), iv.into());
        cipher.apply_keystream(ciphertext.as_mut());
        let checksum = checksum(key, ciphertext.as_ref());
        let mut kdf_params = serde_json::Map::new();
        let function = match kdf {
            KdfParams::Scrypt { n, r, p } => {
                kdf_params.insert("dklen".into(), DKLEN.into());
                kdf_params.insert("n".into(), n.into());
                kdf_params.insert("p".into(), p.into());
                kdf_params.insert("r".into(), r.into());
                "scrypt"
            }
            KdfParams::Pbkdf2 { c } => {
                kdf_params.insert("dklen".into(), DKLEN.into());
                kdf_params.insert("c".into(), c.into());
                kdf_params.insert("prf".into(), "hmac-sha256".into());
                "pbkdf2"
            }
        };
        kdf_params.insert("salt".into(), hex::encode(salt).into());
        let mut cipher_params = serde_json::Map::new();
        cipher_params.insert("iv".into(), hex::encode(iv).into());
        Self {
            crypto: Crypto {
                kdf: Module {
                    function: function.into(),
                    params: kdf_params,
                    message: String::new(),
                },
                checksum: Module {
                    function: "sha256".into(),
                    params: serde_json::Map::new(),
                    message: hex::encode(checksum),
                },
                cipher: Module {
                    function: "aes-128-ctr".into(),
                    params: cipher_params,
                    message: hex::encode(ciphertext.as_ref()),
                },
            },
            description: String::new(),
            pubkey: secret.public_key().to_hex(),
            path: path.to_owned(),
            uuid: uuid.to_owned(),
            version: 4,
        }
    }

    /// The KDF parameters and salt, validated.
    ///
    /// # Errors
    /// [`KeyError::InvalidKdfParam`] or [`KeyError::InvalidField`] naming the parameter at fault.
    pub fn kdf_params(&self) -> Result<(KdfParams, Vec<u8>)> {
        let kdf = &self.crypto.kdf;
        let params = &kdf.params;
        let dklen = json_u32(params, "dklen")?;
        if dklen != DKLEN {
            return Err(KeyError::InvalidKdfParam {
                param: "dklen",
                value: dklen.to_string(),
                reason: "must be 32",
            });
        }
        let salt_text =
            params
                .get("salt")
                .and_then(|s| s.as_str())
                .ok_or(KeyError::InvalidKdfParam {
                    param: "salt",
                    value: "missing".into(),
                    reason: "required hex string",
                })?;
        let salt = hx::decode("crypto.kdf.params.salt", salt_text)?;
        check_salt(&salt)?;
        let parsed = match kdf.function.as_str() {
            "scrypt" => KdfParams::Scrypt {
                n: json_u32(params, "n")?,
                r: json_u32(params, "r")?,
                p: json_u32(params, "p")?,
            },
            "pbkdf2" => {
                let prf = params
                    .get("prf")
                    .and_then(|s| s.as_str())
                    .unwrap_or_default();
                if prf != "hmac-sha256" {
                    return Err(KeyError::InvalidKdfParam {
                        param: "prf",
                        value: prf.into(),
                        reason: "must be hmac-sha256",
                    });
                }
                KdfParams::Pbkdf2 {
                    c: json_u32(params, "c")?,
                }
            }
            other => {
                return Err(KeyError::InvalidField {
                    field: "crypto.kdf.function",
                    reason: format!("{other:?} is not scrypt or pbkdf2"),
                });
            }
        };
        parsed.validate()?;
        Ok((parsed, salt))
    }

    /// Checks the structure without the password: version, modules, hex lengths, KDF bounds, pubkey.
    ///
    /// # Errors
    /// The first problem found, naming the field.
    pub fn check_shape(&self) -> Result<()> {
        self.parts().map(|_| ())
    }

    /// Validates every field and returns what decryption needs.
    fn parts(&self) -> Result<Parts> {
        if self.version != 4 {
            return Err(KeyError::UnsupportedVersion {
                what: "keystore",
                got: self.version,
            });
        }
        let (kdf, salt) = self.kdf_params()?;
        let crypto = &self.crypto;
        for (field, got, want) in [
            (
                "crypto.checksum.function",
                &crypto.checksum.function,
                "sha256",
            ),
            (
                "crypto.cipher.function",
                &crypto.cipher.function,
                "aes-128-ctr",
            ),
        ] {
            if got != want {
                return Err(KeyError::InvalidField {
                    field,
                    reason: format!("{got:?} is not {want}"),
                });
            }
        }
        let iv = crypto
            .cipher
            .params
            .get("iv")
            .and_then(|v| v.as_str())
            .ok_or(KeyError::InvalidField {
                field: "crypto.cipher.params.iv",
                reason: "missing".into(),
            })?;
        let parts = Parts {
            kdf,
            salt,
            iv: hx::decode_fixed("crypto.cipher.params.iv", iv)?,
            ciphertext: hx::decode_fixed("crypto.cipher.message", &crypto.cipher.message)?,
            checksum: hx::decode_fixed("crypto.checksum.message", &crypto.checksum.message)?,
        };
        if !self.pubkey.is_empty() {
            PublicKey::from_hex(&self.pubkey, "pubkey")?;
        }
        Ok(parts)
    }

    /// Decrypts the secret key.
    ///
    /// # Errors
    /// Shape errors as in [`Keystore::check_shape`]; [`KeyError::WrongPassword`] when the checksum does
    /// not match; [`KeyError::PubkeyMismatch`] or [`KeyError::InvalidSecretKey`] for a corrupt keystore.
    pub fn decrypt(&self, password: &str) -> Result<SecretKey> {
        let parts = self.parts()?;
        let key = parts
            .kdf
            .derive(&normalize_password(password), &parts.salt)?;
        if !ct_eq(&checksum(&key, &parts.ciphertext), &parts.checksum) {
            return Err(KeyError::WrongPassword);
        }
        let mut plain = Zeroizing::new(parts.ciphertext);
        let mut cipher = Aes128Ctr::new(key[..16].into(), (&parts.iv).into());
        cipher.apply_keystream(plain.as_mut());
        let secret = SecretKey::from_bytes(plain.as_ref(), "keystore secret")?;
        let listed = self.pubkey.trim_start_matches("0x").to_lowercase();
        if !listed.is_empty() && secret.public_key().to_hex() != listed {
            return Err(KeyError::PubkeyMismatch(self.pubkey.clone()));
        }
        Ok(secret)
    }

    /// The file name the deposit CLI uses: `keystore-m_12381_3600_0_0_0-<timestamp>.json`.
    pub fn file_name(&self, timestamp: u64) -> String {
        let path = if self.path.is_empty() {
            "m".to_owned()
        } else {
            self.path.replace('/', "_")
        };
        format!("keystore-{path}-{timestamp}.json")
    }
}

/// A keystore's validated fields.
struct Parts {
    kdf: KdfParams,
    salt: Vec<u8>,
    iv: [u8; 16],
    ciphertext: [u8; 32],
    checksum: [u8; 32],
}

fn check_salt(salt: &[u8]) -> Result<()> {
    if salt.len() < MIN_SALT_LEN || salt.len() > MAX_SALT_LEN {
        return Err(KeyError::InvalidKdfParam {
            param: "salt",
            value: format!("{} bytes", salt.len()),
            reason: "must be 16..=1024 bytes",
        });
    }
    Ok(())
}

fn checksum(key: &[u8; 32], ciphertext: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(&key[16..32]);
    h.update(ciphertext);
    h.finalize().into()
}

fn ct_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_normalisation_matches_eip2335() {
        // The EIP's example: the Fraktur letters decompose to ASCII, the key emoji stays.
        let p = normalize_password(
            "\u{1d531}\u{1d522}\u{1d530}\u{1d531}\u{1d52d}\u{1d51e}\u{1d530}\u{1d530}\u{1d534}\u{1d52c}\u{1d52f}\u{1d521}\u{1f511}",
        );
        assert_eq!(p.as_slice(), "testpassword\u{1f511}".as_bytes());
        assert_eq!(
            normalize_password("a\u{0}b\u{1f}c\u{7f}d\u{85}e\u{9f}f").as_slice(),
            b"abcdef"
        );
    }

    #[test]
    fn uuid_is_version_4() {
        let u = new_uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
