// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {IAttestationVerifier} from "./interfaces/IAttestationVerifier.sol";
import {IGuardianModule} from "./interfaces/IGuardianModule.sol";

/// @title GuardianModule
/// @notice Keeps the guardian set (operator EOAs), their attested enclave keys and the signature threshold, and
/// checks quorum signatures for the rest of the protocol.
/// @dev Signature rules (DESIGN §6): each signature is recovered with `ECDSA.tryRecover` (rejects malformed and
/// high-s signatures and the zero address); signers must be strictly ascending (so distinct); each must be the
/// enclave key of a current guardian; at least `threshold` of them. Replay protection is the caller's job: it hashes
/// its own EIP-712 domain (chain id + verifying contract) with an index/nonce and a deadline, and consumes the
/// index. Removing a guardian or rotating its key deletes the old key's entry, so it stops counting at once.
/// Loops run over the signatures given (each must be valid, so at most MAX_GUARDIANS) and, for `guardians()` and
/// removal, over the bounded guardian set.
contract GuardianModule is IGuardianModule, AccessManaged {
    /// @notice Most guardians the set may hold (bounds every loop over the set).
    uint256 public constant MAX_GUARDIANS = 16;

    uint256 private constant _SIGNATURE_BYTES = 65;

    address[] private _guardians;
    mapping(address guardian => address enclaveKey) private _enclaveKeyOf;
    mapping(address enclaveKey => address guardian) private _guardianOfEnclaveKey;
    uint256 private _threshold;
    IAttestationVerifier private _verifier;

    /// @param authority The AccessManager governing the DAO functions.
    /// @param verifier The attestation verifier for enclave keys.
    /// @param initialGuardians The first guardian set (may be empty: then nothing verifies until the DAO adds some).
    /// @param initialThreshold More than half of `initialGuardians` (0 for an empty set).
    constructor(
        address authority,
        IAttestationVerifier verifier,
        address[] memory initialGuardians,
        uint256 initialThreshold
    ) AccessManaged(authority) {
        _setVerifier(verifier);
        for (uint256 i = 0; i < initialGuardians.length; i++) {
            _add(initialGuardians[i]);
        }
        if (initialGuardians.length != 0 || initialThreshold != 0) _setThreshold(initialThreshold);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Verification
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGuardianModule
    function verify(bytes32 digest, bytes calldata signatures) external view returns (uint256 signers) {
        if (signatures.length % _SIGNATURE_BYTES != 0) revert GuardianSignaturesMalformed(signatures.length);
        signers = signatures.length / _SIGNATURE_BYTES; // exact: checked just above
        uint256 threshold_ = _threshold;
        if (threshold_ == 0 || signers < threshold_) revert GuardianBelowThreshold(signers, threshold_);
        address previous = address(0);
        for (uint256 i = 0; i < signers; i++) {
            address signer = _recover(digest, signatures, i);
            if (signer == previous) revert GuardianDuplicateSigner(signer);
            if (signer < previous) revert GuardianSignersNotSorted(previous, signer);
            if (_guardianOfEnclaveKey[signer] == address(0)) revert GuardianUnknownSigner(signer);
            previous = signer;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Guardians
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGuardianModule
    function registerEnclaveKey(address enclaveKey, bytes calldata evidence) external {
        if (!isGuardian(msg.sender)) revert GuardianNotAGuardian(msg.sender);
        if (enclaveKey == address(0) || _guardianOfEnclaveKey[enclaveKey] != address(0)) {
            revert GuardianInvalidEnclaveKey(enclaveKey);
        }
        // A verifier that reverts (e.g. on evidence it cannot decode) rejects, like one that returns false.
        bool accepted;
        try _verifier.verifyAttestation(msg.sender, enclaveKey, evidence) returns (bool ok) {
            accepted = ok;
        } catch {
            accepted = false;
        }
        if (!accepted) revert GuardianAttestationRejected(msg.sender, enclaveKey);
        address old = _enclaveKeyOf[msg.sender];
        if (old != address(0)) delete _guardianOfEnclaveKey[old];
        _enclaveKeyOf[msg.sender] = enclaveKey;
        _guardianOfEnclaveKey[enclaveKey] = msg.sender;
        emit EnclaveKeyRegistered(msg.sender, enclaveKey, keccak256(evidence));
    }

    /// @inheritdoc IGuardianModule
    function addGuardian(address guardian, uint256 newThreshold) external restricted {
        _add(guardian);
        _setThreshold(newThreshold);
        emit GuardianAdded(guardian, newThreshold);
    }

    /// @inheritdoc IGuardianModule
    function removeGuardian(address guardian, uint256 newThreshold) external restricted {
        uint256 n = _guardians.length;
        uint256 i = 0;
        while (i < n && _guardians[i] != guardian) i++;
        if (i == n) revert GuardianNotAGuardian(guardian);
        _guardians[i] = _guardians[n - 1];
        _guardians.pop();
        address key = _enclaveKeyOf[guardian];
        if (key != address(0)) delete _guardianOfEnclaveKey[key];
        delete _enclaveKeyOf[guardian];
        _setThreshold(newThreshold);
        emit GuardianRemoved(guardian, newThreshold);
    }

    /// @inheritdoc IGuardianModule
    function setThreshold(uint256 newThreshold) external restricted {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc IGuardianModule
    function setAttestationVerifier(IAttestationVerifier verifier) external restricted {
        _setVerifier(verifier);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IGuardianModule
    function guardians() external view returns (address[] memory) {
        return _guardians;
    }

    /// @inheritdoc IGuardianModule
    function enclaveKeyOf(address guardian) external view returns (address) {
        return _enclaveKeyOf[guardian];
    }

    /// @inheritdoc IGuardianModule
    function guardianOfEnclaveKey(address enclaveKey) external view returns (address) {
        return _guardianOfEnclaveKey[enclaveKey];
    }

    /// @inheritdoc IGuardianModule
    function isGuardian(address account) public view returns (bool) {
        uint256 n = _guardians.length;
        for (uint256 i = 0; i < n; i++) {
            if (_guardians[i] == account) return true;
        }
        return false;
    }

    /// @inheritdoc IGuardianModule
    function guardianCount() external view returns (uint256) {
        return _guardians.length;
    }

    /// @inheritdoc IGuardianModule
    function threshold() external view returns (uint256) {
        return _threshold;
    }

    /// @inheritdoc IGuardianModule
    function attestationVerifier() external view returns (IAttestationVerifier) {
        return _verifier;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    function _add(address guardian) private {
        if (guardian == address(0) || isGuardian(guardian)) revert GuardianInvalidGuardian(guardian);
        if (_guardians.length >= MAX_GUARDIANS) revert GuardianTooMany(_guardians.length + 1, MAX_GUARDIANS);
        _guardians.push(guardian);
    }

    /// @dev More than half: `2 * t > n`, and at most all of them.
    function _setThreshold(uint256 newThreshold) private {
        uint256 n = _guardians.length;
        if (newThreshold * 2 <= n || newThreshold > n) revert GuardianInvalidThreshold(newThreshold, n);
        _threshold = newThreshold;
        emit ThresholdSet(newThreshold);
    }

    function _setVerifier(IAttestationVerifier verifier) private {
        if (address(verifier) == address(0)) revert GuardianInvalidVerifier(address(verifier));
        _verifier = verifier;
        emit AttestationVerifierSet(address(verifier));
    }

    /// @dev Recovers signature `index` of the packed blob; any recovery error (including the zero address, which
    /// `tryRecover` reports as `InvalidSignature`) reverts.
    function _recover(bytes32 digest, bytes calldata signatures, uint256 index)
        private
        pure
        returns (address)
    {
        uint256 offset = index * _SIGNATURE_BYTES;
        bytes32 r = bytes32(signatures[offset:offset + 32]);
        bytes32 s = bytes32(signatures[offset + 32:offset + 64]);
        uint8 v = uint8(signatures[offset + 64]);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
        if (err != ECDSA.RecoverError.NoError) revert GuardianInvalidSignature(index, err);
        return signer;
    }
}
