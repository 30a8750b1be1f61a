//! Cross-checks against independent implementations: PyPI `ethstaker-deposit` (deposit data, keystores,
//! exits), `py-ecc` (BLS verification, Shamir arithmetic), `eciespy` (ECIES) and npm
//! `@chainsafe/bls-keystore` (keystores). `scripts/setup` installs them into `.venv/` and
//! `scripts/verifiers/node_modules`; without them these tests fail and say so.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use puffer_keys::bls::SecretKey;
use puffer_keys::deposit::{DepositData, FULL_DEPOSIT_GWEI, eth1_withdrawal_credentials};
use puffer_keys::derive;
use puffer_keys::ecies::{self, EnclaveSecretKey};
use puffer_keys::exit::VoluntaryExit;
use puffer_keys::keyshare::{self, KeyShare};
use puffer_keys::keystore::{KdfParams, Keystore};
use puffer_keys::mnemonic::Mnemonic;
use puffer_keys::network::Network;
use serde_json::{Value, json};

use crate::eip2335_vectors::PASSWORD;
use crate::h;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `interpreter` on `script` with `input` as JSON on stdin; returns its stdout parsed as JSON.
fn run(interpreter: &PathBuf, args: &[&str], script: &str, input: &Value) -> Value {
    let mut child = Command::new(interpreter)
        .args(args)
        .arg(script)
        .current_dir(repo_root().join("scripts/verifiers"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e}; run scripts/setup",
                interpreter.display()
            )
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "verifier failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("verifier printed no JSON ({e})"))
}

fn python(script: &str, input: &Value) -> Value {
    let py = repo_root().join(".venv/bin/python");
    assert!(
        py.exists(),
        "{} is missing: run scripts/setup (installs the cross-check verifiers)",
        py.display()
    );
    run(&py, &["-c"], script, input)
}

fn node(script: &str, input: &Value) -> Value {
    let module = repo_root().join("scripts/verifiers/node_modules/@chainsafe/bls-keystore");
    assert!(
        module.exists(),
        "{} is missing: run scripts/setup (installs the cross-check verifiers)",
        module.display()
    );
    run(&PathBuf::from("node"), &["-e"], script, input)
}

const ETHSTAKER_DEPOSITS: &str = r#"
import json, sys
from ethstaker_deposit.credentials import Credential
from ethstaker_deposit.settings import get_chain_setting
q = json.load(sys.stdin)
out = []
for i in q["indices"]:
    c = Credential(mnemonic=q["mnemonic"], mnemonic_password=q["passphrase"], index=i, amount=32 * 10**9,
                   chain_setting=get_chain_setting(q["network"]), hex_withdrawal_address=q["address"])
    out.append({k: (v.hex() if isinstance(v, bytes) else v) for k, v in c.deposit_datum_dict.items()})
print(json.dumps(out))
"#;

#[test]
fn ethstaker_deposit_data_matches() {
    let phrase = Mnemonic::generate(24).unwrap();
    let address = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c";
    for (network, passphrase) in [(Network::hoodi(), "p\u{e4}ss"), (Network::mainnet(), "")] {
        let theirs = python(
            ETHSTAKER_DEPOSITS,
            &json!({"mnemonic": phrase.phrase(), "passphrase": passphrase, "indices": [0, 5],
                    "network": network.name, "address": address}),
        );
        let seed = phrase.to_seed(passphrase);
        let creds = eth1_withdrawal_credentials(&h(address).try_into().unwrap());
        for (k, index) in [0u32, 5].into_iter().enumerate() {
            let sk = derive::validator_signing_key(seed.as_ref(), index).unwrap();
            let mut ours = serde_json::to_value(
                DepositData::sign(&sk, creds, FULL_DEPOSIT_GWEI, network.genesis_fork_version)
                    .to_launchpad(&network),
            )
            .unwrap();
            let mut theirs = theirs[k].clone();
            // The only field allowed to differ names the producing tool's version.
            ours.as_object_mut().unwrap().remove("deposit_cli_version");
            theirs
                .as_object_mut()
                .unwrap()
                .remove("deposit_cli_version");
            assert_eq!(ours, theirs, "{network} index {index}");
        }
    }
}

const ETHSTAKER_EXITS: &str = r#"
import json, sys
from ethstaker_deposit.settings import get_chain_setting
from ethstaker_deposit.utils.exit_transaction import exit_transaction_generation
q = json.load(sys.stdin)
out = []
for net in q["networks"]:
    e = exit_transaction_generation(get_chain_setting(net), int(q["secret"], 16), q["index"], q["epoch"])
    out.append(e.signature.hex())
print(json.dumps(out))
"#;

#[test]
fn ethstaker_exit_signatures_match() {
    let sk = SecretKey::from_bytes(&[0x33; 32], "t").unwrap();
    let nets = [Network::mainnet(), Network::sepolia(), Network::hoodi()];
    let theirs = python(
        ETHSTAKER_EXITS,
        &json!({"secret": hex::encode(*sk.to_bytes()), "index": 123456, "epoch": 271828,
                "networks": nets.iter().map(|n| n.name.clone()).collect::<Vec<_>>()}),
    );
    for (k, net) in nets.iter().enumerate() {
        let ours = VoluntaryExit {
            epoch: 271828,
            validator_index: 123456,
        }
        .sign(&sk, net);
        assert_eq!(
            theirs[k].as_str().unwrap().trim_start_matches("0x"),
            ours.signature.to_hex(),
            "{net}"
        );
    }
}

const ETHSTAKER_KEYSTORES: &str = r#"
import json, sys
from ethstaker_deposit.key_handling.keystore import Keystore, Pbkdf2Keystore
q = json.load(sys.stdin)
ours = Keystore.from_json(q["keystore"])
theirs = Pbkdf2Keystore.encrypt(secret=bytes.fromhex(q["secret"]), password=q["password"], path="m/12381/3600/0/0/0")
print(json.dumps({"decrypted": ours.decrypt(q["password"]).hex(), "keystore": json.loads(theirs.as_json())}))
"#;

#[test]
fn ethstaker_keystores_interoperate() {
    let sk = SecretKey::from_bytes(&[0x44; 32], "t").unwrap();
    // ethstaker refuses scrypt below n*r*p = 2^20, so this is the cheapest it accepts.
    let ours = Keystore::encrypt(
        &sk,
        PASSWORD,
        KdfParams::Scrypt {
            n: 1 << 17,
            r: 8,
            p: 1,
        },
        "m/12381/3600/0/0/0",
    )
    .unwrap();
    let out = python(
        ETHSTAKER_KEYSTORES,
        &json!({"keystore": serde_json::to_value(&ours).unwrap(), "secret": hex::encode(*sk.to_bytes()), "password": PASSWORD}),
    );
    assert_eq!(out["decrypted"], hex::encode(*sk.to_bytes()));
    let theirs = Keystore::from_json(&out["keystore"].to_string()).unwrap();
    assert_eq!(
        *theirs.decrypt(PASSWORD).unwrap().to_bytes(),
        *sk.to_bytes()
    );
}

const CHAINSAFE: &str = r#"
const ks = require("@chainsafe/bls-keystore");
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", async () => {
  const q = JSON.parse(input);
  const out = { decrypted: [] };
  for (const k of q.keystores) {
    if (!ks.isValidKeystore(k)) throw new Error("schema rejects our keystore");
    out.decrypted.push(Buffer.from(await ks.decrypt(k, q.password)).toString("hex"));
  }
  const kdf = { function: "scrypt", params: { dklen: 32, n: 16384, r: 8, p: 1, salt: "07".repeat(32) } };
  out.keystore = await ks.create(q.password, Buffer.from(q.secret, "hex"), Buffer.from(q.pubkey, "hex"), "m/12381/3600/1/0/0", "", kdf);
  process.stdout.write(JSON.stringify(out));
});
"#;

#[test]
fn chainsafe_keystores_interoperate() {
    let sk = SecretKey::from_bytes(&[0x55; 32], "t").unwrap();
    let keystores = [crate::TEST_SCRYPT, KdfParams::Pbkdf2 { c: 1 << 16 }].map(|kdf| {
        serde_json::to_value(Keystore::encrypt(&sk, PASSWORD, kdf, "m/12381/3600/1/0/0").unwrap())
            .unwrap()
    });
    let out = node(
        CHAINSAFE,
        &json!({"keystores": keystores, "password": PASSWORD, "secret": hex::encode(*sk.to_bytes()),
                "pubkey": sk.public_key().to_hex()}),
    );
    for d in out["decrypted"].as_array().unwrap() {
        assert_eq!(d.as_str().unwrap(), hex::encode(*sk.to_bytes()));
    }
    let theirs = Keystore::from_json(&out["keystore"].to_string()).unwrap();
    assert_eq!(
        theirs.decrypt(PASSWORD).unwrap().public_key(),
        sk.public_key()
    );
}

const PY_ECC: &str = r#"
import json, sys
from py_ecc.bls import G2ProofOfPossession as bls
from py_ecc.optimized_bls12_381 import curve_order as r
q = json.load(sys.stdin)
xs = [i + 1 for i in q["indices"]]
ys = [int(s, 16) for s in q["shares"]]
secret = 0
for xi, yi in zip(xs, ys):
    num, den = 1, 1
    for xj in xs:
        if xj != xi:
            num = num * xj % r
            den = den * (xj - xi) % r
    secret = (secret + yi * num * pow(den, -1, r)) % r
msg = bytes.fromhex(q["message"])
print(json.dumps({
    "secret": "%064x" % secret,
    "pubkey": bls.SkToPk(secret).hex(),
    "combined_ok": bls.Verify(bytes.fromhex(q["pubkey"]), msg, bytes.fromhex(q["combined"])),
    "partial_ok": bls.Verify(bytes.fromhex(q["pubkey_share"]), msg, bytes.fromhex(q["partial"])),
}))
"#;

#[test]
fn py_ecc_agrees_on_shares_and_threshold_signatures() {
    let sk = SecretKey::from_bytes(&[0x66; 32], "t").unwrap();
    let shares = keyshare::split(&sk, 3, 5).unwrap();
    let chosen: Vec<&KeyShare> = [4usize, 1, 3].iter().map(|&i| &shares[i]).collect();
    let root = VoluntaryExit {
        epoch: 9,
        validator_index: 77,
    }
    .signing_root(&Network::hoodi());
    let partials: Vec<_> = chosen.iter().map(|s| s.sign(&root)).collect();
    let combined = keyshare::combine(&partials, 3).unwrap();
    assert_eq!(combined, sk.sign(&root));
    let out = python(
        PY_ECC,
        &json!({
            "indices": chosen.iter().map(|s| s.index()).collect::<Vec<_>>(),
            "shares": chosen.iter().map(|s| hex::encode(*s.to_bytes())).collect::<Vec<_>>(),
            "message": hex::encode(root),
            "pubkey": sk.public_key().to_hex(),
            "combined": combined.to_hex(),
            "pubkey_share": chosen[0].public_share().to_hex(),
            "partial": partials[0].signature.to_hex(),
        }),
    );
    assert_eq!(
        out["secret"],
        hex::encode(*sk.to_bytes()),
        "py-ecc's Lagrange recovers the key from our shares"
    );
    assert_eq!(out["pubkey"], sk.public_key().to_hex());
    assert_eq!(out["combined_ok"], true);
    assert_eq!(out["partial_ok"], true);
}

const ECIESPY: &str = r#"
import json, sys, ecies
q = json.load(sys.stdin)
print(json.dumps({
    "decrypted": ecies.decrypt(q["secret"], bytes.fromhex(q["ciphertext"])).hex(),
    "ciphertext": ecies.encrypt(q["pubkey"], bytes.fromhex(q["plaintext"])).hex(),
}))
"#;

#[test]
fn eciespy_interoperates() {
    let guardian = EnclaveSecretKey::generate();
    let sk = SecretKey::from_bytes(&[0x17; 32], "t").unwrap();
    let shares = keyshare::split(&sk, 2, 3).unwrap();
    let ours = ecies::encrypt_share(&shares[1], &guardian.public_key()).unwrap();
    let out = python(
        ECIESPY,
        &json!({"secret": hex::encode(*guardian.to_bytes()), "ciphertext": hex::encode(&ours),
                "pubkey": hex::encode(guardian.public_key().as_bytes()), "plaintext": hex::encode(*shares[2].to_bytes())}),
    );
    assert_eq!(
        out["decrypted"],
        hex::encode(*shares[1].to_bytes()),
        "eciespy decrypts our share"
    );
    let theirs = h(out["ciphertext"].as_str().unwrap());
    let share = ecies::decrypt_share(&guardian, 2, &theirs).unwrap();
    assert_eq!(
        share.public_share(),
        shares[2].public_share(),
        "we decrypt eciespy's"
    );
}

#[test]
fn eciespy_decrypts_seeded_encryption() {
    use rand::SeedableRng;
    let guardian = EnclaveSecretKey::from_bytes(&[0x21; 32]).unwrap();
    let plaintext = b"seeded ECIES, same format as encrypt";
    let ours = ecies::encrypt_with_rng(
        &guardian.public_key(),
        plaintext,
        &mut rand_chacha::ChaCha20Rng::seed_from_u64(3),
    )
    .unwrap();
    let out = python(
        ECIESPY,
        &json!({"secret": hex::encode(*guardian.to_bytes()), "ciphertext": hex::encode(&ours),
                "pubkey": hex::encode(guardian.public_key().as_bytes()), "plaintext": "00"}),
    );
    assert_eq!(out["decrypted"], hex::encode(plaintext));
}
