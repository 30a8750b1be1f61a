//! From what a guardian reads on the beacon chain and the execution layer to the report's inputs
//! ([`SpurtInputs`]), by rules that give every honest guardian the same answer whenever it looks, so the quorum
//! forms (`docs/guardian.md`, "What a report says").
//!
//! A spurt covers the execution-layer time `[start, end)` (`PufferPool`'s spurt clock) and the beacon slots
//! `[slot_at(start), slot_at(end))` ([`SpurtWindow`]). Everything a report counts is fixed once the beacon
//! chain has finalized the window's last slot and only depends on immutable facts:
//!
//! - **withdrawals** paid in the window's slots (the beacon chain's history);
//! - **epochs** in the validator records (activation, exit and withdrawable epochs never change once set);
//! - **AVS fees**: the strategies' `FeesReceived` events in blocks whose timestamp falls in `[start, end)`;
//! - **what the chain already knows**: whether an earlier report activated a validator.
//!
//! The per-validator rules:
//!
//! - a validator counts once it is active at the window's last epoch; one whose full withdrawal was paid before
//!   the window was reported already and is left out;
//! - **partial withdrawals** (slots before its withdrawable epoch) are the NoOp's consensus rewards;
//! - a **full withdrawal** in the window (a withdrawal at or after its withdrawable epoch) makes it an exit:
//!   everything withdrawn in the window returns to the pools and its NoOp gets no rewards for it, as in the
//!   simulator. Exit reason (the ejection rule's order): AVS slashing when its strategy is marked slashed, else
//!   below the ejection balance when less than it came back, else commitment expired when it had by this
//!   spurt, else voluntary;
//! - otherwise it is in the reserves with its **effective balance** (moves only by the spec's hysteresis); when
//!   it has been fully withdrawn since the window (a guardian catching up on old spurts reads head state), with
//!   what that full withdrawal paid, capped at 32 ETH and rounded down to whole ETH as an effective balance is,
//!   because its effective balance at head is 0 by then.

use std::collections::BTreeMap;

use alloy::primitives::{Address, U256};
use puffer_beacon::sim::Withdrawal;
use puffer_chain::report::ExitReason;

use crate::report::{SpurtInputs, StrategyInput, ValidatorInput};

/// Wei per Gwei.
const WEI_PER_GWEI: u64 = 1_000_000_000;
/// `MAX_EFFECTIVE_BALANCE` (pre-Electra), Gwei.
const MAX_EFFECTIVE_BALANCE_GWEI: u64 = 32_000_000_000;
/// `EFFECTIVE_BALANCE_INCREMENT`, Gwei.
const EFFECTIVE_BALANCE_INCREMENT_GWEI: u64 = 1_000_000_000;

/// A spurt's time on both layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpurtWindow {
    /// The spurt.
    pub spurt: u64,
    /// Its first second (execution-layer time).
    pub start: u64,
    /// The first second after it.
    pub end: u64,
    /// The beacon slot at `start`.
    pub from_slot: u64,
    /// The beacon slot at `end` (first slot not in the window).
    pub to_slot: u64,
}

impl SpurtWindow {
    /// The window of `spurt`, from the pool's clock as read now (`current` spurt ending at `current_end`,
    /// `length` seconds per spurt) and the beacon chain's genesis time and slot length. Spurts before the
    /// current one are counted back at the current length (a length change moves the anchor to the next
    /// spurt, so this holds for every spurt since the last change). `None` for a spurt that has not started.
    pub fn new(
        spurt: u64,
        current: u64,
        current_end: u64,
        length: u64,
        genesis_time: u64,
        seconds_per_slot: u64,
    ) -> Option<Self> {
        let back = current.checked_sub(spurt)?;
        let end = current_end.checked_sub(back.checked_mul(length)?)?;
        let start = end.saturating_sub(length);
        let slot_at = |t: u64| t.saturating_sub(genesis_time) / seconds_per_slot.max(1);
        Some(Self {
            spurt,
            start,
            end,
            from_slot: slot_at(start),
            to_slot: slot_at(end),
        })
    }

    /// The epoch of the window's end state (the epoch of `to_slot`).
    pub fn end_epoch(&self, slots_per_epoch: u64) -> u64 {
        self.to_slot / slots_per_epoch.max(1)
    }
}

/// One of Puffer's validators as observed: the chain's facts and its beacon record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedValidator {
    /// The protocol's id.
    pub validator_id: U256,
    /// Its strategy's index in report order.
    pub strategy_index: usize,
    /// The NoOp.
    pub owner: Address,
    /// Its beacon index.
    pub index: u64,
    /// Beacon activation epoch (`FAR_FUTURE_EPOCH` while pending).
    pub activation_epoch: u64,
    /// Beacon withdrawable epoch (`FAR_FUTURE_EPOCH` while not exiting).
    pub withdrawable_epoch: u64,
    /// Beacon effective balance, Gwei.
    pub effective_balance_gwei: u64,
    /// An earlier spurt's report activated it (`SpurtReporter.activationSpurt` with a spurt before this one).
    pub activation_reported_before: bool,
    /// Its smoothing commitment has run out by this spurt.
    pub commitment_expired: bool,
    /// Its strategy is marked slashed (`PufferProtocol.strategy(name).slashed`).
    pub strategy_slashed: bool,
}

/// Everything [`spurt_inputs`] needs.
#[derive(Debug, Clone)]
pub struct Observation {
    /// The window.
    pub window: SpurtWindow,
    /// Beacon slots per epoch.
    pub slots_per_epoch: u64,
    /// The ejection balance, Gwei (an exit that returned less was a balance ejection).
    pub ejection_balance_gwei: u64,
    /// Validators active on Ethereum at the window's end epoch.
    pub ethereum_validators: u64,
    /// Strategies in report order, with the AVS fees received in the window.
    pub strategies: Vec<StrategyInput>,
    /// Puffer's validators that have a beacon index.
    pub validators: Vec<ObservedValidator>,
    /// Withdrawals to those validators: every one in the window, and every one at or after a validator's
    /// withdrawable epoch (its full withdrawal, before, in or after the window). Others are ignored.
    pub withdrawals: Vec<Withdrawal>,
}

/// The first slot of `epoch` (saturating: `FAR_FUTURE_EPOCH` maps to `u64::MAX`).
fn first_slot(epoch: u64, slots_per_epoch: u64) -> u64 {
    epoch.saturating_mul(slots_per_epoch.max(1))
}

/// Whether a beacon validator with these epochs is active at `epoch` (for `ethereum_validators`).
pub fn active_at(activation_epoch: u64, exit_epoch: u64, epoch: u64) -> bool {
    activation_epoch <= epoch && epoch < exit_epoch
}

/// The report inputs for `obs` (pure; the order of validators and withdrawals does not matter).
pub fn spurt_inputs(obs: &Observation) -> SpurtInputs {
    let w = &obs.window;
    let end_epoch = w.end_epoch(obs.slots_per_epoch);
    let gwei = U256::from(WEI_PER_GWEI);
    let mut by_index: BTreeMap<u64, Vec<&Withdrawal>> = BTreeMap::new();
    for wd in &obs.withdrawals {
        by_index.entry(wd.index).or_default().push(wd);
    }
    let mut validators = Vec::new();
    for v in &obs.validators {
        if v.activation_epoch > end_epoch {
            continue; // not active by the window's end: nothing to report yet
        }
        let withdrawable = first_slot(v.withdrawable_epoch, obs.slots_per_epoch);
        let mine = by_index
            .get(&v.index)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if mine
            .iter()
            .any(|wd| wd.slot >= withdrawable && wd.slot < w.from_slot)
        {
            continue; // fully withdrawn before this window: an earlier report had its exit
        }
        let in_window = mine
            .iter()
            .filter(|wd| wd.slot >= w.from_slot && wd.slot < w.to_slot);
        let (mut partial, mut full, mut exited) = (0u64, 0u64, false);
        for wd in in_window {
            if wd.slot >= withdrawable {
                exited = true;
                full = full.saturating_add(wd.amount);
            } else {
                partial = partial.saturating_add(wd.amount);
            }
        }
        let exit = exited.then(|| {
            let returned_gwei = partial.saturating_add(full);
            let reason = if v.strategy_slashed {
                ExitReason::AvsSlashing
            } else if returned_gwei < obs.ejection_balance_gwei {
                ExitReason::BalanceBelowEjection
            } else if v.commitment_expired {
                ExitReason::CommitmentExpired
            } else {
                ExitReason::Voluntary
            };
            (U256::from(returned_gwei) * gwei, reason)
        });
        let withdrawn_since: u64 = mine
            .iter()
            .filter(|wd| wd.slot >= w.to_slot && wd.slot >= withdrawable)
            .map(|wd| wd.amount)
            .sum();
        let balance_gwei = if exited {
            0
        } else if withdrawn_since > 0 {
            let capped = withdrawn_since.min(MAX_EFFECTIVE_BALANCE_GWEI);
            capped - capped % EFFECTIVE_BALANCE_INCREMENT_GWEI
        } else {
            v.effective_balance_gwei
        };
        validators.push(ValidatorInput {
            validator_id: v.validator_id,
            strategy_index: v.strategy_index,
            owner: v.owner,
            active: !exited,
            balance_gwei,
            rewards_wei: if exited {
                U256::ZERO
            } else {
                U256::from(partial) * gwei
            },
            activated: !v.activation_reported_before,
            exit,
        });
    }
    SpurtInputs {
        spurt: w.spurt,
        ethereum_validators: obs.ethereum_validators,
        strategies: obs.strategies.clone(),
        validators,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FAR: u64 = u64::MAX;
    const SPE: u64 = 4;

    fn window(spurt: u64, from_slot: u64, to_slot: u64) -> SpurtWindow {
        SpurtWindow {
            spurt,
            start: 0,
            end: 0,
            from_slot,
            to_slot,
        }
    }

    fn validator(id: u64, index: u64) -> ObservedValidator {
        ObservedValidator {
            validator_id: U256::from(id),
            strategy_index: 0,
            owner: Address::repeat_byte(0xaa),
            index,
            activation_epoch: 1,
            withdrawable_epoch: FAR,
            effective_balance_gwei: 32_000_000_000,
            activation_reported_before: false,
            commitment_expired: false,
            strategy_slashed: false,
        }
    }

    fn wd(n: u64, index: u64, slot: u64, amount: u64) -> Withdrawal {
        Withdrawal {
            withdrawal_index: n,
            index,
            address: Address::repeat_byte(0x01),
            amount,
            slot,
        }
    }

    fn observation(
        w: SpurtWindow,
        validators: Vec<ObservedValidator>,
        withdrawals: Vec<Withdrawal>,
    ) -> Observation {
        Observation {
            window: w,
            slots_per_epoch: SPE,
            ejection_balance_gwei: 31_000_000_000,
            ethereum_validators: 10,
            strategies: vec![StrategyInput {
                address: Address::repeat_byte(0x51),
                restaking: false,
                commission_bps: 0,
                avs_revenue_wei: U256::ZERO,
            }],
            validators,
            withdrawals,
        }
    }

    #[test]
    fn window_counts_back_from_the_current_spurt() {
        // Spurt 3 ends at 10_000 + 4 * 100; genesis at 10_050, 10-second slots.
        let w = SpurtWindow::new(1, 3, 10_400, 100, 10_050, 10).unwrap();
        assert_eq!((w.start, w.end), (10_100, 10_200));
        assert_eq!((w.from_slot, w.to_slot), (5, 15));
        // Before genesis clamps to slot 0; a future spurt has no window.
        let w0 = SpurtWindow::new(0, 3, 10_400, 100, 10_050, 10).unwrap();
        assert_eq!((w0.from_slot, w0.to_slot), (0, 5));
        assert!(SpurtWindow::new(4, 3, 10_400, 100, 10_050, 10).is_none());
    }

    #[test]
    fn partial_withdrawals_are_rewards_and_a_full_one_is_an_exit() {
        let mut exiting = validator(2, 1);
        exiting.withdrawable_epoch = 5; // first withdrawable slot 20
        let obs = observation(
            window(0, 8, 40),
            vec![validator(1, 0), exiting],
            vec![
                wd(0, 0, 4, 999),             // before the window: not this spurt's
                wd(1, 0, 8, 100),             // partial
                wd(2, 1, 8, 50),              // partial of the exiting one: returns to the pools
                wd(3, 0, 36, 200),            // partial
                wd(4, 1, 24, 30_000_000_000), // full: below 31 ETH came back
                wd(5, 0, 40, 7),              // after the window
            ],
        );
        let inputs = spurt_inputs(&obs);
        let v0 = &inputs.validators[0];
        assert_eq!(
            v0.rewards_wei,
            U256::from(300u64) * U256::from(WEI_PER_GWEI)
        );
        assert!(v0.active && v0.exit.is_none() && v0.activated);
        assert_eq!(v0.balance_gwei, 32_000_000_000);
        let v1 = &inputs.validators[1];
        assert!(!v1.active && v1.rewards_wei.is_zero() && v1.balance_gwei == 0);
        assert_eq!(
            v1.exit,
            Some((
                U256::from(30_000_000_050u64) * U256::from(WEI_PER_GWEI),
                ExitReason::BalanceBelowEjection
            ))
        );
    }

    #[test]
    fn exit_reasons_follow_what_came_back_and_the_commitment() {
        let mut v = validator(1, 0);
        v.withdrawable_epoch = 2;
        let full = |amount| vec![wd(0, 0, 12, amount)];
        let reason = |v: &ObservedValidator, amount| {
            spurt_inputs(&observation(
                window(0, 0, 40),
                vec![v.clone()],
                full(amount),
            ))
            .validators[0]
                .exit
                .unwrap()
                .1
        };
        assert_eq!(reason(&v, 32_000_000_000), ExitReason::Voluntary);
        assert_eq!(reason(&v, 30_999_999_999), ExitReason::BalanceBelowEjection);
        v.commitment_expired = true;
        assert_eq!(reason(&v, 32_000_000_000), ExitReason::CommitmentExpired);
        v.strategy_slashed = true;
        assert_eq!(reason(&v, 30_000_000_000), ExitReason::AvsSlashing);
    }

    /// A guardian catching up reads head state: a validator active at the window's end that has exited since
    /// has effective balance 0 at head; its later full withdrawal tells what it had instead.
    #[test]
    fn a_validator_exited_since_the_window_counts_what_its_full_withdrawal_paid() {
        let mut since = validator(1, 0);
        since.withdrawable_epoch = 20; // first withdrawable slot 80, after the window
        since.effective_balance_gwei = 0;
        let mut penalized = validator(2, 1);
        penalized.withdrawable_epoch = 20;
        penalized.effective_balance_gwei = 0;
        let obs = observation(
            window(0, 0, 40),
            vec![since, penalized, validator(3, 2)],
            vec![
                wd(0, 0, 44, 5),              // a partial after the window: not this spurt's
                wd(1, 0, 80, 32_000_700_000), // its full withdrawal, later
                wd(2, 1, 80, 30_600_000_000),
            ],
        );
        let inputs = spurt_inputs(&obs);
        let balances: Vec<u64> = inputs.validators.iter().map(|v| v.balance_gwei).collect();
        assert_eq!(
            balances,
            vec![32_000_000_000, 30_000_000_000, 32_000_000_000]
        );
        assert!(
            inputs
                .validators
                .iter()
                .all(|v| v.active && v.exit.is_none())
        );
        assert!(inputs.validators.iter().all(|v| v.rewards_wei.is_zero()));
    }

    #[test]
    fn pending_and_already_exited_validators_are_left_out() {
        let mut pending = validator(1, 0);
        pending.activation_epoch = 11; // window ends at epoch 10
        let mut gone = validator(2, 1);
        gone.withdrawable_epoch = 1;
        let mut reported = validator(3, 2);
        reported.activation_reported_before = true;
        let obs = observation(
            window(1, 20, 40),
            vec![pending, gone, reported],
            vec![wd(0, 1, 8, 32_000_000_000)],
        );
        let inputs = spurt_inputs(&obs);
        assert_eq!(inputs.validators.len(), 1);
        assert_eq!(inputs.validators[0].validator_id, U256::from(3u64));
        assert!(!inputs.validators[0].activated);
    }

    proptest! {
        /// Splitting time into adjacent windows never loses or double-counts a withdrawal: every validator's
        /// rewards plus returns over the windows equal what it withdrew, and its exit is reported exactly once.
        #[test]
        fn adjacent_windows_count_every_withdrawal_once(
            amounts in proptest::collection::vec((0u64..3, 0u64..60, 1u64..1_000_000), 0..40),
            cuts in proptest::collection::btree_set(1u64..60, 0..5),
            withdrawable in proptest::collection::vec(1u64..20, 3),
            shuffle in any::<u64>(),
        ) {
            let validators: Vec<ObservedValidator> = (0..3u64)
                .map(|i| {
                    let mut v = validator(i, i);
                    v.activation_epoch = 0;
                    v.withdrawable_epoch = withdrawable[i as usize];
                    v
                })
                .collect();
            // Nothing after a validator's full withdrawal (its balance is zero then).
            let mut withdrawals: Vec<Withdrawal> = Vec::new();
            let mut done = [false; 3];
            let mut sorted = amounts.clone();
            sorted.sort_by_key(|a| a.1);
            for (n, (index, slot, amount)) in sorted.into_iter().enumerate() {
                let i = index as usize;
                if done[i] {
                    continue;
                }
                done[i] = slot >= withdrawable[i] * SPE;
                withdrawals.push(wd(n as u64, index, slot, amount));
            }
            let total: u64 = withdrawals.iter().map(|w| w.amount).sum();
            let mut bounds = vec![0u64];
            bounds.extend(cuts.iter().copied());
            bounds.push(60);
            let (mut counted, mut exits) = (U256::ZERO, 0usize);
            for (k, pair) in bounds.windows(2).enumerate() {
                let mut ws = withdrawals.clone();
                let len = ws.len();
                if len > 1 {
                    ws.rotate_left((shuffle % len as u64) as usize);
                }
                let inputs = spurt_inputs(&observation(window(k as u64, pair[0], pair[1]), validators.clone(), ws));
                for v in &inputs.validators {
                    counted += v.rewards_wei + v.exit.map_or(U256::ZERO, |e| e.0);
                    exits += usize::from(v.exit.is_some());
                }
            }
            prop_assert_eq!(counted, U256::from(total) * U256::from(WEI_PER_GWEI));
            prop_assert_eq!(exits, done.iter().filter(|d| **d).count());
        }
    }
}
