//! Following the execution layer's deposit contract: `DepositEvent` logs become [`SimNode::deposit`] calls.

use alloy::primitives::Address;
use alloy::sol;
use alloy::sol_types::SolEvent;
use puffer_chain::{Chain, LogFilter};
use tracing::warn;

use super::{DepositOutcome, SimNode};
use crate::error::Result;

sol! {
    /// The deposit contract's event (amount and index are 8-byte little-endian).
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);
}

impl SimNode {
    /// Ingests every `DepositEvent` of `deposit_contract` in blocks after the last one seen, up to the latest
    /// block, in chain order, and remembers that block. Malformed events (an amount that is not 8 bytes) are
    /// skipped with a warning.
    ///
    /// # Errors
    /// The chain's; nothing is ingested then.
    pub fn follow_deposits<C: Chain + ?Sized>(
        &mut self,
        chain: &mut C,
        deposit_contract: Address,
    ) -> Result<Vec<DepositOutcome>> {
        let latest = chain.block_number()?;
        let from = self.last_el_block.map_or(0, |b| b + 1);
        if from > latest {
            return Ok(Vec::new());
        }
        let mut filter = LogFilter::address(deposit_contract, from);
        filter.topics = vec![Some(vec![DepositEvent::SIGNATURE_HASH])];
        filter.to_block = Some(latest);
        let logs = chain.logs(&filter)?;
        let mut out = Vec::with_capacity(logs.len());
        for log in logs {
            let Ok(event) = DepositEvent::decode_log_data(&log.inner.data) else {
                warn!(block = log.block_number, "undecodable DepositEvent skipped");
                continue;
            };
            let Ok(amount) = <[u8; 8]>::try_from(event.amount.as_ref()) else {
                warn!(
                    block = log.block_number,
                    "DepositEvent amount is not 8 bytes; skipped"
                );
                continue;
            };
            out.push(self.deposit(
                &event.pubkey,
                &event.withdrawal_credentials,
                u64::from_le_bytes(amount),
                &event.signature,
            ));
        }
        self.last_el_block = Some(latest);
        Ok(out)
    }

    /// The last execution-layer block whose deposits were ingested.
    pub fn last_el_block(&self) -> Option<u64> {
        self.last_el_block
    }
}
