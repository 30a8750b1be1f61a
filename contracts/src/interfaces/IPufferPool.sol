// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

/// @title Errors of the PufferPool (pufETH).
interface IPufferPoolErrors {
    /// @dev Thrown when a deposit, mint or protocol transfer is for zero wei or zero shares.
    error PoolZeroAmount();
    /// @dev Thrown when pufETH would be minted to, or ETH sent to, the zero address.
    error PoolInvalidReceiver(address receiver);
    /// @dev Thrown when deposits are paused by the pauser.
    error PoolDepositsPaused();
    /// @dev Thrown when a deposit would mint more pufETH in growth spurt `spurt` than its cap allows.
    error PoolMintCapExceeded(uint256 spurt, uint256 requestedShares, uint256 remainingShares);
    /// @dev Thrown when the pool (excluding the WithdrawalPool's liquidity) holds less ETH than requested.
    error PoolInsufficientETH(uint256 available, uint256 requested);
    /// @dev Thrown when the protocol releases more locked ETH than is locked.
    error PoolLockedUnderflow(uint256 locked, uint256 released);
    /// @dev Thrown when a caller other than the pool's own WithdrawalPool uses a WithdrawalPool-only path.
    error PoolOnlyWithdrawalPool(address caller);
    /// @dev Thrown when a governance parameter is set outside its bounds.
    error PoolParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 min, uint256 max);
    /// @dev Thrown when a reported figure does not fit the packed reserves slot.
    error PoolReportOverflow(uint256 owedWei, uint256 lossesWei);
    /// @dev Thrown when an ETH transfer out of the pool fails.
    error PoolETHTransferFailed(address to, uint256 amount);
    /// @dev Thrown when the ERC-4626 redemption path asks the WithdrawalPool for more than it holds.
    error InsufficientLiquidity(uint256 available, uint256 requested);
}

/// @title Events of the PufferPool (pufETH).
interface IPufferPoolEvents {
    /// @notice Emitted when the protocol takes ETH to provision `validators` validators; `lockedWei` is the new total.
    event ETHProvisioned(address indexed to, uint256 validators, uint256 amountWei, uint256 lockedWei);
    /// @notice Emitted when the protocol returns the ETH of exited validators and releases their lock.
    event LockedETHReleased(
        uint256 releasedWei, uint256 returnedWei, uint256 toWithdrawalPoolWei, uint256 lockedWei
    );
    /// @notice Emitted when revenue (commitments, rewards, gifts) is paid into the pools.
    event RevenueReceived(address indexed from, uint256 amountWei, uint256 toWithdrawalPoolWei);
    /// @notice Emitted when the guardians' proof of reserves updates the beacon-side figures.
    event ReservesReported(uint256 owedWei, uint256 lossesWei, int256 reportedNetWei);
    /// @notice Emitted when the protocol burns pufETH it holds (a NoOp bond covering a loss).
    event SharesBurned(address indexed holder, uint256 shares);
    /// @notice Emitted when ETH moves between the PufferPool and the WithdrawalPool.
    event LiquidityMoved(bool toWithdrawalPool, uint256 amountWei, uint256 withdrawalPoolWei);
    /// @notice Emitted when the per-spurt mint cap changes (in pufETH, 18 decimals).
    event MintCapSet(uint256 capShares);
    /// @notice Emitted when the share of inflows kept as exit liquidity changes.
    event WithdrawalPoolShareSet(uint256 shareBps);
    /// @notice Emitted when the growth-spurt length changes; it applies from spurt `fromSpurt`, starting at `startsAt`.
    event SpurtLengthSet(uint256 lengthSeconds, uint256 fromSpurt, uint256 startsAt);
    /// @notice Emitted when deposits are paused or unpaused.
    event DepositsPausedSet(bool paused);
}

/// @title PufferPool: pufETH, the reward-bearing receipt for ETH staked with Puffer.
/// @notice pufETH is an ERC-20 with EIP-2612 permit and an ERC-4626 vault over WETH. ETH value per pufETH is
/// `totalAssets / totalSupply`; it grows as smoothing commitments and restaking rewards flow in.
/// @dev The seams for the rest of the protocol:
///  - The protocol (ROLE_PROTOCOL) is the only caller that moves pool ETH out (`provisionETH`), returns it
///    (`releaseLocked`), reports beacon-side figures (`reportReserves`) and burns the bonds it holds
///    (`burnShares`). It pays revenue in through the public `depositRevenue` and takes a NoOp's bond as pufETH
///    through the public `depositETH`, holding the bond shares itself.
///  - The WithdrawalPool is the only contract that burns shares for ETH (`redeemForWithdrawalPool`).
///  - The growth-spurt clock lives here (minting is capped per spurt) and is the single source for the protocol.
interface IPufferPool is IERC4626, IPufferPoolErrors, IPufferPoolEvents {
    /// @notice Deposits `msg.value` ETH and mints pufETH to `receiver`, rounding the shares down.
    /// @return shares The pufETH minted.
    function depositETH(address receiver) external payable returns (uint256 shares);

    /// @notice The WithdrawalPool this pool redeems through.
    function withdrawalPool() external view returns (address);

    /// @notice ETH locked in validators: 32 ETH for each provisioned validator not yet returned.
    function lockedETH() external view returns (uint256);

    /// @notice ETH held by the WithdrawalPool as exit liquidity (tracked here; equals its balance).
    function withdrawalPoolETH() external view returns (uint256);

    /// @notice What the latest proof of reserves says is owed to the pool minus reported losses (wei).
    function reportedNetETH() external view returns (int256);

    /// @notice ETH in this contract available for provisioning (excludes the WithdrawalPool's liquidity).
    function availableETH() external view returns (uint256);

    /// @notice The current growth spurt (0 from deployment).
    function currentSpurt() external view returns (uint256);

    /// @notice When the current growth spurt ends (first second of the next one).
    function currentSpurtEnd() external view returns (uint256);

    /// @notice Current spurt length in seconds.
    function spurtLength() external view returns (uint256);

    /// @notice pufETH that may still be minted in the current growth spurt.
    function remainingMintCap() external view returns (uint256);

    /// @notice Whether deposits are paused.
    function depositsPaused() external view returns (bool);

    /// @notice Share of protocol inflows routed to the WithdrawalPool, in basis points.
    function withdrawalPoolShareBps() external view returns (uint256);

    // ---- protocol (ROLE_PROTOCOL) ----

    /// @notice Sends `validators` x 32 ETH to the caller to provision validators, and locks it.
    function provisionETH(uint256 validators) external;

    /// @notice Returns the ETH of `validators` exited validators (`msg.value`, which may be less than 32 ETH each
    /// after losses) and unlocks 32 ETH for each. Part of the ETH goes to the WithdrawalPool.
    function releaseLocked(uint256 validators) external payable;

    /// @notice Pays revenue into the pools, raising pufETH's backing: the pool's part of smoothing commitments,
    /// restaking rewards, or any gift. Anyone may call it; `withdrawalPoolShareBps` of it becomes exit liquidity.
    function depositRevenue() external payable;

    /// @notice Records the guardians' proof-of-reserves figures: ETH owed to the pool not yet in it, and losses.
    function reportReserves(uint256 owedWei, uint256 lossesWei) external;

    /// @notice Burns `shares` pufETH held by the caller without paying ETH (a bond covering a loss).
    function burnShares(uint256 shares) external;

    // ---- WithdrawalPool only ----

    /// @notice Burns `shares` of `owner` at the current rate net of `feeBps` and debits the WithdrawalPool's
    /// liquidity; the WithdrawalPool then pays the returned amount.
    /// @return assets The ETH to pay the receiver (rounded down).
    function redeemForWithdrawalPool(address owner, uint256 shares, uint256 feeBps)
        external
        returns (uint256 assets);

    // ---- governance ----

    /// @notice Sets the pufETH that may be minted per growth spurt (DAO).
    function setMintCap(uint256 capShares) external;

    /// @notice Sets the share of inflows routed to the WithdrawalPool (DAO, at most 50%).
    function setWithdrawalPoolShare(uint256 shareBps) external;

    /// @notice Sets the growth-spurt length from the next spurt on (DAO, 1 to 28 days).
    function setSpurtLength(uint256 lengthSeconds) external;

    /// @notice Moves ETH from the pool to the WithdrawalPool (`toWithdrawalPool`) or back (DAO).
    function moveLiquidity(bool toWithdrawalPool, uint256 amountWei) external;

    /// @notice Pauses deposits (PAUSER; the DAO also holds the pauser role).
    function pauseDeposits() external;

    /// @notice Unpauses deposits (DAO only).
    function unpauseDeposits() external;
}
