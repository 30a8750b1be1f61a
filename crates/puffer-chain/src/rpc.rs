//! The RPC backend: an alloy HTTP provider with local signing, for anvil and any Ethereum node.
//!
//! Each method blocks on the backend's own single-threaded tokio runtime (see [`Chain`] for why the trait is
//! synchronous). Sending a transaction: the nonce comes from a per-sender cache (filled from the node's pending
//! count, reset when the node says it is stale), the gas limit from `eth_estimateGas` plus a margin, the price from
//! `eth_gasPrice`; the transaction is signed locally, sent raw, and its receipt polled. A transaction that would
//! revert fails estimation, and the node's revert data is decoded (simulated with `eth_call` when the node's
//! estimate error lacks it); one that reverts after inclusion is replayed with `eth_call` to recover its reason. Transport failures (connection refused, timeouts, HTTP 5xx and rate
//! limits) are retried with exponential backoff; node answers (reverts, bad nonces) are not.

use std::{
    collections::{BTreeMap, HashMap},
    future::Future,
    time::Duration,
};

use alloy::{
    consensus::TxEnvelope,
    eips::{BlockId, BlockNumberOrTag, eip2718::Encodable2718},
    network::{Ethereum, EthereumWallet, NetworkTransactionBuilder, TransactionBuilder},
    primitives::{Address, B256, Bytes, TxKind, U256},
    providers::{Provider, RootProvider},
    rpc::types::{Filter, TransactionRequest},
    signers::local::PrivateKeySigner,
    transports::{RpcError, TransportError, TransportErrorKind},
};

use crate::{
    ChainError, Result,
    chain::{Chain, Log, LogFilter, Receipt, TxRequest},
    revert::{ContractError, decode_revert},
};

/// How transient transport failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total (1 = no retry).
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 5,
            initial_backoff: Duration::from_millis(100),
        }
    }
}

/// How long [`RpcChain`] waits for a receipt before giving up.
const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// A chain reached over JSON-RPC (HTTP).
pub struct RpcChain {
    url: String,
    runtime: tokio::runtime::Runtime,
    provider: RootProvider<Ethereum>,
    chain_id: u64,
    dev: bool,
    retry: RetryPolicy,
    nonces: HashMap<Address, u64>,
}

impl std::fmt::Debug for RpcChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcChain")
            .field("url", &self.url)
            .field("chain_id", &self.chain_id)
            .field("dev", &self.dev)
            .finish_non_exhaustive()
    }
}

/// Whether a transport error is worth retrying: the request may not have reached the node, or the node asked
/// us to come back later.
fn is_transient(err: &TransportError) -> bool {
    match err {
        RpcError::Transport(kind) => match kind {
            TransportErrorKind::Custom(_) => true,
            TransportErrorKind::HttpError(http) => http.status >= 500 || http.status == 429,
            other => other.is_retry_err(),
        },
        RpcError::ErrorResp(payload) => payload.is_retry_err(),
        _ => false,
    }
}

impl RpcChain {
    /// The timestamp of block `at`.
    fn block_timestamp(&mut self, at: BlockNumberOrTag) -> Result<u64> {
        let block = self.rpc("eth_getBlockByNumber", |p| async move {
            p.get_block_by_number(at).await
        })?;
        block
            .map(|b| b.header.timestamp)
            .ok_or_else(|| ChainError::Rpc {
                url: self.url.clone(),
                method: "eth_getBlockByNumber",
                reason: format!("the node has no block {at}"),
            })
    }
    /// Connects to the node at `url` (e.g. `http://127.0.0.1:8545`) and reads its chain id and client version.
    ///
    /// # Errors
    /// [`ChainError::BadUrl`] for a malformed URL, [`ChainError::Unreachable`] when the node does not answer
    /// after the default retries.
    pub fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, RetryPolicy::default())
    }

    /// [`RpcChain::connect`] with an explicit retry policy.
    ///
    /// # Errors
    /// As [`RpcChain::connect`].
    pub fn connect_with(url: &str, retry: RetryPolicy) -> Result<Self> {
        let parsed = url
            .parse()
            .map_err(|e: url::ParseError| ChainError::BadUrl {
                url: url.to_owned(),
                reason: e.to_string(),
            })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ChainError::Unreachable {
                url: url.to_owned(),
                reason: format!("cannot start the I/O runtime: {e}"),
            })?;
        let provider = RootProvider::<Ethereum>::new_http(parsed);
        let mut chain = Self {
            url: url.to_owned(),
            runtime,
            provider,
            chain_id: 0,
            dev: false,
            retry,
            nonces: HashMap::new(),
        };
        chain.chain_id = chain.rpc("eth_chainId", |p| async move { p.get_chain_id().await })?;
        let version = chain.rpc("web3_clientVersion", |p| async move {
            p.get_client_version().await
        })?;
        let lower = version.to_ascii_lowercase();
        chain.dev = lower.contains("anvil") || lower.contains("hardhat");
        tracing::debug!(url, chain_id = chain.chain_id, version, "connected");
        Ok(chain)
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs one JSON-RPC request with retries on transient errors; maps failures to [`ChainError`].
    fn rpc<T, F, Fut>(&self, method: &'static str, f: F) -> Result<T>
    where
        F: Fn(RootProvider<Ethereum>) -> Fut,
        Fut: Future<Output = Result<T, TransportError>>,
    {
        self.try_rpc(method, f)
            .map_err(|e| self.rpc_error(method, e))
    }

    /// Like [`RpcChain::rpc`] but hands back the raw transport error after retries.
    fn try_rpc<T, F, Fut>(&self, method: &'static str, f: F) -> Result<T, TransportError>
    where
        F: Fn(RootProvider<Ethereum>) -> Fut,
        Fut: Future<Output = Result<T, TransportError>>,
    {
        let mut backoff = self.retry.initial_backoff;
        let mut attempt = 1;
        loop {
            match self.runtime.block_on(f(self.provider.clone())) {
                Ok(value) => return Ok(value),
                Err(err) if attempt < self.retry.attempts && is_transient(&err) => {
                    tracing::warn!(url = %self.url, method, attempt, error = %err, "transient RPC failure, retrying");
                    std::thread::sleep(backoff);
                    backoff *= 2;
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn rpc_error(&self, method: &'static str, err: TransportError) -> ChainError {
        if matches!(err, RpcError::Transport(_)) {
            ChainError::Unreachable {
                url: self.url.clone(),
                reason: err.to_string(),
            }
        } else {
            ChainError::Rpc {
                url: self.url.clone(),
                method,
                reason: err.to_string(),
            }
        }
    }

    fn dev_only(&self, method: &'static str) -> Result<()> {
        if self.dev {
            Ok(())
        } else {
            Err(ChainError::NotDevChain {
                method,
                chain_id: self.chain_id,
            })
        }
    }

    fn request(from: Address, tx: &TxRequest) -> TransactionRequest {
        let mut request = TransactionRequest::default()
            .with_from(from)
            .with_input(tx.data.clone())
            .with_value(tx.value);
        request.to = Some(tx.to.map_or(TxKind::Create, TxKind::Call));
        request
    }

    fn action(tx: &TxRequest) -> String {
        match tx.to {
            Some(to) => format!("transaction to {to}"),
            None => "contract creation".to_owned(),
        }
    }

    /// Turns a failed estimate or call into a decoded revert, insufficient funds, or an RPC error.
    fn classify(
        &mut self,
        method: &'static str,
        action: String,
        from: Address,
        value: U256,
        err: TransportError,
    ) -> ChainError {
        if let RpcError::ErrorResp(payload) = &err {
            if let Some(data) = payload.as_revert_data() {
                return ChainError::Reverted {
                    action,
                    error: Box::new(decode_revert(&data)),
                    tx_hash: None,
                };
            }
            let message = payload.message.to_ascii_lowercase();
            if message.contains("insufficient funds") {
                let balance = self.balance(from).unwrap_or_default();
                return ChainError::InsufficientFunds {
                    from,
                    balance,
                    needed: value,
                };
            }
            if message.contains("revert") {
                return ChainError::Reverted {
                    action,
                    error: Box::new(ContractError::Message(payload.message.to_string())),
                    tx_hash: None,
                };
            }
        }
        self.rpc_error(method, err)
    }

    /// Some nodes fail `eth_estimateGas` without the revert data; simulating the transaction with `eth_call`
    /// recovers it. Returns the call's error when it carries revert data, the estimate's error otherwise.
    fn simulate_for_revert_data(
        &self,
        request: &TransactionRequest,
        err: TransportError,
    ) -> TransportError {
        let RpcError::ErrorResp(payload) = &err else {
            return err;
        };
        if payload.as_revert_data().is_some()
            || payload
                .message
                .to_ascii_lowercase()
                .contains("insufficient funds")
        {
            return err;
        }
        match self.try_rpc("eth_call", |p| {
            let r = request.clone();
            async move { p.call(r).await }
        }) {
            Err(call_err @ RpcError::ErrorResp(_)) if matches!(&call_err, RpcError::ErrorResp(p) if p.as_revert_data().is_some()) => {
                call_err
            }
            _ => err,
        }
    }

    fn next_nonce(&mut self, from: Address) -> Result<u64> {
        if let Some(nonce) = self.nonces.get(&from) {
            return Ok(*nonce);
        }
        let nonce = self.rpc("eth_getTransactionCount", |p| async move {
            p.get_transaction_count(from).pending().await
        })?;
        self.nonces.insert(from, nonce);
        Ok(nonce)
    }

    fn wait_receipt(&self, tx_hash: B256) -> Result<alloy::rpc::types::TransactionReceipt> {
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            let receipt = self.rpc("eth_getTransactionReceipt", |p| async move {
                p.get_transaction_receipt(tx_hash).await
            })?;
            if let Some(receipt) = receipt {
                return Ok(receipt);
            }
            if started.elapsed() > RECEIPT_TIMEOUT {
                return Err(ChainError::ReceiptTimeout {
                    tx_hash,
                    waited_secs: RECEIPT_TIMEOUT.as_secs(),
                });
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }
}

impl Chain for RpcChain {
    fn chain_id(&self) -> u64 {
        self.chain_id
    }

    fn is_dev(&self) -> bool {
        self.dev
    }

    fn send(&mut self, from: &PrivateKeySigner, tx: TxRequest) -> Result<Receipt> {
        let sender = from.address();
        let action = Self::action(&tx);
        let request = Self::request(sender, &tx);
        let gas = match tx.gas {
            Some(gas) => gas,
            None => {
                let estimate_request = request.clone();
                let estimated = self.try_rpc("eth_estimateGas", |p| {
                    let r = estimate_request.clone();
                    async move { p.estimate_gas(r).await }
                });
                match estimated {
                    // 20% margin: estimates are exact for the state they ran on, which may move before inclusion.
                    Ok(gas) => gas + gas / 5,
                    Err(err) => {
                        let err = self.simulate_for_revert_data(&request, err);
                        return Err(self.classify(
                            "eth_estimateGas",
                            action,
                            sender,
                            tx.value,
                            err,
                        ));
                    }
                }
            }
        };
        let gas_price = self.rpc("eth_gasPrice", |p| async move { p.get_gas_price().await })?;
        let wallet = EthereumWallet::from(from.clone());
        let mut attempts_left = 2;
        loop {
            let nonce = self.next_nonce(sender)?;
            let signed_request = request
                .clone()
                .with_nonce(nonce)
                .with_gas_limit(gas)
                .with_gas_price(gas_price)
                .with_chain_id(self.chain_id);
            let envelope: TxEnvelope = self
                .runtime
                .block_on(signed_request.build(&wallet))
                .map_err(|e| ChainError::Signing(e.to_string()))?;
            let tx_hash = *envelope.tx_hash();
            let raw = Bytes::from(envelope.encoded_2718());
            let sent = self.try_rpc("eth_sendRawTransaction", |p| {
                let raw = raw.clone();
                async move { p.send_raw_transaction(&raw).await.map(|_| ()) }
            });
            match sent {
                Ok(()) => {}
                // A retried send whose first attempt did reach the node.
                Err(RpcError::ErrorResp(e)) if e.message.contains("already known") => {}
                Err(RpcError::ErrorResp(e))
                    if e.message.to_ascii_lowercase().contains("nonce") && attempts_left > 1 =>
                {
                    tracing::debug!(%sender, nonce, error = %e.message, "stale nonce, refreshing");
                    self.nonces.remove(&sender);
                    attempts_left -= 1;
                    continue;
                }
                Err(err) => {
                    self.nonces.remove(&sender);
                    return Err(self.classify(
                        "eth_sendRawTransaction",
                        action,
                        sender,
                        tx.value,
                        err,
                    ));
                }
            }
            self.nonces.insert(sender, nonce + 1);
            let receipt = self.wait_receipt(tx_hash)?;
            let block_number = receipt.block_number.unwrap_or_default();
            if !receipt.status() {
                // Included but reverted: replay it on the state it ran against to recover the reason.
                let replay = request.clone().with_gas_limit(gas);
                let at = BlockId::number(block_number.saturating_sub(1));
                let error = match self.try_rpc("eth_call", |p| {
                    let r = replay.clone();
                    async move { p.call(r).block(at).await }
                }) {
                    Err(RpcError::ErrorResp(payload)) => payload
                        .as_revert_data()
                        .map_or(ContractError::Message(payload.message.to_string()), |d| {
                            decode_revert(&d)
                        }),
                    _ => ContractError::Empty,
                };
                return Err(ChainError::Reverted {
                    action,
                    error: Box::new(error),
                    tx_hash: Some(tx_hash),
                });
            }
            let logs = receipt
                .inner
                .logs()
                .iter()
                .map(|log| (log.clone(), log.block_number.unwrap_or(block_number)))
                .collect::<Vec<_>>();
            let block_timestamp = match logs.iter().find_map(|(l, _)| l.block_timestamp) {
                Some(t) => t,
                None if logs.is_empty() => 0,
                None => self.block_timestamp(BlockNumberOrTag::Number(block_number))?,
            };
            let logs = logs
                .into_iter()
                .map(|(log, number)| Log {
                    inner: log.inner,
                    block_number: number,
                    block_timestamp: log.block_timestamp.unwrap_or(block_timestamp),
                    tx_hash,
                })
                .collect();
            return Ok(Receipt {
                tx_hash,
                block_number,
                gas_used: receipt.gas_used,
                logs,
                contract_address: receipt.contract_address,
            });
        }
    }

    fn call(&mut self, from: Option<Address>, to: Address, data: Bytes) -> Result<Bytes> {
        let mut request = TransactionRequest::default().with_to(to).with_input(data);
        if let Some(from) = from {
            request = request.with_from(from);
        }
        let result = self.try_rpc("eth_call", |p| {
            let r = request.clone();
            async move { p.call(r).await }
        });
        result.map_err(|err| {
            self.classify(
                "eth_call",
                format!("call to {to}"),
                from.unwrap_or_default(),
                U256::ZERO,
                err,
            )
        })
    }

    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<Log>> {
        let mut query = Filter::new().from_block(BlockNumberOrTag::Number(filter.from_block));
        query = match filter.to_block {
            Some(to) => query.to_block(BlockNumberOrTag::Number(to)),
            None => query.to_block(BlockNumberOrTag::Latest),
        };
        if !filter.addresses.is_empty() {
            query = query.address(filter.addresses.clone());
        }
        for (i, topic) in filter.topics.iter().enumerate().take(4) {
            if let Some(any) = topic.as_ref().filter(|any| !any.is_empty()) {
                query.topics[i] = any.clone().into();
            }
        }
        let logs = self.rpc("eth_getLogs", |p| {
            let q = query.clone();
            async move { p.get_logs(&q).await }
        })?;
        // Nodes that leave `blockTimestamp` out of logs (it is optional in the spec): one header read per block.
        let mut timestamps: BTreeMap<u64, u64> = BTreeMap::new();
        let mut out = Vec::with_capacity(logs.len());
        for log in logs {
            let block_number = log.block_number.unwrap_or_default();
            let block_timestamp = match (log.block_timestamp, timestamps.get(&block_number)) {
                (Some(t), _) | (None, Some(&t)) => t,
                (None, None) => {
                    let t = self.block_timestamp(BlockNumberOrTag::Number(block_number))?;
                    timestamps.insert(block_number, t);
                    t
                }
            };
            out.push(Log {
                block_number,
                block_timestamp,
                tx_hash: log.transaction_hash.unwrap_or_default(),
                inner: log.inner,
            });
        }
        Ok(out)
    }

    fn balance(&mut self, address: Address) -> Result<U256> {
        self.rpc(
            "eth_getBalance",
            |p| async move { p.get_balance(address).await },
        )
    }

    fn code(&mut self, address: Address) -> Result<Bytes> {
        self.rpc(
            "eth_getCode",
            |p| async move { p.get_code_at(address).await },
        )
    }

    fn block_number(&mut self) -> Result<u64> {
        self.rpc(
            "eth_blockNumber",
            |p| async move { p.get_block_number().await },
        )
    }

    fn timestamp(&mut self) -> Result<u64> {
        self.block_timestamp(BlockNumberOrTag::Latest)
    }

    fn advance_time(&mut self, secs: u64) -> Result<()> {
        self.dev_only("advance_time")?;
        self.rpc("evm_increaseTime", |p| async move {
            p.raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (secs,))
                .await
        })?;
        self.mine()
    }

    fn mine(&mut self) -> Result<()> {
        self.dev_only("mine")?;
        self.rpc("evm_mine", |p| async move {
            p.raw_request::<_, serde_json::Value>("evm_mine".into(), ())
                .await
        })?;
        Ok(())
    }

    fn set_balance(&mut self, address: Address, wei: U256) -> Result<()> {
        self.dev_only("set_balance")?;
        self.rpc("anvil_setBalance", |p| async move {
            p.raw_request::<_, serde_json::Value>("anvil_setBalance".into(), (address, wei))
                .await
        })?;
        Ok(())
    }
}
