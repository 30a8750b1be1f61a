//! Where a command acts: the Ethereum node, the deployment, the signing key and the output format.
//!
//! Without `--rpc-url`/`--deployment`, commands attach to the devnet that `puffer devnet up` started (its state
//! file names the node, the deployment and the demo accounts). Without a key, dev chains use the devnet's demo
//! account for the command's role; real chains need `--key-file` or `PUFFER_PRIVATE_KEY`.

use std::{
    io::IsTerminal,
    path::{Path, PathBuf},
};

use anyhow::{Context as _, bail};
use clap::Args;
use puffer_chain::{
    Chain, Deployment, RpcChain, alloy::signers::local::PrivateKeySigner, dev_signer,
};
use serde::Serialize;

use super::devnet_state::DevnetState;

/// Connection options shared by every command that talks to the chain.
#[derive(Debug, Clone, Args)]
pub(crate) struct ChainArgs {
    /// Ethereum JSON-RPC endpoint; default: the running devnet's.
    #[arg(long, env = "PUFFER_RPC_URL", global = true)]
    pub(crate) rpc_url: Option<String>,
    /// Deployment file (chain id, contract addresses); default: the running devnet's.
    #[arg(long, env = "PUFFER_DEPLOYMENT", global = true)]
    pub(crate) deployment: Option<PathBuf>,
    /// Directory of the local devnet (`puffer devnet up` writes its state, logs and keys there).
    #[arg(
        long,
        env = "PUFFER_DEVNET_DIR",
        default_value = ".puffer/devnet",
        global = true
    )]
    pub(crate) devnet_dir: PathBuf,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

/// The account a command signs with.
#[derive(Debug, Clone, Args)]
pub(crate) struct KeyArgs {
    /// File holding the sender's private key (hex); or set PUFFER_PRIVATE_KEY.
    #[arg(long)]
    pub(crate) key_file: Option<PathBuf>,
    /// On a dev chain: sign with development account N instead (public keys: never on a real chain).
    #[arg(long, conflicts_with = "key_file")]
    pub(crate) dev_account: Option<u32>,
}

/// The roles whose demo account a devnet provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The DAO (timelock proposer and executor).
    Dao,
    /// A node operator.
    NoOp,
    /// A staker.
    Staker,
}

impl Role {
    /// The development account a devnet gives this role.
    pub(crate) fn dev_account(self) -> u32 {
        match self {
            Self::Dao => 1,
            Self::NoOp => 2,
            Self::Staker => 3,
        }
    }
}

/// A connected command: chain, deployment, devnet (if any), output mode.
pub(crate) struct Context {
    /// The node.
    pub(crate) chain: RpcChain,
    /// The protocol's addresses.
    pub(crate) deployment: Deployment,
    /// The devnet this runs against, when attached to one.
    pub(crate) devnet: Option<DevnetState>,
    /// Output mode.
    pub(crate) out: Output,
}

impl Context {
    /// Connects as `args` say (explicit flags first, then the running devnet).
    pub(crate) fn connect(args: &ChainArgs) -> anyhow::Result<Self> {
        let devnet = DevnetState::load(&args.devnet_dir)?;
        let rpc_url = match (&args.rpc_url, &devnet) {
            (Some(url), _) => url.clone(),
            (None, Some(d)) => d.rpc_url.clone(),
            (None, None) => bail!(NotConnected(format!(
                "no devnet running in {} and no --rpc-url: run `puffer devnet up`, or pass --rpc-url and --deployment",
                args.devnet_dir.display()
            ))),
        };
        let deployment_path = match (&args.deployment, &devnet) {
            (Some(path), _) => path.clone(),
            (None, Some(d)) if args.rpc_url.is_none() => d.deployment.clone(),
            _ => bail!(NotConnected(
                "--rpc-url given without --deployment: pass the deployment file of that chain"
                    .to_owned()
            )),
        };
        let mut chain = RpcChain::connect(&rpc_url).map_err(|e| NotConnected(e.to_string()))?;
        let deployment = Deployment::attach(&mut chain, &deployment_path)
            .with_context(|| format!("attaching to {}", deployment_path.display()))?;
        let devnet = devnet.filter(|d| d.rpc_url == rpc_url);
        Ok(Self {
            chain,
            deployment,
            devnet,
            out: Output::new(args.json),
        })
    }

    /// The key `keys` names, else the devnet's demo account for `role` on a dev chain.
    pub(crate) fn signer(
        &mut self,
        keys: &KeyArgs,
        role: Role,
    ) -> anyhow::Result<PrivateKeySigner> {
        if let Some(path) = &keys.key_file {
            return read_key_file(path);
        }
        if let Ok(hex) = std::env::var("PUFFER_PRIVATE_KEY") {
            return parse_key(&hex).context("in PUFFER_PRIVATE_KEY");
        }
        let dev = self.chain.is_dev();
        match keys.dev_account {
            Some(_) | None if !dev => bail!(
                "no key: pass --key-file FILE or set PUFFER_PRIVATE_KEY (development accounts only exist on dev chains)"
            ),
            Some(n) => Ok(dev_signer(n)),
            None => Ok(dev_signer(role.dev_account())),
        }
    }
}

fn parse_key(text: &str) -> anyhow::Result<PrivateKeySigner> {
    let text = text.trim();
    text.parse::<PrivateKeySigner>().map_err(|_| {
        anyhow::anyhow!("not a private key: expected 32 bytes of hex (64 hex digits, optional 0x)")
    })
}

fn read_key_file(path: &Path) -> anyhow::Result<PrivateKeySigner> {
    let text = crate::input::read_secret_file(path)?;
    parse_key(&text).with_context(|| format!("in {}", path.display()))
}

/// The node or devnet cannot be reached (exit code 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct NotConnected(pub(crate) String);

/// How results are printed: text (colour only on a terminal, never with NO_COLOR) or JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
    colour: bool,
}

impl Output {
    /// Text or JSON.
    pub(crate) fn new(json: bool) -> Self {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Self { json, colour }
    }

    /// Prints `value` as JSON, or `text` (one or more lines).
    pub(crate) fn emit<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value)?);
        } else {
            println!("{}", text());
        }
        Ok(())
    }

    /// `bar`, or a hidden bar when printing JSON or when standard error is not a terminal.
    pub(crate) fn progress(&self, bar: indicatif::ProgressBar) -> indicatif::ProgressBar {
        if self.json || !std::io::stderr().is_terminal() {
            indicatif::ProgressBar::hidden()
        } else {
            bar
        }
    }

    /// `text` in bold green on a terminal.
    pub(crate) fn good(&self, text: &str) -> String {
        self.paint("1;32", text)
    }

    /// `text` in bold on a terminal.
    pub(crate) fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// `text` in yellow on a terminal.
    pub(crate) fn warn(&self, text: &str) -> String {
        self.paint("33", text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}
