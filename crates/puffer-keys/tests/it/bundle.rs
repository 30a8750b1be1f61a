//! Registration bundles: creation, end-to-end verification, and each check failing when it should.

use puffer_keys::KeyError;
use puffer_keys::bls::SecretKey;
use puffer_keys::bundle::RegistrationBundle;
use puffer_keys::deposit;
use puffer_keys::ecies::{EnclavePublicKey, EnclaveSecretKey};
use puffer_keys::network::Network;

pub(crate) struct Fixture {
    pub(crate) secret: SecretKey,
    pub(crate) guardians: Vec<EnclaveSecretKey>,
    pub(crate) bundle: RegistrationBundle,
}

pub(crate) fn fixture(n: usize, t: usize) -> Fixture {
    let secret = SecretKey::from_bytes(&[0x2a; 32], "t").unwrap();
    let guardians: Vec<EnclaveSecretKey> = (0..n).map(|_| EnclaveSecretKey::generate()).collect();
    let pubs: Vec<EnclavePublicKey> = guardians.iter().map(EnclaveSecretKey::public_key).collect();
    let creds = deposit::eth1_withdrawal_credentials(&[0xab; 20]);
    let bundle = RegistrationBundle::create(&secret, creds, &Network::hoodi(), &pubs, t).unwrap();
    Fixture {
        secret,
        guardians,
        bundle,
    }
}

#[test]
fn a_fresh_bundle_verifies_for_every_guardian() {
    let f = fixture(7, 5);
    let json = f.bundle.to_json();
    let text: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(text["version"], 1);
    assert_eq!(text["pubkey_shares"].as_array().unwrap().len(), 7);
    let bundle = RegistrationBundle::from_json(&json).unwrap();
    for (i, g) in f.guardians.iter().enumerate() {
        let parsed = bundle.verify(Some((i as u32, g))).unwrap();
        assert_eq!(parsed.deposit.pubkey, f.secret.public_key());
        assert_eq!(parsed.withdrawal_address(), [0xab; 20]);
    }
    assert_eq!(
        bundle.withdrawal_credentials,
        format!("0x01{}{}", "00".repeat(11), "ab".repeat(20))
    );
}

#[test]
fn wrong_guardian_secret_is_refused() {
    let f = fixture(3, 2);
    let err = f.bundle.verify(Some((0, &f.guardians[1]))).unwrap_err();
    assert!(
        err.to_string().contains("guardian_enclave_pubkeys"),
        "{err}"
    );
}

#[test]
fn swapped_encrypted_share_is_refused() {
    let mut f = fixture(3, 2);
    // Guardian 0 receives a share encrypted to it but belonging to a different split.
    let other = fixture(3, 2);
    let pubs: Vec<EnclavePublicKey> = f
        .guardians
        .iter()
        .map(EnclaveSecretKey::public_key)
        .collect();
    let creds = deposit::eth1_withdrawal_credentials(&[0xab; 20]);
    let foreign =
        RegistrationBundle::create(&other.secret, creds, &Network::hoodi(), &pubs, 2).unwrap();
    f.bundle.encrypted_shares[0] = foreign.encrypted_shares[0].clone();
    let err = f.bundle.verify(Some((0, &f.guardians[0]))).unwrap_err();
    assert!(matches!(err, KeyError::ShareMismatch { index: 0 }), "{err}");
}

#[test]
fn pubkey_shares_from_another_split_are_refused() {
    let mut f = fixture(4, 3);
    let other = fixture(4, 3);
    f.bundle.pubkey_shares[2] = other.bundle.pubkey_shares[2].clone();
    let err = f.bundle.verify(None).unwrap_err();
    assert!(matches!(err, KeyError::InconsistentShares { .. }), "{err}");
}

#[test]
fn deposit_checks() {
    let f = fixture(3, 2);
    let mut b = f.bundle.clone();
    b.deposit_data_root = format!("0x{}", "11".repeat(32));
    assert!(matches!(
        b.verify(None),
        Err(KeyError::DepositRootMismatch { .. })
    ));
    let mut b = f.bundle.clone();
    b.network.genesis_fork_version = "0x00000000".into();
    assert!(matches!(b.verify(None), Err(KeyError::BadSignature(_))));
    let mut b = f.bundle;
    b.withdrawal_credentials = format!("0x01{}", "00".repeat(31));
    assert!(b.verify(None).is_err());
}

#[test]
fn a_repeated_enclave_key_is_refused() {
    let mut f = fixture(3, 2);
    f.bundle.guardian_enclave_pubkeys[2] = f.bundle.guardian_enclave_pubkeys[0].clone();
    let err = f.bundle.verify(None).unwrap_err().to_string();
    assert!(err.contains("entry 2 repeats"), "{err}");
}

#[test]
fn a_seeded_bundle_is_reproducible_and_verifies() {
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    let secret = SecretKey::from_bytes(&[0x2b; 32], "t").unwrap();
    let guardians: Vec<EnclaveSecretKey> = (1..=4u8)
        .map(|b| EnclaveSecretKey::from_bytes(&[b; 32]).unwrap())
        .collect();
    let pubs: Vec<EnclavePublicKey> = guardians.iter().map(EnclaveSecretKey::public_key).collect();
    let creds = deposit::eth1_withdrawal_credentials(&[0xcd; 20]);
    let make = |seed: u64| {
        RegistrationBundle::create_with_rng(
            &secret,
            creds,
            &Network::hoodi(),
            &pubs,
            3,
            &mut ChaCha20Rng::seed_from_u64(seed),
        )
        .unwrap()
    };
    let a = make(11);
    assert_eq!(a.to_json(), make(11).to_json(), "same seed, same bytes");
    let c = make(12);
    assert_eq!(a.pubkey, c.pubkey);
    assert_eq!(a.deposit_signature, c.deposit_signature);
    assert_ne!(a.pubkey_shares, c.pubkey_shares, "another polynomial");
    for (x, y) in a.encrypted_shares.iter().zip(&c.encrypted_shares) {
        assert_ne!(x, y, "other ephemeral keys and nonces");
    }
    for (i, g) in guardians.iter().enumerate() {
        a.verify(Some((i as u32, g))).unwrap();
    }
}
