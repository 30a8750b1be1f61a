//! `puffer devnet up|down|status|advance|penalize`: the whole system on this machine — anvil, the protocol deployed with
//! dev contracts, the simulated beacon node following anvil's deposit contract, and the guardians — as child
//! processes that outlive the command, recorded in `<dir>/devnet.json` so that `down` stops exactly them.
//!
//! Development accounts (`puffer_chain::dev_signer(i)`, public keys: never on a real chain): 0 deployer, 1 DAO and
//! pauser, 2 NoOp, 3 staker, 5 relayer, 7 attestation signer, 10.. guardians, 20.. guardians' enclave keys.

use std::{
    fs::File,
    net::{SocketAddr, TcpListener},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use puffer_chain::{
    Chain, DeployConfig, Deployer, OperatorConfig, RetryPolicy, RpcChain,
    alloy::{
        primitives::{Address, U256},
        signers::local::PrivateKeySigner,
    },
    dev_signer,
    operator::register_dev_enclave_key,
};
use serde::Serialize;

use puffer_beacon::{BeaconClient, BeaconError, BeaconNode as _, credit::WEI_PER_GWEI};

use crate::cli::{
    amount::{format_eth, parse_eth},
    context::{Output, Role},
    devnet_state::{ChildProcess, DevnetState, GuardianEntry},
    http::{get_ok, runtime},
};

/// First development account of the guardians' operator keys.
pub(crate) const GUARDIAN_ACCOUNT: u32 = 10;
/// First development account of the guardians' enclave keys.
pub(crate) const ENCLAVE_ACCOUNT: u32 = 20;
/// The attestation signer the dev verifier trusts.
const ATTESTER_ACCOUNT: u32 = 7;

/// `puffer devnet` arguments.
#[derive(Debug, Args)]
pub(crate) struct DevnetArgs {
    #[command(subcommand)]
    command: DevnetCommand,
    /// Directory for the devnet's state file, logs, deployment and guardian data.
    #[arg(
        long,
        env = "PUFFER_DEVNET_DIR",
        default_value = ".puffer/devnet",
        global = true
    )]
    devnet_dir: PathBuf,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
}

/// `puffer devnet …`
#[derive(Debug, Subcommand)]
pub(crate) enum DevnetCommand {
    /// Start anvil, deploy Puffer, start the beacon node and the guardians; fund the demo accounts.
    #[command(
        after_help = "Examples:\n  puffer devnet up\n  puffer devnet up --guardians 7 --threshold 5 --port 9545"
    )]
    Up(UpArgs),
    /// Stop exactly the processes `up` started (logs stay in the devnet directory).
    #[command(after_help = "Example:\n  puffer devnet down")]
    Down,
    /// Whether each process is alive and each endpoint answers.
    #[command(after_help = "Example:\n  puffer devnet status --json")]
    Status,
    /// Move the execution chain's clock forward (e.g. to the end of a growth spurt) and mine a block; the
    /// beacon node's clock moves by the same seconds and it processes the epochs in between.
    #[command(after_help = "Examples:\n  puffer devnet advance 7d\n  puffer devnet advance 90m")]
    Advance {
        /// How far: a number with s, m, h or d (`7d`, `36h`, `90m`, `30s`).
        duration: String,
    },
    /// Lower a validator's balance on the devnet's simulated beacon node (e.g. below the 31 ETH ejection
    /// balance); its effective balance follows at the next epoch.
    #[command(
        after_help = "Examples:\n  puffer devnet penalize 3 1.5\n  puffer devnet penalize 0 2eth --json"
    )]
    Penalize {
        /// The validator's beacon-chain index.
        validator_index: u64,
        /// How much to take, in ETH (`1.5`, `2eth`, `500000000 gwei`); at most 9 decimals (Gwei precision).
        amount: String,
    },
}

/// `puffer devnet up` options.
#[derive(Debug, Args)]
pub(crate) struct UpArgs {
    /// Guardians to start.
    #[arg(long, default_value_t = 5)]
    guardians: u32,
    /// Signatures a quorum needs (default: a majority).
    #[arg(long)]
    threshold: Option<u64>,
    /// anvil's JSON-RPC port.
    #[arg(long, default_value_t = 8545)]
    port: u16,
    /// The beacon node's port.
    #[arg(long, default_value_t = 5052)]
    beacon_port: u16,
    /// Guardian i listens on this port + i.
    #[arg(long, default_value_t = 7600)]
    guardian_base_port: u16,
    /// Seconds per beacon slot.
    #[arg(long, default_value_t = 2)]
    slot_seconds: u64,
    /// Slots per beacon epoch.
    #[arg(long, default_value_t = 8)]
    slots_per_epoch: u64,
    /// Beacon reward/fault model (TOML, see crates/puffer-beacon/scenarios/default.toml).
    #[arg(long)]
    beacon_scenario: Option<PathBuf>,
    /// Start without guardians (nothing gets provisioned).
    #[arg(long)]
    no_guardians: bool,
}

/// Parses `7d`, `36h`, `90m`, `30s` or plain seconds.
pub(crate) fn parse_duration(text: &str) -> anyhow::Result<u64> {
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = number.parse().with_context(|| {
        format!("duration {text:?} is not a number with s, m, h or d (e.g. 7d)")
    })?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        other => bail!("duration {text:?} has unknown unit {other:?}; use s, m, h or d"),
    };
    n.checked_mul(scale)
        .with_context(|| format!("duration {text:?} is too long"))
}

/// Runs a `puffer devnet` command.
pub(crate) fn run(args: DevnetArgs) -> anyhow::Result<()> {
    let out = Output::new(args.json);
    match args.command {
        DevnetCommand::Up(up) => self::up(&args.devnet_dir, &up, out),
        DevnetCommand::Down => down(&args.devnet_dir, out),
        DevnetCommand::Status => status(&args.devnet_dir, out),
        DevnetCommand::Advance { duration } => advance(&args.devnet_dir, &duration, out),
        DevnetCommand::Penalize {
            validator_index,
            amount,
        } => penalize(&args.devnet_dir, validator_index, &amount, out),
    }
}

/// The devnet's beacon node, or a [`NotConnected`](crate::cli::context::NotConnected) (exit code 3) naming it.
fn beacon_client(state: &DevnetState) -> anyhow::Result<BeaconClient> {
    BeaconClient::new(&state.beacon_url).map_err(|e| beacon_unreachable(state, &e).into())
}

/// Transport failures (refused, timed out) become exit code 3 with one line; node answers stay errors.
fn beacon_error(state: &DevnetState, e: BeaconError) -> anyhow::Error {
    match e {
        BeaconError::Transport(_) | BeaconError::BadUrl(_) => beacon_unreachable(state, &e).into(),
        other => anyhow::Error::new(other).context(format!("beacon node {}", state.beacon_url)),
    }
}

fn beacon_unreachable(state: &DevnetState, e: &BeaconError) -> crate::cli::context::NotConnected {
    let cause = match e {
        BeaconError::Transport(t) if t.is_connect() => "connection refused".to_owned(),
        BeaconError::Transport(t) if t.is_timeout() => "timed out".to_owned(),
        other => other.to_string(),
    };
    crate::cli::context::NotConnected(format!(
        "the devnet's beacon node at {} is not answering ({cause}); is the devnet up? `puffer devnet status`",
        state.beacon_url
    ))
}

/// `puffer devnet advance`: the execution layer's clock (`evm_increaseTime` + a block), then the beacon
/// node's by the same seconds, so both stay aligned. The beacon node is checked first so that an unreachable
/// one does not leave the execution clock moved alone.
fn advance(dir: &Path, duration: &str, out: Output) -> anyhow::Result<()> {
    let secs = parse_duration(duration)?;
    let state = DevnetState::load(dir)?.with_context(|| no_devnet(dir))?;
    let beacon = beacon_client(&state)?;
    let rt = runtime()?;
    rt.block_on(beacon.genesis())
        .map_err(|e| beacon_error(&state, e))?;
    let mut chain = RpcChain::connect(&state.rpc_url)?;
    chain.advance_time(secs)?;
    chain.mine()?;
    let now = chain.timestamp()?;
    let clock = rt
        .block_on(beacon.advance_clock(secs))
        .map_err(|e| beacon_error(&state, e))?;
    out.emit(
        &serde_json::json!({
            "advancedSeconds": secs,
            "timestamp": now,
            "beaconSlot": clock.slot,
            "beaconClockOffset": clock.offset_seconds,
        }),
        || {
            format!(
                "chain clock moved {secs} s forward (now {now}); beacon node at slot {} (clock offset {} s)",
                clock.slot, clock.offset_seconds
            )
        },
    )
}

/// Moves the devnet beacon node's clock `secs` forward (after the chain's moved by as much elsewhere, e.g. a
/// governance `--execute` waiting out the timelock).
pub(crate) fn advance_beacon_clock(state: &DevnetState, secs: u64) -> anyhow::Result<()> {
    let beacon = beacon_client(state)?;
    runtime()?
        .block_on(beacon.advance_clock(secs))
        .map_err(|e| beacon_error(state, e))?;
    Ok(())
}

/// `puffer devnet penalize`: lowers a validator's balance on the devnet's simulated beacon node.
fn penalize(dir: &Path, index: u64, amount: &str, out: Output) -> anyhow::Result<()> {
    let gwei = eth_to_gwei(amount)?;
    let state = DevnetState::load(dir)?.with_context(|| no_devnet(dir))?;
    let beacon = beacon_client(&state)?;
    let balance = runtime()?
        .block_on(beacon.penalize(index, gwei))
        .map_err(|e| beacon_error(&state, e))?;
    let eth = |g: u64| format_eth(U256::from(g) * U256::from(WEI_PER_GWEI));
    out.emit(
        &serde_json::json!({
            "validatorIndex": index,
            "penaltyGwei": gwei,
            "balanceGwei": balance.balance,
        }),
        || {
            format!(
                "validator {index} penalized {} ETH: balance now {} ETH (effective balance follows at the next epoch)",
                eth(gwei),
                eth(balance.balance)
            )
        },
    )
}

/// A human ETH amount in Gwei, refusing anything finer than a Gwei or beyond `u64`.
fn eth_to_gwei(amount: &str) -> anyhow::Result<u64> {
    let wei = parse_eth(amount)?;
    let per_gwei = U256::from(WEI_PER_GWEI);
    if !(wei % per_gwei).is_zero() {
        bail!("amount {amount:?} is finer than a Gwei; the beacon chain counts whole Gwei");
    }
    u64::try_from(wei / per_gwei).with_context(|| format!("amount {amount:?} is too large"))
}

fn no_devnet(dir: &Path) -> crate::cli::context::NotConnected {
    crate::cli::context::NotConnected(format!(
        "no devnet running in {}: run `puffer devnet up`",
        dir.display()
    ))
}

/// The pinned anvil: `PUFFER_ANVIL`, else the repository's `contracts/node_modules/.bin/anvil`, else `anvil`.
fn anvil_binary() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("PUFFER_ANVIL") {
        return Ok(PathBuf::from(path));
    }
    let pinned =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/node_modules/.bin/anvil");
    if pinned.exists() {
        return Ok(pinned);
    }
    let in_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("anvil"))
                .any(|f| f.exists())
        })
        .unwrap_or(false);
    if in_path {
        return Ok(PathBuf::from("anvil"));
    }
    bail!("anvil not found: run scripts/setup (it installs the pinned anvil) or set PUFFER_ANVIL")
}

fn port_free(port: u16) -> bool {
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).is_ok()
}

/// Whether process `pid` is alive and its command line mentions `needle`.
fn alive(pid: u32, needle: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmd| {
        let text = String::from_utf8_lossy(&cmd);
        text.contains(needle)
    }) && std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.split_whitespace().nth(2).is_none_or(|state| state != "Z"))
        .unwrap_or(false)
}

fn process_marker(p: &ChildProcess) -> &'static str {
    if p.name == "anvil" { "anvil" } else { "puffer" }
}

pub(crate) fn spawn(
    dir: &Path,
    name: &str,
    program: &Path,
    args: &[String],
) -> anyhow::Result<ChildProcess> {
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let log = logs.join(format!("{name}.log"));
    let file = File::create(&log).with_context(|| format!("creating {}", log.display()))?;
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(file.try_clone()?)
        .stderr(file)
        // Own process group: a Ctrl-C in this terminal later does not take the devnet down.
        .process_group(0)
        .spawn()
        .with_context(|| format!("starting {name} ({})", program.display()))?;
    Ok(ChildProcess {
        name: name.to_owned(),
        pid: child.id(),
        log,
    })
}

fn wait_until(
    what: &str,
    timeout: Duration,
    mut ready: impl FnMut() -> bool,
) -> anyhow::Result<()> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!(
        "{what} did not become ready within {} s; see its log",
        timeout.as_secs()
    )
}

fn progress(out: Output) -> ProgressBar {
    let bar = out.progress(
        ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    );
    if !bar.is_hidden() {
        bar.enable_steady_tick(Duration::from_millis(100));
    }
    bar
}

fn stop(processes: &[ChildProcess]) -> Vec<String> {
    let mut stopped = Vec::new();
    for p in processes.iter().rev() {
        if !alive(p.pid, process_marker(p)) {
            continue;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &p.pid.to_string()])
            .status();
        let started = Instant::now();
        while alive(p.pid, process_marker(p)) && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(50));
        }
        if alive(p.pid, process_marker(p)) {
            let _ = Command::new("kill")
                .args(["-KILL", &p.pid.to_string()])
                .status();
        }
        stopped.push(format!("{} (pid {})", p.name, p.pid));
    }
    stopped
}

fn up(dir: &Path, args: &UpArgs, out: Output) -> anyhow::Result<()> {
    if let Some(state) = DevnetState::load(dir)?
        && state
            .processes
            .iter()
            .any(|p| alive(p.pid, process_marker(p)))
    {
        bail!(
            "a devnet is already running in {} ({}); `puffer devnet down` first",
            dir.display(),
            state.rpc_url
        );
    }
    if args.guardians == 0 && !args.no_guardians {
        bail!("--guardians 0: use --no-guardians to start without guardians");
    }
    let n = if args.no_guardians { 0 } else { args.guardians };
    let threshold = args
        .threshold
        .unwrap_or(u64::from(n) / 2 + u64::from(n > 0));
    if n > 0 && (threshold == 0 || threshold > u64::from(n)) {
        bail!("--threshold {threshold} is not between 1 and the {n} guardians");
    }
    for (what, port) in [("--port", args.port), ("--beacon-port", args.beacon_port)] {
        if !port_free(port) {
            bail!("{what} {port} is in use on 127.0.0.1: stop what uses it or pick another port");
        }
    }
    for i in 0..n {
        let port = guardian_port(args, i)?;
        if !port_free(port) {
            bail!("guardian port {port} is in use: pass another --guardian-base-port");
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let started = Instant::now();
    let bar = progress(out);
    let mut processes = Vec::new();
    let result = start_all(dir, args, n, threshold, &bar, &mut processes);
    bar.finish_and_clear();
    let state = match result {
        Ok(state) => state,
        Err(e) => {
            // Nothing half-started stays behind.
            stop(&processes);
            return Err(e);
        }
    };
    state.save(dir)?;
    let elapsed = started.elapsed().as_secs_f64();
    out.emit(&state, || {
        let mut text = format!(
            "{} in {elapsed:.1} s\n  execution (anvil)  {}\n  beacon node        {}\n  deployment         {}\n",
            out.good("devnet up"),
            state.rpc_url,
            state.beacon_url,
            state.deployment.display()
        );
        for g in &state.guardians {
            text.push_str(&format!("  guardian           {}  {}\n", g.url, g.address));
        }
        text.push_str("  accounts (development keys; public, dev chains only):\n");
        for (role, index, address) in &state.accounts {
            text.push_str(&format!("    {role:<9} dev account {index:<2} {address}\n"));
        }
        text.push_str(&format!("  logs               {}\nnext: puffer status", dir.join("logs").display()));
        text
    })
}

fn guardian_port(args: &UpArgs, i: u32) -> anyhow::Result<u16> {
    u16::try_from(u32::from(args.guardian_base_port) + i)
        .ok()
        .context("--guardian-base-port + guardians exceeds 65535")
}

fn start_all(
    dir: &Path,
    args: &UpArgs,
    n: u32,
    threshold: u64,
    bar: &ProgressBar,
    processes: &mut Vec<ChildProcess>,
) -> anyhow::Result<DevnetState> {
    let dir = std::path::absolute(dir).with_context(|| format!("resolving {}", dir.display()))?;
    bar.set_message("starting anvil");
    let anvil = anvil_binary()?;
    let port = args.port.to_string();
    processes.push(spawn(
        &dir,
        "anvil",
        &anvil,
        &[
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port,
            "--chain-id".into(),
            "31337".into(),
            "--hardfork".into(),
            "prague".into(),
        ],
    )?);
    let rpc_url = format!("http://127.0.0.1:{}", args.port);
    let anvil_port = args.port;
    wait_until("anvil", Duration::from_secs(30), || !port_free(anvil_port))?;
    let mut chain = RpcChain::connect_with(
        &rpc_url,
        RetryPolicy {
            attempts: 100,
            initial_backoff: Duration::from_millis(50),
        },
    )
    .context("anvil did not answer")?;

    bar.set_message("deploying Puffer");
    let deployer = dev_signer(0);
    let dao = dev_signer(Role::Dao.dev_account());
    let attester = dev_signer(ATTESTER_ACCOUNT);
    let guardians: Vec<PrivateKeySigner> =
        (0..n).map(|i| dev_signer(GUARDIAN_ACCOUNT + i)).collect();
    let enclaves: Vec<PrivateKeySigner> = (0..n).map(|i| dev_signer(ENCLAVE_ACCOUNT + i)).collect();
    let mut accounts = vec![
        ("deployer".to_owned(), 0, deployer.address()),
        ("dao".to_owned(), Role::Dao.dev_account(), dao.address()),
        (
            "noop".to_owned(),
            Role::NoOp.dev_account(),
            dev_signer(Role::NoOp.dev_account()).address(),
        ),
        (
            "staker".to_owned(),
            Role::Staker.dev_account(),
            dev_signer(Role::Staker.dev_account()).address(),
        ),
        ("relayer".to_owned(), 5, dev_signer(5).address()),
    ];
    let funded: Vec<Address> = accounts
        .iter()
        .map(|a| a.2)
        .chain([attester.address()])
        .chain(guardians.iter().map(|g| g.address()))
        .collect();
    for address in funded {
        chain.set_balance(
            address,
            U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u64)),
        )?;
    }
    let mut operator = OperatorConfig::dev(
        attester.address(),
        guardians.iter().map(|g| g.address()).collect(),
    );
    operator.guardian_threshold = threshold;
    let deployment =
        Deployer::full(DeployConfig::dev(dao.address()), operator).deploy(&mut chain, &deployer)?;
    let deployment_path = dir.join("deployment.json");
    deployment.write(&deployment_path)?;
    register_enclave_keys(&mut chain, &deployment, &attester, &guardians, &enclaves)?;

    bar.set_message("starting the beacon node");
    let me = std::env::current_exe().context("locating the puffer binary")?;
    let mut beacon_args = vec![
        "beacon-sim".to_owned(),
        "--listen".into(),
        format!("127.0.0.1:{}", args.beacon_port),
        "--rpc-url".into(),
        rpc_url.clone(),
        "--deposit-contract".into(),
        deployment.deposit_contract()?.to_string(),
        "--slot-seconds".into(),
        args.slot_seconds.to_string(),
        "--slots-per-epoch".into(),
        args.slots_per_epoch.to_string(),
        "--fast".into(),
    ];
    if let Some(scenario) = &args.beacon_scenario {
        beacon_args.push("--scenario".into());
        beacon_args.push(std::path::absolute(scenario)?.display().to_string());
    }
    processes.push(spawn(&dir, "beacon-sim", &me, &beacon_args)?);
    let beacon_url = format!("http://127.0.0.1:{}", args.beacon_port);
    let genesis = format!("{beacon_url}/eth/v1/beacon/genesis");
    wait_until("the beacon node", Duration::from_secs(30), || {
        get_ok(&genesis, Duration::from_millis(300))
    })?;

    let mut entries = Vec::new();
    for i in 0..n {
        let port = guardian_port(args, i)?;
        let url = format!("http://127.0.0.1:{port}");
        entries.push(GuardianEntry {
            address: guardians[i as usize].address(),
            enclave: enclaves[i as usize].address(),
            url,
        });
    }
    if n > 0 {
        bar.set_message(format!("starting {n} guardians"));
        super::devnet_guardians::start(
            &dir,
            &me,
            &rpc_url,
            &beacon_url,
            &deployment_path,
            &guardians,
            &enclaves,
            &entries,
            processes,
        )?;
        for entry in &entries {
            let health = format!("{}/health", entry.url);
            wait_until(
                &format!("guardian {}", entry.address),
                Duration::from_secs(30),
                || get_ok(&health, Duration::from_millis(300)),
            )?;
        }
    }
    accounts.sort_by_key(|a| a.1);
    Ok(DevnetState {
        rpc_url,
        beacon_url,
        chain_id: chain.chain_id(),
        deployment: deployment_path,
        guardians: entries,
        threshold,
        accounts,
        processes: processes.clone(),
    })
}

/// Each guardian registers its enclave key, vouched for by the dev attestation signer (SGX/TDX not verified on
/// dev chains).
fn register_enclave_keys(
    chain: &mut RpcChain,
    deployment: &puffer_chain::Deployment,
    attester: &PrivateKeySigner,
    guardians: &[PrivateKeySigner],
    enclaves: &[PrivateKeySigner],
) -> anyhow::Result<()> {
    for (guardian, enclave) in guardians.iter().zip(enclaves) {
        register_dev_enclave_key(chain, deployment, attester, guardian, enclave.address())
            .with_context(|| {
                format!(
                    "registering the enclave key of guardian {}",
                    guardian.address()
                )
            })?;
    }
    Ok(())
}

fn down(dir: &Path, out: Output) -> anyhow::Result<()> {
    let state = DevnetState::load(dir)?.with_context(|| no_devnet(dir))?;
    let stopped = stop(&state.processes);
    std::fs::remove_file(DevnetState::path(dir))
        .with_context(|| format!("removing {}", DevnetState::path(dir).display()))?;
    out.emit(&serde_json::json!({ "stopped": stopped }), || {
        if stopped.is_empty() {
            "devnet was not running any more; state removed".to_owned()
        } else {
            format!("{} {}", out.good("stopped"), stopped.join(", "))
        }
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProcessStatus {
    name: String,
    pid: u32,
    alive: bool,
    log: PathBuf,
}

fn status(dir: &Path, out: Output) -> anyhow::Result<()> {
    let state = DevnetState::load(dir)?.with_context(|| no_devnet(dir))?;
    let processes: Vec<ProcessStatus> = state
        .processes
        .iter()
        .map(|p| ProcessStatus {
            name: p.name.clone(),
            pid: p.pid,
            alive: alive(p.pid, process_marker(p)),
            log: p.log.clone(),
        })
        .collect();
    let block = RpcChain::connect_with(
        &state.rpc_url,
        RetryPolicy {
            attempts: 1,
            initial_backoff: Duration::ZERO,
        },
    )
    .and_then(|mut c| c.block_number())
    .ok();
    let beacon = get_ok(
        &format!("{}/eth/v1/beacon/genesis", state.beacon_url),
        Duration::from_millis(500),
    );
    let value = serde_json::json!({
        "rpcUrl": state.rpc_url,
        "block": block,
        "beaconUrl": state.beacon_url,
        "beaconUp": beacon,
        "processes": processes,
    });
    let all_up = processes.iter().all(|p| p.alive);
    out.emit(&value, || {
        let mut text = format!(
            "{}\n  anvil   {} ({})\n  beacon  {} ({})\n",
            if all_up {
                out.good("devnet running")
            } else {
                out.warn("devnet degraded")
            },
            state.rpc_url,
            block.map_or("not answering".to_owned(), |b| format!("block {b}")),
            state.beacon_url,
            if beacon { "up" } else { "not answering" }
        );
        for p in &processes {
            text.push_str(&format!(
                "  {:<12} pid {:<7} {}\n",
                p.name,
                p.pid,
                if p.alive {
                    out.good("alive")
                } else {
                    out.warn("DEAD")
                }
            ));
        }
        text.trim_end().to_owned()
    })?;
    if all_up {
        Ok(())
    } else {
        bail!(
            "some devnet processes are not running; see their logs in {}",
            dir.join("logs").display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{eth_to_gwei, parse_duration};

    #[test]
    fn penalty_amounts_are_whole_gwei() {
        assert_eq!(eth_to_gwei("1.5").ok(), Some(1_500_000_000));
        assert_eq!(eth_to_gwei("2eth").ok(), Some(2_000_000_000));
        assert_eq!(eth_to_gwei("7 gwei").ok(), Some(7));
        assert_eq!(eth_to_gwei("0.000000001").ok(), Some(1));
        let finer = eth_to_gwei("0.0000000001").expect_err("sub-gwei");
        assert!(finer.to_string().contains("finer than a Gwei"), "{finer}");
        assert!(eth_to_gwei("100 wei").is_err());
        assert!(eth_to_gwei("99999999999999999999").is_err());
        assert!(eth_to_gwei("abc").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7d").ok(), Some(7 * 86_400));
        assert_eq!(parse_duration("90m").ok(), Some(5_400));
        assert_eq!(parse_duration("30").ok(), Some(30));
        assert!(parse_duration("7w").is_err());
        assert!(parse_duration("d").is_err());
        assert!(parse_duration(&format!("{}d", u64::MAX)).is_err());
    }
}
