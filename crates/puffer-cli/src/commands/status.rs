//! `puffer status`: one screen of the protocol — TVL, rate, liquidity, validators by status per strategy, queues,
//! the growth spurt, and (on a devnet) guardian health.

use std::{collections::BTreeMap, time::Duration};

use clap::Args;
use puffer_chain::{
    Chain, LogFilter, SpurtReports,
    alloy::{
        primitives::{Address, U256},
        sol_types::SolEvent,
    },
    bindings::{GuardianModule, PufferPool, PufferProtocol},
    contract::call_decode,
};
use serde::Serialize;

use crate::cli::{
    amount::format_eth,
    context::{ChainArgs, Context},
};

use super::gov::name_text;

/// `puffer status` arguments.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  puffer status\n  puffer status --json | jq .rateWei")]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    chain: ChainArgs,
}

/// Validator statuses in `IPufferProtocolTypes.ValidatorStatus` order.
pub(crate) const STATUSES: [&str; 7] = [
    "none",
    "pending",
    "stopped",
    "skipped",
    "provisioned",
    "active",
    "exited",
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StrategyStatus {
    name: String,
    weight: String,
    queue_pending: String,
    validators: BTreeMap<&'static str, u64>,
    /// Marked slashed by the DAO (its validators are ejected).
    slashed: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GuardianHealth {
    guardian: Address,
    url: Option<String>,
    healthy: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    chain_id: u64,
    block: u64,
    tvl_wei: String,
    rate_wei: String,
    total_supply: String,
    pool_available_wei: String,
    withdrawal_liquidity_wei: String,
    locked_wei: String,
    strategies: Vec<StrategyStatus>,
    current_spurt: u64,
    spurt_ends_at: u64,
    seconds_to_spurt_end: u64,
    next_spurt_to_report: u64,
    guardian_threshold: String,
    guardians: Vec<GuardianHealth>,
}

/// Each validator's status from the protocol's events, replayed in order (one log query, no per-validator reads).
pub(crate) fn validator_statuses(ctx: &mut Context) -> anyhow::Result<BTreeMap<U256, u8>> {
    let protocol = ctx.deployment.protocol()?;
    let logs = ctx
        .chain
        .logs(&LogFilter::address(protocol, ctx.deployment.deploy_block))?;
    let mut statuses = BTreeMap::new();
    for log in logs {
        let Some(topic) = log.topics().first().copied() else {
            continue;
        };
        let Some(id) = log.topics().get(1).map(|t| U256::from_be_bytes(t.0)) else {
            continue;
        };
        let status = match topic {
            t if t == PufferProtocol::ValidatorKeyRegistered::SIGNATURE_HASH => 1,
            t if t == PufferProtocol::RegistrationStopped::SIGNATURE_HASH => 2,
            t if t == PufferProtocol::ProvisioningSkipped::SIGNATURE_HASH => 3,
            t if t == PufferProtocol::ValidatorProvisioned::SIGNATURE_HASH => 4,
            t if t == PufferProtocol::ValidatorActivated::SIGNATURE_HASH => 5,
            t if t == PufferProtocol::ValidatorExited::SIGNATURE_HASH => 6,
            _ => continue,
        };
        statuses.insert(id, status);
    }
    Ok(statuses)
}

fn guardian_health(url: &str) -> bool {
    crate::cli::http::get_ok(
        &format!("{}/health", url.trim_end_matches('/')),
        Duration::from_millis(500),
    )
}

/// Prints the protocol's status.
pub(crate) fn run(args: StatusArgs) -> anyhow::Result<()> {
    let mut ctx = Context::connect(&args.chain)?;
    let pool = ctx.deployment.pool()?;
    let protocol = ctx.deployment.protocol()?;
    let chain = &mut ctx.chain;
    let block = chain.block_number()?;
    let now = chain.timestamp()?;
    let tvl = call_decode(chain, pool, &PufferPool::totalAssetsCall {})?;
    let supply = call_decode(chain, pool, &PufferPool::totalSupplyCall {})?;
    let rate = puffer_chain::rate(chain, pool)?;
    let available = call_decode(chain, pool, &PufferPool::availableETHCall {})?;
    let liquidity = puffer_chain::liquidity(chain, pool)?;
    let locked = call_decode(chain, pool, &PufferPool::lockedETHCall {})?;
    let clock = SpurtReports::new(&ctx.deployment)?.clock(&mut ctx.chain)?;

    let statuses = validator_statuses(&mut ctx)?;
    let mut strategies = Vec::new();
    for (name, view) in puffer_chain::operator::strategies(&mut ctx.chain, protocol)? {
        let index: u64 = view.index.saturating_to();
        let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
        for (id, status) in &statuses {
            if (*id >> 64usize) == U256::from(index) {
                *counts.entry(STATUSES[usize::from(*status)]).or_default() += 1;
            }
        }
        strategies.push(StrategyStatus {
            name: name_text(name),
            weight: view.weight.to_string(),
            queue_pending: view.pending.to_string(),
            validators: counts,
            slashed: view.slashed,
        });
    }

    let gm = ctx.deployment.guardian_module()?;
    let set = call_decode(&mut ctx.chain, gm, &GuardianModule::guardiansCall {})?;
    let threshold = call_decode(&mut ctx.chain, gm, &GuardianModule::thresholdCall {})?;
    let guardians = set
        .into_iter()
        .map(|guardian| {
            let url = ctx
                .devnet
                .as_ref()
                .and_then(|d| d.guardians.iter().find(|g| g.address == guardian))
                .map(|g| g.url.clone());
            let healthy = url.as_deref().map(guardian_health);
            GuardianHealth {
                guardian,
                url,
                healthy,
            }
        })
        .collect::<Vec<_>>();

    let status = Status {
        chain_id: ctx.deployment.chain_id,
        block,
        tvl_wei: tvl.to_string(),
        rate_wei: rate.to_string(),
        total_supply: supply.to_string(),
        pool_available_wei: available.to_string(),
        withdrawal_liquidity_wei: liquidity.to_string(),
        locked_wei: locked.to_string(),
        strategies,
        current_spurt: clock.current,
        spurt_ends_at: clock.current_end,
        seconds_to_spurt_end: clock.current_end.saturating_sub(now),
        next_spurt_to_report: clock.next_report,
        guardian_threshold: threshold.to_string(),
        guardians,
    };
    let out = ctx.out;
    out.emit(&status, || render(&status, &out))
}

fn render(s: &Status, out: &crate::cli::context::Output) -> String {
    let wei = |t: &str| format_eth(U256::from_str_radix(t, 10).unwrap_or_default());
    let mut text = format!(
        "{}  chain {} block {}\n\
         TVL                  {} ETH ({} pufETH)\n\
         1 pufETH             {} ETH\n\
         pool (unallocated)   {} ETH\n\
         withdrawal liquidity {} ETH\n\
         staked in validators {} ETH\n\
         growth spurt         #{} ends in {} (next report: spurt {})\n",
        out.bold("Puffer"),
        s.chain_id,
        s.block,
        wei(&s.tvl_wei),
        wei(&s.total_supply),
        wei(&s.rate_wei),
        wei(&s.pool_available_wei),
        wei(&s.withdrawal_liquidity_wei),
        wei(&s.locked_wei),
        s.current_spurt,
        duration(s.seconds_to_spurt_end),
        s.next_spurt_to_report,
    );
    text.push_str(&format!(
        "\n{:<16} {:>6} {:>7} {:>8} {:>11} {:>6} {:>6} {:>7} {:>7}\n",
        "strategy",
        "weight",
        "queued",
        "pending",
        "provisioned",
        "active",
        "exited",
        "skipped",
        "stopped"
    ));
    for st in &s.strategies {
        let n = |k: &str| st.validators.get(k).copied().unwrap_or(0);
        text.push_str(&format!(
            "{:<16} {:>6} {:>7} {:>8} {:>11} {:>6} {:>6} {:>7} {:>7}{}\n",
            st.name,
            st.weight,
            st.queue_pending,
            n("pending"),
            n("provisioned"),
            n("active"),
            n("exited"),
            n("skipped"),
            n("stopped"),
            if st.slashed { "  SLASHED" } else { "" }
        ));
    }
    text.push_str(&format!(
        "\nguardians: {} of {} must sign\n",
        s.guardian_threshold,
        s.guardians.len()
    ));
    for g in &s.guardians {
        let health = match g.healthy {
            Some(true) => out.good("healthy"),
            Some(false) => out.warn("DOWN"),
            None => "unknown (not a devnet guardian)".to_owned(),
        };
        text.push_str(&format!("  {}  {health}\n", g.guardian));
    }
    text.trim_end().to_owned()
}

/// Seconds as `7d 0h`, `3h 20m` or `4m 10s`.
pub(crate) fn duration(secs: u64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else {
        format!("{m}m {}s", secs % 60)
    }
}
