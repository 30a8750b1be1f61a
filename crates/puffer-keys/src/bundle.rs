//! The registration bundle: one JSON file with everything `registerValidatorKey(strategy, data, months)`
//! needs, and the end-to-end check guardians (and NoOps) run on it.

use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::bls::{PublicKey, SecretKey};
use crate::deposit::{DepositData, FULL_DEPOSIT_GWEI, eth1_withdrawal_credentials};
use crate::ecies::{self as ec, ENCRYPTED_SHARE_LEN, EnclavePublicKey, EnclaveSecretKey};
use crate::error::{KeyError, Result};
use crate::hex as hx;
use crate::keyshare::{self, KeyShare};
use crate::network::Network;

/// The bundle format version this crate writes and reads.
pub const BUNDLE_VERSION: u64 = 1;

/// The chain the bundle is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleNetwork {
    /// Network name.
    pub name: String,
    /// Genesis fork version (deposit domain), `0x`-hex.
    pub genesis_fork_version: String,
    /// Capella fork version (exit domain), `0x`-hex.
    pub capella_fork_version: String,
    /// Genesis validators root, `0x`-hex.
    pub genesis_validators_root: String,
}

/// A registration bundle (`"version": 1`). All byte fields are `0x`-prefixed hex; arrays are in guardian
/// order (the order of the on-chain guardian set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationBundle {
    /// Format version, 1.
    pub version: u64,
    /// The chain.
    pub network: BundleNetwork,
    /// Validator BLS public key (48 bytes).
    pub pubkey: String,
    /// Withdrawal credentials (32 bytes, `0x01 ‖ 0…0 ‖ pod`).
    pub withdrawal_credentials: String,
    /// Deposit amount in Gwei (32 ETH).
    pub amount_gwei: u64,
    /// The deposit signature (96 bytes).
    pub deposit_signature: String,
    /// `hash_tree_root(DepositData)` (32 bytes).
    pub deposit_data_root: String,
    /// Shares needed to sign.
    pub threshold: u64,
    /// Guardian enclave secp256k1 public keys (65 bytes, uncompressed).
    pub guardian_enclave_pubkeys: Vec<String>,
    /// Pubkey shares (48-byte G1 points).
    pub pubkey_shares: Vec<String>,
    /// Keyshare `i` ECIES-encrypted to guardian `i`'s enclave key.
    pub encrypted_shares: Vec<String>,
}

/// A bundle whose fields have been parsed (not yet checked against each other).
#[derive(Debug, Clone)]
pub struct ParsedBundle {
    /// The chain.
    pub network: Network,
    /// The signed deposit.
    pub deposit: DepositData,
    /// The deposit data root as stated.
    pub deposit_data_root: [u8; 32],
    /// Threshold.
    pub threshold: usize,
    /// Enclave keys.
    pub enclave_pubkeys: Vec<EnclavePublicKey>,
    /// Pubkey shares.
    pub pubkey_shares: Vec<PublicKey>,
    /// Encrypted shares.
    pub encrypted_shares: Vec<Vec<u8>>,
}

impl RegistrationBundle {
    /// Splits `secret` into keyshares for `guardians`, encrypts each to its guardian, and signs the 32-ETH
    /// deposit to `withdrawal_credentials` on `network`. The randomness (keyshare polynomial, ECIES
    /// ephemeral keys and nonces) comes from the OS generator.
    ///
    /// # Errors
    /// Threshold errors of [`keyshare::check_threshold`] or [`KeyError::Ecies`].
    pub fn create(
        secret: &SecretKey,
        withdrawal_credentials: [u8; 32],
        network: &Network,
        guardians: &[EnclavePublicKey],
        threshold: usize,
    ) -> Result<Self> {
        Self::create_with_rng(
            secret,
            withdrawal_credentials,
            network,
            guardians,
            threshold,
            &mut rand::rngs::OsRng,
        )
    }

    /// [`create`](Self::create) with all randomness drawn from `rng`: first the keyshare polynomial
    /// ([`keyshare::split_with_rng`]), then for each guardian in order its ECIES ephemeral key and nonce
    /// ([`ec::encrypt_share_with_rng`]). The same generator state gives the same bundle, byte for byte.
    ///
    /// `rng` must be a cryptographically secure generator seeded from the OS for real keys: whoever can
    /// reproduce its output can decrypt every keyshare and so recover the validator key. Only tests and
    /// the simulator pass a seeded generator, on purpose, to make reproducible bundles.
    ///
    /// # Errors
    /// As [`create`](Self::create).
    pub fn create_with_rng(
        secret: &SecretKey,
        withdrawal_credentials: [u8; 32],
        network: &Network,
        guardians: &[EnclavePublicKey],
        threshold: usize,
        rng: &mut (impl RngCore + CryptoRng),
    ) -> Result<Self> {
        let shares = keyshare::split_with_rng(secret, threshold, guardians.len(), rng)?;
        let deposit = DepositData::sign(
            secret,
            withdrawal_credentials,
            FULL_DEPOSIT_GWEI,
            network.genesis_fork_version,
        );
        let encrypted = shares
            .iter()
            .zip(guardians)
            .map(|(share, g)| {
                ec::encrypt_share_with_rng(share, g, rng).map(|c| hx::encode_prefixed(&c))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            version: BUNDLE_VERSION,
            network: BundleNetwork {
                name: network.name.clone(),
                genesis_fork_version: hx::encode_prefixed(&network.genesis_fork_version),
                capella_fork_version: hx::encode_prefixed(&network.capella_fork_version),
                genesis_validators_root: hx::encode_prefixed(&network.genesis_validators_root),
            },
            pubkey: hx::encode_prefixed(deposit.pubkey.as_bytes()),
            withdrawal_credentials: hx::encode_prefixed(&withdrawal_credentials),
            amount_gwei: deposit.amount_gwei,
            deposit_signature: hx::encode_prefixed(deposit.signature.as_bytes()),
            deposit_data_root: hx::encode_prefixed(&deposit.data_root()),
            threshold: threshold as u64,
            guardian_enclave_pubkeys: guardians.iter().map(EnclavePublicKey::to_hex).collect(),
            pubkey_shares: shares
                .iter()
                .map(|s| hx::encode_prefixed(s.public_share().as_bytes()))
                .collect(),
            encrypted_shares: encrypted,
        })
    }

    /// Parses a bundle file's text.
    ///
    /// # Errors
    /// [`KeyError::Json`] naming the missing, unknown or mistyped field.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|source| KeyError::Json {
            what: "registration bundle",
            source,
        })
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses every field and checks the shape: version, lengths, points on their curves, counts.
    ///
    /// # Errors
    /// The first malformed field, by name.
    pub fn parse(&self) -> Result<ParsedBundle> {
        if self.version != BUNDLE_VERSION {
            return Err(KeyError::UnsupportedVersion {
                what: "registration bundle",
                got: self.version,
            });
        }
        let n = &self.network;
        let network = Network::custom(
            &n.name,
            &n.genesis_fork_version,
            &n.capella_fork_version,
            &n.genesis_validators_root,
        )?;
        let deposit = DepositData::from_hex_fields(
            &self.pubkey,
            &self.withdrawal_credentials,
            self.amount_gwei,
            &self.deposit_signature,
            "deposit_signature",
        )?;
        if deposit.withdrawal_credentials[..12] != eth1_withdrawal_credentials(&[0; 20])[..12] {
            return Err(KeyError::InvalidField {
                field: "withdrawal_credentials",
                reason: format!(
                    "{} is not 0x01 ‖ 11 zero bytes ‖ address (Puffer validators withdraw to their strategy's pod)",
                    self.withdrawal_credentials
                ),
            });
        }
        if deposit.amount_gwei != FULL_DEPOSIT_GWEI {
            return Err(KeyError::InvalidField {
                field: "amount_gwei",
                reason: format!(
                    "{} is not 32 ETH ({FULL_DEPOSIT_GWEI} Gwei)",
                    deposit.amount_gwei
                ),
            });
        }
        let count = self.guardian_enclave_pubkeys.len();
        let threshold = usize::try_from(self.threshold).unwrap_or(usize::MAX);
        keyshare::check_threshold(threshold, count)?;
        for (what, got) in [
            ("pubkey_shares", self.pubkey_shares.len()),
            ("encrypted_shares", self.encrypted_shares.len()),
        ] {
            if got != count {
                return Err(KeyError::WrongCount {
                    what,
                    got,
                    expected: count,
                });
            }
        }
        let enclave_pubkeys = self
            .guardian_enclave_pubkeys
            .iter()
            .enumerate()
            .map(|(i, k)| EnclavePublicKey::from_hex(k, &format!("guardian_enclave_pubkeys[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        for (i, key) in enclave_pubkeys.iter().enumerate() {
            if enclave_pubkeys[..i].contains(key) {
                return Err(KeyError::InvalidField {
                    field: "guardian_enclave_pubkeys",
                    reason: format!("entry {i} repeats an earlier guardian's key"),
                });
            }
        }
        let pubkey_shares = self
            .pubkey_shares
            .iter()
            .enumerate()
            .map(|(i, k)| PublicKey::from_hex(k, &format!("pubkey_shares[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        let encrypted_shares = self
            .encrypted_shares
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let field = format!("encrypted_shares[{i}]");
                let bytes = hx::decode(&field, c)?;
                if bytes.len() != ENCRYPTED_SHARE_LEN {
                    return Err(KeyError::MalformedHex {
                        field,
                        reason: format!(
                            "expected {ENCRYPTED_SHARE_LEN} bytes, got {}",
                            bytes.len()
                        ),
                    });
                }
                Ok(bytes)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ParsedBundle {
            network,
            deposit,
            deposit_data_root: hx::decode_fixed("deposit_data_root", &self.deposit_data_root)?,
            threshold,
            enclave_pubkeys,
            pubkey_shares,
            encrypted_shares,
        })
    }

    /// Checks the bundle end to end: shape; the deposit signature for the deposit domain; the deposit data
    /// root; pubkey shares consistent with the pubkey (every t-subset interpolates to it, checked in
    /// `n − t + 1` steps by [`keyshare::check_pubkey_shares`]); and, given `guardian = (index, enclave secret)`, that this guardian's keyshare decrypts
    /// and matches its pubkey share (and that the secret belongs to the listed enclave key).
    ///
    /// # Errors
    /// The first failed check, naming the field or share.
    pub fn verify(&self, guardian: Option<(u32, &EnclaveSecretKey)>) -> Result<ParsedBundle> {
        let parsed = self.parse()?;
        parsed.deposit.verify(parsed.network.genesis_fork_version)?;
        let computed = parsed.deposit.data_root();
        if computed != parsed.deposit_data_root {
            return Err(KeyError::DepositRootMismatch {
                claimed: self.deposit_data_root.clone(),
                computed: hx::encode_prefixed(&computed),
            });
        }
        keyshare::check_pubkey_shares(
            &parsed.deposit.pubkey,
            &parsed.pubkey_shares,
            parsed.threshold,
        )?;
        if let Some((index, secret)) = guardian {
            let i = index as usize;
            let listed = parsed
                .enclave_pubkeys
                .get(i)
                .ok_or(KeyError::BadShareIndex(index))?;
            if secret.public_key() != *listed {
                return Err(KeyError::InvalidField {
                    field: "guardian_enclave_pubkeys",
                    reason: format!(
                        "entry {index} is not the public key of the given enclave secret"
                    ),
                });
            }
            let share = parsed.decrypt_share(index, secret)?;
            if share.public_share() != parsed.pubkey_shares[i] {
                return Err(KeyError::ShareMismatch { index });
            }
        }
        Ok(parsed)
    }
}

impl ParsedBundle {
    /// The execution address withdrawals go to (the strategy's EigenPod): the guardian daemon compares it
    /// with the strategy the registration names.
    pub fn withdrawal_address(&self) -> [u8; 20] {
        let mut out = [0u8; 20];
        out.copy_from_slice(&self.deposit.withdrawal_credentials[12..]);
        out
    }

    /// Decrypts keyshare `index` with that guardian's enclave secret.
    ///
    /// # Errors
    /// [`KeyError::BadShareIndex`], or errors of [`ec::decrypt_share`].
    pub fn decrypt_share(&self, index: u32, secret: &EnclaveSecretKey) -> Result<KeyShare> {
        let ct = self
            .encrypted_shares
            .get(index as usize)
            .ok_or(KeyError::BadShareIndex(index))?;
        ec::decrypt_share(secret, index, ct)
    }
}
