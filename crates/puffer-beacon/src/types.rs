//! The Beacon API's JSON shapes for the endpoints Puffer uses.
//!
//! Integers travel as decimal strings (`"32000000000"`), byte strings as `0x` hex; the types here parse both
//! strictly (a number where a string is expected, or hex of the wrong length, is a decode error).

use std::collections::BTreeMap;

use alloy::primitives::{B256, FixedBytes};
use serde::{Deserialize, Serialize};

use crate::error::{BeaconError, Result};

/// A BLS public key as the API shows it.
pub type PubkeyBytes = FixedBytes<48>;
/// A BLS signature as the API shows it.
pub type SignatureBytes = FixedBytes<96>;
/// A fork version.
pub type Version = FixedBytes<4>;

/// `FAR_FUTURE_EPOCH`: the epoch of events that have not been scheduled.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;

/// Serde for `u64` as a decimal string.
pub mod quoted_u64 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes the decimal string.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(value)
    }

    /// Reads a decimal string (not a JSON number, not hex).
    ///
    /// # Errors
    /// When the string is not a decimal `u64`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(D::Error::custom(format!("{text:?} is not a decimal u64")));
        }
        text.parse()
            .map_err(|_| D::Error::custom(format!("{text:?} is not a decimal u64")))
    }
}

/// The usual response envelope: `{"data": ..., "execution_optimistic": ..., "finalized": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The payload.
    pub data: T,
    /// Whether the state is from an optimistically imported block (absent on some endpoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_optimistic: Option<bool>,
    /// Whether the state is finalized (absent on some endpoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalized: Option<bool>,
}

impl<T> Envelope<T> {
    /// Wraps `data` for the head state (not optimistic, not finalized).
    pub fn head(data: T) -> Self {
        Self {
            data,
            execution_optimistic: Some(false),
            finalized: Some(false),
        }
    }
}

/// The Beacon API's error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// HTTP status code, repeated.
    pub code: u16,
    /// What went wrong.
    pub message: String,
}

/// `GET /eth/v1/beacon/genesis`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    /// Unix time of slot 0.
    #[serde(with = "quoted_u64")]
    pub genesis_time: u64,
    /// The root every signing domain after genesis mixes in.
    pub genesis_validators_root: B256,
    /// `GENESIS_FORK_VERSION` (deposits are signed with it).
    pub genesis_fork_version: Version,
}

/// `GET /eth/v1/beacon/states/{state_id}/fork`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fork {
    /// The fork before the current one.
    pub previous_version: Version,
    /// The current fork.
    pub current_version: Version,
    /// Epoch the current fork started.
    #[serde(with = "quoted_u64")]
    pub epoch: u64,
}

/// A validator's status, as the Beacon API names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidatorStatus {
    /// Deposited, not yet eligible for the activation queue.
    PendingInitialized,
    /// In the activation queue.
    PendingQueued,
    /// Active, no exit scheduled.
    ActiveOngoing,
    /// Active, exit scheduled.
    ActiveExiting,
    /// Active, slashed (exit forced).
    ActiveSlashed,
    /// Exited, not slashed, not yet withdrawable.
    ExitedUnslashed,
    /// Exited after a slashing, not yet withdrawable.
    ExitedSlashed,
    /// Withdrawable, balance not yet swept.
    WithdrawalPossible,
    /// Withdrawn.
    WithdrawalDone,
}

impl ValidatorStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 9] = [
        Self::PendingInitialized,
        Self::PendingQueued,
        Self::ActiveOngoing,
        Self::ActiveExiting,
        Self::ActiveSlashed,
        Self::ExitedUnslashed,
        Self::ExitedSlashed,
        Self::WithdrawalPossible,
        Self::WithdrawalDone,
    ];

    /// The API name (`active_ongoing`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingInitialized => "pending_initialized",
            Self::PendingQueued => "pending_queued",
            Self::ActiveOngoing => "active_ongoing",
            Self::ActiveExiting => "active_exiting",
            Self::ActiveSlashed => "active_slashed",
            Self::ExitedUnslashed => "exited_unslashed",
            Self::ExitedSlashed => "exited_slashed",
            Self::WithdrawalPossible => "withdrawal_possible",
            Self::WithdrawalDone => "withdrawal_done",
        }
    }

    /// The top-level group (`pending`, `active`, `exited`, `withdrawal`).
    pub fn group(self) -> &'static str {
        match self {
            Self::PendingInitialized | Self::PendingQueued => "pending",
            Self::ActiveOngoing | Self::ActiveExiting | Self::ActiveSlashed => "active",
            Self::ExitedUnslashed | Self::ExitedSlashed => "exited",
            Self::WithdrawalPossible | Self::WithdrawalDone => "withdrawal",
        }
    }

    /// Whether the status filter `filter` (a status or a group name) selects this status.
    pub fn matches(self, filter: &str) -> bool {
        filter == self.as_str() || filter == self.group()
    }

    /// Whether `filter` is a status or group name the API knows.
    pub fn is_filter(filter: &str) -> bool {
        Self::ALL.iter().any(|s| s.matches(filter))
    }
}

/// The validator record, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    /// BLS public key.
    pub pubkey: PubkeyBytes,
    /// `0x00…` (BLS) or `0x01…` (execution address) credentials.
    pub withdrawal_credentials: B256,
    /// Effective balance in Gwei.
    #[serde(with = "quoted_u64")]
    pub effective_balance: u64,
    /// Whether it was slashed.
    pub slashed: bool,
    /// Epoch it became eligible for the activation queue.
    #[serde(with = "quoted_u64")]
    pub activation_eligibility_epoch: u64,
    /// Epoch it became (or becomes) active.
    #[serde(with = "quoted_u64")]
    pub activation_epoch: u64,
    /// Epoch it exits.
    #[serde(with = "quoted_u64")]
    pub exit_epoch: u64,
    /// Epoch its balance becomes withdrawable.
    #[serde(with = "quoted_u64")]
    pub withdrawable_epoch: u64,
}

impl Validator {
    /// The withdrawal address of `0x01` (or `0x02`) credentials.
    pub fn withdrawal_address(&self) -> Option<alloy::primitives::Address> {
        let wc = self.withdrawal_credentials;
        (wc[0] == 1 || wc[0] == 2).then(|| alloy::primitives::Address::from_slice(&wc[12..]))
    }
}

/// One entry of `GET /eth/v1/beacon/states/{state_id}/validators`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorData {
    /// Index in the registry.
    #[serde(with = "quoted_u64")]
    pub index: u64,
    /// Balance in Gwei.
    #[serde(with = "quoted_u64")]
    pub balance: u64,
    /// Status at the requested state.
    pub status: ValidatorStatus,
    /// The record.
    pub validator: Validator,
}

/// One entry of `GET /eth/v1/beacon/states/{state_id}/validator_balances`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// Index in the registry.
    #[serde(with = "quoted_u64")]
    pub index: u64,
    /// Balance in Gwei.
    #[serde(with = "quoted_u64")]
    pub balance: u64,
}

/// An epoch and the root of its first block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The epoch.
    #[serde(with = "quoted_u64")]
    pub epoch: u64,
    /// The block root.
    pub root: B256,
}

/// `GET /eth/v1/beacon/states/{state_id}/finality_checkpoints`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalityCheckpoints {
    /// The previous justified checkpoint.
    pub previous_justified: Checkpoint,
    /// The current justified checkpoint.
    pub current_justified: Checkpoint,
    /// The finalized checkpoint.
    pub finalized: Checkpoint,
}

/// `BeaconBlockHeader`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeaconBlockHeader {
    /// The slot.
    #[serde(with = "quoted_u64")]
    pub slot: u64,
    /// Proposer's index.
    #[serde(with = "quoted_u64")]
    pub proposer_index: u64,
    /// Parent block root.
    pub parent_root: B256,
    /// Post-state root.
    pub state_root: B256,
    /// Body root.
    pub body_root: B256,
}

/// `SignedBeaconBlockHeader`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHeader {
    /// The header.
    pub message: BeaconBlockHeader,
    /// Proposer's signature.
    pub signature: SignatureBytes,
}

/// `GET /eth/v1/beacon/headers/{block_id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderData {
    /// Block root.
    pub root: B256,
    /// Whether the block is on the canonical chain.
    pub canonical: bool,
    /// The signed header.
    pub header: SignedHeader,
}

/// A withdrawal as an execution payload lists it (`withdrawals` in a block body).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionWithdrawal {
    /// Withdrawal counter.
    #[serde(with = "quoted_u64")]
    pub index: u64,
    /// Validator index.
    #[serde(with = "quoted_u64")]
    pub validator_index: u64,
    /// Recipient.
    pub address: alloy::primitives::Address,
    /// Gwei.
    #[serde(with = "quoted_u64")]
    pub amount: u64,
}

/// The subset of an `ExecutionPayload` Puffer reads (real nodes send more fields; they are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionPayload {
    /// Execution-layer block number (synthetic in the simulator: the slot).
    #[serde(with = "quoted_u64")]
    pub block_number: u64,
    /// Execution-layer timestamp: `genesis_time + slot × seconds_per_slot`.
    #[serde(with = "quoted_u64")]
    pub timestamp: u64,
    /// Withdrawals paid by this block (absent before Capella).
    #[serde(default)]
    pub withdrawals: Vec<ExecutionWithdrawal>,
}

/// The subset of a `BeaconBlockBody` Puffer reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockBody {
    /// The execution payload (absent before Bellatrix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_payload: Option<ExecutionPayload>,
}

/// `BeaconBlock`, with the body subset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeaconBlock {
    /// The slot.
    #[serde(with = "quoted_u64")]
    pub slot: u64,
    /// Proposer's index.
    #[serde(with = "quoted_u64")]
    pub proposer_index: u64,
    /// Parent block root.
    pub parent_root: B256,
    /// Post-state root.
    pub state_root: B256,
    /// The body.
    pub body: BlockBody,
}

/// `SignedBeaconBlock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedBlock {
    /// The block.
    pub message: BeaconBlock,
    /// Proposer's signature (zero in the simulator).
    pub signature: SignatureBytes,
}

/// `GET /eth/v2/beacon/blocks/{block_id}`: `{"version", "execution_optimistic", "finalized", "data"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockResponse {
    /// Fork name of the block (`deneb` in the simulator).
    pub version: String,
    /// Whether the block was imported optimistically.
    #[serde(default)]
    pub execution_optimistic: bool,
    /// Whether the block is finalized.
    #[serde(default)]
    pub finalized: bool,
    /// The signed block.
    pub data: SignedBlock,
}

/// The answer of the simulator-only `POST /puffer/v1/clock/advance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockAdvance {
    /// The head slot after processing up to the new wall-clock slot.
    #[serde(with = "quoted_u64")]
    pub slot: u64,
    /// Seconds added to the wall clock in total.
    #[serde(with = "quoted_u64")]
    pub offset_seconds: u64,
}

/// The subset of `GET /eth/v1/config/spec` Puffer reads, parsed from the node's string map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// `SECONDS_PER_SLOT`.
    pub seconds_per_slot: u64,
    /// `SLOTS_PER_EPOCH`.
    pub slots_per_epoch: u64,
    /// `SHARD_COMMITTEE_PERIOD`: epochs a validator must be active before it may exit.
    pub shard_committee_period: u64,
    /// `MIN_VALIDATOR_WITHDRAWABILITY_DELAY`: epochs from exit to withdrawable.
    pub min_validator_withdrawability_delay: u64,
    /// `MAX_EFFECTIVE_BALANCE` in Gwei.
    pub max_effective_balance: u64,
    /// `MIN_PER_EPOCH_CHURN_LIMIT`.
    pub min_per_epoch_churn_limit: u64,
    /// `CHURN_LIMIT_QUOTIENT`.
    pub churn_limit_quotient: u64,
    /// `GENESIS_FORK_VERSION`.
    pub genesis_fork_version: Version,
    /// `CAPELLA_FORK_VERSION` (voluntary exits are signed with it, EIP-7044).
    pub capella_fork_version: Version,
}

impl Spec {
    /// Parses the subset from the endpoint's `data` map (every value a string).
    ///
    /// # Errors
    /// [`BeaconError::InvalidField`] naming the missing or malformed key.
    pub fn from_map(map: &BTreeMap<String, String>) -> Result<Self> {
        let get = |key: &'static str| {
            map.get(key).ok_or(BeaconError::InvalidField {
                field: key,
                value: "<missing>".into(),
            })
        };
        let num = |key: &'static str| -> Result<u64> {
            let text = get(key)?;
            text.parse().map_err(|_| BeaconError::InvalidField {
                field: key,
                value: text.clone(),
            })
        };
        let version = |key: &'static str| -> Result<Version> {
            let text = get(key)?;
            text.parse().map_err(|_| BeaconError::InvalidField {
                field: key,
                value: text.clone(),
            })
        };
        Ok(Self {
            seconds_per_slot: num("SECONDS_PER_SLOT")?,
            slots_per_epoch: num("SLOTS_PER_EPOCH")?,
            shard_committee_period: num("SHARD_COMMITTEE_PERIOD")?,
            min_validator_withdrawability_delay: num("MIN_VALIDATOR_WITHDRAWABILITY_DELAY")?,
            max_effective_balance: num("MAX_EFFECTIVE_BALANCE")?,
            min_per_epoch_churn_limit: num("MIN_PER_EPOCH_CHURN_LIMIT")?,
            churn_limit_quotient: num("CHURN_LIMIT_QUOTIENT")?,
            genesis_fork_version: version("GENESIS_FORK_VERSION")?,
            capella_fork_version: version("CAPELLA_FORK_VERSION")?,
        })
    }

    /// The string map the endpoint serves.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        [
            ("SECONDS_PER_SLOT", self.seconds_per_slot.to_string()),
            ("SLOTS_PER_EPOCH", self.slots_per_epoch.to_string()),
            (
                "SHARD_COMMITTEE_PERIOD",
                self.shard_committee_period.to_string(),
            ),
            (
                "MIN_VALIDATOR_WITHDRAWABILITY_DELAY",
                self.min_validator_withdrawability_delay.to_string(),
            ),
            (
                "MAX_EFFECTIVE_BALANCE",
                self.max_effective_balance.to_string(),
            ),
            (
                "MIN_PER_EPOCH_CHURN_LIMIT",
                self.min_per_epoch_churn_limit.to_string(),
            ),
            (
                "CHURN_LIMIT_QUOTIENT",
                self.churn_limit_quotient.to_string(),
            ),
            (
                "GENESIS_FORK_VERSION",
                self.genesis_fork_version.to_string(),
            ),
            (
                "CAPELLA_FORK_VERSION",
                self.capella_fork_version.to_string(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}
