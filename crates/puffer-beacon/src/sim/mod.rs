//! [`SimNode`]: a deterministic simulated beacon chain.
//!
//! The state is a validator registry and balances; time moves by slots ([`SimNode::advance_to_slot`]), and
//! each epoch boundary runs [`epoch`] processing (rewards, activations, slashings, effective balances,
//! withdrawals). Deposits come from the execution layer's `DepositEvent`s ([`follow`]) or directly
//! ([`SimNode::deposit`]); exits through [`SimNode::submit_voluntary_exit`]. Every random draw comes from a
//! ChaCha8 generator seeded with [`SimConfig::seed`], so equal seeds and inputs give equal histories.

mod config;
pub mod epoch;
pub mod follow;
mod shared;

use std::collections::{BTreeMap, HashMap};

use alloy::primitives::{Address, B256};
use puffer_keys::bls::{PublicKey, Signature};
use puffer_keys::deposit::DepositData;
use puffer_keys::exit::SignedVoluntaryExit;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::{debug, info, warn};

pub use config::{OfflineSpell, Performance, Scenario, SimConfig, SlashingEvent};
pub use shared::SharedNode;

use crate::error::{BeaconError, Result};
use crate::node::{BlockId, StateId, ValidatorId};
use crate::types::{
    Balance, BeaconBlock, BeaconBlockHeader, BlockBody, BlockResponse, Checkpoint,
    ExecutionPayload, ExecutionWithdrawal, FAR_FUTURE_EPOCH, FinalityCheckpoints, Fork, Genesis,
    HeaderData, PubkeyBytes, SignedBlock, SignedHeader, Spec, Validator, ValidatorData,
    ValidatorStatus,
};

/// `MAX_EFFECTIVE_BALANCE`: 32 ETH in Gwei.
pub const MAX_EFFECTIVE_BALANCE: u64 = 32_000_000_000;
/// `EFFECTIVE_BALANCE_INCREMENT`: 1 ETH in Gwei.
pub const EFFECTIVE_BALANCE_INCREMENT: u64 = 1_000_000_000;
/// Parts per million, the unit of performance factors.
const PPM: u64 = 1_000_000;

/// Something that happened on the simulated chain, in order: the node's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SimEvent {
    /// A deposit created a validator.
    Deposit {
        /// Slot it was applied in.
        slot: u64,
        /// New index.
        index: u64,
        /// Gwei.
        amount: u64,
    },
    /// A deposit topped up an existing validator (no signature check).
    TopUp {
        /// Slot it was applied in.
        slot: u64,
        /// Index topped up.
        index: u64,
        /// Gwei.
        amount: u64,
    },
    /// A deposit for a new key with an invalid signature (or malformed fields): no validator.
    DepositRejected {
        /// Slot it was seen in.
        slot: u64,
        /// The pubkey bytes, hex.
        pubkey: String,
        /// Gwei that are now lost.
        amount: u64,
    },
    /// A validator was scheduled for activation.
    ActivationScheduled {
        /// Index.
        index: u64,
        /// Activation epoch.
        epoch: u64,
    },
    /// A validator's exit was scheduled.
    ExitScheduled {
        /// Index.
        index: u64,
        /// Exit epoch.
        exit_epoch: u64,
        /// Withdrawable epoch.
        withdrawable_epoch: u64,
    },
    /// A validator was slashed.
    Slashed {
        /// Index.
        index: u64,
        /// Epoch.
        epoch: u64,
        /// Initial penalty, Gwei.
        penalty: u64,
    },
    /// The correlation penalty of a slashed validator.
    CorrelationPenalty {
        /// Index.
        index: u64,
        /// Gwei.
        penalty: u64,
    },
    /// A withdrawal (partial or full) to the execution layer.
    Withdrawal {
        /// Withdrawal counter.
        withdrawal_index: u64,
        /// Validator index.
        index: u64,
        /// Recipient.
        address: Address,
        /// Gwei.
        amount: u64,
    },
    /// A developer lowered a validator's balance ([`SimNode::penalize`]).
    Penalty {
        /// Slot it was applied in.
        slot: u64,
        /// Index.
        index: u64,
        /// Gwei taken (less than asked when the balance ran out).
        amount: u64,
        /// The balance after it, Gwei.
        balance: u64,
    },
    /// An epoch was processed.
    Epoch {
        /// The epoch that ended.
        epoch: u64,
        /// Sum of balances after processing, Gwei.
        total_balance: u64,
        /// Active validators during it.
        active: u64,
    },
}

/// A withdrawal the beacon chain paid to the execution layer.
///
/// Its JSON is the Beacon API's withdrawal object plus the slot, integers as decimal strings:
/// `{"index","validator_index","address","amount","slot"}` (`index` is the withdrawal counter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// Withdrawal counter (`index` in the API).
    #[serde(rename = "index", with = "crate::types::quoted_u64")]
    pub withdrawal_index: u64,
    /// Validator index (`validator_index` in the API).
    #[serde(rename = "validator_index", with = "crate::types::quoted_u64")]
    pub index: u64,
    /// Recipient.
    pub address: Address,
    /// Gwei.
    #[serde(with = "crate::types::quoted_u64")]
    pub amount: u64,
    /// Slot of the block that paid it (the sweep runs at epoch boundaries: the epoch's first slot).
    #[serde(with = "crate::types::quoted_u64")]
    pub slot: u64,
}

/// The registry entry, with the simulator's hidden per-validator data.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    validator: Validator,
    /// Performance factor in parts per million.
    performance_ppm: u64,
}

/// The outcome of [`SimNode::deposit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositOutcome {
    /// A new validator with this index.
    Created(u64),
    /// An existing validator's balance grew.
    ToppedUp(u64),
    /// A new key with a bad signature or malformed fields: ignored, the ETH is lost.
    Rejected,
}

/// A simulated beacon chain. See the [module docs](self).
#[derive(Debug)]
pub struct SimNode {
    config: SimConfig,
    scenario: Scenario,
    rng: ChaCha8Rng,
    slot: u64,
    records: Vec<Record>,
    balances: Vec<u64>,
    by_pubkey: HashMap<PubkeyBytes, u64>,
    /// Exit epoch → validators exiting then (the exit queue).
    exit_counts: BTreeMap<u64, u64>,
    /// `slashings[epoch % EPOCHS_PER_SLASHINGS_VECTOR]`: effective balance slashed in that epoch.
    slashings: Vec<u64>,
    next_withdrawal_index: u64,
    next_withdrawal_validator: u64,
    pending_withdrawals: Vec<Withdrawal>,
    /// Every withdrawal made, in `withdrawal_index` (hence slot) order.
    withdrawal_history: Vec<Withdrawal>,
    /// Seconds added to the wall clock by [`SimNode::advance_clock`].
    clock_offset: u64,
    events: Vec<SimEvent>,
    /// Last execution-layer block whose deposits were ingested.
    pub(crate) last_el_block: Option<u64>,
    /// Validators active in the current epoch (the set changes only at epoch boundaries and with genesis
    /// validators), so the churn limit costs nothing per exit.
    pub(crate) active_now: u64,
}

impl SimNode {
    /// A chain at slot 0 with no validators.
    ///
    /// # Errors
    /// [`BeaconError::Scenario`] when the scenario is inconsistent or `slots_per_epoch` is zero.
    pub fn new(config: SimConfig, scenario: Scenario) -> Result<Self> {
        scenario.check()?;
        if config.slots_per_epoch == 0 || config.epochs_per_slashings_vector < 2 {
            return Err(BeaconError::Scenario(
                "slots_per_epoch must be > 0 and epochs_per_slashings_vector >= 2".into(),
            ));
        }
        let vector = usize::try_from(config.epochs_per_slashings_vector)
            .map_err(|_| BeaconError::Scenario("epochs_per_slashings_vector too large".into()))?;
        Ok(Self {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            config,
            scenario,
            slot: 0,
            records: Vec::new(),
            balances: Vec::new(),
            by_pubkey: HashMap::new(),
            exit_counts: BTreeMap::new(),
            slashings: vec![0; vector],
            next_withdrawal_index: 0,
            next_withdrawal_validator: 0,
            pending_withdrawals: Vec::new(),
            withdrawal_history: Vec::new(),
            clock_offset: 0,
            events: Vec::new(),
            last_el_block: None,
            active_now: 0,
        })
    }

    /// The parameters.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The current slot.
    pub fn slot(&self) -> u64 {
        self.slot
    }

    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.slot / self.config.slots_per_epoch
    }

    /// Number of validators in the registry.
    pub fn validator_count(&self) -> usize {
        self.records.len()
    }

    /// Everything that happened so far, in order.
    pub fn events(&self) -> &[SimEvent] {
        &self.events
    }

    /// Withdrawals made since the last call, to credit on the execution layer
    /// ([`pay_withdrawals`](Self::pay_withdrawals) does both).
    pub fn take_withdrawals(&mut self) -> Vec<Withdrawal> {
        std::mem::take(&mut self.pending_withdrawals)
    }

    /// Credits every pending withdrawal through `credit`, with one `credit(address, total)` per distinct
    /// address (in the order addresses first appear; a 7-day clock jump makes tens of thousands of small
    /// withdrawals to a few addresses). On error, the withdrawals of the address that failed and of the
    /// addresses after it stay pending, in their order; those already credited do not.
    ///
    /// # Errors
    /// The execution layer's.
    pub fn pay_withdrawals(&mut self, credit: &mut dyn crate::ExecutionCredit) -> Result<()> {
        let pending = self.take_withdrawals();
        // (address, total Gwei) in first-seen order, and each withdrawal's group.
        let mut groups: Vec<(Address, u64)> = Vec::new();
        let mut open: HashMap<Address, usize> = HashMap::new();
        let mut group_of = Vec::with_capacity(pending.len());
        for w in &pending {
            let g = match open.get(&w.address) {
                Some(&g) if groups[g].1.checked_add(w.amount).is_some() => g,
                // A new address, or a sum past u64 (not on any real chain): a new group.
                _ => {
                    groups.push((w.address, 0));
                    open.insert(w.address, groups.len() - 1);
                    groups.len() - 1
                }
            };
            groups[g].1 += w.amount;
            group_of.push(g);
        }
        for (g, &(address, total)) in groups.iter().enumerate() {
            if let Err(e) = credit.credit(address, total) {
                let unpaid = pending
                    .iter()
                    .zip(&group_of)
                    .filter(|&(_, &wg)| wg >= g)
                    .map(|(w, _)| *w);
                self.pending_withdrawals.splice(0..0, unpaid);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Every withdrawal paid in slots `from_slot..to_slot` (half-open) to the validators in `indices` (all
    /// when empty), in ascending `withdrawal_index` order. Slots after the head have none; an empty or
    /// reversed range gives nothing.
    pub fn withdrawals(&self, from_slot: u64, to_slot: u64, indices: &[u64]) -> Vec<Withdrawal> {
        let h = &self.withdrawal_history;
        let start = h.partition_point(|w| w.slot < from_slot);
        let end = h.partition_point(|w| w.slot < to_slot).max(start);
        let mut wanted = indices.to_vec();
        wanted.sort_unstable();
        h[start..end]
            .iter()
            .filter(|w| wanted.is_empty() || wanted.binary_search(&w.index).is_ok())
            .copied()
            .collect()
    }

    /// The slot at unix time `now` plus the [clock offset](Self::clock_offset) (slot 0 before genesis):
    /// `(now + offset - genesis_time) / seconds_per_slot`.
    pub fn slot_at(&self, now: u64) -> u64 {
        now.saturating_add(self.clock_offset)
            .saturating_sub(self.config.genesis_time)
            / self.config.seconds_per_slot.max(1)
    }

    /// Moves the simulated wall clock `seconds` forward: [`slot_at`](Self::slot_at) adds the total. Nothing is
    /// processed until the clock is followed ([`advance_to_slot`](Self::advance_to_slot)`(slot_at(now))`);
    /// the genesis time does not change. This is how a devnet keeps the beacon clock with an execution-layer
    /// clock moved by `evm_increaseTime`.
    pub fn advance_clock(&mut self, seconds: u64) {
        self.clock_offset = self.clock_offset.saturating_add(seconds);
        info!(seconds, offset = self.clock_offset, "beacon clock advanced");
    }

    /// Seconds [`advance_clock`](Self::advance_clock) added in total.
    pub fn clock_offset(&self) -> u64 {
        self.clock_offset
    }

    /// Lowers validator `index`'s balance by `gwei` (to 0 at most), as missed duties or an inactivity leak
    /// would; the effective balance follows at the next epoch boundary by the hysteresis rule. A devnet lever
    /// to push a validator below the 31 ETH ejection balance. Records [`SimEvent::Penalty`].
    ///
    /// # Errors
    /// [`BeaconError::ValidatorNotFound`] naming the index when there is no such validator.
    pub fn penalize(&mut self, index: u64, gwei: u64) -> Result<()> {
        let balance = usize::try_from(index)
            .ok()
            .and_then(|i| self.balances.get_mut(i))
            .ok_or_else(|| BeaconError::ValidatorNotFound(index.to_string()))?;
        let amount = gwei.min(*balance);
        *balance -= amount;
        let balance = *balance;
        info!(index, amount, balance, "validator penalized");
        self.events.push(SimEvent::Penalty {
            slot: self.slot,
            index,
            amount,
            balance,
        });
        Ok(())
    }

    /// Moves the clock forward to `slot`, processing every epoch boundary crossed. Earlier slots are a no-op.
    pub fn advance_to_slot(&mut self, slot: u64) {
        while self.slot < slot {
            self.slot += 1;
            if self.slot.is_multiple_of(self.config.slots_per_epoch) {
                epoch::process_epoch(self);
            }
        }
    }

    /// Moves the clock to the first slot of epoch `self.epoch() + n`.
    pub fn advance_epochs(&mut self, n: u64) {
        let target = (self.epoch() + n) * self.config.slots_per_epoch;
        self.advance_to_slot(target);
    }

    /// Adds a validator that is active from epoch 0 (a genesis validator), without a deposit signature. For
    /// the initial validator set of a devnet or benchmark.
    pub fn add_genesis_validator(
        &mut self,
        pubkey: PubkeyBytes,
        withdrawal_credentials: B256,
        balance: u64,
    ) -> u64 {
        let index = self.push_validator(pubkey, withdrawal_credentials, balance);
        let v = &mut self.records[index as usize].validator;
        if v.effective_balance == MAX_EFFECTIVE_BALANCE {
            v.activation_eligibility_epoch = 0;
            v.activation_epoch = 0;
            self.active_now += 1;
        }
        index
    }

    fn push_validator(&mut self, pubkey: PubkeyBytes, wc: B256, amount: u64) -> u64 {
        let index = self.records.len() as u64;
        let p = self.scenario.performance;
        let factor = if p.max > p.min {
            self.rng.gen_range(p.min..=p.max)
        } else {
            p.min
        };
        // The factor is within 0..=1 (checked), so the product fits.
        let performance_ppm = (factor * PPM as f64).round() as u64;
        self.records.push(Record {
            validator: Validator {
                pubkey,
                withdrawal_credentials: wc,
                effective_balance: (amount - amount % EFFECTIVE_BALANCE_INCREMENT)
                    .min(MAX_EFFECTIVE_BALANCE),
                slashed: false,
                activation_eligibility_epoch: FAR_FUTURE_EPOCH,
                activation_epoch: FAR_FUTURE_EPOCH,
                exit_epoch: FAR_FUTURE_EPOCH,
                withdrawable_epoch: FAR_FUTURE_EPOCH,
            },
            performance_ppm,
        });
        self.balances.push(amount);
        self.by_pubkey.insert(pubkey, index);
        index
    }

    /// Applies a deposit as the consensus spec's `apply_deposit` does: a top-up when the pubkey is known (no
    /// signature check, credentials unchanged: how deposit front-running works); otherwise a new validator
    /// only when the signature verifies for the deposit domain (genesis fork version, zero root), through
    /// `puffer_keys::deposit::DepositData::verify`.
    pub fn deposit(
        &mut self,
        pubkey: &[u8],
        withdrawal_credentials: &[u8],
        amount_gwei: u64,
        signature: &[u8],
    ) -> DepositOutcome {
        let slot = self.slot;
        if let Ok(key) = PubkeyBytes::try_from(pubkey)
            && let Some(&index) = self.by_pubkey.get(&key)
        {
            self.balances[index as usize] += amount_gwei;
            debug!(index, amount_gwei, "top-up");
            self.events.push(SimEvent::TopUp {
                slot,
                index,
                amount: amount_gwei,
            });
            return DepositOutcome::ToppedUp(index);
        }
        match verified_deposit(
            pubkey,
            withdrawal_credentials,
            amount_gwei,
            signature,
            self.config.network.genesis_fork_version,
        ) {
            Some(d) => {
                let index = self.push_validator(
                    PubkeyBytes::from(*d.pubkey.as_bytes()),
                    B256::from(d.withdrawal_credentials),
                    amount_gwei,
                );
                info!(index, amount_gwei, "deposit created validator");
                self.events.push(SimEvent::Deposit {
                    slot,
                    index,
                    amount: amount_gwei,
                });
                DepositOutcome::Created(index)
            }
            None => {
                warn!(
                    pubkey = hex::encode(pubkey),
                    "deposit rejected: bad signature or fields"
                );
                self.events.push(SimEvent::DepositRejected {
                    slot,
                    pubkey: hex::encode(pubkey),
                    amount: amount_gwei,
                });
                DepositOutcome::Rejected
            }
        }
    }

    /// Applies a signed deposit (see [`deposit`](Self::deposit)).
    pub fn apply_deposit_data(&mut self, d: &DepositData) -> DepositOutcome {
        self.deposit(
            d.pubkey.as_bytes(),
            &d.withdrawal_credentials,
            d.amount_gwei,
            d.signature.as_bytes(),
        )
    }

    /// Processes a voluntary exit as `process_voluntary_exit` does, with the EIP-7044 Capella domain and this
    /// chain's genesis validators root (`puffer_keys::exit::SignedVoluntaryExit::verify`).
    ///
    /// # Errors
    /// [`BeaconError::ExitRejected`] when the validator is unknown, not active, already exiting, not active for
    /// `shard_committee_period` epochs, the exit's epoch is in the future, or the signature is bad.
    pub fn submit_voluntary_exit(&mut self, exit: &SignedVoluntaryExit) -> Result<()> {
        let index = exit.message.validator_index;
        let epoch = self.epoch();
        let reject = |reason: String| BeaconError::ExitRejected { index, reason };
        let record = self
            .records
            .get(usize::try_from(index).unwrap_or(usize::MAX))
            .ok_or_else(|| reject("unknown validator".into()))?;
        let v = &record.validator;
        if !(v.activation_epoch <= epoch && epoch < v.exit_epoch) {
            return Err(reject(format!("validator is not active at epoch {epoch}")));
        }
        if v.exit_epoch != FAR_FUTURE_EPOCH {
            return Err(reject(format!(
                "validator is already exiting (exit epoch {})",
                v.exit_epoch
            )));
        }
        if epoch < exit.message.epoch {
            return Err(reject(format!(
                "exit epoch {} is after the current epoch {epoch}",
                exit.message.epoch
            )));
        }
        if epoch < v.activation_epoch + self.config.shard_committee_period {
            return Err(reject(format!(
                "validator has not been active long enough (activated at epoch {}, exits allowed from epoch {})",
                v.activation_epoch,
                v.activation_epoch + self.config.shard_committee_period
            )));
        }
        let pubkey = PublicKey::from_bytes(v.pubkey.as_slice(), "pubkey")
            .map_err(|e| reject(e.to_string()))?;
        exit.verify(&pubkey, &self.config.network)
            .map_err(|_| reject("invalid signature".into()))?;
        info!(index, epoch, "voluntary exit accepted");
        self.initiate_exit(index);
        Ok(())
    }

    /// `compute_activation_exit_epoch(epoch)`.
    fn activation_exit_epoch(&self, epoch: u64) -> u64 {
        epoch + 1 + self.config.max_seed_lookahead
    }

    /// `get_validator_churn_limit`: `max(MIN_PER_EPOCH_CHURN_LIMIT, active / CHURN_LIMIT_QUOTIENT)`.
    pub fn churn_limit(&self) -> u64 {
        self.churn_limit_for(self.active_now)
    }

    fn churn_limit_for(&self, active: u64) -> u64 {
        (active / self.config.churn_limit_quotient.max(1))
            .max(self.config.min_per_epoch_churn_limit)
    }

    /// `initiate_validator_exit`: the exit queue with churn.
    fn initiate_exit(&mut self, index: u64) {
        let i = index as usize;
        if self.records[i].validator.exit_epoch != FAR_FUTURE_EPOCH {
            return;
        }
        let epoch = self.epoch();
        let floor = self.activation_exit_epoch(epoch);
        let mut exit_epoch = self
            .exit_counts
            .last_key_value()
            .map_or(floor, |(&e, _)| e.max(floor));
        let churn = self.churn_limit();
        if self.exit_counts.get(&exit_epoch).copied().unwrap_or(0) >= churn {
            exit_epoch += 1;
        }
        *self.exit_counts.entry(exit_epoch).or_insert(0) += 1;
        let v = &mut self.records[i].validator;
        v.exit_epoch = exit_epoch;
        v.withdrawable_epoch = exit_epoch + self.config.min_validator_withdrawability_delay;
        self.events.push(SimEvent::ExitScheduled {
            index,
            exit_epoch,
            withdrawable_epoch: v.withdrawable_epoch,
        });
    }

    /// The validator's status at the current epoch (`get_validator_status` of the Beacon API).
    fn status(&self, index: usize) -> ValidatorStatus {
        let v = &self.records[index].validator;
        let epoch = self.epoch();
        if v.activation_epoch > epoch {
            if v.activation_eligibility_epoch == FAR_FUTURE_EPOCH {
                ValidatorStatus::PendingInitialized
            } else {
                ValidatorStatus::PendingQueued
            }
        } else if epoch < v.exit_epoch {
            if v.exit_epoch == FAR_FUTURE_EPOCH {
                ValidatorStatus::ActiveOngoing
            } else if v.slashed {
                ValidatorStatus::ActiveSlashed
            } else {
                ValidatorStatus::ActiveExiting
            }
        } else if epoch < v.withdrawable_epoch {
            if v.slashed {
                ValidatorStatus::ExitedSlashed
            } else {
                ValidatorStatus::ExitedUnslashed
            }
        } else if self.balances[index] != 0 {
            ValidatorStatus::WithdrawalPossible
        } else {
            ValidatorStatus::WithdrawalDone
        }
    }

    fn data(&self, index: usize) -> ValidatorData {
        ValidatorData {
            index: index as u64,
            balance: self.balances[index],
            status: self.status(index),
            validator: self.records[index].validator.clone(),
        }
    }

    /// Only the head state is kept: `head`, `finalized`, `justified`, the current slot and the head state
    /// root all read it; `genesis` reads it while the chain is at slot 0.
    fn check_state(&self, state: StateId) -> Result<()> {
        let ok = match state {
            StateId::Head | StateId::Finalized | StateId::Justified => true,
            StateId::Genesis => self.slot == 0,
            StateId::Slot(s) => s == self.slot,
            StateId::Root(r) => r == self.state_root(self.slot),
        };
        if ok {
            Ok(())
        } else {
            Err(BeaconError::StateNotFound(state.to_string()))
        }
    }

    fn resolve(&self, ids: &[ValidatorId]) -> Vec<usize> {
        if ids.is_empty() {
            return (0..self.records.len()).collect();
        }
        let mut out: Vec<usize> = ids
            .iter()
            .filter_map(|id| match id {
                ValidatorId::Index(i) => {
                    usize::try_from(*i).ok().filter(|&i| i < self.records.len())
                }
                ValidatorId::Pubkey(p) => self.by_pubkey.get(p).map(|&i| i as usize),
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// `genesis`.
    pub fn genesis(&self) -> Genesis {
        Genesis {
            genesis_time: self.config.genesis_time,
            genesis_validators_root: B256::from(self.config.network.genesis_validators_root),
            genesis_fork_version: self.config.network.genesis_fork_version.into(),
        }
    }

    /// `config/spec`, the subset.
    pub fn spec(&self) -> Spec {
        Spec {
            seconds_per_slot: self.config.seconds_per_slot,
            slots_per_epoch: self.config.slots_per_epoch,
            shard_committee_period: self.config.shard_committee_period,
            min_validator_withdrawability_delay: self.config.min_validator_withdrawability_delay,
            max_effective_balance: MAX_EFFECTIVE_BALANCE,
            min_per_epoch_churn_limit: self.config.min_per_epoch_churn_limit,
            churn_limit_quotient: self.config.churn_limit_quotient,
            genesis_fork_version: self.config.network.genesis_fork_version.into(),
            capella_fork_version: self.config.network.capella_fork_version.into(),
        }
    }

    /// `states/{state_id}/fork`: the chain runs Capella's fork version from genesis.
    ///
    /// # Errors
    /// [`BeaconError::StateNotFound`].
    pub fn fork(&self, state: StateId) -> Result<Fork> {
        self.check_state(state)?;
        Ok(Fork {
            previous_version: self.config.network.genesis_fork_version.into(),
            current_version: self.config.network.capella_fork_version.into(),
            epoch: 0,
        })
    }

    /// `states/{state_id}/validators`: known `ids` (all when empty) whose status matches one of `statuses`
    /// (status or group names; all when empty), by index.
    ///
    /// # Errors
    /// [`BeaconError::StateNotFound`]; [`BeaconError::BadRequest`] for an unknown status name.
    pub fn validators(
        &self,
        state: StateId,
        ids: &[ValidatorId],
        statuses: &[String],
    ) -> Result<Vec<ValidatorData>> {
        self.check_state(state)?;
        if let Some(bad) = statuses.iter().find(|s| !ValidatorStatus::is_filter(s)) {
            return Err(BeaconError::BadRequest(format!("unknown status {bad:?}")));
        }
        Ok(self
            .resolve(ids)
            .into_iter()
            .map(|i| self.data(i))
            .filter(|d| statuses.is_empty() || statuses.iter().any(|s| d.status.matches(s)))
            .collect())
    }

    /// `states/{state_id}/validators/{validator_id}`.
    ///
    /// # Errors
    /// [`BeaconError::StateNotFound`], [`BeaconError::ValidatorNotFound`].
    pub fn validator(&self, state: StateId, id: ValidatorId) -> Result<ValidatorData> {
        self.check_state(state)?;
        self.resolve(&[id])
            .first()
            .map(|&i| self.data(i))
            .ok_or_else(|| BeaconError::ValidatorNotFound(id.to_string()))
    }

    /// `states/{state_id}/validator_balances`.
    ///
    /// # Errors
    /// [`BeaconError::StateNotFound`].
    pub fn balances(&self, state: StateId, ids: &[ValidatorId]) -> Result<Vec<Balance>> {
        self.check_state(state)?;
        Ok(self
            .resolve(ids)
            .into_iter()
            .map(|i| Balance {
                index: i as u64,
                balance: self.balances[i],
            })
            .collect())
    }

    /// `states/{state_id}/finality_checkpoints`: the simulated chain justifies every epoch and finalizes two
    /// epochs behind the current one.
    ///
    /// # Errors
    /// [`BeaconError::StateNotFound`].
    pub fn finality_checkpoints(&self, state: StateId) -> Result<FinalityCheckpoints> {
        self.check_state(state)?;
        let epoch = self.epoch();
        let cp = |e: u64| Checkpoint {
            epoch: e,
            root: self.block_root(e * self.config.slots_per_epoch),
        };
        Ok(FinalityCheckpoints {
            previous_justified: cp(epoch.saturating_sub(2)),
            current_justified: cp(epoch.saturating_sub(1)),
            finalized: cp(epoch.saturating_sub(2)),
        })
    }

    /// `headers/{block_id}`: every slot up to the head has a block.
    ///
    /// # Errors
    /// [`BeaconError::BlockNotFound`] for future slots and unknown roots.
    pub fn header(&self, block: BlockId) -> Result<HeaderData> {
        let slot = match block {
            BlockId::Head => self.slot,
            BlockId::Genesis => 0,
            BlockId::Finalized => self.epoch().saturating_sub(2) * self.config.slots_per_epoch,
            BlockId::Slot(s) if s <= self.slot => s,
            BlockId::Root(r) => (0..=self.slot)
                .rev()
                .take(8192)
                .find(|&s| self.block_root(s) == r)
                .ok_or_else(|| BeaconError::BlockNotFound(block.to_string()))?,
            BlockId::Slot(_) => return Err(BeaconError::BlockNotFound(block.to_string())),
        };
        let n = self.records.len() as u64;
        let root = self.block_root(slot);
        let proposer_index = if n == 0 {
            0
        } else {
            u64::from_be_bytes(root[..8].try_into().unwrap_or_default()) % n
        };
        Ok(HeaderData {
            root,
            canonical: true,
            header: SignedHeader {
                message: BeaconBlockHeader {
                    slot,
                    proposer_index,
                    parent_root: if slot == 0 {
                        B256::ZERO
                    } else {
                        self.block_root(slot - 1)
                    },
                    state_root: self.state_root(slot),
                    body_root: self.tagged_root(b"body", slot),
                },
                signature: Default::default(),
            },
        })
    }

    /// `GET /eth/v2/beacon/blocks/{block_id}`: the header's slot, proposer and roots, and an execution
    /// payload listing the withdrawals paid in that slot (block number = slot, timestamp = slot time).
    ///
    /// # Errors
    /// [`BeaconError::BlockNotFound`] for future slots and unknown roots.
    pub fn block(&self, block: BlockId) -> Result<BlockResponse> {
        let header = self.header(block)?;
        let m = header.header.message;
        let withdrawals = self
            .withdrawals(m.slot, m.slot.saturating_add(1), &[])
            .into_iter()
            .map(|w| ExecutionWithdrawal {
                index: w.withdrawal_index,
                validator_index: w.index,
                address: w.address,
                amount: w.amount,
            })
            .collect();
        let finalized_slot = self.epoch().saturating_sub(2) * self.config.slots_per_epoch;
        Ok(BlockResponse {
            version: "deneb".into(),
            execution_optimistic: false,
            finalized: m.slot <= finalized_slot,
            data: SignedBlock {
                message: BeaconBlock {
                    slot: m.slot,
                    proposer_index: m.proposer_index,
                    parent_root: m.parent_root,
                    state_root: m.state_root,
                    body: BlockBody {
                        execution_payload: Some(ExecutionPayload {
                            block_number: m.slot,
                            timestamp: self.config.genesis_time.saturating_add(
                                m.slot.saturating_mul(self.config.seconds_per_slot),
                            ),
                            withdrawals,
                        }),
                    },
                },
                signature: header.header.signature,
            },
        })
    }

    fn tagged_root(&self, tag: &[u8], slot: u64) -> B256 {
        let mut h = Sha256::new();
        h.update(tag);
        h.update(self.config.network.genesis_validators_root);
        h.update(slot.to_be_bytes());
        B256::from(<[u8; 32]>::from(h.finalize()))
    }

    /// The (synthetic) block root at `slot`.
    pub fn block_root(&self, slot: u64) -> B256 {
        self.tagged_root(b"block", slot)
    }

    /// The (synthetic) state root at `slot`.
    pub fn state_root(&self, slot: u64) -> B256 {
        self.tagged_root(b"state", slot)
    }

    /// The whole registry and balances as JSON, with the slot: a byte-comparable snapshot of the state.
    pub fn snapshot_json(&self) -> String {
        let all: Vec<ValidatorData> = (0..self.records.len()).map(|i| self.data(i)).collect();
        serde_json::json!({ "slot": self.slot.to_string(), "validators": all }).to_string()
    }
}

fn is_active(v: &Validator, epoch: u64) -> bool {
    v.activation_epoch <= epoch && epoch < v.exit_epoch
}

fn verified_deposit(
    pubkey: &[u8],
    wc: &[u8],
    amount_gwei: u64,
    signature: &[u8],
    genesis_fork_version: [u8; 4],
) -> Option<DepositData> {
    let d = DepositData {
        pubkey: PublicKey::from_bytes(pubkey, "pubkey").ok()?,
        withdrawal_credentials: wc.try_into().ok()?,
        amount_gwei,
        signature: Signature::from_bytes(signature, "signature").ok()?,
    };
    d.verify(genesis_fork_version).ok().map(|()| d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ExecutionCredit;
    use crate::credit::RecordingCredit;

    fn node() -> SimNode {
        SimNode::new(SimConfig::fast(1), Scenario::default()).expect("valid config")
    }

    fn w(withdrawal_index: u64, index: u64, to: u8, amount: u64, slot: u64) -> Withdrawal {
        Withdrawal {
            withdrawal_index,
            index,
            address: Address::repeat_byte(to),
            amount,
            slot,
        }
    }

    /// Records like [`RecordingCredit`] but fails on call number `fail_at` (0-based).
    struct FailingCredit {
        calls: usize,
        fail_at: usize,
        ok: RecordingCredit,
    }

    impl ExecutionCredit for FailingCredit {
        fn credit(&mut self, address: Address, gwei: u64) -> Result<()> {
            self.calls += 1;
            if self.calls - 1 == self.fail_at {
                return Err(BeaconError::Internal("execution layer down".into()));
            }
            self.ok.credit(address, gwei)
        }
    }

    fn pending() -> Vec<Withdrawal> {
        vec![
            w(0, 0, 0xa, 10, 8),
            w(1, 1, 0xb, 20, 8),
            w(2, 2, 0xa, 30, 8),
            w(3, 3, 0xc, 40, 16),
            w(4, 4, 0xb, 50, 16),
        ]
    }

    #[test]
    fn pay_withdrawals_credits_each_address_once_in_first_seen_order() {
        let mut n = node();
        n.pending_withdrawals = pending();
        let mut credit = RecordingCredit::default();
        n.pay_withdrawals(&mut credit).expect("paid");
        assert_eq!(
            credit.credits,
            vec![
                (Address::repeat_byte(0xa), 40),
                (Address::repeat_byte(0xb), 70),
                (Address::repeat_byte(0xc), 40),
            ]
        );
        assert!(n.take_withdrawals().is_empty());
    }

    #[test]
    fn pay_withdrawals_requeues_exactly_what_was_not_credited() {
        let mut n = node();
        n.pending_withdrawals = pending();
        // 0xa is credited, 0xb fails: 0xb's and 0xc's withdrawals stay pending, in order.
        let mut credit = FailingCredit {
            calls: 0,
            fail_at: 1,
            ok: RecordingCredit::default(),
        };
        assert!(n.pay_withdrawals(&mut credit).is_err());
        assert_eq!(credit.ok.credits, vec![(Address::repeat_byte(0xa), 40)]);
        let left: Vec<u64> = n
            .pending_withdrawals
            .iter()
            .map(|w| w.withdrawal_index)
            .collect();
        assert_eq!(left, vec![1, 3, 4]);
        // Retrying pays the rest once each; nothing is paid twice.
        let mut retry = RecordingCredit::default();
        n.pay_withdrawals(&mut retry).expect("paid");
        assert_eq!(
            retry.credits,
            vec![
                (Address::repeat_byte(0xb), 70),
                (Address::repeat_byte(0xc), 40),
            ]
        );
        // A failure on the first address leaves everything pending.
        n.pending_withdrawals = pending();
        let mut first = FailingCredit {
            calls: 0,
            fail_at: 0,
            ok: RecordingCredit::default(),
        };
        assert!(n.pay_withdrawals(&mut first).is_err());
        assert_eq!(n.pending_withdrawals, pending());
    }

    #[test]
    fn withdrawals_are_half_open_and_filtered() {
        let mut n = node();
        n.withdrawal_history = pending();
        let ids = |v: Vec<Withdrawal>| v.iter().map(|w| w.withdrawal_index).collect::<Vec<_>>();
        assert_eq!(ids(n.withdrawals(0, 100, &[])), vec![0, 1, 2, 3, 4]);
        assert_eq!(ids(n.withdrawals(8, 16, &[])), vec![0, 1, 2]);
        assert_eq!(ids(n.withdrawals(9, 16, &[])), Vec::<u64>::new());
        assert_eq!(ids(n.withdrawals(16, 17, &[4, 0, 3])), vec![3, 4]);
        assert_eq!(ids(n.withdrawals(0, 100, &[2, 99])), vec![2]);
        assert_eq!(ids(n.withdrawals(16, 8, &[])), Vec::<u64>::new());
    }

    #[test]
    fn clock_offset_moves_slot_at_but_not_genesis() {
        let mut n = node();
        let genesis = n.genesis().genesis_time;
        let sps = n.config().seconds_per_slot;
        assert_eq!(n.slot_at(genesis + 10 * sps), 10);
        n.advance_clock(5 * sps);
        n.advance_clock(sps);
        assert_eq!(n.clock_offset(), 6 * sps);
        assert_eq!(n.slot_at(genesis + 10 * sps), 16);
        assert_eq!(n.genesis().genesis_time, genesis);
    }

    #[test]
    fn penalize_saturates_and_records_an_event() {
        let mut n = node();
        let i = n.add_genesis_validator(
            PubkeyBytes::repeat_byte(1),
            B256::ZERO,
            MAX_EFFECTIVE_BALANCE,
        );
        n.penalize(i, 2 * EFFECTIVE_BALANCE_INCREMENT)
            .expect("known");
        assert_eq!(n.balances[0], 30 * EFFECTIVE_BALANCE_INCREMENT);
        n.penalize(i, u64::MAX).expect("known");
        assert_eq!(n.balances[0], 0);
        assert!(matches!(
            n.events().last(),
            Some(SimEvent::Penalty { index: 0, amount, balance: 0, .. }) if *amount == 30 * EFFECTIVE_BALANCE_INCREMENT
        ));
        let err = n.penalize(7, 1).expect_err("unknown");
        assert_eq!(err.status(), 404);
        assert!(err.to_string().contains('7'), "{err}");
    }
}
