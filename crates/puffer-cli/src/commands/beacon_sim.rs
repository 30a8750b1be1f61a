//! `puffer beacon-sim`: the simulated beacon node as a Beacon API server, optionally following an execution
//! layer's deposit contract and crediting withdrawals there.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::Args;
use puffer_beacon::{ChainCredit, Scenario, SharedNode, SimConfig, SimNode};
use puffer_chain::RpcChain;
use puffer_chain::alloy::primitives::Address;
use tracing::{info, warn};

/// `puffer beacon-sim` arguments.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    puffer beacon-sim --seed 7 --scenario crates/puffer-beacon/scenarios/default.toml\n  \
    puffer beacon-sim --rpc-url http://127.0.0.1:8545 --deposit-contract 0x4242424242424242424242424242424242424242 --slot-seconds 2")]
pub(crate) struct BeaconSimArgs {
    /// Address the Beacon API listens on.
    #[arg(long, default_value = "127.0.0.1:5052")]
    listen: SocketAddr,
    /// Execution layer to follow (deposits in, withdrawals out via `anvil_setBalance`); omitted: no EL.
    #[arg(long, requires = "deposit_contract")]
    rpc_url: Option<String>,
    /// The deposit contract whose `DepositEvent`s create validators (with `--rpc-url`).
    #[arg(long)]
    deposit_contract: Option<Address>,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Reward and fault model (TOML); default: 3 % APR, perfect performance, no faults.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Seconds per slot of the real-time clock.
    #[arg(long, default_value_t = 12)]
    slot_seconds: u64,
    /// Slots per epoch.
    #[arg(long, default_value_t = 32)]
    slots_per_epoch: u64,
    /// Devnet timings: validators may exit 2 epochs after activation and withdraw 2 epochs after exiting
    /// (mainnet: 256 each), slashings vector of 16 epochs.
    #[arg(long)]
    fast: bool,
    /// Genesis validators root of a custom devnet (32 bytes hex); default: derived from the seed.
    #[arg(long)]
    genesis_validators_root: Option<String>,
    /// Genesis fork version of a custom devnet (4 bytes hex; deposits are signed with it).
    #[arg(long)]
    fork_version: Option<String>,
    /// Capella fork version of a custom devnet (4 bytes hex; exits are signed with it).
    #[arg(long)]
    capella_fork_version: Option<String>,
}

fn decode<const N: usize>(name: &str, text: &str) -> anyhow::Result<[u8; N]> {
    let bytes = hex::decode(text.trim_start_matches("0x"))
        .with_context(|| format!("--{name} {text:?} is not hex"))?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("--{name} {text:?} is not {N} bytes"))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Runs the server until interrupted.
pub(crate) fn run(args: BeaconSimArgs) -> anyhow::Result<()> {
    if args.slot_seconds == 0 || args.slots_per_epoch == 0 {
        bail!("--slot-seconds and --slots-per-epoch must be positive");
    }
    let scenario = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Scenario::from_toml(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => Scenario::default(),
    };
    let mut config = if args.fast {
        SimConfig::fast(args.seed)
    } else {
        SimConfig::new(args.seed)
    };
    config.genesis_time = now();
    config.seconds_per_slot = args.slot_seconds;
    config.slots_per_epoch = args.slots_per_epoch;
    if let Some(root) = &args.genesis_validators_root {
        config.network.genesis_validators_root = decode("genesis-validators-root", root)?;
    }
    if let Some(v) = &args.fork_version {
        config.network.genesis_fork_version = decode("fork-version", v)?;
    }
    if let Some(v) = &args.capella_fork_version {
        config.network.capella_fork_version = decode("capella-fork-version", v)?;
    }
    let node = SharedNode::new(SimNode::new(config, scenario)?);
    let mut chain = match &args.rpc_url {
        Some(url) => Some(RpcChain::connect(url).with_context(|| format!("connecting to {url}"))?),
        None => None,
    };
    let deposit_contract = args.deposit_contract.unwrap_or_default();

    let ticker = node.clone();
    let tick = Duration::from_millis((args.slot_seconds * 1000 / 4).max(100));
    thread::Builder::new()
        .name("beacon-clock".into())
        .spawn(move || {
            loop {
                let mut n = ticker.lock();
                if let Some(chain) = chain.as_mut()
                    && let Err(e) = n.follow_deposits(chain, deposit_contract)
                {
                    warn!(error = %e, "following deposits failed; retrying next tick");
                }
                let slot = n.slot_at(now());
                n.advance_to_slot(slot);
                match chain.as_mut() {
                    Some(chain) => {
                        if let Err(e) = n.pay_withdrawals(&mut ChainCredit(chain)) {
                            warn!(error = %e, "crediting withdrawals failed; retrying next tick");
                        }
                    }
                    None => {
                        for w in n.take_withdrawals() {
                            info!(index = w.index, address = %w.address, gwei = w.amount, "withdrawal (no execution layer)");
                        }
                    }
                }
                drop(n);
                thread::sleep(tick);
            }
        })
        .context("starting the clock thread")?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("binding {}", args.listen))?;
        eprintln!("beacon-sim listening on http://{}", listener.local_addr()?);
        puffer_beacon::server::serve(listener, node)
            .await
            .context("serving")
    })
}
