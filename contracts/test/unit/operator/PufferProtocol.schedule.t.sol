// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {IPufferProtocolErrors, IPufferProtocolEvents} from "../../../src/interfaces/IPufferProtocol.sol";
import {IPufferStrategy, IPufferStrategyErrors} from "../../../src/interfaces/IPufferStrategy.sol";
import {OperatorFixture} from "../../utils/OperatorFixture.sol";

/// @notice Strategies and the weighted round-robin schedule.
contract PufferProtocolScheduleTest is OperatorFixture, IPufferProtocolEvents {
    function test_noRestaking_existsFromDeployment() public view {
        StrategyView memory s = protocol.strategy(NR);
        assertEq(s.index, 0);
        assertFalse(s.restaking);
        assertEq(s.weight, 1);
        assertEq(s.commissionBps, 0);
        IPufferStrategy strategy = IPufferStrategy(s.strategy);
        assertFalse(strategy.isRestaking());
        assertEq(strategy.avsSet().length, 0);
        assertEq(strategy.name(), NR);
        assertTrue(protocol.isNoOpAllowed(NR, address(0x1234)), "NO_RESTAKING is permissionless");
    }

    function test_createStrategy_restakingWithFixedAvsSet() public view {
        StrategyView memory s = protocol.strategy(EIGENDA);
        assertTrue(s.restaking);
        assertEq(s.commissionBps, 1000);
        assertEq(s.weight, 0, "new strategies wait for the DAO to schedule them");
        address[] memory avsSet = IPufferStrategy(s.strategy).avsSet();
        assertEq(avsSet.length, 1);
        assertEq(avsSet[0], avs);
        assertTrue(protocol.isNoOpAllowed(EIGENDA, avsNoOp));
        assertFalse(protocol.isNoOpAllowed(EIGENDA, noOp));
        assertEq(protocol.strategyNames().length, 2);
    }

    function test_createStrategy_revertWhen_nameTaken() public {
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolStrategyExists.selector, NR));
        protocol.createStrategy(NR, _config(0));
    }

    function test_createStrategy_revertWhen_notDao() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this))
        );
        protocol.createStrategy("X", _config(0));
    }

    function test_createStrategy_revertWhen_commissionTooHigh() public {
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolParameterOutOfBounds.selector,
                bytes32("commission"),
                5001,
                0,
                5000
            )
        );
        protocol.createStrategy("X", _config(5001));
    }

    function test_createStrategy_revertWhen_duplicateAvs() public {
        StrategyConfig memory c = _config(0);
        c.avsSet = new address[](2);
        c.avsSet[0] = avs;
        c.avsSet[1] = avs;
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IPufferStrategyErrors.StrategyInvalidAvsSet.selector, 2));
        protocol.createStrategy("X", c);
    }

    function test_createStrategy_revertWhen_tooMany() public {
        vm.startPrank(dao);
        for (uint256 i = 2; i < 8; i++) {
            protocol.createStrategy(bytes32(i), _config(0));
        }
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolTooManyStrategies.selector, 8));
        protocol.createStrategy(bytes32(uint256(99)), _config(0));
        vm.stopPrank();
    }

    function test_setNoOpAllowed_revertWhen_noRestaking() public {
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolStrategyPermissionless.selector, NR)
        );
        protocol.setNoOpAllowed(NR, noOp, false);
    }

    function test_setNoOpAllowed_allowsAndRevokes() public {
        vm.prank(dao);
        protocol.setNoOpAllowed(EIGENDA, noOp, true);
        _register(noOp, EIGENDA);
        vm.prank(dao);
        protocol.setNoOpAllowed(EIGENDA, noOp, false);
        assertFalse(protocol.isNoOpAllowed(EIGENDA, noOp));
    }

    function test_setStrategyWeights_revertWhen_lengthMismatch() public {
        bytes32[] memory names = new bytes32[](2);
        uint256[] memory weights = new uint256[](1);
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolLengthMismatch.selector, 2, 1));
        protocol.setStrategyWeights(names, weights);
    }

    function test_setStrategyWeights_revertWhen_weightTooHigh() public {
        bytes32[] memory names = new bytes32[](1);
        names[0] = NR;
        uint256[] memory weights = new uint256[](1);
        weights[0] = 256;
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolInvalidWeight.selector, NR, 256));
        protocol.setStrategyWeights(names, weights);
    }

    function test_setStrategyWeights_revertWhen_unknownStrategy() public {
        bytes32[] memory names = new bytes32[](1);
        names[0] = "NOPE";
        uint256[] memory weights = new uint256[](1);
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownStrategy.selector, bytes32("NOPE"))
        );
        protocol.setStrategyWeights(names, weights);
    }

    function test_schedule_threeToOne() public {
        _setWeights(3, 1);
        for (uint256 i = 0; i < 8; i++) {
            _register(noOp, NR);
            _register(avsNoOp, EIGENDA);
        }
        uint256[] memory next = protocol.nextValidators(8);
        uint256 restaking;
        for (uint256 i = 0; i < 8; i++) {
            restaking += _strategyOf(next[i]);
        }
        assertEq(restaking, 2, "2 of 8 picks go to EIGENDA at 3:1");
        // Smooth WRR interleaves: NR, NR, EIGENDA, NR | NR, NR, EIGENDA, NR (ties go to the larger weight).
        assertEq(_strategyOf(next[2]), 1);
        assertEq(_strategyOf(next[6]), 1);
    }

    function test_schedule_skipsEmptyQueues() public {
        _setWeights(3, 1);
        _register(avsNoOp, EIGENDA);
        _register(avsNoOp, EIGENDA);
        uint256[] memory next = protocol.nextValidators(5);
        assertEq(next.length, 2, "only the two pending validators");
        assertEq(_strategyOf(next[0]), 1);
        assertEq(_strategyOf(next[1]), 1);
    }

    function test_schedule_zeroWeightNeverPicked() public {
        _register(avsNoOp, EIGENDA); // EIGENDA has weight 0
        assertEq(protocol.nextValidators(1).length, 0);
    }

    /// @notice Fairness: with any weights and queue sizes, among strategies whose queue stays non-empty the
    /// provisioned counts follow the weights within ±1 (empty queues are skipped, not credited).
    function testFuzz_schedule_fairness(uint8 wNr, uint8 wDa, uint8 wC, uint8 picks, bool emptyDa) public {
        uint256[3] memory w =
            [uint256(bound(wNr, 1, 255)), uint256(bound(wDa, 1, 255)), uint256(bound(wC, 1, 255))];
        uint256 n = bound(picks, 1, 40);
        vm.prank(dao);
        protocol.createStrategy("C", _config(0));
        vm.prank(dao);
        protocol.setNoOpAllowed("C", avsNoOp, true);
        bytes32[] memory names = new bytes32[](3);
        names[0] = NR;
        names[1] = EIGENDA;
        names[2] = "C";
        uint256[] memory weights = new uint256[](3);
        for (uint256 i = 0; i < 3; i++) {
            weights[i] = w[i];
        }
        vm.prank(dao);
        protocol.setStrategyWeights(names, weights);
        // Queues long enough never to run dry within n picks (EIGENDA optionally empty).
        for (uint256 i = 0; i < n; i++) {
            _register(noOp, NR);
            if (!emptyDa) _register(avsNoOp, EIGENDA);
            _register(avsNoOp, "C");
        }
        uint256[] memory next = protocol.nextValidators(n);
        assertEq(next.length, n);
        uint256[3] memory count;
        for (uint256 i = 0; i < n; i++) {
            count[_strategyOf(next[i])]++;
        }
        uint256 total = w[0] + (emptyDa ? 0 : w[1]) + w[2];
        for (uint256 s = 0; s < 3; s++) {
            if (s == 1 && emptyDa) {
                assertEq(count[1], 0, "an empty queue is never picked");
                continue;
            }
            // |count - n*w/total| <= 1, in integers: |count*total - n*w| <= total.
            uint256 a = count[s] * total;
            uint256 b = n * w[s];
            assertLe(a > b ? a - b : b - a, total, "count within 1 of its weighted share");
        }
    }

    /// @notice Queues that empty and refill many times do not skew the schedule afterwards (credits of empty
    /// strategies are frozen, not reset, so they cannot drift).
    function test_schedule_noDriftAfterQueuesEmptyRepeatedly() public {
        _setWeights(1, 3);
        _fundPool(60);
        for (uint256 cycle = 0; cycle < 20; cycle++) {
            _register(noOp, NR);
            _register(noOp, NR);
            _register(avsNoOp, EIGENDA);
            _provisionBatch(3); // EIGENDA empties every cycle while it is still owed turns
        }
        for (uint256 i = 0; i < 40; i++) {
            _register(noOp, NR);
            _register(avsNoOp, EIGENDA);
        }
        uint256[] memory next = protocol.nextValidators(40);
        uint256 restaking;
        for (uint256 i = 0; i < next.length; i++) {
            restaking += _strategyOf(next[i]);
        }
        // 40 picks at 1:3 -> 30 EIGENDA; allow the bounded catch-up of one round of credits.
        assertApproxEqAbs(restaking, 30, 2, "EIGENDA share after many refills");
    }

    function _config(uint16 commission) internal view returns (StrategyConfig memory c) {
        c.avsSet = new address[](1);
        c.avsSet[0] = avs;
        c.allowedNoOps = new address[](0);
        c.commissionBps = commission;
    }
}
