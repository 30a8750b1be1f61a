// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {DepositContract} from "../../../src/dev/DepositContract.sol";
import {IDepositContract} from "../../../src/interfaces/IDepositContract.sol";
import {DepositRoot} from "../../../src/lib/DepositRoot.sol";
import {DepositRootHarness} from "../../utils/OperatorFixture.sol";

contract DepositContractTest is Test {
    DepositContract internal dc;
    DepositRootHarness internal harness;

    bytes internal constant PUBKEY =
        hex"88b6b3a9b391fa5593e8bce8d06102df1a56248368086929709fbb4a8570dc6a560febeef8159b19789e9c1fd13572f0";
    bytes internal constant WC = hex"0049b6188ed20314309f617dd4030b8ddfac3c6e65759a03c226a13b2fe4cc72";
    bytes internal constant SIG =
        hex"8ac88247c1b431a2d1eb2c5f00e7b8467bc21d6dc267f1af9ef727a12e32b4299e3b289ae5734a328b3202478dd746a80bf9e15a2217240dca1fc1b91a6b7ff7a0f5830d9a2610c1c30f19912346271357c21bd9af35a74097ebbdda2ddaf491";
    bytes32 internal constant ROOT = hex"807a20b2801eabfd9065c1b74ed6ae3e991a1ab770e4eaf268f30b37cfd2cbd7";

    function setUp() public {
        dc = new DepositContract();
        harness = new DepositRootHarness();
        vm.deal(address(this), 10_000 ether);
    }

    // ---- tree ----

    function test_get_deposit_root_emptyTree() public view {
        assertEq(dc.get_deposit_root(), _referenceRoot(new bytes32[](0)));
        assertEq(dc.get_deposit_count(), hex"0000000000000000");
    }

    function test_deposit_rootMatchesHandComputedTree() public {
        bytes32[] memory leaves = new bytes32[](5);
        for (uint256 i = 0; i < leaves.length; i++) {
            bytes memory sig = abi.encodePacked(_trunc(SIG, 95), bytes1(uint8(i)));
            bytes32 leaf = harness.root(PUBKEY, bytes32(WC), sig, DepositRoot.LE_32_ETH_GWEI);
            dc.deposit{value: 32 ether}(PUBKEY, WC, sig, leaf);
            leaves[i] = leaf;
            bytes32[] memory prefix = new bytes32[](i + 1);
            for (uint256 j = 0; j <= i; j++) {
                prefix[j] = leaves[j];
            }
            assertEq(dc.get_deposit_root(), _referenceRoot(prefix), "root after deposit");
        }
        assertEq(dc.get_deposit_count(), hex"0500000000000000");
        assertEq(address(dc).balance, 5 * 32 ether);
    }

    function test_deposit_vectorRootAccepted_emitsDepositEvent() public {
        vm.expectEmit(address(dc));
        emit IDepositContract.DepositEvent(PUBKEY, WC, hex"0040597307000000", SIG, hex"0000000000000000");
        dc.deposit{value: 32 ether}(PUBKEY, WC, SIG, ROOT);
    }

    function test_deposit_oneEtherAmountLittleEndian() public {
        bytes32 leaf =
            harness.root(PUBKEY, bytes32(WC), SIG, DepositRoot.toLittleEndian64(uint64(1 ether / 1 gwei)));
        dc.deposit{value: 1 ether}(PUBKEY, WC, SIG, leaf);
        assertEq(dc.get_deposit_count(), hex"0100000000000000");
    }

    // ---- reverts ----

    function test_deposit_revertWhen_wrongRoot() public {
        vm.expectRevert(
            abi.encodeWithSelector(DepositContract.DepositRootMismatch.selector, ROOT, bytes32(uint256(1)))
        );
        dc.deposit{value: 32 ether}(PUBKEY, WC, SIG, bytes32(uint256(1)));
    }

    function test_deposit_revertWhen_pubkeyLength() public {
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositInvalidPubkeyLength.selector, 47));
        dc.deposit{value: 32 ether}(_trunc(PUBKEY, 47), WC, SIG, ROOT);
    }

    function test_deposit_revertWhen_credentialsLength() public {
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositInvalidCredentialsLength.selector, 31));
        dc.deposit{value: 32 ether}(PUBKEY, _trunc(WC, 31), SIG, ROOT);
    }

    function test_deposit_revertWhen_signatureLength() public {
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositInvalidSignatureLength.selector, 95));
        dc.deposit{value: 32 ether}(PUBKEY, WC, _trunc(SIG, 95), ROOT);
    }

    function test_deposit_revertWhen_belowOneEther() public {
        vm.expectRevert(abi.encodeWithSelector(DepositContract.DepositValueTooLow.selector, 1 ether - 1 gwei));
        dc.deposit{value: 1 ether - 1 gwei}(PUBKEY, WC, SIG, ROOT);
    }

    function test_deposit_revertWhen_notGweiMultiple() public {
        vm.expectRevert(
            abi.encodeWithSelector(DepositContract.DepositValueNotMultipleOfGwei.selector, 32 ether + 1)
        );
        dc.deposit{value: 32 ether + 1}(PUBKEY, WC, SIG, ROOT);
    }

    function test_supportsInterface() public view {
        assertTrue(dc.supportsInterface(0x01ffc9a7));
        assertTrue(dc.supportsInterface(type(IDepositContract).interfaceId));
        assertFalse(dc.supportsInterface(0xffffffff));
    }

    function _trunc(bytes memory b, uint256 n) internal pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            out[i] = b[i];
        }
    }

    // ---- reference: a full depth-32 Merkle tree over the leaves, computed level by level ----

    function _referenceRoot(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        bytes32 zero = bytes32(0);
        for (uint256 h = 0; h < 32; h++) {
            uint256 n = (level.length + 1) / 2;
            bytes32[] memory next = new bytes32[](n);
            for (uint256 i = 0; i < n; i++) {
                bytes32 left = level[2 * i];
                bytes32 right = 2 * i + 1 < level.length ? level[2 * i + 1] : zero;
                next[i] = sha256(abi.encodePacked(left, right));
            }
            level = next;
            zero = sha256(abi.encodePacked(zero, zero));
        }
        bytes32 top = level.length == 0 ? zero : level[0];
        return sha256(abi.encodePacked(top, DepositRoot.toLittleEndian64(uint64(leaves.length)), bytes24(0)));
    }
}
