//! End-to-end tests of the `puffer keys` commands, running the built binary.

// Helpers outside `#[test]` functions unwrap too: a panic is the failure report here.
#![allow(clippy::unwrap_used)]

mod beacon_sim;
mod devnet;
mod e2e;
mod sim;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use puffer_keys::deposit::LaunchpadDeposit;
use puffer_keys::ecies::EnclaveSecretKey;

const MNEMONIC: &str = "test test test test test test test test test test test waste";
const POD: &str = "0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c";

fn puffer(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_puffer"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = puffer(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail; returns its stderr.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = puffer(dir, args);
    assert!(!out.status.success(), "{args:?} succeeded");
    String::from_utf8(out.stderr).unwrap()
}

struct Setup {
    dir: tempfile::TempDir,
    keystore: PathBuf,
}

fn setup(count: &str) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.txt"), format!("{MNEMONIC}\n")).unwrap();
    std::fs::write(dir.path().join("pw.txt"), "correct horse\n").unwrap();
    let extra = [
        "--count",
        count,
        "--network",
        "hoodi",
        "--withdrawal-address",
        POD,
        "--out-dir",
        "keys",
    ];
    ok(dir.path(), &derive_args("m.txt", &extra));
    let keystore = files(&dir.path().join("keys"), "keystore-m_12381_3600_0_0_0-").remove(0);
    Setup { dir, keystore }
}

/// `keys derive` from `mnemonic_file` with password `pw.txt` at the cheapest scrypt cost, plus `extra`.
fn derive_args<'a>(mnemonic_file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "keys",
        "derive",
        "--mnemonic-file",
        mnemonic_file,
        "--password-file",
        "pw.txt",
    ];
    args.extend(["--kdf-log2-cost", "14"]);
    args.extend(extra);
    args
}

/// `keys split` of `keystore` to the pod on hoodi, plus `extra` (guardians, threshold, output).
fn split_args<'a>(keystore: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "keys",
        "split",
        "--keystore",
        keystore,
        "--password-file",
        "pw.txt",
    ];
    args.extend(["--network", "hoodi", "--withdrawal-address", POD]);
    args.extend(extra);
    args
}

/// Splits `keystore` 3-of-4 to the guardians of [`guardians`] into `bundle.json`.
fn write_bundle(dir: &Path, keystore: &str) {
    let extra = [
        "--guardians-file",
        "guardians.txt",
        "--threshold",
        "3",
        "--out",
        "bundle.json",
    ];
    ok(dir, &split_args(keystore, &extra));
}

fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    v.sort();
    v
}

fn guardians(dir: &Path, n: usize) -> Vec<EnclaveSecretKey> {
    let keys: Vec<EnclaveSecretKey> = (0..n).map(|_| EnclaveSecretKey::generate()).collect();
    let lines: Vec<String> = keys.iter().map(|k| k.public_key().to_hex()).collect();
    std::fs::write(dir.join("guardians.txt"), lines.join("\n")).unwrap();
    for (i, k) in keys.iter().enumerate() {
        std::fs::write(
            dir.join(format!("enclave{i}.key")),
            hex::encode(*k.to_bytes()),
        )
        .unwrap();
    }
    keys
}

#[test]
fn derive_writes_keystores_and_deposit_data() {
    let s = setup("2");
    let keys = s.dir.path().join("keys");
    assert_eq!(files(&keys, "keystore-").len(), 2);
    let deposit_file = files(&keys, "deposit_data-").remove(0);
    let deposits: Vec<LaunchpadDeposit> =
        serde_json::from_str(&std::fs::read_to_string(deposit_file).unwrap()).unwrap();
    // Same keys as Lighthouse's vectors for this mnemonic; 0x01 credentials to the pod on hoodi.
    assert_eq!(
        deposits[0].pubkey,
        "88b6b3a9b391fa5593e8bce8d06102df1a56248368086929709fbb4a8570dc6a560febeef8159b19789e9c1fd13572f0"
    );
    assert_eq!(
        deposits[1].pubkey,
        "a33ab9d93fb53c4f027944aaa11a13be0c150b7cc2e379d85d1ed4db38d178b4e4ebeae05832158b8c746c1961da00ce"
    );
    for d in &deposits {
        assert_eq!(
            d.withdrawal_credentials,
            format!("01{}{}", "00".repeat(11), POD[2..].to_lowercase())
        );
        assert_eq!(
            (d.network_name.as_str(), d.fork_version.as_str()),
            ("hoodi", "10000910")
        );
        d.verify().unwrap();
    }
    // No temporary files left behind.
    assert!(files(&keys, ".puffer-tmp").is_empty());
}

/// `base` followed by `--partial <file>` for each file.
fn with_partials<'a>(base: &[&'a str], files: &[&'a str]) -> Vec<&'a str> {
    let mut args = base.to_vec();
    for f in files {
        args.extend(["--partial", f]);
    }
    args
}

/// Guardian `index` signs its partial of the exit (`epoch`, validator 42) into `p<index>.json`.
fn sign_partial(dir: &Path, index: &str, epoch: &str) {
    let key = format!("enclave{index}.key");
    let out = format!("p{index}.json");
    let mut args = vec![
        "keys",
        "sign-exit",
        "--bundle",
        "bundle.json",
        "--guardian-index",
        index,
    ];
    args.extend(["--enclave-secret-file", &key, "--out", &out]);
    args.extend(["--epoch", epoch, "--validator-index", "42"]);
    ok(dir, &args);
}

#[test]
fn split_verify_and_threshold_exit_match_the_keystore_exit() {
    let s = setup("1");
    let d = s.dir.path();
    guardians(d, 4);
    let ks = s.keystore.to_str().unwrap();
    write_bundle(d, ks);
    let verify = [
        "keys",
        "verify-bundle",
        "--bundle",
        "bundle.json",
        "--guardian-index",
        "2",
    ];
    let report = ok(
        d,
        &[&verify[..], &["--enclave-secret-file", "enclave2.key"]].concat(),
    );
    assert!(report.starts_with("ok:"), "{report}");
    for i in ["0", "2", "3"] {
        sign_partial(d, i, "300");
    }
    let exit = ["--epoch", "300", "--validator-index", "42"];
    let from_bundle = [&["keys", "sign-exit", "--bundle", "bundle.json"][..], &exit].concat();
    let combined = ok(
        d,
        &with_partials(&from_bundle, &["p0.json", "p2.json", "p3.json"]),
    );
    let keystore = [
        "keys",
        "sign-exit",
        "--keystore",
        ks,
        "--password-file",
        "pw.txt",
        "--network",
        "hoodi",
    ];
    let whole = ok(d, &[&keystore[..], &exit].concat());
    assert_eq!(combined, whole);
    let body: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(
        body["message"],
        serde_json::json!({"epoch": "300", "validator_index": "42"})
    );

    let combine = ["keys", "combine", "--threshold", "3"];
    let sig = ok(
        d,
        &with_partials(&combine, &["p0.json", "p2.json", "p3.json"]),
    );
    assert_eq!(sig.trim(), body["signature"].as_str().unwrap());
    let err = fails(d, &with_partials(&combine, &["p0.json", "p2.json"]));
    assert!(
        err.contains("wrong number of partial signatures: got 2, expected 3"),
        "{err}"
    );
    // A partial for another exit is named.
    sign_partial(d, "1", "301");
    let err = fails(
        d,
        &with_partials(&from_bundle, &["p0.json", "p1.json", "p3.json"]),
    );
    assert!(
        err.contains("partial signature from share 1 does not verify"),
        "{err}"
    );
}

#[test]
fn errors_name_the_problem() {
    let s = setup("1");
    let d = s.dir.path();
    guardians(d, 4);
    let ks = s.keystore.to_str().unwrap();
    std::fs::write(d.join("bad-pw.txt"), "wrong").unwrap();
    let err = fails(
        d,
        &[
            "keys",
            "sign-exit",
            "--keystore",
            ks,
            "--password-file",
            "bad-pw.txt",
            "--epoch",
            "1",
            "--validator-index",
            "1",
        ],
    );
    assert!(err.contains("wrong password"), "{err}");

    std::fs::write(
        d.join("bad-m.txt"),
        "test test test test test test test test test test test test",
    )
    .unwrap();
    let err = fails(
        d,
        &derive_args(
            "bad-m.txt",
            &["--withdrawal-address", POD, "--out-dir", "never"],
        ),
    );
    assert!(err.contains("checksum"), "{err}");
    assert!(!d.join("never").exists(), "nothing is written on error");

    let split = |threshold: &str, guardians: &str| {
        let extra = [
            "--guardian-pubkeys",
            guardians,
            "--threshold",
            threshold,
            "--out",
            "b.json",
        ];
        fails(d, &split_args(ks, &extra))
    };
    let g = std::fs::read_to_string(d.join("guardians.txt"))
        .unwrap()
        .replace('\n', ",");
    assert!(split("2", &g).contains("threshold 2 out of range for 4 shares"));
    assert!(split("3", &format!("{g},0xzz")).contains("guardian key 4"));
    assert!(!d.join("b.json").exists());

    let err = fails(
        d,
        &derive_args(
            "m.txt",
            &["--withdrawal-address", "0x1234", "--out-dir", "never"],
        ),
    );
    assert!(
        err.contains("--withdrawal-address must be 20 bytes"),
        "{err}"
    );

    write_bundle(d, ks);
    let mut bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("bundle.json")).unwrap()).unwrap();
    bundle["pubkey_shares"][1] = format!("0xa{}", "1".repeat(95)).into();
    std::fs::write(d.join("bad-bundle.json"), bundle.to_string()).unwrap();
    let err = fails(d, &["keys", "verify-bundle", "--bundle", "bad-bundle.json"]);
    assert!(
        err.contains("pubkey_shares[1]: not a valid BLS public key"),
        "{err}"
    );
}

#[test]
fn every_command_has_an_example() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        "new-mnemonic",
        "derive",
        "split",
        "verify-bundle",
        "sign-exit",
        "combine",
    ] {
        let help = ok(dir.path(), &["keys", cmd, "--help"]);
        assert!(help.contains("Example"), "{cmd} --help has no example");
    }
    for path in [
        vec!["stake", "deposit"],
        vec!["stake", "redeem"],
        vec!["stake", "balance"],
        vec!["stake", "rate"],
        vec!["stake", "liquidity"],
        vec!["noop", "register"],
        vec!["noop", "status"],
        vec!["noop", "extend"],
        vec!["noop", "stop"],
        vec!["noop", "exit"],
        vec!["gov", "strategy", "create"],
        vec!["gov", "weights", "set"],
        vec!["gov", "prices", "set"],
        vec!["gov", "fees"],
        vec!["gov", "guardians"],
        vec!["gov", "pause"],
        vec!["gov", "unpause"],
        vec!["gov", "execute"],
        vec!["status"],
        vec!["devnet", "up"],
        vec!["devnet", "down"],
        vec!["devnet", "status"],
        vec!["devnet", "advance"],
        vec!["devnet", "penalize"],
        vec!["noop", "rewards"],
        vec!["noop", "claim"],
        vec!["gov", "strategy", "list"],
        vec!["gov", "strategy", "slashed"],
        vec!["completions"],
    ] {
        let mut args = path.clone();
        args.push("--help");
        let help = ok(dir.path(), &args);
        assert!(help.contains("Example"), "{path:?} --help has no example");
    }
    let phrase = ok(dir.path(), &["keys", "new-mnemonic", "--words", "12"]);
    assert_eq!(phrase.split_whitespace().count(), 12);
}

#[test]
fn completions_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let bash = ok(dir.path(), &["completions", "bash"]);
    for word in [
        "devnet",
        "penalize",
        "slashed",
        "rewards",
        "beacon-sim",
        "--json",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    let fish = ok(dir.path(), &["completions", "fish"]);
    assert!(fish.contains("complete -c puffer"), "{fish}");
}
