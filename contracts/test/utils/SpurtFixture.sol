// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISpurtReporterTypes} from "../../src/interfaces/ISpurtReporter.sol";
import {IPufferStrategy} from "../../src/interfaces/IPufferStrategy.sol";
import {RewardsMerkle} from "../../src/lib/RewardsMerkle.sol";
import {SpurtReporter} from "../../src/SpurtReporter.sol";
import {OperatorFixture} from "./OperatorFixture.sol";

/// @notice Sorted-pair Merkle trees (OpenZeppelin convention; an odd node is promoted unchanged).
library TestMerkle {
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i = 0; i < level.length; i += 2) {
            next[i / 2] = i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i];
        }
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            level = _up(level);
        }
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory p) {
        bytes32[] memory tmp = new bytes32[](64);
        uint256 k = 0;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) tmp[k++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        p = new bytes32[](k);
        for (uint256 i = 0; i < k; i++) {
            p[i] = tmp[i];
        }
    }
}

/// @notice OperatorFixture plus the SpurtReporter: report building, signing and posting, claims and exit trees.
abstract contract SpurtFixture is OperatorFixture, ISpurtReporterTypes {
    SpurtReporter internal reporter;
    IPufferStrategy internal nrStrategy;
    IPufferStrategy internal daStrategy;

    function setUp() public virtual override {
        super.setUp();
        reporter = d.reporter;
        nrStrategy = IPufferStrategy(payable(protocol.strategy(NR).strategy));
        daStrategy = IPufferStrategy(payable(protocol.strategy(EIGENDA).strategy));
    }

    /// @dev A report for `spurt` with nothing in it: no validators, one empty entry per strategy.
    function _emptyReport(uint256 spurt) internal view returns (SpurtReport memory r) {
        r.spurt = spurt;
        r.deadline = block.timestamp + 1 hours;
        r.strategies = new StrategyReport[](protocol.strategyNames().length);
    }

    /// @dev A report whose active validators all sit at exactly 32 ETH.
    function _report(uint256 spurt, uint256 active) internal view returns (SpurtReport memory r) {
        r = _emptyReport(spurt);
        r.activeValidators = active;
        r.beaconBalanceGwei = active * 32 gwei;
        r.ethereumValidators = 1_000_000;
    }

    function _sigs(SpurtReport memory r) internal view returns (bytes memory) {
        return _sign(reporter.reportDigest(r), THRESHOLD);
    }

    /// @dev Moves time past the end of the current spurt.
    function _endSpurt() internal {
        vm.warp(pool.currentSpurtEnd());
    }

    function _post(SpurtReport memory r) internal {
        reporter.postSpurtReport(r, _sigs(r));
    }

    function _strategyOfIndex(uint256 index) internal view returns (IPufferStrategy) {
        return index == 0 ? nrStrategy : daStrategy;
    }

    // ---------------------------------------------------------------- claims

    function _claimLeaves(address strategy, uint256 spurt, address[] memory nodes, uint256[] memory amounts)
        internal
        pure
        returns (bytes32[] memory leaves)
    {
        leaves = new bytes32[](nodes.length);
        for (uint256 i = 0; i < nodes.length; i++) {
            leaves[i] = RewardsMerkle.leaf(strategy, spurt, nodes[i], amounts[i]);
        }
    }

    // ---------------------------------------------------------------- exits

    function _exitLeaves(uint256 spurt, Exit[] memory exits) internal view returns (bytes32[] memory leaves) {
        leaves = new bytes32[](exits.length);
        for (uint256 i = 0; i < exits.length; i++) {
            leaves[i] = reporter.exitLeaf(spurt, exits[i].validatorId, exits[i].returnedWei, exits[i].reason);
        }
    }

    function _exitProofs(bytes32[] memory leaves) internal pure returns (bytes32[][] memory proofs) {
        proofs = new bytes32[][](leaves.length);
        for (uint256 i = 0; i < leaves.length; i++) {
            proofs[i] = TestMerkle.proof(leaves, i);
        }
    }

    /// @dev Fills the exit part of `r` for `exits` (and credits each exit's ETH to its strategy's pod).
    function _addExits(SpurtReport memory r, Exit[] memory exits) internal returns (bytes32[] memory leaves) {
        leaves = _exitLeaves(r.spurt, exits);
        r.exitsRoot = TestMerkle.root(leaves);
        r.exitCount = exits.length;
        for (uint256 i = 0; i < exits.length; i++) {
            uint256 index = exits[i].validatorId >> 64;
            r.strategies[index].exitsWei += exits[i].returnedWei;
            if (exits[i].returnedWei < 32 ether) r.exitsShortfallWei += 32 ether - exits[i].returnedWei;
            address pod = address(_strategyOfIndex(index).eigenPod());
            vm.deal(pod, pod.balance + exits[i].returnedWei);
        }
    }

    /// @dev Funds the pool, registers `n` validators of `who` in `strategyName` and provisions them.
    function _provisioned(address who, bytes32 strategyName, uint256 n)
        internal
        returns (uint256[] memory ids)
    {
        _fundPool(n);
        ids = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            _register(who, strategyName);
        }
        for (uint256 i = 0; i < n; i++) {
            ids[i] = _provisionNext();
        }
    }

    /// @dev pufETH value of 1e18 shares.
    function _rate() internal view returns (uint256) {
        return pool.convertToAssets(1 ether);
    }
}
