//! Criterion benchmarks of the per-validator costs: keyshare split + ECIES for 7 guardians, threshold
//! signing (5 of 7), bundle verification, and keystore decryption at the mainnet scrypt cost.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use puffer_keys::bls::SecretKey;
use puffer_keys::bundle::RegistrationBundle;
use puffer_keys::deposit::eth1_withdrawal_credentials;
use puffer_keys::ecies::{self, EnclavePublicKey, EnclaveSecretKey};
use puffer_keys::keyshare::{self, KeyShare, PartialSignature};
use puffer_keys::keystore::{KdfParams, Keystore};
use puffer_keys::network::Network;

fn secret() -> SecretKey {
    SecretKey::from_bytes(&[0x2a; 32], "bench").expect("constant key is valid")
}

fn guardians(n: usize) -> (Vec<EnclaveSecretKey>, Vec<EnclavePublicKey>) {
    let secrets: Vec<EnclaveSecretKey> = (0..n).map(|_| EnclaveSecretKey::generate()).collect();
    let publics = secrets.iter().map(EnclaveSecretKey::public_key).collect();
    (secrets, publics)
}

fn split_and_encrypt(c: &mut Criterion) {
    let sk = secret();
    let (_, pubs) = guardians(7);
    c.bench_function("split 5-of-7 + pubkey shares + ECIES to 7 guardians", |b| {
        b.iter(|| {
            let shares = keyshare::split(&sk, 5, 7).expect("valid threshold");
            shares
                .iter()
                .zip(&pubs)
                .map(|(s, g)| {
                    (
                        s.public_share(),
                        ecies::encrypt_share(s, g).expect("valid key"),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let creds = eth1_withdrawal_credentials(&[0xab; 20]);
    c.bench_function(
        "registration bundle create (7 guardians, incl. deposit signature)",
        |b| {
            b.iter(|| {
                RegistrationBundle::create(&sk, creds, &Network::hoodi(), &pubs, 5).expect("valid")
            })
        },
    );
}

fn threshold_signing(c: &mut Criterion) {
    let sk = secret();
    let shares = keyshare::split(&sk, 5, 7).expect("valid threshold");
    let pubkey_shares: Vec<_> = shares.iter().map(KeyShare::public_share).collect();
    let chosen = [0usize, 2, 3, 5, 6];
    let msg = [7u8; 32];
    c.bench_function("partial-sign 5 + combine", |b| {
        b.iter(|| {
            let partials: Vec<PartialSignature> =
                chosen.iter().map(|&i| shares[i].sign(&msg)).collect();
            keyshare::combine(&partials, 5).expect("enough partials")
        })
    });
    c.bench_function("partial-sign 5 + verify 5 + combine + verify", |b| {
        b.iter(|| {
            let partials: Vec<PartialSignature> =
                chosen.iter().map(|&i| shares[i].sign(&msg)).collect();
            keyshare::combine_verified(&sk.public_key(), &pubkey_shares, &msg, &partials, 5)
                .expect("valid")
        })
    });
}

fn bundle_verify(c: &mut Criterion) {
    let sk = secret();
    let (secrets, pubs) = guardians(7);
    let creds = eth1_withdrawal_credentials(&[0xab; 20]);
    let bundle =
        RegistrationBundle::create(&sk, creds, &Network::hoodi(), &pubs, 5).expect("valid");
    c.bench_function(
        "bundle verify as guardian 3 (all 21 subsets of 5-of-7)",
        |b| b.iter(|| bundle.verify(Some((3, &secrets[3]))).expect("valid")),
    );
}

fn keystore_decrypt(c: &mut Criterion) {
    let sk = secret();
    let ks = Keystore::encrypt(&sk, "password", KdfParams::default(), "m/12381/3600/0/0/0")
        .expect("valid");
    let mut group = c.benchmark_group("keystore");
    group.sample_size(10);
    group.bench_function("decrypt scrypt n=2^18 r=8 p=1", |b| {
        b.iter(|| ks.decrypt("password").expect("right password"))
    });
    group.finish();
}

criterion_group!(
    benches,
    split_and_encrypt,
    threshold_signing,
    bundle_verify,
    keystore_decrypt
);
criterion_main!(benches);
