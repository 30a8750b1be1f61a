// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IAttestationVerifier} from "./IAttestationVerifier.sol";

/// @title Errors of the GuardianModule.
interface IGuardianModuleErrors {
    /// @dev Thrown when adding a guardian that is already one, or the zero address.
    error GuardianInvalidGuardian(address guardian);
    /// @dev Thrown when removing, or registering an enclave for, an account that is not a guardian.
    error GuardianNotAGuardian(address account);
    /// @dev Thrown when the guardian set would exceed `MAX_GUARDIANS`.
    error GuardianTooMany(uint256 count, uint256 max);
    /// @dev Thrown when a threshold is not more than half of `count` guardians, or above `count`.
    error GuardianInvalidThreshold(uint256 threshold, uint256 count);
    /// @dev Thrown when an enclave key is zero or already registered to a guardian.
    error GuardianInvalidEnclaveKey(address enclaveKey);
    /// @dev Thrown when the attestation verifier rejects a guardian's evidence.
    error GuardianAttestationRejected(address guardian, address enclaveKey);
    /// @dev Thrown when the attestation verifier is the zero address.
    error GuardianInvalidVerifier(address verifier);
    /// @dev Thrown when the signature blob is not a whole number of 65-byte signatures.
    error GuardianSignaturesMalformed(uint256 length);
    /// @dev Thrown when fewer valid signatures than the threshold are given (`threshold` 0 means no guardians).
    error GuardianBelowThreshold(uint256 signatures, uint256 threshold);
    /// @dev Thrown when signature `index` does not recover (malformed, high-s, or the zero address).
    error GuardianInvalidSignature(uint256 index, ECDSA.RecoverError error);
    /// @dev Thrown when the same enclave key signs twice.
    error GuardianDuplicateSigner(address signer);
    /// @dev Thrown when signers are not sorted by address, strictly ascending.
    error GuardianSignersNotSorted(address previous, address signer);
    /// @dev Thrown when a signer is not the enclave key of a current guardian.
    error GuardianUnknownSigner(address signer);
}

/// @title Events of the GuardianModule.
interface IGuardianModuleEvents {
    /// @notice Emitted when a guardian joins; `threshold` is the new threshold.
    event GuardianAdded(address indexed guardian, uint256 threshold);
    /// @notice Emitted when a guardian leaves (its enclave key stops counting); `threshold` is the new threshold.
    event GuardianRemoved(address indexed guardian, uint256 threshold);
    /// @notice Emitted when the threshold changes.
    event ThresholdSet(uint256 threshold);
    /// @notice Emitted when a guardian registers (or rotates) its attested enclave key.
    event EnclaveKeyRegistered(address indexed guardian, address indexed enclaveKey, bytes32 evidenceHash);
    /// @notice Emitted when the attestation verifier changes.
    event AttestationVerifierSet(address verifier);
}

/// @title GuardianModule: the guardian set, its threshold, and quorum signature checks.
/// @notice Every guardian has an operator EOA (its identity, which registers the enclave key) and an enclave key
/// (a secp256k1 address) held inside its enclave. Guardian authority is a quorum of enclave-key signatures over an
/// EIP-712 digest. The module checks signatures only; the contract that acts on them builds the digest with its
/// own EIP-712 domain (chain id, verifying contract) and a nonce/index/deadline, and consumes it (no replay).
interface IGuardianModule is IGuardianModuleErrors, IGuardianModuleEvents {
    /// @notice Reverts unless `signatures` (65-byte r‖s‖v each, concatenated) are at least `threshold()` valid
    /// signatures over `digest` by distinct current guardians' enclave keys, sorted by signer address strictly
    /// ascending. The zero address never counts.
    /// @return signers How many signatures were checked (all of them count).
    function verify(bytes32 digest, bytes calldata signatures) external view returns (uint256 signers);

    /// @notice Registers the caller's (a guardian's) enclave key after the attestation verifier accepts `evidence`;
    /// replaces any previous key.
    function registerEnclaveKey(address enclaveKey, bytes calldata evidence) external;

    /// @notice Adds `guardian` and sets the threshold to `newThreshold` (DAO).
    function addGuardian(address guardian, uint256 newThreshold) external;

    /// @notice Removes `guardian` (its enclave key stops counting at once) and sets `newThreshold` (DAO).
    function removeGuardian(address guardian, uint256 newThreshold) external;

    /// @notice Sets the threshold; it must be more than half of the guardians and at most all of them (DAO).
    function setThreshold(uint256 newThreshold) external;

    /// @notice Sets the attestation verifier used for future enclave-key registrations (DAO).
    function setAttestationVerifier(IAttestationVerifier verifier) external;

    /// @notice The current guardians' operator addresses.
    function guardians() external view returns (address[] memory);

    /// @notice The enclave key registered by `guardian` (zero if none).
    function enclaveKeyOf(address guardian) external view returns (address);

    /// @notice The guardian whose current enclave key is `enclaveKey` (zero if none).
    function guardianOfEnclaveKey(address enclaveKey) external view returns (address);

    /// @notice Whether `account` is a current guardian.
    function isGuardian(address account) external view returns (bool);

    /// @notice How many guardians there are (one pubkey share and one encrypted keyshare each per registration).
    function guardianCount() external view returns (uint256);

    /// @notice Signatures needed.
    function threshold() external view returns (uint256);

    /// @notice The attestation verifier.
    function attestationVerifier() external view returns (IAttestationVerifier);
}
