//! `puffer`: Puffer's command line — validator keys, staking, node operation, governance, the local devnet and
//! the simulated beacon node. Each top-level subcommand lives in `commands/`; what the chain-facing ones share
//! (connection, keys, amounts, output) lives in `cli/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;
mod commands;
mod input;

/// Puffer: liquid restaking on Ethereum.
#[derive(Debug, Parser)]
#[command(
    name = "puffer",
    version,
    about,
    propagate_version = true,
    after_help = "Start here:\n  \
        puffer devnet up            # anvil + Puffer + beacon node + guardians on this machine\n  \
        puffer status               # one screen of the protocol\n  \
        puffer stake deposit 10     # 10 ETH in, pufETH out\n\n\
        Exit codes: 0 success, 1 error, 2 bad usage, 3 node or devnet unreachable, 4 transaction reverted."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validator keys: mnemonics, keystores, deposit data, keyshares for guardians, exits.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
    /// Stakers: deposit ETH for pufETH, redeem, balances, rate, exit liquidity.
    Stake(commands::stake::StakeArgs),
    /// Node operators: register validators, status, extend, stop, rewards, claim, exit.
    Noop(commands::noop::NoopArgs),
    /// Governance through the timelock: strategies, weights, prices, fees, guardians, pauses.
    Gov(commands::gov::GovArgs),
    /// The whole system on this machine: anvil, Puffer, the beacon node and the guardians.
    Devnet(commands::devnet::DevnetArgs),
    /// One screen of the protocol: TVL, rate, liquidity, validators, queues, growth spurt, guardians.
    Status(commands::status::StatusArgs),
    /// Run the simulated beacon node: the Beacon API subset, deposits from an execution layer, withdrawals to it.
    BeaconSim(commands::beacon_sim::BeaconSimArgs),
    /// The guardian daemon: custody checks, provisioning, ejections with threshold keyshares, spurt reports.
    #[command(subcommand)]
    Guardian(commands::guardian::GuardianCommand),
    /// Simulate Puffer for a scenario (real contracts in embedded revm, simulated beacon chain); `sim sweep` ranks
    /// a grid of schedules, prices and seeds.
    Sim(commands::sim::SimArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    #[command(
        after_help = "Examples:\n  puffer completions bash > ~/.local/share/bash-completion/completions/puffer\n  puffer completions zsh > \"${fpath[1]}/_puffer\""
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Exit code for an error: 3 when the node or devnet cannot be reached, 4 for a reverted transaction, else 1.
fn exit_code(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if cause.is::<cli::context::NotConnected>() {
            return 3;
        }
        if let Some(chain) = cause.downcast_ref::<puffer_chain::ChainError>() {
            match chain {
                puffer_chain::ChainError::Unreachable { .. } => return 3,
                puffer_chain::ChainError::Reverted { .. } => return 4,
                _ => {}
            }
        }
    }
    1
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keys(cmd) => commands::keys::run(cmd),
        Command::Stake(args) => commands::stake::run(args),
        Command::Noop(args) => commands::noop::run(args),
        Command::Gov(args) => commands::gov::run(args),
        Command::Status(args) => commands::status::run(args),
        Command::Devnet(args) => commands::devnet::run(args),
        Command::BeaconSim(args) => commands::beacon_sim::run(args),
        Command::Guardian(cmd) => commands::guardian::run(cmd),
        Command::Sim(args) => commands::sim::run(args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "puffer", &mut script);
            match std::io::Write::write_all(&mut std::io::stdout(), &script) {
                // A reader that stopped early (`| head`) is not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit_code(&e))
        }
    }
}
