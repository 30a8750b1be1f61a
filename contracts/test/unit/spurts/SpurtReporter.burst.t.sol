// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BurstThreshold} from "../../../src/lib/BurstThreshold.sol";
import {SpurtFixture} from "../../utils/SpurtFixture.sol";

/// @notice The burst threshold applied to new smoothing commitments from the latest report's figures.
contract SpurtBurstTest is SpurtFixture {
    function _treasuryTakeOf12Months() internal returns (uint256) {
        uint256 before = protocol.parameters().accruedTreasuryWei;
        _register(noOp, NR);
        return protocol.parameters().accruedTreasuryWei - before;
    }

    function test_burst_noPressureKeepsTheProtocolFee() public {
        _endSpurt();
        _post(_report(0, 0)); // 0 of 1,000,000
        assertEq(_treasuryTakeOf12Months(), PRICE_12 * 200 / 10_000);
    }

    function test_burst_atTheThresholdTheTreasuryTakesEverythingLeft() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        r.ethereumValidators = 100;
        // 22 of 100 validators: at the threshold.
        r.activeValidators = 22;
        r.beaconBalanceGwei = 22 * 32 gwei;
        _post(r);
        uint256 guardianFee = PRICE_12 * 50 / 10_000;
        uint256 assets = pool.totalAssets();
        assertEq(_treasuryTakeOf12Months(), PRICE_12 - guardianFee, "fee + whole remainder");
        assertEq(pool.totalAssets(), assets + 1 ether, "only the bond reached the pool");
    }

    function test_burst_onTheRampTakesTheCurvesShare() public {
        _endSpurt();
        SpurtReport memory r = _report(0, 0);
        r.ethereumValidators = 10_000;
        r.activeValidators = 1925; // 19.25%: half way up the 16.5%..22% ramp
        r.beaconBalanceGwei = 1925 * 32 gwei;
        _post(r);
        uint256 share = BurstThreshold.treasuryShareBps(1925, 10_000, 2200);
        assertEq(share, 5000);
        uint256 protocolFee = PRICE_12 * 200 / 10_000;
        uint256 guardianFee = PRICE_12 * 50 / 10_000;
        uint256 burst = (PRICE_12 - protocolFee - guardianFee) * share / 10_000;
        assertEq(_treasuryTakeOf12Months(), protocolFee + burst);
    }

    function test_setBurstThresholdBps_onlyDao() public {
        vm.expectRevert();
        reporter.setBurstThresholdBps(1000);
        vm.prank(dao);
        reporter.setBurstThresholdBps(1000);
        assertEq(reporter.burstThresholdBps(), 1000);
    }

    function test_setBurstShare_revertWhen_notReporter() public {
        vm.expectRevert();
        protocol.setBurstShare(10_000);
    }
}
