//! EIP-2335 keystores: the EIP's scrypt and PBKDF2 test vectors, byte for byte.

use puffer_keys::KeyError;
use puffer_keys::bls::SecretKey;
use puffer_keys::keystore::{KdfParams, Keystore};

use crate::{TEST_SCRYPT, h};

/// The EIP's password: Fraktur letters that NFKD-normalise to "testpassword", then a key emoji.
pub(crate) const PASSWORD: &str = "\u{1d531}\u{1d522}\u{1d530}\u{1d531}\u{1d52d}\u{1d51e}\u{1d530}\u{1d530}\u{1d534}\u{1d52c}\u{1d52f}\u{1d521}\u{1f511}";
/// The secret both vectors encrypt.
pub(crate) const SECRET: &str = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
const PUBKEY: &str = "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07";
const SALT: &str = "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3";
const IV: &str = "264daa3f303d7259501c93d997d84fe6";

pub(crate) const SCRYPT_VECTOR: &str = r#"{
    "crypto": {
        "kdf": {"function": "scrypt", "params": {"dklen": 32, "n": 262144, "p": 1, "r": 8,
            "salt": "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"}, "message": ""},
        "checksum": {"function": "sha256", "params": {},
            "message": "d2217fe5f3e9a1e34581ef8a78f7c9928e436d36dacc5e846690a5581e8ea484"},
        "cipher": {"function": "aes-128-ctr", "params": {"iv": "264daa3f303d7259501c93d997d84fe6"},
            "message": "06ae90d55fe0a6e9c5c3bc5b170827b2e5cce3929ed3f116c2811e6366dfe20f"}
    },
    "description": "This is a test keystore that uses scrypt to secure the secret.",
    "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
    "path": "m/12381/60/3141592653/589793238",
    "uuid": "1d85ae20-35c5-4611-98e8-aa14a633906f",
    "version": 4
}"#;

pub(crate) const PBKDF2_VECTOR: &str = r#"{
    "crypto": {
        "kdf": {"function": "pbkdf2", "params": {"dklen": 32, "c": 262144, "prf": "hmac-sha256",
            "salt": "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"}, "message": ""},
        "checksum": {"function": "sha256", "params": {},
            "message": "8a9f5d9912ed7e75ea794bc5a89bca5f193721d30868ade6f73043c6ea6febf1"},
        "cipher": {"function": "aes-128-ctr", "params": {"iv": "264daa3f303d7259501c93d997d84fe6"},
            "message": "cee03fde2af33149775b7223e7845e4fb2c8ae1792e5f99fe9ecf474cc8c16ad"}
    },
    "description": "This is a test keystore that uses PBKDF2 to secure the secret.",
    "pubkey": "9612d7a727c9d0a22e185a1c768478dfe919cada9266988cb32359c11f2b7b27f4ae4040902382ae2910c15e2b420d07",
    "path": "m/12381/60/0/0",
    "uuid": "64625def-3331-4eea-ab6f-782f3ed16a83",
    "version": 4
}"#;

fn reproduce(vector: &str, kdf: KdfParams) {
    let ks = Keystore::from_json(vector).unwrap();
    let secret = ks.decrypt(PASSWORD).unwrap();
    assert_eq!(hex::encode(*secret.to_bytes()), SECRET);
    assert_eq!(secret.public_key().to_hex(), PUBKEY);
    // Encrypting with the vector's salt, IV and UUID gives the same crypto object.
    let iv: [u8; 16] = h(IV).try_into().unwrap();
    let again =
        Keystore::encrypt_with(&secret, PASSWORD, kdf, &h(SALT), &iv, &ks.path, &ks.uuid).unwrap();
    assert_eq!(again.crypto, ks.crypto);
    assert_eq!(again.pubkey, ks.pubkey);
}

#[test]
fn scrypt_vector() {
    reproduce(
        SCRYPT_VECTOR,
        KdfParams::Scrypt {
            n: 262144,
            r: 8,
            p: 1,
        },
    );
}

#[test]
fn pbkdf2_vector() {
    reproduce(PBKDF2_VECTOR, KdfParams::Pbkdf2 { c: 262144 });
}

#[test]
fn normalised_password_also_decrypts() {
    let ks = Keystore::from_json(PBKDF2_VECTOR).unwrap();
    assert!(ks.decrypt("testpassword\u{1f511}").is_ok());
    assert!(
        ks.decrypt("test\u{7f}password\u{1f511}\n").is_ok(),
        "control codes are stripped"
    );
}

#[test]
fn wrong_password_is_named() {
    let ks = Keystore::from_json(PBKDF2_VECTOR).unwrap();
    let err = ks.decrypt("testpassword").unwrap_err();
    assert!(matches!(err, KeyError::WrongPassword), "{err}");
    assert!(err.to_string().contains("wrong password"));
}

#[test]
fn round_trip_both_kdfs() {
    let secret = SecretKey::from_bytes(&h(SECRET), "test").unwrap();
    for kdf in [TEST_SCRYPT, KdfParams::Pbkdf2 { c: 1 << 16 }] {
        let ks = Keystore::encrypt(&secret, "pässwörd", kdf, "m/12381/3600/0/0/0").unwrap();
        let back = Keystore::from_json(&ks.to_json()).unwrap();
        assert_eq!(
            *back.decrypt("pässwörd").unwrap().to_bytes(),
            *secret.to_bytes()
        );
        assert_eq!(
            back.file_name(1700000000),
            "keystore-m_12381_3600_0_0_0-1700000000.json"
        );
    }
}

#[test]
fn tampered_pubkey_is_corrupt() {
    let secret = SecretKey::from_bytes(&h(SECRET), "test").unwrap();
    let mut ks = Keystore::encrypt(&secret, "pw", TEST_SCRYPT, "").unwrap();
    let other = SecretKey::from_bytes(&[1u8; 32], "test").unwrap();
    ks.pubkey = other.public_key().to_hex();
    assert!(matches!(ks.decrypt("pw"), Err(KeyError::PubkeyMismatch(_))));
}

#[test]
fn one_kdf_run_serves_a_batch() {
    let key = puffer_keys::keystore::DerivedKey::new("pw", TEST_SCRYPT).unwrap();
    let a = SecretKey::from_bytes(&[1u8; 32], "t").unwrap();
    let b = SecretKey::from_bytes(&[2u8; 32], "t").unwrap();
    let ka = Keystore::encrypt_shared(&a, &key, "m/12381/3600/0/0/0");
    let kb = Keystore::encrypt_shared(&b, &key, "m/12381/3600/1/0/0");
    assert_eq!(ka.crypto.kdf, kb.crypto.kdf, "same salt and cost");
    assert_ne!(
        ka.crypto.cipher.params, kb.crypto.cipher.params,
        "fresh IV each"
    );
    assert_ne!(ka.uuid, kb.uuid);
    assert_eq!(*ka.decrypt("pw").unwrap().to_bytes(), *a.to_bytes());
    assert_eq!(*kb.decrypt("pw").unwrap().to_bytes(), *b.to_bytes());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 6, ..Default::default() })]

    #[test]
    fn any_password_round_trips_and_control_codes_do_not_matter(
        password in "\\PC{0,24}",
        noise in proptest::sample::select(vec!['\u{0}', '\u{7}', '\n', '\u{7f}', '\u{85}', '\u{9f}']),
    ) {
        let secret = SecretKey::from_bytes(&[9u8; 32], "t").unwrap();
        let ks = Keystore::encrypt(&secret, &password, TEST_SCRYPT, "").unwrap();
        let back = Keystore::from_json(&ks.to_json()).unwrap();
        let noisy = format!("{noise}{password}{noise}");
        proptest::prop_assert_eq!(*back.decrypt(&noisy).unwrap().to_bytes(), *secret.to_bytes());
    }
}
