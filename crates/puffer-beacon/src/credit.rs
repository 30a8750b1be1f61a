//! [`ExecutionCredit`]: how the simulated beacon chain pays withdrawals on the execution layer.

use alloy::primitives::{Address, U256};
use puffer_chain::Chain;
use tracing::debug;

use crate::error::Result;

/// Wei per Gwei.
pub const WEI_PER_GWEI: u64 = 1_000_000_000;

/// Credits withdrawn ETH to an execution-layer address, as a beacon withdrawal does (no transaction, no gas,
/// no code executed at the recipient).
///
/// Guarantees: after `credit(address, gwei)` returns `Ok`, the balance of `address` is `gwei × 10⁹` wei
/// higher than before; on `Err` nothing was credited.
pub trait ExecutionCredit {
    /// Adds `gwei` to `address`'s balance.
    ///
    /// # Errors
    /// The execution layer's error (e.g. not a development chain).
    fn credit(&mut self, address: Address, gwei: u64) -> Result<()>;
}

/// [`ExecutionCredit`] over the `Chain` trait: reads the balance and sets it higher with
/// [`Chain::set_balance`] (a state write on the embedded backend, `anvil_setBalance` over RPC).
#[derive(Debug)]
pub struct ChainCredit<'a, C: Chain + ?Sized>(pub &'a mut C);

impl<C: Chain + ?Sized> ExecutionCredit for ChainCredit<'_, C> {
    fn credit(&mut self, address: Address, gwei: u64) -> Result<()> {
        let before = self.0.balance(address)?;
        let after = before + U256::from(gwei) * U256::from(WEI_PER_GWEI);
        debug!(%address, gwei, "crediting withdrawal");
        self.0.set_balance(address, after)?;
        Ok(())
    }
}

/// Test double: records every credit.
#[cfg(feature = "test-utils")]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecordingCredit {
    /// `(address, gwei)` in call order.
    pub credits: Vec<(Address, u64)>,
}

#[cfg(feature = "test-utils")]
impl RecordingCredit {
    /// Total Gwei credited to `address`.
    pub fn total(&self, address: Address) -> u64 {
        self.credits
            .iter()
            .filter(|(a, _)| *a == address)
            .map(|(_, g)| g)
            .sum()
    }
}

#[cfg(feature = "test-utils")]
impl ExecutionCredit for RecordingCredit {
    fn credit(&mut self, address: Address, gwei: u64) -> Result<()> {
        self.credits.push((address, gwei));
        Ok(())
    }
}
