//! `puffer devnet`, `stake`, `gov` and `status` driven through the binary against a devnet without guardians:
//! every `--json` output is compared with the chain read independently, and typing mistakes give one clear line.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use puffer_chain::{
    Deployment, RpcChain,
    alloy::primitives::{Address, U256},
    bindings::{PufferPool, PufferProtocol},
    contract::call_decode,
    dev_signer,
    operator::strategy_name,
};
pub(crate) use puffer_testkit::free_port;
use serde_json::Value;

/// A devnet in a temporary directory, stopped when dropped.
pub(crate) struct Devnet {
    pub(crate) dir: tempfile::TempDir,
}

impl Devnet {
    pub(crate) fn devnet_dir(&self) -> PathBuf {
        self.dir.path().join("devnet")
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_puffer"))
            .current_dir(self.dir.path())
            .env("PUFFER_DEVNET_DIR", self.devnet_dir())
            .env_remove("PUFFER_RPC_URL")
            .env_remove("PUFFER_DEPLOYMENT")
            .env_remove("PUFFER_PRIVATE_KEY")
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap()
    }

    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub(crate) fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let text = self.ok(&all);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{args:?} printed non-JSON ({e}): {text}"))
    }

    /// Runs a command that must fail with `code`; returns its stderr.
    pub(crate) fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: stdout {} stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    pub(crate) fn up(extra: &[&str]) -> Self {
        let devnet = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let (port, beacon) = (free_port().to_string(), free_port().to_string());
        let mut args = vec!["devnet", "up", "--port", &port, "--beacon-port", &beacon];
        args.extend_from_slice(extra);
        devnet.ok(&args);
        devnet
    }

    /// The chain and deployment, read directly (not through the CLI).
    pub(crate) fn chain(&self) -> (RpcChain, Deployment) {
        let state: Value = serde_json::from_str(
            &std::fs::read_to_string(self.devnet_dir().join("devnet.json")).unwrap(),
        )
        .unwrap();
        let mut chain = RpcChain::connect(state["rpcUrl"].as_str().unwrap()).unwrap();
        let path = PathBuf::from(state["deployment"].as_str().unwrap());
        let deployment = Deployment::attach(&mut chain, Path::new(&path)).unwrap();
        (chain, deployment)
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        let _ = self.run(&["devnet", "down"]);
        // A failing test (or any, with PUFFER_TEST_DEVNET_LOGS set) shows what the devnet's processes last said
        // (the directory is deleted after).
        if (std::thread::panicking() || std::env::var_os("PUFFER_TEST_DEVNET_LOGS").is_some())
            && let Ok(entries) = std::fs::read_dir(self.devnet_dir().join("logs"))
        {
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(60).collect();
                eprintln!(
                    "---- {} (last {} lines)",
                    entry.path().display(),
                    tail.len()
                );
                for line in tail.into_iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
    }
}

pub(crate) fn wei(v: &Value) -> U256 {
    U256::from_str_radix(
        v.as_str().unwrap_or_else(|| panic!("{v} is not a string")),
        10,
    )
    .unwrap()
}

#[test]
fn stake_gov_status_without_guardians() {
    let devnet = Devnet::up(&["--no-guardians"]);
    let (mut chain, deployment) = devnet.chain();
    let pool = deployment.pool().unwrap();
    let protocol = deployment.protocol().unwrap();
    let staker = dev_signer(3).address();

    // A second devnet in the same directory is refused.
    let port = free_port().to_string();
    let err = devnet.fails(&["devnet", "up", "--port", &port, "--no-guardians"], 1);
    assert!(err.contains("already running"), "{err}");

    let deposit = devnet.json(&["stake", "deposit", "40"]);
    assert_eq!(
        wei(&deposit["depositedWei"]),
        U256::from(40u64) * U256::from(10u64).pow(U256::from(18u64))
    );
    let on_chain = call_decode(
        &mut chain,
        pool,
        &PufferPool::balanceOfCall { account: staker },
    )
    .unwrap();
    assert_eq!(wei(&deposit["shares"]), on_chain);
    let balance = devnet.json(&["stake", "balance"]);
    assert_eq!(
        balance["address"]
            .as_str()
            .unwrap()
            .parse::<Address>()
            .unwrap(),
        staker
    );
    assert_eq!(wei(&balance["pufeth"]), on_chain);

    let rate = devnet.json(&["stake", "rate"]);
    assert_eq!(
        wei(&rate["rateWei"]),
        puffer_chain::rate(&mut chain, pool).unwrap()
    );
    let assets = call_decode(&mut chain, pool, &PufferPool::totalAssetsCall {}).unwrap();
    assert_eq!(wei(&rate["totalAssetsWei"]), assets);
    let liquidity = devnet.json(&["stake", "liquidity"]);
    assert_eq!(
        wei(&liquidity["liquidityWei"]),
        puffer_chain::liquidity(&mut chain, pool).unwrap()
    );
    assert_eq!(liquidity["withdrawalFeeBps"], "100");

    let created = devnet.json(&[
        "gov",
        "strategy",
        "create",
        "EIGEN_DA",
        "--commission-bps",
        "1000",
        "--execute",
    ]);
    assert_eq!(created["executed"], true);
    devnet.ok(&[
        "gov",
        "weights",
        "set",
        "NO_RESTAKING=2",
        "EIGEN_DA=1",
        "--execute",
    ]);
    let list = devnet.json(&["gov", "strategy", "list"]);
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        let name = strategy_name(row["name"].as_str().unwrap()).unwrap();
        let view =
            call_decode(&mut chain, protocol, &PufferProtocol::strategyCall { name }).unwrap();
        assert_eq!(
            row["address"].as_str().unwrap().parse::<Address>().unwrap(),
            view.strategy
        );
        assert_eq!(wei(&row["weight"]), view.weight);
        assert_eq!(
            row["commissionBps"].as_u64().unwrap(),
            view.commissionBps.saturating_to::<u64>()
        );
    }
    let prices = devnet.json(&["gov", "prices", "show"]);
    let twelve = call_decode(
        &mut chain,
        protocol,
        &PufferProtocol::commitmentPriceCall {
            months: U256::from(12u64),
        },
    )
    .unwrap();
    assert_eq!(wei(&prices["12"]), twelve);

    // Scheduled without --execute: saved, refused before its delay, executed after `devnet advance`.
    let scheduled = devnet.json(&["gov", "prices", "set", "12", "1.25"]);
    assert_eq!(scheduled["executed"], false);
    let id = scheduled["id"].as_str().unwrap().to_owned();
    let err = devnet.fails(&["gov", "execute", &id], 1);
    assert!(err.contains("is ready at"), "{err}");
    // Governance `--execute` above moved both clocks by the timelock delays; this moves both by a day more.
    let offset = |v: &Value| v["beaconClockOffset"].as_u64().unwrap();
    let before = devnet.json(&["devnet", "advance", "0s"]);
    let advanced = devnet.json(&["devnet", "advance", "1d"]);
    assert_eq!(advanced["advancedSeconds"], 86_400);
    // The beacon clock moved with the execution clock: 2 s slots, a day = 43,200 slots at least.
    assert_eq!(offset(&advanced) - offset(&before), 86_400);
    assert!(
        advanced["beaconSlot"].as_u64().unwrap() >= 43_200,
        "{advanced}"
    );
    // Without guardians nothing was deposited: no validator 0 on the beacon node.
    let err = devnet.fails(&["devnet", "penalize", "0", "1"], 1);
    assert!(err.contains("Validator not found: 0"), "{err}");
    devnet.ok(&["gov", "execute", &id]);
    let twelve = call_decode(
        &mut chain,
        protocol,
        &PufferProtocol::commitmentPriceCall {
            months: U256::from(12u64),
        },
    )
    .unwrap();
    assert_eq!(
        twelve,
        U256::from(125u64) * U256::from(10u64).pow(U256::from(16u64))
    );

    // Pause is immediate; a deposit is then refused with the decoded reason and exit code 4.
    devnet.ok(&["gov", "pause", "deposits"]);
    let err = devnet.fails(&["stake", "deposit", "1"], 4);
    assert!(err.contains("PoolDepositsPaused"), "{err}");
    devnet.ok(&["gov", "unpause", "deposits", "--execute"]);
    devnet.ok(&["stake", "deposit", "1"]);

    let status = devnet.json(&["status"]);
    let assets = call_decode(&mut chain, pool, &PufferPool::totalAssetsCall {}).unwrap();
    assert_eq!(wei(&status["tvlWei"]), assets);
    assert_eq!(status["strategies"].as_array().unwrap().len(), 2);
    assert_eq!(status["currentSpurt"].as_u64().unwrap(), 0);

    // Typing mistakes: one line each, saying what to do.
    for (args, needle) in [
        (
            vec!["stake", "deposit", "1.0000000000000000001"],
            "19 decimals but ETH allows at most 18",
        ),
        (vec!["stake", "deposit", "ten"], "unknown unit"),
        (
            vec!["gov", "weights", "set", "NOPE=1"],
            "unknown strategy \"NOPE\"",
        ),
        (
            vec!["gov", "weights", "set", "NO_RESTAKING"],
            "is not NAME=WEIGHT",
        ),
        (
            vec!["stake", "redeem", "1000"],
            "fewer than the 1000 asked for",
        ),
        (
            vec![
                "noop",
                "register",
                "--strategy",
                "NOPE",
                "--bundle",
                "missing.json",
            ],
            "unknown strategy \"NOPE\"",
        ),
    ] {
        let err = devnet.fails(&args, 1);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?} printed more than one line: {err}"
        );
    }

    let status = devnet.json(&["devnet", "status"]);
    assert!(
        status["processes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["alive"] == true)
    );
    devnet.ok(&["devnet", "down"]);
    let err = devnet.fails(&["status"], 3);
    assert!(err.contains("run `puffer devnet up`"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn devnet_levers_say_when_the_beacon_node_is_not_answering() {
    let devnet = Devnet {
        dir: tempfile::tempdir().unwrap(),
    };
    let beacon = format!("http://127.0.0.1:{}", free_port());
    std::fs::create_dir_all(devnet.devnet_dir()).unwrap();
    let state = serde_json::json!({
        "rpcUrl": format!("http://127.0.0.1:{}", free_port()),
        "beaconUrl": beacon,
        "chainId": 31337,
        "deployment": "deployment.json",
        "guardians": [],
        "threshold": 0,
        "accounts": [],
        "processes": [],
    });
    std::fs::write(devnet.devnet_dir().join("devnet.json"), state.to_string()).unwrap();
    for args in [
        vec!["devnet", "advance", "1d"],
        vec!["devnet", "penalize", "0", "1.5"],
    ] {
        let err = devnet.fails(&args, 3);
        assert!(
            err.contains(&beacon) && err.contains("not answering"),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
    // Amounts are checked before anything is sent.
    let err = devnet.fails(&["devnet", "penalize", "0", "0.0000000001"], 1);
    assert!(err.contains("finer than a Gwei"), "{err}");
    let err = devnet.fails(&["devnet", "penalize", "0", "ten"], 1);
    assert!(err.contains("unknown unit"), "{err}");
}
