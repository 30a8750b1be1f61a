//! The client against responses written by hand from the Beacon API specification's examples
//! (`tests/it/fixtures/`), served verbatim.

use alloy::primitives::B256;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use puffer_beacon::types::ValidatorStatus;
use puffer_beacon::{BeaconClient, BeaconError, BeaconNode, BlockId, StateId, ValidatorId};

use crate::common::{key, node};

const ROOT: &str = "0xcf8e0d4e9587369b2301d0790347320302cc0943d5a1884560367e8208d920f2";

fn json(
    status: u16,
    body: &'static str,
) -> impl Fn() -> std::future::Ready<axum::response::Response> + Clone {
    move || {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        std::future::ready((status, [("content-type", "application/json")], body).into_response())
    }
}

async fn fixture_node() -> BeaconClient {
    let app = Router::new()
        .route("/eth/v1/beacon/genesis", get(json(200, include_str!("fixtures/genesis.json"))))
        .route("/eth/v1/config/spec", get(json(200, include_str!("fixtures/spec.json"))))
        .route("/eth/v1/beacon/states/head/fork", get(json(200, include_str!("fixtures/fork.json"))))
        .route("/eth/v1/beacon/states/head/validators", post(json(200, include_str!("fixtures/validators.json"))))
        .route("/eth/v1/beacon/states/head/validator_balances", post(json(200, include_str!("fixtures/validator_balances.json"))))
        .route("/eth/v1/beacon/states/head/finality_checkpoints", get(json(200, include_str!("fixtures/finality_checkpoints.json"))))
        .route("/eth/v1/beacon/headers/head", get(json(200, include_str!("fixtures/header.json"))))
        .route("/eth/v1/beacon/pool/voluntary_exits", post(json(400, include_str!("fixtures/error_400.json"))))
        .route("/eth/v1/beacon/states/finalized/fork", get(json(404, include_str!("fixtures/error_404.json"))))
        .route("/eth/v1/beacon/states/justified/fork", get(json(500, "internal error, not JSON")))
        .route("/eth/v1/beacon/states/genesis/fork", get(json(200, r#"{"data":{"previous_version":"0x00","current_version":"0x00000000","epoch":"1"}}"#)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    BeaconClient::new(&format!("http://{addr}/")).expect("client")
}

#[tokio::test]
async fn spec_examples_parse() {
    let client = fixture_node().await;
    let root: B256 = ROOT.parse().expect("root");

    let genesis = client.genesis().await.expect("genesis");
    assert_eq!(genesis.genesis_time, 1_590_832_934);
    assert_eq!(genesis.genesis_validators_root, root);

    let spec = client.spec().await.expect("spec");
    assert_eq!((spec.seconds_per_slot, spec.slots_per_epoch), (12, 32));
    assert_eq!(spec.capella_fork_version.0, [3, 0, 0, 0]);

    assert_eq!(client.fork(StateId::Head).await.expect("fork").epoch, 1);

    let validators = client
        .validators(StateId::Head, &[ValidatorId::Index(1)], &[])
        .await
        .expect("validators");
    assert_eq!(validators.len(), 1);
    assert_eq!(validators[0].status, ValidatorStatus::ActiveOngoing);
    assert_eq!(validators[0].validator.withdrawal_credentials, root);
    assert!(!validators[0].validator.slashed);

    let balances = client.balances(StateId::Head, &[]).await.expect("balances");
    assert_eq!((balances[0].index, balances[0].balance), (1, 1));

    let cp = client
        .finality_checkpoints(StateId::Head)
        .await
        .expect("finality");
    assert_eq!(cp.finalized.root, root);

    let header = client.header(BlockId::Head).await.expect("header");
    assert_eq!(header.header.message.slot, 1);
    assert!(header.canonical);
}

#[tokio::test]
async fn spec_error_bodies_become_typed_errors() {
    let client = fixture_node().await;
    let n = node(1, puffer_beacon::Scenario::default());
    let exit = crate::common::exit(&n, &key(0), 0, 0);
    match client.submit_voluntary_exit(&exit).await {
        Err(BeaconError::Api {
            status: 400,
            message,
        }) => {
            assert!(message.starts_with("Invalid voluntary exit"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match client.fork(StateId::Finalized).await {
        Err(e @ BeaconError::Api { status: 404, .. }) => assert_eq!(e.status(), 404),
        other => panic!("{other:?}"),
    }
    match client.fork(StateId::Justified).await {
        Err(BeaconError::Api {
            status: 500,
            message,
        }) => assert_eq!(message, "internal error, not JSON"),
        other => panic!("{other:?}"),
    }
    // A 4-byte version that is 1 byte long: a decode error, not a panic.
    assert!(matches!(
        client.fork(StateId::Genesis).await,
        Err(BeaconError::Decode { what: "fork", .. })
    ));
}
