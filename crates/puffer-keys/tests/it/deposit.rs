//! Deposit data against Lighthouse's and ethdo's recorded deposits.

use puffer_keys::bls::SecretKey;
use puffer_keys::deposit::{self, DepositData, FULL_DEPOSIT_GWEI, LaunchpadDeposit};
use puffer_keys::derive;
use puffer_keys::mnemonic::Mnemonic;
use puffer_keys::network::Network;

use crate::h;

const TEST_MNEMONIC: &str = "test test test test test test test test test test test waste";

/// Lighthouse's validator_manager vectors: indices 0 and 1, 0x00 credentials, mainnet.
/// (pubkey, withdrawal_credentials, signature, deposit_message_root, deposit_data_root)
const LIGHTHOUSE: [(&str, &str, &str, &str, &str); 2] = [
    (
        "88b6b3a9b391fa5593e8bce8d06102df1a56248368086929709fbb4a8570dc6a560febeef8159b19789e9c1fd13572f0",
        "0049b6188ed20314309f617dd4030b8ddfac3c6e65759a03c226a13b2fe4cc72",
        "8ac88247c1b431a2d1eb2c5f00e7b8467bc21d6dc267f1af9ef727a12e32b4299e3b289ae5734a328b3202478dd746a80bf9e15a2217240dca1fc1b91a6b7ff7a0f5830d9a2610c1c30f19912346271357c21bd9af35a74097ebbdda2ddaf491",
        "a9bc1d21cc009d9b10782a07213e37592c0d235463ed0117dec755758da90d51",
        "807a20b2801eabfd9065c1b74ed6ae3e991a1ab770e4eaf268f30b37cfd2cbd7",
    ),
    (
        "a33ab9d93fb53c4f027944aaa11a13be0c150b7cc2e379d85d1ed4db38d178b4e4ebeae05832158b8c746c1961da00ce",
        "00ad3748cbd1adc855c2bdab431f7e755a21663f4f6447ac888e5855c588af5a",
        "84b9fc8f260a1488c4c9a438f875edfa2bac964d651b2bc886d8442829b13f89752e807c8ca9bae9d50b1b506d3a64730015dd7f91e271ff9c1757d1996dcf6082fe5205cf6329fa2b6be303c21b66d75be608757a123da6ee4a4f14c01716d7",
        "c5271aba974c802ff5b02b11fa33b545d7f430ff3b85c0f9eeef4cd59d83abf3",
        "cd991ea8ff32e6b3940aed43b476c720fc1abd3040893b77a8a3efb306320d4c",
    ),
];

#[test]
fn lighthouse_deposit_vectors() {
    let seed = Mnemonic::parse(TEST_MNEMONIC).unwrap().to_seed("");
    for (i, (pubkey, wc, sig, msg_root, data_root)) in LIGHTHOUSE.into_iter().enumerate() {
        let i = i as u32;
        let signing = derive::validator_signing_key(seed.as_ref(), i).unwrap();
        let withdrawal =
            derive::derive_path(seed.as_ref(), &format!("m/12381/3600/{i}/0")).unwrap();
        let creds = deposit::bls_withdrawal_credentials(&withdrawal.public_key());
        assert_eq!(hex::encode(creds), wc);
        let d = DepositData::sign(&signing, creds, FULL_DEPOSIT_GWEI, [0; 4]);
        let json = d.to_launchpad(&Network::mainnet());
        assert_eq!(json.pubkey, pubkey);
        assert_eq!(json.signature, sig, "BLS signatures are deterministic");
        assert_eq!(json.deposit_message_root, msg_root);
        assert_eq!(json.deposit_data_root, data_root);
        assert_eq!(json.fork_version, "00000000");
        assert_eq!(json.network_name, "mainnet");
        json.verify().unwrap();
    }
}

#[test]
fn ethdo_deposit_vector() {
    let sk = SecretKey::from_bytes(
        &h("6d446ca271eb229044b9039354ecdfa6244d1a11615ec1a46fc82a800367de5d"),
        "t",
    )
    .unwrap();
    let creds: [u8; 32] = h("0045b91b2f60b88e7392d49ae1364b55e713d06f30e563f9f99e10994b26221d")
        .try_into()
        .unwrap();
    let d = DepositData::sign(&sk, creds, FULL_DEPOSIT_GWEI, [0; 4]);
    assert_eq!(
        d.signature.to_hex(),
        "96ebebf92967a2b187e031062f5cb5128a2bfc42559bd9dfdd1e481a056b3ef2cfddf1a0381530286013e3893e097b02129113e62a94bedd250253eb766f010824d0be7616f51b9f7609972695231bcda1cabf7a6a2d60a07e14237f2b6096ab"
    );
    assert_eq!(
        hex::encode(d.message_root()),
        "bfd9d2c616eb570ad3fd4d4caf169b88f80490d8923537474bf1f6c5cec5e56d"
    );
    assert_eq!(
        hex::encode(d.data_root()),
        "7ac103cb959b55dff155f7406393c3e6f1ba0011baee2b61bca00fdc3b2cb2c2"
    );
}

#[test]
fn eth1_credentials_for_a_pod() {
    let pod: [u8; 20] = h("00000000219ab540356cbb839cbe05303d7705fa")
        .try_into()
        .unwrap();
    assert_eq!(
        hex::encode(deposit::eth1_withdrawal_credentials(&pod)),
        "01000000000000000000000000000000219ab540356cbb839cbe05303d7705fa"
    );
}

#[test]
fn deposit_signature_is_bound_to_the_fork() {
    let sk = SecretKey::from_bytes(&[3u8; 32], "t").unwrap();
    let d = DepositData::sign(
        &sk,
        [1; 32],
        FULL_DEPOSIT_GWEI,
        Network::hoodi().genesis_fork_version,
    );
    d.verify(Network::hoodi().genesis_fork_version).unwrap();
    assert!(d.verify(Network::mainnet().genesis_fork_version).is_err());
}

#[test]
fn launchpad_file_roots_are_checked() {
    let sk = SecretKey::from_bytes(&[3u8; 32], "t").unwrap();
    let good = DepositData::sign(&sk, [1; 32], FULL_DEPOSIT_GWEI, [0; 4])
        .to_launchpad(&Network::mainnet());
    let mut bad: LaunchpadDeposit = good.clone();
    bad.deposit_data_root = "00".repeat(32);
    let err = bad.verify().unwrap_err().to_string();
    assert!(err.contains("deposit data root mismatch"), "{err}");
    let mut bad = good;
    bad.amount = 1;
    assert!(bad.verify().is_err());
}
