// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Errors of the WithdrawalPool.
interface IWithdrawalPoolErrors {
    /// @dev Thrown when redeeming zero shares.
    error WithdrawalZeroShares();
    /// @dev Thrown when `shares` are worth less than one wei after the fee: nothing would be paid.
    error WithdrawalZeroAssets(uint256 shares);
    /// @dev Thrown when ETH would be paid to the zero address.
    error WithdrawalInvalidReceiver(address receiver);
    /// @dev Thrown when the pool holds less exit liquidity than a redemption needs; nothing is paid partially.
    error InsufficientLiquidity(uint256 available, uint256 requested);
    /// @dev Thrown when the ETH a redemption pays is below the caller's `minAssets`.
    error WithdrawalSlippage(uint256 assets, uint256 minAssets);
    /// @dev Thrown when a signed redemption is used after its deadline.
    error WithdrawalPermitExpired(uint256 deadline, uint256 nowTimestamp);
    /// @dev Thrown when a signed redemption was not signed by its owner (or is malformed).
    error WithdrawalInvalidSignature(address owner);
    /// @dev Thrown when the fee is set above the 3% maximum.
    error WithdrawalFeeTooHigh(uint256 feeBps, uint256 maxBps);
    /// @dev Thrown when redemptions are paused.
    error WithdrawalsPaused();
    /// @dev Thrown when a caller other than the PufferPool uses a pool-only path.
    error WithdrawalOnlyPool(address caller);
    /// @dev Thrown when paying ETH to the receiver fails.
    error WithdrawalPaymentFailed(address receiver, uint256 amount);
}

/// @title Events of the WithdrawalPool.
interface IWithdrawalPoolEvents {
    /// @notice Emitted when `owner`'s shares are redeemed and `assets` ETH paid to `receiver`.
    event Redeemed(address indexed owner, address indexed receiver, uint256 shares, uint256 assets);
    /// @notice Emitted when the withdrawal fee changes.
    event WithdrawalFeeSet(uint256 feeBps);
    /// @notice Emitted when redemptions are paused or unpaused.
    event WithdrawalsPausedSet(bool paused);
}

/// @title WithdrawalPool: exit liquidity for pufETH.
/// @notice Redeems pufETH for ETH at `convertToAssets(shares) x (1 - fee)` while it holds enough ETH, never
/// partially. The fee stays in the pools and accrues to the remaining holders.
interface IWithdrawalPool is IWithdrawalPoolErrors, IWithdrawalPoolEvents {
    /// @notice Burns `shares` of the caller and pays the ETH to `receiver`.
    /// @param minAssets Reverts unless at least this much ETH is paid (slippage guard).
    /// @return assets The ETH paid.
    function redeem(uint256 shares, address receiver, uint256 minAssets) external returns (uint256 assets);

    /// @notice Redeems for `owner` with their EIP-712 `Redeem` signature; anyone may submit it, and the ETH can
    /// only go to the `receiver` the owner signed.
    /// @return assets The ETH paid.
    function redeemWithPermit(
        address owner,
        address receiver,
        uint256 shares,
        uint256 minAssets,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 assets);

    /// @notice What redeeming `shares` would pay now (after the fee), ignoring liquidity.
    function previewRedeem(uint256 shares) external view returns (uint256 assets);

    /// @notice The EIP-712 digest `owner` signs to authorise a redemption.
    function redeemDigest(
        address owner,
        address receiver,
        uint256 shares,
        uint256 minAssets,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The next nonce of `owner`'s signed redemptions.
    function nonces(address owner) external view returns (uint256);

    /// @notice Withdrawal fee in basis points (default 100 = 1%, at most 300).
    function withdrawalFeeBps() external view returns (uint256);

    /// @notice The PufferPool whose shares this pool redeems.
    function pool() external view returns (address);

    /// @notice Pays `amount` of this pool's ETH to `to` (PufferPool only: ERC-4626 exits and rebalancing).
    function pay(address to, uint256 amount) external;

    /// @notice Sets the withdrawal fee (DAO, at most 300 bps).
    function setWithdrawalFee(uint256 feeBps) external;

    /// @notice Pauses redemptions (PAUSER; the DAO also holds the pauser role).
    function pauseWithdrawals() external;

    /// @notice Unpauses redemptions (DAO only).
    function unpauseWithdrawals() external;

    /// @notice Whether redemptions are paused.
    function withdrawalsPaused() external view returns (bool);
}
