//! The chains keys are made for: fork versions and genesis validators roots.

use std::fmt;
use std::str::FromStr;

use crate::error::{KeyError, Result};
use crate::hex as hx;

/// What signing domains need to know about a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    /// Name as written into `deposit_data-*.json` (`network_name`).
    pub name: String,
    /// `GENESIS_FORK_VERSION`: deposits are signed with it (and a zero genesis validators root).
    pub genesis_fork_version: [u8; 4],
    /// `CAPELLA_FORK_VERSION`: voluntary exits are signed with it forever after (EIP-7044).
    pub capella_fork_version: [u8; 4],
    /// `genesis_validators_root` of the beacon chain.
    pub genesis_validators_root: [u8; 32],
}

fn named(name: &str, genesis: [u8; 4], capella: [u8; 4], gvr: &str) -> Network {
    // The roots below are compile-time constants known to be 32 bytes of hex.
    let genesis_validators_root =
        hx::decode_fixed::<32>("genesis_validators_root", gvr).unwrap_or([0; 32]);
    Network {
        name: name.to_owned(),
        genesis_fork_version: genesis,
        capella_fork_version: capella,
        genesis_validators_root,
    }
}

impl Network {
    /// Ethereum mainnet.
    pub fn mainnet() -> Self {
        named(
            "mainnet",
            [0, 0, 0, 0],
            [3, 0, 0, 0],
            "4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
        )
    }

    /// The Sepolia testnet.
    pub fn sepolia() -> Self {
        named(
            "sepolia",
            [0x90, 0, 0, 0x69],
            [0x90, 0, 0, 0x72],
            "d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
        )
    }

    /// The Hoodi testnet.
    pub fn hoodi() -> Self {
        named(
            "hoodi",
            [0x10, 0, 0x09, 0x10],
            [0x40, 0, 0x09, 0x10],
            "212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f",
        )
    }

    /// A custom chain (a devnet): its fork versions and genesis validators root.
    ///
    /// # Errors
    /// [`KeyError::MalformedHex`] naming the argument.
    pub fn custom(
        name: &str,
        genesis_fork_version: &str,
        capella_fork_version: &str,
        gvr: &str,
    ) -> Result<Self> {
        Ok(Self {
            name: name.to_owned(),
            genesis_fork_version: hx::decode_fixed("genesis_fork_version", genesis_fork_version)?,
            capella_fork_version: hx::decode_fixed("capella_fork_version", capella_fork_version)?,
            genesis_validators_root: hx::decode_fixed("genesis_validators_root", gvr)?,
        })
    }
}

impl FromStr for Network {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "mainnet" => Ok(Self::mainnet()),
            "sepolia" => Ok(Self::sepolia()),
            "hoodi" => Ok(Self::hoodi()),
            other => Err(KeyError::UnknownNetwork(other.to_owned())),
        }
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}
