// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BurstThreshold: how much of a new smoothing commitment goes to the treasury as Puffer grows.
/// @notice Puffer must never run a dangerous share of Ethereum's validators. As its share `p` of all active
/// validators approaches the burst threshold `T` (22% by default), an increasing part of every new smoothing
/// commitment goes to the treasury instead of the stakers, so that joining stops paying off and growth stops on
/// its own:
///
///     treasury share (bps)
///     10000 |                         ________
///           |                        /
///           |                      /
///           |                    /
///         0 |__________________/
///           0            T - ramp   T          p (share of Ethereum validators)
///
///     share(p) = 0                                  for p <= T - ramp
///              = 10000 x (p - (T - ramp)) / ramp     for T - ramp < p < T   (rounded up: favours the treasury)
///              = 10000                               for p >= T
///
/// with `ramp = T / 4` (16.5% to 22% by default). Shares are in basis points of the validator count.
library BurstThreshold {
    using Math for uint256;

    uint256 internal constant BPS = 10_000;

    /// @notice Treasury share of a new smoothing commitment, in basis points.
    /// @param pufferValidators Active validators run through Puffer.
    /// @param ethereumValidators Active validators on Ethereum (from the latest proof of reserves); zero means
    /// unknown, which counts as no pressure.
    /// @param thresholdBps The burst threshold, in basis points of Ethereum's validators (2200 = 22%).
    function treasuryShareBps(uint256 pufferValidators, uint256 ethereumValidators, uint256 thresholdBps)
        internal
        pure
        returns (uint256)
    {
        if (ethereumValidators == 0 || thresholdBps == 0) return 0;
        // Puffer's share in bps x ethereumValidators, compared without dividing (no rounding at all here).
        uint256 scaledShare = pufferValidators * BPS;
        uint256 thresholdScaled = thresholdBps * ethereumValidators;
        if (scaledShare >= thresholdScaled) return BPS;
        uint256 rampScaled = thresholdScaled / 4; // rounds down: the ramp starts no earlier than T - T/4
        uint256 startScaled = thresholdScaled - rampScaled;
        if (scaledShare <= startScaled || rampScaled == 0) return 0;
        // Rounds up: at the margin the treasury, not a new NoOp, gets the last basis point.
        return (scaledShare - startScaled).mulDiv(BPS, rampScaled, Math.Rounding.Ceil);
    }
}
