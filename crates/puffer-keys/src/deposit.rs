//! Deposit data: the 32-ETH deposit's message, signature and roots, in the launchpad's JSON format.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::bls::{PublicKey, SecretKey, Signature};
use crate::error::{KeyError, Result};
use crate::hex as hx;
use crate::network::Network;
use crate::ssz::{self, Root};

/// `DOMAIN_DEPOSIT`.
pub const DOMAIN_DEPOSIT: [u8; 4] = [3, 0, 0, 0];
/// 32 ETH in Gwei, the amount every Puffer validator is provisioned with.
pub const FULL_DEPOSIT_GWEI: u64 = 32_000_000_000;
/// What we write as `deposit_cli_version`: the launchpad requires the field and a version at least as
/// recent as the last staking-deposit-cli it knows of; the file format is that version's.
pub const DEPOSIT_CLI_VERSION: &str = "2.7.0";

/// `0x01 ‖ 11 zero bytes ‖ address`: withdrawals go to an execution address (a strategy's EigenPod).
pub fn eth1_withdrawal_credentials(address: &[u8; 20]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[0] = 1;
    out[12..].copy_from_slice(address);
    out
}

/// `0x00 ‖ SHA-256(withdrawal_pubkey)[1..]`: the legacy BLS credentials (used by the reference vectors).
pub fn bls_withdrawal_credentials(withdrawal_pubkey: &PublicKey) -> [u8; 32] {
    let mut out: [u8; 32] = Sha256::digest(withdrawal_pubkey.as_bytes()).into();
    out[0] = 0;
    out
}

/// The deposit domain: `DOMAIN_DEPOSIT` with the genesis fork version and a zero genesis validators root,
/// so a deposit is valid before the chain (and its root) exists.
pub fn deposit_domain(genesis_fork_version: [u8; 4]) -> Root {
    ssz::compute_domain(DOMAIN_DEPOSIT, genesis_fork_version, &[0; 32])
}

/// A signed deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositData {
    /// The validator key.
    pub pubkey: PublicKey,
    /// Where withdrawals go.
    pub withdrawal_credentials: [u8; 32],
    /// Deposit amount in Gwei.
    pub amount_gwei: u64,
    /// Signature over the `DepositMessage`'s signing root.
    pub signature: Signature,
}

impl DepositData {
    /// Signs a deposit of `amount_gwei` for `secret`'s key.
    pub fn sign(
        secret: &SecretKey,
        withdrawal_credentials: [u8; 32],
        amount_gwei: u64,
        genesis_fork_version: [u8; 4],
    ) -> Self {
        let pubkey = secret.public_key();
        let root = message_root(&pubkey, &withdrawal_credentials, amount_gwei);
        let signature = secret.sign(&ssz::signing_root(
            &root,
            &deposit_domain(genesis_fork_version),
        ));
        Self {
            pubkey,
            withdrawal_credentials,
            amount_gwei,
            signature,
        }
    }

    /// Builds a deposit from hex fields (with or without `0x`), validating the points.
    ///
    /// # Errors
    /// The malformed field: `pubkey`, `withdrawal_credentials` or `signature_field`.
    pub fn from_hex_fields(
        pubkey: &str,
        withdrawal_credentials: &str,
        amount_gwei: u64,
        signature: &str,
        signature_field: &str,
    ) -> Result<Self> {
        Ok(Self {
            pubkey: PublicKey::from_hex(pubkey, "pubkey")?,
            withdrawal_credentials: hx::decode_fixed(
                "withdrawal_credentials",
                withdrawal_credentials,
            )?,
            amount_gwei,
            signature: Signature::from_hex(signature, signature_field)?,
        })
    }

    /// `hash_tree_root(DepositMessage { pubkey, withdrawal_credentials, amount })`.
    pub fn message_root(&self) -> Root {
        message_root(&self.pubkey, &self.withdrawal_credentials, self.amount_gwei)
    }

    /// `hash_tree_root(DepositData)`: what the deposit contract recomputes and checks.
    pub fn data_root(&self) -> Root {
        ssz::container4(&[
            ssz::bytes48_root(self.pubkey.as_bytes()),
            self.withdrawal_credentials,
            ssz::u64_leaf(self.amount_gwei),
            ssz::bytes96_root(self.signature.as_bytes()),
        ])
    }

    /// Checks the signature for the deposit domain of `genesis_fork_version`.
    ///
    /// # Errors
    /// [`KeyError::BadSignature`].
    pub fn verify(&self, genesis_fork_version: [u8; 4]) -> Result<()> {
        let root = ssz::signing_root(&self.message_root(), &deposit_domain(genesis_fork_version));
        if self.pubkey.verify(&root, &self.signature) {
            Ok(())
        } else {
            Err(KeyError::BadSignature("deposit signature".into()))
        }
    }

    /// The launchpad JSON entry for this deposit on `network`.
    pub fn to_launchpad(&self, network: &Network) -> LaunchpadDeposit {
        LaunchpadDeposit {
            pubkey: self.pubkey.to_hex(),
            withdrawal_credentials: hex::encode(self.withdrawal_credentials),
            amount: self.amount_gwei,
            signature: self.signature.to_hex(),
            deposit_message_root: hex::encode(self.message_root()),
            deposit_data_root: hex::encode(self.data_root()),
            fork_version: hex::encode(network.genesis_fork_version),
            network_name: network.name.clone(),
            deposit_cli_version: DEPOSIT_CLI_VERSION.to_owned(),
        }
    }
}

fn message_root(pubkey: &PublicKey, withdrawal_credentials: &[u8; 32], amount_gwei: u64) -> Root {
    ssz::container4(&[
        ssz::bytes48_root(pubkey.as_bytes()),
        *withdrawal_credentials,
        ssz::u64_leaf(amount_gwei),
    ])
}

/// One entry of `deposit_data-*.json` as the staking launchpad reads it (hex without `0x`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchpadDeposit {
    /// Validator public key.
    pub pubkey: String,
    /// Withdrawal credentials.
    pub withdrawal_credentials: String,
    /// Amount in Gwei.
    pub amount: u64,
    /// Deposit signature.
    pub signature: String,
    /// `hash_tree_root(DepositMessage)`.
    pub deposit_message_root: String,
    /// `hash_tree_root(DepositData)`.
    pub deposit_data_root: String,
    /// Genesis fork version of the network.
    pub fork_version: String,
    /// Network name.
    pub network_name: String,
    /// Format version marker the launchpad checks.
    pub deposit_cli_version: String,
}

impl LaunchpadDeposit {
    /// Parses the fields, then checks both roots and the signature.
    ///
    /// # Errors
    /// The malformed field, [`KeyError::DepositRootMismatch`] or [`KeyError::BadSignature`].
    pub fn verify(&self) -> Result<DepositData> {
        let data = DepositData::from_hex_fields(
            &self.pubkey,
            &self.withdrawal_credentials,
            self.amount,
            &self.signature,
            "signature",
        )?;
        let fork: [u8; 4] = hx::decode_fixed("fork_version", &self.fork_version)?;
        let claimed: [u8; 32] =
            hx::decode_fixed("deposit_message_root", &self.deposit_message_root)?;
        if claimed != data.message_root() {
            return Err(KeyError::DepositRootMismatch {
                claimed: self.deposit_message_root.clone(),
                computed: hex::encode(data.message_root()),
            });
        }
        let claimed: [u8; 32] = hx::decode_fixed("deposit_data_root", &self.deposit_data_root)?;
        if claimed != data.data_root() {
            return Err(KeyError::DepositRootMismatch {
                claimed: self.deposit_data_root.clone(),
                computed: hex::encode(data.data_root()),
            });
        }
        data.verify(fork)?;
        Ok(data)
    }
}
