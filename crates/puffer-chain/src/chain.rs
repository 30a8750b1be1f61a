//! The one trait every Rust component uses to talk to Ethereum, and the plain data it exchanges.

use alloy::{
    primitives::{Address, B256, Bytes, Log as PrimitiveLog, U256},
    signers::local::PrivateKeySigner,
};

use crate::Result;

/// A transaction to send: a call to `to`, or a contract creation when `to` is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxRequest {
    /// The callee, or `None` to create a contract from `data` (creation code with constructor arguments).
    pub to: Option<Address>,
    /// Calldata, or creation code.
    pub data: Bytes,
    /// Wei sent along.
    pub value: U256,
    /// Gas limit; `None` lets the backend pick (the embedded backend uses the block gas limit, the RPC backend
    /// estimates and adds a margin).
    pub gas: Option<u64>,
}

impl TxRequest {
    /// A call to `to` with `data`.
    pub fn call(to: Address, data: impl Into<Bytes>) -> Self {
        Self {
            to: Some(to),
            data: data.into(),
            ..Self::default()
        }
    }

    /// A contract creation from `code` (creation bytecode followed by the ABI-encoded constructor arguments).
    pub fn create(code: impl Into<Bytes>) -> Self {
        Self {
            to: None,
            data: code.into(),
            ..Self::default()
        }
    }

    /// Sends `value` wei along.
    pub fn with_value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }

    /// Sets the gas limit.
    pub fn with_gas(mut self, gas: u64) -> Self {
        self.gas = Some(gas);
        self
    }
}

/// A log emitted by a contract, with where it was included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// Emitter, topics and data (decode with `SolEvent::decode_log`).
    pub inner: PrimitiveLog,
    /// Block the log was included in.
    pub block_number: u64,
    /// That block's timestamp, unix seconds.
    pub block_timestamp: u64,
    /// Hash of the transaction that emitted it.
    pub tx_hash: B256,
}

impl Log {
    /// The emitting contract.
    pub fn address(&self) -> Address {
        self.inner.address
    }

    /// The log's topics (`topics()[0]` is the event signature hash for non-anonymous events).
    pub fn topics(&self) -> &[B256] {
        self.inner.data.topics()
    }

    /// The log's non-indexed data.
    pub fn data(&self) -> &Bytes {
        &self.inner.data.data
    }
}

/// The receipt of a transaction that succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction's hash (the embedded backend derives a unique pseudo-hash from sender and nonce).
    pub tx_hash: B256,
    /// The block it was included in.
    pub block_number: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Logs in emission order.
    pub logs: Vec<Log>,
    /// The created contract, for a creation.
    pub contract_address: Option<Address>,
}

/// Which logs to fetch: from any of `addresses` (all when empty), matching `topics` position by position (`None`
/// or an empty alternative list matches anything), in the inclusive block range `from_block..=to_block`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Emitters to include; empty means every address.
    pub addresses: Vec<Address>,
    /// Per topic position, the accepted values (any of them); `None` or empty matches anything.
    pub topics: Vec<Option<Vec<B256>>>,
    /// First block, inclusive.
    pub from_block: u64,
    /// Last block, inclusive; `None` means the latest block.
    pub to_block: Option<u64>,
}

impl LogFilter {
    /// Every log of `address` from `from_block` on.
    pub fn address(address: Address, from_block: u64) -> Self {
        Self {
            addresses: vec![address],
            from_block,
            ..Self::default()
        }
    }

    /// Whether `log` (included in block `block`) passes the filter.
    pub fn matches(&self, log: &PrimitiveLog, block: u64) -> bool {
        if block < self.from_block || self.to_block.is_some_and(|to| block > to) {
            return false;
        }
        if !self.addresses.is_empty() && !self.addresses.contains(&log.address) {
            return false;
        }
        let topics = log.data.topics();
        self.topics
            .iter()
            .enumerate()
            .all(|(i, wanted)| match wanted {
                None => true,
                Some(any) if any.is_empty() => true,
                Some(any) => topics.get(i).is_some_and(|t| any.contains(t)),
            })
    }
}

/// Ethereum as the rest of Puffer sees it: send transactions, call, read logs, balances and time; on
/// development chains, also move time and mint ETH.
///
/// The trait is synchronous on purpose. The embedded backend runs the EVM in the caller's thread and finishes
/// each call before returning, which is what lets the simulator run a protocol-year in seconds; the RPC backend
/// blocks on its own single-threaded tokio runtime. Async callers wrap a `Chain` in `spawn_blocking` (do not call
/// the RPC backend from inside a tokio runtime's worker: blocking there panics).
///
/// What every implementation guarantees:
/// - [`send`](Chain::send) returns `Ok` only for a transaction that was included and succeeded. A transaction
///   that would revert is rejected before inclusion with [`ChainError::Reverted`](crate::ChainError::Reverted)
///   carrying the decoded reason, and changes nothing (no nonce, no gas). Nonces are managed by the backend.
/// - Each successful `send` is included in its own new block (automining), so logs and state are visible to the
///   next read immediately.
/// - [`call`](Chain::call) executes against the latest state and never changes it.
/// - Reads are consistent with every `send` that returned before them.
/// - Dev-only methods fail with [`ChainError::NotDevChain`](crate::ChainError::NotDevChain) on real chains.
///
/// The trait does not require `Send`: revm's EVM keeps thread-local buffers, so an [`EmbeddedChain`] lives in the
/// thread that created it (the simulator's); [`RpcChain`] is `Send` and can move into `spawn_blocking`.
///
/// [`EmbeddedChain`]: crate::EmbeddedChain
/// [`RpcChain`]: crate::RpcChain
pub trait Chain {
    /// The chain id (EIP-155).
    fn chain_id(&self) -> u64;

    /// Whether this is a development chain (embedded, or anvil) where time travel and balance setting work.
    fn is_dev(&self) -> bool;

    /// Signs (where the backend needs it) and sends `tx` from `from`, waits for inclusion and returns the receipt.
    ///
    /// # Errors
    /// [`Reverted`](crate::ChainError::Reverted) with the decoded reason,
    /// [`InsufficientFunds`](crate::ChainError::InsufficientFunds), transport errors after retries.
    fn send(&mut self, from: &PrivateKeySigner, tx: TxRequest) -> Result<Receipt>;

    /// Executes a read-only call from `from` (the zero address when `None`) against the latest state.
    ///
    /// # Errors
    /// [`Reverted`](crate::ChainError::Reverted) with the decoded reason, transport errors.
    fn call(&mut self, from: Option<Address>, to: Address, data: Bytes) -> Result<Bytes>;

    /// Logs matching `filter`, in chain order.
    ///
    /// # Errors
    /// Transport errors.
    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<Log>>;

    /// The ETH balance of `address`, in wei.
    ///
    /// # Errors
    /// Transport errors.
    fn balance(&mut self, address: Address) -> Result<U256>;

    /// The code deployed at `address` (empty for accounts without code).
    ///
    /// # Errors
    /// Transport errors.
    fn code(&mut self, address: Address) -> Result<Bytes>;

    /// The latest block number.
    ///
    /// # Errors
    /// Transport errors.
    fn block_number(&mut self) -> Result<u64>;

    /// The latest block's timestamp, in seconds.
    ///
    /// # Errors
    /// Transport errors.
    fn timestamp(&mut self) -> Result<u64>;

    /// Dev chains: mines one empty block whose timestamp is at least `secs` after the latest block's.
    ///
    /// # Errors
    /// [`NotDevChain`](crate::ChainError::NotDevChain) on real chains.
    fn advance_time(&mut self, secs: u64) -> Result<()>;

    /// Dev chains: mines one empty block.
    ///
    /// # Errors
    /// [`NotDevChain`](crate::ChainError::NotDevChain) on real chains.
    fn mine(&mut self) -> Result<()>;

    /// Dev chains: sets the ETH balance of `address` to `wei`.
    ///
    /// # Errors
    /// [`NotDevChain`](crate::ChainError::NotDevChain) on real chains.
    fn set_balance(&mut self, address: Address, wei: U256) -> Result<()>;
}
