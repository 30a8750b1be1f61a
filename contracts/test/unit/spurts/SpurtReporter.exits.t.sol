// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ISpurtReporterErrors} from "../../../src/interfaces/ISpurtReporter.sol";
import {SpurtFixture, TestMerkle} from "../../utils/SpurtFixture.sol";

/// @notice processExits: ETH back to the pool, bond back minus the shortfall, losses beyond the bond socialised,
/// each validator once, bad input rejected with named errors.
contract SpurtExitsTest is SpurtFixture {
    uint256[] internal ids;

    function setUp() public override {
        super.setUp();
        _fundPool(100); // a deep pool: single-validator losses stay inside the 1% report bound
        uint256[] memory p = _provisioned(noOp, NR, 3);
        for (uint256 i = 0; i < p.length; i++) {
            ids.push(p[i]);
        }
        _endSpurt();
        _post(_report(0, 3));
    }

    function _exit(uint256 id, uint256 returnedWei, ExitReason reason)
        internal
        returns (Exit[] memory exits, bytes32[][] memory proofs)
    {
        exits = new Exit[](1);
        exits[0] = Exit({validatorId: id, returnedWei: returnedWei, reason: reason});
        _endSpurt();
        SpurtReport memory r = _report(1, 2);
        bytes32[] memory leaves = _addExits(r, exits);
        _post(r);
        proofs = _exitProofs(leaves);
    }

    function test_processExits_fullReturnGivesTheWholeBondBack() public {
        uint256 bond = protocol.validator(ids[0]).bondShares;
        (Exit[] memory exits, bytes32[][] memory proofs) = _exit(ids[0], 32 ether, ExitReason.VOLUNTARY);
        uint256 locked = pool.lockedETH();
        uint256 assets = pool.totalAssets();
        reporter.processExits(1, exits, proofs);
        assertEq(pool.lockedETH(), locked - 32 ether, "lock released");
        assertEq(pool.totalAssets(), assets, "no value change");
        assertEq(IERC20(address(pool)).balanceOf(noOp), bond, "bond back");
        assertEq(uint8(protocol.validator(ids[0]).status), uint8(ValidatorStatus.EXITED));
        (bool exited, ExitReason reason) = reporter.exitReason(ids[0]);
        assertTrue(exited);
        assertEq(uint8(reason), uint8(ExitReason.VOLUNTARY));
    }

    function test_processExits_shortfallBurnsPartOfTheBond() public {
        uint256 bond = protocol.validator(ids[0]).bondShares;
        (Exit[] memory exits, bytes32[][] memory proofs) =
            _exit(ids[0], 31.5 ether, ExitReason.BALANCE_BELOW_EJECTION);
        assertEq(pool.reportedNetETH(), -0.5 ether, "pending shortfall reported as a loss");
        uint256 supply = pool.totalSupply();
        uint256 assets = pool.totalAssets();
        uint256 burn = (0.5 ether * (supply + 1) + assets) / (assets + 1); // ceil
        reporter.processExits(1, exits, proofs);
        assertEq(IERC20(address(pool)).balanceOf(noOp), bond - burn, "bond minus shortfall");
        assertEq(pool.totalSupply(), supply - burn, "burned");
        assertEq(pool.reportedNetETH(), 0, "loss realised");
        assertEq(pool.totalAssets(), assets, "assets unchanged by processing");
        (, ExitReason reason) = reporter.exitReason(ids[0]);
        assertEq(uint8(reason), uint8(ExitReason.BALANCE_BELOW_EJECTION));
    }

    function test_processExits_lossBiggerThanBondIsSocialised() public {
        (Exit[] memory exits, bytes32[][] memory proofs) = _exit(ids[0], 29 ether, ExitReason.AVS_SLASHING);
        uint256 rateBefore = _rate();
        uint256 supply = pool.totalSupply();
        uint256 bond = protocol.validator(ids[0]).bondShares;
        reporter.processExits(1, exits, proofs);
        assertEq(IERC20(address(pool)).balanceOf(noOp), 0, "whole bond burned");
        assertEq(pool.totalSupply(), supply - bond);
        assertGt(_rate(), rateBefore, "burning the bond gives back part of the loss");
        assertEq(uint8(protocol.validator(ids[0]).status), uint8(ValidatorStatus.EXITED));
    }

    function test_processExits_revertWhen_exitedTwice() public {
        (Exit[] memory exits, bytes32[][] memory proofs) = _exit(ids[0], 32 ether, ExitReason.VOLUNTARY);
        reporter.processExits(1, exits, proofs);
        vm.expectRevert(
            abi.encodeWithSelector(ISpurtReporterErrors.ReportValidatorAlreadyExited.selector, ids[0])
        );
        reporter.processExits(1, exits, proofs);
    }

    function test_processExits_revertWhen_badProof() public {
        (Exit[] memory exits, bytes32[][] memory proofs) = _exit(ids[0], 32 ether, ExitReason.VOLUNTARY);
        exits[0].returnedWei = 33 ether;
        vm.expectRevert(
            abi.encodeWithSelector(ISpurtReporterErrors.ReportInvalidExitProof.selector, 1, ids[0])
        );
        reporter.processExits(1, exits, proofs);
    }

    function test_processExits_revertWhen_unknownValidator() public {
        Exit[] memory exits = new Exit[](1);
        exits[0] = Exit({validatorId: 77, returnedWei: 32 ether, reason: ExitReason.VOLUNTARY});
        _endSpurt();
        SpurtReport memory r = _report(1, 3);
        bytes32[] memory leaves = _exitLeaves(1, exits);
        r.exitsRoot = leaves[0];
        _post(r);
        vm.expectRevert(abi.encodeWithSelector(ISpurtReporterErrors.ReportUnknownValidator.selector, 77));
        reporter.processExits(1, exits, new bytes32[][](1));
    }

    function test_processExits_revertWhen_emptyOrTooLargeChunk() public {
        vm.expectRevert(abi.encodeWithSelector(ISpurtReporterErrors.ReportInvalidExitChunk.selector, 0, 25));
        reporter.processExits(0, new Exit[](0), new bytes32[][](0));
        vm.expectRevert(abi.encodeWithSelector(ISpurtReporterErrors.ReportInvalidExitChunk.selector, 26, 25));
        reporter.processExits(0, new Exit[](26), new bytes32[][](26));
    }

    function test_exitValidator_revertWhen_notReporter() public {
        vm.expectRevert();
        protocol.exitValidator(ids[0]);
    }
}

/// @notice processActivations: PROVISIONED -> ACTIVE once, with the commitment's start spurt recorded.
contract SpurtActivationsTest is SpurtFixture {
    function test_processActivations_marksActiveOnce() public {
        uint256[] memory ids = _provisioned(noOp, NR, 2);
        _endSpurt();
        SpurtReport memory r = _report(0, 2);
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = reporter.activationLeaf(0, ids[0]);
        leaves[1] = reporter.activationLeaf(0, ids[1]);
        r.activationsRoot = TestMerkle.root(leaves);
        r.activations = 2;
        _post(r);
        bytes32[][] memory proofs = _exitProofs(leaves);
        reporter.processActivations(0, ids, proofs);
        assertEq(uint8(protocol.validator(ids[0]).status), uint8(ValidatorStatus.ACTIVE));
        (bool activated, uint256 spurt) = reporter.activationSpurt(ids[1]);
        assertTrue(activated);
        assertEq(spurt, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISpurtReporterErrors.ReportValidatorNotActivatable.selector,
                ids[0],
                uint8(ValidatorStatus.ACTIVE)
            )
        );
        reporter.processActivations(0, ids, proofs);
        ids[0] = 99;
        vm.expectRevert(
            abi.encodeWithSelector(ISpurtReporterErrors.ReportInvalidActivationProof.selector, 0, 99)
        );
        reporter.processActivations(0, ids, proofs);
    }
}
