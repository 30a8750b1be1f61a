//! Bad requests get the Beacon API's status codes and `{"code", "message"}` bodies.

use puffer_beacon::types::ErrorBody;
use puffer_beacon::{BeaconError, BeaconNode, Scenario, StateId, ValidatorId};

use crate::common::{address, deposit_new, exit, genesis_node, key, serve};

async fn raw(base: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let http = reqwest::Client::new();
    let url = format!("{base}{path}");
    let request = match method {
        "POST" => http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_owned()),
        _ => http.get(url),
    };
    let response = request.send().await.expect("response");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

fn api_status(result: Result<impl std::fmt::Debug, BeaconError>) -> (u16, String) {
    match result {
        Err(BeaconError::Api { status, message }) => (status, message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_requests_are_400_with_an_error_body() {
    let (_node, client) = serve(genesis_node(1, Scenario::default(), 2)).await;
    let base = client.base_url().to_owned();
    for (method, path, body) in [
        ("POST", "/eth/v1/beacon/pool/voluntary_exits", "{not json"),
        (
            "POST",
            "/eth/v1/beacon/pool/voluntary_exits",
            r#"{"message":{"epoch":"x","validator_index":"1"},"signature":"0x00"}"#,
        ),
        (
            "POST",
            "/eth/v1/beacon/states/head/validators",
            r#"{"ids": 5}"#,
        ),
        (
            "POST",
            "/eth/v1/beacon/states/head/validator_balances",
            r#"["1", "abc"]"#,
        ),
        (
            "POST",
            "/eth/v1/beacon/states/head/validators",
            r#"{"statuses": ["sleeping"]}"#,
        ),
        ("GET", "/eth/v1/beacon/states/nonsense/fork", ""),
        ("GET", "/eth/v1/beacon/states/head/validators?id=0x1234", ""),
        ("GET", "/eth/v1/beacon/headers/-1", ""),
    ] {
        let (status, text) = raw(&base, method, path, body).await;
        assert_eq!(status, 400, "{method} {path} {body}: {text}");
        let error: ErrorBody = serde_json::from_str(&text).expect("error body");
        assert_eq!(error.code, 400);
        assert!(!error.message.is_empty());
    }
}

#[tokio::test]
async fn unknown_things_are_404() {
    let (_node, client) = serve(genesis_node(1, Scenario::default(), 2)).await;
    let (status, message) =
        api_status(client.validator(StateId::Head, ValidatorId::Index(7)).await);
    assert_eq!((status, message.as_str()), (404, "Validator not found: 7"));
    let unknown_key = ValidatorId::Pubkey((*key(9).public_key().as_bytes()).into());
    assert_eq!(
        api_status(client.validator(StateId::Head, unknown_key).await).0,
        404
    );
    assert_eq!(api_status(client.fork(StateId::Slot(12345)).await).0, 404);
    assert_eq!(
        api_status(client.header(puffer_beacon::BlockId::Slot(999)).await).0,
        404
    );
    // Batch queries leave unknown ids out, as real nodes do.
    let found = client
        .balances(
            StateId::Head,
            &[ValidatorId::Index(1), ValidatorId::Index(7), unknown_key],
        )
        .await
        .expect("balances");
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn rejected_exits_are_400() {
    let mut node = genesis_node(1, Scenario::default(), 2);
    let pending = deposit_new(&mut node, &key(5), address(5));
    node.advance_epochs(3);
    let not_active = exit(&node, &key(5), pending, 0);
    let forged = exit(&node, &key(0), 1, 0);
    let good = exit(&node, &key(0), 0, 0);
    let future = exit(&node, &key(1), 1, 1000);
    let unknown = exit(&node, &key(1), 77, 0);
    let (_node, client) = serve(node).await;

    for (e, needle) in [
        (&not_active, "not active"),
        (&forged, "invalid signature"),
        (&future, "after the current epoch"),
        (&unknown, "unknown validator"),
    ] {
        let (status, message) = api_status(client.submit_voluntary_exit(e).await);
        assert_eq!(status, 400, "{message}");
        assert!(message.contains(needle), "{message}");
    }
    client.submit_voluntary_exit(&good).await.expect("accepted");
    let (status, message) = api_status(client.submit_voluntary_exit(&good).await);
    assert_eq!(status, 400);
    assert!(message.contains("already exiting"), "{message}");
}
