//! The operator side's clients: [`NodeOperator`] (register, extend, stop, status) and [`GuardianChain`] (what the
//! guardian daemon reads and submits: registrations, the schedule, EIP-712 digests, provisioning and skips).
//!
//! Growth-spurt reports are posted through [`crate::SpurtReports`]; a NoOp claims with [`NodeOperator::claim`].

use alloy::{
    primitives::{Address, B256, Bytes, U256, hex, keccak256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolCall, SolEvent, SolValue},
};
use puffer_keys::bundle::RegistrationBundle;

use crate::{
    ChainError, Result,
    bindings::{
        DepositContract, DevAttestationVerifier, GuardianModule, IPufferProtocolTypes,
        PufferProtocol, PufferStrategy,
    },
    chain::{Chain, LogFilter},
    contract::{call_decode, first_event, transact},
    deploy::Deployment,
};

/// `keccak256("ProvisionNodes(uint256[] validatorIds,bytes32[] pubkeyHashes,bytes32 depositRoot,uint256 deadline)")`,
/// the contract's `PROVISION_BATCH_TYPEHASH`.
pub const PROVISION_BATCH_TYPE: &str = "ProvisionNodes(uint256[] validatorIds,bytes32[] pubkeyHashes,bytes32 depositRoot,uint256 deadline)";

fn decode_hex(field: &str, value: &str, len: Option<usize>) -> Result<Vec<u8>> {
    let bytes = hex::decode(value).map_err(|e| ChainError::InvalidBundle {
        field: field.to_owned(),
        value: value.to_owned(),
        reason: e.to_string(),
    })?;
    match len {
        Some(n) if bytes.len() != n => Err(ChainError::InvalidBundle {
            field: field.to_owned(),
            value: value.to_owned(),
            reason: format!("{} bytes, expected {n}", bytes.len()),
        }),
        _ => Ok(bytes),
    }
}

/// The `ValidatorData` a bundle registers: pubkey, deposit signature and data root, the concatenated pubkey shares
/// and encrypted keyshares (guardian order), no enclave evidence.
///
/// # Errors
/// [`ChainError::InvalidBundle`] naming the first field that is not hex of the right length.
pub fn validator_data(bundle: &RegistrationBundle) -> Result<IPufferProtocolTypes::ValidatorData> {
    let pubkey = decode_hex("pubkey", &bundle.pubkey, Some(48))?;
    let signature = decode_hex("deposit_signature", &bundle.deposit_signature, Some(96))?;
    let root = decode_hex("deposit_data_root", &bundle.deposit_data_root, Some(32))?;
    let mut shares = Vec::new();
    for (i, s) in bundle.pubkey_shares.iter().enumerate() {
        shares.extend(decode_hex(&format!("pubkey_shares[{i}]"), s, Some(48))?);
    }
    let mut encrypted = Vec::new();
    for (i, s) in bundle.encrypted_shares.iter().enumerate() {
        encrypted.extend(decode_hex(&format!("encrypted_shares[{i}]"), s, None)?);
    }
    Ok(IPufferProtocolTypes::ValidatorData {
        pubkey: pubkey.into(),
        signature: signature.into(),
        depositDataRoot: B256::from_slice(&root),
        pubkeyShares: shares.into(),
        encryptedShares: encrypted.into(),
        enclaveEvidence: Bytes::new(),
    })
}

/// A strategy name as the contract stores it: the UTF-8 bytes left-aligned in a `bytes32`.
///
/// # Errors
/// [`ChainError::InvalidBundle`] when `name` is longer than 32 bytes.
pub fn strategy_name(name: &str) -> Result<B256> {
    let bytes = name.as_bytes();
    if bytes.len() > 32 {
        return Err(ChainError::InvalidBundle {
            field: "strategy".to_owned(),
            value: name.to_owned(),
            reason: format!("{} bytes, at most 32", bytes.len()),
        });
    }
    let mut out = [0u8; 32];
    out[..bytes.len()].copy_from_slice(bytes);
    Ok(B256::new(out))
}

/// Every strategy of the protocol at `protocol` in index order (the order a report lists them in), each with its
/// `PufferProtocol.strategy(name)` view: one `strategyNames` call and one `strategy` call per strategy.
///
/// # Errors
/// Transport errors.
pub fn strategies(
    chain: &mut dyn Chain,
    protocol: Address,
) -> Result<Vec<(B256, IPufferProtocolTypes::StrategyView)>> {
    let names = call_decode(chain, protocol, &PufferProtocol::strategyNamesCall {})?;
    names
        .into_iter()
        .map(|name| {
            Ok((
                name,
                call_decode(chain, protocol, &PufferProtocol::strategyCall { name })?,
            ))
        })
        .collect()
}

/// A node operator: one key, one deployment.
#[derive(Debug, Clone)]
pub struct NodeOperator {
    signer: PrivateKeySigner,
    protocol: Address,
}

impl NodeOperator {
    /// The NoOp holding `signer`, on `deployment`.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] without a PufferProtocol.
    pub fn new(signer: PrivateKeySigner, deployment: &Deployment) -> Result<Self> {
        Ok(Self {
            signer,
            protocol: deployment.protocol()?,
        })
    }

    /// The NoOp's address.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// What registering for `months` costs now: `commitmentPrice(months) + bond`.
    ///
    /// # Errors
    /// `ProtocolUnknownCommitment` decoded.
    pub fn registration_cost(&self, chain: &mut dyn Chain, months: u64) -> Result<U256> {
        let price = call_decode(
            chain,
            self.protocol,
            &PufferProtocol::commitmentPriceCall {
                months: U256::from(months),
            },
        )?;
        let params = call_decode(chain, self.protocol, &PufferProtocol::parametersCall {})?;
        Ok(price + params.bondWei)
    }

    /// Registers the bundle's validator in `strategy` for `months`, paying the commitment and the bond; returns
    /// the validator id from the `ValidatorKeyRegistered` event.
    ///
    /// # Errors
    /// [`ChainError::InvalidBundle`]; the protocol's reverts decoded (`ProtocolNoOpNotAllowed`, …).
    pub fn register(
        &self,
        chain: &mut dyn Chain,
        bundle: &RegistrationBundle,
        strategy: B256,
        months: u64,
    ) -> Result<U256> {
        let data = validator_data(bundle)?;
        let value = self.registration_cost(chain, months)?;
        let call = PufferProtocol::registerValidatorKeyCall {
            strategy_: strategy,
            data,
            months: U256::from(months),
        };
        let receipt = transact(chain, &self.signer, self.protocol, &call, value)?;
        Ok(
            first_event::<PufferProtocol::ValidatorKeyRegistered>(&receipt, self.protocol)?
                .validatorId,
        )
    }

    /// Buys `months` more of smoothing commitment for `validator_id`.
    ///
    /// # Errors
    /// `ProtocolInvalidStatus`, `ProtocolUnknownCommitment`, … decoded.
    pub fn extend(&self, chain: &mut dyn Chain, validator_id: U256, months: u64) -> Result<()> {
        let price = call_decode(
            chain,
            self.protocol,
            &PufferProtocol::commitmentPriceCall {
                months: U256::from(months),
            },
        )?;
        let call = PufferProtocol::extendCommitmentCall {
            validatorId: validator_id,
            months: U256::from(months),
        };
        transact(chain, &self.signer, self.protocol, &call, price)?;
        Ok(())
    }

    /// Withdraws a pending registration (bond back as pufETH).
    ///
    /// # Errors
    /// `ProtocolNotValidatorOwner`, `ProtocolInvalidStatus` decoded.
    pub fn stop(&self, chain: &mut dyn Chain, validator_id: U256) -> Result<()> {
        let call = PufferProtocol::stopRegistrationCall {
            validatorId: validator_id,
        };
        transact(chain, &self.signer, self.protocol, &call, U256::ZERO)?;
        Ok(())
    }

    /// Claims `amount_wei` of spurt `spurt` from `strategy` (the strategy contract's address) with `proof` from the
    /// guardians' published claims tree; the ETH goes to this NoOp.
    ///
    /// # Errors
    /// `StrategyInvalidClaimProof`, `StrategyAlreadyClaimed` decoded.
    pub fn claim(
        &self,
        chain: &mut dyn Chain,
        strategy: Address,
        spurt: u64,
        amount_wei: U256,
        proof: Vec<B256>,
    ) -> Result<()> {
        let call = PufferStrategy::claimCall {
            spurt: U256::from(spurt),
            node: self.signer.address(),
            amountWei: amount_wei,
            proof,
        };
        transact(chain, &self.signer, strategy, &call, U256::ZERO)?;
        Ok(())
    }

    /// A validator's record (owner, status, months, bond shares, key hash).
    ///
    /// # Errors
    /// Transport errors.
    pub fn validator(
        &self,
        chain: &mut dyn Chain,
        validator_id: U256,
    ) -> Result<IPufferProtocolTypes::Validator> {
        validator(chain, self.protocol, validator_id)
    }
}

fn validator(
    chain: &mut dyn Chain,
    protocol: Address,
    validator_id: U256,
) -> Result<IPufferProtocolTypes::Validator> {
    call_decode(
        chain,
        protocol,
        &PufferProtocol::validatorCall {
            validatorId: validator_id,
        },
    )
}

/// A registration as the guardians read it from `ValidatorKeyRegistered`, with the full data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Block it was registered in.
    pub block: u64,
    /// The validator id (`strategyIndex << 64 | queuePosition`).
    pub validator_id: U256,
    /// The strategy name.
    pub strategy: B256,
    /// The NoOp.
    pub owner: Address,
    /// Months bought at registration.
    pub months: U256,
    /// The bond, in pufETH shares.
    pub bond_shares: U256,
    /// Everything the NoOp submitted.
    pub data: IPufferProtocolTypes::ValidatorData,
}

/// The guardians' view of the protocol: read registrations and the schedule, compute digests, submit quorum
/// approvals. Anyone may submit; authority comes from the enclave-key signatures.
#[derive(Debug, Clone)]
pub struct GuardianChain {
    protocol: Address,
    guardian_module: Address,
    deposit_contract: Address,
}

impl GuardianChain {
    /// The guardian client on `deployment`.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] without the operator side.
    pub fn new(deployment: &Deployment) -> Result<Self> {
        Ok(Self {
            protocol: deployment.protocol()?,
            guardian_module: deployment.guardian_module()?,
            deposit_contract: deployment.deposit_contract()?,
        })
    }

    /// Registrations in blocks `from..=to` (`to = None`: the latest), decoded with their full data.
    ///
    /// # Errors
    /// Transport errors; [`ChainError::Decode`] for a malformed event.
    pub fn registrations(
        &self,
        chain: &mut dyn Chain,
        from: u64,
        to: Option<u64>,
    ) -> Result<Vec<Registration>> {
        self.registrations_matching(chain, from, to, None)
    }

    /// The registrations of one NoOp from block `from` on (filtered by the event's indexed owner).
    ///
    /// # Errors
    /// Transport errors; [`ChainError::Decode`] for an event that does not decode.
    pub fn registrations_of(
        &self,
        chain: &mut dyn Chain,
        owner: Address,
        from: u64,
    ) -> Result<Vec<Registration>> {
        self.registrations_matching(chain, from, None, Some(owner))
    }

    fn registrations_matching(
        &self,
        chain: &mut dyn Chain,
        from: u64,
        to: Option<u64>,
        owner: Option<Address>,
    ) -> Result<Vec<Registration>> {
        let mut filter = LogFilter::address(self.protocol, from);
        filter.topics = vec![
            Some(vec![PufferProtocol::ValidatorKeyRegistered::SIGNATURE_HASH]),
            None,
            None,
            owner.map(|o| vec![o.into_word()]),
        ];
        filter.to_block = to;
        let logs = chain.logs(&filter)?;
        logs.iter()
            .map(|log| {
                let event = PufferProtocol::ValidatorKeyRegistered::decode_log(&log.inner)
                    .map_err(|e| ChainError::Decode {
                        what: "ValidatorKeyRegistered event".to_owned(),
                        reason: e.to_string(),
                    })?
                    .data;
                let call =
                    PufferProtocol::registerValidatorKeyCall::abi_decode_raw(&event.registration)
                        .map_err(|e| ChainError::Decode {
                        what: format!("registration data of validator {}", event.validatorId),
                        reason: e.to_string(),
                    })?;
                Ok(Registration {
                    block: log.block_number,
                    validator_id: event.validatorId,
                    strategy: event.strategy,
                    owner: event.owner,
                    months: event.months,
                    bond_shares: event.bondShares,
                    data: call.data,
                })
            })
            .collect()
    }

    /// The next `count` validators the schedule will provision.
    ///
    /// # Errors
    /// Transport errors.
    pub fn next_validators(&self, chain: &mut dyn Chain, count: u64) -> Result<Vec<U256>> {
        call_decode(
            chain,
            self.protocol,
            &PufferProtocol::nextValidatorsCall {
                count: U256::from(count),
            },
        )
    }

    /// A validator's record.
    ///
    /// # Errors
    /// Transport errors.
    pub fn validator(
        &self,
        chain: &mut dyn Chain,
        validator_id: U256,
    ) -> Result<IPufferProtocolTypes::Validator> {
        validator(chain, self.protocol, validator_id)
    }

    /// The beacon deposit contract's `get_deposit_root()` (what the guardians sign against front-running).
    ///
    /// # Errors
    /// Transport errors.
    pub fn deposit_root(&self, chain: &mut dyn Chain) -> Result<B256> {
        call_decode(
            chain,
            self.deposit_contract,
            &DepositContract::get_deposit_rootCall {},
        )
    }

    /// The current guardians (operator EOAs) and the threshold.
    ///
    /// # Errors
    /// Transport errors.
    pub fn guardian_set(&self, chain: &mut dyn Chain) -> Result<(Vec<Address>, u64)> {
        let set = call_decode(
            chain,
            self.guardian_module,
            &GuardianModule::guardiansCall {},
        )?;
        let threshold = call_decode(
            chain,
            self.guardian_module,
            &GuardianModule::thresholdCall {},
        )?;
        let threshold = u64::try_from(threshold).map_err(|_| ChainError::Decode {
            what: "GuardianModule.threshold".to_owned(),
            reason: format!("{threshold} does not fit in u64"),
        })?;
        Ok((set, threshold))
    }

    /// The EIP-712 digest to provision `validator_id` (the contract's own `provisionDigest`).
    ///
    /// # Errors
    /// Transport errors.
    pub fn provision_digest(
        &self,
        chain: &mut dyn Chain,
        validator_id: U256,
        pubkey: &[u8],
        deposit_root: B256,
        deadline: u64,
    ) -> Result<B256> {
        call_decode(
            chain,
            self.protocol,
            &PufferProtocol::provisionDigestCall {
                validatorId: validator_id,
                pubkeyHash: keccak256(pubkey),
                depositRoot: deposit_root,
                deadline: U256::from(deadline),
            },
        )
    }

    /// The EIP-712 digest to skip `validator_id` (the contract's own `skipDigest`).
    ///
    /// # Errors
    /// Transport errors.
    pub fn skip_digest(
        &self,
        chain: &mut dyn Chain,
        validator_id: U256,
        deadline: u64,
    ) -> Result<B256> {
        call_decode(
            chain,
            self.protocol,
            &PufferProtocol::skipDigestCall {
                validatorId: validator_id,
                deadline: U256::from(deadline),
            },
        )
    }

    /// The EIP-712 digest of a batch (`ProvisionNodes`): the contract has no view for it, so this hashes the
    /// struct as `_batchDigest` does, under the contract's own `domainSeparator()`.
    ///
    /// # Errors
    /// Transport errors.
    pub fn batch_digest(
        &self,
        chain: &mut dyn Chain,
        validator_ids: &[U256],
        pubkeys: &[&[u8]],
        deposit_root: B256,
        deadline: u64,
    ) -> Result<B256> {
        let domain = call_decode(
            chain,
            self.protocol,
            &PufferProtocol::domainSeparatorCall {},
        )?;
        let struct_hash =
            provision_batch_struct_hash(validator_ids, pubkeys, deposit_root, deadline);
        Ok(keccak256(
            [
                &[0x19u8, 0x01][..],
                domain.as_slice(),
                struct_hash.as_slice(),
            ]
            .concat(),
        ))
    }

    /// Provisions the next validator of the schedule (`pubkey`/`signature` must be its registered pair).
    /// Returns the validator id from `ValidatorProvisioned`.
    ///
    /// # Errors
    /// `ProtocolKeyMismatch`, `ProtocolDepositRootChanged`, `GuardianBelowThreshold`, … decoded.
    #[allow(clippy::too_many_arguments)]
    pub fn provision_node(
        &self,
        chain: &mut dyn Chain,
        sender: &PrivateKeySigner,
        pubkey: &[u8],
        signature: &[u8],
        deposit_root: B256,
        deadline: u64,
        guardian_signatures: Bytes,
    ) -> Result<U256> {
        let call = PufferProtocol::provisionNodeCall {
            pubkey: pubkey.to_vec().into(),
            signature: signature.to_vec().into(),
            depositRoot: deposit_root,
            deadline: U256::from(deadline),
            guardianSignatures: guardian_signatures,
        };
        let receipt = transact(chain, sender, self.protocol, &call, U256::ZERO)?;
        Ok(
            first_event::<PufferProtocol::ValidatorProvisioned>(&receipt, self.protocol)?
                .validatorId,
        )
    }

    /// Provisions the next `keys.len()` validators under one batch approval; returns their ids in order.
    ///
    /// # Errors
    /// As [`GuardianChain::provision_node`], plus `ProtocolInvalidBatch`.
    pub fn provision_nodes(
        &self,
        chain: &mut dyn Chain,
        sender: &PrivateKeySigner,
        keys: Vec<IPufferProtocolTypes::ValidatorKey>,
        deposit_root: B256,
        deadline: u64,
        guardian_signatures: Bytes,
    ) -> Result<Vec<U256>> {
        let call = PufferProtocol::provisionNodesCall {
            keys,
            depositRoot: deposit_root,
            deadline: U256::from(deadline),
            guardianSignatures: guardian_signatures,
        };
        let receipt = transact(chain, sender, self.protocol, &call, U256::ZERO)?;
        Ok(receipt
            .logs
            .iter()
            .filter(|log| log.address() == self.protocol)
            .filter_map(|log| PufferProtocol::ValidatorProvisioned::decode_log(&log.inner).ok())
            .map(|e| e.data.validatorId)
            .collect())
    }

    /// Skips a pending registration under a guardian quorum.
    ///
    /// # Errors
    /// `ProtocolInvalidStatus`, `ProtocolSignatureExpired`, guardian-signature errors decoded.
    pub fn skip_provisioning(
        &self,
        chain: &mut dyn Chain,
        sender: &PrivateKeySigner,
        validator_id: U256,
        deadline: u64,
        guardian_signatures: Bytes,
    ) -> Result<()> {
        let call = PufferProtocol::skipProvisioningCall {
            validatorId: validator_id,
            deadline: U256::from(deadline),
            guardianSignatures: guardian_signatures,
        };
        transact(chain, sender, self.protocol, &call, U256::ZERO)?;
        Ok(())
    }
}

/// Registers `enclave` as `guardian`'s enclave key on a **dev** deployment, with evidence vouched for by the dev
/// attestation verifier's `attester` (SGX/TDX is not verified on dev chains: the verifier trusts that signer).
///
/// # Errors
/// [`ChainError::MissingContract`] without the operator side; `GuardianModule` and verifier errors decoded.
pub fn register_dev_enclave_key(
    chain: &mut dyn Chain,
    deployment: &Deployment,
    attester: &PrivateKeySigner,
    guardian: &PrivateKeySigner,
    enclave: Address,
) -> Result<()> {
    let gm = deployment.guardian_module()?;
    let verifier = deployment.address(crate::deploy::names::ATTESTATION_VERIFIER)?;
    let report = Bytes::from_static(b"puffer dev enclave");
    let digest = call_decode(
        chain,
        verifier,
        &DevAttestationVerifier::attestationDigestCall {
            guardian: guardian.address(),
            enclaveKey: enclave,
            evidenceHash: keccak256(&report),
        },
    )?;
    let signature = attester
        .sign_hash_sync(&digest)
        .map_err(|e| ChainError::Decode {
            what: format!("attestation signature by {}", attester.address()),
            reason: e.to_string(),
        })?;
    let evidence = (report, Bytes::from(signature.as_bytes().to_vec())).abi_encode_params();
    let call = GuardianModule::registerEnclaveKeyCall {
        enclaveKey: enclave,
        evidence: evidence.into(),
    };
    transact(chain, guardian, gm, &call, U256::ZERO)?;
    Ok(())
}

/// The `ProvisionNodes` EIP-712 struct hash (the contract's `_batchDigest` before the domain): what
/// [`GuardianChain::batch_digest`] and the guardians' offline digests share.
pub fn provision_batch_struct_hash(
    validator_ids: &[U256],
    pubkeys: &[&[u8]],
    deposit_root: B256,
    deadline: u64,
) -> B256 {
    let ids: Vec<u8> = validator_ids
        .iter()
        .flat_map(|id| id.to_be_bytes::<32>())
        .collect();
    let hashes: Vec<u8> = pubkeys.iter().flat_map(|p| keccak256(p).0).collect();
    keccak256(
        (
            keccak256(PROVISION_BATCH_TYPE),
            keccak256(ids),
            keccak256(hashes),
            deposit_root,
            U256::from(deadline),
        )
            .abi_encode(),
    )
}

/// Signs `digest` with each enclave key and concatenates the 65-byte `r ‖ s ‖ v` signatures sorted by signer
/// address, as `GuardianModule.verify` requires.
///
/// # Errors
/// [`ChainError::Decode`] if a signer fails (it does not for local keys).
pub fn sign_digest_sorted(enclave_keys: &[PrivateKeySigner], digest: B256) -> Result<Bytes> {
    let mut keys: Vec<&PrivateKeySigner> = enclave_keys.iter().collect();
    keys.sort_by_key(|k| k.address());
    let mut blob = Vec::with_capacity(keys.len() * 65);
    for key in keys {
        let sig = key
            .sign_hash_sync(&digest)
            .map_err(|e| ChainError::Decode {
                what: format!("signature of enclave key {}", key.address()),
                reason: e.to_string(),
            })?;
        blob.extend_from_slice(&sig.as_bytes());
    }
    Ok(blob.into())
}
