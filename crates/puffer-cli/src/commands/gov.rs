//! `puffer gov`: the DAO's levers. Every change is scheduled on the TimelockController; `--execute` waits out the
//! delay (dev chains: by moving time forward) and executes it, otherwise the operation is saved and
//! `puffer gov execute <ID>` runs it once it is ready. Pausing is immediate (the PAUSER role); unpausing is
//! timelocked.

use std::{collections::BTreeMap, path::PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use puffer_chain::{
    Chain, Governance, Operation,
    alloy::{
        primitives::{Address, B256, Bytes, U256},
        sol_types::SolCall,
    },
    bindings::{GuardianModule, IPufferProtocolTypes, PufferPool, PufferProtocol, WithdrawalPool},
    contract::call_decode,
    operator::strategy_name,
};
use serde::{Deserialize, Serialize};

use crate::cli::{
    amount::{format_eth, parse_eth},
    context::{ChainArgs, Context, KeyArgs, Role},
};

use super::stake::bps;

/// `puffer gov` with the connection options.
#[derive(Debug, Args)]
pub(crate) struct GovArgs {
    #[command(subcommand)]
    command: GovCommand,
    #[command(flatten)]
    chain: ChainArgs,
}

/// What to do with a scheduled change.
#[derive(Debug, Clone, Args)]
pub(crate) struct Proposal {
    /// After scheduling, wait out the timelock delay (dev chains move time forward) and execute.
    #[arg(long)]
    execute: bool,
    /// Where scheduled operations are kept for `puffer gov execute`.
    #[arg(long, default_value = ".puffer/governance-operations.json")]
    operations_file: PathBuf,
    #[command(flatten)]
    key: KeyArgs,
}

/// `puffer gov …`
#[derive(Debug, Subcommand)]
pub(crate) enum GovCommand {
    /// Strategies: create one, or list them.
    #[command(subcommand)]
    Strategy(StrategyCommand),
    /// The provisioning schedule's weights.
    #[command(subcommand)]
    Weights(WeightsCommand),
    /// Smoothing-commitment prices by months.
    #[command(subcommand)]
    Prices(PricesCommand),
    /// Protocol and guardian fees: show, or set with `--protocol-bps`/`--guardian-bps`.
    #[command(
        after_help = "Examples:\n  puffer gov fees\n  puffer gov fees --protocol-bps 200 --guardian-bps 50 --execute"
    )]
    Fees {
        /// New protocol fee, basis points.
        #[arg(long, requires = "guardian_bps")]
        protocol_bps: Option<u64>,
        /// New guardian fee, basis points.
        #[arg(long, requires = "protocol_bps")]
        guardian_bps: Option<u64>,
        #[command(flatten)]
        proposal: Proposal,
    },
    /// The guardian set: guardians, their enclave keys, the threshold.
    #[command(after_help = "Example:\n  puffer gov guardians --json")]
    Guardians,
    /// Pause deposits, withdrawals or registrations now (PAUSER role, no delay).
    #[command(after_help = "Example:\n  puffer gov pause deposits")]
    Pause {
        /// What to pause.
        what: Pausable,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Unpause (through the timelock).
    #[command(after_help = "Example:\n  puffer gov unpause deposits --execute")]
    Unpause {
        /// What to unpause.
        what: Pausable,
        #[command(flatten)]
        proposal: Proposal,
    },
    /// Execute a scheduled operation whose delay has passed.
    #[command(after_help = "Example:\n  puffer gov execute 0x5c3f…")]
    Execute {
        /// The operation id printed when it was scheduled.
        id: B256,
        #[command(flatten)]
        proposal: Proposal,
    },
}

/// `puffer gov strategy …`
#[derive(Debug, Subcommand)]
pub(crate) enum StrategyCommand {
    /// Create a strategy (restaking when it names AVSs; then only allowed NoOps may register).
    #[command(
        after_help = "Examples:\n  puffer gov strategy create EIGEN_DA --avs 0x… --noop 0x… --commission-bps 1000 --execute\n  puffer gov strategy create SOLO_STAKERS --execute"
    )]
    Create {
        /// Name (ASCII, at most 32 bytes).
        name: String,
        /// AVS the strategy restakes to (repeat for several).
        #[arg(long = "avs")]
        avs: Vec<Address>,
        /// NoOp allowed to register (repeat for several; restaking strategies only).
        #[arg(long = "noop")]
        noops: Vec<Address>,
        /// NoOps' share of AVS fees, basis points.
        #[arg(long, default_value_t = 0)]
        commission_bps: u16,
        #[command(flatten)]
        proposal: Proposal,
    },
    /// List strategies with their weights and queues.
    #[command(after_help = "Example:\n  puffer gov strategy list --json")]
    List,
    /// Mark a strategy slashed after an AVS slashed its validators (one-way): registrations in it are refused
    /// and the guardians eject its active validators. Set its weight to 0 too, so its pending validators are
    /// not provisioned.
    #[command(
        after_help = "Example:\n  puffer gov strategy slashed EIGEN_DA --execute\n  puffer gov weights set NO_RESTAKING=1 EIGEN_DA=0 --execute"
    )]
    Slashed {
        /// The strategy.
        name: String,
        #[command(flatten)]
        proposal: Proposal,
    },
}

/// `puffer gov weights …`
#[derive(Debug, Subcommand)]
pub(crate) enum WeightsCommand {
    /// Set every strategy's weight at once (NAME=WEIGHT for each).
    #[command(
        after_help = "Example:\n  puffer gov weights set NO_RESTAKING=3 EIGEN_DA=1 --execute"
    )]
    Set {
        /// NAME=WEIGHT pairs.
        #[arg(required = true)]
        weights: Vec<String>,
        #[command(flatten)]
        proposal: Proposal,
    },
    /// Show the weights.
    Show,
}

/// `puffer gov prices …`
#[derive(Debug, Subcommand)]
pub(crate) enum PricesCommand {
    /// The price of every offered commitment length.
    Show,
    /// Set the price of MONTHS months of commitment.
    #[command(after_help = "Example:\n  puffer gov prices set 12 1.2 --execute")]
    Set {
        /// Commitment length in months.
        months: u64,
        /// Price in ETH.
        price: String,
        #[command(flatten)]
        proposal: Proposal,
    },
}

/// What can be paused.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Pausable {
    /// `PufferPool.depositETH` and ERC-4626 deposits.
    Deposits,
    /// Redemptions from the WithdrawalPool.
    Withdrawals,
    /// New validator registrations.
    Registrations,
}

/// A scheduled operation as saved for `puffer gov execute`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedOperation {
    id: B256,
    chain_id: u64,
    target: Address,
    data: Bytes,
    salt: B256,
    ready_at: u64,
    description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Proposed {
    id: B256,
    target: Address,
    ready_at: u64,
    executed: bool,
    description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StrategyRow {
    name: String,
    index: u64,
    address: Address,
    restaking: bool,
    commission_bps: u64,
    weight: String,
    pending: String,
    withdrawal_credentials: B256,
    slashed: bool,
}

/// Runs a `puffer gov` command.
pub(crate) fn run(args: GovArgs) -> anyhow::Result<()> {
    let mut ctx = Context::connect(&args.chain)?;
    let protocol = ctx.deployment.protocol()?;
    match args.command {
        GovCommand::Strategy(StrategyCommand::Create {
            name,
            avs,
            noops,
            commission_bps,
            proposal,
        }) => {
            let call = PufferProtocol::createStrategyCall {
                name: strategy_name(&name)?,
                config: IPufferProtocolTypes::StrategyConfig {
                    avsSet: avs,
                    allowedNoOps: noops,
                    commissionBps: commission_bps,
                },
            };
            propose(
                &mut ctx,
                &proposal,
                protocol,
                &call,
                format!("create strategy {name}"),
            )
        }
        GovCommand::Strategy(StrategyCommand::Slashed { name, proposal }) => {
            let call = PufferProtocol::markStrategySlashedCall {
                name: strategy_name(&name)?,
            };
            propose(
                &mut ctx,
                &proposal,
                protocol,
                &call,
                format!("mark strategy {name} slashed"),
            )
        }
        GovCommand::Strategy(StrategyCommand::List) | GovCommand::Weights(WeightsCommand::Show) => {
            let rows = strategies(&mut ctx)?;
            let out = ctx.out;
            out.emit(&rows, || {
                let mut text = format!(
                    "{:<16} {:>3} {:<42} {:>9} {:>10} {:>6} {:>7}",
                    "strategy", "#", "address", "restaking", "commission", "weight", "pending"
                );
                for r in &rows {
                    text.push_str(&format!(
                        "\n{:<16} {:>3} {:<42} {:>9} {:>10} {:>6} {:>7}",
                        r.name,
                        r.index,
                        r.address.to_string(),
                        if r.restaking { "yes" } else { "no" },
                        bps(U256::from(r.commission_bps)),
                        r.weight,
                        r.pending
                    ));
                    if r.slashed {
                        text.push_str("  SLASHED");
                    }
                }
                text
            })
        }
        GovCommand::Weights(WeightsCommand::Set { weights, proposal }) => {
            let known = strategies(&mut ctx)?;
            let mut names = Vec::new();
            let mut values = Vec::new();
            for pair in &weights {
                let (name, weight) = pair.split_once('=').with_context(|| {
                    format!("{pair:?} is not NAME=WEIGHT (e.g. NO_RESTAKING=3)")
                })?;
                if !known.iter().any(|s| s.name == name) {
                    bail!(
                        "unknown strategy {name:?}; known: {}",
                        known
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                let weight: u64 = weight.parse().with_context(|| {
                    format!("weight {weight:?} of {name} is not a whole number")
                })?;
                names.push(strategy_name(name)?);
                values.push(U256::from(weight));
            }
            let call = PufferProtocol::setStrategyWeightsCall {
                names,
                weights: values,
            };
            propose(
                &mut ctx,
                &proposal,
                protocol,
                &call,
                format!("set weights {}", weights.join(" ")),
            )
        }
        GovCommand::Prices(PricesCommand::Show) => {
            let mut prices = BTreeMap::new();
            for months in 1..=36u64 {
                let call = PufferProtocol::commitmentPriceCall {
                    months: U256::from(months),
                };
                if let Ok(price) = call_decode(&mut ctx.chain, protocol, &call) {
                    prices.insert(months, price.to_string());
                }
            }
            let out = ctx.out;
            out.emit(&prices, || {
                let mut text = String::from("months  price (ETH)");
                for (m, p) in &prices {
                    let wei = U256::from_str_radix(p, 10).unwrap_or_default();
                    text.push_str(&format!("\n{m:>6}  {}", format_eth(wei)));
                }
                text
            })
        }
        GovCommand::Prices(PricesCommand::Set {
            months,
            price,
            proposal,
        }) => {
            let call = PufferProtocol::setCommitmentPriceCall {
                months: U256::from(months),
                priceWei: parse_eth(&price)?,
            };
            propose(
                &mut ctx,
                &proposal,
                protocol,
                &call,
                format!("price of {months} months = {price} ETH"),
            )
        }
        GovCommand::Fees {
            protocol_bps,
            guardian_bps,
            proposal,
        } => {
            let params = call_decode(&mut ctx.chain, protocol, &PufferProtocol::parametersCall {})?;
            match (protocol_bps, guardian_bps) {
                (Some(p), Some(g)) => {
                    let call = PufferProtocol::setFeesCall {
                        protocolFeeBps: U256::from(p),
                        guardianFeeBps: U256::from(g),
                        treasury: params.treasury,
                        guardianFeeRecipient: params.guardianFeeRecipient,
                    };
                    propose(
                        &mut ctx,
                        &proposal,
                        protocol,
                        &call,
                        format!("fees: protocol {p} bps, guardians {g} bps"),
                    )
                }
                _ => {
                    let wp = ctx.deployment.withdrawal_pool()?;
                    let pool = ctx.deployment.pool()?;
                    let fee =
                        call_decode(&mut ctx.chain, wp, &WithdrawalPool::withdrawalFeeBpsCall {})?;
                    let share = call_decode(
                        &mut ctx.chain,
                        pool,
                        &PufferPool::withdrawalPoolShareBpsCall {},
                    )?;
                    let value = serde_json::json!({
                        "protocolFeeBps": params.protocolFeeBps.to_string(),
                        "guardianFeeBps": params.guardianFeeBps.to_string(),
                        "withdrawalFeeBps": fee.to_string(),
                        "withdrawalPoolShareBps": share.to_string(),
                        "bondWei": params.bondWei.to_string(),
                        "treasury": params.treasury,
                        "guardianFeeRecipient": params.guardianFeeRecipient,
                    });
                    ctx.out.emit(&value, || {
                        format!(
                            "protocol fee        {}\nguardian fee        {}\nwithdrawal fee      {}\nwithdrawal-pool cut {}\nNoOp bond           {} ETH\ntreasury            {}\nguardian fees to    {}",
                            bps(params.protocolFeeBps),
                            bps(params.guardianFeeBps),
                            bps(fee),
                            bps(share),
                            format_eth(params.bondWei),
                            params.treasury,
                            params.guardianFeeRecipient
                        )
                    })
                }
            }
        }
        GovCommand::Guardians => {
            let gm = ctx.deployment.guardian_module()?;
            let guardians = call_decode(&mut ctx.chain, gm, &GuardianModule::guardiansCall {})?;
            let threshold = call_decode(&mut ctx.chain, gm, &GuardianModule::thresholdCall {})?;
            let mut rows = Vec::new();
            for g in guardians {
                let enclave = call_decode(
                    &mut ctx.chain,
                    gm,
                    &GuardianModule::enclaveKeyOfCall { guardian: g },
                )?;
                rows.push(serde_json::json!({ "guardian": g, "enclaveKey": enclave }));
            }
            let value =
                serde_json::json!({ "threshold": threshold.to_string(), "guardians": rows });
            ctx.out.emit(&value, || {
                let mut text = format!("{} of {} guardians must sign", threshold, rows.len());
                for r in &rows {
                    text.push_str(
                        &format!("\n  {}  enclave {}", r["guardian"], r["enclaveKey"])
                            .replace('"', ""),
                    );
                }
                text
            })
        }
        GovCommand::Pause { what, key } => {
            let pauser = ctx.signer(&key, Role::Dao)?;
            let (target, data, label) = pause_call(&ctx, what, true)?;
            ctx.chain
                .send(&pauser, puffer_chain::TxRequest::call(target, data))
                .with_context(|| format!("pausing {label}"))?;
            let value = serde_json::json!({ "paused": label });
            ctx.out
                .emit(&value, || format!("{} {label}", ctx.out.warn("paused")))
        }
        GovCommand::Unpause { what, proposal } => {
            let (target, data, label) = pause_call(&ctx, what, false)?;
            propose_raw(
                &mut ctx,
                &proposal,
                target,
                data,
                format!("unpause {label}"),
            )
        }
        GovCommand::Execute { id, proposal } => {
            let saved = load_operations(&proposal.operations_file)?;
            let op = saved
                .iter()
                .find(|o| o.id == id)
                .with_context(|| {
                    format!(
                        "no scheduled operation {id} in {}",
                        proposal.operations_file.display()
                    )
                })?
                .clone();
            let dao = ctx.signer(&proposal.key, Role::Dao)?;
            let governance = Governance::new(dao, &ctx.deployment)?;
            let now = ctx.chain.timestamp()?;
            if now < op.ready_at {
                bail!(
                    "operation {id} is ready at {} (in {} s); run this again then",
                    op.ready_at,
                    op.ready_at - now
                );
            }
            governance.execute(&mut ctx.chain, &to_operation(&op))?;
            forget_operation(&proposal.operations_file, id)?;
            let value = serde_json::json!({ "executed": id, "description": op.description });
            ctx.out.emit(&value, || {
                format!("{} {}", ctx.out.good("executed"), op.description)
            })
        }
    }
}

fn pause_call(
    ctx: &Context,
    what: Pausable,
    pause: bool,
) -> anyhow::Result<(Address, Bytes, &'static str)> {
    Ok(match (what, pause) {
        (Pausable::Deposits, true) => (
            ctx.deployment.pool()?,
            PufferPool::pauseDepositsCall {}.abi_encode().into(),
            "deposits",
        ),
        (Pausable::Deposits, false) => (
            ctx.deployment.pool()?,
            PufferPool::unpauseDepositsCall {}.abi_encode().into(),
            "deposits",
        ),
        (Pausable::Withdrawals, true) => (
            ctx.deployment.withdrawal_pool()?,
            WithdrawalPool::pauseWithdrawalsCall {}.abi_encode().into(),
            "withdrawals",
        ),
        (Pausable::Withdrawals, false) => (
            ctx.deployment.withdrawal_pool()?,
            WithdrawalPool::unpauseWithdrawalsCall {}
                .abi_encode()
                .into(),
            "withdrawals",
        ),
        (Pausable::Registrations, true) => (
            ctx.deployment.protocol()?,
            PufferProtocol::pauseRegistrationsCall {}
                .abi_encode()
                .into(),
            "registrations",
        ),
        (Pausable::Registrations, false) => (
            ctx.deployment.protocol()?,
            PufferProtocol::unpauseRegistrationsCall {}
                .abi_encode()
                .into(),
            "registrations",
        ),
    })
}

/// The strategies in index order, as rows.
fn strategies(ctx: &mut Context) -> anyhow::Result<Vec<StrategyRow>> {
    let protocol = ctx.deployment.protocol()?;
    let mut rows = Vec::new();
    for (name, s) in puffer_chain::operator::strategies(&mut ctx.chain, protocol)? {
        rows.push(StrategyRow {
            name: name_text(name),
            index: s.index.saturating_to(),
            address: s.strategy,
            restaking: s.restaking,
            commission_bps: s.commissionBps.saturating_to(),
            weight: s.weight.to_string(),
            pending: s.pending.to_string(),
            withdrawal_credentials: s.withdrawalCredentials,
            slashed: s.slashed,
        });
    }
    Ok(rows)
}

/// A `bytes32` strategy name as text (trailing zero bytes dropped).
pub(crate) fn name_text(name: B256) -> String {
    let bytes: Vec<u8> = name.iter().copied().take_while(|b| *b != 0).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn propose<C: SolCall>(
    ctx: &mut Context,
    proposal: &Proposal,
    target: Address,
    call: &C,
    description: String,
) -> anyhow::Result<()> {
    propose_raw(ctx, proposal, target, call.abi_encode().into(), description)
}

fn propose_raw(
    ctx: &mut Context,
    proposal: &Proposal,
    target: Address,
    data: Bytes,
    description: String,
) -> anyhow::Result<()> {
    // Dry-run as the timelock first: a mistake (bad bounds, unknown strategy) is reported before scheduling.
    let timelock = ctx.deployment.timelock()?;
    ctx.chain
        .call(Some(timelock), target, data.clone())
        .with_context(|| format!("{description} would fail when executed"))?;
    let dao = ctx.signer(&proposal.key, Role::Dao)?;
    let mut governance = Governance::new(dao, &ctx.deployment)?;
    let op = governance.schedule(&mut ctx.chain, target, data)?;
    let mut executed = false;
    let now = ctx.chain.timestamp()?;
    if proposal.execute {
        if now < op.ready_at {
            if !ctx.chain.is_dev() {
                save_operation(ctx, proposal, &op, &description)?;
                bail!(
                    "scheduled {} ({description}); it is ready at {}: run `puffer gov execute {}` then",
                    op.id,
                    op.ready_at,
                    op.id
                );
            }
            ctx.chain.advance_time(op.ready_at - now)?;
            if let Some(devnet) = &ctx.devnet {
                // Keep the devnet's beacon clock with the chain's (the guardians' reports need both).
                super::devnet::advance_beacon_clock(devnet, op.ready_at - now)?;
            }
        }
        governance.execute(&mut ctx.chain, &op)?;
        executed = true;
    } else {
        save_operation(ctx, proposal, &op, &description)?;
    }
    let result = Proposed {
        id: op.id,
        target,
        ready_at: op.ready_at,
        executed,
        description: description.clone(),
    };
    let out = ctx.out;
    out.emit(&result, || {
        if executed {
            format!("{} {description} (timelock operation {})", out.good("done:"), op.id)
        } else {
            format!(
                "{} {description}: operation {} is ready at {} (chain time, {} from now); then run `puffer gov execute {}`",
                out.bold("scheduled"),
                op.id,
                op.ready_at,
                super::status::duration(op.ready_at.saturating_sub(now)),
                op.id
            )
        }
    })
}

fn load_operations(path: &std::path::Path) -> anyhow::Result<Vec<SavedOperation>> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .with_context(|| format!("{} is not an operations file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn store_operations(path: &std::path::Path, ops: &[SavedOperation]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    puffer_keys::fs::write_atomic(path, serde_json::to_string_pretty(ops)?.as_bytes())?;
    Ok(())
}

fn save_operation(
    ctx: &Context,
    proposal: &Proposal,
    op: &Operation,
    description: &str,
) -> anyhow::Result<()> {
    let mut ops = load_operations(&proposal.operations_file)?;
    ops.push(SavedOperation {
        id: op.id,
        chain_id: ctx.deployment.chain_id,
        target: op.target,
        data: op.data.clone(),
        salt: op.salt,
        ready_at: op.ready_at,
        description: description.to_owned(),
    });
    store_operations(&proposal.operations_file, &ops)
}

fn forget_operation(path: &std::path::Path, id: B256) -> anyhow::Result<()> {
    let mut ops = load_operations(path)?;
    ops.retain(|o| o.id != id);
    store_operations(path, &ops)
}

fn to_operation(saved: &SavedOperation) -> Operation {
    Operation {
        id: saved.id,
        target: saved.target,
        data: saved.data.clone(),
        salt: saved.salt,
        ready_at: saved.ready_at,
    }
}
