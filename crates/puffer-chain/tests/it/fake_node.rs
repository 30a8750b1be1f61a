//! A scripted JSON-RPC node on loopback, for what anvil cannot show: a non-dev chain, transient HTTP failures,
//! node errors that must not be retried.

use std::{
    collections::HashMap,
    io::{BufRead, BufReader, Read, Write},
    net::{TcpListener, TcpStream},
    sync::{Arc, Mutex},
    time::Duration,
};

use puffer_chain::{Chain, ChainError, RetryPolicy, RpcChain};
use serde_json::{Value, json};

/// What the fake node answers: `(HTTP status, JSON-RPC result or error object)` per method and attempt number
/// (1-based, counted per method).
type Script = dyn Fn(&str, usize) -> (u16, Value) + Send + Sync;

struct FakeNode {
    url: String,
    calls: Arc<Mutex<HashMap<String, usize>>>,
}

impl FakeNode {
    fn start(script: Box<Script>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let calls = Arc::new(Mutex::new(HashMap::new()));
        let counter = Arc::clone(&calls);
        let script: Arc<Script> = Arc::from(script);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (counter, script) = (Arc::clone(&counter), Arc::clone(&script));
                std::thread::spawn(move || serve(stream, &counter, &*script));
            }
        });
        Self { url, calls }
    }

    fn calls(&self, method: &str) -> usize {
        self.calls.lock().unwrap().get(method).copied().unwrap_or(0)
    }
}

/// Answers HTTP/1.1 requests on one connection until the client closes it.
fn serve(stream: TcpStream, calls: &Mutex<HashMap<String, usize>>, script: &Script) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request: Value = serde_json::from_slice(&body).unwrap();
        let method = request["method"].as_str().unwrap().to_owned();
        let attempt = {
            let mut calls = calls.lock().unwrap();
            let n = calls.entry(method.clone()).or_default();
            *n += 1;
            *n
        };
        let (status, answer) = script(&method, attempt);
        let payload = if answer.get("code").is_some() {
            json!({"jsonrpc": "2.0", "id": request["id"], "error": answer})
        } else {
            json!({"jsonrpc": "2.0", "id": request["id"], "result": answer})
        }
        .to_string();
        let reason = if status == 200 {
            "OK"
        } else {
            "Service Unavailable"
        };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{payload}",
            payload.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn mainnet_like(method: &str, _attempt: usize) -> (u16, Value) {
    match method {
        "eth_chainId" => (200, json!("0x1")),
        "web3_clientVersion" => (200, json!("Geth/v1.14.0-stable/linux-amd64/go1.22")),
        "eth_blockNumber" => (
            200,
            json!({"code": -32601, "message": "the method eth_blockNumber is disabled"}),
        ),
        _ => (200, json!({"code": -32601, "message": "method not found"})),
    }
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        attempts: 4,
        initial_backoff: Duration::from_millis(5),
    }
}

#[test]
fn dev_only_methods_are_refused_on_a_real_chain() {
    let node = FakeNode::start(Box::new(mainnet_like));
    let mut chain = RpcChain::connect_with(&node.url, quick_retries()).unwrap();
    assert_eq!(chain.chain_id(), 1);
    assert!(!chain.is_dev());
    let err = chain.advance_time(60).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`advance_time` only works on a development chain (embedded or anvil), not on chain 1"
    );
    let err = chain
        .set_balance(Default::default(), Default::default())
        .unwrap_err();
    assert!(
        matches!(
            err,
            ChainError::NotDevChain {
                method: "set_balance",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn transient_http_failures_are_retried() {
    let node = FakeNode::start(Box::new(|method, attempt| match method {
        "eth_chainId" if attempt < 3 => (503, json!("busy")),
        other => mainnet_like(other, attempt),
    }));
    let chain = RpcChain::connect_with(&node.url, quick_retries()).unwrap();
    assert_eq!(chain.chain_id(), 1);
    assert_eq!(node.calls("eth_chainId"), 3, "two 503s then success");
}

#[test]
fn node_errors_are_not_retried() {
    let node = FakeNode::start(Box::new(mainnet_like));
    let mut chain = RpcChain::connect_with(&node.url, quick_retries()).unwrap();
    let err = chain.block_number().unwrap_err();
    assert!(
        matches!(
            err,
            ChainError::Rpc {
                method: "eth_blockNumber",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("the method eth_blockNumber is disabled"),
        "{err}"
    );
    assert_eq!(node.calls("eth_blockNumber"), 1, "a node's answer is final");
}

#[test]
fn giving_up_after_the_retry_budget_says_unreachable() {
    let node = FakeNode::start(Box::new(|_, _| (503, json!("down for maintenance"))));
    let err = RpcChain::connect_with(&node.url, quick_retries()).unwrap_err();
    assert!(matches!(err, ChainError::Unreachable { .. }), "{err:?}");
    assert_eq!(
        node.calls("eth_chainId"),
        4,
        "every attempt of the budget was used"
    );
}

#[test]
fn rpc_chain_can_move_to_another_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<RpcChain>();
}
