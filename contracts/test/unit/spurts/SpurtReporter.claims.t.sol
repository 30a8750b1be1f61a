// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPufferStrategyErrors} from "../../../src/interfaces/IPufferStrategy.sol";
import {SpurtFixture, TestMerkle} from "../../utils/SpurtFixture.sol";

/// @notice PufferStrategy.claim: once per leaf, bound to strategy, spurt, node and amount.
contract SpurtClaimsTest is SpurtFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    bytes32[] internal leaves;

    function setUp() public override {
        super.setUp();
        // Partial withdrawals (consensus rewards) in both pods.
        vm.deal(address(nrStrategy.eigenPod()), 3 ether);
        vm.deal(address(daStrategy.eigenPod()), 3 ether);
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        address[] memory nodes = new address[](2);
        nodes[0] = alice;
        nodes[1] = bob;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 1 ether;
        amounts[1] = 2 ether;
        leaves = _claimLeaves(address(nrStrategy), 0, nodes, amounts);
        r.strategies[0].claimsRoot = TestMerkle.root(leaves);
        r.strategies[0].claimsWei = 3 ether;
        _post(r);
    }

    function test_claim_paysOnceEachLeaf() public {
        nrStrategy.claim(0, alice, 1 ether, TestMerkle.proof(leaves, 0));
        nrStrategy.claim(0, bob, 2 ether, TestMerkle.proof(leaves, 1));
        assertEq(alice.balance, 1 ether);
        assertEq(bob.balance, 2 ether);
        assertEq(nrStrategy.earmarkedETH(), 0);
        assertEq(address(nrStrategy.eigenPod()).balance, 0, "the report moved the claims out of the pod");
        assertTrue(nrStrategy.isClaimed(0, alice, 1 ether));
    }

    function test_claim_revertWhen_claimedTwice() public {
        bytes32[] memory proof = TestMerkle.proof(leaves, 0);
        nrStrategy.claim(0, alice, 1 ether, proof);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferStrategyErrors.StrategyAlreadyClaimed.selector, 0, alice, 1 ether)
        );
        nrStrategy.claim(0, alice, 1 ether, proof);
    }

    function test_claim_revertWhen_otherStrategy() public {
        bytes32[] memory proof = TestMerkle.proof(leaves, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferStrategyErrors.StrategyInvalidClaimProof.selector, 0, alice, 1 ether
            )
        );
        daStrategy.claim(0, alice, 1 ether, proof);
    }

    function test_claim_revertWhen_otherSpurt() public {
        bytes32[] memory proof = TestMerkle.proof(leaves, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferStrategyErrors.StrategyInvalidClaimProof.selector, 1, alice, 1 ether
            )
        );
        nrStrategy.claim(1, alice, 1 ether, proof);
    }

    function test_claim_revertWhen_otherNodeOrAmount() public {
        bytes32[] memory proof = TestMerkle.proof(leaves, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferStrategyErrors.StrategyInvalidClaimProof.selector, 0, bob, 1 ether)
        );
        nrStrategy.claim(0, bob, 1 ether, proof);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferStrategyErrors.StrategyInvalidClaimProof.selector, 0, alice, 2 ether
            )
        );
        nrStrategy.claim(0, alice, 2 ether, proof);
    }

    function test_setClaimsAndRelease_revertWhen_notReporter() public {
        vm.expectRevert(
            abi.encodeWithSelector(IPufferStrategyErrors.StrategyOnlyReporter.selector, address(this))
        );
        nrStrategy.setClaims(5, bytes32(uint256(1)), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferStrategyErrors.StrategyOnlyReporter.selector, address(this))
        );
        nrStrategy.release(1);
    }

    function test_release_cannotTouchEarmarkedETH() public {
        vm.prank(address(reporter));
        vm.expectRevert(
            abi.encodeWithSelector(IPufferStrategyErrors.StrategyInsufficientFreeETH.selector, 1, 0)
        );
        nrStrategy.release(1);
    }

    /// @dev A NoOp address that already holds ETH (a first payment to an empty account adds EIP-161's 25k).
    function test_gas_claim() public {
        vm.deal(alice, 1 wei);
        bytes32[] memory proof = TestMerkle.proof(leaves, 0);
        uint256 g = gasleft();
        nrStrategy.claim(0, alice, 1 ether, proof);
        g -= gasleft();
        emit log_named_uint("claim gas (funded NoOp account)", g);
        assertLe(g, 60_000, "claim <= 60k gas");
    }
}
