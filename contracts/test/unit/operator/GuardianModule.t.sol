// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {DevAttestationVerifier} from "../../../src/dev/DevAttestationVerifier.sol";
import {IAttestationVerifier} from "../../../src/interfaces/IAttestationVerifier.sol";
import {IGuardianModuleErrors, IGuardianModuleEvents} from "../../../src/interfaces/IGuardianModule.sol";
import {OperatorFixture} from "../../utils/OperatorFixture.sol";

contract GuardianModuleTest is OperatorFixture, IGuardianModuleEvents {
    bytes32 internal constant DIGEST = keccak256("some guardian message");

    function test_setUp_guardiansAndEnclaves() public view {
        assertEq(guardianModule.guardianCount(), GUARDIAN_COUNT);
        assertEq(guardianModule.threshold(), THRESHOLD);
        for (uint256 i = 0; i < GUARDIAN_COUNT; i++) {
            address key = guardianModule.enclaveKeyOf(guardianEoas[i]);
            assertTrue(key != address(0));
            assertEq(guardianModule.guardianOfEnclaveKey(key), guardianEoas[i]);
        }
    }

    // ---- verify ----

    function test_verify_quorum() public view {
        assertEq(guardianModule.verify(DIGEST, _sign(DIGEST, THRESHOLD)), THRESHOLD);
        assertEq(guardianModule.verify(DIGEST, _sign(DIGEST, GUARDIAN_COUNT)), GUARDIAN_COUNT);
    }

    function test_verify_revertWhen_belowThreshold() public {
        vm.expectRevert(abi.encodeWithSelector(IGuardianModuleErrors.GuardianBelowThreshold.selector, 4, 5));
        guardianModule.verify(DIGEST, _sign(DIGEST, THRESHOLD - 1));
    }

    function test_verify_revertWhen_duplicateSigner() public {
        uint256[] memory keys = new uint256[](5);
        for (uint256 i = 0; i < 4; i++) {
            keys[i] = enclaveKeys[i];
        }
        keys[4] = enclaveKeys[3];
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianDuplicateSigner.selector, vm.addr(enclaveKeys[3])
            )
        );
        guardianModule.verify(DIGEST, _signWith(DIGEST, keys));
    }

    function test_verify_revertWhen_unsortedSigners() public {
        uint256[] memory keys = new uint256[](5);
        for (uint256 i = 0; i < 5; i++) {
            keys[i] = enclaveKeys[4 - i];
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianSignersNotSorted.selector, vm.addr(keys[0]), vm.addr(keys[1])
            )
        );
        guardianModule.verify(DIGEST, _signWith(DIGEST, keys));
    }

    function test_verify_revertWhen_zeroAddressSigner() public {
        // A malformed signature (r = s = 0) makes ecrecover return the zero address; it must never count.
        bytes memory sigs = abi.encodePacked(bytes32(0), bytes32(0), uint8(27), _sign(DIGEST, THRESHOLD));
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianInvalidSignature.selector,
                0,
                ECDSA.RecoverError.InvalidSignature
            )
        );
        guardianModule.verify(DIGEST, sigs);
    }

    function test_verify_revertWhen_highS() public {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(enclaveKeys[0], DIGEST);
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        bytes memory sigs = abi.encodePacked(r, bytes32(n - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        for (uint256 i = 1; i < THRESHOLD; i++) {
            (v, r, s) = vm.sign(enclaveKeys[i], DIGEST);
            sigs = abi.encodePacked(sigs, r, s, v);
        }
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianInvalidSignature.selector,
                0,
                ECDSA.RecoverError.InvalidSignatureS
            )
        );
        guardianModule.verify(DIGEST, sigs);
    }

    function test_verify_revertWhen_nonGuardianSigner() public {
        uint256[] memory keys = new uint256[](5);
        for (uint256 i = 0; i < 4; i++) {
            keys[i] = enclaveKeys[i];
        }
        keys[4] = 0xBAD;
        // Keep ascending order so the failure is the unknown signer, not the ordering.
        _sortMemory(keys);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianModuleErrors.GuardianUnknownSigner.selector, vm.addr(0xBAD))
        );
        guardianModule.verify(DIGEST, _signWith(DIGEST, keys));
    }

    function test_verify_revertWhen_guardianOperatorKeySigns() public {
        // The operator EOA is not the enclave key: it does not count.
        uint256[] memory keys = new uint256[](5);
        for (uint256 i = 0; i < 4; i++) {
            keys[i] = enclaveKeys[i];
        }
        keys[4] = 0x6000;
        _sortMemory(keys);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianModuleErrors.GuardianUnknownSigner.selector, vm.addr(0x6000))
        );
        guardianModule.verify(DIGEST, _signWith(DIGEST, keys));
    }

    function test_verify_revertWhen_malformedLength() public {
        bytes memory sigs = abi.encodePacked(_sign(DIGEST, THRESHOLD), uint8(1));
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianModuleErrors.GuardianSignaturesMalformed.selector, 326)
        );
        guardianModule.verify(DIGEST, sigs);
    }

    function test_verify_revertWhen_removedGuardianSigns() public {
        address gone = guardianModule.guardianOfEnclaveKey(vm.addr(enclaveKeys[0]));
        vm.prank(dao);
        guardianModule.removeGuardian(gone, 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianUnknownSigner.selector, vm.addr(enclaveKeys[0])
            )
        );
        guardianModule.verify(DIGEST, _sign(DIGEST, THRESHOLD));
    }

    // ---- guardian set ----

    function test_addGuardian_andThreshold() public {
        address g = makeAddr("newGuardian");
        vm.expectEmit(address(guardianModule));
        emit GuardianAdded(g, 5);
        vm.prank(dao);
        guardianModule.addGuardian(g, 5);
        assertTrue(guardianModule.isGuardian(g));
        assertEq(guardianModule.guardianCount(), 8);
    }

    function test_addGuardian_revertWhen_notDao() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this))
        );
        guardianModule.addGuardian(makeAddr("g"), 5);
    }

    function test_addGuardian_revertWhen_duplicate() public {
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianModuleErrors.GuardianInvalidGuardian.selector, guardianEoas[0])
        );
        guardianModule.addGuardian(guardianEoas[0], 5);
    }

    function test_addGuardian_revertWhen_thresholdNotMajority() public {
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IGuardianModuleErrors.GuardianInvalidThreshold.selector, 4, 8));
        guardianModule.addGuardian(makeAddr("g"), 4);
    }

    function test_setThreshold_revertWhen_outOfRange() public {
        vm.startPrank(dao);
        vm.expectRevert(abi.encodeWithSelector(IGuardianModuleErrors.GuardianInvalidThreshold.selector, 3, 7));
        guardianModule.setThreshold(3);
        vm.expectRevert(abi.encodeWithSelector(IGuardianModuleErrors.GuardianInvalidThreshold.selector, 8, 7));
        guardianModule.setThreshold(8);
        guardianModule.setThreshold(4);
        vm.stopPrank();
        assertEq(guardianModule.threshold(), 4);
    }

    function test_removeGuardian_revertWhen_notGuardian() public {
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianModuleErrors.GuardianNotAGuardian.selector, address(1))
        );
        guardianModule.removeGuardian(address(1), 5);
    }

    // ---- enclave keys ----

    function test_registerEnclaveKey_rotatesKey() public {
        address oldKey = guardianModule.enclaveKeyOf(guardianEoas[0]);
        address newKey = vm.addr(0xE999);
        _registerEnclave(guardianEoas[0], newKey);
        assertEq(guardianModule.enclaveKeyOf(guardianEoas[0]), newKey);
        assertEq(guardianModule.guardianOfEnclaveKey(oldKey), address(0));
        assertEq(guardianModule.guardianOfEnclaveKey(newKey), guardianEoas[0]);
    }

    function test_registerEnclaveKey_revertWhen_notGuardian() public {
        vm.prank(noOp);
        vm.expectRevert(abi.encodeWithSelector(IGuardianModuleErrors.GuardianNotAGuardian.selector, noOp));
        guardianModule.registerEnclaveKey(vm.addr(0xE999), "");
    }

    function test_registerEnclaveKey_revertWhen_keyTaken() public {
        address taken = vm.addr(enclaveKeys[0]);
        vm.prank(guardianEoas[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianModuleErrors.GuardianInvalidEnclaveKey.selector, taken)
        );
        guardianModule.registerEnclaveKey(taken, "");
    }

    function test_registerEnclaveKey_revertWhen_attestationSignedByStranger() public {
        address enclave = vm.addr(0xE999);
        bytes memory report = "fake";
        DevAttestationVerifier verifier = DevAttestationVerifier(address(d.attestationVerifier));
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(0xBAD, verifier.attestationDigest(guardianEoas[0], enclave, keccak256(report)));
        vm.prank(guardianEoas[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianAttestationRejected.selector, guardianEoas[0], enclave
            )
        );
        guardianModule.registerEnclaveKey(enclave, abi.encode(report, abi.encodePacked(r, s, v)));
    }

    function test_registerEnclaveKey_revertWhen_evidenceUndecodable() public {
        address enclave = vm.addr(0xE999);
        vm.prank(guardianEoas[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianAttestationRejected.selector, guardianEoas[0], enclave
            )
        );
        guardianModule.registerEnclaveKey(enclave, hex"deadbeef");
    }

    function test_setAttestationVerifier_revertWhen_zero() public {
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IGuardianModuleErrors.GuardianInvalidVerifier.selector, address(0))
        );
        guardianModule.setAttestationVerifier(IAttestationVerifier(address(0)));
    }

    function _sortMemory(uint256[] memory keys) internal pure {
        for (uint256 i = 1; i < keys.length; i++) {
            for (uint256 j = i; j > 0 && vm.addr(keys[j]) < vm.addr(keys[j - 1]); j--) {
                (keys[j], keys[j - 1]) = (keys[j - 1], keys[j]);
            }
        }
    }
}
