// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Checks a guardian's enclave attestation before its enclave key counts.
/// @notice Pluggable: production would verify an SGX/TDX quote binding `enclaveKey` to measured enclave code. The
/// devnet verifier (dev/DevAttestationVerifier) only checks a governance-set signer's signature: SGX/TDX is NOT
/// verified on the devnet.
interface IAttestationVerifier {
    /// @notice Whether `evidence` attests that `enclaveKey` (a secp256k1 address) lives in an enclave run by
    /// `guardian`. The GuardianModule treats a revert (e.g. undecodable evidence) as a rejection.
    function verifyAttestation(address guardian, address enclaveKey, bytes calldata evidence)
        external
        view
        returns (bool);
}
