//! One test per malformed field: keystores and bundles fail with an error that names the field.

use puffer_keys::bls::SecretKey;
use puffer_keys::bundle::RegistrationBundle;
use puffer_keys::keystore::Keystore;
use serde_json::Value;

use crate::TEST_SCRYPT;

/// Sets `pointer` to `value`, inserting a new key if needed; a null `value` removes the key.
fn set(json: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = json.pointer_mut(parent).unwrap();
    match parent {
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        Value::Object(map) if value.is_null() => {
            map.remove(key);
        }
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        _ => panic!("{pointer} has no parent container"),
    }
}

fn keystore_json() -> Value {
    let sk = SecretKey::from_bytes(&[7u8; 32], "t").unwrap();
    serde_json::to_value(Keystore::encrypt(&sk, "pw", TEST_SCRYPT, "m/12381/3600/0/0/0").unwrap())
        .unwrap()
}

/// Changes one field and returns the parse or decrypt error text.
fn keystore_error(pointer: &str, value: Value) -> String {
    let mut json = keystore_json();
    set(&mut json, pointer, value);
    match Keystore::from_json(&json.to_string()) {
        Err(e) => e.to_string(),
        Ok(ks) => ks.decrypt("pw").unwrap_err().to_string(),
    }
}

/// One `#[test]` per line: change the field at `pointer`, expect an error containing `needle`.
macro_rules! field_tests {
    ($error:ident; $($name:ident: $pointer:literal = $value:expr => $needle:literal;)*) => {$(
        #[test]
        fn $name() {
            let err = $error($pointer, $value);
            assert!(err.contains($needle), "{} -> {err}", $pointer);
        }
    )*};
}

field_tests! {
    keystore_error;
    keystore_version: "/version" = 3.into() => "version 3";
    keystore_missing_crypto: "/crypto" = Value::Null => "crypto";
    keystore_missing_uuid: "/uuid" = Value::Null => "uuid";
    keystore_kdf_function: "/crypto/kdf/function" = "argon2".into() => "crypto.kdf.function";
    keystore_salt_hex: "/crypto/kdf/params/salt" = "zz".into() => "crypto.kdf.params.salt";
    keystore_salt_missing: "/crypto/kdf/params/salt" = Value::Null => "salt";
    keystore_n_missing: "/crypto/kdf/params/n" = Value::Null => "`n`";
    keystore_n_string: "/crypto/kdf/params/n" = "16384".into() => "`n`";
    keystore_checksum_function: "/crypto/checksum/function" = "sha512".into() => "crypto.checksum.function";
    keystore_checksum_hex: "/crypto/checksum/message" = "abcd".into() => "crypto.checksum.message";
    keystore_checksum_wrong: "/crypto/checksum/message" = "00".repeat(32).into() => "wrong password";
    keystore_cipher_function: "/crypto/cipher/function" = "aes-256-gcm".into() => "crypto.cipher.function";
    keystore_iv_missing: "/crypto/cipher/params/iv" = Value::Null => "crypto.cipher.params.iv";
    keystore_iv_short: "/crypto/cipher/params/iv" = "0011".into() => "crypto.cipher.params.iv";
    keystore_cipher_message: "/crypto/cipher/message" = "0g".into() => "crypto.cipher.message";
    keystore_pubkey_hex: "/pubkey" = "xyz".into() => "pubkey";
    keystore_pubkey_not_on_curve: "/pubkey" = format!("a{}", "1".repeat(95)).into() => "not a valid BLS public key";
}

fn bundle_error(pointer: &str, value: Value) -> String {
    let f = crate::bundle::fixture(3, 2);
    let mut json = serde_json::to_value(&f.bundle).unwrap();
    set(&mut json, pointer, value);
    match RegistrationBundle::from_json(&json.to_string()) {
        Err(e) => e.to_string(),
        Ok(b) => b
            .verify(Some((0, &f.guardians[0])))
            .unwrap_err()
            .to_string(),
    }
}

field_tests! {
    bundle_error;
    bundle_version: "/version" = 2.into() => "version 2";
    bundle_unknown_field: "/extra" = 1.into() => "unknown field `extra`";
    bundle_missing_threshold: "/threshold" = Value::Null => "threshold";
    bundle_threshold_zero: "/threshold" = 0.into() => "threshold 0 out of range";
    bundle_threshold_too_big: "/threshold" = 4.into() => "threshold 4 out of range";
    bundle_pubkey_hex: "/pubkey" = "0x12".into() => "pubkey";
    bundle_pubkey_not_on_curve: "/pubkey" = format!("0xa{}", "1".repeat(95)).into() => "pubkey: not a valid BLS public key";
    bundle_withdrawal_credentials: "/withdrawal_credentials" = "0x01".into() => "withdrawal_credentials";
    bundle_withdrawal_credentials_0x00: "/withdrawal_credentials" = format!("0x00{}", "11".repeat(31)).into() => "is not 0x01";
    bundle_amount: "/amount_gwei" = 1.into() => "amount_gwei";
    bundle_signature_hex: "/deposit_signature" = "0xzz".into() => "deposit_signature";
    bundle_signature_not_g2: "/deposit_signature" = format!("0x{}", "ff".repeat(96)).into() => "deposit_signature";
    bundle_root_hex: "/deposit_data_root" = "0x1234".into() => "deposit_data_root";
    bundle_fork_version: "/network/genesis_fork_version" = "0x0000".into() => "genesis_fork_version";
    bundle_gvr: "/network/genesis_validators_root" = "nothex".into() => "genesis_validators_root";
    bundle_enclave_key: "/guardian_enclave_pubkeys/1" = "0x04ff".into() => "guardian_enclave_pubkeys[1]";
    bundle_pubkey_share: "/pubkey_shares/2" = format!("0x{}", "00".repeat(48)).into() => "pubkey_shares[2]";
    bundle_encrypted_share_hex: "/encrypted_shares/1" = "0xq".into() => "encrypted_shares[1]";
    bundle_encrypted_share_length: "/encrypted_shares/1" = "0x00".into() => "encrypted_shares[1]";
    bundle_wrong_share_count: "/pubkey_shares" = serde_json::json!([]) => "wrong number of pubkey_shares";
}
