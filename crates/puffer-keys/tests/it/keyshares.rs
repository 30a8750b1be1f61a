//! Shamir keyshares and threshold signatures, with property tests.

use proptest::prelude::*;
use puffer_keys::KeyError;
use puffer_keys::bls::{PublicKey, SecretKey};
use puffer_keys::keyshare::{self, KeyShare, PartialSignature};

fn key(seed: u8) -> SecretKey {
    let mut b = [seed; 32];
    b[0] = 0x1f;
    SecretKey::from_bytes(&b, "test").unwrap()
}

fn pick(shares: &[KeyShare], mask: &[usize]) -> Vec<KeyShare> {
    mask.iter().map(|&i| shares[i].clone()).collect()
}

#[test]
fn five_of_seven_reproduces_the_whole_key_signature() {
    let sk = key(9);
    let shares = keyshare::split(&sk, 5, 7).unwrap();
    let pubkey_shares: Vec<PublicKey> = shares.iter().map(KeyShare::public_share).collect();
    keyshare::check_pubkey_shares(&sk.public_key(), &pubkey_shares, 5).unwrap();
    let msg = [42u8; 32];
    let partials: Vec<PartialSignature> = pick(&shares, &[6, 2, 0, 4, 5])
        .iter()
        .map(|s| s.sign(&msg))
        .collect();
    let sig =
        keyshare::combine_verified(&sk.public_key(), &pubkey_shares, &msg, &partials, 5).unwrap();
    assert_eq!(sig, sk.sign(&msg));
}

#[test]
fn share_bytes_round_trip_and_redact() {
    let shares = keyshare::split(&key(1), 2, 3).unwrap();
    let again = KeyShare::from_bytes(1, shares[1].to_bytes().as_ref()).unwrap();
    assert_eq!(again.public_share(), shares[1].public_share());
    assert_eq!(
        format!("{:?}", shares[1]),
        "KeyShare { index: 1, secret: <redacted> }"
    );
    assert!(KeyShare::from_bytes(64, shares[1].to_bytes().as_ref()).is_err());
}

#[test]
fn threshold_out_of_range() {
    let sk = key(2);
    assert!(matches!(
        keyshare::split(&sk, 3, 6),
        Err(KeyError::ThresholdOutOfRange {
            threshold: 3,
            shares: 6
        })
    ));
    assert!(matches!(
        keyshare::split(&sk, 8, 7),
        Err(KeyError::ThresholdOutOfRange { .. })
    ));
    assert!(matches!(
        keyshare::split(&sk, 1, 0),
        Err(KeyError::ShareCountOutOfRange(0))
    ));
    assert!(matches!(
        keyshare::split(&sk, 40, 65),
        Err(KeyError::ShareCountOutOfRange(65))
    ));
}

#[test]
fn duplicate_partials_are_rejected() {
    let sk = key(3);
    let shares = keyshare::split(&sk, 2, 3).unwrap();
    let p = shares[0].sign(b"m");
    assert!(matches!(
        keyshare::combine(&[p, p], 2),
        Err(KeyError::BadShareIndex(0))
    ));
}

#[test]
fn inconsistent_pubkey_share_is_found_wherever_it_is() {
    let sk = key(4);
    let shares = keyshare::split(&sk, 3, 5).unwrap();
    let good: Vec<PublicKey> = shares.iter().map(KeyShare::public_share).collect();
    keyshare::check_pubkey_shares(&sk.public_key(), &good, 3).unwrap();
    // A wrong share in the interpolation base or after it, and a wrong validator pubkey, are all caught.
    for bad in 0..5 {
        let mut pubkey_shares = good.clone();
        pubkey_shares[bad] = key(5).public_key();
        let err = keyshare::check_pubkey_shares(&sk.public_key(), &pubkey_shares, 3).unwrap_err();
        assert!(
            matches!(err, KeyError::InconsistentShares { ref indices } if indices.contains(&(bad as u32))),
            "share {bad}: {err}"
        );
    }
    let err = keyshare::check_pubkey_shares(&key(6).public_key(), &good, 3).unwrap_err();
    assert!(matches!(err, KeyError::InconsistentShares { .. }), "{err}");
    // Shares of another polynomial through the same pubkey mixed in: every t-subset must agree, so it fails.
    let other = keyshare::split(&sk, 3, 5).unwrap();
    let mut mixed = good.clone();
    mixed[4] = other[4].public_share();
    assert!(keyshare::check_pubkey_shares(&sk.public_key(), &mixed, 3).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_t_of_n_combine_and_t_minus_1_do_not(
        seed in 1u8..200,
        n in 1usize..8,
        t_off in 0usize..4,
        order in Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
        msg in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let t = (n / 2 + 1 + t_off).min(n);
        let sk = key(seed);
        let shares = keyshare::split(&sk, t, n).unwrap();
        let chosen: Vec<usize> = order.into_iter().filter(|&i| i < n).take(t).collect();
        let partials: Vec<PartialSignature> = chosen.iter().map(|&i| shares[i].sign(&msg)).collect();
        let whole = sk.sign(&msg);
        prop_assert_eq!(keyshare::combine(&partials, t).unwrap(), whole);
        // t - 1 partials: either refused outright, or (with the threshold lied about) a wrong signature.
        let fewer = &partials[..t - 1];
        prop_assert!(keyshare::combine(fewer, t).is_err());
        if t > 1 {
            let forged = keyshare::combine(fewer, t - 1).unwrap();
            prop_assert_ne!(forged, whole);
        }
    }

    #[test]
    fn a_corrupted_partial_is_detected_and_named(seed in 1u8..200, bad in 0usize..5) {
        let sk = key(seed);
        let shares = keyshare::split(&sk, 3, 5).unwrap();
        let pubkey_shares: Vec<PublicKey> = shares.iter().map(KeyShare::public_share).collect();
        let msg = b"exit";
        let mut partials: Vec<PartialSignature> = shares.iter().map(|s| s.sign(msg)).collect();
        // Replace one partial by a valid signature of a different message.
        partials[bad].signature = shares[bad].sign(b"other").signature;
        let err = keyshare::combine_verified(&sk.public_key(), &pubkey_shares, msg, &partials, 3).unwrap_err();
        let named = matches!(err, KeyError::BadPartialSignature { index } if index as usize == bad);
        prop_assert!(named, "wrong error {}", err);
        let text = format!("share {}", bad);
        prop_assert!(err.to_string().contains(&text));
    }
}

#[test]
fn seeded_split_repeats_depends_on_the_seed_and_still_recovers() {
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    let sk = key(4);
    let publics = |seed: u64| -> Vec<PublicKey> {
        keyshare::split_with_rng(&sk, 5, 7, &mut ChaCha20Rng::seed_from_u64(seed))
            .unwrap()
            .iter()
            .map(KeyShare::public_share)
            .collect()
    };
    let a = publics(1);
    assert_eq!(a, publics(1), "same seed, same shares");
    assert_ne!(a, publics(2), "another seed, another polynomial");
    keyshare::check_pubkey_shares(&sk.public_key(), &a, 5).unwrap();
    assert!(
        keyshare::split_with_rng(&sk, 3, 6, &mut ChaCha20Rng::seed_from_u64(1)).is_err(),
        "thresholds are checked as in split"
    );
}
