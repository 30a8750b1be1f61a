//! The simulator-only levers: `POST /puffer/v1/clock/advance` and `POST /puffer/v1/validators/{i}/penalty`.

use alloy::primitives::B256;
use puffer_beacon::types::ErrorBody;
use puffer_beacon::{BeaconError, BeaconNode, Scenario, SimConfig, SimNode, StateId};
use puffer_keys::deposit::eth1_withdrawal_credentials;

use crate::common::{ETH, address, genesis_node, key, serve, withdrawn_to};

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Four genesis validators on a chain whose genesis is now (the clock endpoint reads the wall clock).
fn live_node() -> SimNode {
    let mut config = SimConfig::fast(21);
    config.genesis_time = unix_now();
    let mut node = SimNode::new(config, Scenario::default()).expect("valid config");
    for i in 0..4 {
        node.add_genesis_validator(
            (*key(i).public_key().as_bytes()).into(),
            B256::from(eth1_withdrawal_credentials(address(i).as_ref())),
            32 * ETH,
        );
    }
    node
}

async fn post(base: &str, path: &str, body: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("response");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn clock_advance_processes_epochs_and_sweeps_rewards() {
    let (shared, client) = serve(live_node()).await;
    let (genesis_time, epoch_seconds, slots_per_epoch) = {
        let n = shared.lock();
        (
            n.genesis().genesis_time,
            n.config().seconds_per_epoch(),
            n.config().slots_per_epoch,
        )
    };
    let answer = client
        .advance_clock(10 * epoch_seconds)
        .await
        .expect("advanced");
    assert_eq!(answer.offset_seconds, 10 * epoch_seconds);
    // The wall clock may have crossed a slot boundary meanwhile.
    assert!(
        (10 * slots_per_epoch..=10 * slots_per_epoch + 1).contains(&answer.slot),
        "{answer:?}"
    );
    {
        let n = shared.lock();
        assert_eq!(n.slot(), answer.slot);
        assert_eq!(n.epoch(), 10);
        assert!(n.slot_at(unix_now()) >= 10 * slots_per_epoch);
        assert_eq!(n.clock_offset(), 10 * epoch_seconds);
        for i in 0..4 {
            assert!(withdrawn_to(&n, address(i)) > 0, "validator {i} earned");
        }
    }
    // Genesis is unchanged: what the API serves.
    assert_eq!(
        client.genesis().await.expect("genesis").genesis_time,
        genesis_time
    );
    // Ten sweeps of the four validators, each in the first slot of epochs 1..=10.
    let swept = client
        .withdrawals(0, answer.slot + 1, &[])
        .await
        .expect("history");
    assert_eq!(swept.len(), 40);
    for (k, w) in swept.iter().enumerate() {
        let epoch = k as u64 / 4 + 1;
        assert_eq!(w.slot, epoch * slots_per_epoch, "{w:?}");
        assert_eq!(w.index, k as u64 % 4);
    }
    let balances = client.balances(StateId::Head, &[]).await.expect("balances");
    assert!(
        balances.iter().all(|b| b.balance == 32 * ETH),
        "{balances:?}"
    );

    // A second advance adds to the offset.
    let again = client.advance_clock(epoch_seconds).await.expect("again");
    assert_eq!(again.offset_seconds, 11 * epoch_seconds);
    assert!(again.slot >= 11 * slots_per_epoch);
}

#[tokio::test]
async fn penalty_lowers_the_balance_and_the_effective_balance_follows() {
    let (shared, client) = serve(genesis_node(3, Scenario::default(), 2)).await;
    let after = client.penalize(1, 3 * ETH / 2).await.expect("penalized");
    assert_eq!((after.index, after.balance), (1, 32 * ETH - 3 * ETH / 2));
    let v = client
        .validator(StateId::Head, 1.into())
        .await
        .expect("validator");
    assert_eq!(v.balance, 32 * ETH - 3 * ETH / 2);
    assert_eq!(v.validator.effective_balance, 32 * ETH);
    shared.lock().advance_epochs(1);
    let v = client
        .validator(StateId::Head, 1.into())
        .await
        .expect("validator");
    assert_eq!(v.validator.effective_balance, 30 * ETH);
    // Saturates at zero.
    let zero = client.penalize(0, 100 * ETH).await.expect("penalized");
    assert_eq!(zero.balance, 0);

    match client.penalize(99, ETH).await {
        Err(BeaconError::Api { status, message }) => {
            assert_eq!((status, message.as_str()), (404, "Validator not found: 99"));
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    let (status, text) = post(
        client.base_url(),
        "/puffer/v1/validators/abc/penalty",
        r#"{"gwei":"1"}"#,
    )
    .await;
    assert_eq!(status, 400, "{text}");
    let error: ErrorBody = serde_json::from_str(&text).expect("error body");
    assert_eq!(error.message, "Invalid validator ID: abc");
}

#[tokio::test]
async fn malformed_admin_bodies_are_400_naming_the_field() {
    let (_node, client) = serve(genesis_node(1, Scenario::default(), 2)).await;
    let base = client.base_url().to_owned();
    for (path, body, needle) in [
        (
            "/puffer/v1/withdrawals",
            "{not json",
            "Invalid request body",
        ),
        ("/puffer/v1/withdrawals", "[]", "object"),
        (
            "/puffer/v1/withdrawals",
            r#"{"from_slot":1,"to_slot":"2"}"#,
            "from_slot",
        ),
        ("/puffer/v1/withdrawals", r#"{"from_slot":"1"}"#, "to_slot"),
        (
            "/puffer/v1/withdrawals",
            r#"{"from_slot":"1","to_slot":"0x2"}"#,
            "to_slot",
        ),
        (
            "/puffer/v1/withdrawals",
            r#"{"from_slot":"5","to_slot":"4"}"#,
            "to_slot",
        ),
        (
            "/puffer/v1/withdrawals",
            r#"{"from_slot":"1","to_slot":"2","indices":"1"}"#,
            "indices",
        ),
        (
            "/puffer/v1/withdrawals",
            r#"{"from_slot":"1","to_slot":"2","indices":["a"]}"#,
            "indices",
        ),
        (
            "/puffer/v1/withdrawals",
            r#"{"from_slot":"1","to_slot":"2","slots":"3"}"#,
            "slots",
        ),
        ("/puffer/v1/clock/advance", "{}", "seconds"),
        ("/puffer/v1/clock/advance", r#"{"seconds":"-1"}"#, "seconds"),
        (
            "/puffer/v1/clock/advance",
            r#"{"seconds":"99999999999"}"#,
            "seconds",
        ),
        ("/puffer/v1/validators/0/penalty", r#"{"gwei":5}"#, "gwei"),
        ("/puffer/v1/validators/0/penalty", r#"{"eth":"5"}"#, "eth"),
        (
            "/puffer/v1/validators/0/penalty",
            "",
            "Invalid request body",
        ),
    ] {
        let (status, text) = post(&base, path, body).await;
        assert_eq!(status, 400, "{path} {body}: {text}");
        let error: ErrorBody = serde_json::from_str(&text).expect("error body");
        assert_eq!(error.code, 400);
        assert!(error.message.contains(needle), "{path} {body}: {text}");
    }
    // Nothing moved.
    assert_eq!(
        client
            .validator(StateId::Head, 0.into())
            .await
            .expect("validator")
            .balance,
        32 * ETH
    );
}
