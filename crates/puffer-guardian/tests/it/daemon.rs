//! Five guardian daemons (threshold 3) on loopback ports against anvil and the simulated beacon node over HTTP,
//! all started by the test: registrations custody-checked (one with a bad deposit signature is skipped),
//! provisioned in schedule order, activated on the beacon chain, a validator that drops below 31 ETH ejected
//! with a combined exit the beacon node accepts (after the beacon node was down, then answered garbage, for a while), a guardian killed
//! mid-flow and restarted from its data directory, and the spurt report posted with its activations processed.

use std::{path::Path, sync::Arc};

use puffer_beacon::{
    BeaconClient, BeaconNode, Scenario, SharedNode, SimConfig, SimNode, StateId, ValidatorId,
    types::ValidatorStatus,
};
use puffer_chain::{Chain, NodeOperator, SpurtReports, deploy::NO_RESTAKING};
use puffer_guardian::{
    ExitReason, SealedEnclave,
    daemon::{
        self, DaemonHandle,
        config::{DaemonConfig, PeerConfig},
    },
};

use puffer_testkit::{free_port, poll_until};

use crate::{
    anvil::{Anvil, AnvilChain},
    harness::{Actors, credentials, deploy, make_bundle},
};

struct Files {
    configs: Vec<DaemonConfig>,
}

fn write_files(dir: &Path, actors: &Actors, rpc: &str, beacon: &str, deployment: &Path) -> Files {
    let ports: Vec<u16> = (0..actors.operators.len()).map(|_| free_port()).collect();
    let peers: Vec<PeerConfig> = actors
        .operators
        .iter()
        .zip(&ports)
        .map(|(op, port)| PeerConfig {
            address: op.address(),
            url: format!("http://127.0.0.1:{port}"),
        })
        .collect();
    let mut configs = Vec::new();
    for (i, (op, enclave)) in actors.operators.iter().zip(&actors.enclaves).enumerate() {
        let g = dir.join(format!("g{i}"));
        std::fs::create_dir_all(&g).unwrap();
        std::fs::write(g.join("operator.key"), op.to_bytes().to_string()).unwrap();
        std::fs::write(g.join("pass"), "correct horse").unwrap();
        SealedEnclave::seal(
            &g.join("enclave.json"),
            &enclave.signer().to_bytes().0,
            b"correct horse",
            puffer_guardian::enclave::SEALED_MIN_LOG_N,
        )
        .unwrap();
        configs.push(DaemonConfig {
            rpc_url: rpc.to_owned(),
            beacon_url: beacon.to_owned(),
            deployment: deployment.to_owned(),
            operator_key_file: g.join("operator.key"),
            enclave_file: g.join("enclave.json"),
            enclave_passphrase_file: Some(g.join("pass")),
            listen: format!("127.0.0.1:{}", ports[i]).parse().unwrap(),
            metrics: None,
            data_dir: g.join("data"),
            poll_millis: 100,
            peers: peers.clone(),
        });
    }
    Files { configs }
}

/// Forwards every connection to `target` until aborted (aborting drops every open connection too).
async fn proxy(listener: tokio::net::TcpListener, target: std::net::SocketAddr) {
    let mut connections = tokio::task::JoinSet::new();
    while let Ok((mut inbound, _)) = listener.accept().await {
        connections.spawn(async move {
            if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

fn start(rt: &tokio::runtime::Runtime, config: &DaemonConfig) -> DaemonHandle {
    // A restarted guardian may find its database still held for a moment by the aborted tasks: retry.
    poll_until("the daemon to start", 30, || {
        rt.block_on(daemon::start(config.clone())).ok()
    })
}

#[test]
fn five_guardians_provision_eject_and_report_through_a_crash() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let anvil = Anvil::start();
    let mut chain = anvil.chain();
    let actors = Actors::new();
    let deployment = deploy(&mut chain, &actors);
    let dir = tempfile::tempdir().unwrap();
    let deployment_path = dir.path().join("deployment.json");
    deployment.write(&deployment_path).unwrap();

    // The beacon node: 12-second slots, 4-slot epochs, genesis now, so the beacon chain's time and anvil's agree
    // (a spurt's window in slots is computed from them); 100 % APR with perfect performance so a week of
    // rewards is worth claiming. The test steps the beacon clock itself.
    let mut config = SimConfig::fast(7);
    config.seconds_per_slot = 12;
    config.genesis_time = chain.timestamp().unwrap();
    let network = config.network.clone();
    let scenario = Scenario::from_toml("apr = 1.0\n[performance]\nmin = 1.0\nmax = 1.0\n").unwrap();
    let node = SharedNode::new(SimNode::new(config, scenario).unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let beacon_addr = listener.local_addr().unwrap();
    let beacon_url = format!("http://{beacon_addr}");
    let beacon_server = rt.spawn(puffer_beacon::server::serve(listener, node.clone()));

    // The daemons reach anvil through a TCP proxy the test can cut.
    let rpc_listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let rpc_addr = rpc_listener.local_addr().unwrap();
    let anvil_addr: std::net::SocketAddr = anvil.url.trim_start_matches("http://").parse().unwrap();
    let rpc_proxy = rt.spawn(proxy(rpc_listener, anvil_addr));
    let files = write_files(
        dir.path(),
        &actors,
        &format!("http://{rpc_addr}"),
        &beacon_url,
        &deployment_path,
    );
    let mut handles: Vec<Option<DaemonHandle>> =
        files.configs.iter().map(|c| Some(start(&rt, c))).collect();

    // Three registrations: two good, one with another key's deposit signature.
    let wc = credentials(&mut chain, &deployment, NO_RESTAKING);
    let enclave_pubkeys = actors.enclave_pubkeys();
    let good0 = make_bundle(1, wc, &network, &enclave_pubkeys);
    let mut bad = make_bundle(2, wc, &network, &enclave_pubkeys);
    bad.deposit_signature = make_bundle(3, wc, &network, &enclave_pubkeys).deposit_signature;
    let good1 = make_bundle(4, wc, &network, &enclave_pubkeys);
    let noop = NodeOperator::new(actors.keys[2].clone(), &deployment).unwrap();
    let id0 = noop.register(&mut chain, &good0, NO_RESTAKING, 12).unwrap();
    let bad_id = noop.register(&mut chain, &bad, NO_RESTAKING, 12).unwrap();
    let status = |chain: &mut puffer_chain::RpcChain, id| noop.validator(chain, id).unwrap().status;
    poll_until("validator 0 provisioned", 60, || {
        (status(&mut chain, id0) == 4).then_some(())
    });
    poll_until("the bad registration skipped", 60, || {
        (status(&mut chain, bad_id) == 3).then_some(())
    });

    // kill -9 one guardian mid-flow, register another validator, bring it back from its data directory.
    handles[0].take().unwrap().abort();
    let id1 = noop.register(&mut chain, &good1, NO_RESTAKING, 12).unwrap();
    poll_until("validator 1 provisioned with a guardian down", 60, || {
        (status(&mut chain, id1) == 4).then_some(())
    });
    handles[0] = Some(start(&rt, &files.configs[0]));

    // The Ethereum node becomes unreachable for a while: every daemon counts RPC failures, then recovers.
    rpc_proxy.abort();
    poll_until("an RPC failure counted by every daemon", 60, || {
        handles
            .iter()
            .flatten()
            .all(|h| {
                h.metrics
                    .rpc_errors_total
                    .load(std::sync::atomic::Ordering::Relaxed)
                    > 0
            })
            .then_some(())
    });
    let rpc_listener = poll_until("the RPC port back", 30, || {
        rt.block_on(tokio::net::TcpListener::bind(rpc_addr)).ok()
    });
    rt.spawn(proxy(rpc_listener, anvil_addr));

    // The beacon chain follows the deposits; the validators activate.
    let deposit_contract = deployment.deposit_contract().unwrap();
    {
        let mut n = node.lock();
        n.follow_deposits(&mut chain, deposit_contract).unwrap();
        assert_eq!(
            n.validator_count(),
            2,
            "the two provisioned deposits, nothing else"
        );
        n.advance_epochs(12);
    }
    let beacon = BeaconClient::new(&beacon_url).unwrap();
    let active = rt
        .block_on(beacon.validators(StateId::Head, &[], &[ValidatorStatus::ActiveOngoing]))
        .unwrap();
    assert_eq!(active.len(), 2);

    // The beacon node goes away, then answers garbage for a while: the daemons count the failures, sign
    // nothing from it, and keep going.
    beacon_server.abort();
    let errors = |handles: &[Option<DaemonHandle>]| -> Vec<u64> {
        handles
            .iter()
            .flatten()
            .map(|h| {
                h.metrics
                    .beacon_errors_total
                    .load(std::sync::atomic::Ordering::Relaxed)
            })
            .collect()
    };
    poll_until("a beacon failure counted", 30, || {
        errors(&handles).iter().all(|e| *e > 0).then_some(())
    });
    let after_outage = errors(&handles);
    let listener = poll_until("the beacon port back", 30, || {
        rt.block_on(tokio::net::TcpListener::bind(beacon_addr)).ok()
    });
    let garbage = axum::Router::new().fallback(|| async { "{\"data\": [\"garbage\"" });
    let garbage_server = rt.spawn(async move { axum::serve(listener, garbage).await });
    poll_until("garbage from the beacon node counted", 30, || {
        errors(&handles)
            .iter()
            .zip(&after_outage)
            .all(|(now, before)| now > before)
            .then_some(())
    });
    garbage_server.abort();
    let listener = poll_until("the beacon port back", 30, || {
        rt.block_on(tokio::net::TcpListener::bind(beacon_addr)).ok()
    });
    rt.spawn(puffer_beacon::server::serve(listener, node.clone()));

    // Validator index 0 is penalized below 31 ETH; the guardians eject it.
    node.lock().penalize(0, 1_500_000_000).unwrap();
    node.lock().advance_epochs(1);
    let crossed = std::time::Instant::now();
    let exiting = poll_until("the combined exit accepted", 60, || {
        let v = rt
            .block_on(beacon.validator(StateId::Head, ValidatorId::Index(0)))
            .ok()?;
        (v.status == ValidatorStatus::ActiveExiting).then_some(v)
    });
    assert!(exiting.balance < 31_000_000_000);
    // Not an assertion (no timed assertions): printed for docs/bench/50-guardian.md.
    eprintln!(
        "bench: below 31 ETH to exit accepted: {} ms (5 guardians, loopback, 100 ms poll)",
        crossed.elapsed().as_millis()
    );
    let untouched = rt
        .block_on(beacon.validator(StateId::Head, ValidatorId::Index(1)))
        .unwrap();
    assert_eq!(untouched.status, ValidatorStatus::ActiveOngoing);

    // Guardian 4 goes down before the spurt ends: it will have no report of its own for it.
    handles[4].take().unwrap().abort();

    // The first spurt (7 days) ends on both clocks; the beacon chain finalizes past it and its withdrawals (the
    // ejected validator's full one, the other's partial ones) reach the strategy's pod.
    chain.advance_time(8 * 86_400).unwrap();
    chain.mine().unwrap();
    let now = chain.timestamp().unwrap();
    {
        let mut n = node.lock();
        let slot = n.slot_at(now);
        n.advance_to_slot(slot);
        n.advance_epochs(3);
        n.pay_withdrawals(&mut puffer_beacon::ChainCredit(&mut chain))
            .unwrap();
    }
    let reports = SpurtReports::new(&deployment).unwrap();
    poll_until("the spurt report posted", 60, || {
        (reports.clock(&mut chain).ok()?.next_report >= 1).then_some(())
    });
    // Back after the report: it never builds one for a posted spurt, takes a peer's trees after checking them
    // against the posted roots, and serves them like the others.
    handles[4] = Some(start(&rt, &files.configs[4]));
    // Any guardian processes the report's activations and exits.
    poll_until("activation and exit processed", 60, || {
        (status(&mut chain, id0) == 6 && status(&mut chain, id1) == 5).then_some(())
    });
    let reporter = deployment.spurt_reporter().unwrap();
    let reason = puffer_chain::contract::call_decode(
        &mut chain,
        reporter,
        &puffer_chain::bindings::SpurtReporter::exitReasonCall { validatorId: id0 },
    )
    .unwrap();
    assert!(reason.exited);
    assert_eq!(reason.reason, ExitReason::BalanceBelowEjection.as_u8());

    // Every guardian serves the same trees, checked against the posted roots (guardian 4, down while the others
    // reported, included: it took a peer's).
    let trees: Vec<serde_json::Value> = poll_until("every guardian serves /rewards/0", 60, || {
        files
            .configs
            .iter()
            .map(|c| {
                let url = format!("http://127.0.0.1:{}/rewards/0", c.listen.port());
                rt.block_on(async { reqwest::get(url).await?.error_for_status()?.json().await })
                    .ok()
            })
            .collect::<Option<Vec<serde_json::Value>>>()
    });
    assert!(trees.iter().all(|t| *t == trees[0]), "{trees:?}");
    let trees: puffer_guardian::SpurtTrees = serde_json::from_value(trees[0].clone()).unwrap();
    assert_eq!(trees.activations.len(), 2);
    assert_eq!(trees.exits.len(), 1);
    assert_eq!(trees.exits[0].validator_id, id0);
    assert_eq!(trees.exits[0].reason, ExitReason::BalanceBelowEjection);

    // The NoOp's claim is validator 1's consensus rewards: its partial withdrawals in the spurt's slots.
    let spurt_end = reports.clock(&mut chain).unwrap().current_end - 86_400 * 7;
    let to_slot = node.lock().slot_at(spurt_end);
    let expected_gwei: u64 = node
        .lock()
        .withdrawals(0, to_slot, &[1])
        .iter()
        .map(|w| w.amount)
        .sum();
    assert!(
        expected_gwei > 100_000_000,
        "a week at 100 % APR: {expected_gwei} gwei"
    );
    let strategy = &trees.strategies[0];
    assert_eq!(strategy.claims.len(), 1);
    let claim = &strategy.claims[0];
    assert_eq!(claim.node, noop.address());
    assert_eq!(
        claim.amount_wei,
        alloy::primitives::U256::from(expected_gwei)
            * alloy::primitives::U256::from(1_000_000_000u64)
    );
    noop.claim(
        &mut chain,
        strategy.strategy,
        0,
        claim.amount_wei,
        claim.proof.clone(),
    )
    .unwrap();
    assert!(
        noop.claim(
            &mut chain,
            strategy.strategy,
            0,
            claim.amount_wei,
            claim.proof.clone()
        )
        .is_err(),
        "a second claim is refused"
    );
    let port = files.configs[2].listen.port();

    // Metrics: every guardian answered peers; nobody released a conflicting signature.
    let metrics: String = rt
        .block_on(async {
            reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
                .await?
                .text()
                .await
        })
        .unwrap();
    assert!(
        metrics.contains("puffer_guardian_signatures_released_total"),
        "{metrics}"
    );
    for h in handles.into_iter().flatten() {
        rt.block_on(h.shutdown());
    }
    let _ = Arc::new(());
}

#[test]
fn provisioning_throughput_with_five_daemons_on_anvil() {
    const VALIDATORS: u8 = 40;
    let anvil = Anvil::start();
    let mut chain = anvil.chain();
    let actors = Actors::new();
    let deployment = deploy(&mut chain, &actors);
    chain
        .set_balance(actors.keys[3].address(), crate::harness::eth(10_000))
        .unwrap();
    puffer_chain::Staker::new(actors.keys[3].clone(), &deployment)
        .unwrap()
        .deposit(&mut chain, crate::harness::eth(1_600))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let deployment_path = dir.path().join("deployment.json");
    deployment.write(&deployment_path).unwrap();
    let config = SimConfig::fast(9);
    let network = config.network.clone();
    let node = SharedNode::new(SimNode::new(config, Scenario::default()).unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let beacon_url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(puffer_beacon::server::serve(listener, node));

    let wc = credentials(&mut chain, &deployment, NO_RESTAKING);
    let enclave_pubkeys = actors.enclave_pubkeys();
    let noop = NodeOperator::new(actors.keys[2].clone(), &deployment).unwrap();
    let ids: Vec<_> = (1..=VALIDATORS)
        .map(|i| {
            let b = make_bundle(i, wc, &network, &enclave_pubkeys);
            noop.register(&mut chain, &b, NO_RESTAKING, 12).unwrap()
        })
        .collect();

    let files = write_files(
        dir.path(),
        &actors,
        &anvil.url,
        &beacon_url,
        &deployment_path,
    );
    let started = std::time::Instant::now();
    let handles: Vec<DaemonHandle> = files.configs.iter().map(|c| start(&rt, c)).collect();
    let last = *ids.last().unwrap();
    poll_until("every validator provisioned", 120, || {
        (noop.validator(&mut chain, last).unwrap().status == 4).then_some(())
    });
    let elapsed = started.elapsed().as_secs_f64();
    for id in &ids {
        assert_eq!(
            noop.validator(&mut chain, *id).unwrap().status,
            4,
            "validator {id}"
        );
    }
    // Not an assertion (no timed assertions): printed for docs/bench/50-guardian.md.
    eprintln!(
        "bench: {VALIDATORS} validators custody-checked and provisioned in {elapsed:.2} s from daemon start = {:.0}/minute",
        f64::from(VALIDATORS) * 60.0 / elapsed
    );
    for h in handles {
        rt.block_on(h.shutdown());
    }
}
