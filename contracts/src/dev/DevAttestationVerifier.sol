// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";

/// @title Development attestation verifier. NEVER deployed to production.
/// @notice SGX/TDX attestation is NOT verified here. A governance-set attestation signer vouches for an enclave key
/// by signing `(chain id, this verifier, guardian, enclaveKey, evidenceHash)` with EIP-191 (`personal_sign`).
/// `evidence` is `abi.encode(bytes report, bytes signature)` and `evidenceHash = keccak256(report)`; the report is
/// whatever the enclave produced (a sealed-enclave description on the devnet). A production verifier would check
/// a DCAP quote whose report data commits to `enclaveKey` instead.
contract DevAttestationVerifier is IAttestationVerifier, AccessManaged {
    /// @notice Emitted when the attestation signer changes.
    event AttestationSignerSet(address signer);

    address private _signer;

    /// @param authority The AccessManager (the signer setter is a DAO function).
    /// @param signer The attestation signer.
    constructor(address authority, address signer) AccessManaged(authority) {
        _signer = signer;
        emit AttestationSignerSet(signer);
    }

    /// @inheritdoc IAttestationVerifier
    function verifyAttestation(address guardian, address enclaveKey, bytes calldata evidence)
        external
        view
        returns (bool)
    {
        if (evidence.length < 128) return false;
        (bytes memory report, bytes memory signature) = abi.decode(evidence, (bytes, bytes));
        (address recovered, ECDSA.RecoverError err,) =
            ECDSA.tryRecover(attestationDigest(guardian, enclaveKey, keccak256(report)), signature);
        return err == ECDSA.RecoverError.NoError && recovered == _signer && recovered != address(0);
    }

    /// @notice The digest the attestation signer signs for `(guardian, enclaveKey, evidenceHash)`.
    function attestationDigest(address guardian, address enclaveKey, bytes32 evidenceHash)
        public
        view
        returns (bytes32)
    {
        return MessageHashUtils.toEthSignedMessageHash(
            keccak256(abi.encode(block.chainid, address(this), guardian, enclaveKey, evidenceHash))
        );
    }

    /// @notice The attestation signer.
    function attestationSigner() external view returns (address) {
        return _signer;
    }

    /// @notice Sets the attestation signer (DAO).
    function setAttestationSigner(address signer) external restricted {
        _signer = signer;
        emit AttestationSignerSet(signer);
    }
}
