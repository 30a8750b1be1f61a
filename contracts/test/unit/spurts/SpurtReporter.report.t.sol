// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IGuardianModuleErrors} from "../../../src/interfaces/IGuardianModule.sol";
import {ISpurtReporterErrors} from "../../../src/interfaces/ISpurtReporter.sol";
import {SpurtReporter} from "../../../src/SpurtReporter.sol";
import {SpurtFixture} from "../../utils/SpurtFixture.sol";

/// @notice postSpurtReport: ordering, timing, signatures, replay, reserves, rate bound, strategy checks.
contract SpurtReporterReportTest is SpurtFixture {
    function test_postSpurtReport_acceptsTheNextEndedSpurt() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        _post(r);
        assertEq(reporter.nextSpurt(), 1, "next spurt advanced");
        (uint256 active, uint256 eth) = reporter.latestValidatorCounts();
        assertEq(active, 0);
        assertEq(eth, 1_000_000);
    }

    function test_postSpurtReport_revertWhen_spurtNotEnded() public {
        SpurtReport memory r = _report(0, 0);
        bytes memory sigs = _sigs(r);
        vm.expectRevert(abi.encodeWithSelector(ISpurtReporterErrors.ReportSpurtNotEnded.selector, 0, 0));
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_replayedSameSpurt() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        bytes memory sigs = _sigs(r);
        reporter.postSpurtReport(r, sigs);
        vm.expectRevert(abi.encodeWithSelector(ISpurtReporterErrors.ReportUnexpectedSpurt.selector, 1, 0));
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_olderSpurtAfterNewer() public {
        _endSpurt();
        _post(_report(0, 0));
        _endSpurt();
        _post(_report(1, 0));
        SpurtReport memory old = _report(0, 0);
        bytes memory sigs = _sigs(old);
        vm.expectRevert(abi.encodeWithSelector(ISpurtReporterErrors.ReportUnexpectedSpurt.selector, 2, 0));
        reporter.postSpurtReport(old, sigs);
    }

    function test_postSpurtReport_revertWhen_skippingASpurt() public {
        _endSpurt();
        _endSpurt();
        SpurtReport memory r = _report(1, 0);
        bytes memory sigs = _sigs(r);
        vm.expectRevert(abi.encodeWithSelector(ISpurtReporterErrors.ReportUnexpectedSpurt.selector, 0, 1));
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_expired() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        bytes memory sigs = _sigs(r);
        vm.warp(r.deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ISpurtReporterErrors.ReportExpired.selector, r.deadline, r.deadline + 1)
        );
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_belowThreshold() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        bytes memory sigs = _sign(reporter.reportDigest(r), THRESHOLD - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGuardianModuleErrors.GuardianBelowThreshold.selector, THRESHOLD - 1, THRESHOLD
            )
        );
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_signedForAnotherChain() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        bytes memory sigs = _sigs(r);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(); // the digest differs: the signers recover to strangers
        reporter.postSpurtReport(r, sigs);
        assertEq(reporter.nextSpurt(), 0, "no state change");
    }

    function test_postSpurtReport_revertWhen_signedForAnotherContract() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        bytes memory sigs = _sigs(r);
        SpurtReporter other = new SpurtReporter(address(d.accessManager), pool, protocol, guardianModule);
        assertTrue(other.reportDigest(r) != reporter.reportDigest(r), "domain binds the contract");
        vm.expectRevert();
        other.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_reportAlteredAfterSigning() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        bytes memory sigs = _sigs(r);
        r.ethereumValidators += 1;
        vm.expectRevert();
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_strategyCountWrong() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        r.strategies = new StrategyReport[](1);
        bytes memory sigs = _sigs(r);
        vm.expectRevert(
            abi.encodeWithSelector(ISpurtReporterErrors.ReportStrategyCountMismatch.selector, 1, 2)
        );
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_revertWhen_noRestakingHasAvsRevenue() public {
        vm.deal(address(nrStrategy.eigenPod()), 1 ether);
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        r.strategies[0].avsRevenueWei = 1 ether;
        bytes memory sigs = _sigs(r);
        vm.expectRevert(
            abi.encodeWithSelector(ISpurtReporterErrors.ReportNoRestakingRevenue.selector, 0, 1 ether)
        );
        reporter.postSpurtReport(r, sigs);
    }

    function test_noRestakingStrategy_refusesAvsFees() public {
        vm.deal(avs, 1 ether);
        vm.prank(avs);
        (bool ok,) = address(nrStrategy).call{value: 1 ether}("");
        assertFalse(ok, "NO_RESTAKING refuses AVS fees");
    }

    function test_postSpurtReport_revertWhen_claimsExceedBalance() public {
        vm.deal(address(daStrategy.eigenPod()), 1 ether);
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        r.strategies[1].claimsRoot = keccak256("root");
        r.strategies[1].claimsWei = 1 ether + 1;
        bytes memory sigs = _sigs(r);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISpurtReporterErrors.ReportClaimsExceedBalance.selector, 1, 1 ether + 1, 1 ether
            )
        );
        reporter.postSpurtReport(r, sigs);
    }

    function test_postSpurtReport_splitsAvsRevenueByCommission() public {
        _fundPool(10); // pool big enough that 0.9 ETH stays inside the 1% bound
        vm.deal(address(daStrategy), 1 ether); // AVS fees
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        r.strategies[1].avsRevenueWei = 1 ether;
        r.strategies[1].claimsRoot = keccak256("root");
        r.strategies[1].claimsWei = 0.1 ether; // 10% commission
        uint256 assetsBefore = pool.totalAssets();
        _post(r);
        assertEq(pool.totalAssets(), assetsBefore + 0.9 ether, "pools got 90%");
        assertEq(address(daStrategy).balance, 0.1 ether, "commission stays");
        assertEq(daStrategy.earmarkedETH(), 0.1 ether);
        assertEq(daStrategy.freeETH(), 0);
    }

    function test_postSpurtReport_revertWhen_rateJumpsOverTheBound() public {
        _fundPool(1); // 32 ETH + dead shares
        vm.deal(address(daStrategy), 1 ether);
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        r.strategies[1].avsRevenueWei = 1 ether;
        r.strategies[1].claimsRoot = keccak256("root");
        r.strategies[1].claimsWei = 0.1 ether;
        bytes memory sigs = _sigs(r);
        uint256 before = _rate();
        uint256 supply = pool.totalSupply();
        uint256 afterRate = (pool.totalAssets() + 0.9 ether + 1) * 1 ether / (supply + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISpurtReporterErrors.ReportRateChangeTooLarge.selector, before, afterRate, 100
            )
        );
        reporter.postSpurtReport(r, sigs);

        // The emergency path: the DAO raises the bound (through the timelock), the guardians resubmit.
        vm.prank(dao);
        reporter.setMaxRateChangeBps(500);
        reporter.postSpurtReport(r, sigs);
        assertEq(_rate(), afterRate, "rate moved once");
    }

    function test_postSpurtReport_reportsBeaconLoss() public {
        _fundPool(40); // large pool: a 0.5 ETH loss stays inside the bound
        _provisioned(noOp, NR, 2);
        _endSpurt();
        SpurtReport memory r = _report(0, 2);
        r.beaconBalanceGwei = 63.5 ether / 1 gwei;
        uint256 assetsBefore = pool.totalAssets();
        _post(r);
        assertEq(pool.reportedNetETH(), -0.5 ether);
        assertEq(pool.totalAssets(), assetsBefore - 0.5 ether);
    }

    function test_setMaxRateChangeBps_revertWhen_notDao() public {
        vm.expectRevert();
        reporter.setMaxRateChangeBps(500);
    }

    function test_setMaxRateChangeBps_revertWhen_outOfBounds() public {
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISpurtReporterErrors.ReportParameterOutOfBounds.selector,
                bytes32("maxRateChangeBps"),
                0,
                1,
                10_000
            )
        );
        reporter.setMaxRateChangeBps(0);
    }
}
