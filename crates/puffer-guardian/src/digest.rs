//! The EIP-712 digests guardians sign, computed locally (no node round trip) exactly as the contracts do:
//! domain `(name, "1", chainId, contract)`, `ProvisionNodes`/`SkipProvisioning` under "PufferProtocol",
//! `SpurtReport` under "PufferSpurtReporter". Tests compare them with the contracts' own views.

use alloy::{
    primitives::{Address, B256, U256, keccak256},
    sol_types::SolValue,
};

use crate::report::SpurtReport;

/// `ProvisionNodes(...)`, the PufferProtocol's batch approval type.
pub const PROVISION_BATCH_TYPE: &str = puffer_chain::operator::PROVISION_BATCH_TYPE;
/// `SkipProvisioning(uint256 validatorId,uint256 deadline)`.
pub const SKIP_TYPE: &str = "SkipProvisioning(uint256 validatorId,uint256 deadline)";
/// `SpurtReport(uint256 spurt,uint256 deadline,bytes32 reportHash)`.
pub const SPURT_REPORT_TYPE: &str =
    "SpurtReport(uint256 spurt,uint256 deadline,bytes32 reportHash)";
const DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

/// An EIP-712 domain separator with version "1".
pub fn domain_separator(name: &str, chain_id: u64, contract: Address) -> B256 {
    keccak256(
        (
            keccak256(DOMAIN_TYPE),
            keccak256(name),
            keccak256("1"),
            U256::from(chain_id),
            contract,
        )
            .abi_encode(),
    )
}

fn typed(domain: B256, struct_hash: B256) -> B256 {
    keccak256(
        [
            &[0x19u8, 0x01][..],
            domain.as_slice(),
            struct_hash.as_slice(),
        ]
        .concat(),
    )
}

/// The PufferProtocol's `ProvisionNodes` digest (`provisionNodes` with one or more validators).
pub fn provision_batch(
    chain_id: u64,
    protocol: Address,
    validator_ids: &[U256],
    pubkeys: &[&[u8]],
    deposit_root: B256,
    deadline: u64,
) -> B256 {
    let struct_hash = puffer_chain::operator::provision_batch_struct_hash(
        validator_ids,
        pubkeys,
        deposit_root,
        deadline,
    );
    typed(
        domain_separator("PufferProtocol", chain_id, protocol),
        struct_hash,
    )
}

/// The PufferProtocol's `SkipProvisioning` digest.
pub fn skip(chain_id: u64, protocol: Address, validator_id: U256, deadline: u64) -> B256 {
    let struct_hash =
        keccak256((keccak256(SKIP_TYPE), validator_id, U256::from(deadline)).abi_encode());
    typed(
        domain_separator("PufferProtocol", chain_id, protocol),
        struct_hash,
    )
}

/// `keccak256(abi.encode(report))`.
pub fn report_hash(report: &SpurtReport) -> B256 {
    keccak256(report.abi_encode())
}

/// The SpurtReporter's `reportDigest(report)`.
pub fn report(chain_id: u64, reporter: Address, report: &SpurtReport) -> B256 {
    let struct_hash = keccak256(
        (
            keccak256(SPURT_REPORT_TYPE),
            report.spurt,
            report.deadline,
            report_hash(report),
        )
            .abi_encode(),
    );
    typed(
        domain_separator("PufferSpurtReporter", chain_id, reporter),
        struct_hash,
    )
}

/// What a guardian signs to say its own keyshare of `validator_id` failed: `keccak256(abi.encode(
/// keccak256("PufferShareComplaint"), chainId, protocol, validatorId))`. Off-chain only (peers check it).
pub fn share_complaint(chain_id: u64, protocol: Address, validator_id: U256) -> B256 {
    keccak256(
        (
            keccak256("PufferShareComplaint"),
            U256::from(chain_id),
            protocol,
            validator_id,
        )
            .abi_encode(),
    )
}
