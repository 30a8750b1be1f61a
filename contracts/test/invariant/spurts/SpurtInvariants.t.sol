// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

import {ISpurtReporterTypes} from "../../../src/interfaces/ISpurtReporter.sol";
import {IPufferPool} from "../../../src/interfaces/IPufferPool.sol";
import {IPufferStrategy} from "../../../src/interfaces/IPufferStrategy.sol";
import {RewardsMerkle} from "../../../src/lib/RewardsMerkle.sol";
import {SpurtReporter} from "../../../src/SpurtReporter.sol";
import {SpurtFixture, TestMerkle} from "../../utils/SpurtFixture.sol";

/// @notice Random sequences of reports (consensus rewards, AVS fees, beacon losses, one exit), claims (including
/// repeats) and exit processing (including repeats), with ghost accounting.
contract SpurtHandler is CommonBase, StdUtils, ISpurtReporterTypes {
    SpurtInvariantsTest internal immutable _t;
    SpurtReporter internal immutable _reporter;
    IPufferPool internal immutable _pool;
    IPufferStrategy[2] internal _strategies;
    address[3] internal _nodes;

    struct Leaf {
        uint256 strategy;
        uint256 spurt;
        uint256 node;
        uint256 amount;
        bytes32[] proof;
    }

    Leaf[] internal _leaves;
    uint256[] internal _live;
    uint256 internal _nextSpurt = 1;
    Exit[] internal _pendingExits; // one per spurt at most, with its spurt
    uint256[] internal _pendingExitSpurts;

    uint256 public ghost_ethIn; // ETH the simulated beacon chain / AVS put into pods and strategies
    uint256 public ghost_ethPaidToNodes;
    uint256 public ghost_doubleClaims; // successful second payments of a leaf (must stay 0)
    uint256 public ghost_doubleExits; // successful second exits of a validator (must stay 0)
    uint256 public ghost_maxRateMoveBps1e4; // largest accepted report move, in 1e-8 units
    uint256 public ghost_reports;
    mapping(bytes32 => uint256) public ghost_paid;
    mapping(uint256 => uint256) public ghost_exited;

    constructor(SpurtInvariantsTest t, uint256[] memory live) {
        _t = t;
        _reporter = t.reporterRef();
        _pool = t.poolRef();
        _strategies[0] = t.strategyRef(0);
        _strategies[1] = t.strategyRef(1);
        _nodes[0] = address(0xA1);
        _nodes[1] = address(0xA2);
        _nodes[2] = address(0xA3);
        _live = live;
    }

    function report(uint256 rewardSeed, uint256 avsSeed, uint256 lossSeed, bool withExit) external {
        vm.warp(_pool.currentSpurtEnd());
        uint256 spurt = _nextSpurt;
        SpurtReport memory r = _t.baseReport(spurt, _live.length);
        r.beaconBalanceGwei -= bound(lossSeed, 0, 2 ether) / 1 gwei;
        uint256[2] memory rewards;
        rewards[0] = bound(rewardSeed, 0, 1 ether);
        rewards[1] = bound(rewardSeed >> 64, 0, 1 ether);
        uint256 avs = bound(avsSeed, 0, 5 ether);
        for (uint256 s = 0; s < 2; s++) {
            uint256 commission = s == 1 ? avs * 1000 / 10_000 : 0;
            uint256 total = rewards[s] + commission;
            if (total == 0) continue;
            vm.deal(
                address(_strategies[s].eigenPod()), address(_strategies[s].eigenPod()).balance + rewards[s]
            );
            ghost_ethIn += rewards[s];
            // Split between two nodes.
            uint256 a = total / 2;
            bytes32[] memory leaves = new bytes32[](2);
            leaves[0] = RewardsMerkle.leaf(address(_strategies[s]), spurt, _nodes[s], a);
            leaves[1] = RewardsMerkle.leaf(address(_strategies[s]), spurt, _nodes[2], total - a);
            r.strategies[s].claimsRoot = TestMerkle.root(leaves);
            r.strategies[s].claimsWei = total;
            _leaves.push(Leaf(s, spurt, s, a, TestMerkle.proof(leaves, 0)));
            _leaves.push(Leaf(s, spurt, 2, total - a, TestMerkle.proof(leaves, 1)));
        }
        if (avs != 0) {
            vm.deal(address(_strategies[1]), address(_strategies[1]).balance + avs);
            ghost_ethIn += avs;
            r.strategies[1].avsRevenueWei = avs;
        }
        Exit memory e;
        bool exiting = withExit && _live.length > 1;
        if (exiting) {
            uint256 id = _live[_live.length - 1];
            uint256 returned = 30 ether + bound(lossSeed >> 64, 0, 3 ether);
            e = Exit({validatorId: id, returnedWei: returned, reason: ExitReason.BALANCE_BELOW_EJECTION});
            bytes32 leaf = _reporter.exitLeaf(spurt, id, returned, e.reason);
            r.exitsRoot = leaf;
            r.exitCount = 1;
            r.activeValidators -= 1;
            r.beaconBalanceGwei -= 32 gwei;
            r.strategies[id >> 64].exitsWei += returned;
            if (returned < 32 ether) r.exitsShortfallWei = 32 ether - returned;
            address pod = address(_strategies[id >> 64].eigenPod());
            vm.deal(pod, pod.balance + returned);
            ghost_ethIn += returned;
        }
        uint256 before = _pool.convertToAssets(1 ether);
        try _reporter.postSpurtReport(r, _t.sign(r)) {
            uint256 afterRate = _pool.convertToAssets(1 ether);
            uint256 moved = afterRate > before ? afterRate - before : before - afterRate;
            uint256 m = moved * 1e8 / before;
            if (m > ghost_maxRateMoveBps1e4) ghost_maxRateMoveBps1e4 = m;
            ghost_reports++;
            _nextSpurt++;
            if (exiting) {
                _live.pop();
                _pendingExits.push(e);
                _pendingExitSpurts.push(spurt);
            }
        } catch {
            // Rejected (the rate bound): drop this spurt's leaves; the dealt ETH stays in the pods (counted).
            while (_leaves.length > 0 && _leaves[_leaves.length - 1].spurt == spurt) {
                _leaves.pop();
            }
        }
    }

    function claim(uint256 seed) external {
        if (_leaves.length == 0) return;
        Leaf memory l = _leaves[bound(seed, 0, _leaves.length - 1)];
        address node = _nodes[l.node];
        bytes32 key = RewardsMerkle.leaf(address(_strategies[l.strategy]), l.spurt, node, l.amount);
        try _strategies[l.strategy].claim(l.spurt, node, l.amount, l.proof) {
            if (ghost_paid[key] != 0) ghost_doubleClaims++;
            ghost_paid[key]++;
            ghost_ethPaidToNodes += l.amount;
        } catch {}
    }

    function processExit(uint256 seed) external {
        if (_pendingExits.length == 0) return;
        uint256 i = bound(seed, 0, _pendingExits.length - 1);
        Exit[] memory exits = new Exit[](1);
        exits[0] = _pendingExits[i];
        try _reporter.processExits(_pendingExitSpurts[i], exits, new bytes32[][](1)) {
            if (ghost_exited[exits[0].validatorId] != 0) ghost_doubleExits++;
            ghost_exited[exits[0].validatorId]++;
        } catch {}
    }
}

contract SpurtInvariantsTest is SpurtFixture {
    SpurtHandler internal handler;
    uint256 internal ethAtStart;

    function setUp() public override {
        super.setUp();
        _fundPool(300);
        _setWeights(1, 1);
        _register(noOp, NR);
        _register(noOp, NR);
        _register(avsNoOp, EIGENDA);
        _register(avsNoOp, EIGENDA);
        uint256[] memory live = new uint256[](4);
        for (uint256 i = 0; i < 4; i++) {
            live[i] = _provisionNext();
        }
        _endSpurt();
        _post(_report(0, 4));
        handler = new SpurtHandler(this, live);
        ethAtStart = _pufferETH();
        targetContract(address(handler));
    }

    function reporterRef() external view returns (SpurtReporter) {
        return reporter;
    }

    function poolRef() external view returns (IPufferPool) {
        return IPufferPool(address(pool));
    }

    function strategyRef(uint256 i) external view returns (IPufferStrategy) {
        return _strategyOfIndex(i);
    }

    function baseReport(uint256 spurt, uint256 active) external view returns (SpurtReport memory) {
        return _report(spurt, active);
    }

    function sign(SpurtReport memory r) external view returns (bytes memory) {
        return _sigs(r);
    }

    function _pufferETH() internal view returns (uint256) {
        return address(pool).balance + pool.withdrawalPool().balance + address(protocol).balance
            + address(reporter).balance + address(nrStrategy).balance + address(daStrategy).balance
            + address(nrStrategy.eigenPod()).balance + address(daStrategy.eigenPod()).balance;
    }

    /// @dev The handler's steps do work (not only reverts): a report with rewards, AVS fees and an exit, the claims
    /// and the exit, each once, and their repeats are refused.
    function test_handler_stepsDoWork() public {
        handler.report(uint256(0.5 ether) | (uint256(0.4 ether) << 64), 1 ether, 0, true);
        assertEq(handler.ghost_reports(), 1);
        for (uint256 i = 0; i < 4; i++) {
            handler.claim(i);
            handler.claim(i);
        }
        handler.processExit(0);
        handler.processExit(0);
        assertGt(handler.ghost_ethPaidToNodes(), 0, "claims paid");
        assertEq(handler.ghost_doubleClaims(), 0);
        assertEq(handler.ghost_doubleExits(), 0);
        invariant_ethIsConserved();
    }

    function invariant_ethIsConserved() public view {
        assertEq(
            _pufferETH() + handler.ghost_ethPaidToNodes(),
            ethAtStart + handler.ghost_ethIn(),
            "ETH in Puffer's contracts plus ETH paid to NoOps equals what came in"
        );
    }

    function invariant_eachLeafPaidOnce() public view {
        assertEq(handler.ghost_doubleClaims(), 0, "no claim leaf is paid twice");
    }

    function invariant_eachValidatorExitsOnce() public view {
        assertEq(handler.ghost_doubleExits(), 0, "no validator exits twice");
    }

    function invariant_reportsMoveTheRateWithinTheBound() public view {
        assertLe(
            handler.ghost_maxRateMoveBps1e4(), 100 * 1e4, "no accepted report moved the rate more than 1%"
        );
    }

    function invariant_strategiesCanPayTheirClaims() public view {
        assertGe(
            address(nrStrategy).balance + address(nrStrategy.eigenPod()).balance,
            nrStrategy.earmarkedETH(),
            "NO_RESTAKING holds its unpaid claims"
        );
        assertGe(
            address(daStrategy).balance + address(daStrategy.eigenPod()).balance,
            daStrategy.earmarkedETH(),
            "EIGENDA holds its unpaid claims"
        );
    }
}
