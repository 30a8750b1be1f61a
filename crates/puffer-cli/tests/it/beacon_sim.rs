//! `puffer beacon-sim`: starts, serves the Beacon API with the given devnet parameters, rejects bad flags.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    stream.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn beacon_sim_serves_the_configured_devnet() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../puffer-beacon/scenarios/default.toml"
    );
    let root = format!("0x{}", "11".repeat(32));
    let mut child = Command::new(env!("CARGO_BIN_EXE_puffer"))
        .args([
            "beacon-sim",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--seed",
            "3",
        ])
        .args([
            "--scenario",
            scenario,
            "--slot-seconds",
            "1",
            "--slots-per-epoch",
            "2",
        ])
        .args([
            "--fork-version",
            "0x10000099",
            "--genesis-validators-root",
            &root,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut body = None;
    while Instant::now() < deadline {
        if let Some(b) = get(port, "/eth/v1/beacon/genesis") {
            body = Some(b);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let spec = get(port, "/eth/v1/config/spec");
    let missing = get(port, "/eth/v1/beacon/states/head/validators/5");
    child.kill().unwrap();
    child.wait().unwrap();
    let body = body.expect("server answered");
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    assert!(body.contains(&root), "{body}");
    assert!(body.contains("0x10000099"), "{body}");
    assert!(spec.unwrap().contains(r#""SLOTS_PER_EPOCH":"2""#));
    let missing = missing.unwrap();
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(missing.contains(r#""code":404"#), "{missing}");
}

#[test]
fn beacon_sim_rejects_a_bad_scenario_and_bad_flags() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "apr = 2.0\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_puffer"))
        .args(["beacon-sim", "--scenario", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("apr 2 is not within 0..=1"));

    let out = Command::new(env!("CARGO_BIN_EXE_puffer"))
        .args(["beacon-sim", "--fork-version", "0x1234"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--fork-version \"0x1234\" is not 4 bytes")
    );

    let out = Command::new(env!("CARGO_BIN_EXE_puffer"))
        .args(["beacon-sim", "--rpc-url", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "--rpc-url needs --deposit-contract");
}
