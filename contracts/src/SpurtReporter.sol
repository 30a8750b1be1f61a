// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IGuardianModule} from "./interfaces/IGuardianModule.sol";
import {IPufferPool} from "./interfaces/IPufferPool.sol";
import {IPufferProtocol, IPufferProtocolTypes} from "./interfaces/IPufferProtocol.sol";
import {IPufferStrategy} from "./interfaces/IPufferStrategy.sol";
import {ISpurtReporter} from "./interfaces/ISpurtReporter.sol";
import {BurstThreshold} from "./lib/BurstThreshold.sol";

/// @title SpurtReporter
/// @notice Growth-spurt reports, proof of reserves, AVS revenue split, and exits.
///
/// @dev Flow of one report (`postSpurtReport`), all or nothing:
///
///  1. Checks: `report.spurt == nextSpurt` (no replay, no skipping), the spurt has ended
///     (`pool.currentSpurt() > report.spurt`), the deadline has not passed, one entry per strategy, and a guardian
///     quorum signed `reportDigest(report)` = EIP-712 (domain: name "PufferSpurtReporter", version "1", chain id,
///     this contract) of `SpurtReport(uint256 spurt,uint256 deadline,bytes32 reportHash)` with
///     `reportHash = keccak256(abi.encode(report))`.
///  2. `rateBefore = pool.convertToAssets(1e18)`.
///  3. Per strategy i: commission = avsRevenue x commissionBps / 10_000 (rounds down, pools' favour) stays in the
///     strategy inside the claims; `toPools = avsRevenue - commission`. The strategy must hold, free of earlier
///     earmarks and reserved exits, `claims + toPools + exitsWei` (else `ReportClaimsExceedBalance`). Then: the
///     claims root is published and its total earmarked (`setClaims`), `exitsWei` is reserved for the exits, and
///     `toPools` is released and paid in through `pool.depositRevenue` (the pool routes its WithdrawalPool share).
///  4. Reserves: `beaconLoss = max(0, activeValidators x 32 ETH - beaconBalance)` (rewards above 32 ETH belong to
///     the NoOps, who skim them as partial withdrawals, so nothing is "owed" beyond the locked 32 ETH), plus the
///     pending exits' shortfall: `pool.reportReserves(0, beaconLoss + exitShortfall)`.
///  5. `rateAfter`; if `|rateAfter - rateBefore| x 10_000 > maxRateChangeBps x rateBefore` the report reverts with
///     `ReportRateChangeTooLarge`.
///  6. Burst threshold: `protocol.setBurstShare(BurstThreshold.treasuryShareBps(active, ethereum, threshold))`.
///
/// Exits (`processExits`, anyone, at most MAX_EXITS_PER_CHUNK per call): for each leaf of a reported exits root
/// (proof checked, validator PROVISIONED/ACTIVE, marked EXITED once by the protocol):
///
///     shortfall = max(0, 32 ETH - returned)
///     burn      = min(bondShares, ceil(shortfall x (supply + 1) / (totalAssets + 1)))   (rounds up: stakers' favour)
///     refund    = bondShares - burn  ─► the NoOp, as pufETH
///
/// then, per chunk: the returned ETH is released from the strategies and paid to the pool with
/// `pool.releaseLocked{value: sum returned}(n)` (locked ETH drops by 32 ETH each), the burn is executed, the
/// pending shortfall drops by the chunk's and the reserves are re-reported. A loss bigger than the bond burns the
/// whole bond and the rest stays socialised (the rate drops), without underflow or revert. Between the report and
/// processing, the pending shortfall is already counted as a loss, so the rate does not jump at processing except
/// upward by the burned bonds.
///
/// Emergency path: a real rate move above the bound (a mass slashing) cannot be reported. The DAO raises
/// `maxRateChangeBps` through the timelock (`setMaxRateChangeBps`), then the guardians sign and post the report
/// again (the spurt is still `nextSpurt`), and the DAO restores the bound.
///
/// Sandwiching: a staker who deposits before a report and redeems after gains at most `maxRateChangeBps` and pays
/// the withdrawal fee (1%) on redemption; the default bound is 1% (100 bps), so the sandwich cannot profit.
contract SpurtReporter is ISpurtReporter, AccessManaged, EIP712 {
    /// @notice Most exits processed in one call: bounds gas per call (~70k per exit, so a full chunk stays under
    /// 2M gas; see docs/bench/40-spurts.md).
    uint256 public constant MAX_EXITS_PER_CHUNK = 25;
    /// @notice ETH per validator.
    uint256 internal constant ETH_PER_VALIDATOR = 32 ether;
    /// @notice EIP-712 type of a report approval.
    bytes32 internal constant SPURT_REPORT_TYPEHASH =
        keccak256("SpurtReport(uint256 spurt,uint256 deadline,bytes32 reportHash)");

    uint256 private constant _BPS = 10_000;
    uint256 private constant _MAX_STRATEGIES = 8;

    /// @dev Sums over one exit chunk.
    struct ExitTotals {
        uint256 returned;
        uint256 shortfall;
        uint256 burn;
        uint256 supplyPlusOne;
        uint256 assetsPlusOne;
        uint256[_MAX_STRATEGIES] perStrategy;
    }

    IPufferPool private immutable _pool;
    IPufferProtocol private immutable _protocol;
    IGuardianModule private immutable _guardianModule;

    uint256 private _nextSpurt;
    uint256 private _maxRateChangeBps;
    uint256 private _burstThresholdBps;
    uint256 private _pufferActive;
    uint256 private _ethereumActive;
    uint256 private _beaconLossWei;
    uint256 private _exitShortfallWei;
    mapping(uint256 spurt => bytes32) private _exitsRoots;
    mapping(uint256 spurt => bytes32) private _activationsRoots;
    /// @dev Spurt of activation + 1 (0: not activated through a report).
    mapping(uint256 validatorId => uint256) private _activationSpurtPlusOne;
    mapping(uint256 strategyIndex => uint256) private _reservedExitWei;
    /// @dev Exit reason + 1 (0: not exited through a report).
    mapping(uint256 validatorId => uint8) private _exitReasons;
    /// @dev The strategy allowed to send ETH here within the current call.
    address private transient _releasingStrategy;

    /// @param authority The AccessManager (DAO functions restricted).
    /// @param pool The PufferPool (this contract holds ROLE_PROTOCOL there).
    /// @param protocol The PufferProtocol (this contract holds ROLE_REPORTER there).
    /// @param guardianModule The guardian set that signs reports.
    constructor(address authority, IPufferPool pool, IPufferProtocol protocol, IGuardianModule guardianModule)
        AccessManaged(authority)
        EIP712("PufferSpurtReporter", "1")
    {
        _pool = pool;
        _protocol = protocol;
        _guardianModule = guardianModule;
        _maxRateChangeBps = 100;
        _burstThresholdBps = 2200;
        emit MaxRateChangeSet(100);
        emit BurstThresholdSet(2200);
    }

    /// @notice Accepts ETH only from the strategy this contract is releasing from.
    receive() external payable {
        if (msg.sender != _releasingStrategy) revert ReportUnexpectedETH(msg.sender);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reports
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISpurtReporter
    function postSpurtReport(SpurtReport calldata report, bytes calldata guardianSignatures) external {
        uint256 spurt = report.spurt;
        if (spurt != _nextSpurt) revert ReportUnexpectedSpurt(_nextSpurt, spurt);
        uint256 current = _pool.currentSpurt();
        if (current <= spurt) revert ReportSpurtNotEnded(spurt, current);
        if (block.timestamp > report.deadline) revert ReportExpired(report.deadline, block.timestamp);
        bytes32[] memory names = _protocol.strategyNames();
        if (report.strategies.length != names.length) {
            revert ReportStrategyCountMismatch(report.strategies.length, names.length);
        }
        _guardianModule.verify(reportDigest(report), guardianSignatures);

        uint256 rateBefore = _pool.convertToAssets(1 ether);
        uint256 losses = _recordFigures(report);
        for (uint256 i = 0; i < names.length; i++) {
            _settleStrategy(spurt, i, names[i], report.strategies[i]);
        }
        _pool.reportReserves(0, losses);
        uint256 rateAfter = _checkRate(rateBefore);

        uint256 burstShare = BurstThreshold.treasuryShareBps(
            report.activeValidators, report.ethereumValidators, _burstThresholdBps
        );
        _protocol.setBurstShare(burstShare);
        emit SpurtReported(
            spurt,
            report.beaconBalanceGwei,
            report.activeValidators,
            report.ethereumValidators,
            losses,
            rateBefore,
            rateAfter,
            burstShare
        );
    }

    /// @dev Steps 1 (effects) and 4 of the flow: stores the figures and returns the losses to report.
    function _recordFigures(SpurtReport calldata report) private returns (uint256 lossesWei) {
        uint256 spurt = report.spurt;
        _nextSpurt = spurt + 1;
        _pufferActive = report.activeValidators;
        _ethereumActive = report.ethereumValidators;
        _exitsRoots[spurt] = report.exitsRoot;
        _activationsRoots[spurt] = report.activationsRoot;
        uint256 stakedWei = report.activeValidators * ETH_PER_VALIDATOR;
        uint256 beaconWei = report.beaconBalanceGwei * 1 gwei;
        uint256 beaconLoss = stakedWei > beaconWei ? stakedWei - beaconWei : 0;
        _beaconLossWei = beaconLoss;
        uint256 exitShortfall = _exitShortfallWei + report.exitsShortfallWei;
        _exitShortfallWei = exitShortfall;
        emit SpurtRoots(spurt, report.activationsRoot, report.activations, report.exitsRoot, report.exitCount);
        return beaconLoss + exitShortfall;
    }

    /// @dev Step 5 of the flow: reverts when the rate moved more than the bound; returns the new rate.
    function _checkRate(uint256 rateBefore) private view returns (uint256 rateAfter) {
        rateAfter = _pool.convertToAssets(1 ether);
        uint256 moved = rateAfter > rateBefore ? rateAfter - rateBefore : rateBefore - rateAfter;
        // Compared without dividing: no rounding.
        if (moved * _BPS > _maxRateChangeBps * rateBefore) {
            revert ReportRateChangeTooLarge(rateBefore, rateAfter, _maxRateChangeBps);
        }
    }

    /// @dev Step 3 of the flow for one strategy.
    function _settleStrategy(uint256 spurt, uint256 index, bytes32 name, StrategyReport calldata sr) private {
        IPufferProtocolTypes.StrategyView memory view_ = _protocol.strategy(name);
        if (sr.avsRevenueWei != 0 && !view_.restaking) {
            revert ReportNoRestakingRevenue(index, sr.avsRevenueWei);
        }
        if ((sr.claimsRoot == bytes32(0)) != (sr.claimsWei == 0)) {
            revert ReportInvalidClaims(index, sr.claimsRoot, sr.claimsWei);
        }
        // Rounds down: the pools, not the NoOps, get the last wei.
        uint256 commission = sr.avsRevenueWei * view_.commissionBps / _BPS;
        uint256 toPools = sr.avsRevenueWei - commission;
        IPufferStrategy strategy = IPufferStrategy(view_.strategy);
        uint256 reserved = _reservedExitWei[index];
        uint256 held = strategy.freeETH();
        uint256 free = held > reserved ? held - reserved : 0;
        uint256 needed = sr.claimsWei + toPools + sr.exitsWei;
        if (needed > free) revert ReportClaimsExceedBalance(index, needed, free);

        _reservedExitWei[index] = reserved + sr.exitsWei;
        emit StrategySettled(spurt, index, sr.claimsWei, sr.avsRevenueWei, toPools, sr.exitsWei);
        if (sr.claimsWei != 0) strategy.setClaims(spurt, sr.claimsRoot, sr.claimsWei);
        if (toPools != 0) {
            _release(strategy, toPools);
            _pool.depositRevenue{value: toPools}();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Exits
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISpurtReporter
    function processExits(uint256 spurt, Exit[] calldata exits, bytes32[][] calldata proofs) external {
        uint256 n = exits.length;
        if (n == 0 || n > MAX_EXITS_PER_CHUNK) revert ReportInvalidExitChunk(n, MAX_EXITS_PER_CHUNK);
        if (proofs.length != n) revert ReportLengthMismatch(n, proofs.length);
        bytes32 root = _exitsRoots[spurt];

        ExitTotals memory t;
        // Rate for the bond burns: the pending shortfall is already reported as a loss, so this is the post-loss
        // rate; it does not change inside the loop (shares only move between the protocol, here and NoOps).
        t.supplyPlusOne = IERC20(address(_pool)).totalSupply() + 1;
        t.assetsPlusOne = _pool.totalAssets() + 1;
        for (uint256 i = 0; i < n; i++) {
            _processExit(spurt, root, exits[i], proofs[i], t);
        }
        uint256 shortfallTotal = t.shortfall;
        uint256 returnedTotal = t.returned;
        uint256 burnTotal = t.burn;
        uint256[_MAX_STRATEGIES] memory perStrategy = t.perStrategy;

        // Effects before the ETH moves: reservations and the pending shortfall.
        // Saturating: the guardians' shortfall total and the leaves agree; if they do not, never underflow.
        uint256 pending = _exitShortfallWei;
        pending = pending > shortfallTotal ? pending - shortfallTotal : 0;
        _exitShortfallWei = pending;
        bytes32[] memory names = _protocol.strategyNames();
        for (uint256 s = 0; s < names.length; s++) {
            uint256 amount = perStrategy[s];
            if (amount == 0) continue;
            uint256 reserved = _reservedExitWei[s];
            if (amount > reserved) revert ReportExitExceedsReserved(s, amount, reserved);
            _reservedExitWei[s] = reserved - amount;
            _release(IPufferStrategy(_protocol.strategy(names[s]).strategy), amount);
        }
        _pool.releaseLocked{value: returnedTotal}(n);
        if (burnTotal != 0) _pool.burnShares(burnTotal);
        _pool.reportReserves(0, _beaconLossWei + pending);
    }

    /// @inheritdoc ISpurtReporter
    function processActivations(uint256 spurt, uint256[] calldata validatorIds, bytes32[][] calldata proofs)
        external
    {
        uint256 n = validatorIds.length;
        if (n == 0 || n > MAX_EXITS_PER_CHUNK) revert ReportInvalidExitChunk(n, MAX_EXITS_PER_CHUNK);
        if (proofs.length != n) revert ReportLengthMismatch(n, proofs.length);
        bytes32 root = _activationsRoots[spurt];
        for (uint256 i = 0; i < n; i++) {
            uint256 id = validatorIds[i];
            if (!MerkleProof.verifyCalldata(proofs[i], root, activationLeaf(spurt, id))) {
                revert ReportInvalidActivationProof(spurt, id);
            }
            IPufferProtocolTypes.ValidatorStatus status = _protocol.validator(id).status;
            if (status != IPufferProtocolTypes.ValidatorStatus.PROVISIONED) {
                revert ReportValidatorNotActivatable(id, uint8(status));
            }
            _activationSpurtPlusOne[id] = spurt + 1;
            emit ValidatorActivationProcessed(id, spurt);
            _protocol.activateValidator(id);
        }
    }

    /// @dev One exit of a chunk: proof, status, EXITED once, bond burn and refund; accumulates into `t`.
    function _processExit(
        uint256 spurt,
        bytes32 root,
        Exit calldata e,
        bytes32[] calldata proof,
        ExitTotals memory t
    ) private {
        if (!MerkleProof.verifyCalldata(proof, root, exitLeaf(spurt, e.validatorId, e.returnedWei, e.reason)))
        {
            revert ReportInvalidExitProof(spurt, e.validatorId);
        }
        _checkExitable(e.validatorId);
        (address owner, uint256 bondShares) = _protocol.exitValidator(e.validatorId);
        _exitReasons[e.validatorId] = uint8(e.reason) + 1;

        uint256 shortfall = e.returnedWei < ETH_PER_VALIDATOR ? ETH_PER_VALIDATOR - e.returnedWei : 0;
        // Rounds up: the stakers, not the NoOp, get the last wei of the bond.
        uint256 burn = Math.min(
            bondShares, Math.mulDiv(shortfall, t.supplyPlusOne, t.assetsPlusOne, Math.Rounding.Ceil)
        );
        uint256 refund = bondShares - burn; // cannot underflow: burn <= bondShares
        t.burn += burn;
        t.shortfall += shortfall;
        t.returned += e.returnedWei;
        t.perStrategy[e.validatorId >> 64] += e.returnedWei;
        emit ValidatorExitProcessed(e.validatorId, spurt, e.reason, e.returnedWei, shortfall, burn, refund);
        if (refund != 0 && !IERC20(address(_pool)).transfer(owner, refund)) {
            revert ReportTransferFailed(owner, refund);
        }
    }

    /// @dev Named errors for exits that cannot be processed (the protocol's own check is the backstop).
    function _checkExitable(uint256 validatorId) private view {
        IPufferProtocolTypes.ValidatorStatus status = _protocol.validator(validatorId).status;
        if (status == IPufferProtocolTypes.ValidatorStatus.NONE) revert ReportUnknownValidator(validatorId);
        if (status == IPufferProtocolTypes.ValidatorStatus.EXITED) {
            revert ReportValidatorAlreadyExited(validatorId);
        }
        if (
            status != IPufferProtocolTypes.ValidatorStatus.PROVISIONED
                && status != IPufferProtocolTypes.ValidatorStatus.ACTIVE
        ) revert ReportValidatorNotProvisioned(validatorId, uint8(status));
    }

    /// @dev Takes `amountWei` from `strategy` (which checks it is free of claims).
    function _release(IPufferStrategy strategy, uint256 amountWei) private {
        _releasingStrategy = address(strategy);
        strategy.release(amountWei);
        _releasingStrategy = address(0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISpurtReporter
    function setMaxRateChangeBps(uint256 maxBps) external restricted {
        if (maxBps == 0 || maxBps > _BPS) {
            revert ReportParameterOutOfBounds("maxRateChangeBps", maxBps, 1, _BPS);
        }
        _maxRateChangeBps = maxBps;
        emit MaxRateChangeSet(maxBps);
    }

    /// @inheritdoc ISpurtReporter
    function setBurstThresholdBps(uint256 thresholdBps) external restricted {
        if (thresholdBps == 0 || thresholdBps > _BPS) {
            revert ReportParameterOutOfBounds("burstThresholdBps", thresholdBps, 1, _BPS);
        }
        _burstThresholdBps = thresholdBps;
        emit BurstThresholdSet(thresholdBps);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISpurtReporter
    function reportDigest(SpurtReport calldata report) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    SPURT_REPORT_TYPEHASH, report.spurt, report.deadline, keccak256(abi.encode(report))
                )
            )
        );
    }

    /// @inheritdoc ISpurtReporter
    function exitLeaf(uint256 spurt, uint256 validatorId, uint256 returnedWei, ExitReason reason)
        public
        pure
        returns (bytes32)
    {
        return keccak256(bytes.concat(keccak256(abi.encode(spurt, validatorId, returnedWei, reason))));
    }

    /// @inheritdoc ISpurtReporter
    function activationLeaf(uint256 spurt, uint256 validatorId) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(spurt, validatorId))));
    }

    /// @inheritdoc ISpurtReporter
    function activationSpurt(uint256 validatorId) external view returns (bool activated, uint256 spurt) {
        uint256 stored = _activationSpurtPlusOne[validatorId];
        if (stored == 0) return (false, 0);
        return (true, stored - 1);
    }

    /// @inheritdoc ISpurtReporter
    function nextSpurt() external view returns (uint256) {
        return _nextSpurt;
    }

    /// @inheritdoc ISpurtReporter
    function exitsRoot(uint256 spurt) external view returns (bytes32) {
        return _exitsRoots[spurt];
    }

    /// @inheritdoc ISpurtReporter
    function exitReason(uint256 validatorId) external view returns (bool exited, ExitReason reason) {
        uint8 stored = _exitReasons[validatorId];
        if (stored == 0) return (false, ExitReason.VOLUNTARY);
        return (true, ExitReason(stored - 1));
    }

    /// @inheritdoc ISpurtReporter
    function latestValidatorCounts() external view returns (uint256 pufferActive, uint256 ethereumActive) {
        return (_pufferActive, _ethereumActive);
    }

    /// @inheritdoc ISpurtReporter
    function pendingLosses() external view returns (uint256 beaconLossWei, uint256 exitShortfallWei) {
        return (_beaconLossWei, _exitShortfallWei);
    }

    /// @inheritdoc ISpurtReporter
    function reservedExitETH(uint256 strategyIndex) external view returns (uint256) {
        return _reservedExitWei[strategyIndex];
    }

    /// @inheritdoc ISpurtReporter
    function maxRateChangeBps() external view returns (uint256) {
        return _maxRateChangeBps;
    }

    /// @inheritdoc ISpurtReporter
    function burstThresholdBps() external view returns (uint256) {
        return _burstThresholdBps;
    }
}
