// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {BurstThreshold} from "../../../src/lib/BurstThreshold.sol";

contract BurstThresholdTest is Test {
    uint256 internal constant T = 2200; // 22%

    function test_treasuryShare_zeroWellBelowTheThreshold() public pure {
        assertEq(BurstThreshold.treasuryShareBps(10_000, 1_000_000, T), 0); // 1%
        assertEq(BurstThreshold.treasuryShareBps(165_000, 1_000_000, T), 0); // 16.5%: the ramp's start
    }

    function test_treasuryShare_rampsToFullAtTheThreshold() public pure {
        assertEq(BurstThreshold.treasuryShareBps(192_500, 1_000_000, T), 5000); // halfway up the ramp
        assertEq(BurstThreshold.treasuryShareBps(220_000, 1_000_000, T), 10_000);
        assertEq(BurstThreshold.treasuryShareBps(400_000, 1_000_000, T), 10_000);
    }

    function test_treasuryShare_unknownEthereumSizeMeansNoPressure() public pure {
        assertEq(BurstThreshold.treasuryShareBps(5, 0, T), 0);
    }

    function testFuzz_treasuryShare_isMonotoneAndBounded(uint32 a, uint32 b, uint32 total, uint16 threshold)
        public
        pure
    {
        uint256 n = bound(total, 1, 5_000_000);
        uint256 t = bound(threshold, 1, 10_000);
        uint256 lo = bound(a, 0, n);
        uint256 hi = bound(b, lo, n);
        uint256 sLo = BurstThreshold.treasuryShareBps(lo, n, t);
        uint256 sHi = BurstThreshold.treasuryShareBps(hi, n, t);
        assertLe(sHi, 10_000, "the treasury share exceeds 100%");
        assertLe(sLo, sHi, "more validators gave the treasury a smaller share");
    }
}
