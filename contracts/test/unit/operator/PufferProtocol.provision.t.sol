// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {IGuardianModuleErrors} from "../../../src/interfaces/IGuardianModule.sol";
import {IPufferPoolErrors} from "../../../src/interfaces/IPufferPool.sol";
import {IPufferProtocolErrors, IPufferProtocolEvents} from "../../../src/interfaces/IPufferProtocol.sol";
import {IPufferStrategy} from "../../../src/interfaces/IPufferStrategy.sol";
import {DepositRoot} from "../../../src/lib/DepositRoot.sol";
import {OperatorFixture} from "../../utils/OperatorFixture.sol";

/// @notice provisionNode / provisionNodes, including the DESIGN §6 guardian-message pitfalls.
contract PufferProtocolProvisionTest is OperatorFixture, IPufferProtocolEvents {
    uint256 internal id;
    bytes32 internal root;
    uint256 internal deadline;

    function setUp() public override {
        super.setUp();
        _fundPool(3);
        id = _register(noOp, NR);
        root = depositContract.get_deposit_root();
        deadline = block.timestamp + 1 hours;
    }

    function _provision(bytes memory sigs) internal returns (uint256) {
        return protocol.provisionNode(keyOf[id].pubkey, keyOf[id].signature, root, deadline, sigs);
    }

    function _goodSigs() internal view returns (bytes memory) {
        return _sign(_provisionDigest(id, root, deadline), THRESHOLD);
    }

    function test_provisionNode_stakesThroughTheStrategyPod() public {
        IPufferStrategy strategy = IPufferStrategy(protocol.strategy(NR).strategy);
        bytes32 credentials = strategy.withdrawalCredentials();
        assertEq(credentials, DepositRoot.withdrawalCredentials(address(strategy.eigenPod())));
        bytes32 expectedRoot =
            rootHarness.root(keyOf[id].pubkey, credentials, keyOf[id].signature, DepositRoot.LE_32_ETH_GWEI);
        uint256 lockedBefore = pool.lockedETH();

        vm.expectEmit(address(protocol));
        emit ValidatorProvisioned(id, NR, keccak256(keyOf[id].pubkey), expectedRoot);
        assertEq(_provision(_goodSigs()), id);

        assertEq(uint8(protocol.validator(id).status), uint8(ValidatorStatus.PROVISIONED));
        assertEq(pool.lockedETH() - lockedBefore, 32 ether);
        assertEq(address(depositContract).balance, 32 ether);
        assertEq(depositContract.get_deposit_count(), hex"0100000000000000");
        assertEq(
            address(protocol).balance,
            protocol.parameters().accruedTreasuryWei + protocol.parameters().accruedGuardianWei
        );
        assertEq(protocol.strategy(NR).pending, 0);
    }

    function test_provisionNodes_batch() public {
        _register(noOp, NR);
        _register(noOp, NR);
        uint256[] memory ids = _provisionBatch(3);
        assertEq(ids.length, 3);
        assertEq(address(depositContract).balance, 96 ether);
        assertEq(pool.lockedETH(), 96 ether);
        for (uint256 i = 0; i < 3; i++) {
            assertEq(uint8(protocol.validator(ids[i]).status), uint8(ValidatorStatus.PROVISIONED));
        }
    }

    function test_provisionNodes_revertWhen_emptyOrTooLarge() public {
        ValidatorKey[] memory keys = new ValidatorKey[](0);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolInvalidBatch.selector, 0, 32));
        protocol.provisionNodes(keys, root, deadline, "");
        keys = new ValidatorKey[](33);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolInvalidBatch.selector, 33, 32));
        protocol.provisionNodes(keys, root, deadline, "");
    }

    function test_provisionNodes_revertWhen_signedForOtherOrder() public {
        uint256 second = _register(noOp, NR);
        uint256[] memory ids = new uint256[](2);
        ids[0] = second;
        ids[1] = id;
        bytes memory sigs = _sign(_batchDigest(ids, root, deadline), THRESHOLD);
        ValidatorKey[] memory keys = new ValidatorKey[](2);
        keys[0] = keyOf[id];
        keys[1] = keyOf[second];
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        protocol.provisionNodes(keys, root, deadline, sigs);
    }

    // ---- bad input ----

    function test_provisionNode_revertWhen_keyMismatch() public {
        bytes memory otherSig = abi.encodePacked(keyOf[id].signature);
        otherSig[0] = bytes1(uint8(otherSig[0]) ^ 1);
        bytes memory sigs = _goodSigs();
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolKeyMismatch.selector, id));
        protocol.provisionNode(keyOf[id].pubkey, otherSig, root, deadline, sigs);
    }

    function test_provisionNode_revertWhen_lengthsShifted() public {
        // pubkey ‖ signature concatenate to the same bytes, split differently: rejected by the length check.
        bytes memory pk = keyOf[id].pubkey;
        bytes memory sig = keyOf[id].signature;
        bytes memory pk47 = new bytes(47);
        for (uint256 i = 0; i < 47; i++) {
            pk47[i] = pk[i];
        }
        bytes memory sig97 = abi.encodePacked(pk[47], sig);
        bytes memory sigs = _goodSigs();
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidLength.selector, bytes32("pubkey"), 47, 48
            )
        );
        protocol.provisionNode(pk47, sig97, root, deadline, sigs);
    }

    function test_provisionNode_revertWhen_noPendingValidator() public {
        _provision(_goodSigs());
        bytes32 r = depositContract.get_deposit_root();
        vm.expectRevert(IPufferProtocolErrors.ProtocolNoValidatorToProvision.selector);
        protocol.provisionNode(keyOf[id].pubkey, keyOf[id].signature, r, deadline, "");
    }

    function test_provisionNode_revertWhen_poolLacksETH() public {
        // Drain the pool's free ETH by provisioning two more validators first.
        _register(noOp, NR);
        _register(noOp, NR);
        _provisionBatch(3);
        uint256 next = _register(noOp, NR);
        bytes32 r = depositContract.get_deposit_root();
        bytes memory sigs = _sign(_provisionDigest(next, r, deadline), THRESHOLD);
        uint256 available = pool.availableETH();
        vm.expectRevert(
            abi.encodeWithSelector(IPufferPoolErrors.PoolInsufficientETH.selector, available, 32 ether)
        );
        protocol.provisionNode(keyOf[next].pubkey, keyOf[next].signature, r, deadline, sigs);
    }

    function test_provisionNode_revertWhen_expired() public {
        bytes memory sigs = _goodSigs();
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolSignatureExpired.selector, deadline, deadline + 1
            )
        );
        _provision(sigs);
    }

    // ---- DESIGN §6: guardian messages ----

    function test_provisionNode_revertWhen_replayedOnOtherChain() public {
        bytes memory sigs = _goodSigs();
        vm.chainId(block.chainid + 1);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        _provision(sigs);
    }

    function test_provisionNode_revertWhen_signedForOtherContract() public {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "ProvisionNode(uint256 validatorId,bytes32 pubkeyHash,bytes32 depositRoot,uint256 deadline)"
                ),
                id,
                keccak256(keyOf[id].pubkey),
                root,
                deadline
            )
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
        bytes memory sigs = _sign(MessageHashUtils.toTypedDataHash(otherDomain, structHash), THRESHOLD);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        _provision(sigs);
        // The same message under this contract's domain is accepted.
        assertEq(
            MessageHashUtils.toTypedDataHash(protocol.domainSeparator(), structHash),
            _provisionDigest(id, root, deadline)
        );
    }

    function test_provisionNode_revertWhen_oldIndexReplayed() public {
        _provision(_goodSigs());
        // An approval for the consumed index (even over the fresh deposit root) cannot provision again: the
        // contract picks the next index itself, and the signed index no longer matches.
        uint256 next = _register(noOp, NR);
        bytes32 r = depositContract.get_deposit_root();
        bytes memory sigs = _sign(_provisionDigest(id, r, deadline), THRESHOLD);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        protocol.provisionNode(keyOf[next].pubkey, keyOf[next].signature, r, deadline, sigs);
        assertEq(uint8(protocol.validator(next).status), uint8(ValidatorStatus.PENDING));
    }

    function test_provisionNode_revertWhen_belowThreshold() public {
        bytes memory sigs = _sign(_provisionDigest(id, root, deadline), THRESHOLD - 1);
        vm.expectRevert(abi.encodeWithSelector(IGuardianModuleErrors.GuardianBelowThreshold.selector, 4, 5));
        _provision(sigs);
    }

    function test_provisionNode_revertWhen_duplicateSigner() public {
        bytes32 digest = _provisionDigest(id, root, deadline);
        uint256[] memory keys = new uint256[](5);
        for (uint256 i = 0; i < 4; i++) {
            keys[i] = enclaveKeys[i];
        }
        keys[4] = enclaveKeys[3];
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianDuplicateSigner.selector);
        _provision(_signWith(digest, keys));
    }

    function test_provisionNode_revertWhen_unsortedSigners() public {
        bytes32 digest = _provisionDigest(id, root, deadline);
        uint256[] memory keys = new uint256[](5);
        for (uint256 i = 0; i < 5; i++) {
            keys[i] = enclaveKeys[4 - i];
        }
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianSignersNotSorted.selector);
        _provision(_signWith(digest, keys));
    }

    function test_provisionNode_revertWhen_zeroAddressSigner() public {
        bytes memory sigs = abi.encodePacked(bytes32(0), bytes32(0), uint8(27), _goodSigs());
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianInvalidSignature.selector);
        _provision(sigs);
    }

    function test_provisionNode_revertWhen_nonGuardianSigner() public {
        bytes32 digest = _provisionDigest(id, root, deadline);
        uint256[] memory keys = new uint256[](5);
        for (uint256 i = 0; i < 5; i++) {
            keys[i] = 0xBAD0 + i;
        }
        _sortMem(keys);
        vm.expectPartialRevert(IGuardianModuleErrors.GuardianUnknownSigner.selector);
        _provision(_signWith(digest, keys));
    }

    function test_provisionNode_revertWhen_depositRootChangedAfterSigning() public {
        // Deposit front-running: after the guardians sign, the NoOp deposits 1 ETH for the same pubkey with its own
        // withdrawal credentials. The root moves, and the approval is void.
        bytes memory sigs = _goodSigs();
        bytes memory ownCredentials = abi.encodePacked(bytes1(0x01), bytes11(0), noOp);
        bytes32 frontRoot = rootHarness.root(
            keyOf[id].pubkey,
            bytes32(ownCredentials),
            keyOf[id].signature,
            DepositRoot.toLittleEndian64(uint64(1 ether / 1 gwei))
        );
        vm.prank(noOp);
        depositContract.deposit{value: 1 ether}(
            keyOf[id].pubkey, ownCredentials, keyOf[id].signature, frontRoot
        );
        bytes32 current = depositContract.get_deposit_root();
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolDepositRootChanged.selector, root, current)
        );
        _provision(sigs);
        assertEq(pool.lockedETH(), 0, "no pool ETH moved");
    }

    function test_provisionNode_revertWhen_provisionedTwice() public {
        bytes memory sigs = _goodSigs();
        _provision(sigs);
        bytes32 r = depositContract.get_deposit_root();
        bytes memory again = _sign(_provisionDigest(id, r, deadline), THRESHOLD);
        vm.expectRevert(IPufferProtocolErrors.ProtocolNoValidatorToProvision.selector);
        protocol.provisionNode(keyOf[id].pubkey, keyOf[id].signature, r, deadline, again);
        assertEq(pool.lockedETH(), 32 ether, "provisioned once");
    }

    function _sortMem(uint256[] memory keys) internal pure {
        for (uint256 i = 1; i < keys.length; i++) {
            for (uint256 j = i; j > 0 && vm.addr(keys[j]) < vm.addr(keys[j - 1]); j--) {
                (keys[j], keys[j - 1]) = (keys[j - 1], keys[j]);
            }
        }
    }
}
