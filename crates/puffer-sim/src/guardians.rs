//! The guardians' duties as the simulator drives them: a small trait ([`GuardianDuties`]) and its
//! implementation over `puffer_chain::GuardianChain` ([`ChainGuardians`]).
//!
//! The protocol rules live in the contracts and in the guardian crate; this module only orchestrates: it reads
//! registrations from the chain's events, asks the contract for the schedule (`nextValidators`) and the EIP-712
//! digests, signs with the in-process enclave keys (a quorum of `threshold`, sorted as the GuardianModule
//! requires) and submits. The contract decides everything else.

use std::collections::HashMap;

use alloy::{
    primitives::{Address, U256},
    signers::local::PrivateKeySigner,
};
use puffer_chain::{
    Chain, Deployment, GuardianChain, bindings::IPufferProtocolTypes, sign_digest_sorted,
};

/// Largest batch `provisionNodes` accepts (`MAX_BATCH`).
pub const MAX_BATCH: usize = 32;

/// What the simulator asks of the guardian set each day.
pub trait GuardianDuties {
    /// Provisions the next `count` validators of the on-chain schedule (the caller has checked the pool holds
    /// `32 ETH x count`), in batches under one quorum approval each. Returns the ids in provisioning order.
    ///
    /// # Errors
    /// The chain's errors (reverts decoded).
    fn provision(&mut self, chain: &mut dyn Chain, count: usize)
    -> puffer_chain::Result<Vec<U256>>;

    /// The enclave-key addresses the GuardianModule knows, in guardian order.
    fn enclave_addresses(&self) -> Vec<Address>;
}

/// The guardian set over [`GuardianChain`]: enclave keys held in process, one relayer submitting.
#[derive(Debug)]
pub struct ChainGuardians {
    client: GuardianChain,
    enclaves: Vec<PrivateKeySigner>,
    threshold: usize,
    relayer: PrivateKeySigner,
    next_block: u64,
    keys: HashMap<U256, IPufferProtocolTypes::ValidatorKey>,
}

impl ChainGuardians {
    /// Guardians on `deployment` holding `enclaves` (guardian order), signing with the first `threshold`,
    /// submitting from `relayer`.
    ///
    /// # Errors
    /// [`puffer_chain::ChainError::MissingContract`] without the operator side.
    pub fn new(
        deployment: &Deployment,
        enclaves: Vec<PrivateKeySigner>,
        threshold: usize,
        relayer: PrivateKeySigner,
    ) -> puffer_chain::Result<Self> {
        Ok(Self {
            client: GuardianChain::new(deployment)?,
            enclaves,
            threshold,
            relayer,
            next_block: deployment.deploy_block,
            keys: HashMap::new(),
        })
    }

    /// Reads registrations made since the last call (the daemon's event follower).
    fn follow(&mut self, chain: &mut dyn Chain) -> puffer_chain::Result<()> {
        let latest = chain.block_number()?;
        if self.next_block > latest {
            return Ok(());
        }
        for reg in self
            .client
            .registrations(chain, self.next_block, Some(latest))?
        {
            self.keys.insert(
                reg.validator_id,
                IPufferProtocolTypes::ValidatorKey {
                    pubkey: reg.data.pubkey,
                    signature: reg.data.signature,
                },
            );
        }
        self.next_block = latest + 1;
        Ok(())
    }
}

impl GuardianDuties for ChainGuardians {
    fn provision(
        &mut self,
        chain: &mut dyn Chain,
        count: usize,
    ) -> puffer_chain::Result<Vec<U256>> {
        self.follow(chain)?;
        let mut done = Vec::with_capacity(count);
        while done.len() < count {
            let want = (count - done.len()).min(MAX_BATCH) as u64;
            let ids = self.client.next_validators(chain, want)?;
            if ids.is_empty() {
                break;
            }
            let keys: Vec<_> = ids.iter().filter_map(|id| self.keys.remove(id)).collect();
            if keys.len() != ids.len() {
                // A registration we have not read (cannot happen after `follow`): stop rather than guess.
                break;
            }
            let root = self.client.deposit_root(chain)?;
            let deadline = chain.timestamp()? + 3_600;
            let pubkeys: Vec<&[u8]> = keys.iter().map(|k| k.pubkey.as_ref()).collect();
            let digest = self
                .client
                .batch_digest(chain, &ids, &pubkeys, root, deadline)?;
            let sigs = sign_digest_sorted(&self.enclaves[..self.threshold], digest)?;
            let provisioned =
                self.client
                    .provision_nodes(chain, &self.relayer, keys, root, deadline, sigs)?;
            done.extend(provisioned);
        }
        Ok(done)
    }

    fn enclave_addresses(&self) -> Vec<Address> {
        self.enclaves
            .iter()
            .map(PrivateKeySigner::address)
            .collect()
    }
}
