//! [`MeteredChain`]: the embedded chain with a gas meter per simulator action.
//!
//! Role clients hide their receipts, so the simulator labels what it is doing ([`MeteredChain::label`]) and
//! this wrapper adds each successful transaction's gas to that label. Everything else is delegated unchanged.

use std::collections::BTreeMap;

use alloy::{
    primitives::{Address, Bytes, U256},
    signers::local::PrivateKeySigner,
};
use puffer_chain::{Chain, EmbeddedChain, Log, LogFilter, Receipt, TxRequest};
use serde::Serialize;

/// Transactions and gas of one action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GasStat {
    /// Successful transactions.
    pub txs: u64,
    /// Gas they used.
    pub gas: u64,
}

/// An [`EmbeddedChain`] that meters gas per action label.
#[derive(Debug)]
pub struct MeteredChain {
    inner: EmbeddedChain,
    label: &'static str,
    gas: BTreeMap<&'static str, GasStat>,
}

impl MeteredChain {
    /// Wraps `inner`; transactions count under `"setup"` until [`label`](Self::label) is called.
    pub fn new(inner: EmbeddedChain) -> Self {
        Self {
            inner,
            label: "setup",
            gas: BTreeMap::new(),
        }
    }

    /// Counts the following transactions under `label`.
    pub fn label(&mut self, label: &'static str) -> &mut Self {
        self.label = label;
        self
    }

    /// Gas per action so far.
    pub fn gas(&self) -> &BTreeMap<&'static str, GasStat> {
        &self.gas
    }

    /// Successful transactions so far (all labels).
    pub fn transactions(&self) -> u64 {
        self.gas.values().map(|g| g.txs).sum()
    }
}

impl Chain for MeteredChain {
    fn chain_id(&self) -> u64 {
        self.inner.chain_id()
    }

    fn is_dev(&self) -> bool {
        self.inner.is_dev()
    }

    fn send(&mut self, from: &PrivateKeySigner, tx: TxRequest) -> puffer_chain::Result<Receipt> {
        let receipt = self.inner.send(from, tx)?;
        let stat = self.gas.entry(self.label).or_default();
        stat.txs += 1;
        stat.gas += receipt.gas_used;
        Ok(receipt)
    }

    fn call(
        &mut self,
        from: Option<Address>,
        to: Address,
        data: Bytes,
    ) -> puffer_chain::Result<Bytes> {
        self.inner.call(from, to, data)
    }

    fn logs(&mut self, filter: &LogFilter) -> puffer_chain::Result<Vec<Log>> {
        self.inner.logs(filter)
    }

    fn balance(&mut self, address: Address) -> puffer_chain::Result<U256> {
        self.inner.balance(address)
    }

    fn code(&mut self, address: Address) -> puffer_chain::Result<Bytes> {
        self.inner.code(address)
    }

    fn block_number(&mut self) -> puffer_chain::Result<u64> {
        self.inner.block_number()
    }

    fn timestamp(&mut self) -> puffer_chain::Result<u64> {
        self.inner.timestamp()
    }

    fn advance_time(&mut self, secs: u64) -> puffer_chain::Result<()> {
        self.inner.advance_time(secs)
    }

    fn mine(&mut self) -> puffer_chain::Result<()> {
        self.inner.mine()
    }

    fn set_balance(&mut self, address: Address, wei: U256) -> puffer_chain::Result<()> {
        self.inner.set_balance(address, wei)
    }
}
