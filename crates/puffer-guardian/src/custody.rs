//! Custody check of a registration: may this guardian approve provisioning it?
//!
//! In order (the first failure decides): shapes (48-byte pubkey, 96-byte signature, one 48-byte pubkey share
//! and one 129-byte encrypted share per guardian); the deposit signature verifies for the strategy's
//! withdrawal credentials (`0x01 ‖ 0…0 ‖ pod`) and 32 ETH in the deposit domain; the stated deposit data root
//! equals `hash_tree_root(DepositData)`; the pubkey shares are consistent with the validator pubkey (every
//! `t`-subset interpolates to it: `keyshare::check_pubkey_shares`, `n − t + 1` steps); this guardian's share decrypts in its
//! enclave and matches its pubkey share. Any failure is a [`Verdict::Skip`]: the guardians then ask for a
//! `skipProvisioning` quorum.

use alloy::primitives::B256;
use puffer_chain::bindings::IPufferProtocolTypes::ValidatorData;
use puffer_keys::{
    bls::{PublicKey, Signature},
    deposit::{DepositData, FULL_DEPOSIT_GWEI},
    ecies::ENCRYPTED_SHARE_LEN,
    keyshare,
};
use serde::{Deserialize, Serialize};

use crate::enclave::Enclave;

/// What a guardian concluded about a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed: approve provisioning.
    Approve,
    /// A check failed: ask for a skip.
    Skip {
        /// Which check.
        reason: SkipReason,
        /// The details (naming the bad value).
        detail: String,
    },
}

impl Verdict {
    /// Whether provisioning may be approved.
    pub fn is_approve(&self) -> bool {
        matches!(self, Verdict::Approve)
    }
}

/// The failed check of a [`Verdict::Skip`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A field has the wrong length or is not a valid point.
    Malformed,
    /// The deposit signature does not verify for the strategy's credentials and 32 ETH.
    BadDepositSignature,
    /// The stated deposit data root is not the deposit's.
    DepositRootMismatch,
    /// The pubkey shares do not interpolate to the validator pubkey.
    InconsistentPubkeyShares,
    /// This guardian's share does not decrypt with its enclave key.
    ShareUndecryptable,
    /// This guardian's share does not match its pubkey share.
    ShareMismatch,
}

/// What the check needs besides the registration.
#[derive(Debug, Clone)]
pub struct CustodyContext {
    /// Genesis fork version (the deposit domain).
    pub genesis_fork_version: [u8; 4],
    /// This guardian's index in the guardian set (its share index).
    pub guardian_index: u32,
    /// Guardians in the set (shares expected).
    pub guardian_count: usize,
    /// The quorum threshold (the sharing threshold).
    pub threshold: usize,
    /// The registration's strategy's withdrawal credentials.
    pub withdrawal_credentials: B256,
}

fn skip(reason: SkipReason, detail: impl Into<String>) -> Verdict {
    Verdict::Skip {
        reason,
        detail: detail.into(),
    }
}

/// Parses the pubkey shares of a registration (guardian order).
///
/// # Errors
/// A [`Verdict::Skip`] with [`SkipReason::Malformed`] naming the bad share.
pub fn pubkey_shares(data: &ValidatorData, count: usize) -> Result<Vec<PublicKey>, Verdict> {
    if data.pubkeyShares.len() != count * 48 {
        return Err(skip(
            SkipReason::Malformed,
            format!(
                "pubkeyShares is {} bytes, expected {count} × 48",
                data.pubkeyShares.len()
            ),
        ));
    }
    data.pubkeyShares
        .chunks(48)
        .enumerate()
        .map(|(i, c)| {
            PublicKey::from_bytes(c, &format!("pubkeyShares[{i}]"))
                .map_err(|e| skip(SkipReason::Malformed, e.to_string()))
        })
        .collect()
}

/// The encrypted share of guardian `index` (129 bytes), if the field has the right shape.
pub fn encrypted_share(data: &ValidatorData, index: u32) -> Option<&[u8]> {
    let start = index as usize * ENCRYPTED_SHARE_LEN;
    data.encryptedShares.get(start..start + ENCRYPTED_SHARE_LEN)
}

/// Runs the custody check. Never errors: every failure is a [`Verdict::Skip`] naming the check and value.
pub fn check_custody(enclave: &dyn Enclave, ctx: &CustodyContext, data: &ValidatorData) -> Verdict {
    match check(enclave, ctx, data) {
        Ok(()) => Verdict::Approve,
        Err(v) => v,
    }
}

fn check(enclave: &dyn Enclave, ctx: &CustodyContext, data: &ValidatorData) -> Result<(), Verdict> {
    let malformed = |e: puffer_keys::KeyError| skip(SkipReason::Malformed, e.to_string());
    let pubkey = PublicKey::from_bytes(&data.pubkey, "pubkey").map_err(malformed)?;
    let signature = Signature::from_bytes(&data.signature, "signature").map_err(malformed)?;
    let shares = pubkey_shares(data, ctx.guardian_count)?;
    if data.encryptedShares.len() != ctx.guardian_count * ENCRYPTED_SHARE_LEN {
        return Err(skip(
            SkipReason::Malformed,
            format!(
                "encryptedShares is {} bytes, expected {} × {ENCRYPTED_SHARE_LEN}",
                data.encryptedShares.len(),
                ctx.guardian_count
            ),
        ));
    }
    let deposit = DepositData {
        pubkey,
        withdrawal_credentials: ctx.withdrawal_credentials.0,
        amount_gwei: FULL_DEPOSIT_GWEI,
        signature,
    };
    deposit.verify(ctx.genesis_fork_version).map_err(|e| {
        skip(
            SkipReason::BadDepositSignature,
            format!(
                "deposit of {} for credentials {}: {e}",
                pubkey.to_hex(),
                ctx.withdrawal_credentials
            ),
        )
    })?;
    let root = deposit.data_root();
    if root != data.depositDataRoot.0 {
        return Err(skip(
            SkipReason::DepositRootMismatch,
            format!(
                "stated {} but the deposit's root is 0x{}",
                data.depositDataRoot,
                hex::encode(root)
            ),
        ));
    }
    keyshare::check_pubkey_shares(&pubkey, &shares, ctx.threshold)
        .map_err(|e| skip(SkipReason::InconsistentPubkeyShares, e.to_string()))?;
    let index = ctx.guardian_index;
    let ciphertext = encrypted_share(data, index)
        .ok_or_else(|| skip(SkipReason::Malformed, format!("no encrypted share {index}")))?;
    let share = enclave.decrypt_share(index, ciphertext).map_err(|e| {
        skip(
            SkipReason::ShareUndecryptable,
            format!("share {index}: {e}"),
        )
    })?;
    if share.public_share() != shares[index as usize] {
        return Err(skip(
            SkipReason::ShareMismatch,
            format!(
                "share {index} does not match pubkey share {}",
                shares[index as usize].to_hex()
            ),
        ));
    }
    Ok(())
}
