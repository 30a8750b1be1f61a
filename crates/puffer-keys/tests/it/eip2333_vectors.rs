//! EIP-2333 derivation, EIP-2334 paths and BIP-39 seeds against published vectors.

use puffer_keys::derive::{self, child_key, master_key};
use puffer_keys::mnemonic::Mnemonic;

use crate::{decimal_to_be32, h};

/// (seed, master_SK, child_index, child_SK): the EIP-2333 test cases.
const EIP2333: [(&str, &str, u32, &str); 4] = [
    (
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
        "6083874454709270928345386274498605044986640685124978867557563392430687146096",
        0,
        "20397789859736650942317412262472558107875392172444076792671091975210932703118",
    ),
    (
        "3141592653589793238462643383279502884197169399375105820974944592",
        "29757020647961307431480504535336562678282505419141012933316116377660817309383",
        3141592653,
        "25457201688850691947727629385191704516744796114925897962676248250929345014287",
    ),
    (
        "0099FF991111002299DD7744EE3355BBDD8844115566CC55663355668888CC00",
        "27580842291869792442942448775674722299803720648445448686099262467207037398656",
        4294967295,
        "29358610794459428860402234341874281240803786294062035874021252734817515685787",
    ),
    (
        "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
        "19022158461524446591288038168518313374041767046816487870552872741050760015818",
        42,
        "31372231650479070279774297061823572166496564838472787488249775572789064611981",
    ),
];

#[test]
fn eip2333_master_and_child_keys() {
    for (seed, master, index, child) in EIP2333 {
        let m = master_key(&h(&seed.to_lowercase())).unwrap();
        assert_eq!(*m.to_bytes(), decimal_to_be32(master), "master of {seed}");
        assert_eq!(
            *child_key(&m, index).to_bytes(),
            decimal_to_be32(child),
            "child {index} of {seed}"
        );
    }
}

#[test]
fn eip2333_rejects_short_seed() {
    assert!(matches!(
        master_key(&[7u8; 31]),
        Err(puffer_keys::KeyError::SeedTooShort(31))
    ));
}

#[test]
fn eip2334_paths() {
    assert_eq!(derive::signing_path(7), "m/12381/3600/7/0/0");
    assert_eq!(
        derive::parse_path("m/12381/3600/0/0/0").unwrap(),
        vec![12381, 3600, 0, 0, 0]
    );
    for bad in ["", "n/1", "m/", "m/1//2", "m/-1", "m/4294967296", "m/1a"] {
        assert!(derive::parse_path(bad).is_err(), "{bad:?} accepted");
    }
    assert_eq!(derive::parse_path("m").unwrap(), Vec::<u32>::new());
}

/// (mnemonic, seed with passphrase "TREZOR"): BIP-39 reference cases.
const BIP39: [(&str, &str); 5] = [
    (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
    ),
    (
        "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal will",
        "f2b94508732bcbacbcc020faefecfc89feafa6649a5491b8c952cede496c214a0c7b3c392d168748f2d4a612bada0753b52a1c7ac53c1e93abd5c6320b9e95dd",
    ),
    (
        "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic bless",
        "c0c519bd0e91a2ed54357d9d1ebef6f5af218a153624cf4f2da911a0ed8f7a09e2ef61af0aca007096df430022f7a2b6fb91661a9589097069720d015e4e982f",
    ),
    (
        "please unfold goose flock dismiss ridge despair analyst coyote private tired hammer",
        "6d6f0f74671945615eced2108f26d192d69d8866b7997533f36b62a193523e3dbbae3c6ee812935ba74b3f63226e3a91a7ac74c19cc199a16e99195f54810abc",
    ),
    (
        "あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あおぞら",
        "5a6c23b5abdd5c3e1f7d77ad25ecd715647bdafb44dab324c730a76a45d7421daccee1a4ff0739715a2c56a8a9f1e527a5e3496224d91293bfcd9b5393bfff83",
    ),
];

#[test]
fn bip39_seeds() {
    for (phrase, seed) in BIP39 {
        let m = Mnemonic::parse(phrase).unwrap();
        assert_eq!(
            m.to_seed("TREZOR").as_slice(),
            h(seed).as_slice(),
            "{phrase}"
        );
    }
}

#[test]
fn bip39_checksum_and_words_are_checked() {
    let bad_checksum = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon";
    let err = Mnemonic::parse(bad_checksum).unwrap_err().to_string();
    assert!(err.contains("checksum"), "{err}");
    let err = Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon xyzzy")
        .unwrap_err()
        .to_string();
    assert!(err.contains("word 12"), "{err}");
    assert!(
        !err.contains("abandon"),
        "the error must not echo the phrase: {err}"
    );
    assert!(Mnemonic::parse("abandon about").is_err());
}

#[test]
fn bip39_generate_round_trips() {
    for words in [12, 24] {
        let m = Mnemonic::generate(words).unwrap();
        assert_eq!(m.phrase().split(' ').count(), words);
        let again = Mnemonic::parse(&m.phrase().to_uppercase()).unwrap();
        assert_eq!(*m.to_seed(""), *again.to_seed(""));
    }
    assert!(Mnemonic::generate(13).is_err());
    assert_eq!(
        format!("{:?}", Mnemonic::generate(12).unwrap()),
        "Mnemonic(<redacted>)"
    );
}
