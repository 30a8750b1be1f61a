//! Reading a guardian's [`ChainFacts`] and per-strategy data from its own node through the `Chain` trait.

use alloy::primitives::{Address, B256};
use puffer_chain::{
    Chain, Deployment, GuardianChain,
    bindings::{GuardianModule, PufferProtocol},
    contract::call_decode,
};

use crate::{duties::ChainFacts, error::Result};

/// The contracts a guardian watches.
#[derive(Debug, Clone)]
pub struct ChainView {
    /// Registrations, schedule, provisioning.
    pub guardian_chain: GuardianChain,
    /// PufferProtocol.
    pub protocol: Address,
    /// GuardianModule.
    pub guardian_module: Address,
    /// SpurtReporter, when the deployment has one.
    pub reporter: Option<Address>,
    /// Where log scans start.
    pub deploy_block: u64,
}

impl ChainView {
    /// The view of `deployment`.
    ///
    /// # Errors
    /// [`puffer_chain::ChainError::MissingContract`] without the operator side.
    pub fn new(deployment: &Deployment) -> Result<Self> {
        Ok(Self {
            guardian_chain: GuardianChain::new(deployment)?,
            protocol: deployment.protocol()?,
            guardian_module: deployment.guardian_module()?,
            reporter: deployment.contracts.get("SpurtReporter").copied(),
            deploy_block: deployment.deploy_block,
        })
    }

    /// Reads the facts a guardian answers with: time, guardian set with enclave keys, threshold, deposit
    /// root, and the next `lookahead` validators of the schedule.
    ///
    /// # Errors
    /// Chain errors.
    pub fn facts(&self, chain: &mut dyn Chain, lookahead: u64) -> Result<ChainFacts> {
        let (guardians, threshold) = self.guardian_chain.guardian_set(chain)?;
        let mut enclave_keys = Vec::with_capacity(guardians.len());
        for g in &guardians {
            enclave_keys.push(call_decode(
                chain,
                self.guardian_module,
                &GuardianModule::enclaveKeyOfCall { guardian: *g },
            )?);
        }
        Ok(ChainFacts {
            chain_id: chain.chain_id(),
            now: chain.timestamp()?,
            protocol: self.protocol,
            reporter: self.reporter,
            guardians,
            enclave_keys,
            threshold: usize::try_from(threshold).unwrap_or(usize::MAX),
            deposit_root: self.guardian_chain.deposit_root(chain)?,
            next_validators: self.guardian_chain.next_validators(chain, lookahead)?,
        })
    }

    /// A strategy's withdrawal credentials (`0x01 ‖ 0…0 ‖ pod`).
    ///
    /// # Errors
    /// Chain errors.
    pub fn withdrawal_credentials(&self, chain: &mut dyn Chain, strategy: B256) -> Result<B256> {
        Ok(call_decode(
            chain,
            self.protocol,
            &PufferProtocol::strategyCall { name: strategy },
        )?
        .withdrawalCredentials)
    }
}
