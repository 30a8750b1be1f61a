//! Voluntary exits: the ethdo-recorded mainnet exit, and the other networks' domains.

use puffer_keys::bls::SecretKey;
use puffer_keys::exit::{BeaconSignedExit, VoluntaryExit};
use puffer_keys::network::Network;

use crate::h;

const SECRET: &str = "6d446ca271eb229044b9039354ecdfa6244d1a11615ec1a46fc82a800367de5d";
const PUBKEY: &str = "8844cebb34d10e0e57f3c29ada375dafe14762ab85b2e408c3d6d55ce6d03317660bca9f2c2d17d8fbe14a2529ada1ea";
const SIGNATURE: &str = "0xa74f22d26da9934c2a9c783799fb9e7bef49b3d7c3759a0683b52ee5d71516c0ecdbcc47703f11959c5e701a6c47194410bed800217bd4dd0dab1e0587b14551771accd04ff1c78302f9605f44c3894976c5b3537b70cb7ac9dcb5398dc22079";

#[test]
fn ethdo_mainnet_exit() {
    let sk = SecretKey::from_bytes(&h(SECRET), "t").unwrap();
    assert_eq!(sk.public_key().to_hex(), PUBKEY);
    let signed = VoluntaryExit {
        epoch: 305658,
        validator_index: 100,
    }
    .sign(&sk, &Network::mainnet());
    let json = serde_json::to_value(signed.to_beacon_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"message": {"epoch": "305658", "validator_index": "100"}, "signature": SIGNATURE})
    );
    signed
        .verify(&sk.public_key(), &Network::mainnet())
        .unwrap();
    let parsed: BeaconSignedExit = serde_json::from_value(json).unwrap();
    assert_eq!(parsed.parse().unwrap(), signed);
}

#[test]
fn exits_are_bound_to_the_network() {
    let sk = SecretKey::from_bytes(&h(SECRET), "t").unwrap();
    let exit = VoluntaryExit {
        epoch: 1,
        validator_index: 2,
    };
    let devnet = Network::custom(
        "devnet",
        "0x10000038",
        "0x40000038",
        "0x83431ec7fcf92cfc44947fc0418e831c25e1d0806590231c439830db7ad54fda",
    )
    .unwrap();
    let nets = [
        Network::mainnet(),
        Network::sepolia(),
        Network::hoodi(),
        devnet,
    ];
    for a in &nets {
        let signed = exit.sign(&sk, a);
        for b in &nets {
            assert_eq!(
                signed.verify(&sk.public_key(), b).is_ok(),
                a == b,
                "{a} vs {b}"
            );
        }
    }
}

#[test]
fn exit_json_errors_name_the_field() {
    let bad: BeaconSignedExit = serde_json::from_value(
        serde_json::json!({"message": {"epoch": "x1", "validator_index": "100"}, "signature": SIGNATURE}),
    )
    .unwrap();
    assert!(
        bad.parse()
            .unwrap_err()
            .to_string()
            .contains("message.epoch")
    );
}
