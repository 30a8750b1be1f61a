//! Reproducibility: the same scenario and seed give the same report, byte for byte, in one process and
//! across processes (registration bundles are derived from the seed, not drawn from the OS).

use std::path::Path;
use std::process::Command;

use puffer_keys::deposit::eth1_withdrawal_credentials;
use puffer_keys::ecies::{EnclavePublicKey, EnclaveSecretKey};
use puffer_keys::network::Network;

use crate::common::small;

fn report(seed: u64) -> (String, String) {
    let mut s = small(9);
    s.seed = seed;
    let mut sim = puffer_sim::Simulation::new(s).expect("setup");
    sim.run().expect("run");
    let dir = tempfile::tempdir().unwrap();
    let out = puffer_sim::write_outputs(dir.path(), &sim).unwrap();
    (
        std::fs::read_to_string(out.report).unwrap(),
        std::fs::read_to_string(out.csv).unwrap(),
    )
}

#[test]
fn same_seed_same_report_byte_for_byte() {
    let (html_a, csv_a) = report(5);
    let (html_b, csv_b) = report(5);
    assert_eq!(csv_a, csv_b, "series.csv differs");
    assert!(html_a == html_b, "report.html differs");
    assert!(
        html_a.contains("<svg") && !html_a.contains("<script"),
        "inline SVG, no script"
    );
}

#[test]
fn another_seed_another_history() {
    let (_, csv_a) = report(5);
    let (_, csv_c) = report(6);
    assert_ne!(csv_a, csv_c);
}

#[test]
fn bundles_are_a_function_of_the_seed_not_of_the_cache() {
    let enclaves: Vec<EnclavePublicKey> = (1..=3u8)
        .map(|b| EnclaveSecretKey::from_bytes(&[b; 32]).unwrap().public_key())
        .collect();
    let creds = eth1_withdrawal_credentials(&[0x77; 20]);
    let network = Network::hoodi();
    let fresh = |seed, index| {
        puffer_sim::keys::bundle(seed, index, creds, &network, &enclaves, 2)
            .unwrap()
            .to_json()
    };
    // Made afresh twice (no cache involved), then through the cache.
    assert_eq!(fresh(41, 0), fresh(41, 0));
    let cached = puffer_sim::keys::bundles(41, &[0, 1], creds, &network, &enclaves, 2).unwrap();
    assert_eq!(cached[0].to_json(), fresh(41, 0));
    assert_eq!(cached[1].to_json(), fresh(41, 1));
    assert_ne!(
        fresh(41, 0),
        fresh(41, 1),
        "another validator, another bundle"
    );
    assert_ne!(fresh(41, 0), fresh(42, 0), "another seed, another bundle");
}

/// Set (only) for the child processes of [`same_seed_same_outputs_across_processes`]: where
/// [`child_writes_outputs`] writes.
const CHILD_OUT: &str = "PUFFER_SIM_REPRODUCIBILITY_CHILD_OUT";

/// The child half of [`same_seed_same_outputs_across_processes`]; does nothing unless [`CHILD_OUT`] is set.
#[test]
fn child_writes_outputs() {
    let Some(dir) = std::env::var_os(CHILD_OUT) else {
        return;
    };
    let mut s = small(4);
    s.seed = 17;
    let mut sim = puffer_sim::Simulation::new(s).expect("setup");
    sim.run().expect("run");
    puffer_sim::write_outputs(Path::new(&dir), &sim).unwrap();
}

#[test]
fn same_seed_same_outputs_across_processes() {
    // This test binary, run twice more: each child is a fresh process with an empty bundle cache.
    let exe = std::env::current_exe().unwrap();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for dir in &dirs {
        let out = Command::new(&exe)
            .args([
                "reproducibility::child_writes_outputs",
                "--exact",
                "--test-threads=1",
            ])
            .env(CHILD_OUT, dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "child run failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for name in ["report.html", "series.csv", "series.json", "summary.json"] {
        let [a, b] = [&dirs[0], &dirs[1]].map(|d| {
            std::fs::read(d.path().join(name))
                .unwrap_or_else(|e| panic!("the child wrote no {name}: {e}"))
        });
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between processes");
    }
}
