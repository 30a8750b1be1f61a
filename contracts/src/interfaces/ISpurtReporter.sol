// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Types of the SpurtReporter.
interface ISpurtReporterTypes {
    /// @notice Why a validator left (stored per exit and emitted, for transparency).
    enum ExitReason {
        /// The NoOp exited it voluntarily.
        VOLUNTARY,
        /// Its balance fell below the ejection balance (31 ETH): the guardians ejected it.
        BALANCE_BELOW_EJECTION,
        /// Its smoothing commitment expired without renewal: the guardians ejected it.
        COMMITMENT_EXPIRED,
        /// An AVS slashed it: the guardians ejected it.
        AVS_SLASHING
    }

    /// @notice One strategy's part of a report (the report's `strategies[i]` is strategy index `i`).
    struct StrategyReport {
        /// Root of the NoOp claims of this spurt (`RewardsMerkle` leaves: consensus rewards + AVS commission).
        bytes32 claimsRoot;
        /// Sum of the claims in `claimsRoot`.
        uint256 claimsWei;
        /// AVS fees the strategy received this spurt; `commissionBps` of it is inside the claims, the rest goes to
        /// the pools at the report. Must be 0 for a non-restaking strategy.
        uint256 avsRevenueWei;
        /// ETH of this strategy's exits in the report's exits root (reserved until the exits are processed).
        uint256 exitsWei;
    }

    /// @notice What the guardians report once per growth spurt.
    struct SpurtReport {
        /// The growth spurt reported (`lastReportedSpurt + 1`, or 0 first); it must have ended.
        uint256 spurt;
        /// Last timestamp the signatures are valid.
        uint256 deadline;
        /// Proof of reserves: total beacon balance of Puffer's active (not fully withdrawn) validators, in gwei.
        uint256 beaconBalanceGwei;
        /// How many validators `beaconBalanceGwei` covers (Puffer's active validators).
        uint256 activeValidators;
        /// Active validators on Ethereum (the burst threshold's denominator).
        uint256 ethereumValidators;
        /// Root of the validators that became active this spurt (their commitment starts), for the record.
        bytes32 activationsRoot;
        /// How many leaves `activationsRoot` has.
        uint256 activations;
        /// Root of this spurt's full exits: leaves `exitLeaf(spurt, validatorId, returnedWei, reason)`.
        bytes32 exitsRoot;
        /// How many leaves `exitsRoot` has.
        uint256 exitCount;
        /// Sum over the exits of `max(0, 32 ETH - returnedWei)`: a loss until the exits are processed.
        uint256 exitsShortfallWei;
        /// Per strategy, by index; exactly one entry per strategy.
        StrategyReport[] strategies;
    }

    /// @notice One processed exit (a leaf of a report's exits root).
    struct Exit {
        uint256 validatorId;
        /// ETH the validator's full withdrawal returned to its strategy's pod.
        uint256 returnedWei;
        ExitReason reason;
    }
}

/// @title Errors of the SpurtReporter.
interface ISpurtReporterErrors is ISpurtReporterTypes {
    /// @dev Thrown when a report is not for the next unreported spurt (replayed, older, or skipping one).
    error ReportUnexpectedSpurt(uint256 expected, uint256 reported);
    /// @dev Thrown when a report's spurt has not ended yet.
    error ReportSpurtNotEnded(uint256 spurt, uint256 currentSpurt);
    /// @dev Thrown when the guardians' signatures have expired.
    error ReportExpired(uint256 deadline, uint256 timestamp);
    /// @dev Thrown when the report does not have one entry per strategy.
    error ReportStrategyCountMismatch(uint256 reported, uint256 strategies);
    /// @dev Thrown when a non-restaking strategy is reported with AVS revenue.
    error ReportNoRestakingRevenue(uint256 strategyIndex, uint256 avsRevenueWei);
    /// @dev Thrown when a strategy's claims, pools' AVS share and exits exceed the ETH it holds that is free.
    error ReportClaimsExceedBalance(uint256 strategyIndex, uint256 neededWei, uint256 freeWei);
    /// @dev Thrown when claims are reported without a root, or a root without claims.
    error ReportInvalidClaims(uint256 strategyIndex, bytes32 root, uint256 claimsWei);
    /// @dev Thrown when the implied pufETH rate (assets per 1e18 shares) would move more than `maxBps` in a report.
    error ReportRateChangeTooLarge(uint256 rateBefore, uint256 rateAfter, uint256 maxBps);
    /// @dev Thrown when an exit chunk is empty or larger than MAX_EXITS_PER_CHUNK.
    error ReportInvalidExitChunk(uint256 size, uint256 max);
    /// @dev Thrown when the exits and proofs arrays differ in length.
    error ReportLengthMismatch(uint256 exits, uint256 proofs);
    /// @dev Thrown when an exit is not a leaf of the spurt's exits root.
    error ReportInvalidExitProof(uint256 spurt, uint256 validatorId);
    /// @dev Thrown when an exit names a validator id nobody registered.
    error ReportUnknownValidator(uint256 validatorId);
    /// @dev Thrown when an exit names a validator that already exited.
    error ReportValidatorAlreadyExited(uint256 validatorId);
    /// @dev Thrown when an exit names a validator that was never provisioned (pending, stopped, skipped).
    error ReportValidatorNotProvisioned(uint256 validatorId, uint8 status);
    /// @dev Thrown when processed exits take more of a strategy's ETH than the reports reserved.
    error ReportExitExceedsReserved(uint256 strategyIndex, uint256 requestedWei, uint256 reservedWei);
    /// @dev Thrown when an activation is not a leaf of the spurt's activations root.
    error ReportInvalidActivationProof(uint256 spurt, uint256 validatorId);
    /// @dev Thrown when an activation names a validator that is not PROVISIONED (unknown, pending, already active).
    error ReportValidatorNotActivatable(uint256 validatorId, uint8 status);
    /// @dev Thrown when a governance parameter is out of bounds.
    error ReportParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 min, uint256 max);
    /// @dev Thrown when ETH arrives from anything but a strategy releasing it.
    error ReportUnexpectedETH(address sender);
    /// @dev Thrown when a bond refund transfer fails.
    error ReportTransferFailed(address to, uint256 shares);
}

/// @title Events of the SpurtReporter.
interface ISpurtReporterEvents is ISpurtReporterTypes {
    /// @notice Emitted when a spurt report is accepted.
    event SpurtReported(
        uint256 indexed spurt,
        uint256 beaconBalanceGwei,
        uint256 activeValidators,
        uint256 ethereumValidators,
        uint256 lossesWei,
        uint256 rateBefore,
        uint256 rateAfter,
        uint256 burstShareBps
    );
    /// @notice Emitted per report with the roots the off-chain world needs.
    event SpurtRoots(
        uint256 indexed spurt,
        bytes32 activationsRoot,
        uint256 activations,
        bytes32 exitsRoot,
        uint256 exitCount
    );
    /// @notice Emitted per strategy and report: claims earmarked, AVS revenue split.
    event StrategySettled(
        uint256 indexed spurt,
        uint256 indexed strategyIndex,
        uint256 claimsWei,
        uint256 avsRevenueWei,
        uint256 toPoolsWei,
        uint256 exitsWei
    );
    /// @notice Emitted per processed exit: the bond shares burned for the shortfall and those returned to the NoOp.
    event ValidatorExitProcessed(
        uint256 indexed validatorId,
        uint256 indexed spurt,
        ExitReason reason,
        uint256 returnedWei,
        uint256 shortfallWei,
        uint256 burnedShares,
        uint256 refundedShares
    );
    /// @notice Emitted per processed activation: the spurt in which its commitment started.
    event ValidatorActivationProcessed(uint256 indexed validatorId, uint256 indexed spurt);
    /// @notice Emitted when the maximum rate change per report changes.
    event MaxRateChangeSet(uint256 maxBps);
    /// @notice Emitted when the burst threshold changes.
    event BurstThresholdSet(uint256 thresholdBps);
}

/// @title SpurtReporter: the guardians' growth-spurt reports, proof of reserves, and exit processing.
/// @notice Once per growth spurt, in order and after it ends, a guardian quorum's EIP-712 signature lets anyone post
/// the spurt's report: the pool's reported reserves, each strategy's NoOp claims root, AVS revenue split, and the
/// exits (a root, processed afterwards in bounded chunks by anyone). The pufETH rate may move at most
/// `maxRateChangeBps` per report.
interface ISpurtReporter is ISpurtReporterErrors, ISpurtReporterEvents {
    /// @notice Posts the report for spurt `report.spurt`, signed by a guardian quorum over `reportDigest(report)`.
    function postSpurtReport(SpurtReport calldata report, bytes calldata guardianSignatures) external;

    /// @notice Processes a chunk of `spurt`'s exits (anyone): each leaf once, with its proof. Returns each
    /// validator's ETH to the pool (`releaseLocked`), burns the part of its bond covering its shortfall and sends
    /// the rest of the bond (pufETH) to its NoOp.
    function processExits(uint256 spurt, Exit[] calldata exits, bytes32[][] calldata proofs) external;

    /// @notice Marks a chunk of `spurt`'s activations ACTIVE (anyone, at most MAX_EXITS_PER_CHUNK per call); leaves
    /// `activationLeaf(spurt, validatorId)` of the report's activations root. Records the commitment's start spurt.
    function processActivations(uint256 spurt, uint256[] calldata validatorIds, bytes32[][] calldata proofs)
        external;

    /// @notice The activation leaf `(spurt, validatorId)`, double-hashed.
    function activationLeaf(uint256 spurt, uint256 validatorId) external pure returns (bytes32);

    /// @notice The spurt in which `validatorId`'s activation was reported (its commitment start), if it was.
    function activationSpurt(uint256 validatorId) external view returns (bool activated, uint256 spurt);

    /// @notice Sets the largest rate change a report may cause, in bps (DAO, 1 to 10_000).
    function setMaxRateChangeBps(uint256 maxBps) external;

    /// @notice Sets the burst threshold in bps of Ethereum's validators (DAO, 1 to 10_000).
    function setBurstThresholdBps(uint256 thresholdBps) external;

    /// @notice The EIP-712 digest the guardians sign for `report`.
    function reportDigest(SpurtReport calldata report) external view returns (bytes32);

    /// @notice The exit leaf `(spurt, validatorId, returnedWei, reason)`, double-hashed like the rewards leaves.
    function exitLeaf(uint256 spurt, uint256 validatorId, uint256 returnedWei, ExitReason reason)
        external
        pure
        returns (bytes32);

    /// @notice The next spurt to report.
    function nextSpurt() external view returns (uint256);

    /// @notice The exits root reported for `spurt`.
    function exitsRoot(uint256 spurt) external view returns (bytes32);

    /// @notice Why `validatorId` exited (stored when its exit is processed) and whether it did.
    function exitReason(uint256 validatorId) external view returns (bool exited, ExitReason reason);

    /// @notice Latest figures: Puffer's active validators and Ethereum's (for the burst threshold).
    function latestValidatorCounts() external view returns (uint256 pufferActive, uint256 ethereumActive);

    /// @notice Loss still pending: beacon shortfall of active validators plus unprocessed exits' shortfall.
    function pendingLosses() external view returns (uint256 beaconLossWei, uint256 exitShortfallWei);

    /// @notice ETH of reported, unprocessed exits still reserved in strategy `strategyIndex`.
    function reservedExitETH(uint256 strategyIndex) external view returns (uint256);

    /// @notice Largest rate change per report, in bps (default 100 = the 1% withdrawal fee).
    function maxRateChangeBps() external view returns (uint256);

    /// @notice The burst threshold in bps (default 2_200).
    function burstThresholdBps() external view returns (uint256);
}
