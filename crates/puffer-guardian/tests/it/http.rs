//! The peer API over loopback HTTP: authentication (replay, forwarding to another guardian, unknown sender,
//! tampered body), size limit, garbage bodies — refused, counted, never signed.

use std::sync::{Arc, RwLock};

use puffer_chain::alloy::primitives::{Address, B256, U256};
use puffer_guardian::{
    ChainFacts, Enclave, Guardian, GuardianParams, MemoryEnclave, MemoryStore, SignRequest,
    daemon::{
        auth::{sign_request, unix_now},
        metrics::Metrics,
        server::{ApiState, FixedFacts, SIGN_PATH, router},
    },
};

use crate::harness::{Actors, block_on, network};

struct Api {
    url: String,
    metrics: Arc<Metrics>,
}

fn serve(rt: &tokio::runtime::Runtime, guardian: Arc<Guardian>, facts: ChainFacts) -> Api {
    let metrics = Arc::new(Metrics::default());
    let state = ApiState {
        guardian,
        facts: Arc::new(FixedFacts(RwLock::new(facts))),
        metrics: metrics.clone(),
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, router(state)).await });
    Api { url, metrics }
}

async fn post(url: &str, headers: &[(&'static str, String)], body: Vec<u8>) -> (u16, String) {
    let mut req = reqwest::Client::new()
        .post(format!("{url}{SIGN_PATH}"))
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[test]
fn peer_requests_are_authenticated_and_bounded() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let actors = Actors::new();
    let facts = ChainFacts {
        chain_id: 31_337,
        now: 1_000,
        protocol: Address::repeat_byte(1),
        reporter: None,
        guardians: actors.operators.iter().map(|o| o.address()).collect(),
        enclave_keys: actors.enclaves.iter().map(|e| e.address()).collect(),
        threshold: 3,
        deposit_root: B256::ZERO,
        next_validators: vec![],
    };
    let guardian = |i: usize| {
        Arc::new(Guardian::new(
            actors.operators[i].address(),
            actors.enclaves[i].clone() as Arc<dyn Enclave>,
            Arc::new(MemoryStore::new()),
            network(),
            GuardianParams::default(),
        ))
    };
    let api0 = serve(&rt, guardian(0), facts.clone());
    let api1 = serve(&rt, guardian(1), facts.clone());
    let to0 = actors.operators[0].address();
    let body = serde_json::to_vec(&SignRequest::Skip {
        validator_id: U256::from(7u64),
        deadline: 1_100,
        complaint: None,
    })
    .unwrap();
    let sender = &actors.operators[2];
    let auth = sign_request(sender, "POST", SIGN_PATH, &body, to0, 31_337, unix_now()).unwrap();
    let headers = auth.headers();

    // Authenticated: it reaches the rules, which refuse (guardian 0 never checked validator 7).
    let (status, text) = block_on(post(&api0.url, &headers, body.clone()));
    assert_eq!(status, 409, "{text}");
    assert!(text.contains("not skip"), "{text}");
    // The same request again: a replay.
    let (status, text) = block_on(post(&api0.url, &headers, body.clone()));
    assert_eq!((status, text.contains("replayed")), (401, true), "{text}");
    // Forwarded to another guardian: not addressed to it.
    let (status, text) = block_on(post(&api1.url, &headers, body.clone()));
    assert_eq!(
        (status, text.contains("addressed to")),
        (401, true),
        "{text}"
    );
    // A tampered body under the original signature.
    let fresh = sign_request(sender, "POST", SIGN_PATH, &body, to0, 31_337, unix_now()).unwrap();
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let (status, text) = block_on(post(&api0.url, &fresh.headers(), tampered));
    assert_eq!(
        (status, text.contains("does not recover")),
        (401, true),
        "{text}"
    );
    // A stranger's key.
    let stranger = MemoryEnclave::generate().signer().clone();
    let theirs =
        sign_request(&stranger, "POST", SIGN_PATH, &body, to0, 31_337, unix_now()).unwrap();
    let (status, text) = block_on(post(&api0.url, &theirs.headers(), body.clone()));
    assert_eq!(
        (status, text.contains("not a peer guardian")),
        (401, true),
        "{text}"
    );
    // Another chain, a stale timestamp, no headers.
    let other_chain = sign_request(sender, "POST", SIGN_PATH, &body, to0, 1, unix_now()).unwrap();
    assert_eq!(
        block_on(post(&api0.url, &other_chain.headers(), body.clone())).0,
        401
    );
    let stale = sign_request(
        sender,
        "POST",
        SIGN_PATH,
        &body,
        to0,
        31_337,
        unix_now() - 3_600,
    )
    .unwrap();
    assert_eq!(
        block_on(post(&api0.url, &stale.headers(), body.clone())).0,
        401
    );
    assert_eq!(block_on(post(&api0.url, &[], body.clone())).0, 401);
    // Garbage under a valid signature: 400, counted, nothing signed.
    let garbage = b"{\"kind\":\"provision\",\"validator_ids\":\"lots\"}".to_vec();
    let signed =
        sign_request(sender, "POST", SIGN_PATH, &garbage, to0, 31_337, unix_now()).unwrap();
    assert_eq!(block_on(post(&api0.url, &signed.headers(), garbage)).0, 400);
    // Oversized.
    let big = vec![b' '; 200 * 1024];
    let signed = sign_request(sender, "POST", SIGN_PATH, &big, to0, 31_337, unix_now()).unwrap();
    assert_eq!(block_on(post(&api0.url, &signed.headers(), big)).0, 413);

    let m = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(m(&api0.metrics.peer_requests_unauthenticated_total), 6);
    assert_eq!(m(&api0.metrics.peer_requests_malformed_total), 1);
    assert_eq!(m(&api0.metrics.peer_requests_refused_total), 1);
    assert_eq!(m(&api0.metrics.signatures_released_total), 0);
    assert_eq!(m(&api1.metrics.peer_requests_unauthenticated_total), 1);
    let text = block_on(async {
        reqwest::get(format!("{}/metrics", api0.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert!(
        text.contains("puffer_guardian_peer_requests_unauthenticated_total 6"),
        "{text}"
    );
    let health = block_on(async {
        reqwest::get(format!("{}/health", api0.url))
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(health, 200);
    drop(rt);
}
