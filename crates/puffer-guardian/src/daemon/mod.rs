//! The daemon (`puffer guardian run`): the library's rules driven by timers against an Ethereum node (RPC) and a
//! beacon node (HTTP), with a redb database, an authenticated peer API and metrics.
//!
//! One loop per guardian, every `poll_millis` (doubling up to 30 s after a failed step): read the chain view;
//! custody-check new registrations; provision (or skip) the schedule's next validators through a peer quorum;
//! once per beacon epoch scan the balances of the provisioned validators and eject (partial exits gathered,
//! verified, combined, submitted to the beacon node); when a spurt is due, compute the report, gather a quorum
//! and post it, then process its activations. Any guardian may submit; duplicates revert harmlessly.

pub mod auth;
pub mod config;
pub mod metrics;
pub mod server;

use std::{
    collections::BTreeMap,
    future::Future,
    net::SocketAddr,
    path::Path,
    pin::Pin,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
};
use puffer_beacon::{
    BeaconClient, BeaconNode, BlockId, StateId, ValidatorId,
    types::{Spec, ValidatorStatus},
};
use puffer_chain::{
    Chain, Deployment, RpcChain, SpurtClock, SpurtReports,
    bindings::{IPufferProtocolTypes::ValidatorKey, PufferProtocol},
    contract::call_decode,
};
use puffer_keys::network::Network;
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use tracing::{debug, info, warn};

use self::{
    config::DaemonConfig,
    metrics::Metrics,
    server::{ApiState, FactsSource, HttpPeers},
};
use crate::{
    custody::Verdict,
    duties::{ChainFacts, Guardian, GuardianParams, SignRequest},
    ejection,
    enclave::{Enclave, SealedEnclave},
    error::{GuardianError, Result},
    observe::{self, Observation, ObservedValidator, SpurtWindow},
    quorum::{gather_exit, gather_signatures},
    report::{PostedRoots, SpurtInputs, StrategyInput, build_report},
    store::{RedbStore, Store, Table, get_json, put_json},
    view::ChainView,
};

/// Validators of the schedule looked at per round.
pub const LOOKAHEAD: u64 = 8;
/// Deadlines are the end of the current 60-second bucket plus this: every guardian reading the chain in the
/// same minute asks for the same deadline, and a deadline always leaves at least this long to submit.
pub const DEADLINE_SLACK_SECS: u64 = 300;

/// The deadline guardians use for approvals asked at chain time `now`.
pub fn deadline_for(now: u64) -> u64 {
    (now / 60 + 1) * 60 + DEADLINE_SLACK_SECS
}

/// The RPC chain owns a tokio runtime of its own, which must not be dropped on an async worker thread: the
/// cell hands it to a plain thread on drop (when the daemon's last task goes away, e.g. on abort).
struct ChainCell(Mutex<Option<RpcChain>>);

impl Drop for ChainCell {
    fn drop(&mut self) {
        let chain = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(chain) = chain {
            std::thread::spawn(move || drop(chain));
        }
    }
}

type SharedChain = Arc<ChainCell>;

async fn with_chain<T: Send + 'static>(
    chain: &SharedChain,
    f: impl FnOnce(&mut RpcChain) -> Result<T> + Send + 'static,
) -> Result<T> {
    let chain = chain.clone();
    tokio::task::spawn_blocking(move || {
        let mut guard = chain
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match guard.as_mut() {
            Some(c) => f(c),
            None => Err(GuardianError::Refused("chain connection closed".into())),
        }
    })
    .await
    .map_err(|e| GuardianError::Refused(format!("chain task failed: {e}")))?
}

struct RpcFacts {
    chain: SharedChain,
    view: ChainView,
}

impl FactsSource for RpcFacts {
    fn facts(&self) -> Pin<Box<dyn Future<Output = Result<ChainFacts>> + Send + '_>> {
        let view = self.view.clone();
        Box::pin(with_chain(&self.chain, move |c| view.facts(c, LOOKAHEAD)))
    }
}

/// A running daemon.
#[derive(Debug)]
pub struct DaemonHandle {
    /// Where the peer API listens.
    pub listen: SocketAddr,
    /// Where the separate metrics endpoint listens, if configured.
    pub metrics_listen: Option<SocketAddr>,
    /// The guardian's operator address.
    pub operator: Address,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    tasks: Vec<JoinHandle<()>>,
    shutdown: watch::Sender<bool>,
}

impl DaemonHandle {
    /// Stops every task at once, wherever it is (the `kill -9` of tests): nothing is flushed beyond what the
    /// database already committed.
    pub fn abort(self) {
        for t in &self.tasks {
            t.abort();
        }
    }

    /// Asks the loop to stop after its current step, waits for it, then stops the HTTP servers.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(worker) = self.tasks.pop() {
            let _ = worker.await;
        }
        for t in &self.tasks {
            t.abort();
        }
    }

    /// Waits for the daemon's tasks (they end on shutdown only).
    pub async fn wait(self) {
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

fn read_secret_file(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|source| GuardianError::Io {
            path: format!("{what} {}", path.display()),
            source,
        })
}

/// Reads the operator key file (0x-hex).
///
/// # Errors
/// [`GuardianError::Io`] or [`GuardianError::Config`] naming the file.
pub fn read_operator_key(path: &Path) -> Result<PrivateKeySigner> {
    let text = read_secret_file(path, "operator key")?;
    text.parse::<PrivateKeySigner>()
        .map_err(|e| GuardianError::Config(format!("operator key {}: {e}", path.display())))
}

/// The beacon network (signing domains) from the node.
///
/// # Errors
/// Beacon errors.
pub async fn network_from_beacon<B: BeaconNode>(beacon: &B) -> Result<(Network, Spec, u64)> {
    let genesis = beacon.genesis().await?;
    let spec = beacon.spec().await?;
    let network = Network {
        name: "beacon".into(),
        genesis_fork_version: genesis.genesis_fork_version.0,
        capella_fork_version: spec.capella_fork_version.0,
        genesis_validators_root: genesis.genesis_validators_root.0,
    };
    Ok((network, spec, genesis.genesis_time))
}

/// Starts a daemon: opens the enclave and the database, connects, binds, spawns the API and the loop.
///
/// # Errors
/// Configuration, enclave, database, connection and bind errors, each naming the bad value.
pub async fn start(config: DaemonConfig) -> Result<DaemonHandle> {
    let operator = read_operator_key(&config.operator_key_file)?;
    let passphrase = match &config.enclave_passphrase_file {
        Some(p) => read_secret_file(p, "enclave passphrase")?,
        None => std::env::var("PUFFER_GUARDIAN_ENCLAVE_PASSPHRASE").map_err(|_| {
            GuardianError::Config(
                "no enclave passphrase: set enclave_passphrase_file or PUFFER_GUARDIAN_ENCLAVE_PASSPHRASE".into(),
            )
        })?,
    };
    let enclave_path = config.enclave_file.clone();
    let enclave = tokio::task::spawn_blocking(move || {
        SealedEnclave::open(&enclave_path, passphrase.as_bytes())
    })
    .await
    .map_err(|e| GuardianError::Refused(e.to_string()))??;
    std::fs::create_dir_all(&config.data_dir).map_err(|source| GuardianError::Io {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    let store: Arc<dyn Store> = Arc::new(RedbStore::open(&config.data_dir.join("guardian.redb"))?);
    let deployment = Deployment::read(&config.deployment)?;
    let rpc_url = config.rpc_url.clone();
    let chain = tokio::task::spawn_blocking(move || RpcChain::connect(&rpc_url))
        .await
        .map_err(|e| GuardianError::Refused(e.to_string()))??;
    let chain_id = chain.chain_id();
    let chain: SharedChain = Arc::new(ChainCell(Mutex::new(Some(chain))));
    let view = ChainView::new(&deployment)?;
    let reports = SpurtReports::new(&deployment).ok();
    let beacon = BeaconClient::new(&config.beacon_url)?;
    // The beacon node may come up a moment after us (a devnet starting): retry for up to 30 s.
    let mut wait = Duration::from_millis(100);
    let started = Instant::now();
    let (network, spec, genesis_time) = loop {
        match network_from_beacon(&beacon).await {
            Ok(v) => break v,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                warn!(url = %config.beacon_url, error = %e, "beacon node not ready; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    };
    let metrics = Arc::new(Metrics::default());
    let guardian = Arc::new(Guardian::new(
        operator.address(),
        Arc::new(enclave) as Arc<dyn Enclave>,
        store,
        network.clone(),
        GuardianParams::default(),
    ));
    let peers = HttpPeers::new(
        operator.clone(),
        chain_id,
        config.peers.clone(),
        metrics.clone(),
    )?;
    let state = ApiState {
        guardian: guardian.clone(),
        facts: Arc::new(RpcFacts {
            chain: chain.clone(),
            view: view.clone(),
        }),
        metrics: metrics.clone(),
    };
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| GuardianError::Io {
            path: format!("listen {}", config.listen),
            source,
        })?;
    let listen = listener.local_addr().map_err(|source| GuardianError::Io {
        path: "listen".into(),
        source,
    })?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let mut tasks = Vec::new();
    let app = server::router(state.clone());
    tasks.push(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            warn!(error = %e, "API server stopped");
        }
    }));
    let mut metrics_listen = None;
    if let Some(addr) = config.metrics {
        let l = TcpListener::bind(addr)
            .await
            .map_err(|source| GuardianError::Io {
                path: format!("metrics {addr}"),
                source,
            })?;
        metrics_listen = l.local_addr().ok();
        let app: axum::Router = server::ops_router(state);
        tasks.push(tokio::spawn(async move {
            if let Err(e) = axum::serve(l, app).await {
                warn!(error = %e, "metrics server stopped");
            }
        }));
    }
    info!(operator = %operator.address(), enclave = %guardian.enclave().address(), %listen, "guardian started");
    let worker = Worker {
        guardian,
        chain,
        view,
        reports,
        beacon,
        peers,
        metrics: metrics.clone(),
        operator: operator.clone(),
        spec,
        genesis_time,
        poll: Duration::from_millis(config.poll_millis.max(10)),
        last_scan_epoch: None,
        last_expiry_spurt: None,
    };
    tasks.push(tokio::spawn(worker.run(shutdown_rx)));
    Ok(DaemonHandle {
        listen,
        metrics_listen,
        operator: operator.address(),
        metrics,
        tasks,
        shutdown,
    })
}

struct Worker {
    guardian: Arc<Guardian>,
    chain: SharedChain,
    view: ChainView,
    reports: Option<SpurtReports>,
    beacon: BeaconClient,
    peers: HttpPeers,
    metrics: Arc<Metrics>,
    operator: PrivateKeySigner,
    spec: Spec,
    genesis_time: u64,
    poll: Duration,
    last_scan_epoch: Option<u64>,
    last_expiry_spurt: Option<u64>,
}

fn id_key(id: U256) -> String {
    format!("{id:0>78}")
}

impl Worker {
    async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut delay = self.poll;
        loop {
            match self.tick().await {
                Ok(()) => {
                    delay = self.poll;
                    Metrics::set(&self.metrics.last_tick_unix, auth::unix_now());
                }
                Err(e) => {
                    Metrics::inc(&self.metrics.loop_errors_total);
                    warn!(error = %e, retry_in_ms = (delay * 2).as_millis() as u64, "guardian step failed");
                    delay = (delay * 2).min(Duration::from_secs(30));
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn tick(&mut self) -> Result<()> {
        let view = self.view.clone();
        let facts = with_chain(&self.chain, move |c| view.facts(c, LOOKAHEAD))
            .await
            .inspect_err(|_| Metrics::inc(&self.metrics.rpc_errors_total))?;
        if facts.index_of(self.guardian.operator()).is_none() {
            return Err(GuardianError::Refused(format!(
                "{} is not in the guardian set",
                self.guardian.operator()
            )));
        }
        let mut first_error = None;
        let steps: [(&str, Result<()>); 4] = [
            ("registrations", self.sync_registrations(&facts).await),
            ("provisioning", self.provision(&facts).await),
            ("ejection", self.eject(&facts).await),
            ("report", self.report(&facts).await),
        ];
        for (step, result) in steps {
            if let Err(e) = result {
                warn!(step, error = %e, "step failed");
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn sync_registrations(&self, facts: &ChainFacts) -> Result<()> {
        let guardian = self.guardian.clone();
        let view = self.view.clone();
        let facts = facts.clone();
        let genesis_fork_version = guardian.network().genesis_fork_version;
        let (checked, failed) = with_chain(&self.chain, move |c| {
            let from: u64 = get_json(&**guardian.store(), Table::Cursors, "registrations")?
                .unwrap_or(view.deploy_block);
            let latest = c.block_number()?;
            if from > latest {
                return Ok((0, 0));
            }
            let regs = view.guardian_chain.registrations(c, from, Some(latest))?;
            let mut credentials: BTreeMap<B256, B256> = BTreeMap::new();
            let (mut checked, mut failed) = (0, 0);
            for reg in &regs {
                let wc = match credentials.get(&reg.strategy) {
                    Some(wc) => *wc,
                    None => {
                        let wc = view.withdrawal_credentials(c, reg.strategy)?;
                        credentials.insert(reg.strategy, wc);
                        wc
                    }
                };
                let verdict =
                    guardian.record_registration(reg, &facts, genesis_fork_version, wc)?;
                checked += 1;
                if !verdict.is_approve() {
                    failed += 1;
                }
            }
            put_json(
                &**guardian.store(),
                Table::Cursors,
                "registrations",
                &(latest + 1),
            )?;
            Ok((checked, failed))
        })
        .await?;
        for _ in 0..checked {
            Metrics::inc(&self.metrics.registrations_checked_total);
        }
        for _ in 0..failed {
            Metrics::inc(&self.metrics.registrations_failed_custody_total);
        }
        Ok(())
    }

    async fn provision(&self, facts: &ChainFacts) -> Result<()> {
        if facts.next_validators.is_empty() {
            return Ok(());
        }
        let view = self.view.clone();
        let available = with_chain(&self.chain, move |c| view.available_eth(c))
            .await
            .inspect_err(|_| Metrics::inc(&self.metrics.rpc_errors_total))?;
        let deadline = deadline_for(facts.now);
        let Some(request) = self
            .guardian
            .provisioning_request(facts, available, deadline)?
        else {
            return Ok(());
        };
        let (blob, round) = gather_signatures(&self.guardian, &self.peers, &request, facts).await?;
        self.count_bad(&round);
        let view = self.view.clone();
        let sender = self.operator.clone();
        match request {
            SignRequest::Skip { validator_id, .. } => {
                let sent = with_chain(&self.chain, move |c| {
                    Ok(view.guardian_chain.skip_provisioning(
                        c,
                        &sender,
                        validator_id,
                        deadline,
                        blob,
                    )?)
                })
                .await;
                match sent {
                    Ok(()) => {
                        Metrics::inc(&self.metrics.skipped_total);
                        info!(validator = %validator_id, "skipped");
                    }
                    Err(e) => debug!(validator = %validator_id, error = %e,
                        "skip not submitted (another guardian's may have landed)"),
                }
            }
            SignRequest::Provision {
                validator_ids,
                deposit_root,
                ..
            } => {
                let mut keys = Vec::with_capacity(validator_ids.len());
                for id in &validator_ids {
                    let data = self
                        .guardian
                        .registration(*id)?
                        .ok_or(GuardianError::UnknownValidator(*id))?
                        .validator_data()?;
                    keys.push(ValidatorKey {
                        pubkey: data.pubkey,
                        signature: data.signature,
                    });
                }
                let sent = with_chain(&self.chain, move |c| {
                    Ok(view.guardian_chain.provision_nodes(
                        c,
                        &sender,
                        keys,
                        deposit_root,
                        deadline,
                        blob,
                    )?)
                })
                .await;
                match sent {
                    Ok(done) => {
                        for _ in &done {
                            Metrics::inc(&self.metrics.provisioned_total);
                        }
                        info!(validators = ?done, "provisioned");
                    }
                    Err(e) => {
                        debug!(error = %e, "provisioning not submitted (another guardian's may have landed)")
                    }
                }
            }
            SignRequest::Report { .. } | SignRequest::Exit { .. } => {}
        }
        Ok(())
    }

    fn count_bad(&self, round: &crate::quorum::RoundReport) {
        for _ in &round.bad {
            Metrics::inc(&self.metrics.bad_peer_answers_total);
        }
    }

    /// Beacon indices of the approved registrations, resolved by pubkey once and cached.
    async fn beacon_indices(&self) -> Result<Vec<(U256, u64)>> {
        let store = self.guardian.store().clone();
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for reg in self.guardian.registrations()? {
            if self.guardian.verdict(reg.validator_id)? != Some(Verdict::Approve) {
                continue;
            }
            let key = format!("index/{}", id_key(reg.validator_id));
            match get_json::<u64>(&*store, Table::Cursors, &key)? {
                Some(i) => known.push((reg.validator_id, i)),
                None => {
                    let data = reg.validator_data()?;
                    unknown.push((reg.validator_id, data.pubkey));
                }
            }
        }
        for chunk in unknown.chunks(ejection::SCAN_BATCH) {
            let ids: Vec<ValidatorId> = chunk
                .iter()
                .filter_map(|(_, pk)| <[u8; 48]>::try_from(pk.as_ref()).ok())
                .map(|pk| ValidatorId::Pubkey(pk.into()))
                .collect();
            let found = self
                .beacon
                .validators(StateId::Head, &ids, &[])
                .await
                .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
            for v in found {
                if let Some((id, _)) = chunk
                    .iter()
                    .find(|(_, pk)| pk.as_ref() == v.validator.pubkey.as_slice())
                {
                    put_json(
                        &*store,
                        Table::Cursors,
                        &format!("index/{}", id_key(*id)),
                        &v.index,
                    )?;
                    known.push((*id, v.index));
                }
            }
        }
        Ok(known)
    }

    async fn eject(&mut self, facts: &ChainFacts) -> Result<()> {
        let head = self
            .beacon
            .header(BlockId::Head)
            .await
            .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
        let epoch = head.header.message.slot / self.spec.slots_per_epoch.max(1);
        if self.last_scan_epoch != Some(epoch) {
            let indexed = self.beacon_indices().await?;
            let by_index: BTreeMap<u64, U256> = indexed.iter().map(|(id, i)| (*i, *id)).collect();
            let indices: Vec<u64> = by_index.keys().copied().collect();
            let started = Instant::now();
            let balances = ejection::scan_balances(&self.beacon, &indices)
                .await
                .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
            Metrics::set(&self.metrics.scan_validators, indices.len() as u64);
            Metrics::set(
                &self.metrics.scan_millis,
                started.elapsed().as_millis() as u64,
            );
            let low: Vec<ValidatorId> = balances
                .iter()
                .filter(|b| b.balance < self.guardian.params().ejection_balance_gwei)
                .map(|b| ValidatorId::Index(b.index))
                .collect();
            if !low.is_empty() {
                let records = self
                    .beacon
                    .validators(StateId::Head, &low, &[])
                    .await
                    .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
                for v in records {
                    if let Some(id) = by_index.get(&v.index) {
                        self.guardian.scan_validator(*id, &v, false, false)?;
                    }
                }
            }
            self.slashed_strategies(&by_index).await?;
            self.last_scan_epoch = Some(epoch);
            // Once per epoch, keep the replay table bounded.
            let pruned = auth::prune_nonces(&**self.guardian.store(), auth::unix_now())?;
            if pruned > 0 {
                debug!(pruned, "old peer nonces pruned");
            }
        }
        self.expired_commitments().await?;
        for candidate in self
            .guardian
            .ejections()?
            .into_iter()
            .filter(|c| !c.submitted)
        {
            let request = SignRequest::Exit {
                validator_id: candidate.validator_id,
                validator_index: candidate.validator_index,
                epoch: candidate.epoch,
            };
            let (exit, round) = match gather_exit(&self.guardian, &self.peers, &request, facts)
                .await
            {
                Ok(v) => v,
                Err(e) => {
                    debug!(validator = %candidate.validator_id, error = %e, "no exit quorum yet");
                    continue;
                }
            };
            self.count_bad(&round);
            match self.beacon.submit_voluntary_exit(&exit).await {
                Ok(()) => {
                    Metrics::inc(&self.metrics.exits_submitted_total);
                    info!(validator = %candidate.validator_id, index = candidate.validator_index, reason = ?candidate.reason, "exit accepted by the beacon node");
                    self.guardian
                        .mark_ejection_submitted(candidate.validator_id)?;
                }
                Err(e) => {
                    // Refused because it is no longer active-ongoing (another guardian's exit, or the NoOp's,
                    // was accepted first): nothing left to do. Otherwise retried next round.
                    let status = self
                        .beacon
                        .validator(StateId::Head, ValidatorId::Index(candidate.validator_index))
                        .await
                        .map(|v| v.status);
                    if matches!(status, Ok(s) if s != ValidatorStatus::ActiveOngoing) {
                        debug!(validator = %candidate.validator_id, "already exiting");
                        self.guardian
                            .mark_ejection_submitted(candidate.validator_id)?;
                    } else {
                        Metrics::inc(&self.metrics.beacon_errors_total);
                        warn!(validator = %candidate.validator_id, error = %e, "exit refused by the beacon node");
                    }
                }
            }
        }
        Ok(())
    }

    /// Validators of strategies the DAO marked slashed (`PufferProtocol.strategy(name).slashed`) become ejection
    /// candidates with reason `AVS_SLASHING` (the rule skips those not active-ongoing).
    async fn slashed_strategies(&self, by_index: &BTreeMap<u64, U256>) -> Result<()> {
        let protocol = self.view.protocol;
        let slashed: std::collections::BTreeSet<B256> = with_chain(&self.chain, move |c| {
            Ok(puffer_chain::operator::strategies(c, protocol)?
                .into_iter()
                .filter(|(_, view)| view.slashed)
                .map(|(name, _)| name)
                .collect())
        })
        .await
        .inspect_err(|_| Metrics::inc(&self.metrics.rpc_errors_total))?;
        if slashed.is_empty() {
            return Ok(());
        }
        let in_slashed: std::collections::BTreeSet<U256> = self
            .guardian
            .registrations()?
            .into_iter()
            .filter(|r| slashed.contains(&r.strategy))
            .map(|r| r.validator_id)
            .collect();
        let ids: Vec<ValidatorId> = by_index
            .iter()
            .filter(|(_, id)| in_slashed.contains(id))
            .map(|(index, _)| ValidatorId::Index(*index))
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let records = self
            .beacon
            .validators(StateId::Head, &ids, &[])
            .await
            .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
        for v in records {
            if let Some(id) = by_index.get(&v.index)
                && self
                    .guardian
                    .scan_validator(*id, &v, false, true)?
                    .is_some()
            {
                info!(validator = %id, index = v.index, "strategy marked slashed: ejecting");
            }
        }
        Ok(())
    }

    /// Once per growth spurt (after its reports are in): validators whose smoothing commitment ran out unrenewed (months from their
    /// activation spurt, `SpurtReporter.activationSpurt`; extensions add months on chain) become ejection
    /// candidates with reason `COMMITMENT_EXPIRED`.
    async fn expired_commitments(&mut self) -> Result<()> {
        let Some(reports) = self.reports.clone() else {
            return Ok(());
        };
        let r = reports.clone();
        let clock = with_chain(&self.chain, move |c| Ok(r.clock(c)?)).await?;
        if self.last_expiry_spurt == Some(clock.current) {
            return Ok(());
        }
        let protocol = self.view.protocol;
        let pool = self.view.pool;
        let reporter = reports.address();
        let approved: Vec<U256> = self
            .guardian
            .registrations()?
            .into_iter()
            .map(|r| r.validator_id)
            .filter(|id| matches!(self.guardian.verdict(*id), Ok(Some(Verdict::Approve))))
            .collect();
        let current = clock.current;
        let expired = with_chain(&self.chain, move |c| {
            let length = call_decode(
                c,
                pool,
                &puffer_chain::bindings::PufferPool::spurtLengthCall {},
            )?;
            let length = u64::try_from(length).unwrap_or(u64::MAX);
            let mut expired = Vec::new();
            for id in approved {
                let v = call_decode(
                    c,
                    protocol,
                    &PufferProtocol::validatorCall { validatorId: id },
                )?;
                if v.status != 5 {
                    continue; // only ACTIVE validators have a running commitment
                }
                let a = call_decode(
                    c,
                    reporter,
                    &puffer_chain::bindings::SpurtReporter::activationSpurtCall { validatorId: id },
                )?;
                let start = u64::try_from(a.spurt).unwrap_or(u64::MAX);
                if a.activated
                    && ejection::commitment_expired_at_spurt(
                        start,
                        u64::from(v.months),
                        current,
                        length,
                    )
                {
                    expired.push(id);
                }
            }
            Ok(expired)
        })
        .await?;
        if !expired.is_empty() {
            let indexed: BTreeMap<U256, u64> = self.beacon_indices().await?.into_iter().collect();
            for id in expired {
                let Some(index) = indexed.get(&id) else {
                    continue;
                };
                let record = self
                    .beacon
                    .validator(StateId::Head, ValidatorId::Index(*index))
                    .await
                    .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
                self.guardian.scan_validator(id, &record, true, false)?;
            }
        }
        // Checked for this spurt only once every earlier report is in: a report still due may activate validators
        // (their commitment's start) that this round could not see yet.
        if !clock.report_due() {
            self.last_expiry_spurt = Some(current);
        }
        Ok(())
    }

    async fn report(&self, facts: &ChainFacts) -> Result<()> {
        let Some(reports) = self.reports.clone() else {
            return Ok(());
        };
        let r = reports.clone();
        let clock = with_chain(&self.chain, move |c| Ok(r.clock(c)?)).await?;
        self.publish(&reports, clock.next_report).await?;
        if !clock.report_due() {
            return Ok(());
        }
        let spurt = clock.next_report;
        if self.guardian.trees(spurt)?.is_none() {
            // Built once, when its inputs are final (see `observe`): every later look would give the same.
            let Some((inputs, window)) = self.spurt_inputs(spurt, &clock).await? else {
                return Ok(());
            };
            let build = build_report(&inputs, 0);
            info!(
                spurt,
                validators = inputs.validators.len(),
                active = %build.report.activeValidators,
                beacon_balance_gwei = %build.report.beaconBalanceGwei,
                exits = build.trees.exits.len(),
                exits_shortfall_wei = %build.report.exitsShortfallWei,
                activations = build.trees.activations.len(),
                from_slot = window.from_slot,
                to_slot = window.to_slot,
                "report built"
            );
            self.guardian.record_report(&build)?;
        }
        let content: Option<alloy::primitives::Bytes> = get_json(
            &**self.guardian.store(),
            Table::Reports,
            &format!("{spurt:020}/content"),
        )?;
        let Some(content) = content else {
            return Ok(());
        };
        let mut report =
            <crate::report::SpurtReport as alloy::sol_types::SolType>::abi_decode(&content)
                .map_err(|e| GuardianError::Decode {
                    what: format!("own report {spurt}"),
                    reason: e.to_string(),
                })?;
        let deadline = deadline_for(facts.now);
        report.deadline = U256::from(deadline);
        let request = SignRequest::Report {
            report: alloy::sol_types::SolValue::abi_encode(&report).into(),
        };
        // Peers build their own report when they see the spurt final, a moment apart: no quorum yet is the
        // normal first answer, retried next tick without backing the whole loop off.
        let (blob, round) =
            match gather_signatures(&self.guardian, &self.peers, &request, facts).await {
                Ok(v) => v,
                Err(GuardianError::NoQuorum { .. }) => {
                    debug!(spurt, "no quorum for the report yet");
                    return Ok(());
                }
                Err(e) => return Err(e),
            };
        self.count_bad(&round);
        let sender = self.operator.clone();
        let r = reports.clone();
        let posted = with_chain(&self.chain, move |c| Ok(r.post(c, &sender, &report, blob)?)).await;
        match posted {
            Ok(_) => {
                Metrics::inc(&self.metrics.reports_posted_total);
                info!(spurt, "report posted");
                self.publish(&reports, spurt + 1).await?;
            }
            Err(e) => {
                // Another guardian's landing first is the common case; anything else is worth seeing.
                let r = reports.clone();
                let landed = with_chain(&self.chain, move |c| Ok(r.clock(c)?.next_report > spurt))
                    .await
                    .unwrap_or(false);
                if landed {
                    debug!(spurt, "report posted by another guardian first");
                } else {
                    // E.g. a real rate move above `maxRateChangeBps` (the DAO's emergency path): the step fails
                    // and the loop backs off.
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// For every posted spurt before `next_report` whose trees are not published yet: check this guardian's
    /// own trees against the chain's roots, or else a peer's; publish the first that passes (what
    /// `/rewards/{spurt}` serves), then process the spurt's activations and exits (any guardian may; chunks
    /// already processed revert and are skipped).
    async fn publish(&self, reports: &SpurtReports, next_report: u64) -> Result<()> {
        let store = self.guardian.store().clone();
        let first: u64 = get_json(&*store, Table::Cursors, "published")?.unwrap_or(0);
        for spurt in first..next_report {
            let r = reports.clone();
            let from_block = self.view.deploy_block;
            let roots =
                with_chain(&self.chain, move |c| posted_roots(c, &r, from_block, spurt)).await?;
            let Some(roots) = roots else {
                return Ok(()); // the node has not indexed the event yet
            };
            let own = self.guardian.trees(spurt)?;
            let mut chosen = match own.map(|t| (crate::report::verify_trees(&t, &roots), t)) {
                Some((Ok(()), t)) => Some(t),
                Some((Err(why), _)) => {
                    warn!(spurt, %why, "own trees differ from the posted report; taking a peer's");
                    None
                }
                None => None,
            };
            if chosen.is_none() {
                for (peer, trees) in self.peers.published_trees(spurt).await {
                    match crate::report::verify_trees(&trees, &roots) {
                        Ok(()) => {
                            info!(spurt, %peer, "trees taken from a peer and checked against the chain");
                            chosen = Some(trees);
                            break;
                        }
                        Err(why) => {
                            Metrics::inc(&self.metrics.bad_peer_answers_total);
                            warn!(spurt, %peer, %why, "peer's trees do not match the posted report");
                        }
                    }
                }
            }
            let Some(trees) = chosen else {
                debug!(spurt, "no checked trees yet; retrying");
                return Ok(());
            };
            self.guardian.record_published(&trees)?;
            let sender = self.operator.clone();
            let r = reports.clone();
            let refused = with_chain(&self.chain, move |c| {
                let mut refused = 0usize;
                for result in crate::report::process_trees(c, &r, &sender, &trees) {
                    match result {
                        Ok(_) => {}
                        Err(puffer_chain::ChainError::Reverted { .. }) => refused += 1,
                        Err(e) => return Err(e.into()),
                    }
                }
                Ok(refused)
            })
            .await?;
            debug!(
                spurt,
                refused, "activations and exits processed (refused chunks were already done)"
            );
            put_json(&*store, Table::Cursors, "published", &(spurt + 1))?;
        }
        Ok(())
    }

    /// The report inputs of `spurt`, or `None` while they are not final (the beacon chain has not finalized
    /// the spurt's last slot). The rules are `observe`'s.
    async fn spurt_inputs(
        &self,
        spurt: u64,
        clock: &SpurtClock,
    ) -> Result<Option<(SpurtInputs, SpurtWindow)>> {
        let reports = self
            .reports
            .clone()
            .ok_or_else(|| GuardianError::Refused("no reporter".into()))?;
        let spe = self.spec.slots_per_epoch.max(1);
        let pool = self.view.pool;
        let length = with_chain(&self.chain, move |c| {
            Ok(call_decode(
                c,
                pool,
                &puffer_chain::bindings::PufferPool::spurtLengthCall {},
            )?)
        })
        .await?;
        let length = u64::try_from(length).unwrap_or(u64::MAX);
        let Some(window) = SpurtWindow::new(
            spurt,
            clock.current,
            clock.current_end,
            length,
            self.genesis_time,
            self.spec.seconds_per_slot,
        ) else {
            return Ok(None);
        };
        let finality = self
            .beacon
            .finality_checkpoints(StateId::Head)
            .await
            .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
        if finality.finalized.epoch.saturating_mul(spe) < window.to_slot {
            debug!(
                spurt,
                to_slot = window.to_slot,
                finalized_epoch = finality.finalized.epoch,
                "spurt over on the execution layer; waiting for the beacon chain to finalize its last slot"
            );
            return Ok(None);
        }

        let indexed: BTreeMap<U256, u64> = self.beacon_indices().await?.into_iter().collect();
        let registrations: Vec<_> = self
            .guardian
            .registrations()?
            .into_iter()
            .filter(|r| indexed.contains_key(&r.validator_id))
            .collect();
        let protocol = self.view.protocol;
        let reporter = reports.address();
        let from_block = self.view.deploy_block;
        let ids: Vec<U256> = registrations.iter().map(|r| r.validator_id).collect();
        let (start, end) = (window.start, window.end);
        let (strategies, per_validator) = with_chain(&self.chain, move |c| {
            let mut strategies = Vec::new();
            for (name, view) in puffer_chain::operator::strategies(c, protocol)? {
                let address = view.strategy;
                let avs = if view.restaking {
                    fees_received(c, address, from_block, start, end)?
                } else {
                    U256::ZERO
                };
                strategies.push((
                    name,
                    StrategyInput {
                        address,
                        restaking: view.restaking,
                        commission_bps: u64::try_from(view.commissionBps).unwrap_or(0),
                        avs_revenue_wei: avs,
                    },
                    view.slashed,
                ));
            }
            let mut per_validator = BTreeMap::new();
            for id in ids {
                let v = call_decode(
                    c,
                    protocol,
                    &PufferProtocol::validatorCall { validatorId: id },
                )?;
                let a = call_decode(
                    c,
                    reporter,
                    &puffer_chain::bindings::SpurtReporter::activationSpurtCall { validatorId: id },
                )?;
                let activation_spurt = u64::try_from(a.spurt).unwrap_or(u64::MAX);
                let reported_before = a.activated && activation_spurt < spurt;
                let expired = a.activated
                    && ejection::commitment_expired_at_spurt(
                        activation_spurt,
                        u64::from(v.months),
                        spurt,
                        length,
                    );
                per_validator.insert(id, (reported_before, expired));
            }
            Ok((strategies, per_validator))
        })
        .await?;

        let ids: Vec<ValidatorId> = indexed.values().map(|i| ValidatorId::Index(*i)).collect();
        let records = if ids.is_empty() {
            Vec::new()
        } else {
            self.beacon
                .validators(StateId::Head, &ids, &[])
                .await
                .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?
        };
        let by_index: BTreeMap<u64, _> = records.into_iter().map(|v| (v.index, v)).collect();
        let end_epoch = window.end_epoch(spe);
        let ethereum_validators = self
            .beacon
            .validators(StateId::Head, &[], &[])
            .await
            .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?
            .iter()
            .filter(|v| {
                observe::active_at(
                    v.validator.activation_epoch,
                    v.validator.exit_epoch,
                    end_epoch,
                )
            })
            .count() as u64;
        let strategy_index: BTreeMap<B256, usize> = strategies
            .iter()
            .enumerate()
            .map(|(i, s)| (s.0, i))
            .collect();
        let mut validators = Vec::new();
        for reg in &registrations {
            let (Some(index), Some(&strategy_index)) = (
                indexed.get(&reg.validator_id),
                strategy_index.get(&reg.strategy),
            ) else {
                continue;
            };
            let Some(record) = by_index.get(index) else {
                continue;
            };
            let (reported_before, expired) = per_validator
                .get(&reg.validator_id)
                .copied()
                .unwrap_or_default();
            validators.push(ObservedValidator {
                validator_id: reg.validator_id,
                strategy_index,
                owner: reg.owner,
                index: *index,
                activation_epoch: record.validator.activation_epoch,
                withdrawable_epoch: record.validator.withdrawable_epoch,
                effective_balance_gwei: record.validator.effective_balance,
                activation_reported_before: reported_before,
                commitment_expired: expired,
                strategy_slashed: strategies[strategy_index].2,
            });
        }
        // The window's withdrawals, plus each exiting validator's from its withdrawable epoch on (its full
        // withdrawal, before or after the window): a few requests, not the whole history.
        let indices: Vec<u64> = validators.iter().map(|v| v.index).collect();
        let mut withdrawals = Vec::new();
        if !indices.is_empty() {
            withdrawals = self
                .beacon
                .withdrawals(window.from_slot, window.to_slot, &indices)
                .await
                .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
        }
        for v in validators
            .iter()
            .filter(|v| v.withdrawable_epoch != puffer_beacon::types::FAR_FUTURE_EPOCH)
        {
            let from = v.withdrawable_epoch.saturating_mul(spe);
            let later = self
                .beacon
                .withdrawals(from, u64::MAX, &[v.index])
                .await
                .inspect_err(|_| Metrics::inc(&self.metrics.beacon_errors_total))?;
            withdrawals.extend(later);
        }
        withdrawals.sort_by_key(|w| w.withdrawal_index);
        withdrawals.dedup_by_key(|w| w.withdrawal_index);
        Ok(Some((
            observe::spurt_inputs(&Observation {
                window,
                slots_per_epoch: spe,
                ejection_balance_gwei: self.guardian.params().ejection_balance_gwei,
                ethereum_validators,
                strategies: strategies.into_iter().map(|(_, s, _)| s).collect(),
                validators,
                withdrawals,
            }),
            window,
        )))
    }
}

/// The roots `spurt`'s posted report put on chain, or `None` when its `SpurtRoots` event is not visible.
fn posted_roots(
    chain: &mut RpcChain,
    reports: &SpurtReports,
    from_block: u64,
    spurt: u64,
) -> Result<Option<PostedRoots>> {
    use alloy::sol_types::SolEvent;
    use puffer_chain::bindings::{PufferStrategy, SpurtReporter};
    let filter = puffer_chain::LogFilter {
        addresses: vec![reports.address()],
        topics: vec![
            Some(vec![SpurtReporter::SpurtRoots::SIGNATURE_HASH]),
            Some(vec![B256::from(U256::from(spurt))]),
        ],
        from_block,
        to_block: None,
    };
    let Some(log) = chain.logs(&filter)?.into_iter().next() else {
        return Ok(None);
    };
    let event =
        SpurtReporter::SpurtRoots::decode_log(&log.inner).map_err(|e| GuardianError::Decode {
            what: format!("SpurtRoots of spurt {spurt}"),
            reason: e.to_string(),
        })?;
    let mut claims = Vec::new();
    for (_, strategy) in reports.strategies(chain)? {
        let root = call_decode(
            chain,
            strategy,
            &PufferStrategy::claimsRootCall {
                spurt: U256::from(spurt),
            },
        )?;
        claims.push((strategy, root));
    }
    Ok(Some(PostedRoots {
        claims,
        exits_root: event.exitsRoot,
        activations_root: event.activationsRoot,
    }))
}

/// Σ AVS fees `strategy` received (`FeesReceived`) in blocks with a timestamp in `[start, end)`.
fn fees_received(
    chain: &mut RpcChain,
    strategy: Address,
    from_block: u64,
    start: u64,
    end: u64,
) -> Result<U256> {
    use alloy::sol_types::SolEvent;
    use puffer_chain::bindings::PufferStrategy::FeesReceived;
    let filter = puffer_chain::LogFilter {
        addresses: vec![strategy],
        topics: vec![Some(vec![FeesReceived::SIGNATURE_HASH])],
        from_block,
        to_block: None,
    };
    let mut total = U256::ZERO;
    for log in chain.logs(&filter)? {
        if log.block_timestamp < start || log.block_timestamp >= end {
            continue;
        }
        let event = FeesReceived::decode_log(&log.inner).map_err(|e| GuardianError::Decode {
            what: format!("FeesReceived of {strategy}"),
            reason: e.to_string(),
        })?;
        total += event.amountWei;
    }
    Ok(total)
}
