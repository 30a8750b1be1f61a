//! The daemon's configuration: a TOML file, then `PUFFER_GUARDIAN_*` environment overrides.
//!
//! ```toml
//! rpc_url = "http://127.0.0.1:8545"
//! beacon_url = "http://127.0.0.1:5052"
//! deployment = "deployments/31337.json"
//! operator_key_file = "operator.key"          # 0x-hex secp256k1 key (pays gas, authenticates to peers)
//! enclave_file = "enclave.json"               # sealed enclave (`puffer guardian init`)
//! enclave_passphrase_file = "enclave.pass"    # or PUFFER_GUARDIAN_ENCLAVE_PASSPHRASE
//! listen = "127.0.0.1:7100"                   # peer API, /health, /metrics, /rewards/{spurt}
//! metrics = "127.0.0.1:7200"                  # optional: /metrics and /health only, on their own port
//! data_dir = "guardian-data"                  # redb database
//! poll_millis = 2000
//! [[peers]]
//! address = "0x…"                             # the peer's operator address
//! url = "http://127.0.0.1:7101"
//! ```

use std::{net::SocketAddr, path::PathBuf};

use alloy::primitives::Address;
use serde::{Deserialize, Serialize};

use crate::error::{GuardianError, Result};

/// One peer guardian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerConfig {
    /// Its operator address (what its requests are signed with; must be in the on-chain set).
    pub address: Address,
    /// Its base URL.
    pub url: String,
}

/// The daemon's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonConfig {
    /// Ethereum JSON-RPC URL.
    pub rpc_url: String,
    /// Beacon API URL.
    pub beacon_url: String,
    /// Deployment file.
    pub deployment: PathBuf,
    /// Operator key file (0x-hex).
    pub operator_key_file: PathBuf,
    /// Sealed enclave file.
    pub enclave_file: PathBuf,
    /// File holding the enclave passphrase (or the env variable `PUFFER_GUARDIAN_ENCLAVE_PASSPHRASE`).
    #[serde(default)]
    pub enclave_passphrase_file: Option<PathBuf>,
    /// Peer API listen address.
    pub listen: SocketAddr,
    /// Separate metrics listen address.
    #[serde(default)]
    pub metrics: Option<SocketAddr>,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Loop period, milliseconds.
    #[serde(default = "default_poll")]
    pub poll_millis: u64,
    /// Peers.
    #[serde(default)]
    pub peers: Vec<PeerConfig>,
}

fn default_poll() -> u64 {
    2_000
}

/// Environment variables read by [`DaemonConfig::apply_env`].
pub const ENV_VARS: [&str; 9] = [
    "PUFFER_GUARDIAN_RPC_URL",
    "PUFFER_GUARDIAN_BEACON_URL",
    "PUFFER_GUARDIAN_DEPLOYMENT",
    "PUFFER_GUARDIAN_OPERATOR_KEY_FILE",
    "PUFFER_GUARDIAN_ENCLAVE_FILE",
    "PUFFER_GUARDIAN_ENCLAVE_PASSPHRASE_FILE",
    "PUFFER_GUARDIAN_LISTEN",
    "PUFFER_GUARDIAN_METRICS",
    "PUFFER_GUARDIAN_DATA_DIR",
];

impl DaemonConfig {
    /// Parses TOML.
    ///
    /// # Errors
    /// [`GuardianError::Config`] naming the problem.
    pub fn from_toml(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| GuardianError::Config(e.to_string()))
    }

    /// The TOML text.
    ///
    /// # Errors
    /// [`GuardianError::Config`].
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(|e| GuardianError::Config(e.to_string()))
    }

    /// Applies overrides from `lookup` (`std::env::var` in the CLI).
    ///
    /// # Errors
    /// [`GuardianError::Config`] naming a malformed value.
    pub fn apply_env(&mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<()> {
        let addr = |name: &str, v: String| -> Result<SocketAddr> {
            v.parse()
                .map_err(|e| GuardianError::Config(format!("{name}={v:?}: {e}")))
        };
        if let Some(v) = lookup(ENV_VARS[0]) {
            self.rpc_url = v;
        }
        if let Some(v) = lookup(ENV_VARS[1]) {
            self.beacon_url = v;
        }
        if let Some(v) = lookup(ENV_VARS[2]) {
            self.deployment = v.into();
        }
        if let Some(v) = lookup(ENV_VARS[3]) {
            self.operator_key_file = v.into();
        }
        if let Some(v) = lookup(ENV_VARS[4]) {
            self.enclave_file = v.into();
        }
        if let Some(v) = lookup(ENV_VARS[5]) {
            self.enclave_passphrase_file = Some(v.into());
        }
        if let Some(v) = lookup(ENV_VARS[6]) {
            self.listen = addr(ENV_VARS[6], v)?;
        }
        if let Some(v) = lookup(ENV_VARS[7]) {
            self.metrics = Some(addr(ENV_VARS[7], v)?);
        }
        if let Some(v) = lookup(ENV_VARS[8]) {
            self.data_dir = v.into();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_env_overrides() {
        let text = r#"
rpc_url = "http://a"
beacon_url = "http://b"
deployment = "d.json"
operator_key_file = "op.key"
enclave_file = "e.json"
listen = "127.0.0.1:7100"
data_dir = "data"
[[peers]]
address = "0x0000000000000000000000000000000000000001"
url = "http://127.0.0.1:7101"
"#;
        let mut c = DaemonConfig::from_toml(text).expect("parse");
        assert_eq!(c.poll_millis, 2_000);
        c.apply_env(|k| (k == "PUFFER_GUARDIAN_RPC_URL").then(|| "http://override".to_owned()))
            .expect("env");
        assert_eq!(c.rpc_url, "http://override");
        let err = c
            .apply_env(|k| (k == "PUFFER_GUARDIAN_LISTEN").then(|| "nonsense".to_owned()))
            .expect_err("bad listen");
        assert!(err.to_string().contains("PUFFER_GUARDIAN_LISTEN"), "{err}");
        assert!(DaemonConfig::from_toml("rpc_url = 1").is_err());
        let again = DaemonConfig::from_toml(&c.to_toml().expect("toml")).expect("roundtrip");
        assert_eq!(again, c);
    }
}
