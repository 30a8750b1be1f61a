//! Ejection rules and the balance scan.
//!
//! A provisioned validator that is `active_ongoing` on the beacon chain is ejected when its strategy was
//! slashed by an AVS, when its balance is below the ejection balance (31 ETH), or when its smoothing
//! commitment expired unrenewed (checked in that order; the first gives the reason). The exit message's epoch
//! is the validator's activation epoch — any epoch up to the current one is valid, and this one is the same
//! for every guardian, so their partial signatures combine.

use puffer_beacon::{
    BeaconNode, StateId, ValidatorId,
    types::{Balance, ValidatorStatus},
};

use crate::{error::Result, report::ExitReason};

/// Balances asked per request in a scan (the simulated node and real ones take POST bodies of this size).
pub const SCAN_BATCH: usize = 10_000;

/// The ejection decision for one validator.
pub fn ejection_reason(
    status: ValidatorStatus,
    balance_gwei: u64,
    ejection_balance_gwei: u64,
    commitment_expired: bool,
    strategy_slashed: bool,
) -> Option<ExitReason> {
    if status != ValidatorStatus::ActiveOngoing {
        return None;
    }
    if strategy_slashed {
        Some(ExitReason::AvsSlashing)
    } else if balance_gwei < ejection_balance_gwei {
        Some(ExitReason::BalanceBelowEjection)
    } else if commitment_expired {
        Some(ExitReason::CommitmentExpired)
    } else {
        None
    }
}

/// Whether a commitment of `months` (30-day months) that started at `activated_at` (unix seconds) has run
/// out at `now`.
pub fn commitment_expired(activated_at: u64, months: u64, now: u64) -> bool {
    now >= activated_at.saturating_add(months.saturating_mul(30 * 86_400))
}

/// Reads the balances of `indices` at head in batches of [`SCAN_BATCH`], all batches in flight at once.
/// Unknown indices are left out (as the Beacon API does).
///
/// # Errors
/// The first beacon error.
pub async fn scan_balances<B: BeaconNode>(beacon: &B, indices: &[u64]) -> Result<Vec<Balance>> {
    let batches: Vec<Vec<ValidatorId>> = indices
        .chunks(SCAN_BATCH)
        .map(|c| c.iter().map(|i| ValidatorId::Index(*i)).collect())
        .collect();
    let futures = batches
        .iter()
        .map(|ids| beacon.balances(StateId::Head, ids));
    let mut out = Vec::with_capacity(indices.len());
    for result in join_all(futures).await {
        out.extend(result?);
    }
    Ok(out)
}

/// Polls futures concurrently on the current task (no extra dependency).
async fn join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, out) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_in_order() {
        let active = ValidatorStatus::ActiveOngoing;
        let e = 31_000_000_000;
        assert_eq!(
            ejection_reason(active, 32_000_000_000, e, false, false),
            None
        );
        assert_eq!(
            ejection_reason(active, 30_999_999_999, e, false, false),
            Some(ExitReason::BalanceBelowEjection)
        );
        assert_eq!(
            ejection_reason(active, 31_000_000_000, e, false, false),
            None
        );
        assert_eq!(
            ejection_reason(active, 32_000_000_000, e, true, false),
            Some(ExitReason::CommitmentExpired)
        );
        assert_eq!(
            ejection_reason(active, 1, e, true, true),
            Some(ExitReason::AvsSlashing)
        );
        assert_eq!(
            ejection_reason(ValidatorStatus::ActiveExiting, 1, e, true, true),
            None
        );
        assert_eq!(
            ejection_reason(ValidatorStatus::PendingQueued, 1, e, false, false),
            None
        );
    }

    #[test]
    fn expiry() {
        assert!(!commitment_expired(100, 1, 100 + 30 * 86_400 - 1));
        assert!(commitment_expired(100, 1, 100 + 30 * 86_400));
    }
}
