//! The withdrawal history over HTTP: the range endpoint, the block scan, and the standard block endpoint.

use axum::http::StatusCode;
use axum::routing::post;
use puffer_beacon::sim::Withdrawal;
use puffer_beacon::{BeaconClient, BeaconNode, BlockId, Scenario, SharedNode, SimNode};

use crate::common::{ETH, address, genesis_node, serve};

/// Four genesis validators (0x01 credentials) after `epochs` epochs: every epoch sweeps the rewards above
/// 32 ETH, so every epoch's first slot pays withdrawals.
fn swept_node(epochs: u64) -> SimNode {
    let mut node = genesis_node(11, Scenario::default(), 4);
    node.advance_epochs(epochs);
    node
}

fn ids(ws: &[Withdrawal]) -> Vec<u64> {
    ws.iter().map(|w| w.withdrawal_index).collect()
}

#[tokio::test]
async fn range_query_equals_block_scan() {
    let (shared, client) = serve(swept_node(6)).await;
    let head = shared.lock().slot();
    for (from, to, indices) in [
        (0, head + 1, vec![]),
        (0, head + 100, vec![]),
        (3, 13, vec![]),
        (0, head + 1, vec![1, 3]),
        (4, 5, vec![2]),
        (7, 7, vec![]),
    ] {
        let range = client
            .withdrawals(from, to, &indices)
            .await
            .expect("range endpoint");
        let scan = client
            .withdrawals_from_blocks(from, to, &indices)
            .await
            .expect("block scan");
        let in_process = shared
            .withdrawals(from, to, &indices)
            .await
            .expect("in process");
        assert_eq!(range, scan, "{from}..{to} {indices:?}");
        assert_eq!(range, in_process, "{from}..{to} {indices:?}");
    }
    let all = client.withdrawals(0, head + 1, &[]).await.expect("all");
    // Epochs 1..=6 each swept the four validators' rewards.
    assert_eq!(all.len(), 24);
    assert_eq!(ids(&all), (0..24).collect::<Vec<_>>());
}

#[tokio::test]
async fn ranges_are_half_open_and_filtered_by_index() {
    let (shared, client) = serve(swept_node(3)).await;
    let epoch_slot = shared.lock().config().slots_per_epoch;
    // The sweep runs at each epoch's first slot.
    let at = client
        .withdrawals(epoch_slot, epoch_slot + 1, &[])
        .await
        .expect("first slot of epoch 1");
    assert_eq!(at.len(), 4);
    assert!(at.iter().all(|w| w.slot == epoch_slot));
    assert_eq!(
        at.iter().map(|w| w.address).collect::<Vec<_>>(),
        (0..4).map(address).collect::<Vec<_>>()
    );
    assert!(at.iter().all(|w| w.amount > 0 && w.amount < ETH));
    assert!(
        client
            .withdrawals(epoch_slot, epoch_slot, &[])
            .await
            .expect("empty range")
            .is_empty()
    );
    assert!(
        client
            .withdrawals(epoch_slot + 1, 2 * epoch_slot, &[])
            .await
            .expect("rest of the epoch")
            .is_empty()
    );
    let two = client
        .withdrawals(0, 3 * epoch_slot + 1, &[2])
        .await
        .expect("validator 2");
    assert_eq!(two.len(), 3);
    assert!(two.iter().all(|w| w.index == 2 && w.address == address(2)));
    assert!(
        client
            .withdrawals(0, 100, &[99])
            .await
            .expect("unknown index")
            .is_empty()
    );
    let reversed = client.withdrawals(5, 4, &[]).await.expect_err("reversed");
    assert_eq!(reversed.status(), 400);
    assert!(reversed.to_string().contains("to_slot"), "{reversed}");
    let reversed = shared.withdrawals(5, 4, &[]).await.expect_err("reversed");
    assert_eq!(reversed.status(), 400);
}

#[tokio::test]
async fn block_endpoint_has_the_beacon_api_shape() {
    let (shared, client) = serve(swept_node(3)).await;
    let head = shared.lock().slot();
    let epoch_slot = shared.lock().config().slots_per_epoch;
    let http = reqwest::Client::new();
    let url = |id: String| format!("{}/eth/v2/beacon/blocks/{id}", client.base_url());
    let body: serde_json::Value = http
        .get(url(epoch_slot.to_string()))
        .send()
        .await
        .expect("response")
        .json()
        .await
        .expect("json");
    assert_eq!(body["version"], "deneb");
    assert_eq!(body["execution_optimistic"], false);
    assert_eq!(body["finalized"], true);
    let message = &body["data"]["message"];
    assert_eq!(message["slot"], epoch_slot.to_string());
    assert!(message["proposer_index"].is_string());
    assert!(
        message["parent_root"]
            .as_str()
            .is_some_and(|r| r.len() == 66)
    );
    let payload = &message["body"]["execution_payload"];
    assert!(payload["block_number"].is_string());
    assert!(payload["timestamp"].is_string());
    let withdrawals = payload["withdrawals"].as_array().expect("withdrawals");
    assert_eq!(withdrawals.len(), 4);
    for w in withdrawals {
        for field in ["index", "validator_index", "amount"] {
            assert!(w[field].is_string(), "{field} in {w}");
        }
        assert!(w["address"].as_str().is_some_and(|a| a.starts_with("0x")));
        assert!(w.get("slot").is_none());
    }
    assert!(body["data"]["signature"].is_string());

    // Same header fields as /headers; head, genesis, finalized and roots resolve.
    let header = client.header(BlockId::Slot(5)).await.expect("header");
    let block = client.block(BlockId::Slot(5)).await.expect("block");
    assert_eq!(
        block.data.message.parent_root,
        header.header.message.parent_root
    );
    assert_eq!(
        block.data.message.state_root,
        header.header.message.state_root
    );
    assert_eq!(
        block.data.message.proposer_index,
        header.header.message.proposer_index
    );
    let by_root = client
        .block(BlockId::Root(header.root))
        .await
        .expect("root");
    assert_eq!(by_root, block);
    assert_eq!(
        client
            .block(BlockId::Head)
            .await
            .expect("head")
            .data
            .message
            .slot,
        head
    );
    assert_eq!(
        client
            .block(BlockId::Genesis)
            .await
            .expect("genesis")
            .data
            .message
            .slot,
        0
    );
    assert!(
        client
            .block(BlockId::Finalized)
            .await
            .expect("final")
            .finalized
    );
    let after = client
        .block(BlockId::Slot(head + 1))
        .await
        .expect_err("future");
    assert_eq!(after.status(), 404);
    let bad = http
        .get(url("nonsense".into()))
        .send()
        .await
        .expect("response");
    assert_eq!(bad.status().as_u16(), 400);
}

#[tokio::test]
async fn client_falls_back_to_blocks_without_the_range_endpoint() {
    let shared = SharedNode::new(swept_node(4));
    // A node without the simulator's range endpoint, as a real beacon node: 404 there.
    let app = axum::Router::new()
        .route(
            "/puffer/v1/withdrawals",
            post(|| async { StatusCode::NOT_FOUND }),
        )
        .fallback_service(puffer_beacon::server::router(shared.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = BeaconClient::new(&format!("http://{addr}")).expect("client");
    let head = shared.lock().slot();
    let scanned = client
        .withdrawals(0, head + 1, &[0, 2])
        .await
        .expect("fallback");
    assert_eq!(scanned.len(), 8);
    assert_eq!(scanned, shared.lock().withdrawals(0, head + 1, &[0, 2]));
}
