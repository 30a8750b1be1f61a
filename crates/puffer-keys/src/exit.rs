//! Voluntary exits, signed for the EIP-7044 Capella domain, in the Beacon API's JSON shape.

use serde::{Deserialize, Serialize};

use crate::bls::{PublicKey, SecretKey, Signature};
use crate::error::{KeyError, Result};
use crate::network::Network;
use crate::ssz::{self, Root};

/// `DOMAIN_VOLUNTARY_EXIT`.
pub const DOMAIN_VOLUNTARY_EXIT: [u8; 4] = [4, 0, 0, 0];

/// `VoluntaryExit { epoch, validator_index }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoluntaryExit {
    /// Earliest epoch the exit may be processed.
    pub epoch: u64,
    /// Beacon-chain index of the validator.
    pub validator_index: u64,
}

impl VoluntaryExit {
    /// `hash_tree_root(VoluntaryExit)`.
    pub fn root(&self) -> Root {
        ssz::hash_pair(
            &ssz::u64_leaf(self.epoch),
            &ssz::u64_leaf(self.validator_index),
        )
    }

    /// The signing root under EIP-7044: always the Capella fork version, whatever the current fork.
    pub fn signing_root(&self, network: &Network) -> Root {
        let domain = ssz::compute_domain(
            DOMAIN_VOLUNTARY_EXIT,
            network.capella_fork_version,
            &network.genesis_validators_root,
        );
        ssz::signing_root(&self.root(), &domain)
    }

    /// Signs with the whole key.
    pub fn sign(&self, secret: &SecretKey, network: &Network) -> SignedVoluntaryExit {
        SignedVoluntaryExit {
            message: *self,
            signature: secret.sign(&self.signing_root(network)),
        }
    }
}

/// A signed exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedVoluntaryExit {
    /// The exit.
    pub message: VoluntaryExit,
    /// The validator's signature.
    pub signature: Signature,
}

impl SignedVoluntaryExit {
    /// Checks the signature against `pubkey` on `network`.
    ///
    /// # Errors
    /// [`KeyError::BadSignature`].
    pub fn verify(&self, pubkey: &PublicKey, network: &Network) -> Result<()> {
        if pubkey.verify(&self.message.signing_root(network), &self.signature) {
            Ok(())
        } else {
            Err(KeyError::BadSignature("voluntary exit signature".into()))
        }
    }

    /// The body `POST /eth/v1/beacon/pool/voluntary_exits` accepts.
    pub fn to_beacon_json(&self) -> BeaconSignedExit {
        BeaconSignedExit {
            message: BeaconExit {
                epoch: self.message.epoch.to_string(),
                validator_index: self.message.validator_index.to_string(),
            },
            signature: format!("0x{}", self.signature.to_hex()),
        }
    }
}

/// `VoluntaryExit` in Beacon API JSON (integers as decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeaconExit {
    /// Epoch, decimal.
    pub epoch: String,
    /// Validator index, decimal.
    pub validator_index: String,
}

/// `SignedVoluntaryExit` in Beacon API JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeaconSignedExit {
    /// The exit.
    pub message: BeaconExit,
    /// `0x`-prefixed signature.
    pub signature: String,
}

impl BeaconSignedExit {
    /// Parses the decimal and hex fields.
    ///
    /// # Errors
    /// [`KeyError::InvalidField`] or a signature error naming the field.
    pub fn parse(&self) -> Result<SignedVoluntaryExit> {
        let num = |field, text: &str| {
            text.parse::<u64>().map_err(|_| KeyError::InvalidField {
                field,
                reason: format!("{text:?} is not a decimal u64"),
            })
        };
        Ok(SignedVoluntaryExit {
            message: VoluntaryExit {
                epoch: num("message.epoch", &self.message.epoch)?,
                validator_index: num("message.validator_index", &self.message.validator_index)?,
            },
            signature: Signature::from_hex(&self.signature, "signature")?,
        })
    }
}
