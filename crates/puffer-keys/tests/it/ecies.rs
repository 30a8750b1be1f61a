//! ECIES round trips, tampering and the wire layout.

use puffer_keys::ecies::{self, ENCRYPTED_SHARE_LEN, EnclavePublicKey, EnclaveSecretKey};
use puffer_keys::keyshare;

use crate::h;

#[test]
fn share_round_trip_and_layout() {
    let guardian = EnclaveSecretKey::generate();
    let sk = puffer_keys::bls::SecretKey::from_bytes(&[5u8; 32], "t").unwrap();
    let shares = keyshare::split(&sk, 2, 3).unwrap();
    let ct = ecies::encrypt_share(&shares[2], &guardian.public_key()).unwrap();
    assert_eq!(ct.len(), ENCRYPTED_SHARE_LEN);
    assert_eq!(ct[0], 0x04, "uncompressed ephemeral key first");
    let back = ecies::decrypt_share(&guardian, 2, &ct).unwrap();
    assert_eq!(back.public_share(), shares[2].public_share());
}

#[test]
fn wrong_key_and_tampering_fail() {
    let guardian = EnclaveSecretKey::generate();
    let ct = ecies::encrypt(&guardian.public_key(), &[9u8; 32]).unwrap();
    assert!(ecies::decrypt(&EnclaveSecretKey::generate(), &ct).is_err());
    for pos in [70, 90, ct.len() - 1] {
        let mut bad = ct.clone();
        bad[pos] ^= 1;
        assert!(
            ecies::decrypt(&guardian, &bad).is_err(),
            "flip at {pos} accepted"
        );
    }
    assert!(ecies::decrypt_share(&guardian, 0, &ct[..100]).is_err());
}

#[test]
fn enclave_keys_parse_compressed_and_uncompressed() {
    // secp256k1 generator.
    let compressed = "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    let pk = EnclavePublicKey::from_hex(compressed, "k").unwrap();
    assert_eq!(
        pk.to_hex(),
        "0x0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"
    );
    let one = EnclaveSecretKey::from_bytes(&h(&format!("{:064x}", 1))).unwrap();
    assert_eq!(one.public_key(), pk);
    let err = EnclavePublicKey::from_hex("0x02ff", "guardian_enclave_pubkeys[3]").unwrap_err();
    assert!(err.to_string().contains("guardian_enclave_pubkeys[3]"));
    assert!(EnclaveSecretKey::from_bytes(&[0u8; 32]).is_err());
    assert_eq!(format!("{one:?}"), "EnclaveSecretKey(<redacted>)");
}
