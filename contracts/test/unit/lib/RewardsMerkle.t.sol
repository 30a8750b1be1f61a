// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {RewardsMerkle} from "../../../src/lib/RewardsMerkle.sol";

contract RewardsMerkleHarness {
    function verify(
        bytes32 root,
        bytes32[] calldata proof,
        address strategy,
        uint256 spurt,
        address node,
        uint256 amt
    ) external pure returns (bool) {
        return RewardsMerkle.verify(root, proof, strategy, spurt, node, amt);
    }
}

contract RewardsMerkleTest is Test {
    RewardsMerkleHarness internal h = new RewardsMerkleHarness();
    address internal strategy = makeAddr("strategy");
    address internal otherStrategy = makeAddr("otherStrategy");
    address internal nodeA = makeAddr("nodeA");
    address internal nodeB = makeAddr("nodeB");
    address internal nodeC = makeAddr("nodeC");

    function _pair(bytes32 x, bytes32 y) internal pure returns (bytes32) {
        return x < y ? keccak256(abi.encode(x, y)) : keccak256(abi.encode(y, x));
    }

    function test_verify_acceptsEachLeafOfATwoLeafTree() public view {
        bytes32 a = RewardsMerkle.leaf(strategy, 3, nodeA, 1 ether);
        bytes32 b = RewardsMerkle.leaf(strategy, 3, nodeB, 2 ether);
        bytes32 root = _pair(a, b);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = b;
        assertTrue(h.verify(root, proof, strategy, 3, nodeA, 1 ether));
        proof[0] = a;
        assertTrue(h.verify(root, proof, strategy, 3, nodeB, 2 ether));
    }

    function test_verify_rejectsAnotherStrategySpurtNodeOrAmount() public view {
        bytes32 a = RewardsMerkle.leaf(strategy, 3, nodeA, 1 ether);
        bytes32 b = RewardsMerkle.leaf(strategy, 3, nodeB, 2 ether);
        bytes32 root = _pair(a, b);
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = b;
        assertFalse(
            h.verify(root, proof, otherStrategy, 3, nodeA, 1 ether), "proof valid for another strategy"
        );
        assertFalse(h.verify(root, proof, strategy, 4, nodeA, 1 ether), "proof valid for another spurt");
        assertFalse(h.verify(root, proof, strategy, 3, nodeB, 1 ether), "proof valid for another node");
        assertFalse(h.verify(root, proof, strategy, 3, nodeA, 1 ether + 1), "proof valid for another amount");
    }

    function test_verify_rejectsAnInnerNodeAsALeaf() public view {
        bytes32 a = RewardsMerkle.leaf(strategy, 3, nodeA, 1 ether);
        bytes32 b = RewardsMerkle.leaf(strategy, 3, nodeB, 2 ether);
        bytes32 c = RewardsMerkle.leaf(strategy, 3, nodeC, 3 ether);
        bytes32 ab = _pair(a, b);
        bytes32 root = _pair(ab, c);
        // An attacker presents the inner node (a, b) as if it were a single leaf: the double hash refuses it.
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = c;
        (address fakeStrategy, uint256 fakeSpurt) = (address(uint160(uint256(a))), uint256(b));
        assertFalse(h.verify(root, proof, fakeStrategy, fakeSpurt, address(0), 0));
    }
}
