//! [`SharedNode`]: a [`SimNode`] behind a mutex, usable as a [`BeaconNode`] in process and by the server.

use std::sync::{Arc, Mutex, MutexGuard};

use puffer_keys::exit::SignedVoluntaryExit;

use super::{SimNode, Withdrawal};
use crate::error::Result;
use crate::node::{BeaconNode, BlockId, StateId, ValidatorId, check_slot_range};
use crate::types::{
    Balance, FinalityCheckpoints, Fork, Genesis, HeaderData, Spec, ValidatorData, ValidatorStatus,
};

/// A shared handle on a [`SimNode`]: the in-process [`BeaconNode`] (no HTTP) and the server's state.
#[derive(Debug, Clone)]
pub struct SharedNode(Arc<Mutex<SimNode>>);

impl SharedNode {
    /// Shares `node`.
    pub fn new(node: SimNode) -> Self {
        Self(Arc::new(Mutex::new(node)))
    }

    /// Locks the node (a panic in another holder does not make the state unusable: it is plain data).
    pub fn lock(&self) -> MutexGuard<'_, SimNode> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl BeaconNode for SharedNode {
    async fn genesis(&self) -> Result<Genesis> {
        Ok(self.lock().genesis())
    }

    async fn spec(&self) -> Result<Spec> {
        Ok(self.lock().spec())
    }

    async fn fork(&self, state: StateId) -> Result<Fork> {
        self.lock().fork(state)
    }

    async fn validators(
        &self,
        state: StateId,
        ids: &[ValidatorId],
        statuses: &[ValidatorStatus],
    ) -> Result<Vec<ValidatorData>> {
        let statuses: Vec<String> = statuses.iter().map(|s| s.as_str().to_owned()).collect();
        self.lock().validators(state, ids, &statuses)
    }

    async fn validator(&self, state: StateId, id: ValidatorId) -> Result<ValidatorData> {
        self.lock().validator(state, id)
    }

    async fn balances(&self, state: StateId, ids: &[ValidatorId]) -> Result<Vec<Balance>> {
        self.lock().balances(state, ids)
    }

    async fn finality_checkpoints(&self, state: StateId) -> Result<FinalityCheckpoints> {
        self.lock().finality_checkpoints(state)
    }

    async fn header(&self, block: BlockId) -> Result<HeaderData> {
        self.lock().header(block)
    }

    async fn submit_voluntary_exit(&self, exit: &SignedVoluntaryExit) -> Result<()> {
        self.lock().submit_voluntary_exit(exit)
    }

    async fn withdrawals(
        &self,
        from_slot: u64,
        to_slot: u64,
        indices: &[u64],
    ) -> Result<Vec<Withdrawal>> {
        check_slot_range(from_slot, to_slot)?;
        Ok(self.lock().withdrawals(from_slot, to_slot, indices))
    }
}
