//! The engine: deploys the real contracts into the embedded EVM, runs the simulated beacon chain in process and
//! steps the agents day by day.
//!
//! One day, in order:
//! 1. the chain's clock moves to the day's start; the beacon node ingests the previous day's `DepositEvent`s,
//!    processes the epochs up to now (rewards, penalties, activations, exits) and its withdrawals are credited
//!    to the strategies' EigenPods on the execution layer;
//! 2. stakers deposit and redeem; NoOps register new validators (real `puffer-keys` bundles) and renew
//!    commitments about to expire; AVSs pay fees to their restaking strategies through `DevAVS`;
//! 3. the guardians (through `puffer-guardian`) custody-check new registrations, provision as many validators as
//!    the pool's free ETH allows (weighted round-robin on chain), eject, and report at a spurt's end;
//! 4. governance tops the WithdrawalPool up through the timelock (scheduled one day, executed when ready);
//! 5. the day's figures are recorded and the books are checked to the wei ([`Ledger`]).
//!
//! Here: the state, deployment and setup (day 0), the day's order. `agents`: beacon catch-up, stakers, NoOps,
//! AVSs. `duties`: guardians and governance. `books`: conservation check, records, summary.

use std::collections::BTreeMap;

use alloy::{
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolConstructor},
};
use puffer_beacon::{
    SimConfig, SimNode,
    sim::{OfflineSpell, Performance, SlashingEvent},
    types::ValidatorStatus,
};
use puffer_chain::{
    Chain, ChainError, DeployConfig, Deployer, Deployment, EmbeddedChain, Governance, NodeOperator,
    Operation, OperatorConfig, Staker,
    bindings::{IPufferProtocolTypes, PufferProtocol, PufferStrategy, SpurtReporter},
    contract::call_decode,
    deploy::NO_RESTAKING,
    dev_signer,
    operator::{register_dev_enclave_key, strategy_name},
};
use puffer_keys::{
    ecies::{EnclavePublicKey, EnclaveSecretKey},
    network::Network,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use puffer_guardian::{ExitReason, SpurtInputs};

use crate::{
    error::{Result, SimError},
    guardians::{GuardianSet, GuardianSetError},
    metered::MeteredChain,
    metrics::DayRecord,
    scenario::Scenario,
};

/// Wei per ETH.
pub const WEI_PER_ETH: u128 = 1_000_000_000_000_000_000;
/// Wei per Gwei.
const WEI_PER_GWEI: u64 = 1_000_000_000;
/// 32 ETH in wei.
const VALIDATOR_WEI: u128 = 32 * WEI_PER_ETH;
/// Seconds per commitment month (the guardians' rule: 30-day months from activation).
const MONTH_SECS: u64 = 30 * 86_400;
/// NoOps decide whether to renew this many seconds before their commitment ends.
const RENEW_NOTICE_SECS: u64 = 7 * 86_400;

use puffer_chain::bindings::DevAVS;

mod agents;
mod books;
mod duties;

/// ETH as wei (rounded to the Gwei).
pub fn eth_to_wei(eth: f64) -> U256 {
    U256::from((eth * 1e9).round().max(0.0) as u64) * U256::from(WEI_PER_GWEI)
}

/// Wei as ETH (f64, for charts and summaries).
pub fn wei_to_eth(wei: U256) -> f64 {
    let gwei: u128 = (wei / U256::from(WEI_PER_GWEI)).saturating_to();
    gwei as f64 / 1e9
}

/// ETH that entered and left the protocol, and what it holds, in wei. The protocol is the PufferPool, the
/// WithdrawalPool, the PufferProtocol (bonds pass through it; fees accrue in it), every strategy and every
/// EigenPod.
///
/// - **in**: staker deposits, NoOp payments (commitments + bonds, registrations and extensions), AVS fees paid
///   to strategies, beacon withdrawals credited to the pods, and the dead-shares deposit made at deployment;
/// - **out**: 32 ETH per provisioned validator sent to the beacon deposit contract, redemptions paid to stakers,
///   protocol and guardian fees withdrawn;
/// - **held**: the sum of those contracts' ETH balances, read from the chain.
///
/// Every day `in == out + held` must hold exactly; in and out are counted from the agents' side (values they
/// sent, amounts the events say were paid, withdrawals the beacon node made), held from the chain's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Cumulative wei in.
    pub in_wei: U256,
    /// Cumulative wei out.
    pub out_wei: U256,
    /// Wei held at the last check.
    pub held_wei: U256,
}

#[derive(Debug, Clone)]
struct StrategyState {
    spec: usize,
    name: B256,
    label: String,
    address: Address,
    pod: Address,
    credentials: [u8; 32],
    avs: Option<Address>,
    noops: Vec<usize>,
}

#[derive(Debug, Clone)]
struct NoOpAgent {
    client: NodeOperator,
}

/// How a validator left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCause {
    /// Slashed on the beacon chain (its exit is forced; reported with reason `BALANCE_BELOW_EJECTION`).
    Slashed,
    /// Ejected by the guardians for this reason.
    Ejected(ExitReason),
}

#[derive(Debug, Clone)]
struct ValidatorRec {
    id: U256,
    strategy: usize,
    noop: usize,
    owner: Address,
    months_initial: u64,
    months_total: u64,
    paid_wei: U256,
    provisioned: bool,
    skipped: bool,
    beacon_index: Option<u64>,
    activation_day: Option<u32>,
    activation_epoch: u64,
    activated_at: u64,
    renewal_decided: bool,
    exit: Option<ExitCause>,
    exited: bool,
    withdrawn_gwei: u64,
    withdrawn_since_report_gwei: u64,
    balance_gwei: u64,
    status: Option<ValidatorStatus>,
    activation_reported: bool,
    exit_reported: bool,
}

#[derive(Debug, Clone, Default)]
struct DayCounters {
    deposits: u64,
    deposited_wei: U256,
    redemptions: u64,
    redeemed_wei: U256,
    shortfalls: u64,
    shortfall_wei: U256,
    registrations: u64,
    renewals: u64,
    provisioned: u64,
    avs_fees_wei: U256,
    claims_wei: U256,
    reports: u64,
    skipped: u64,
}

/// A running simulation. Build it with [`Simulation::new`], step it with [`Simulation::step_day`] (or
/// [`Simulation::run`]), read [`Simulation::records`] and [`Simulation::summary`].
pub struct Simulation {
    scenario: Scenario,
    chain: MeteredChain,
    node: SimNode,
    deployment: Deployment,
    rng: ChaCha8Rng,
    day: u32,
    start_ts: u64,
    network: Network,
    relayer: PrivateKeySigner,
    governance: Governance,
    pending_liquidity: Option<Operation>,
    pending_restore: Option<Operation>,
    stakers: Vec<Staker>,
    noops: Vec<NoOpAgent>,
    strategies: Vec<StrategyState>,
    guardians: GuardianSet,
    noop_by_address: BTreeMap<Address, usize>,
    avs_since_report: Vec<U256>,
    emergency: Option<Operation>,
    refused_report: Option<SpurtInputs>,
    restore_bound: bool,
    report_failures: u64,
    emergencies: u64,
    rate_moves_bps: Vec<(u64, i64)>,
    enclave_pubkeys: Vec<EnclavePublicKey>,
    validators: Vec<ValidatorRec>,
    by_id: BTreeMap<U256, usize>,
    by_beacon: BTreeMap<u64, usize>,
    awaiting_beacon: std::collections::VecDeque<usize>,
    next_key_index: u64,
    ledger: Ledger,
    issuance_gwei: i128,
    lst_rate: f64,
    records: Vec<DayRecord>,
    counters: DayCounters,
    governance_failures: u64,
    timings: BTreeMap<&'static str, f64>,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("day", &self.day)
            .field("validators", &self.validators.len())
            .finish_non_exhaustive()
    }
}

fn chain_err(day: u32, action: &str) -> impl FnOnce(ChainError) -> SimError + '_ {
    move |source| SimError::Chain {
        day,
        action: action.to_owned(),
        source,
    }
}

fn guardian_err(day: u32, action: &str) -> impl FnOnce(GuardianSetError) -> SimError + '_ {
    move |e| match e {
        GuardianSetError::Chain(source) => SimError::Chain {
            day,
            action: action.to_owned(),
            source,
        },
        GuardianSetError::Guardian(source) => SimError::Guardian {
            day,
            action: action.to_owned(),
            source: Box::new(source),
        },
    }
}

/// The beacon chain's parameters for a scenario: mainnet's, with each epoch stretched so that the day holds
/// `epochs_per_day` of them, and churn and delays scaled by the same factor.
pub fn beacon_config(scenario: &Scenario, genesis_time: u64) -> SimConfig {
    let epd = scenario.beacon.epochs_per_day;
    let scale = 225 / epd;
    let mut c = SimConfig::new(scenario.seed);
    c.genesis_time = genesis_time;
    c.slots_per_epoch = 32;
    c.seconds_per_slot = 86_400 / (32 * epd);
    c.min_per_epoch_churn_limit = 4 * scale;
    c.shard_committee_period = (256 / scale).max(1);
    c.min_validator_withdrawability_delay = (256 / scale).max(1);
    c.epochs_per_slashings_vector = (8_192 / scale).max(2);
    c
}

fn beacon_scenario(scenario: &Scenario) -> puffer_beacon::Scenario {
    let epd = scenario.beacon.epochs_per_day;
    puffer_beacon::Scenario {
        apr: scenario.beacon.apr,
        performance: Performance {
            min: scenario.beacon.performance_min,
            max: scenario.beacon.performance_max,
        },
        offline: scenario
            .offline
            .iter()
            .map(|o| OfflineSpell {
                validators: (o.first_index..o.first_index + o.count).collect(),
                from_epoch: u64::from(o.day) * epd,
                to_epoch: u64::from(o.day + o.days) * epd,
            })
            .collect(),
        slashing: scenario
            .slashings
            .iter()
            .map(|s| SlashingEvent {
                epoch: u64::from(s.day) * epd,
                validators: (s.first_index..s.first_index + s.count).collect(),
            })
            .collect(),
    }
}

impl Simulation {
    /// Deploys Puffer into a fresh embedded chain, registers the guardians' enclave keys, creates the restaking
    /// strategies and sets the parameters through the timelock, seeds the pool and registers the initial
    /// validators (day 0). The simulation then stands at the start of day 1.
    ///
    /// # Errors
    /// [`SimError::Scenario`] for an inconsistent scenario; chain and key errors.
    pub fn new(scenario: Scenario) -> Result<Self> {
        scenario.check()?;
        let mut chain = MeteredChain::new(EmbeddedChain::new());
        let deployer = dev_signer(0);
        let dao = dev_signer(1);
        let attester = dev_signer(2);
        let relayer = dev_signer(3);
        let avs_payer = dev_signer(4);
        let g = &scenario.guardians;
        let guardians: Vec<PrivateKeySigner> = (0..g.count).map(|i| dev_signer(10 + i)).collect();
        let enclaves: Vec<PrivateKeySigner> = (0..g.count).map(|i| dev_signer(100 + i)).collect();
        let big = eth_to_wei(1e9);
        for key in [&deployer, &dao, &attester, &relayer, &avs_payer]
            .into_iter()
            .chain(&guardians)
        {
            chain
                .set_balance(key.address(), big)
                .map_err(chain_err(0, "funding"))?;
        }

        let mut operator = OperatorConfig::dev(
            attester.address(),
            guardians.iter().map(PrivateKeySigner::address).collect(),
        );
        operator.guardian_threshold = u64::from(g.threshold);
        let treasury = dev_signer(5).address();
        operator.treasury = Some(treasury);
        operator.guardian_fee_recipient = Some(dev_signer(6).address());
        let deployment = Deployer::full(DeployConfig::dev(dao.address()), operator)
            .deploy(&mut chain, &deployer)
            .map_err(chain_err(0, "deploying Puffer"))?;
        let mut ledger = Ledger {
            in_wei: deployment.config.dead_shares_deposit,
            ..Ledger::default()
        };
        let protocol = deployment.protocol().map_err(chain_err(0, "deployment"))?;

        // Enclave keys, vouched for by the dev attestation signer (SGX/TDX is not verified on dev chains).
        for (guardian, enclave) in guardians.iter().zip(&enclaves) {
            register_dev_enclave_key(
                &mut chain,
                &deployment,
                &attester,
                guardian,
                enclave.address(),
            )
            .map_err(chain_err(0, "registering an enclave key"))?;
        }
        let enclave_pubkeys = enclaves
            .iter()
            .map(|k| Ok(EnclaveSecretKey::from_bytes(k.to_bytes().as_slice())?.public_key()))
            .collect::<Result<Vec<_>>>()?;

        // Agents.
        let rng = ChaCha8Rng::seed_from_u64(scenario.seed);
        let stakers = (0..scenario.stakers.count)
            .map(|i| {
                let s = dev_signer(1_000_000 + i);
                chain
                    .set_balance(s.address(), big)
                    .map_err(chain_err(0, "funding stakers"))?;
                Staker::new(s, &deployment).map_err(chain_err(0, "staker client"))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut noops = Vec::new();
        let mut strategies = Vec::new();
        let mut governance =
            Governance::new(dao.clone(), &deployment).map_err(chain_err(0, "governance"))?;
        for (si, spec) in scenario.strategies.iter().enumerate() {
            let first = noops.len();
            for n in 0..spec.noops {
                let s = dev_signer(2_000_000 + (si as u32) * 100_000 + n);
                chain
                    .set_balance(s.address(), big)
                    .map_err(chain_err(0, "funding NoOps"))?;
                noops.push(NoOpAgent {
                    client: NodeOperator::new(s, &deployment)
                        .map_err(chain_err(0, "NoOp client"))?,
                });
            }
            let name = if si == 0 {
                NO_RESTAKING
            } else {
                strategy_name(&spec.name).map_err(chain_err(0, "strategy name"))?
            };
            let mut avs = None;
            if si > 0 {
                let mut code = puffer_contracts::artifact("DevAVS")
                    .map_err(|e| SimError::Chain {
                        day: 0,
                        action: "DevAVS artifact".into(),
                        source: e.into(),
                    })?
                    .bytecode;
                code.extend(
                    DevAVS::constructorCall {
                        name_: format!("AVS of {}", spec.name),
                    }
                    .abi_encode(),
                );
                let receipt = chain
                    .send(&deployer, puffer_chain::TxRequest::create(code))
                    .map_err(chain_err(0, "deploying DevAVS"))?;
                let address = receipt.contract_address.ok_or_else(|| SimError::Chain {
                    day: 0,
                    action: "deploying DevAVS".into(),
                    source: ChainError::Decode {
                        what: "DevAVS address".into(),
                        reason: "no contract created".into(),
                    },
                })?;
                chain
                    .set_balance(address, big)
                    .map_err(chain_err(0, "funding the AVS"))?;
                avs = Some(address);
                let allowed: Vec<Address> =
                    noops[first..].iter().map(|n| n.client.address()).collect();
                governance
                    .enact(
                        &mut chain,
                        protocol,
                        &PufferProtocol::createStrategyCall {
                            name,
                            config: IPufferProtocolTypes::StrategyConfig {
                                avsSet: vec![address],
                                allowedNoOps: allowed,
                                commissionBps: spec.commission_bps as u16,
                            },
                        },
                    )
                    .map_err(chain_err(0, "createStrategy"))?;
            }
            let view = call_decode(&mut chain, protocol, &PufferProtocol::strategyCall { name })
                .map_err(chain_err(0, "strategy view"))?;
            let pod = call_decode(&mut chain, view.strategy, &PufferStrategy::eigenPodCall {})
                .map_err(chain_err(0, "eigenPod"))?;
            strategies.push(StrategyState {
                spec: si,
                name,
                label: spec.name.clone(),
                address: view.strategy,
                pod,
                credentials: view.withdrawalCredentials.0,
                avs,
                noops: (first..noops.len()).collect(),
            });
        }

        // Parameters, through the timelock.
        let p = &scenario.parameters;
        let enact = |gov: &mut Governance,
                     chain: &mut MeteredChain,
                     data: &dyn Fn() -> Vec<u8>,
                     what: &str| {
            let op = gov
                .schedule(chain, protocol, data().into())
                .map_err(chain_err(0, what))?;
            let now = chain.timestamp().map_err(chain_err(0, what))?;
            if now < op.ready_at {
                chain
                    .advance_time(op.ready_at - now)
                    .map_err(chain_err(0, what))?;
            }
            gov.execute(chain, &op).map_err(chain_err(0, what))
        };
        let weights = PufferProtocol::setStrategyWeightsCall {
            names: strategies.iter().map(|s| s.name).collect(),
            weights: scenario
                .strategies
                .iter()
                .map(|s| U256::from(s.weight))
                .collect(),
        };
        enact(
            &mut governance,
            &mut chain,
            &|| weights.abi_encode(),
            "setStrategyWeights",
        )?;
        let fees = PufferProtocol::setFeesCall {
            protocolFeeBps: U256::from(p.protocol_fee_bps),
            guardianFeeBps: U256::from(p.guardian_fee_bps),
            treasury,
            guardianFeeRecipient: dev_signer(6).address(),
        };
        enact(
            &mut governance,
            &mut chain,
            &|| fees.abi_encode(),
            "setFees",
        )?;
        let cap = if p.registration_cap == 0 {
            U256::from(u32::MAX)
        } else {
            U256::from(p.registration_cap)
        };
        let limits = PufferProtocol::setRegistrationLimitsCall {
            bondWei: eth_to_wei(p.bond_eth),
            registrationCap: cap,
        };
        enact(
            &mut governance,
            &mut chain,
            &|| limits.abi_encode(),
            "setRegistrationLimits",
        )?;
        for (months, price) in &p.commitment_prices {
            let call = PufferProtocol::setCommitmentPriceCall {
                months: U256::from(*months),
                priceWei: eth_to_wei(*price),
            };
            enact(
                &mut governance,
                &mut chain,
                &|| call.abi_encode(),
                "setCommitmentPrice",
            )?;
        }
        governance
            .set_withdrawal_pool_share(&mut chain, p.withdrawal_pool_share_bps)
            .map_err(chain_err(0, "setWithdrawalPoolShare"))?;
        governance
            .set_withdrawal_fee(&mut chain, p.withdrawal_fee_bps)
            .map_err(chain_err(0, "setWithdrawalFee"))?;
        governance
            .set_spurt_length(&mut chain, p.spurt_days * 86_400)
            .map_err(chain_err(0, "setSpurtLength"))?;
        let reporter = deployment
            .spurt_reporter()
            .map_err(chain_err(0, "deployment"))?;
        if p.max_rate_change_bps != 100 {
            governance
                .enact(
                    &mut chain,
                    reporter,
                    &SpurtReporter::setMaxRateChangeBpsCall {
                        maxBps: U256::from(p.max_rate_change_bps),
                    },
                )
                .map_err(chain_err(0, "setMaxRateChangeBps"))?;
        }
        // Check every commitment length the NoOps will choose has a price.
        for spec in &scenario.strategies {
            for m in &spec.commitment_months {
                let price = call_decode(
                    &mut chain,
                    protocol,
                    &PufferProtocol::commitmentPriceCall {
                        months: U256::from(*m),
                    },
                )
                .map_err(chain_err(0, "commitmentPrice"))?;
                if price.is_zero() {
                    return Err(SimError::Scenario {
                        key: format!("strategy[{}].commitment_months", spec.name),
                        value: m.to_string(),
                        allowed: "months with a price (default table 9 ..= 17, or parameters.commitment_prices)"
                            .into(),
                    });
                }
            }
        }

        let start_ts = chain.timestamp().map_err(chain_err(0, "clock"))?;
        let config = beacon_config(&scenario, start_ts);
        let network = config.network.clone();
        let node = SimNode::new(config, beacon_scenario(&scenario))
            .map_err(|source| SimError::Beacon { day: 0, source })?;
        let guardian_set = GuardianSet::new(
            &deployment,
            &guardians
                .iter()
                .map(PrivateKeySigner::address)
                .collect::<Vec<_>>(),
            &enclaves.iter().map(|k| k.to_bytes().0).collect::<Vec<_>>(),
            network.clone(),
            (p.ejection_balance_eth * 1e9).round() as u64,
            relayer.clone(),
        )
        .map_err(guardian_err(0, "guardian set"))?;
        let noop_by_address = noops
            .iter()
            .enumerate()
            .map(|(i, n)| (n.client.address(), i))
            .collect();
        let n_strategies = strategies.len();

        let mut sim = Self {
            chain,
            node,
            deployment,
            rng,
            day: 0,
            start_ts,
            network,
            relayer,
            governance,
            pending_liquidity: None,
            pending_restore: None,
            stakers,
            noops,
            strategies,
            guardians: guardian_set,
            noop_by_address,
            avs_since_report: vec![U256::ZERO; n_strategies],
            emergency: None,
            refused_report: None,
            restore_bound: false,
            report_failures: 0,
            emergencies: 0,
            rate_moves_bps: Vec::new(),
            enclave_pubkeys,
            validators: Vec::new(),
            by_id: BTreeMap::new(),
            by_beacon: BTreeMap::new(),
            awaiting_beacon: std::collections::VecDeque::new(),
            next_key_index: 0,
            ledger: std::mem::take(&mut ledger),
            issuance_gwei: 0,
            lst_rate: 1.0,
            records: Vec::new(),
            counters: DayCounters::default(),
            governance_failures: 0,
            timings: BTreeMap::new(),
            scenario,
        };
        sim.day_zero()?;
        Ok(sim)
    }

    /// Day 0: the seed deposit, the initial registrations and their provisioning.
    fn day_zero(&mut self) -> Result<()> {
        // The seed deposit, split equally among the stakers.
        let n = self.stakers.len() as f64;
        let each = eth_to_wei(self.scenario.stakers.initial_deposit_eth / n);
        if !each.is_zero() {
            self.chain.label("staker deposit");
            for staker in &self.stakers {
                staker
                    .deposit(&mut self.chain, each)
                    .map_err(chain_err(0, "seed deposit"))?;
                self.ledger.in_wei += each;
                self.counters.deposits += 1;
                self.counters.deposited_wei += each;
            }
        }
        let mut plan = Vec::new();
        for (si, spec) in self.scenario.strategies.clone().iter().enumerate() {
            let noops = self.strategies[si].noops.clone();
            for k in 0..spec.initial_validators as usize {
                let months = spec.commitment_months[k % spec.commitment_months.len()];
                plan.push((si, noops[k % noops.len()], months));
            }
        }
        self.register_all(&plan)?;
        self.guardian_duties()?;
        self.finish_day()?;
        Ok(())
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The deployment (addresses of every contract).
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// The chain, for inspection (balances, calls).
    pub fn chain(&mut self) -> &mut dyn Chain {
        &mut self.chain
    }

    /// Days completed (day 0 is the setup day).
    pub fn day(&self) -> u32 {
        self.day
    }

    /// Whether every scenario day has run.
    pub fn is_done(&self) -> bool {
        self.day >= self.scenario.days
    }

    /// The books at the last check.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// One record per completed day (day 0 first).
    pub fn records(&self) -> &[DayRecord] {
        &self.records
    }

    /// Successful transactions sent so far (setup included).
    pub fn transactions(&self) -> u64 {
        self.chain.transactions()
    }

    /// Runs every remaining day.
    ///
    /// # Errors
    /// As [`Simulation::step_day`].
    pub fn run(&mut self) -> Result<()> {
        while !self.is_done() {
            self.step_day()?;
        }
        Ok(())
    }

    /// Runs the next day (see the module docs for the order).
    ///
    /// # Errors
    /// Chain, beacon and key errors that the agents do not expect; [`SimError::Conservation`] if the books do
    /// not balance.
    pub fn step_day(&mut self) -> Result<()> {
        self.day += 1;
        let day = self.day;
        let target = self.start_ts + u64::from(day) * 86_400;
        let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
        if now < target {
            self.chain
                .advance_time(target - now)
                .map_err(chain_err(day, "clock"))?;
        }
        let mut t = std::time::Instant::now();
        let mut lap = |timings: &mut BTreeMap<&'static str, f64>, name: &'static str| {
            *timings.entry(name).or_default() += t.elapsed().as_secs_f64();
            t = std::time::Instant::now();
        };
        self.beacon_catch_up()?;
        lap(&mut self.timings, "beacon");
        self.stakers_act()?;
        lap(&mut self.timings, "stakers");
        self.noops_act()?;
        lap(&mut self.timings, "noops (keys, registrations, renewals)");
        self.avs_pay()?;
        lap(&mut self.timings, "avs");
        self.guardian_duties()?;
        lap(&mut self.timings, "guardians");
        self.governance_act()?;
        lap(&mut self.timings, "governance");
        self.finish_day()?;
        lap(&mut self.timings, "books and records");
        Ok(())
    }

    /// Wall-clock seconds spent per phase so far (not part of any output file: they would break
    /// reproducibility).
    pub fn timings(&self) -> &BTreeMap<&'static str, f64> {
        &self.timings
    }

    fn deposit_contract(&self) -> Result<Address> {
        self.deployment
            .deposit_contract()
            .map_err(chain_err(self.day, "deployment"))
    }
}
