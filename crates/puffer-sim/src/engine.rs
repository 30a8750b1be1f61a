//! The engine: deploys the real contracts into the embedded EVM, runs the simulated beacon chain in process and
//! steps the agents day by day.
//!
//! One day, in order:
//! 1. the chain's clock moves to the day's start; the beacon node ingests the previous day's `DepositEvent`s,
//!    processes the epochs up to now (rewards, penalties, activations, exits) and its withdrawals are credited
//!    to the strategies' EigenPods on the execution layer;
//! 2. stakers deposit and redeem; NoOps register new validators (real `puffer-keys` bundles) and renew
//!    commitments about to expire; AVSs pay fees to their restaking strategies through `DevAVS`;
//! 3. the guardians provision as many validators as the pool's free ETH allows (weighted round-robin on chain);
//! 4. governance tops the WithdrawalPool up through the timelock (scheduled one day, executed when ready);
//! 5. the day's figures are recorded and the books are checked to the wei ([`Ledger`]).

use std::collections::BTreeMap;

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolCall, SolConstructor, SolValue},
};
use puffer_beacon::{
    ChainCredit, ExecutionCredit, SimConfig, SimNode, StateId,
    sim::{DepositOutcome, OfflineSpell, Performance, SlashingEvent},
    types::ValidatorStatus,
};
use puffer_chain::{
    Chain, ChainError, DeployConfig, Deployer, Deployment, EmbeddedChain, Governance, NodeOperator,
    Operation, OperatorConfig, Staker,
    bindings::{
        DevAttestationVerifier, GuardianModule, IPufferProtocolTypes, PufferPool, PufferProtocol,
        PufferStrategy, SpurtReporter,
    },
    contract::{call_decode, transact},
    deploy::{NO_RESTAKING, names},
    dev_signer,
    operator::strategy_name,
};
use puffer_keys::{
    ecies::{EnclavePublicKey, EnclaveSecretKey},
    network::Network,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use puffer_guardian::{
    EjectionCandidate, ExitReason, SpurtInputs,
    ejection::{commitment_expired, ejection_reason},
    report::{StrategyInput, ValidatorInput},
};

use crate::{
    error::{Result, SimError},
    guardians::{GuardianSet, GuardianSetError},
    keys,
    metered::MeteredChain,
    metrics::{DayRecord, StrategyDay, Summary},
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

mod dev_avs {
    #![allow(missing_docs, unreachable_pub, clippy::too_many_arguments)]
    alloy::sol!(
        #[sol(all_derives)]
        DevAVS,
        "../puffer-contracts/artifacts/DevAVS.json"
    );
}
use dev_avs::DevAVS;

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
        let gm = deployment
            .guardian_module()
            .map_err(chain_err(0, "deployment"))?;
        let verifier = deployment
            .address(names::ATTESTATION_VERIFIER)
            .map_err(chain_err(0, "deployment"))?;
        for (guardian, enclave) in guardians.iter().zip(&enclaves) {
            let report = Bytes::from_static(b"puffer-sim enclave");
            let digest = call_decode(
                &mut chain,
                verifier,
                &DevAttestationVerifier::attestationDigestCall {
                    guardian: guardian.address(),
                    enclaveKey: enclave.address(),
                    evidenceHash: keccak256(&report),
                },
            )
            .map_err(chain_err(0, "attestation digest"))?;
            let sig = attester
                .sign_hash_sync(&digest)
                .map_err(|e| SimError::Chain {
                    day: 0,
                    action: "attestation signature".into(),
                    source: ChainError::Decode {
                        what: "attestation signature".into(),
                        reason: e.to_string(),
                    },
                })?;
            let evidence = (report, Bytes::from(sig.as_bytes().to_vec())).abi_encode_params();
            transact(
                &mut chain,
                guardian,
                gm,
                &GuardianModule::registerEnclaveKeyCall {
                    enclaveKey: enclave.address(),
                    evidence: evidence.into(),
                },
                U256::ZERO,
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

    /// Deposits in, epochs up to now, withdrawals out to the pods, then the validators' beacon view.
    fn beacon_catch_up(&mut self) -> Result<()> {
        let day = self.day;
        let dc = self.deposit_contract()?;
        let outcomes = self
            .node
            .follow_deposits(&mut self.chain, dc)
            .map_err(|source| SimError::Beacon { day, source })?;
        for outcome in outcomes {
            if let DepositOutcome::Created(index) = outcome
                && let Some(v) = self.awaiting_beacon.pop_front()
            {
                self.validators[v].beacon_index = Some(index);
                self.by_beacon.insert(index, v);
            }
        }
        let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
        let slot = self.node.slot_at(now);
        self.node.advance_to_slot(slot);
        let withdrawals = self.node.take_withdrawals();
        let mut credit = ChainCredit(&mut self.chain);
        for w in &withdrawals {
            credit
                .credit(w.address, w.amount)
                .map_err(|source| SimError::Beacon { day, source })?;
            self.ledger.in_wei += U256::from(w.amount) * U256::from(WEI_PER_GWEI);
            if let Some(&v) = self.by_beacon.get(&w.index) {
                self.validators[v].withdrawn_gwei += w.amount;
                self.validators[v].withdrawn_since_report_gwei += w.amount;
            }
        }
        let data = self
            .node
            .validators(StateId::Head, &[], &[])
            .map_err(|source| SimError::Beacon { day, source })?;
        for d in data {
            let Some(&v) = self.by_beacon.get(&d.index) else {
                continue;
            };
            let rec = &mut self.validators[v];
            rec.balance_gwei = d.balance;
            rec.status = Some(d.status);
            if rec.activation_day.is_none()
                && matches!(
                    d.status,
                    ValidatorStatus::ActiveOngoing
                        | ValidatorStatus::ActiveExiting
                        | ValidatorStatus::ActiveSlashed
                )
            {
                let config = self.node.config();
                rec.activation_day = Some(day);
                rec.activation_epoch = d.validator.activation_epoch;
                rec.activated_at =
                    config.genesis_time + d.validator.activation_epoch * config.seconds_per_epoch();
            }
            if d.validator.slashed && rec.exit.is_none() {
                rec.exit = Some(ExitCause::Slashed);
            }
            if matches!(d.status, ValidatorStatus::WithdrawalDone) {
                rec.exited = true;
            }
        }
        Ok(())
    }

    fn stakers_act(&mut self) -> Result<()> {
        let day = self.day;
        let st = self.scenario.stakers.clone();
        for i in 0..self.stakers.len() {
            let r: f64 = self.rng.r#gen();
            if r < st.daily_deposit_probability {
                let eth = self.rng.gen_range(st.deposit_min_eth..=st.deposit_max_eth);
                let wei = eth_to_wei(eth);
                self.chain.label("staker deposit");
                self.stakers[i]
                    .deposit(&mut self.chain, wei)
                    .map_err(chain_err(day, "staker deposit"))?;
                self.ledger.in_wei += wei;
                self.counters.deposits += 1;
                self.counters.deposited_wei += wei;
            } else if r < st.daily_deposit_probability + st.daily_redeem_probability {
                let fraction = self
                    .rng
                    .gen_range(st.redeem_fraction_min..=st.redeem_fraction_max);
                let balance = self.stakers[i]
                    .pufeth_balance(&mut self.chain)
                    .map_err(chain_err(day, "pufETH balance"))?;
                if balance.is_zero() {
                    continue;
                }
                let ppm = U256::from((fraction * 1e6) as u64);
                let shares = (balance * ppm / U256::from(1_000_000u64)).max(U256::from(1u64));
                let quote = self.stakers[i]
                    .quote_redeem(&mut self.chain, shares)
                    .map_err(chain_err(day, "quote"))?;
                let liquidity = self.stakers[i]
                    .liquidity(&mut self.chain)
                    .map_err(chain_err(day, "liquidity"))?;
                if quote > liquidity || quote.is_zero() {
                    self.counters.shortfalls += 1;
                    self.counters.shortfall_wei += quote.saturating_sub(liquidity);
                    continue;
                }
                self.chain.label("staker redeem");
                let receiver = self.stakers[i].address();
                let paid = self.stakers[i]
                    .redeem(&mut self.chain, shares, receiver, quote)
                    .map_err(chain_err(day, "staker redeem"))?;
                self.ledger.out_wei += paid;
                self.counters.redemptions += 1;
                self.counters.redeemed_wei += paid;
            }
        }
        Ok(())
    }

    fn noops_act(&mut self) -> Result<()> {
        // New registrations: each NoOp registers with probability registrations_per_day / noops.
        let mut plan = Vec::new();
        for (si, spec) in self.scenario.strategies.iter().enumerate() {
            if spec.noops == 0 {
                continue;
            }
            let p = spec.registrations_per_day / f64::from(spec.noops);
            for &n in &self.strategies[si].noops {
                if self.rng.r#gen::<f64>() < p {
                    let m =
                        spec.commitment_months[self.rng.gen_range(0..spec.commitment_months.len())];
                    plan.push((si, n, m));
                }
            }
        }
        self.register_all(&plan)?;
        self.renewals()
    }

    fn renewals(&mut self) -> Result<()> {
        let day = self.day;
        let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
        for v in 0..self.validators.len() {
            let rec = &self.validators[v];
            if rec.activation_day.is_none()
                || rec.exit.is_some()
                || rec.exited
                || rec.renewal_decided
            {
                continue;
            }
            let expiry = rec.activated_at + rec.months_total * MONTH_SECS;
            if now + RENEW_NOTICE_SECS < expiry {
                continue;
            }
            let p = self.scenario.strategies[rec.strategy].renew_probability;
            if self.rng.r#gen::<f64>() >= p {
                // The NoOp lets it run out; the guardians eject it at expiry.
                self.validators[v].renewal_decided = true;
                continue;
            }
            let (noop, id, months) = (rec.noop, rec.id, rec.months_initial);
            let price = call_decode(
                &mut self.chain,
                self.deployment
                    .protocol()
                    .map_err(chain_err(day, "deployment"))?,
                &PufferProtocol::commitmentPriceCall {
                    months: U256::from(months),
                },
            )
            .map_err(chain_err(day, "commitmentPrice"))?;
            self.chain.label("extend commitment");
            self.noops[noop]
                .client
                .extend(&mut self.chain, id, months)
                .map_err(chain_err(day, "extendCommitment"))?;
            self.ledger.in_wei += price;
            let rec = &mut self.validators[v];
            rec.paid_wei += price;
            rec.months_total += months;
            self.counters.renewals += 1;
        }
        Ok(())
    }

    /// Registers `(strategy, noop, months)` validators with fresh bundles (made in parallel).
    fn register_all(&mut self, plan: &[(usize, usize, u64)]) -> Result<()> {
        let day = self.day;
        let threshold = self.scenario.guardians.threshold as usize;
        for si in 0..self.strategies.len() {
            let mine: Vec<&(usize, usize, u64)> = plan.iter().filter(|p| p.0 == si).collect();
            if mine.is_empty() {
                continue;
            }
            let indices: Vec<u64> = (0..mine.len() as u64)
                .map(|k| self.next_key_index + k)
                .collect();
            self.next_key_index += mine.len() as u64;
            let bundles = keys::bundles(
                self.scenario.seed,
                &indices,
                self.strategies[si].credentials,
                &self.network,
                &self.enclave_pubkeys,
                threshold,
            )?;
            let p_bad = self.scenario.strategies[si].bad_registration_probability;
            for (&&(si, n, months), bundle) in mine.iter().zip(&bundles) {
                // Drawn only when the scenario asks for bad registrations, so other runs keep their stream.
                let bundle = if p_bad > 0.0 && self.rng.r#gen::<f64>() < p_bad {
                    let mut broken = bundle.clone();
                    let last = if broken.deposit_signature.ends_with('0') {
                        "1"
                    } else {
                        "0"
                    };
                    broken.deposit_signature.pop();
                    broken.deposit_signature.push_str(last);
                    broken
                } else {
                    bundle.clone()
                };
                let bundle = &bundle;
                let cost = self.noops[n]
                    .client
                    .registration_cost(&mut self.chain, months)
                    .map_err(chain_err(day, "registration cost"))?;
                self.chain.label("register validator");
                let id = self.noops[n]
                    .client
                    .register(&mut self.chain, bundle, self.strategies[si].name, months)
                    .map_err(chain_err(day, "registerValidatorKey"))?;
                self.ledger.in_wei += cost;
                self.by_id.insert(id, self.validators.len());
                self.validators.push(ValidatorRec {
                    id,
                    strategy: si,
                    noop: n,
                    owner: self.noops[n].client.address(),
                    months_initial: months,
                    months_total: months,
                    paid_wei: cost,
                    provisioned: false,
                    skipped: false,
                    beacon_index: None,
                    activation_day: None,
                    activation_epoch: 0,
                    activated_at: 0,
                    renewal_decided: false,
                    exit: None,
                    exited: false,
                    withdrawn_gwei: 0,
                    withdrawn_since_report_gwei: 0,
                    balance_gwei: 0,
                    status: None,
                    activation_reported: false,
                    exit_reported: false,
                });
                self.counters.registrations += 1;
            }
        }
        Ok(())
    }

    fn avs_pay(&mut self) -> Result<()> {
        let day = self.day;
        for si in 0..self.strategies.len() {
            let Some(avs) = self.strategies[si].avs else {
                continue;
            };
            let per_year = self.scenario.strategies[self.strategies[si].spec]
                .avs_revenue_eth_per_validator_year;
            let active = self
                .validators
                .iter()
                .filter(|v| {
                    v.strategy == si && v.activation_day.is_some() && !v.exited && v.exit.is_none()
                })
                .count();
            let fee = eth_to_wei(per_year * active as f64 / 365.0);
            if fee.is_zero() {
                continue;
            }
            self.chain.label("AVS fee payment");
            transact(
                &mut self.chain,
                &dev_signer(4),
                avs,
                &DevAVS::payFeesCall {
                    strategy: self.strategies[si].address,
                    amountWei: fee,
                },
                U256::ZERO,
            )
            .map_err(chain_err(day, "DevAVS.payFees"))?;
            self.ledger.in_wei += fee;
            self.counters.avs_fees_wei += fee;
            self.avs_since_report[si] += fee;
        }
        Ok(())
    }

    /// The guardians' day: custody checks of new registrations (skips for failures), provisioning as far as
    /// the pool's free ETH goes, the ejection scan, and the growth-spurt report when one is due.
    fn guardian_duties(&mut self) -> Result<()> {
        let day = self.day;
        self.chain.label("skip provisioning");
        let t = std::time::Instant::now();
        let skips = self
            .guardians
            .follow_registrations(&mut self.chain)
            .map_err(guardian_err(day, "custody checks"))?;
        *self.timings.entry("guardians: custody checks").or_default() += t.elapsed().as_secs_f64();
        for id in skips {
            self.guardians
                .skip(&mut self.chain, id)
                .map_err(guardian_err(day, "skipProvisioning"))?;
            if let Some(&v) = self.by_id.get(&id) {
                self.validators[v].skipped = true;
            }
            self.counters.skipped += 1;
        }
        let pool = self
            .deployment
            .pool()
            .map_err(chain_err(day, "deployment"))?;
        let available = call_decode(&mut self.chain, pool, &PufferPool::availableETHCall {})
            .map_err(chain_err(day, "availableETH"))?;
        let can = (available / U256::from(VALIDATOR_WEI)).saturating_to::<usize>();
        if can > 0 {
            self.chain.label("provision validators");
            let ids = self
                .guardians
                .provision(&mut self.chain, can)
                .map_err(guardian_err(day, "provisioning"))?;
            for id in ids {
                if let Some(&v) = self.by_id.get(&id) {
                    self.validators[v].provisioned = true;
                    self.awaiting_beacon.push_back(v);
                }
                self.ledger.out_wei += U256::from(VALIDATOR_WEI);
                self.counters.provisioned += 1;
            }
        }
        if day > 0 {
            let t = std::time::Instant::now();
            self.ejections()?;
            *self.timings.entry("guardians: ejection scan").or_default() +=
                t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            self.reports()?;
            *self.timings.entry("guardians: reports").or_default() += t.elapsed().as_secs_f64();
        }
        Ok(())
    }

    /// The guardians' ejection rules (`puffer_guardian::ejection`) over the beacon state; ejections go out as
    /// voluntary exits combined from the guardians' partial signatures.
    fn ejections(&mut self) -> Result<()> {
        let day = self.day;
        let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
        let ejection_gwei = (self.scenario.parameters.ejection_balance_eth * 1e9).round() as u64;
        let protocol = self
            .deployment
            .protocol()
            .map_err(chain_err(day, "deployment"))?;
        for v in 0..self.validators.len() {
            let rec = &self.validators[v];
            let (Some(status), Some(index)) = (rec.status, rec.beacon_index) else {
                continue;
            };
            if rec.exit.is_some() || status != ValidatorStatus::ActiveOngoing {
                continue;
            }
            let mut expired = commitment_expired(rec.activated_at, rec.months_total, now);
            if expired {
                // The guardians read the months bought (extensions included) from the chain.
                let on_chain = call_decode(
                    &mut self.chain,
                    protocol,
                    &PufferProtocol::validatorCall {
                        validatorId: rec.id,
                    },
                )
                .map_err(chain_err(day, "validator record"))?;
                expired = commitment_expired(rec.activated_at, u64::from(on_chain.months), now);
            }
            let Some(reason) =
                ejection_reason(status, rec.balance_gwei, ejection_gwei, expired, false)
            else {
                continue;
            };
            let candidate = EjectionCandidate {
                validator_id: rec.id,
                validator_index: index,
                epoch: rec.activation_epoch,
                reason,
                submitted: false,
            };
            if self
                .guardians
                .eject(&mut self.chain, &mut self.node, &candidate)
                .map_err(guardian_err(day, "ejection"))?
            {
                self.validators[v].exit = Some(ExitCause::Ejected(reason));
            }
        }
        Ok(())
    }

    /// At a spurt's end: the guardians build, sign and post the report; activations and exits are processed;
    /// NoOps claim; the accrued fees are withdrawn. A report that would move the rate more than the bound takes
    /// the emergency path (governance raises the bound through the timelock, the report is re-signed and
    /// posted on a later day, the bound is restored).
    fn reports(&mut self) -> Result<()> {
        let day = self.day;
        let reporter = self
            .deployment
            .spurt_reporter()
            .map_err(chain_err(day, "deployment"))?;
        if let Some(op) = self.emergency.clone() {
            let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
            if now < op.ready_at {
                return Ok(());
            }
            self.chain.label("governance (timelock)");
            self.governance
                .execute(&mut self.chain, &op)
                .map_err(chain_err(day, "raising maxRateChangeBps"))?;
            self.emergency = None;
            self.restore_bound = true;
        }
        loop {
            let clock = self
                .guardians
                .reports()
                .clock(&mut self.chain)
                .map_err(chain_err(day, "spurt clock"))?;
            if !clock.report_due() {
                break;
            }
            let spurt = clock.next_report;
            // A refused report is re-signed with the same content (a guardian signs one report per spurt).
            let inputs = match self.refused_report.take() {
                Some(inputs) if inputs.spurt == spurt => inputs,
                _ => self.spurt_inputs(spurt),
            };
            let pool = self
                .deployment
                .pool()
                .map_err(chain_err(day, "deployment"))?;
            let before =
                puffer_chain::rate(&mut self.chain, pool).map_err(chain_err(day, "rate"))?;
            self.chain.label("post spurt report");
            let build = match self.guardians.report(&mut self.chain, &inputs) {
                Ok(build) => build,
                Err(GuardianSetError::Chain(ChainError::Reverted { error, .. }))
                    if error.is::<SpurtReporter::ReportRateChangeTooLarge>() =>
                {
                    self.report_failures += 1;
                    self.refused_report = Some(inputs);
                    let bps = self.scenario.parameters.emergency_rate_change_bps;
                    if bps > 0 && self.emergency.is_none() {
                        self.emergencies += 1;
                        let call = SpurtReporter::setMaxRateChangeBpsCall {
                            maxBps: U256::from(bps),
                        };
                        self.chain.label("governance (timelock)");
                        let op = self
                            .governance
                            .schedule(&mut self.chain, reporter, call.abi_encode().into())
                            .map_err(chain_err(day, "scheduling setMaxRateChangeBps"))?;
                        self.emergency = Some(op);
                    }
                    return Ok(());
                }
                Err(e) => return Err(guardian_err(day, "spurt report")(e)),
            };
            let after =
                puffer_chain::rate(&mut self.chain, pool).map_err(chain_err(day, "rate"))?;
            let moved = if after >= before {
                ((after - before) * U256::from(10_000u64) / before).saturating_to::<i64>()
            } else {
                -((before - after) * U256::from(10_000u64) / before).saturating_to::<i64>()
            };
            self.rate_moves_bps.push((spurt, moved));
            self.counters.reports += 1;
            self.after_report(&inputs, &build)?;
        }
        if self.restore_bound {
            self.restore_bound = false;
            let call = SpurtReporter::setMaxRateChangeBpsCall {
                maxBps: U256::from(self.scenario.parameters.max_rate_change_bps),
            };
            self.chain.label("governance (timelock)");
            let op = self
                .governance
                .schedule(&mut self.chain, reporter, call.abi_encode().into())
                .map_err(chain_err(day, "scheduling setMaxRateChangeBps"))?;
            self.pending_restore = Some(op);
        }
        Ok(())
    }

    /// What the guardians observe at a spurt's end (`puffer_guardian::SpurtInputs`).
    fn spurt_inputs(&self, spurt: u64) -> SpurtInputs {
        let strategies = self
            .strategies
            .iter()
            .enumerate()
            .map(|(si, s)| StrategyInput {
                address: s.address,
                restaking: si > 0,
                commission_bps: self.scenario.strategies[s.spec].commission_bps,
                avs_revenue_wei: self.avs_since_report[si],
            })
            .collect();
        let gwei = U256::from(WEI_PER_GWEI);
        let validators = self
            .validators
            .iter()
            .filter(|v| v.provisioned && v.beacon_index.is_some() && !v.exit_reported)
            .map(|v| {
                let exit = v.exited.then(|| {
                    let reason = match v.exit {
                        Some(ExitCause::Ejected(r)) => r,
                        _ => ExitReason::BalanceBelowEjection,
                    };
                    (U256::from(v.withdrawn_since_report_gwei) * gwei, reason)
                });
                ValidatorInput {
                    validator_id: v.id,
                    strategy_index: v.strategy,
                    owner: v.owner,
                    active: v.activation_day.is_some() && !v.exited,
                    balance_gwei: if v.exited { 0 } else { v.balance_gwei },
                    rewards_wei: if v.exited {
                        U256::ZERO
                    } else {
                        U256::from(v.withdrawn_since_report_gwei) * gwei
                    },
                    activated: v.activation_day.is_some() && !v.activation_reported,
                    exit,
                }
            })
            .collect();
        SpurtInputs {
            spurt,
            ethereum_validators: self.scenario.beacon.ethereum_validators,
            strategies,
            validators,
        }
    }

    fn after_report(
        &mut self,
        inputs: &SpurtInputs,
        build: &puffer_guardian::SpurtBuild,
    ) -> Result<()> {
        let day = self.day;
        // What the report covered is settled; withdrawals and fees that arrived since its snapshot stay for the
        // next one.
        let gwei = U256::from(WEI_PER_GWEI);
        for v in &inputs.validators {
            if let Some(&i) = self.by_id.get(&v.validator_id) {
                let rec = &mut self.validators[i];
                let covered = v.exit.map_or(v.rewards_wei, |(returned, _)| returned) / gwei;
                rec.withdrawn_since_report_gwei = rec
                    .withdrawn_since_report_gwei
                    .saturating_sub(covered.saturating_to());
                rec.activation_reported |= v.activated;
                rec.exit_reported |= v.exit.is_some();
            }
        }
        for (a, s) in self.avs_since_report.iter_mut().zip(&inputs.strategies) {
            *a = a.saturating_sub(s.avs_revenue_wei);
        }
        self.chain.label("process activations/exits");
        self.guardians
            .process(&mut self.chain, build)
            .map_err(guardian_err(day, "processing the report"))?;
        let spurt = build.trees.spurt;
        self.chain.label("NoOp claim");
        for s in &build.trees.strategies {
            for c in &s.claims {
                let Some(&n) = self.noop_by_address.get(&c.node) else {
                    continue;
                };
                self.noops[n]
                    .client
                    .claim(
                        &mut self.chain,
                        s.strategy,
                        spurt,
                        c.amount_wei,
                        c.proof.clone(),
                    )
                    .map_err(chain_err(day, "claim"))?;
                self.ledger.out_wei += c.amount_wei;
                self.counters.claims_wei += c.amount_wei;
            }
        }
        let protocol = self
            .deployment
            .protocol()
            .map_err(chain_err(day, "deployment"))?;
        let params = call_decode(
            &mut self.chain,
            protocol,
            &PufferProtocol::parametersCall {},
        )
        .map_err(chain_err(day, "parameters"))?;
        let fees = params.accruedTreasuryWei + params.accruedGuardianWei;
        if !fees.is_zero() {
            self.chain.label("withdraw fees");
            transact(
                &mut self.chain,
                &self.relayer,
                protocol,
                &PufferProtocol::withdrawFeesCall {},
                U256::ZERO,
            )
            .map_err(chain_err(day, "withdrawFees"))?;
            self.ledger.out_wei += fees;
        }
        Ok(())
    }

    fn governance_act(&mut self) -> Result<()> {
        let day = self.day;
        let target_fraction = self.scenario.stakers.liquidity_target;
        if target_fraction <= 0.0 {
            return Ok(());
        }
        let pool = self
            .deployment
            .pool()
            .map_err(chain_err(day, "deployment"))?;
        if let Some(op) = &self.pending_liquidity {
            let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
            if now >= op.ready_at {
                let op = op.clone();
                self.pending_liquidity = None;
                self.chain.label("governance (timelock)");
                if self.governance.execute(&mut self.chain, &op).is_err() {
                    // The pool's free ETH went to validators meanwhile: the operation stays unexecuted.
                    self.governance_failures += 1;
                }
            }
            return Ok(());
        }
        let assets = call_decode(&mut self.chain, pool, &PufferPool::totalAssetsCall {})
            .map_err(chain_err(day, "totalAssets"))?;
        let liquidity =
            puffer_chain::liquidity(&mut self.chain, pool).map_err(chain_err(day, "liquidity"))?;
        let target = eth_to_wei(wei_to_eth(assets) * target_fraction);
        if liquidity >= target {
            return Ok(());
        }
        let available = call_decode(&mut self.chain, pool, &PufferPool::availableETHCall {})
            .map_err(chain_err(day, "availableETH"))?;
        let amount = (target - liquidity).min(available / U256::from(2u64));
        if amount.is_zero() {
            return Ok(());
        }
        let call = PufferPool::moveLiquidityCall {
            toWithdrawalPool: true,
            amountWei: amount,
        };
        self.chain.label("governance (timelock)");
        let op = self
            .governance
            .schedule(&mut self.chain, pool, call.abi_encode().into())
            .map_err(chain_err(day, "scheduling moveLiquidity"))?;
        self.pending_liquidity = Some(op);
        Ok(())
    }

    fn protocol_addresses(&mut self) -> Result<Vec<Address>> {
        let day = self.day;
        let d = &self.deployment;
        let mut out = vec![
            d.pool().map_err(chain_err(day, "deployment"))?,
            d.withdrawal_pool().map_err(chain_err(day, "deployment"))?,
            d.protocol().map_err(chain_err(day, "deployment"))?,
            d.spurt_reporter().map_err(chain_err(day, "deployment"))?,
        ];
        for s in &self.strategies {
            out.push(s.address);
            out.push(s.pod);
        }
        Ok(out)
    }

    /// Records the day and checks the books.
    fn finish_day(&mut self) -> Result<()> {
        let day = self.day;
        let mut held = U256::ZERO;
        for a in self.protocol_addresses()? {
            held += self.chain.balance(a).map_err(chain_err(day, "balance"))?;
        }
        self.ledger.held_wei = held;
        if self.ledger.in_wei != self.ledger.out_wei + held {
            return Err(SimError::Conservation {
                day,
                in_wei: self.ledger.in_wei.to_string(),
                out_wei: self.ledger.out_wei.to_string(),
                held_wei: held.to_string(),
            });
        }

        let pool = self
            .deployment
            .pool()
            .map_err(chain_err(day, "deployment"))?;
        let rate_wei = puffer_chain::rate(&mut self.chain, pool).map_err(chain_err(day, "rate"))?;
        let assets = call_decode(&mut self.chain, pool, &PufferPool::totalAssetsCall {})
            .map_err(chain_err(day, "totalAssets"))?;
        let supply = call_decode(&mut self.chain, pool, &PufferPool::totalSupplyCall {})
            .map_err(chain_err(day, "totalSupply"))?;
        let available = call_decode(&mut self.chain, pool, &PufferPool::availableETHCall {})
            .map_err(chain_err(day, "availableETH"))?;
        let locked = call_decode(&mut self.chain, pool, &PufferPool::lockedETHCall {})
            .map_err(chain_err(day, "lockedETH"))?;
        let liquidity =
            puffer_chain::liquidity(&mut self.chain, pool).map_err(chain_err(day, "liquidity"))?;

        // Beacon issuance of Puffer's validators (balance + withdrawn - 32 ETH each), and the plain LST.
        let mut issuance: i128 = 0;
        let mut active = 0u64;
        let mut strategies: Vec<StrategyDay> = self
            .strategies
            .iter()
            .map(|s| StrategyDay {
                name: s.label.clone(),
                ..StrategyDay::default()
            })
            .collect();
        let mut ejected = 0u64;
        let mut slashed = 0u64;
        for v in &self.validators {
            let sd = &mut strategies[v.strategy];
            if v.beacon_index.is_some() {
                issuance +=
                    i128::from(v.balance_gwei) + i128::from(v.withdrawn_gwei) - 32_000_000_000;
            }
            match (&v.status, v.provisioned) {
                (_, false) if v.skipped => sd.skipped += 1,
                (_, false) => sd.pending += 1,
                (None, true) => sd.provisioned += 1,
                (Some(s), true) => match s {
                    ValidatorStatus::PendingInitialized | ValidatorStatus::PendingQueued => {
                        sd.provisioned += 1;
                    }
                    ValidatorStatus::ActiveOngoing => {
                        sd.active += 1;
                        active += 1;
                    }
                    ValidatorStatus::ActiveExiting | ValidatorStatus::ActiveSlashed => {
                        sd.exiting += 1;
                        active += 1;
                    }
                    _ => sd.exited += 1,
                },
            }
            match v.exit {
                Some(ExitCause::Slashed) => slashed += 1,
                Some(ExitCause::Ejected(_)) => ejected += 1,
                None => {}
            }
        }
        let prev_active = self.records.last().map_or(0, |r| r.active_validators);
        let delta = issuance - self.issuance_gwei;
        self.issuance_gwei = issuance;
        if prev_active > 0 {
            let r = delta as f64 / (prev_active as f64 * 32e9);
            self.lst_rate *= 1.0 + r * (1.0 - self.scenario.lst.fee);
        }
        let rate = wei_to_eth(rate_wei);
        let rate0 = self.records.first().map_or(rate, |r| r.pufeth_rate);
        let years = f64::from(day) / 365.0;
        let apy = |now: f64, start: f64| {
            if years > 0.0 && start > 0.0 {
                (now / start).powf(1.0 / years) - 1.0
            } else {
                0.0
            }
        };
        let c = std::mem::take(&mut self.counters);
        let record = DayRecord {
            day,
            pufeth_rate: rate,
            pufeth_rate_wei: rate_wei.to_string(),
            pufeth_apy: apy(rate, rate0),
            lst_rate: self.lst_rate,
            lst_apy: apy(self.lst_rate, 1.0),
            tvl_eth: wei_to_eth(assets),
            pufeth_supply: wei_to_eth(supply),
            pool_eth: wei_to_eth(available),
            withdrawal_pool_eth: wei_to_eth(liquidity),
            locked_eth: wei_to_eth(locked),
            active_validators: active,
            strategies,
            deposits: c.deposits,
            deposited_eth: wei_to_eth(c.deposited_wei),
            redemptions: c.redemptions,
            redeemed_eth: wei_to_eth(c.redeemed_wei),
            liquidity_shortfalls: c.shortfalls,
            shortfall_eth: wei_to_eth(c.shortfall_wei),
            registrations: c.registrations,
            renewals: c.renewals,
            provisioned: c.provisioned,
            avs_fees_eth: wei_to_eth(c.avs_fees_wei),
            claims_eth: wei_to_eth(c.claims_wei),
            reports: c.reports,
            skipped: c.skipped,
            ejected_total: ejected,
            slashed_total: slashed,
            beacon_issuance_eth: issuance as f64 / 1e9,
            transactions: self.chain.transactions(),
            in_wei: self.ledger.in_wei.to_string(),
            out_wei: self.ledger.out_wei.to_string(),
            held_wei: held.to_string(),
        };
        self.records.push(record);
        Ok(())
    }

    /// Totals for the terminal and the report.
    pub fn summary(&self) -> Summary {
        let last = self.records.last();
        // Per commitment length: consensus rewards per year active minus the commitment's yearly cost
        // (commitments paid, bond excluded, over the months they bought).
        let bond = self.scenario.parameters.bond_eth;
        let mut by_months: BTreeMap<u64, (u64, f64, f64)> = BTreeMap::new();
        for v in &self.validators {
            let Some(activated) = v.activation_day else {
                continue;
            };
            let days_active = self.day.saturating_sub(activated);
            if days_active == 0 {
                continue;
            }
            let earned = (i128::from(v.balance_gwei) + i128::from(v.withdrawn_gwei)
                - 32_000_000_000) as f64
                / 1e9;
            let paid = wei_to_eth(v.paid_wei) - bond;
            let yearly_cost = paid * 12.0 / v.months_total.max(1) as f64;
            let yearly_earned = earned * 365.0 / f64::from(days_active);
            let e = by_months.entry(v.months_initial).or_default();
            e.0 += 1;
            e.1 += yearly_earned - yearly_cost;
            e.2 += paid;
        }
        Summary {
            days: self.day,
            validators_registered: self.validators.len() as u64,
            validators_provisioned: self.validators.iter().filter(|v| v.provisioned).count() as u64,
            validators_skipped: self.validators.iter().filter(|v| v.skipped).count() as u64,
            active_validators: last.map_or(0, |r| r.active_validators),
            transactions: self.chain.transactions(),
            gas: self
                .chain
                .gas()
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            pufeth_rate: last.map_or(1.0, |r| r.pufeth_rate),
            pufeth_apy: last.map_or(0.0, |r| r.pufeth_apy),
            lst_apy: last.map_or(0.0, |r| r.lst_apy),
            tvl_eth: last.map_or(0.0, |r| r.tvl_eth),
            liquidity_shortfalls: self.records.iter().map(|r| r.liquidity_shortfalls).sum(),
            shortfall_eth: self.records.iter().map(|r| r.shortfall_eth).sum(),
            ejected: last.map_or(0, |r| r.ejected_total),
            slashed: last.map_or(0, |r| r.slashed_total),
            governance_failures: self.governance_failures,
            reports: self.rate_moves_bps.len() as u64,
            reports_refused: self.report_failures,
            emergencies: self.emergencies,
            largest_rate_drop_bps: self
                .rate_moves_bps
                .iter()
                .map(|(_, m)| -*m)
                .max()
                .unwrap_or(0)
                .max(0),
            ejected_by_reason: {
                let mut m: BTreeMap<String, u64> = BTreeMap::new();
                for v in &self.validators {
                    if let Some(ExitCause::Ejected(r)) = v.exit {
                        *m.entry(format!("{r:?}")).or_default() += 1;
                    }
                }
                m.into_iter().collect()
            },
            restaking_share: {
                let total = self.validators.iter().filter(|v| v.provisioned).count();
                let restaked = self
                    .validators
                    .iter()
                    .filter(|v| v.provisioned && v.strategy > 0)
                    .count();
                if total == 0 {
                    0.0
                } else {
                    restaked as f64 / total as f64
                }
            },
            noop_returns: by_months
                .into_iter()
                .map(|(m, (n, net, paid))| crate::metrics::NoOpReturn {
                    months: m,
                    validators: n,
                    net_eth_per_validator_year: net / n as f64,
                    commitment_paid_eth_per_validator: paid / n as f64,
                })
                .collect(),
            conserved_to_the_wei: true,
            in_wei: self.ledger.in_wei.to_string(),
            out_wei: self.ledger.out_wei.to_string(),
            held_wei: self.ledger.held_wei.to_string(),
        }
    }

    /// The relayer that submits the guardians' transactions.
    pub fn relayer(&self) -> Address {
        self.relayer.address()
    }
}
