//! The embedded backend: revm in process over an in-memory state.
//!
//! One EVM instance lives as long as the chain; each transaction runs with `transact` and is committed only when
//! it succeeds, so a rejected transaction changes nothing. Each successful transaction is mined into its own block
//! (number + 1, timestamp + 1 s, plus any pending time jump), and its logs are stored per block for [`Chain::logs`].
//! Gas is metered but free (base fee and gas price are zero), so balances move only by the value sent.
//!
//! Snapshots clone the in-memory database, the block clock and the log index: cheap enough for tests and
//! what-if sweeps, and never done per transaction.

use alloy::{
    primitives::{Address, Bytes, TxKind, U256, keccak256},
    signers::local::PrivateKeySigner,
};
use revm::{
    Context, DatabaseCommit, ExecuteEvm, MainBuilder, MainContext,
    context::{
        TxEnv,
        result::{EVMError, ExecutionResult, InvalidTransaction},
    },
    database::{CacheDB, EmptyDB},
    handler::MainnetEvm,
    primitives::hardfork::SpecId,
    state::AccountInfo,
};

use crate::{
    ChainError, Result,
    chain::{Chain, Log, LogFilter, Receipt, TxRequest},
    revert::decode_revert,
};

type Db = CacheDB<EmptyDB>;
type Evm = MainnetEvm<revm::handler::MainnetContext<Db>>;

/// Chain id of the embedded chain (anvil's default, so deployments look alike).
pub const EMBEDDED_CHAIN_ID: u64 = 31337;
/// Block gas limit of the embedded chain, also the default gas limit of a transaction.
pub const BLOCK_GAS_LIMIT: u64 = 30_000_000;
/// Timestamp of the embedded chain's genesis block.
pub const GENESIS_TIMESTAMP: u64 = 1_700_000_000;

/// Logs of one block.
#[derive(Debug, Clone, Default)]
struct BlockLogs {
    number: u64,
    logs: Vec<Log>,
}

/// A saved state of an [`EmbeddedChain`], restored with [`EmbeddedChain::restore`].
#[derive(Debug, Clone)]
pub struct Snapshot {
    db: Db,
    block_number: u64,
    timestamp: u64,
    pending_time: u64,
    blocks: Vec<BlockLogs>,
}

/// The in-process chain. See the module docs for its block and gas model.
pub struct EmbeddedChain {
    evm: Evm,
    block_number: u64,
    timestamp: u64,
    /// Seconds added to the next block's timestamp by [`Chain::advance_time`].
    pending_time: u64,
    /// Logs of every block that has some, in block order.
    blocks: Vec<BlockLogs>,
}

impl std::fmt::Debug for EmbeddedChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedChain")
            .field("block_number", &self.block_number)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

impl Default for EmbeddedChain {
    fn default() -> Self {
        Self::new()
    }
}

impl EmbeddedChain {
    /// An empty chain at block 0 (timestamp [`GENESIS_TIMESTAMP`]) with no accounts; fund some with
    /// [`Chain::set_balance`] or [`EmbeddedChain::with_funded`].
    pub fn new() -> Self {
        let mut ctx = Context::mainnet().with_db(Db::new(EmptyDB::new()));
        ctx.cfg.chain_id = EMBEDDED_CHAIN_ID;
        ctx.cfg.spec = SpecId::PRAGUE;
        ctx.block.gas_limit = BLOCK_GAS_LIMIT;
        ctx.block.basefee = 0;
        ctx.block.number = U256::ZERO;
        ctx.block.timestamp = U256::from(GENESIS_TIMESTAMP);
        Self {
            evm: ctx.build_mainnet(),
            block_number: 0,
            timestamp: GENESIS_TIMESTAMP,
            pending_time: 0,
            blocks: Vec::new(),
        }
    }

    /// A chain whose `accounts` each hold `wei`.
    pub fn with_funded(accounts: impl IntoIterator<Item = Address>, wei: U256) -> Self {
        let mut chain = Self::new();
        for account in accounts {
            chain.put_balance(account, wei);
        }
        chain
    }

    /// Saves the whole state (accounts, storage, clock, logs).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            db: self.db().clone(),
            block_number: self.block_number,
            timestamp: self.timestamp,
            pending_time: self.pending_time,
            blocks: self.blocks.clone(),
        }
    }

    /// Returns to a saved state; everything after the snapshot is forgotten.
    pub fn restore(&mut self, snapshot: Snapshot) {
        *self.db_mut() = snapshot.db;
        self.block_number = snapshot.block_number;
        self.timestamp = snapshot.timestamp;
        self.pending_time = snapshot.pending_time;
        self.blocks = snapshot.blocks;
    }

    /// The nonce of `address`.
    pub fn nonce(&self, address: Address) -> u64 {
        self.account(address).map_or(0, |a| a.nonce)
    }

    fn db(&self) -> &Db {
        &self.evm.ctx.journaled_state.database
    }

    fn db_mut(&mut self) -> &mut Db {
        &mut self.evm.ctx.journaled_state.database
    }

    fn account(&self, address: Address) -> Option<AccountInfo> {
        self.db()
            .cache
            .accounts
            .get(&address)
            .and_then(|a| a.info())
    }

    fn put_balance(&mut self, address: Address, wei: U256) {
        let mut info = self.account(address).unwrap_or_default();
        info.balance = wei;
        self.db_mut().insert_account_info(address, info);
    }

    /// Points the EVM at the next block (number + 1, timestamp + 1 s + pending jump) without mining it.
    fn next_block_env(&mut self) -> (u64, u64) {
        let number = self.block_number + 1;
        let timestamp = self.timestamp + 1 + self.pending_time;
        self.evm.ctx.block.number = U256::from(number);
        self.evm.ctx.block.timestamp = U256::from(timestamp);
        (number, timestamp)
    }

    fn seal(&mut self, number: u64, timestamp: u64) {
        self.block_number = number;
        self.timestamp = timestamp;
        self.pending_time = 0;
    }

    fn tx_env(&self, caller: Address, tx: &TxRequest, nonce: u64) -> TxEnv {
        TxEnv {
            caller,
            gas_limit: tx.gas.unwrap_or(BLOCK_GAS_LIMIT),
            gas_price: 0,
            kind: tx.to.map_or(TxKind::Create, TxKind::Call),
            value: tx.value,
            data: tx.data.clone(),
            nonce,
            chain_id: Some(EMBEDDED_CHAIN_ID),
            ..TxEnv::default()
        }
    }

    fn action(tx: &TxRequest) -> String {
        match tx.to {
            Some(to) => format!("transaction to {to}"),
            None => "contract creation".to_owned(),
        }
    }

    fn evm_error(from: Address, err: EVMError<std::convert::Infallible>) -> ChainError {
        match err {
            EVMError::Transaction(InvalidTransaction::LackOfFundForMaxFee { fee, balance }) => {
                ChainError::InsufficientFunds {
                    from,
                    balance: *balance,
                    needed: *fee,
                }
            }
            EVMError::Transaction(other) => ChainError::InvalidTransaction {
                from,
                reason: other.to_string(),
            },
            other => ChainError::Database(other.to_string()),
        }
    }
}

impl Chain for EmbeddedChain {
    fn chain_id(&self) -> u64 {
        EMBEDDED_CHAIN_ID
    }

    fn is_dev(&self) -> bool {
        true
    }

    fn send(&mut self, from: &PrivateKeySigner, tx: TxRequest) -> Result<Receipt> {
        let caller = from.address();
        let nonce = self.nonce(caller);
        let balance = self.account(caller).map_or(U256::ZERO, |a| a.balance);
        if balance < tx.value {
            return Err(ChainError::InsufficientFunds {
                from: caller,
                balance,
                needed: tx.value,
            });
        }
        let (number, timestamp) = self.next_block_env();
        let env = self.tx_env(caller, &tx, nonce);
        let outcome = self
            .evm
            .transact(env)
            .map_err(|e| Self::evm_error(caller, e))?;
        let tx_hash = keccak256([caller.as_slice(), &nonce.to_be_bytes()].concat());
        match outcome.result {
            ExecutionResult::Success { logs, gas, .. } => {
                let contract_address = tx.to.is_none().then(|| caller.create(nonce));
                self.evm.ctx.journaled_state.database.commit(outcome.state);
                self.seal(number, timestamp);
                let logs: Vec<Log> = logs
                    .into_iter()
                    .map(|inner| Log {
                        inner,
                        block_number: number,
                        block_timestamp: timestamp,
                        tx_hash,
                    })
                    .collect();
                if !logs.is_empty() {
                    self.blocks.push(BlockLogs {
                        number,
                        logs: logs.clone(),
                    });
                }
                tracing::trace!(%caller, nonce, block = number, gas = gas.tx_gas_used(), "embedded transaction");
                Ok(Receipt {
                    tx_hash,
                    block_number: number,
                    gas_used: gas.tx_gas_used(),
                    logs,
                    contract_address,
                })
            }
            ExecutionResult::Revert { output, .. } => Err(ChainError::Reverted {
                action: Self::action(&tx),
                error: Box::new(decode_revert(&output)),
                tx_hash: None,
            }),
            ExecutionResult::Halt { reason, .. } => Err(ChainError::Halted {
                action: Self::action(&tx),
                reason: format!("{reason:?}"),
            }),
        }
    }

    fn call(&mut self, from: Option<Address>, to: Address, data: Bytes) -> Result<Bytes> {
        let caller = from.unwrap_or(Address::ZERO);
        let nonce = self.nonce(caller);
        // Calls see the latest block's environment, as `eth_call` at `latest` does.
        self.evm.ctx.block.number = U256::from(self.block_number);
        self.evm.ctx.block.timestamp = U256::from(self.timestamp);
        let tx = TxRequest::call(to, data);
        let env = self.tx_env(caller, &tx, nonce);
        let outcome = self
            .evm
            .transact(env)
            .map_err(|e| Self::evm_error(caller, e))?;
        match outcome.result {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(ChainError::Reverted {
                action: format!("call to {to}"),
                error: Box::new(decode_revert(&output)),
                tx_hash: None,
            }),
            ExecutionResult::Halt { reason, .. } => Err(ChainError::Halted {
                action: format!("call to {to}"),
                reason: format!("{reason:?}"),
            }),
        }
    }

    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<Log>> {
        let start = self
            .blocks
            .partition_point(|b| b.number < filter.from_block);
        Ok(self.blocks[start..]
            .iter()
            .take_while(|b| filter.to_block.is_none_or(|to| b.number <= to))
            .flat_map(|b| b.logs.iter())
            .filter(|log| filter.matches(&log.inner, log.block_number))
            .cloned()
            .collect())
    }

    fn balance(&mut self, address: Address) -> Result<U256> {
        Ok(self.account(address).map_or(U256::ZERO, |a| a.balance))
    }

    fn code(&mut self, address: Address) -> Result<Bytes> {
        let Some(info) = self.account(address) else {
            return Ok(Bytes::new());
        };
        if let Some(code) = info.code {
            return Ok(code.original_bytes());
        }
        Ok(self
            .db()
            .cache
            .contracts
            .get(&info.code_hash)
            .map(|c| c.original_bytes())
            .unwrap_or_default())
    }

    fn block_number(&mut self) -> Result<u64> {
        Ok(self.block_number)
    }

    fn timestamp(&mut self) -> Result<u64> {
        Ok(self.timestamp)
    }

    fn advance_time(&mut self, secs: u64) -> Result<()> {
        // The mined block is at least `secs` after the latest one (the +1 of a new block is part of the jump).
        self.pending_time += secs.saturating_sub(1);
        self.mine()
    }

    fn mine(&mut self) -> Result<()> {
        let (number, timestamp) = self.next_block_env();
        self.seal(number, timestamp);
        Ok(())
    }

    fn set_balance(&mut self, address: Address, wei: U256) -> Result<()> {
        self.put_balance(address, wei);
        Ok(())
    }
}
