//! The state file of a running devnet (`<devnet dir>/devnet.json`): what `puffer devnet up` started and where,
//! so that `down` stops exactly those processes and every other command finds the node and the deployment.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use puffer_chain::alloy::primitives::Address;
use serde::{Deserialize, Serialize};

/// One child process of the devnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ChildProcess {
    /// What it is (`anvil`, `beacon-sim`, `guardian-0`, …).
    pub(crate) name: String,
    /// Its process id.
    pub(crate) pid: u32,
    /// Its log file.
    pub(crate) log: PathBuf,
}

/// One guardian of the devnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct GuardianEntry {
    /// Guardian (operator) address on chain.
    pub(crate) address: Address,
    /// Its enclave key's address.
    pub(crate) enclave: Address,
    /// Its HTTP API.
    pub(crate) url: String,
}

/// Everything `puffer devnet up` records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DevnetState {
    /// The execution layer (anvil).
    pub(crate) rpc_url: String,
    /// The simulated beacon node's Beacon API.
    pub(crate) beacon_url: String,
    /// Chain id.
    pub(crate) chain_id: u64,
    /// The deployment file.
    pub(crate) deployment: PathBuf,
    /// The guardians, in guardian-set order.
    pub(crate) guardians: Vec<GuardianEntry>,
    /// Signatures a quorum needs.
    pub(crate) threshold: u64,
    /// Demo accounts by role (`dao`, `noop`, `staker`, …): development account index and address.
    pub(crate) accounts: Vec<(String, u32, Address)>,
    /// What was started, in start order.
    pub(crate) processes: Vec<ChildProcess>,
}

impl DevnetState {
    /// The state file in `dir`.
    pub(crate) fn path(dir: &Path) -> PathBuf {
        dir.join("devnet.json")
    }

    /// The state of the devnet in `dir`, or `None` when none was started there.
    pub(crate) fn load(dir: &Path) -> anyhow::Result<Option<Self>> {
        let path = Self::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let state = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a devnet state file; remove it or run `puffer devnet down`",
                path.display()
            )
        })?;
        Ok(Some(state))
    }

    /// Writes the state atomically (`puffer_keys::fs::write_atomic`: temporary file, flush, rename).
    pub(crate) fn save(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let json = serde_json::to_string_pretty(self)?;
        puffer_keys::fs::write_atomic(&Self::path(dir), json.as_bytes())?;
        Ok(())
    }
}
