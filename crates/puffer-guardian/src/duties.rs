//! The guardian's protocol rules in one place, free of HTTP and timers: [`Guardian`] records registrations
//! with their custody verdicts, and answers [`SignRequest`]s — its own and its peers' — only when its own view
//! ([`ChainFacts`] read from its own node, plus what it recorded) says the protocol allows it. Every signature
//! goes through the signing ledger first: it is recorded durably before it is released, and a signature of
//! different content for the same (kind, id) is refused while the earlier one is still valid (for reports:
//! ever) ([`GuardianError::ConflictingSignature`]). The same content under a new deadline is not a conflict.

use std::sync::{Arc, Mutex};

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    sol_types::{SolType, SolValue},
};
use puffer_chain::{Registration, bindings::IPufferProtocolTypes::ValidatorData};
use puffer_keys::{exit::VoluntaryExit, keyshare::PartialSignatureJson, network::Network};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::{
    custody::{self, CustodyContext, Verdict},
    digest,
    enclave::Enclave,
    error::{GuardianError, Result},
    report::{self, SpurtBuild, SpurtReport, SpurtTrees},
    store::{Store, Table, get_json, put_json},
};

/// Most validators in one provisioning batch a guardian signs.
pub const MAX_BATCH: usize = 32;

/// What a guardian reads from its own node before answering: never taken from the requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainFacts {
    /// Chain id (EIP-712 domains).
    pub chain_id: u64,
    /// Latest block timestamp.
    pub now: u64,
    /// The PufferProtocol.
    pub protocol: Address,
    /// The SpurtReporter, if deployed.
    pub reporter: Option<Address>,
    /// Guardian operator addresses in on-chain order (share index = position).
    pub guardians: Vec<Address>,
    /// Their enclave keys, same order.
    pub enclave_keys: Vec<Address>,
    /// Quorum threshold.
    pub threshold: usize,
    /// The deposit contract's root now.
    pub deposit_root: B256,
    /// The schedule's next validators.
    pub next_validators: Vec<U256>,
}

impl ChainFacts {
    /// The share index of `operator`.
    pub fn index_of(&self, operator: Address) -> Option<u32> {
        self.guardians
            .iter()
            .position(|g| *g == operator)
            .and_then(|i| u32::try_from(i).ok())
    }
}

/// A request for a guardian's signature (its own loop's or a peer's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignRequest {
    /// Approve provisioning the schedule's next validators (a `ProvisionNodes` batch).
    Provision {
        /// Validator ids, the schedule's next ones in order.
        validator_ids: Vec<U256>,
        /// The deposit contract root the approval binds.
        deposit_root: B256,
        /// Signature deadline (unix seconds).
        deadline: u64,
    },
    /// Approve skipping a registration that failed custody.
    Skip {
        /// Validator id.
        validator_id: U256,
        /// Signature deadline.
        deadline: u64,
        /// When the requester's own share is what failed (others cannot see it: it is encrypted to the
        /// requester): its enclave signature over [`digest::share_complaint`]. A peer whose own checks passed
        /// signs the skip on such a complaint from a current guardian (see `docs/guardian.md`, custody).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        complaint: Option<Bytes>,
    },
    /// Sign a growth-spurt report (ABI-encoded `SpurtReport`).
    Report {
        /// The report, `abi.encode`d.
        report: Bytes,
    },
    /// A partial signature of a voluntary exit.
    Exit {
        /// Validator id.
        validator_id: U256,
        /// Beacon-chain index.
        validator_index: u64,
        /// The exit's epoch.
        epoch: u64,
    },
}

impl SignRequest {
    /// The ledger kind.
    pub fn kind(&self) -> &'static str {
        match self {
            SignRequest::Provision { .. } => "provision",
            SignRequest::Skip { .. } => "skip",
            SignRequest::Report { .. } => "report",
            SignRequest::Exit { .. } => "exit",
        }
    }
}

/// A guardian's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignResponse {
    /// An enclave-key ECDSA signature (65 bytes `r ‖ s ‖ v`) of the request's EIP-712 digest.
    Signature {
        /// The signature.
        signature: Bytes,
    },
    /// A partial BLS signature from the guardian's keyshare.
    Partial {
        /// Share index and signature.
        partial: PartialSignatureJson,
    },
}

/// One entry of the signing ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignRecord {
    /// What was agreed to, without the deadline.
    pub content: B256,
    /// What was signed.
    pub digest: B256,
    /// The signature can be used until then (`u64::MAX`: forever).
    pub valid_until: u64,
    /// The released signature (re-released on an identical request).
    pub response: SignResponse,
}

/// A stored registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRegistration {
    /// Validator id.
    pub validator_id: U256,
    /// Strategy name.
    pub strategy: B256,
    /// The NoOp.
    pub owner: Address,
    /// Months bought.
    pub months: U256,
    /// `abi.encode(ValidatorData)`.
    pub data: Bytes,
}

impl StoredRegistration {
    /// The decoded validator data.
    ///
    /// # Errors
    /// [`GuardianError::Decode`] for a corrupt record.
    pub fn validator_data(&self) -> Result<ValidatorData> {
        <ValidatorData as SolType>::abi_decode(&self.data).map_err(|e| GuardianError::Decode {
            what: format!("stored registration {}", self.validator_id),
            reason: e.to_string(),
        })
    }
}

/// A validator this guardian's own scan decided to eject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EjectionCandidate {
    /// Validator id.
    pub validator_id: U256,
    /// Beacon-chain index.
    pub validator_index: u64,
    /// The exit message's epoch (its activation epoch: deterministic across guardians).
    pub epoch: u64,
    /// Why.
    pub reason: report::ExitReason,
    /// Whether the combined exit was accepted by the beacon node.
    pub submitted: bool,
}

/// Limits a guardian applies to what it signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardianParams {
    /// Longest deadline accepted, seconds from the chain's now.
    pub max_deadline_secs: u64,
    /// Ejection balance, Gwei (31 ETH).
    pub ejection_balance_gwei: u64,
}

impl Default for GuardianParams {
    fn default() -> Self {
        Self {
            max_deadline_secs: 3_600,
            ejection_balance_gwei: 31_000_000_000,
        }
    }
}

fn id_key(id: U256) -> String {
    format!("{id:0>78}")
}

fn ledger_key(kind: &str, id: &str) -> String {
    format!("{kind}/{id}")
}

/// One guardian: operator identity, enclave, persistent store, network, limits.
pub struct Guardian {
    operator: Address,
    enclave: Arc<dyn Enclave>,
    store: Arc<dyn Store>,
    network: Network,
    params: GuardianParams,
    sign_lock: Mutex<()>,
}

impl std::fmt::Debug for Guardian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guardian")
            .field("operator", &self.operator)
            .field("enclave", &self.enclave.address())
            .finish_non_exhaustive()
    }
}

impl Guardian {
    /// A guardian with operator address `operator` (its position in the on-chain set is its share index).
    pub fn new(
        operator: Address,
        enclave: Arc<dyn Enclave>,
        store: Arc<dyn Store>,
        network: Network,
        params: GuardianParams,
    ) -> Self {
        Self {
            operator,
            enclave,
            store,
            network,
            params,
            sign_lock: Mutex::new(()),
        }
    }

    /// The operator address.
    pub fn operator(&self) -> Address {
        self.operator
    }

    /// The enclave.
    pub fn enclave(&self) -> &Arc<dyn Enclave> {
        &self.enclave
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The beacon network (signing domains).
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The limits.
    pub fn params(&self) -> &GuardianParams {
        &self.params
    }

    /// Custody-checks a registration once and records it with its verdict; later calls return the recorded
    /// verdict (a restart does not re-decide).
    ///
    /// # Errors
    /// Store errors; [`GuardianError::Refused`] when this guardian is not in `facts`' set.
    pub fn record_registration(
        &self,
        registration: &Registration,
        facts: &ChainFacts,
        genesis_fork_version: [u8; 4],
        withdrawal_credentials: B256,
    ) -> Result<Verdict> {
        let key = id_key(registration.validator_id);
        if let Some(v) = get_json::<Verdict>(&*self.store, Table::Verdicts, &key)? {
            return Ok(v);
        }
        let index = facts.index_of(self.operator).ok_or_else(|| {
            GuardianError::Refused(format!("{} is not a guardian", self.operator))
        })?;
        let ctx = CustodyContext {
            genesis_fork_version,
            guardian_index: index,
            guardian_count: facts.guardians.len(),
            threshold: facts.threshold,
            withdrawal_credentials,
        };
        let verdict = custody::check_custody(&*self.enclave, &ctx, &registration.data);
        let stored = StoredRegistration {
            validator_id: registration.validator_id,
            strategy: registration.strategy,
            owner: registration.owner,
            months: registration.months,
            data: registration.data.abi_encode().into(),
        };
        put_json(&*self.store, Table::Registrations, &key, &stored)?;
        put_json(&*self.store, Table::Verdicts, &key, &verdict)?;
        match &verdict {
            Verdict::Approve => {
                info!(validator = %registration.validator_id, "custody check passed")
            }
            Verdict::Skip { reason, detail } => {
                warn!(validator = %registration.validator_id, ?reason, detail, "custody check failed: will skip")
            }
        }
        Ok(verdict)
    }

    /// The recorded verdict of a validator.
    ///
    /// # Errors
    /// Store errors.
    pub fn verdict(&self, validator_id: U256) -> Result<Option<Verdict>> {
        get_json(&*self.store, Table::Verdicts, &id_key(validator_id))
    }

    /// The recorded registration of a validator.
    ///
    /// # Errors
    /// Store errors.
    pub fn registration(&self, validator_id: U256) -> Result<Option<StoredRegistration>> {
        get_json(&*self.store, Table::Registrations, &id_key(validator_id))
    }

    /// Every recorded registration, by id.
    ///
    /// # Errors
    /// Store errors.
    pub fn registrations(&self) -> Result<Vec<StoredRegistration>> {
        self.store
            .list(Table::Registrations)?
            .into_iter()
            .map(|(k, v)| {
                serde_json::from_slice(&v).map_err(|e| GuardianError::Decode {
                    what: format!("registration {k}"),
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// This guardian's complaint that its own share of `validator_id` failed (to attach to a skip request).
    ///
    /// # Errors
    /// [`GuardianError::Refused`] unless its own verdict is a share failure.
    pub fn share_complaint(&self, validator_id: U256, facts: &ChainFacts) -> Result<Option<Bytes>> {
        match self.verdict(validator_id)? {
            Some(Verdict::Skip {
                reason: custody::SkipReason::ShareMismatch | custody::SkipReason::ShareUndecryptable,
                ..
            }) => {
                let digest = digest::share_complaint(facts.chain_id, facts.protocol, validator_id);
                Ok(Some(self.enclave.sign_digest(digest)?.to_vec().into()))
            }
            _ => Ok(None),
        }
    }

    /// Records this guardian's own report for a spurt (built with [`report::build_report`]): it will sign
    /// only a report with exactly this content, and serves the trees.
    ///
    /// # Errors
    /// Store errors.
    pub fn record_report(&self, build: &SpurtBuild) -> Result<()> {
        let spurt = build.trees.spurt;
        let content: Bytes = report::report_content(&build.report).abi_encode().into();
        put_json(
            &*self.store,
            Table::Reports,
            &format!("{spurt:020}/content"),
            &content,
        )?;
        put_json(
            &*self.store,
            Table::Reports,
            &format!("{spurt:020}/trees"),
            &build.trees,
        )
    }

    /// Records trees checked against the posted report's roots ([`report::verify_trees`]): what
    /// `/rewards/{spurt}` serves.
    ///
    /// # Errors
    /// Store errors.
    pub fn record_published(&self, trees: &SpurtTrees) -> Result<()> {
        put_json(
            &*self.store,
            Table::Reports,
            &format!("{:020}/published", trees.spurt),
            trees,
        )
    }

    /// The trees of a posted spurt, checked against the chain's roots (`None` until checked).
    ///
    /// # Errors
    /// Store errors.
    pub fn published_trees(&self, spurt: u64) -> Result<Option<SpurtTrees>> {
        get_json(
            &*self.store,
            Table::Reports,
            &format!("{spurt:020}/published"),
        )
    }

    /// The trees and proofs of a spurt this guardian computed.
    ///
    /// # Errors
    /// Store errors.
    pub fn trees(&self, spurt: u64) -> Result<Option<SpurtTrees>> {
        get_json(&*self.store, Table::Reports, &format!("{spurt:020}/trees"))
    }

    /// Records a validator this guardian's own scan decided to eject (keeps an earlier record).
    ///
    /// # Errors
    /// Store errors.
    pub fn record_ejection(&self, candidate: &EjectionCandidate) -> Result<()> {
        let bytes = serde_json::to_vec(candidate).map_err(|e| GuardianError::Decode {
            what: "ejection".into(),
            reason: e.to_string(),
        })?;
        if self
            .store
            .insert_new(Table::Ejections, &id_key(candidate.validator_id), &bytes)?
        {
            info!(validator = %candidate.validator_id, reason = ?candidate.reason, "ejection decided");
        }
        Ok(())
    }

    /// Marks an ejection as accepted by the beacon node.
    ///
    /// # Errors
    /// Store errors.
    pub fn mark_ejection_submitted(&self, validator_id: U256) -> Result<()> {
        let key = id_key(validator_id);
        if let Some(mut c) = get_json::<EjectionCandidate>(&*self.store, Table::Ejections, &key)? {
            c.submitted = true;
            put_json(&*self.store, Table::Ejections, &key, &c)?;
        }
        Ok(())
    }

    /// The ejections this guardian decided.
    ///
    /// # Errors
    /// Store errors.
    pub fn ejections(&self) -> Result<Vec<EjectionCandidate>> {
        self.store
            .list(Table::Ejections)?
            .into_iter()
            .map(|(k, v)| {
                serde_json::from_slice(&v).map_err(|e| GuardianError::Decode {
                    what: format!("ejection {k}"),
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// What this guardian should ask its peers for now about the schedule's head: a skip when the head failed
    /// custody (with this guardian's complaint when its own share is what failed), otherwise a provisioning
    /// batch of the leading custody-approved validators, as many as `available_wei` funds (32 ETH each, at most
    /// [`MAX_BATCH`]). `None` when there is nothing to do (empty schedule, head not checked yet, no funds).
    /// The daemon's loop uses it; the simulator can too.
    ///
    /// # Errors
    /// Store and enclave errors.
    pub fn provisioning_request(
        &self,
        facts: &ChainFacts,
        available_wei: U256,
        deadline: u64,
    ) -> Result<Option<SignRequest>> {
        let Some(first) = facts.next_validators.first().copied() else {
            return Ok(None);
        };
        match self.verdict(first)? {
            None => Ok(None),
            Some(Verdict::Skip { .. }) => Ok(Some(SignRequest::Skip {
                validator_id: first,
                deadline,
                complaint: self.share_complaint(first, facts)?,
            })),
            Some(Verdict::Approve) => {
                let fundable = usize::try_from(available_wei / report::ETH_PER_VALIDATOR_WEI)
                    .unwrap_or(usize::MAX)
                    .min(MAX_BATCH);
                let mut ids = Vec::new();
                for id in &facts.next_validators {
                    if ids.len() >= fundable || self.verdict(*id)? != Some(Verdict::Approve) {
                        break;
                    }
                    ids.push(*id);
                }
                Ok((!ids.is_empty()).then(|| SignRequest::Provision {
                    validator_ids: ids,
                    deposit_root: facts.deposit_root,
                    deadline,
                }))
            }
        }
    }

    /// Applies the ejection rule ([`crate::ejection::ejection_reason`]) to one validator's beacon record and
    /// records the decision; returns the candidate when it is to be ejected.
    ///
    /// # Errors
    /// Store errors.
    pub fn scan_validator(
        &self,
        validator_id: U256,
        record: &puffer_beacon::types::ValidatorData,
        commitment_expired: bool,
        strategy_slashed: bool,
    ) -> Result<Option<EjectionCandidate>> {
        let Some(reason) = crate::ejection::ejection_reason(
            record.status,
            record.balance,
            self.params.ejection_balance_gwei,
            commitment_expired,
            strategy_slashed,
        ) else {
            return Ok(None);
        };
        let candidate = EjectionCandidate {
            validator_id,
            validator_index: record.index,
            epoch: record.validator.activation_epoch,
            reason,
            submitted: false,
        };
        self.record_ejection(&candidate)?;
        Ok(Some(candidate))
    }

    /// The exit requests of the ejections this guardian decided that are not yet accepted by the beacon node.
    ///
    /// # Errors
    /// Store errors.
    pub fn exit_requests(&self) -> Result<Vec<SignRequest>> {
        Ok(self
            .ejections()?
            .into_iter()
            .filter(|c| !c.submitted)
            .map(|c| SignRequest::Exit {
                validator_id: c.validator_id,
                validator_index: c.validator_index,
                epoch: c.epoch,
            })
            .collect())
    }

    fn check_deadline(&self, deadline: u64, facts: &ChainFacts) -> Result<()> {
        if deadline <= facts.now
            || deadline > facts.now.saturating_add(self.params.max_deadline_secs)
        {
            return Err(GuardianError::Refused(format!(
                "deadline {deadline} outside ({}, {}]",
                facts.now,
                facts.now.saturating_add(self.params.max_deadline_secs)
            )));
        }
        Ok(())
    }

    /// The EIP-712 digest (or the exit signing root) `request` asks to sign, after checking that this
    /// guardian's own view allows it. Does not sign. Requesters use it to verify answers.
    ///
    /// # Errors
    /// [`GuardianError::Refused`] naming the rule that forbids it; store errors.
    pub fn check_request(&self, request: &SignRequest, facts: &ChainFacts) -> Result<Planned> {
        match request {
            SignRequest::Provision {
                validator_ids,
                deposit_root,
                deadline,
            } => {
                if validator_ids.is_empty() || validator_ids.len() > MAX_BATCH {
                    return Err(GuardianError::Refused(format!(
                        "batch of {} validators, expected 1..={MAX_BATCH}",
                        validator_ids.len()
                    )));
                }
                if !facts.next_validators.starts_with(validator_ids) {
                    return Err(GuardianError::Refused(format!(
                        "validators {validator_ids:?} are not the schedule's next ({:?})",
                        facts.next_validators
                    )));
                }
                if *deposit_root != facts.deposit_root {
                    return Err(GuardianError::Refused(format!(
                        "deposit root {deposit_root} is not the current {}",
                        facts.deposit_root
                    )));
                }
                self.check_deadline(*deadline, facts)?;
                let mut pubkeys = Vec::with_capacity(validator_ids.len());
                for id in validator_ids {
                    match self.verdict(*id)? {
                        Some(Verdict::Approve) => {}
                        Some(Verdict::Skip { reason, .. }) => {
                            return Err(GuardianError::Refused(format!(
                                "validator {id} failed custody ({reason:?})"
                            )));
                        }
                        None => {
                            return Err(GuardianError::Refused(format!(
                                "validator {id} not custody-checked yet"
                            )));
                        }
                    }
                    let skip_key = ledger_key("skip", &id.to_string());
                    if self.store.get(Table::Ledger, &skip_key)?.is_some() {
                        return Err(GuardianError::Refused(format!(
                            "validator {id}: this guardian signed its skip"
                        )));
                    }
                    let reg = self
                        .registration(*id)?
                        .ok_or(GuardianError::UnknownValidator(*id))?;
                    pubkeys.push(reg.validator_data()?.pubkey.to_vec());
                }
                let refs: Vec<&[u8]> = pubkeys.iter().map(Vec::as_slice).collect();
                let digest = digest::provision_batch(
                    facts.chain_id,
                    facts.protocol,
                    validator_ids,
                    &refs,
                    *deposit_root,
                    *deadline,
                );
                let content = keccak256((validator_ids.clone(), *deposit_root).abi_encode());
                Ok(Planned {
                    ledger: validator_ids
                        .iter()
                        .map(|id| ledger_key("provision", &id.to_string()))
                        .collect(),
                    content,
                    digest,
                    valid_until: *deadline,
                    new_content_after_expiry: true,
                    exit: None,
                })
            }
            SignRequest::Skip {
                validator_id,
                deadline,
                complaint,
            } => {
                match (self.verdict(*validator_id)?, complaint) {
                    (Some(Verdict::Skip { .. }), _) => {}
                    (Some(Verdict::Approve), Some(complaint)) => {
                        let digest =
                            digest::share_complaint(facts.chain_id, facts.protocol, *validator_id);
                        let signer = recover(digest, complaint).ok_or_else(|| {
                            GuardianError::Refused(format!(
                                "malformed share complaint for validator {validator_id}"
                            ))
                        })?;
                        if !facts.enclave_keys.contains(&signer) || signer == self.enclave.address()
                        {
                            return Err(GuardianError::Refused(format!(
                                "share complaint for validator {validator_id} signed by {signer}, not another guardian"
                            )));
                        }
                        warn!(validator = %validator_id, %signer, "guardian complains its share is bad: signing skip");
                    }
                    (other, _) => {
                        return Err(GuardianError::Refused(format!(
                            "validator {validator_id} has verdict {other:?}, not skip"
                        )));
                    }
                }
                let provision_key = ledger_key("provision", &validator_id.to_string());
                if let Some(rec) =
                    get_json::<SignRecord>(&*self.store, Table::Ledger, &provision_key)?
                    && rec.valid_until >= facts.now
                {
                    return Err(GuardianError::ConflictingSignature {
                        kind: "skip",
                        id: provision_key,
                        recorded: rec.digest,
                        requested: B256::ZERO,
                        valid_until: rec.valid_until,
                    });
                }
                self.check_deadline(*deadline, facts)?;
                Ok(Planned {
                    ledger: vec![ledger_key("skip", &validator_id.to_string())],
                    content: keccak256(validator_id.abi_encode()),
                    digest: digest::skip(facts.chain_id, facts.protocol, *validator_id, *deadline),
                    valid_until: *deadline,
                    new_content_after_expiry: true,
                    exit: None,
                })
            }
            SignRequest::Report { report: encoded } => {
                let reporter = facts
                    .reporter
                    .ok_or_else(|| GuardianError::Refused("no SpurtReporter deployed".into()))?;
                let report = <SpurtReport as SolType>::abi_decode(encoded)
                    .map_err(|e| GuardianError::Refused(format!("report does not decode: {e}")))?;
                let spurt = u64::try_from(report.spurt).map_err(|_| {
                    GuardianError::Refused(format!("spurt {} out of range", report.spurt))
                })?;
                let deadline = u64::try_from(report.deadline).map_err(|_| {
                    GuardianError::Refused(format!("deadline {} out of range", report.deadline))
                })?;
                let own: Option<Bytes> = get_json(
                    &*self.store,
                    Table::Reports,
                    &format!("{spurt:020}/content"),
                )?;
                let content_bytes: Bytes = report::report_content(&report).abi_encode().into();
                match own {
                    None => {
                        return Err(GuardianError::Refused(format!(
                            "no own report for spurt {spurt} yet"
                        )));
                    }
                    Some(own) if own != content_bytes => {
                        return Err(GuardianError::Refused(format!(
                            "report for spurt {spurt} differs from this guardian's (hash {} vs {})",
                            keccak256(&content_bytes),
                            keccak256(&own)
                        )));
                    }
                    Some(_) => {}
                }
                self.check_deadline(deadline, facts)?;
                Ok(Planned {
                    ledger: vec![ledger_key("report", &spurt.to_string())],
                    content: keccak256(&content_bytes),
                    digest: digest::report(facts.chain_id, reporter, &report),
                    valid_until: deadline,
                    new_content_after_expiry: false,
                    exit: None,
                })
            }
            SignRequest::Exit {
                validator_id,
                validator_index,
                epoch,
            } => {
                let candidate: EjectionCandidate = get_json(
                    &*self.store,
                    Table::Ejections,
                    &id_key(*validator_id),
                )?
                .ok_or_else(|| {
                    GuardianError::Refused(format!(
                        "validator {validator_id} is not to be ejected by this guardian's scan"
                    ))
                })?;
                if candidate.validator_index != *validator_index || candidate.epoch != *epoch {
                    return Err(GuardianError::Refused(format!(
                        "exit of validator {validator_id} as index {validator_index} epoch {epoch}, but this guardian \
                         decided index {} epoch {}",
                        candidate.validator_index, candidate.epoch
                    )));
                }
                let exit = VoluntaryExit {
                    epoch: *epoch,
                    validator_index: *validator_index,
                };
                let root = B256::from(exit.signing_root(&self.network));
                Ok(Planned {
                    ledger: vec![ledger_key("exit", &validator_id.to_string())],
                    content: keccak256(
                        (U256::from(*validator_index), U256::from(*epoch)).abi_encode(),
                    ),
                    digest: root,
                    valid_until: u64::MAX,
                    new_content_after_expiry: false,
                    exit: Some((*validator_id, exit)),
                })
            }
        }
    }

    /// Answers a signing request: checks it against this guardian's own view, checks the signing ledger,
    /// signs, records durably, then returns the signature. An identical repeated request gets the recorded
    /// signature again.
    ///
    /// # Errors
    /// [`GuardianError::Refused`] (the protocol does not allow it now), [`GuardianError::ConflictingSignature`]
    /// (a different valid signature exists), store and enclave errors.
    pub fn respond(&self, request: &SignRequest, facts: &ChainFacts) -> Result<SignResponse> {
        let planned = self.check_request(request, facts)?;
        let _guard = self
            .sign_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut identical: Option<SignResponse> = None;
        for key in &planned.ledger {
            if let Some(rec) = get_json::<SignRecord>(&*self.store, Table::Ledger, key)? {
                if rec.digest == planned.digest {
                    identical = Some(rec.response.clone());
                    continue;
                }
                // The same content under another deadline conflicts with nothing (the contract takes it at most
                // once); different content only once the earlier signature can no longer be used, and never for
                // reports.
                let expired = rec.valid_until < facts.now;
                let allowed =
                    rec.content == planned.content || (expired && planned.new_content_after_expiry);
                if !allowed {
                    return Err(GuardianError::ConflictingSignature {
                        kind: request.kind(),
                        id: key.clone(),
                        recorded: rec.digest,
                        requested: planned.digest,
                        valid_until: rec.valid_until,
                    });
                }
            }
        }
        if let Some(response) = identical {
            return Ok(response);
        }
        let response = match &planned.exit {
            None => SignResponse::Signature {
                signature: self.enclave.sign_digest(planned.digest)?.to_vec().into(),
            },
            Some((validator_id, exit)) => {
                let index = facts.index_of(self.operator).ok_or_else(|| {
                    GuardianError::Refused(format!("{} is not a guardian", self.operator))
                })?;
                let reg = self
                    .registration(*validator_id)?
                    .ok_or(GuardianError::UnknownValidator(*validator_id))?;
                let data = reg.validator_data()?;
                let ciphertext = custody::encrypted_share(&data, index).ok_or_else(|| {
                    GuardianError::Refused(format!("validator {validator_id} has no share {index}"))
                })?;
                let partial =
                    self.enclave
                        .partial_sign_exit(index, ciphertext, exit, &self.network)?;
                SignResponse::Partial {
                    partial: partial.to_json(),
                }
            }
        };
        let record = SignRecord {
            content: planned.content,
            digest: planned.digest,
            valid_until: planned.valid_until,
            response: response.clone(),
        };
        for key in &planned.ledger {
            put_json(&*self.store, Table::Ledger, key, &record)?;
        }
        Ok(response)
    }
}

fn recover(digest: B256, signature: &[u8]) -> Option<Address> {
    let raw: [u8; 65] = signature.try_into().ok()?;
    alloy::primitives::Signature::from_raw(&raw)
        .ok()?
        .recover_address_from_prehash(&digest)
        .ok()
}

/// What a request would sign, after the rules allowed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Ledger keys (one per validator of a batch).
    pub ledger: Vec<String>,
    /// Content hash (without the deadline).
    pub content: B256,
    /// EIP-712 digest, or the exit's signing root.
    pub digest: B256,
    /// Until when the signature is usable.
    pub valid_until: u64,
    /// Whether a different content may be signed once the earlier signature expired.
    pub new_content_after_expiry: bool,
    /// For exits: the validator id and the message.
    pub exit: Option<(U256, VoluntaryExit)>,
}
