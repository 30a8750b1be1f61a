//! Epoch processing of the simulated chain, run when the clock enters a new epoch `e` for the epoch
//! `e - 1` that ended, in this order:
//!
//! 1. **Rewards and penalties.** A validator active in the ended epoch and not slashed, with performance
//!    factor `p`, gains `r × (2p − 1)` where `r = effective_balance × apr × seconds_per_epoch / year`: doing
//!    every duty earns `r`; each missed duty costs about what it would have earned (an offline validator,
//!    `p = 0`, loses `r`). Slashed validators are treated as offline until withdrawable.
//! 2. **Registry updates.** Validators at 32 ETH effective balance become eligible (`eligibility = e`);
//!    eligible ones whose eligibility epoch is finalized (two epochs behind) are activated in
//!    (eligibility, index) order, at most the churn limit per epoch, at `e - 1 + 1 + MAX_SEED_LOOKAHEAD`.
//! 3. **Correlation penalty** for validators slashed half a slashings window ago:
//!    `effective_balance × min(3 × slashed_in_window, total_active) / total_active`, in whole ETH.
//! 4. **Effective balances** with the spec's hysteresis (down below −0.25 ETH, up above +1.25 ETH).
//! 5. **Scenario slashings** scheduled for epoch `e`: initial penalty `effective_balance / quotient`, exit
//!    forced through the exit queue, withdrawable after the slashings window.
//! 6. **Withdrawal sweep** for the slots of epoch `e` (at most `max_withdrawals_per_slot × slots_per_epoch`):
//!    from where the last sweep stopped, for `0x01` credentials, the whole balance once withdrawable, else
//!    the excess above 32 ETH of a validator at 32 ETH effective balance.

use tracing::debug;

use super::{
    EFFECTIVE_BALANCE_INCREMENT, MAX_EFFECTIVE_BALANCE, PPM, SimEvent, SimNode, Withdrawal,
    is_active,
};
use crate::types::FAR_FUTURE_EPOCH;

/// Seconds in a (Julian) year: 365.25 days.
pub const SECONDS_PER_YEAR: u64 = 31_557_600;

/// Runs epoch processing for the epoch that just ended. The node's slot is the first of the new epoch.
pub(crate) fn process_epoch(node: &mut SimNode) {
    let new_epoch = node.epoch();
    let ended = new_epoch - 1;
    let active = rewards_and_penalties(node, ended);
    registry_updates(node, ended, new_epoch, active);
    correlation_penalties(node, ended);
    effective_balances(node);
    let reset = (new_epoch % node.config.epochs_per_slashings_vector) as usize;
    node.slashings[reset] = 0;
    scenario_slashings(node, new_epoch);
    withdrawals(node, new_epoch);
    node.active_now = node
        .records
        .iter()
        .filter(|r| is_active(&r.validator, new_epoch))
        .count() as u64;
    let total_balance = node.balances.iter().sum();
    debug!(epoch = ended, active, total_balance, "epoch processed");
    node.events.push(SimEvent::Epoch {
        epoch: ended,
        total_balance,
        active,
    });
}

fn is_offline(node: &SimNode, index: u64, epoch: u64) -> bool {
    node.scenario
        .offline
        .iter()
        .any(|s| s.from_epoch <= epoch && epoch < s.to_epoch && s.validators.contains(&index))
}

/// Returns the number of validators active in `epoch`.
fn rewards_and_penalties(node: &mut SimNode, epoch: u64) -> u64 {
    let apr_ppm = (node.scenario.apr * PPM as f64).round() as u128;
    let numerator = apr_ppm * u128::from(node.config.seconds_per_epoch());
    let denominator = u128::from(PPM) * u128::from(SECONDS_PER_YEAR);
    let any_offline = node
        .scenario
        .offline
        .iter()
        .any(|s| s.from_epoch <= epoch && epoch < s.to_epoch);
    let mut active = 0;
    for i in 0..node.records.len() {
        let r = &node.records[i];
        if !is_active(&r.validator, epoch) {
            if r.validator.slashed && epoch < r.validator.withdrawable_epoch {
                // Slashed and exited, not yet withdrawable: still penalised as offline.
                let full = full_reward(r.validator.effective_balance, numerator, denominator);
                node.balances[i] = node.balances[i].saturating_sub(full);
            }
            continue;
        }
        active += 1;
        let full = full_reward(r.validator.effective_balance, numerator, denominator);
        let p = if r.validator.slashed || (any_offline && is_offline(node, i as u64, epoch)) {
            0
        } else {
            r.performance_ppm
        };
        // net = full × (2p − 1), p in ppm.
        let earned = (u128::from(full) * u128::from(2 * p) / u128::from(PPM)) as u64;
        node.balances[i] = (node.balances[i] + earned).saturating_sub(full);
    }
    active
}

fn full_reward(effective: u64, numerator: u128, denominator: u128) -> u64 {
    (u128::from(effective) * numerator / denominator) as u64
}

fn registry_updates(node: &mut SimNode, ended: u64, new_epoch: u64, active: u64) {
    let finalized = new_epoch.saturating_sub(2);
    let mut queue = Vec::new();
    for (i, r) in node.records.iter_mut().enumerate() {
        let v = &mut r.validator;
        if v.activation_eligibility_epoch == FAR_FUTURE_EPOCH
            && v.effective_balance == MAX_EFFECTIVE_BALANCE
        {
            v.activation_eligibility_epoch = new_epoch;
        }
        if v.activation_epoch == FAR_FUTURE_EPOCH && v.activation_eligibility_epoch <= finalized {
            queue.push((v.activation_eligibility_epoch, i));
        }
    }
    if queue.is_empty() {
        return;
    }
    queue.sort_unstable();
    let churn = node.churn_limit_for(active) as usize;
    let at = ended + 1 + node.config.max_seed_lookahead;
    for &(_, i) in queue.iter().take(churn) {
        node.records[i].validator.activation_epoch = at;
        node.events.push(SimEvent::ActivationScheduled {
            index: i as u64,
            epoch: at,
        });
    }
}

fn correlation_penalties(node: &mut SimNode, epoch: u64) {
    let half = node.config.epochs_per_slashings_vector / 2;
    let due: Vec<usize> = node
        .records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.validator.slashed && r.validator.withdrawable_epoch == epoch + half)
        .map(|(i, _)| i)
        .collect();
    if due.is_empty() {
        return;
    }
    let total_active: u64 = node
        .records
        .iter()
        .filter(|r| is_active(&r.validator, epoch))
        .map(|r| r.validator.effective_balance)
        .sum::<u64>()
        .max(EFFECTIVE_BALANCE_INCREMENT);
    let slashed: u64 = node.slashings.iter().sum();
    let adjusted =
        (slashed.saturating_mul(node.config.proportional_slashing_multiplier)).min(total_active);
    for i in due {
        let increments = node.records[i].validator.effective_balance / EFFECTIVE_BALANCE_INCREMENT;
        let penalty = (u128::from(increments) * u128::from(adjusted) / u128::from(total_active))
            as u64
            * EFFECTIVE_BALANCE_INCREMENT;
        node.balances[i] = node.balances[i].saturating_sub(penalty);
        node.events.push(SimEvent::CorrelationPenalty {
            index: i as u64,
            penalty,
        });
    }
}

fn effective_balances(node: &mut SimNode) {
    const HYSTERESIS: u64 = EFFECTIVE_BALANCE_INCREMENT / 4;
    for (r, &balance) in node.records.iter_mut().zip(&node.balances) {
        let v = &mut r.validator;
        if balance + HYSTERESIS < v.effective_balance
            || v.effective_balance + 5 * HYSTERESIS < balance
        {
            v.effective_balance =
                (balance - balance % EFFECTIVE_BALANCE_INCREMENT).min(MAX_EFFECTIVE_BALANCE);
        }
    }
}

fn scenario_slashings(node: &mut SimNode, epoch: u64) {
    let indices: Vec<u64> = node
        .scenario
        .slashing
        .iter()
        .filter(|s| s.epoch == epoch)
        .flat_map(|s| s.validators.iter().copied())
        .collect();
    for index in indices {
        let Some(r) = node.records.get(index as usize) else {
            continue;
        };
        if r.validator.slashed || !is_active(&r.validator, epoch) {
            continue;
        }
        node.initiate_exit(index);
        let vector = node.config.epochs_per_slashings_vector;
        let i = index as usize;
        let v = &mut node.records[i].validator;
        v.slashed = true;
        v.withdrawable_epoch = v.withdrawable_epoch.max(epoch + vector);
        let effective = v.effective_balance;
        node.slashings[(epoch % vector) as usize] += effective;
        let penalty = effective / node.config.min_slashing_penalty_quotient.max(1);
        node.balances[i] = node.balances[i].saturating_sub(penalty);
        node.events.push(SimEvent::Slashed {
            index,
            epoch,
            penalty,
        });
    }
}

fn withdrawals(node: &mut SimNode, epoch: u64) {
    let n = node.records.len() as u64;
    if n == 0 {
        return;
    }
    let max = node.config.max_withdrawals_per_slot * node.config.slots_per_epoch;
    let mut made = 0;
    let mut i = node.next_withdrawal_validator % n;
    for _ in 0..n {
        if made == max {
            break;
        }
        let idx = i as usize;
        let v = &node.records[idx].validator;
        let balance = node.balances[idx];
        if let Some(address) = v.withdrawal_address() {
            let amount = if v.withdrawable_epoch <= epoch && balance > 0 {
                balance
            } else if v.effective_balance == MAX_EFFECTIVE_BALANCE
                && balance > MAX_EFFECTIVE_BALANCE
            {
                balance - MAX_EFFECTIVE_BALANCE
            } else {
                0
            };
            if amount > 0 {
                node.balances[idx] -= amount;
                let w = Withdrawal {
                    withdrawal_index: node.next_withdrawal_index,
                    index: i,
                    address,
                    amount,
                    slot: node.slot,
                };
                node.next_withdrawal_index += 1;
                node.pending_withdrawals.push(w);
                node.withdrawal_history.push(w);
                node.events.push(SimEvent::Withdrawal {
                    withdrawal_index: w.withdrawal_index,
                    index: i,
                    address,
                    amount,
                });
                made += 1;
            }
        }
        i = (i + 1) % n;
    }
    node.next_withdrawal_validator = i;
}
