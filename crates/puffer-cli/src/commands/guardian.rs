//! `puffer guardian …`: run the guardian daemon, and set one up.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use puffer_guardian::{
    Enclave, MemoryEnclave, SealedEnclave,
    daemon::{self, config::DaemonConfig},
    enclave::SEALED_DEFAULT_LOG_N,
};

use crate::input;

/// `puffer guardian` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum GuardianCommand {
    /// Run the guardian daemon (custody checks, provisioning, ejections, spurt reports).
    #[command(
        after_help = "Example:\n  puffer guardian run --config guardian.toml\n\n\
        Environment overrides: PUFFER_GUARDIAN_RPC_URL, _BEACON_URL, _DEPLOYMENT, _OPERATOR_KEY_FILE, _ENCLAVE_FILE,\n\
        _ENCLAVE_PASSPHRASE_FILE, _LISTEN, _METRICS, _DATA_DIR; PUFFER_GUARDIAN_ENCLAVE_PASSPHRASE."
    )]
    Run(RunArgs),
    /// Create a sealed enclave key (new, or imported from a file) and a config template.
    #[command(
        after_help = "Example:\n  puffer guardian init --out-dir guardian0 --passphrase-file pass.txt\n\n\
        Prints the enclave address and public key: register the address in the GuardianModule\n\
        (registerEnclaveKey) and give the public key to NoOps (their bundles encrypt keyshares to it)."
    )]
    Init(InitArgs),
}

/// `puffer guardian run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The daemon's TOML configuration.
    #[arg(long)]
    config: PathBuf,
}

/// `puffer guardian init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Directory to write `enclave.json` and `guardian.toml` into.
    #[arg(long)]
    out_dir: PathBuf,
    /// File with the passphrase that seals the enclave key (prompted for otherwise).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// Import this 0x-hex secp256k1 secret instead of generating one.
    #[arg(long)]
    enclave_secret_file: Option<PathBuf>,
    /// scrypt cost, log2 (14..=20).
    #[arg(long, default_value_t = SEALED_DEFAULT_LOG_N)]
    kdf_log2_cost: u8,
}

pub(crate) fn run(cmd: GuardianCommand) -> anyhow::Result<()> {
    match cmd {
        GuardianCommand::Run(args) => run_daemon(args),
        GuardianCommand::Init(args) => init(args),
    }
}

fn run_daemon(args: RunArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.config)
        .with_context(|| format!("reading {}", args.config.display()))?;
    let mut config =
        DaemonConfig::from_toml(&text).with_context(|| format!("in {}", args.config.display()))?;
    config.apply_env(|k| std::env::var(k).ok())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let handle = daemon::start(config).await?;
        eprintln!(
            "guardian {} listening on http://{} (peer API, /health, /metrics, /rewards/{{spurt}})",
            handle.operator, handle.listen
        );
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                eprintln!("stopping");
                handle.shutdown().await;
            }
        }
        anyhow::Ok(())
    })
}

fn init(args: InitArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out_dir)
        .with_context(|| format!("creating {}", args.out_dir.display()))?;
    let enclave_path = args.out_dir.join("enclave.json");
    if enclave_path.exists() {
        bail!(
            "{} exists: refusing to overwrite an enclave key",
            enclave_path.display()
        );
    }
    let secret: [u8; 32] = match &args.enclave_secret_file {
        Some(path) => {
            let text = input::read_secret_file(path)?;
            let bytes = hex::decode(text.trim().trim_start_matches("0x"))
                .with_context(|| format!("{} is not hex", path.display()))?;
            bytes
                .try_into()
                .map_err(|_| anyhow::anyhow!("{} is not 32 bytes", path.display()))?
        }
        None => {
            let enclave = MemoryEnclave::generate();
            enclave.signer().to_bytes().0
        }
    };
    let passphrase = input::secret(args.passphrase_file.as_deref(), "enclave passphrase", true)?;
    let address = SealedEnclave::seal(
        &enclave_path,
        &secret,
        passphrase.as_bytes(),
        args.kdf_log2_cost,
    )?;
    let enclave = SealedEnclave::open(&enclave_path, passphrase.as_bytes())?;
    let template = args.out_dir.join("guardian.toml");
    if !template.exists() {
        let config = DaemonConfig {
            rpc_url: "http://127.0.0.1:8545".into(),
            beacon_url: "http://127.0.0.1:5052".into(),
            deployment: "deployments/31337.json".into(),
            operator_key_file: args.out_dir.join("operator.key"),
            enclave_file: enclave_path.clone(),
            enclave_passphrase_file: args.passphrase_file.clone(),
            listen: "127.0.0.1:7100".parse()?,
            metrics: None,
            data_dir: args.out_dir.join("data"),
            poll_millis: 2_000,
            peers: Vec::new(),
        };
        std::fs::write(&template, config.to_toml()?)
            .with_context(|| format!("writing {}", template.display()))?;
    }
    println!("enclave address:    {address}");
    println!("enclave public key: {}", enclave.public_key().to_hex());
    println!("sealed key:         {}", enclave_path.display());
    println!("config template:    {}", template.display());
    Ok(())
}
