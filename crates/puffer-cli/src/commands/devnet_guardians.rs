//! Starting the devnet's guardians: the guardian daemon (`puffer guardian run`) is not part of this build yet, so
//! a devnet without `--no-guardians` cannot be started.

use std::path::Path;

use anyhow::bail;
use puffer_chain::alloy::signers::local::PrivateKeySigner;

use crate::cli::devnet_state::{ChildProcess, GuardianEntry};

/// Starts one guardian process per entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn start(
    _dir: &Path,
    _puffer: &Path,
    _rpc_url: &str,
    _beacon_url: &str,
    _deployment: &Path,
    _guardians: &[PrivateKeySigner],
    _enclaves: &[PrivateKeySigner],
    _entries: &[GuardianEntry],
    _processes: &mut Vec<ChildProcess>,
) -> anyhow::Result<()> {
    bail!("the guardian daemon is not in this build; start the devnet with --no-guardians")
}
