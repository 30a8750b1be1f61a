//! Starting the devnet's guardians: for each, a directory with its operator key, its enclave key sealed with a
//! passphrase file (`puffer_guardian::SealedEnclave`, the daemon's at-rest format), a `guardian.toml` naming
//! the other guardians as peers, and a `puffer guardian run --config …` child process.

use std::path::Path;

use anyhow::Context as _;
use puffer_chain::alloy::signers::local::PrivateKeySigner;
use puffer_guardian::{
    SealedEnclave,
    daemon::config::{DaemonConfig, PeerConfig},
    enclave::SEALED_MIN_LOG_N,
};

use crate::cli::devnet_state::{ChildProcess, GuardianEntry};

/// Passphrase of the devnet guardians' sealed enclaves (a devnet secret, like the development keys).
const DEVNET_PASSPHRASE: &str = "puffer devnet enclave";

/// Writes each guardian's files and starts one `puffer guardian run` per entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn start(
    dir: &Path,
    puffer: &Path,
    rpc_url: &str,
    beacon_url: &str,
    deployment: &Path,
    guardians: &[PrivateKeySigner],
    enclaves: &[PrivateKeySigner],
    entries: &[GuardianEntry],
    processes: &mut Vec<ChildProcess>,
) -> anyhow::Result<()> {
    for (i, ((operator, enclave), entry)) in guardians.iter().zip(enclaves).zip(entries).enumerate()
    {
        let home = dir.join(format!("guardian-{i}"));
        std::fs::create_dir_all(&home).with_context(|| format!("creating {}", home.display()))?;
        let key_file = home.join("operator.key");
        puffer_keys::fs::write_atomic(
            &key_file,
            format!("0x{}", hex::encode(operator.to_bytes())).as_bytes(),
        )?;
        let pass_file = home.join("enclave.pass");
        puffer_keys::fs::write_atomic(&pass_file, DEVNET_PASSPHRASE.as_bytes())?;
        let enclave_file = home.join("enclave.json");
        if !enclave_file.exists() {
            let sealed = SealedEnclave::seal(
                &enclave_file,
                &enclave.to_bytes().0,
                DEVNET_PASSPHRASE.as_bytes(),
                SEALED_MIN_LOG_N,
            )?;
            anyhow::ensure!(
                sealed == entry.enclave,
                "sealed enclave {sealed} is not {}",
                entry.enclave
            );
        }
        let listen = entry
            .url
            .trim_start_matches("http://")
            .parse()
            .with_context(|| format!("guardian URL {}", entry.url))?;
        let config = DaemonConfig {
            rpc_url: rpc_url.to_owned(),
            beacon_url: beacon_url.to_owned(),
            deployment: deployment.to_owned(),
            operator_key_file: key_file,
            enclave_file,
            enclave_passphrase_file: Some(pass_file),
            listen,
            metrics: None,
            data_dir: home.join("data"),
            poll_millis: 1_000,
            peers: entries
                .iter()
                .filter(|p| p.address != entry.address)
                .map(|p| PeerConfig {
                    address: p.address,
                    url: p.url.clone(),
                })
                .collect(),
        };
        let config_file = home.join("guardian.toml");
        std::fs::write(&config_file, config.to_toml()?)
            .with_context(|| format!("writing {}", config_file.display()))?;
        processes.push(super::devnet::spawn(
            dir,
            &format!("guardian-{i}"),
            puffer,
            &[
                "guardian".to_owned(),
                "run".to_owned(),
                "--config".to_owned(),
                config_file.display().to_string(),
            ],
        )?);
    }
    Ok(())
}
