// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGuardianModuleErrors} from "../../../src/interfaces/IGuardianModule.sol";
import {IPufferProtocolErrors, IPufferProtocolEvents} from "../../../src/interfaces/IPufferProtocol.sol";
import {OperatorFixture} from "../../utils/OperatorFixture.sol";

/// @notice Queues: stopRegistration, skipProvisioning, dead entries at the head, advanceQueue.
contract PufferProtocolQueueTest is OperatorFixture, IPufferProtocolEvents {
    function test_stopRegistration_returnsBondKeepsCommitment() public {
        uint256 id = _register(noOp, NR);
        uint256 shares = protocol.validator(id).bondShares;
        uint256 assetsBefore = pool.totalAssets();
        vm.expectEmit(address(protocol));
        emit RegistrationStopped(id, shares);
        vm.prank(noOp);
        protocol.stopRegistration(id);
        assertEq(pool.balanceOf(noOp), shares, "bond back as pufETH");
        assertEq(pool.balanceOf(address(protocol)), 0);
        assertEq(pool.totalAssets(), assetsBefore, "the commitment stays with the pool");
        Validator memory v = protocol.validator(id);
        assertEq(uint8(v.status), uint8(ValidatorStatus.STOPPED));
        assertEq(v.bondShares, 0);
        assertEq(protocol.strategy(NR).pending, 0);
        assertEq(protocol.strategy(NR).queueHead, 1, "the head moved past the stopped entry");
    }

    function test_stopRegistration_revertWhen_notOwner() public {
        uint256 id = _register(noOp, NR);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolNotValidatorOwner.selector, id, address(this)
            )
        );
        protocol.stopRegistration(id);
    }

    function test_stopRegistration_revertWhen_provisioned() public {
        _fundPool(1);
        uint256 id = _register(noOp, NR);
        _provisionNext();
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidStatus.selector, id, ValidatorStatus.PROVISIONED
            )
        );
        protocol.stopRegistration(id);
    }

    function test_skipProvisioning_returnsBondOnce() public {
        uint256 id = _register(noOp, NR);
        uint256 shares = protocol.validator(id).bondShares;
        _skip(id);
        assertEq(pool.balanceOf(noOp), shares);
        assertEq(uint8(protocol.validator(id).status), uint8(ValidatorStatus.SKIPPED));
        assertEq(protocol.strategy(NR).pending, 0);
    }

    function test_skipProvisioning_revertWhen_doubleSkip() public {
        uint256 id = _register(noOp, NR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.skipDigest(id, deadline), THRESHOLD);
        protocol.skipProvisioning(id, deadline, sigs);
        uint256 balance = pool.balanceOf(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidStatus.selector, id, ValidatorStatus.SKIPPED
            )
        );
        protocol.skipProvisioning(id, deadline, sigs);
        assertEq(pool.balanceOf(noOp), balance, "no second refund");
    }

    function test_skipProvisioning_revertWhen_stoppedBefore() public {
        uint256 id = _register(noOp, NR);
        vm.prank(noOp);
        protocol.stopRegistration(id);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.skipDigest(id, deadline), THRESHOLD);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidStatus.selector, id, ValidatorStatus.STOPPED
            )
        );
        protocol.skipProvisioning(id, deadline, sigs);
    }

    function test_stopRegistration_revertWhen_skippedBefore() public {
        uint256 id = _register(noOp, NR);
        _skip(id);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidStatus.selector, id, ValidatorStatus.SKIPPED
            )
        );
        protocol.stopRegistration(id);
    }

    function test_skipProvisioning_revertWhen_expired() public {
        uint256 id = _register(noOp, NR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.skipDigest(id, deadline), THRESHOLD);
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolSignatureExpired.selector, deadline, deadline + 1
            )
        );
        protocol.skipProvisioning(id, deadline, sigs);
    }

    function test_skipProvisioning_revertWhen_belowThreshold() public {
        uint256 id = _register(noOp, NR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.skipDigest(id, deadline), THRESHOLD - 1);
        vm.expectRevert(abi.encodeWithSelector(IGuardianModuleErrors.GuardianBelowThreshold.selector, 4, 5));
        protocol.skipProvisioning(id, deadline, sigs);
    }

    function test_skipProvisioning_revertWhen_signedForAnotherValidator() public {
        uint256 id = _register(noOp, NR);
        uint256 other = _register(noOp, NR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.skipDigest(other, deadline), THRESHOLD);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        protocol.skipProvisioning(id, deadline, sigs);
    }

    function test_skipProvisioning_revertWhen_sameRecipeDifferentDeadline() public {
        uint256 id = _register(noOp, NR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.skipDigest(id, deadline), THRESHOLD);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        protocol.skipProvisioning(id, deadline + 1, sigs);
    }

    // ---- dead entries never block the head ----

    function test_provision_skipsStoppedAndSkippedEntries() public {
        _fundPool(2);
        uint256 a = _register(noOp, NR);
        uint256 b = _register(noOp, NR);
        uint256 c = _register(noOp, NR);
        uint256 e = _register(noOp, NR);
        // Stop a middle entry and skip one: the head passes them when it gets there.
        vm.prank(noOp);
        protocol.stopRegistration(b);
        _skip(c);
        assertEq(_provisionNext(), a);
        assertEq(_provisionNext(), e);
        assertEq(protocol.strategy(NR).queueHead, 4);
        assertEq(protocol.strategy(NR).pending, 0);
    }

    function test_advanceQueue_clearsLongDeadRuns() public {
        _fundPool(1);
        uint256 first = _register(noOp, NR);
        uint256 n = 70; // more than MAX_QUEUE_SKIPS (64)
        for (uint256 i = 0; i < n; i++) {
            _register(noOp, NR);
        }
        uint256 live = _register(noOp, NR);
        for (uint256 i = 1; i <= n; i++) {
            vm.prank(noOp);
            protocol.stopRegistration(i);
        }
        assertEq(_provisionNext(), first);
        // 70 dead entries now sit at the head: one pick passes at most 64, so anyone clears them first.
        bytes32 root = depositContract.get_deposit_root();
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolQueueHeadBlocked.selector, NR, 65)
        );
        protocol.nextValidators(1);
        protocol.advanceQueue(NR, 50);
        assertEq(protocol.strategy(NR).queueHead, 51);
        _fundPool(1);
        assertEq(_provisionNext(), live);
        root;
    }

    function test_advanceQueue_revertWhen_unknownStrategy() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownStrategy.selector, bytes32("X"))
        );
        protocol.advanceQueue("X", 1);
    }
}

/// @notice Replay of the skip and batch-provisioning messages on another chain or contract (DESIGN §6).
contract PufferProtocolReplayTest is OperatorFixture {
    function test_skipProvisioning_revertWhen_replayedOnOtherChain() public {
        uint256 id = _register(noOp, NR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.skipDigest(id, deadline), THRESHOLD);
        vm.chainId(block.chainid + 1);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        protocol.skipProvisioning(id, deadline, sigs);
    }

    function test_skipProvisioning_revertWhen_signedForOtherContract() public {
        uint256 id = _register(noOp, NR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(keccak256("SkipProvisioning(uint256 validatorId,uint256 deadline)"), id, deadline)
        );
        bytes32 otherDomain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("PufferProtocol"),
                keccak256("1"),
                block.chainid,
                address(0xBEEF)
            )
        );
        bytes memory sigs = _sign(keccak256(abi.encodePacked("\x19\x01", otherDomain, structHash)), THRESHOLD);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        protocol.skipProvisioning(id, deadline, sigs);
    }

    function test_provisionNodes_revertWhen_replayedOnOtherChain() public {
        _fundPool(2);
        _register(noOp, NR);
        _register(noOp, NR);
        uint256[] memory ids = protocol.nextValidators(2);
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(_batchDigest(ids, root, deadline), THRESHOLD);
        ValidatorKey[] memory keys = new ValidatorKey[](2);
        keys[0] = keyOf[ids[0]];
        keys[1] = keyOf[ids[1]];
        vm.chainId(block.chainid + 1);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        protocol.provisionNodes(keys, root, deadline, sigs);
    }

    function test_provisionNodes_revertWhen_batchApprovalReplayed() public {
        _fundPool(4);
        for (uint256 i = 0; i < 4; i++) {
            _register(noOp, NR);
        }
        uint256[] memory ids = protocol.nextValidators(2);
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(_batchDigest(ids, root, deadline), THRESHOLD);
        ValidatorKey[] memory keys = new ValidatorKey[](2);
        keys[0] = keyOf[ids[0]];
        keys[1] = keyOf[ids[1]];
        protocol.provisionNodes(keys, root, deadline, sigs);
        // Same approval again: the root moved and the signed ids are consumed.
        bytes32 current = depositContract.get_deposit_root();
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolDepositRootChanged.selector, root, current)
        );
        protocol.provisionNodes(keys, root, deadline, sigs);
        assertEq(pool.lockedETH(), 64 ether);
    }
}
