//! ECIES round trips, tampering and the wire layout.

use proptest::prelude::*;
use puffer_keys::ecies::{self, ENCRYPTED_SHARE_LEN, EnclavePublicKey, EnclaveSecretKey};
use puffer_keys::keyshare;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

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

/// A guardian with a fixed enclave key (`[byte; 32]` is a valid scalar for `byte` below `0xff`).
fn fixed_guardian(byte: u8) -> EnclaveSecretKey {
    EnclaveSecretKey::from_bytes(&[byte; 32]).unwrap()
}

#[test]
fn seeded_encryption_decrypts_repeats_and_depends_on_the_seed() {
    let guardian = fixed_guardian(7);
    let pk = guardian.public_key();
    let plain = [0x5au8; 32];
    let a = ecies::encrypt_with_rng(&pk, &plain, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
    let b = ecies::encrypt_with_rng(&pk, &plain, &mut ChaCha20Rng::seed_from_u64(1)).unwrap();
    let c = ecies::encrypt_with_rng(&pk, &plain, &mut ChaCha20Rng::seed_from_u64(2)).unwrap();
    assert_eq!(a, b, "same seed, same bytes");
    assert_eq!(a.len(), ENCRYPTED_SHARE_LEN);
    assert_eq!(a[0], 0x04, "uncompressed ephemeral key first");
    assert_ne!(a[..65], c[..65], "another seed, another ephemeral key");
    assert_ne!(a[65..81], c[65..81], "another seed, another nonce");
    // `decrypt` is the `ecies` crate's own decryption: an independent reading of the format.
    assert_eq!(*ecies::decrypt(&guardian, &a).unwrap(), plain);
    assert_eq!(*ecies::decrypt(&guardian, &c).unwrap(), plain);
    assert!(ecies::decrypt(&fixed_guardian(8), &a).is_err());
}

#[test]
fn seeded_share_encryption_round_trips() {
    let guardian = fixed_guardian(3);
    let sk = puffer_keys::bls::SecretKey::from_bytes(&[5u8; 32], "t").unwrap();
    let shares = keyshare::split_with_rng(&sk, 2, 3, &mut ChaCha20Rng::seed_from_u64(9)).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(10);
    let ct = ecies::encrypt_share_with_rng(&shares[1], &guardian.public_key(), &mut rng).unwrap();
    let again = ecies::encrypt_share_with_rng(
        &shares[1],
        &guardian.public_key(),
        &mut ChaCha20Rng::seed_from_u64(10),
    )
    .unwrap();
    assert_eq!(ct, again);
    let back = ecies::decrypt_share(&guardian, 1, &ct).unwrap();
    assert_eq!(back.public_share(), shares[1].public_share());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn seeded_encryption_round_trips_for_any_key_and_plaintext(
        secret in prop::array::uniform32(any::<u8>()),
        plaintext in prop::collection::vec(any::<u8>(), 0..200),
        seed in any::<u64>(),
    ) {
        // Almost every 32-byte string is a secp256k1 scalar; skip the rest.
        let Ok(guardian) = EnclaveSecretKey::from_bytes(&secret) else {
            return Ok(());
        };
        let pk = guardian.public_key();
        let ct = ecies::encrypt_with_rng(&pk, &plaintext, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
        prop_assert_eq!(ct.len(), 65 + 16 + 16 + plaintext.len());
        prop_assert_eq!(&*ecies::decrypt(&guardian, &ct).unwrap(), &plaintext);
        let again = ecies::encrypt_with_rng(&pk, &plaintext, &mut ChaCha20Rng::seed_from_u64(seed)).unwrap();
        prop_assert_eq!(&ct, &again);
        let other = ecies::encrypt_with_rng(&pk, &plaintext, &mut ChaCha20Rng::seed_from_u64(seed ^ 1)).unwrap();
        prop_assert_ne!(&ct[..81], &other[..81]);
    }
}
