//! `puffer`: Puffer's command line. Today it manages validator keys (`puffer keys …`); the staking,
//! NoOp, governance, guardian, devnet and simulator commands join it as siblings under `commands/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod input;

/// Puffer: liquid restaking on Ethereum.
#[derive(Debug, Parser)]
#[command(name = "puffer", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validator keys: mnemonics, keystores, deposit data, keyshares for guardians, exits.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
    /// Run the simulated beacon node: the Beacon API subset, deposits from an execution layer, withdrawals to it.
    BeaconSim(commands::beacon_sim::BeaconSimArgs),
    /// Simulate Puffer for a scenario (real contracts in embedded revm, simulated beacon chain); `sim sweep` ranks
    /// a grid of schedules, prices and seeds.
    Sim(commands::sim::SimArgs),
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
        Command::BeaconSim(args) => commands::beacon_sim::run(args),
        Command::Sim(args) => commands::sim::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
