//! One test per bad KDF parameter: too weak, a denial of service, or malformed.

use puffer_keys::KeyError;
use puffer_keys::bls::SecretKey;
use puffer_keys::keystore::{KdfParams, Keystore};

fn rejected(kdf: KdfParams, param: &str) {
    let err = kdf.validate().unwrap_err();
    assert!(
        matches!(err, KeyError::InvalidKdfParam { param: p, .. } if p == param),
        "{err}"
    );
    // Encryption refuses them too, before doing any work.
    let sk = SecretKey::from_bytes(&[7u8; 32], "t").unwrap();
    assert!(Keystore::encrypt(&sk, "pw", kdf, "").is_err());
}

#[test]
fn scrypt_n_not_power_of_two() {
    rejected(
        KdfParams::Scrypt {
            n: (1 << 14) + 1,
            r: 8,
            p: 1,
        },
        "n",
    );
}

#[test]
fn scrypt_n_too_weak() {
    rejected(
        KdfParams::Scrypt {
            n: 1 << 13,
            r: 8,
            p: 1,
        },
        "n",
    );
}

#[test]
fn scrypt_n_memory_dos() {
    rejected(
        KdfParams::Scrypt {
            n: 1 << 21,
            r: 8,
            p: 1,
        },
        "n",
    );
}

#[test]
fn scrypt_n_zero() {
    rejected(KdfParams::Scrypt { n: 0, r: 8, p: 1 }, "n");
}

#[test]
fn scrypt_r_zero() {
    rejected(
        KdfParams::Scrypt {
            n: 1 << 14,
            r: 0,
            p: 1,
        },
        "r",
    );
}

#[test]
fn scrypt_r_too_big() {
    rejected(
        KdfParams::Scrypt {
            n: 1 << 14,
            r: 33,
            p: 1,
        },
        "r",
    );
}

#[test]
fn scrypt_p_zero() {
    rejected(
        KdfParams::Scrypt {
            n: 1 << 14,
            r: 8,
            p: 0,
        },
        "p",
    );
}

#[test]
fn scrypt_p_too_big() {
    rejected(
        KdfParams::Scrypt {
            n: 1 << 14,
            r: 8,
            p: 17,
        },
        "p",
    );
}

#[test]
fn scrypt_total_work_dos() {
    rejected(
        KdfParams::Scrypt {
            n: 1 << 20,
            r: 32,
            p: 1,
        },
        "n",
    );
}

#[test]
fn pbkdf2_c_too_weak() {
    rejected(KdfParams::Pbkdf2 { c: 1000 }, "c");
}

#[test]
fn pbkdf2_c_dos() {
    rejected(KdfParams::Pbkdf2 { c: (1 << 24) + 1 }, "c");
}

fn keystore_with(pointer: &str, value: serde_json::Value) -> KeyError {
    let sk = SecretKey::from_bytes(&[7u8; 32], "t").unwrap();
    let mut json =
        serde_json::to_value(Keystore::encrypt(&sk, "pw", crate::TEST_SCRYPT, "").unwrap())
            .unwrap();
    *json.pointer_mut(pointer).unwrap() = value;
    Keystore::from_json(&json.to_string())
        .unwrap()
        .decrypt("pw")
        .unwrap_err()
}

#[test]
fn dklen_not_32() {
    let err = keystore_with("/crypto/kdf/params/dklen", 16.into());
    assert!(
        matches!(err, KeyError::InvalidKdfParam { param: "dklen", .. }),
        "{err}"
    );
}

#[test]
fn salt_too_short() {
    let err = keystore_with("/crypto/kdf/params/salt", "00".repeat(15).into());
    assert!(
        matches!(err, KeyError::InvalidKdfParam { param: "salt", .. }),
        "{err}"
    );
}

#[test]
fn salt_too_long() {
    let err = keystore_with("/crypto/kdf/params/salt", "00".repeat(1025).into());
    assert!(
        matches!(err, KeyError::InvalidKdfParam { param: "salt", .. }),
        "{err}"
    );
}

#[test]
fn n_above_u32() {
    let err = keystore_with("/crypto/kdf/params/n", (1u64 << 40).into());
    assert!(
        matches!(err, KeyError::InvalidKdfParam { param: "n", .. }),
        "{err}"
    );
}

#[test]
fn hostile_n_is_refused_before_any_work() {
    // 2^30 would need 128 GiB; the bound fires instantly.
    let start = std::time::Instant::now();
    let err = keystore_with("/crypto/kdf/params/n", (1u64 << 30).into());
    assert!(
        matches!(err, KeyError::InvalidKdfParam { param: "n", .. }),
        "{err}"
    );
    assert!(start.elapsed().as_secs() < 5);
}
