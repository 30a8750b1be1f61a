//! The guardian set, run in process through `puffer-guardian` — the same code paths as the daemon: each
//! guardian is a [`puffer_guardian::Guardian`] with an in-memory enclave and store, and quorums form over
//! [`InProcessPeers`]. The simulator only orchestrates: it feeds the guardians the chain's events and facts
//! ([`ChainView`]), asks one of them to gather signatures, and submits what comes back. Custody checks,
//! signing rules, the signing ledger, ejection decisions, exit partial signatures and report building are
//! the guardian crate's.

use std::{collections::BTreeMap, sync::Arc};

use alloy::{
    primitives::{Address, B256, Bytes, U256},
    signers::local::PrivateKeySigner,
    sol_types::SolValue,
};
use puffer_beacon::SimNode;
use puffer_chain::{Chain, Deployment, SpurtReports, bindings::IPufferProtocolTypes::ValidatorKey};
use puffer_guardian::{
    ChainFacts, ChainView, EjectionCandidate, Enclave, Guardian, GuardianError, GuardianParams,
    InProcessPeers, MemoryEnclave, MemoryStore, SignRequest, SpurtBuild, SpurtInputs, Store,
    Verdict, build_report, gather_exit, gather_signatures,
};
use puffer_keys::network::Network;
use rayon::prelude::*;

/// Most validators one `provisionNodes` batch takes.
pub const MAX_BATCH: usize = puffer_guardian::duties::MAX_BATCH;
/// Signature deadlines the simulator asks for, seconds from now.
const DEADLINE_SECS: u64 = 600;

/// Errors of the guardian set: the chain's or the guardians' own.
#[derive(Debug, thiserror::Error)]
pub enum GuardianSetError {
    /// A chain call or transaction failed.
    #[error(transparent)]
    Chain(#[from] puffer_chain::ChainError),
    /// A guardian refused, or no quorum formed.
    #[error(transparent)]
    Guardian(#[from] GuardianError),
}

/// N guardians in one process.
pub struct GuardianSet {
    guardians: Vec<Arc<Guardian>>,
    peers: InProcessPeers,
    view: ChainView,
    reports: SpurtReports,
    network: Network,
    relayer: PrivateKeySigner,
    runtime: tokio::runtime::Runtime,
    next_block: u64,
    credentials: BTreeMap<B256, B256>,
}

impl std::fmt::Debug for GuardianSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardianSet")
            .field("guardians", &self.guardians.len())
            .finish_non_exhaustive()
    }
}

impl GuardianSet {
    /// Guardians with operator addresses `operators` (on-chain order) and enclave secrets `enclave_secrets`
    /// (same order), on `deployment`, signing exits for `network`, submitting from `relayer`.
    ///
    /// # Errors
    /// A bad enclave secret; a deployment without the operator side or the SpurtReporter.
    pub fn new(
        deployment: &Deployment,
        operators: &[Address],
        enclave_secrets: &[[u8; 32]],
        network: Network,
        ejection_balance_gwei: u64,
        relayer: PrivateKeySigner,
    ) -> Result<Self, GuardianSetError> {
        let params = GuardianParams {
            ejection_balance_gwei,
            ..GuardianParams::default()
        };
        let guardians = operators
            .iter()
            .zip(enclave_secrets)
            .map(|(op, secret)| {
                Ok(Arc::new(Guardian::new(
                    *op,
                    Arc::new(MemoryEnclave::from_bytes(secret)?) as Arc<dyn Enclave>,
                    Arc::new(MemoryStore::new()) as Arc<dyn Store>,
                    network.clone(),
                    params,
                )))
            })
            .collect::<Result<Vec<_>, GuardianError>>()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| GuardianError::Refused(format!("no async runtime: {e}")))?;
        Ok(Self {
            peers: InProcessPeers::new(guardians.clone()),
            guardians,
            view: ChainView::new(deployment)?,
            reports: SpurtReports::new(deployment)?,
            network,
            relayer,
            runtime,
            next_block: deployment.deploy_block,
            credentials: BTreeMap::new(),
        })
    }

    /// The guardians.
    pub fn guardians(&self) -> &[Arc<Guardian>] {
        &self.guardians
    }

    /// The reporter client.
    pub fn reports(&self) -> &SpurtReports {
        &self.reports
    }

    fn facts(&self, chain: &mut dyn Chain, lookahead: u64) -> Result<ChainFacts, GuardianSetError> {
        let facts = self.view.facts(chain, lookahead)?;
        self.peers.set_facts(facts.clone());
        Ok(facts)
    }

    /// Every guardian custody-checks the registrations made since the last call (in parallel: each check
    /// verifies BLS signatures and decrypts its own share). Returns the ids some guardian wants skipped.
    ///
    /// # Errors
    /// Chain and store errors.
    pub fn follow_registrations(
        &mut self,
        chain: &mut dyn Chain,
    ) -> Result<Vec<U256>, GuardianSetError> {
        let latest = chain.block_number()?;
        if self.next_block > latest {
            return Ok(Vec::new());
        }
        let regs = self
            .view
            .guardian_chain
            .registrations(chain, self.next_block, Some(latest))?;
        self.next_block = latest + 1;
        if regs.is_empty() {
            return Ok(Vec::new());
        }
        let facts = self.facts(chain, 0)?;
        let mut wcs = Vec::with_capacity(regs.len());
        for reg in &regs {
            let wc = match self.credentials.get(&reg.strategy) {
                Some(wc) => *wc,
                None => {
                    let wc = self.view.withdrawal_credentials(chain, reg.strategy)?;
                    self.credentials.insert(reg.strategy, wc);
                    wc
                }
            };
            wcs.push(wc);
        }
        let fork = self.network.genesis_fork_version;
        // Every (guardian, registration) pair is an independent check: spread them over the cores.
        let pairs: Vec<(usize, usize)> = (0..self.guardians.len())
            .flat_map(|g| (0..regs.len()).map(move |r| (g, r)))
            .collect();
        let verdicts: Vec<((usize, usize), Verdict)> = pairs
            .par_iter()
            .map(|&(g, r)| {
                self.guardians[g]
                    .record_registration(&regs[r], &facts, fork, wcs[r])
                    .map(|v| ((g, r), v))
            })
            .collect::<Result<_, GuardianError>>()?;
        let mut skips: Vec<U256> = verdicts
            .iter()
            .filter(|(_, v)| !v.is_approve())
            .map(|((_, r), _)| regs[*r].validator_id)
            .collect();
        skips.sort();
        skips.dedup();
        Ok(skips)
    }

    /// Provisions up to `count` validators of the on-chain schedule, in batches each approved by a quorum
    /// gathered by the first guardian. Returns the ids in provisioning order.
    ///
    /// # Errors
    /// No quorum; the chain's errors.
    pub fn provision(
        &mut self,
        chain: &mut dyn Chain,
        count: usize,
    ) -> Result<Vec<U256>, GuardianSetError> {
        let mut done = Vec::with_capacity(count);
        while done.len() < count {
            let want = (count - done.len()).min(MAX_BATCH) as u64;
            let facts = self.facts(chain, want)?;
            let ids = facts.next_validators.clone();
            if ids.is_empty() {
                break;
            }
            let deadline = facts.now + DEADLINE_SECS;
            let request = SignRequest::Provision {
                validator_ids: ids.clone(),
                deposit_root: facts.deposit_root,
                deadline,
            };
            let lead = &self.guardians[0];
            let (blob, _) =
                self.runtime
                    .block_on(gather_signatures(lead, &self.peers, &request, &facts))?;
            let keys = ids
                .iter()
                .map(|id| {
                    let data = lead
                        .registration(*id)?
                        .ok_or(GuardianError::UnknownValidator(*id))?
                        .validator_data()?;
                    Ok(ValidatorKey {
                        pubkey: data.pubkey,
                        signature: data.signature,
                    })
                })
                .collect::<Result<Vec<_>, GuardianError>>()?;
            let provisioned = self.view.guardian_chain.provision_nodes(
                chain,
                &self.relayer,
                keys,
                facts.deposit_root,
                deadline,
                blob,
            )?;
            done.extend(provisioned);
        }
        Ok(done)
    }

    /// Skips a registration that failed custody, under a quorum.
    ///
    /// # Errors
    /// No quorum; the chain's errors.
    pub fn skip(
        &mut self,
        chain: &mut dyn Chain,
        validator_id: U256,
    ) -> Result<(), GuardianSetError> {
        let facts = self.facts(chain, 0)?;
        let deadline = facts.now + DEADLINE_SECS;
        let request = SignRequest::Skip {
            validator_id,
            deadline,
            complaint: None,
        };
        let (blob, _) = self.runtime.block_on(gather_signatures(
            &self.guardians[0],
            &self.peers,
            &request,
            &facts,
        ))?;
        self.view.guardian_chain.skip_provisioning(
            chain,
            &self.relayer,
            validator_id,
            deadline,
            blob,
        )?;
        Ok(())
    }

    /// Every guardian records `candidate` (each guardian's own scan reaches the same decision from the same
    /// beacon state), the first gathers partial exit signatures, combines them and submits the exit to the
    /// beacon node. Returns whether the beacon node accepted it (a refusal, e.g. not active long enough, is
    /// retried on a later day).
    ///
    /// # Errors
    /// No quorum of partial signatures; store errors.
    pub fn eject(
        &mut self,
        chain: &mut dyn Chain,
        node: &mut SimNode,
        candidate: &EjectionCandidate,
    ) -> Result<bool, GuardianSetError> {
        for g in &self.guardians {
            g.record_ejection(candidate)?;
        }
        let facts = self.facts(chain, 0)?;
        let request = SignRequest::Exit {
            validator_id: candidate.validator_id,
            validator_index: candidate.validator_index,
            epoch: candidate.epoch,
        };
        let (exit, _) = self.runtime.block_on(gather_exit(
            &self.guardians[0],
            &self.peers,
            &request,
            &facts,
        ))?;
        if node.submit_voluntary_exit(&exit).is_err() {
            return Ok(false);
        }
        for g in &self.guardians {
            g.mark_ejection_submitted(candidate.validator_id)?;
        }
        Ok(true)
    }

    /// Builds the report of `inputs` (each guardian builds and records its own), gathers a quorum over it and
    /// posts it. Returns the build (trees and proofs for activations, exits and claims).
    ///
    /// # Errors
    /// No quorum; the reporter's reverts decoded (e.g. `ReportRateChangeTooLarge`).
    pub fn report(
        &mut self,
        chain: &mut dyn Chain,
        inputs: &SpurtInputs,
    ) -> Result<SpurtBuild, GuardianSetError> {
        let facts = self.facts(chain, 0)?;
        let build = build_report(inputs, facts.now + DEADLINE_SECS);
        let own = build_report(inputs, 0);
        for g in &self.guardians {
            g.record_report(&own)?;
        }
        let request = SignRequest::Report {
            report: Bytes::from(build.report.abi_encode()),
        };
        let (blob, _) = self.runtime.block_on(gather_signatures(
            &self.guardians[0],
            &self.peers,
            &request,
            &facts,
        ))?;
        self.reports
            .post(chain, &self.relayer, &build.report, blob)?;
        Ok(build)
    }

    /// Processes a posted spurt's activations and exits in chunks (permissionless calls, sent by the relayer).
    ///
    /// # Errors
    /// The reporter's reverts decoded.
    pub fn process(
        &self,
        chain: &mut dyn Chain,
        build: &SpurtBuild,
    ) -> Result<(), GuardianSetError> {
        for result in puffer_guardian::report::process_trees(
            chain,
            &self.reports,
            &self.relayer,
            &build.trees,
        ) {
            result?;
        }
        Ok(())
    }
}
