//! The [`BeaconNode`] trait and the identifiers its methods take.

use std::fmt;
use std::future::Future;
use std::str::FromStr;

use alloy::primitives::B256;
use puffer_keys::exit::SignedVoluntaryExit;

use crate::error::{BeaconError, Result};
use crate::sim::Withdrawal;
use crate::types::{
    Balance, FinalityCheckpoints, Fork, Genesis, HeaderData, PubkeyBytes, Spec, ValidatorData,
    ValidatorStatus,
};

/// Which state a query reads (`{state_id}` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateId {
    /// The head state.
    Head,
    /// The genesis state.
    Genesis,
    /// The latest finalized state.
    Finalized,
    /// The latest justified state.
    Justified,
    /// The state at a slot.
    Slot(u64),
    /// The state with this root.
    Root(B256),
}

/// Which block a header query reads (`{block_id}` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockId {
    /// The head block.
    Head,
    /// The genesis block.
    Genesis,
    /// The latest finalized block.
    Finalized,
    /// The block at a slot.
    Slot(u64),
    /// The block with this root.
    Root(B256),
}

/// A validator, by registry index or by public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValidatorId {
    /// Registry index.
    Index(u64),
    /// BLS public key.
    Pubkey(PubkeyBytes),
}

impl fmt::Display for StateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Head => f.write_str("head"),
            Self::Genesis => f.write_str("genesis"),
            Self::Finalized => f.write_str("finalized"),
            Self::Justified => f.write_str("justified"),
            Self::Slot(s) => write!(f, "{s}"),
            Self::Root(r) => write!(f, "{r}"),
        }
    }
}

impl FromStr for StateId {
    type Err = BeaconError;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "head" => Self::Head,
            "genesis" => Self::Genesis,
            "finalized" => Self::Finalized,
            "justified" => Self::Justified,
            _ if s.starts_with("0x") => Self::Root(
                s.parse()
                    .map_err(|_| BeaconError::InvalidStateId(s.to_owned()))?,
            ),
            _ => Self::Slot(
                parse_decimal(s).ok_or_else(|| BeaconError::InvalidStateId(s.to_owned()))?,
            ),
        })
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Head => f.write_str("head"),
            Self::Genesis => f.write_str("genesis"),
            Self::Finalized => f.write_str("finalized"),
            Self::Slot(s) => write!(f, "{s}"),
            Self::Root(r) => write!(f, "{r}"),
        }
    }
}

impl FromStr for BlockId {
    type Err = BeaconError;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "head" => Self::Head,
            "genesis" => Self::Genesis,
            "finalized" => Self::Finalized,
            _ if s.starts_with("0x") => Self::Root(
                s.parse()
                    .map_err(|_| BeaconError::InvalidBlockId(s.to_owned()))?,
            ),
            _ => Self::Slot(
                parse_decimal(s).ok_or_else(|| BeaconError::InvalidBlockId(s.to_owned()))?,
            ),
        })
    }
}

impl fmt::Display for ValidatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Index(i) => write!(f, "{i}"),
            Self::Pubkey(p) => write!(f, "{p}"),
        }
    }
}

impl FromStr for ValidatorId {
    type Err = BeaconError;

    fn from_str(s: &str) -> Result<Self> {
        if s.starts_with("0x") {
            s.parse()
                .map(Self::Pubkey)
                .map_err(|_| BeaconError::InvalidValidatorId(s.to_owned()))
        } else {
            parse_decimal(s)
                .map(Self::Index)
                .ok_or_else(|| BeaconError::InvalidValidatorId(s.to_owned()))
        }
    }
}

impl From<u64> for ValidatorId {
    fn from(index: u64) -> Self {
        Self::Index(index)
    }
}

fn parse_decimal(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A beacon node, as Puffer's off-chain code uses it: the read-only queries the guardian needs to watch its
/// validators, and submitting voluntary exits.
///
/// What every implementation guarantees:
/// - Integers and roots are exactly what the node reported (no rounding, no unit conversion: balances in Gwei).
/// - [`validators`](Self::validators) and [`balances`](Self::balances) return entries in ascending index
///   order, one per known validator among `ids` (all validators when `ids` is empty); unknown ids are left out,
///   not errors, as real nodes do. An empty `statuses` selects every status.
/// - A node-side refusal is [`BeaconError::Api`] (over HTTP) or the typed variant with the same
///   [`status`](BeaconError::status) (in process): 400 for bad input and rejected exits, 404 for unknown
///   states, blocks and validators.
/// - [`submit_voluntary_exit`](Self::submit_voluntary_exit) returns `Ok` only once the node accepted the exit
///   into its pool (the simulated node processes it immediately).
///
/// The futures are `Send` so a tokio daemon can spawn them.
pub trait BeaconNode: Send + Sync {
    /// `GET /eth/v1/beacon/genesis`.
    fn genesis(&self) -> impl Future<Output = Result<Genesis>> + Send;

    /// `GET /eth/v1/config/spec`, the subset in [`Spec`].
    fn spec(&self) -> impl Future<Output = Result<Spec>> + Send;

    /// `GET /eth/v1/beacon/states/{state_id}/fork`.
    fn fork(&self, state: StateId) -> impl Future<Output = Result<Fork>> + Send;

    /// `POST /eth/v1/beacon/states/{state_id}/validators` with `ids` and `statuses` (status or group names).
    fn validators(
        &self,
        state: StateId,
        ids: &[ValidatorId],
        statuses: &[ValidatorStatus],
    ) -> impl Future<Output = Result<Vec<ValidatorData>>> + Send;

    /// `GET /eth/v1/beacon/states/{state_id}/validators/{validator_id}`: 404 when unknown.
    fn validator(
        &self,
        state: StateId,
        id: ValidatorId,
    ) -> impl Future<Output = Result<ValidatorData>> + Send;

    /// `POST /eth/v1/beacon/states/{state_id}/validator_balances` with `ids`.
    fn balances(
        &self,
        state: StateId,
        ids: &[ValidatorId],
    ) -> impl Future<Output = Result<Vec<Balance>>> + Send;

    /// `GET /eth/v1/beacon/states/{state_id}/finality_checkpoints`.
    fn finality_checkpoints(
        &self,
        state: StateId,
    ) -> impl Future<Output = Result<FinalityCheckpoints>> + Send;

    /// `GET /eth/v1/beacon/headers/{block_id}`.
    fn header(&self, block: BlockId) -> impl Future<Output = Result<HeaderData>> + Send;

    /// `POST /eth/v1/beacon/pool/voluntary_exits`.
    fn submit_voluntary_exit(
        &self,
        exit: &SignedVoluntaryExit,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The withdrawals the chain paid in slots `from_slot..to_slot` (half-open) to the validators in
    /// `indices` (all validators when empty), from the blocks' execution payloads.
    ///
    /// What every implementation guarantees:
    /// - ascending `withdrawal_index` order, each withdrawal once, with [`Withdrawal::slot`] the slot of the
    ///   block that paid it; amounts in Gwei exactly as the chain paid them;
    /// - slots without a block, and slots after the head, contribute nothing (`to_slot` may lie in the future:
    ///   only what exists is returned);
    /// - `to_slot < from_slot` is refused with status 400 ([`BeaconError::BadRequest`] in process,
    ///   [`BeaconError::Api`] over HTTP); `from_slot == to_slot` is an empty range.
    ///
    /// The simulator answers from its history in one call (`POST /puffer/v1/withdrawals`); over HTTP against
    /// a real beacon node, [`BeaconClient`](crate::BeaconClient) reads every block in the range
    /// (`GET /eth/v2/beacon/blocks/{slot}`), with the same result.
    fn withdrawals(
        &self,
        from_slot: u64,
        to_slot: u64,
        indices: &[u64],
    ) -> impl Future<Output = Result<Vec<Withdrawal>>> + Send;
}

/// Refuses a reversed slot range (shared by every [`BeaconNode::withdrawals`] implementation).
pub(crate) fn check_slot_range(from_slot: u64, to_slot: u64) -> Result<()> {
    if to_slot < from_slot {
        return Err(BeaconError::BadRequest(format!(
            "to_slot {to_slot} is before from_slot {from_slot}"
        )));
    }
    Ok(())
}
