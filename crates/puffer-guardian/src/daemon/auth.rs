//! Authenticated peer requests. The sender signs, with its operator key,
//! `keccak256(abi.encode(keccak256("PufferGuardianPeerRequest"), keccak256(method), keccak256(path),
//! keccak256(body), recipient, chainId, timestamp, nonce))`; the recipient checks that the signature recovers
//! to the stated sender, that the sender is in the on-chain guardian set, that the request is addressed to it
//! and to this chain, that the timestamp is within the window, and that the (sender, nonce) pair was never
//! seen (recorded in the database, so a replay is refused after a restart too).

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::SolValue,
};
use axum::http::HeaderMap;
use rand::RngCore;

use crate::{
    duties::ChainFacts,
    error::{GuardianError, Result},
    store::{Store, Table},
};

/// Seconds a request stays acceptable either side of the recipient's clock.
pub const AUTH_WINDOW_SECS: u64 = 60;

/// The authentication headers of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAuth {
    /// Sender's operator address.
    pub from: Address,
    /// Recipient's operator address.
    pub to: Address,
    /// Chain id.
    pub chain_id: u64,
    /// Unix seconds at sending.
    pub timestamp: u64,
    /// Random nonce.
    pub nonce: B256,
    /// 65-byte signature.
    pub signature: Bytes,
}

/// The digest an operator key signs for a request.
pub fn request_digest(
    method: &str,
    path: &str,
    body: &[u8],
    to: Address,
    chain_id: u64,
    timestamp: u64,
    nonce: B256,
) -> B256 {
    keccak256(
        (
            keccak256("PufferGuardianPeerRequest"),
            keccak256(method),
            keccak256(path),
            keccak256(body),
            to,
            U256::from(chain_id),
            U256::from(timestamp),
            nonce,
        )
            .abi_encode(),
    )
}

/// Signs a request to `to`.
///
/// # Errors
/// [`GuardianError::Refused`] if the signer fails.
pub fn sign_request(
    signer: &PrivateKeySigner,
    method: &str,
    path: &str,
    body: &[u8],
    to: Address,
    chain_id: u64,
    timestamp: u64,
) -> Result<PeerAuth> {
    let mut nonce = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut nonce);
    let nonce = B256::from(nonce);
    let digest = request_digest(method, path, body, to, chain_id, timestamp, nonce);
    let sig = signer
        .sign_hash_sync(&digest)
        .map_err(|e| GuardianError::Refused(format!("operator signer failed: {e}")))?;
    Ok(PeerAuth {
        from: signer.address(),
        to,
        chain_id,
        timestamp,
        nonce,
        signature: sig.as_bytes().to_vec().into(),
    })
}

const H_FROM: &str = "x-puffer-from";
const H_TO: &str = "x-puffer-to";
const H_CHAIN: &str = "x-puffer-chain-id";
const H_TIME: &str = "x-puffer-timestamp";
const H_NONCE: &str = "x-puffer-nonce";
const H_SIG: &str = "x-puffer-signature";

impl PeerAuth {
    /// The headers to send.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        vec![
            (H_FROM, self.from.to_string()),
            (H_TO, self.to.to_string()),
            (H_CHAIN, self.chain_id.to_string()),
            (H_TIME, self.timestamp.to_string()),
            (H_NONCE, self.nonce.to_string()),
            (H_SIG, self.signature.to_string()),
        ]
    }

    /// Parses the headers.
    ///
    /// # Errors
    /// [`GuardianError::Unauthenticated`] naming the missing or malformed header.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self> {
        let get = |name: &str| -> Result<&str> {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| GuardianError::Unauthenticated(format!("missing header {name}")))
        };
        let bad = |name: &str, v: &str| {
            GuardianError::Unauthenticated(format!("malformed header {name}: {v:?}"))
        };
        let from = get(H_FROM)?;
        let to = get(H_TO)?;
        let chain = get(H_CHAIN)?;
        let time = get(H_TIME)?;
        let nonce = get(H_NONCE)?;
        let sig = get(H_SIG)?;
        Ok(Self {
            from: from.parse().map_err(|_| bad(H_FROM, from))?,
            to: to.parse().map_err(|_| bad(H_TO, to))?,
            chain_id: chain.parse().map_err(|_| bad(H_CHAIN, chain))?,
            timestamp: time.parse().map_err(|_| bad(H_TIME, time))?,
            nonce: nonce.parse().map_err(|_| bad(H_NONCE, nonce))?,
            signature: sig.parse().map_err(|_| bad(H_SIG, sig))?,
        })
    }

    /// Checks the request (see the module doc) and records its nonce.
    ///
    /// # Errors
    /// [`GuardianError::Unauthenticated`] naming what failed; store errors.
    #[allow(clippy::too_many_arguments)]
    pub fn verify(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        me: Address,
        facts: &ChainFacts,
        now: u64,
        store: &dyn Store,
    ) -> Result<()> {
        let fail = |m: String| Err(GuardianError::Unauthenticated(m));
        if self.to != me {
            return fail(format!(
                "request addressed to {}, this guardian is {me}",
                self.to
            ));
        }
        if self.chain_id != facts.chain_id {
            return fail(format!(
                "request for chain {}, this is chain {}",
                self.chain_id, facts.chain_id
            ));
        }
        if self.timestamp.abs_diff(now) > AUTH_WINDOW_SECS {
            return fail(format!(
                "timestamp {} outside {now} ± {AUTH_WINDOW_SECS} s",
                self.timestamp
            ));
        }
        let raw: [u8; 65] = match self.signature.as_ref().try_into() {
            Ok(r) => r,
            Err(_) => return fail(format!("signature of {} bytes", self.signature.len())),
        };
        let digest = request_digest(
            method,
            path,
            body,
            self.to,
            self.chain_id,
            self.timestamp,
            self.nonce,
        );
        let signer = alloy::primitives::Signature::from_raw(&raw)
            .ok()
            .and_then(|s| s.recover_address_from_prehash(&digest).ok());
        if signer != Some(self.from) {
            return fail(format!(
                "signature does not recover to the sender {}",
                self.from
            ));
        }
        if !facts.guardians.contains(&self.from) || self.from == me {
            return fail(format!("{} is not a peer guardian", self.from));
        }
        let key = format!("{}/{}", self.from, self.nonce);
        if !store.insert_new(Table::Nonces, &key, &self.timestamp.to_be_bytes())? {
            return fail(format!(
                "replayed request (nonce {} from {})",
                self.nonce, self.from
            ));
        }
        Ok(())
    }
}

/// Forgets the nonces of requests older than twice the window: those are refused by their timestamp anyway, so
/// the replay table stays bounded. Returns how many were removed.
///
/// # Errors
/// Store errors.
pub fn prune_nonces(store: &dyn Store, now: u64) -> Result<usize> {
    let mut removed = 0;
    for (key, value) in store.list(Table::Nonces)? {
        let stamp = <[u8; 8]>::try_from(value.as_slice())
            .map(u64::from_be_bytes)
            .unwrap_or(0);
        if stamp.saturating_add(2 * AUTH_WINDOW_SECS) < now {
            store.remove(Table::Nonces, &key)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Unix seconds now.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_nonces_are_pruned_recent_ones_kept() {
        let store = crate::store::MemoryStore::new();
        store
            .insert_new(Table::Nonces, "a/old", &100u64.to_be_bytes())
            .expect("put");
        store
            .insert_new(Table::Nonces, "a/new", &1_000u64.to_be_bytes())
            .expect("put");
        assert_eq!(prune_nonces(&store, 1_000).expect("prune"), 1);
        assert_eq!(store.list(Table::Nonces).expect("list").len(), 1);
    }
}
