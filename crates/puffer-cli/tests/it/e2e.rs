//! The whole system through the binary only: `puffer devnet up` with 5 guardians (threshold 3), a staker deposits,
//! the NoOp generates keys and registers three validators in two strategies, the guardians provision them, the
//! beacon chain activates them, one falls below 31 ETH (`puffer devnet penalize`) and the guardians eject it, an
//! AVS pays the restaking strategy, both clocks move through a growth spurt and the guardians report it
//! (activations, the exit processed with its reason, a week of consensus rewards plus the AVS commission), the NoOp
//! reads and claims its rewards with the guardians' proofs, exits a validator itself through the beacon node, the
//! DAO marks the restaking strategy slashed and the guardians eject its last active validator, and the staker
//! redeems. Every step checks the printed result against the chain or the beacon node.

use std::time::{Duration, Instant};

use puffer_chain::{
    Chain,
    alloy::primitives::U256,
    bindings::{PufferPool, PufferProtocol, SpurtReporter},
    contract::call_decode,
    dev_signer,
};
use serde_json::Value;

use crate::devnet::{Devnet, free_port, wei};

/// Polls `check` (which runs commands) every 500 ms until it returns `Some`, for at most `secs` seconds.
fn eventually<T>(what: &str, secs: u64, check: impl FnMut() -> Option<T>) -> T {
    puffer_testkit::poll_every(what, secs, Duration::from_millis(500), check)
}

/// A base port with `n` free ports after it.
fn free_run(n: u16) -> u16 {
    eventually("free ports", 10, || {
        let base = free_port();
        (base < 65_000
            && (0..n).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok()))
        .then_some(base)
    })
}

#[test]
fn staker_noop_guardians_and_dao_on_the_devnet() {
    let started = Instant::now();
    let base = free_run(5).to_string();
    let devnet = Devnet::up(&[
        "--guardians",
        "5",
        "--threshold",
        "3",
        "--guardian-base-port",
        &base,
        "--slot-seconds",
        "12",
        "--slots-per-epoch",
        "4",
    ]);
    let (mut chain, deployment) = devnet.chain();
    let pool = deployment.pool().unwrap();
    let protocol = deployment.protocol().unwrap();
    let reporter = deployment.spurt_reporter().unwrap();
    let noop = dev_signer(2).address().to_string();
    std::fs::write(
        devnet.dir.path().join("pw.txt"),
        "devnet keystore password\n",
    )
    .unwrap();

    let guardians = devnet.json(&["gov", "guardians"]);
    assert_eq!(guardians["threshold"], "3");
    assert_eq!(guardians["guardians"].as_array().unwrap().len(), 5);

    // Enough TVL that the ejected validator's loss stays within the devnet's 1 % bound on the rate per report.
    devnet.json(&["stake", "deposit", "1000"]);
    devnet.ok(&[
        "gov",
        "strategy",
        "create",
        "EIGEN_DA",
        "--noop",
        &noop,
        "--avs",
        "0x000000000000000000000000000000000000a715",
        "--commission-bps",
        "1000",
        "--execute",
    ]);
    devnet.ok(&[
        "gov",
        "weights",
        "set",
        "NO_RESTAKING=1",
        "EIGEN_DA=1",
        "--execute",
    ]);

    let mut ids = Vec::new();
    for strategy in ["NO_RESTAKING", "EIGEN_DA", "EIGEN_DA"] {
        let registered = devnet.json(&[
            "noop",
            "register",
            "--strategy",
            strategy,
            "--generate",
            "--password-file",
            "pw.txt",
        ]);
        let row = &registered.as_array().unwrap()[0];
        assert_eq!(row["strategy"], strategy);
        ids.push(wei(&row["validatorId"]));
    }
    assert!(
        devnet
            .dir
            .path()
            .join(".puffer/noop-keys/keystore-0.json")
            .exists()
    );

    // The guardians custody-check and provision both (PROVISIONED = 4 on chain, "provisioned" printed).
    eventually("provisioning by the guardians", 90, || {
        let status = devnet.json(&["noop", "status"]);
        status
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["status"] == "provisioned")
            .then_some(())
    });
    for id in &ids {
        let v = call_decode(
            &mut chain,
            protocol,
            &PufferProtocol::validatorCall { validatorId: *id },
        )
        .unwrap();
        assert_eq!(v.status, 4, "validator {id}");
    }
    let status = devnet.json(&["status"]);
    let provisioned: u64 = status["strategies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["validators"]["provisioned"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(provisioned, 3);

    // The beacon node follows the deposits; both clocks move 10 minutes and the validators activate.
    let beacon = |devnet: &Devnet| -> Vec<Value> {
        devnet.json(&["noop", "status"]).as_array().unwrap().clone()
    };
    eventually("both deposits on the beacon chain", 60, || {
        beacon(&devnet)
            .iter()
            .all(|v| v["beaconIndex"].is_u64())
            .then_some(())
    });
    devnet.ok(&["devnet", "advance", "10m"]);
    let rows = eventually("both validators active on the beacon chain", 60, || {
        let rows = beacon(&devnet);
        rows.iter()
            .all(|v| v["beaconStatus"] == "active_ongoing")
            .then_some(rows)
    });

    eprintln!(
        "{:6.1} s: A validator falls below 31 ETH",
        started.elapsed().as_secs_f64()
    );
    // The first validator falls below 31 ETH; at the next epoch the guardians eject it with a combined exit.
    let ejected = rows[0]["beaconIndex"].as_u64().unwrap();
    let penalized = devnet.json(&["devnet", "penalize", &ejected.to_string(), "1.5"]);
    assert_eq!(penalized["penaltyGwei"], 1_500_000_000);
    assert!(
        penalized["balanceGwei"].as_u64().unwrap() < 31_000_000_000,
        "{penalized}"
    );
    devnet.ok(&["devnet", "advance", "48s"]);
    eventually(
        "the guardians' ejection accepted by the beacon node",
        90,
        || (beacon(&devnet)[0]["beaconStatus"] == "active_exiting").then_some(()),
    );

    // An AVS pays EIGEN_DA 2 ETH of fees during the spurt (any sender: the strategy's `receive`); the NoOps'
    // 10 % commission is in their claims.
    let strategies = devnet.json(&["gov", "strategy", "list"]);
    let eigen_da: puffer_chain::alloy::primitives::Address = strategies
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "EIGEN_DA")
        .unwrap()["address"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    chain
        .send(
            &dev_signer(7),
            puffer_chain::TxRequest::call(eigen_da, Vec::<u8>::new())
                .with_value(U256::from(2u64) * U256::from(10u64.pow(18))),
        )
        .unwrap();

    eprintln!(
        "{:6.1} s: Through the end of the grow",
        started.elapsed().as_secs_f64()
    );
    // Through the end of the growth spurt on both clocks: the guardians post the report with the activations, the
    // exit and the consensus rewards, and process the exit on chain.
    let before: Value = devnet.json(&["status"]);
    let advanced = devnet.json(&["devnet", "advance", "7d"]);
    // 12 s slots: the beacon node processed the week at once.
    assert!(
        advanced["beaconSlot"].as_u64().unwrap() >= 7 * 86_400 / 12,
        "{advanced}"
    );
    let reported = eventually("the guardians' report", 120, || {
        let s = devnet.json(&["status"]);
        (s["nextSpurtToReport"].as_u64().unwrap() > before["nextSpurtToReport"].as_u64().unwrap())
            .then_some(s)
    });
    let next = call_decode(&mut chain, reporter, &SpurtReporter::nextSpurtCall {}).unwrap();
    assert_eq!(
        U256::from(reported["nextSpurtToReport"].as_u64().unwrap()),
        next
    );
    eventually("the ejected validator's exit processed", 60, || {
        (beacon(&devnet)[0]["status"] == "exited").then_some(())
    });
    let reason = call_decode(
        &mut chain,
        reporter,
        &SpurtReporter::exitReasonCall {
            validatorId: ids[0],
        },
    )
    .unwrap();
    assert!(reason.exited);
    assert_eq!(reason.reason, 1, "BALANCE_BELOW_EJECTION");

    eprintln!(
        "{:6.1} s: Rewards as published",
        started.elapsed().as_secs_f64()
    );
    // Rewards as published by the guardians (each proof checked against the on-chain root), then claimed: the
    // active validator's week of consensus rewards.
    let rewards = eventually("the rewards published", 60, || {
        let out = devnet.run(&["noop", "rewards", "--json"]);
        out.status
            .success()
            .then(|| serde_json::from_slice::<Value>(&out.stdout).unwrap())
    });
    let unclaimed: U256 = rewards
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["claimed"] == false)
        .map(|r| wei(&r["amountWei"]))
        .sum();
    assert!(unclaimed > U256::ZERO, "a week of rewards: {rewards}");
    // EIGEN_DA's claim holds the commission: 10 % of 2 ETH between its two active validators, both the NoOp's.
    let eigen_da_claim: U256 = rewards
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["strategyName"] == "EIGEN_DA")
        .map(|r| wei(&r["amountWei"]))
        .sum();
    assert!(
        eigen_da_claim >= U256::from(2u64 * 10u64.pow(17)),
        "commission in {rewards}"
    );
    let balance_before = chain.balance(dev_signer(2).address()).unwrap();
    let claim = devnet.json(&["noop", "claim"]);
    assert_eq!(wei(&claim["totalWei"]), unclaimed);
    // Paid to the NoOp (less the claim's gas, well under 0.01 ETH).
    let balance_after = chain.balance(dev_signer(2).address()).unwrap();
    assert!(balance_after + U256::from(10u64.pow(16)) > balance_before + unclaimed);
    assert!(balance_after < balance_before + unclaimed);
    let after = devnet.json(&["noop", "rewards"]);
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["claimed"] == true)
    );

    eprintln!(
        "{:6.1} s: The NoOp exits its second",
        started.elapsed().as_secs_f64()
    );
    // The NoOp exits its second validator itself through the beacon node.
    let exit = eventually("an accepted voluntary exit", 60, || {
        let out = devnet.run(&[
            "noop",
            "exit",
            "--keystore",
            ".puffer/noop-keys/keystore-1.json",
            "--password-file",
            "pw.txt",
            "--json",
        ]);
        out.status
            .success()
            .then(|| serde_json::from_slice::<Value>(&out.stdout).unwrap())
    });
    assert_eq!(exit["validatorIndex"], rows[1]["beaconIndex"]);

    eprintln!(
        "{:6.1} s: The DAO marks EIGEN_DA slashed",
        started.elapsed().as_secs_f64()
    );
    // An AVS slashed EIGEN_DA: the DAO marks it (through the timelock; on the devnet `--execute` moves both
    // clocks), registrations in it are refused and the guardians eject its remaining active validator.
    devnet.ok(&["gov", "strategy", "slashed", "EIGEN_DA", "--execute"]);
    let listed = devnet.json(&["gov", "strategy", "list"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "EIGEN_DA" && s["slashed"] == true)
    );
    let status = devnet.json(&["status"]);
    assert!(
        status["strategies"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["slashed"] == (s["name"] == "EIGEN_DA"))
    );
    devnet.ok(&["devnet", "advance", "48s"]);
    eventually("the slashed strategy's validator ejected", 90, || {
        (beacon(&devnet)[2]["beaconStatus"] == "active_exiting").then_some(())
    });
    let refused = devnet.fails(
        &[
            "noop",
            "register",
            "--strategy",
            "EIGEN_DA",
            "--generate",
            "--password-file",
            "pw.txt",
        ],
        4,
    );
    assert!(refused.contains("ProtocolStrategySlashed"), "{refused}");

    eprintln!(
        "{:6.1} s: A one-month commitment runs out",
        started.elapsed().as_secs_f64()
    );
    // The DAO offers a one-month commitment; a validator bought with it is ejected by the guardians once it has
    // run out (30 days of weekly spurts after the report that activated it), and the next report says why.
    devnet.ok(&["gov", "prices", "set", "1", "1", "--execute"]);
    let registered = devnet.json(&[
        "noop",
        "register",
        "--strategy",
        "NO_RESTAKING",
        "--months",
        "1",
        "--generate",
        "--password-file",
        "pw.txt",
    ]);
    let short = wei(&registered.as_array().unwrap()[0]["validatorId"]);
    eventually("the one-month validator on the beacon chain", 90, || {
        beacon(&devnet)
            .get(3)
            .is_some_and(|v| v["beaconIndex"].is_u64())
            .then_some(())
    });
    devnet.ok(&["devnet", "advance", "10m"]);
    eventually("the one-month validator active", 60, || {
        (beacon(&devnet)[3]["beaconStatus"] == "active_ongoing").then_some(())
    });
    devnet.ok(&["devnet", "advance", "42d"]);
    eventually("the expired commitment ejected", 120, || {
        (beacon(&devnet)[3]["beaconStatus"] == "active_exiting").then_some(())
    });
    devnet.ok(&["devnet", "advance", "7d"]);
    let reason = eventually("its exit reported and processed", 120, || {
        let r = call_decode(
            &mut chain,
            reporter,
            &SpurtReporter::exitReasonCall { validatorId: short },
        )
        .ok()?;
        r.exited.then_some(r.reason)
    });
    assert_eq!(reason, 2, "COMMITMENT_EXPIRED");

    eprintln!(
        "{:6.1} s: The staker redeems",
        started.elapsed().as_secs_f64()
    );
    // The staker redeems part of its pufETH from the WithdrawalPool's share of the commitments.
    let liquidity = devnet.json(&["stake", "liquidity"]);
    assert!(wei(&liquidity["liquidityWei"]) > U256::ZERO);
    let staker = dev_signer(3).address();
    let shares_before = call_decode(
        &mut chain,
        pool,
        &PufferPool::balanceOfCall { account: staker },
    )
    .unwrap();
    let redeemed = devnet.json(&["stake", "redeem", "0.1"]);
    let shares_after = call_decode(
        &mut chain,
        pool,
        &PufferPool::balanceOfCall { account: staker },
    )
    .unwrap();
    assert_eq!(shares_before - shares_after, wei(&redeemed["shares"]));
    assert!(wei(&redeemed["paidWei"]) >= wei(&redeemed["minWei"]));

    eprintln!("end to end in {:.1} s", started.elapsed().as_secs_f64());
    let health = devnet.json(&["devnet", "status"]);
    assert!(
        health["processes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["alive"] == true)
    );
}
