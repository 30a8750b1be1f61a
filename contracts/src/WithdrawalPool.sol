// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IPufferPool} from "./interfaces/IPufferPool.sol";
import {IWithdrawalPool} from "./interfaces/IWithdrawalPool.sol";

/// @title WithdrawalPool: exit liquidity for pufETH
/// @notice Pays ETH for pufETH at the pool's rate minus the withdrawal fee, from the ETH it holds, in full or not
/// at all. The fee is not paid out: it stays in the pools and raises the value of every remaining pufETH.
/// @dev Deployed by the PufferPool, which it trusts: the pool burns the shares, checks and debits the liquidity
/// counter (it counts this contract's ETH), and is the only sender of ETH to this contract and the only caller of
/// `pay`. Flow of `redeem`: pool burns `shares` of the owner and debits `assets` -> this contract pays `assets`
/// to the receiver. Everything before the payment happens first (checks-effects-interactions), under a
/// reentrancy guard.
///
/// Signed redemptions: the owner signs an EIP-712 `Redeem` naming the receiver, the shares, the minimum ETH, a
/// nonce and a deadline, bound to this contract and chain. Anyone may submit it; the ETH goes only to the
/// receiver the owner signed (a plain EIP-2612 permit would let the submitter pick the receiver).
contract WithdrawalPool is IWithdrawalPool, AccessManaged, EIP712, Nonces, ReentrancyGuardTransient {
    /// @notice Highest withdrawal fee (3%).
    uint256 public constant MAX_WITHDRAWAL_FEE_BPS = 300;
    /// @notice Fee at deployment (1%).
    uint256 public constant DEFAULT_WITHDRAWAL_FEE_BPS = 100;
    /// @notice EIP-712 type of a signed redemption.
    bytes32 public constant REDEEM_TYPEHASH = keccak256(
        "Redeem(address owner,address receiver,uint256 shares,uint256 minAssets,uint256 nonce,uint256 deadline)"
    );

    IPufferPool private immutable _pool;

    uint16 private _feeBps;
    bool private _paused;

    /// @param authority The AccessManager that governs the restricted functions.
    /// @dev Must be deployed by the PufferPool it serves.
    constructor(address authority) AccessManaged(authority) EIP712("Puffer WithdrawalPool", "1") {
        _pool = IPufferPool(msg.sender);
        // forge-lint: disable-next-line(unsafe-typecast)
        _feeBps = uint16(DEFAULT_WITHDRAWAL_FEE_BPS);
    }

    /// @notice Only the PufferPool sends ETH here (it counts it as exit liquidity); anything else is refused.
    receive() external payable {
        if (msg.sender != address(_pool)) revert WithdrawalOnlyPool(msg.sender);
    }

    /// @inheritdoc IWithdrawalPool
    function redeem(uint256 shares, address receiver, uint256 minAssets) external returns (uint256 assets) {
        return _redeem(msg.sender, receiver, shares, minAssets);
    }

    /// @inheritdoc IWithdrawalPool
    function redeemWithPermit(
        address owner,
        address receiver,
        uint256 shares,
        uint256 minAssets,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 assets) {
        if (block.timestamp > deadline) revert WithdrawalPermitExpired(deadline, block.timestamp);
        _checkRedeemSignature(owner, _redeemStructHash(owner, receiver, shares, minAssets, deadline), v, r, s);
        return _redeem(owner, receiver, shares, minAssets);
    }

    /// @inheritdoc IWithdrawalPool
    function previewRedeem(uint256 shares) external view returns (uint256) {
        return _pool.previewRedeem(shares);
    }

    /// @inheritdoc IWithdrawalPool
    function redeemDigest(
        address owner,
        address receiver,
        uint256 shares,
        uint256 minAssets,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(REDEEM_TYPEHASH, owner, receiver, shares, minAssets, nonce, deadline))
        );
    }

    /// @inheritdoc IWithdrawalPool
    function nonces(address owner) public view override(IWithdrawalPool, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IWithdrawalPool
    function withdrawalFeeBps() external view returns (uint256) {
        return _feeBps;
    }

    /// @inheritdoc IWithdrawalPool
    function withdrawalsPaused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IWithdrawalPool
    function pool() external view returns (address) {
        return address(_pool);
    }

    /// @inheritdoc IWithdrawalPool
    /// @dev The pool has already debited its liquidity counter by `amount`.
    function pay(address to, uint256 amount) external {
        if (msg.sender != address(_pool)) revert WithdrawalOnlyPool(msg.sender);
        _sendETH(to, amount);
    }

    /// @inheritdoc IWithdrawalPool
    function setWithdrawalFee(uint256 feeBps) external restricted {
        if (feeBps > MAX_WITHDRAWAL_FEE_BPS) revert WithdrawalFeeTooHigh(feeBps, MAX_WITHDRAWAL_FEE_BPS);
        // forge-lint: disable-next-line(unsafe-typecast)
        _feeBps = uint16(feeBps);
        emit WithdrawalFeeSet(feeBps);
    }

    /// @inheritdoc IWithdrawalPool
    function pauseWithdrawals() external restricted {
        _paused = true;
        emit WithdrawalsPausedSet(true);
    }

    /// @inheritdoc IWithdrawalPool
    function unpauseWithdrawals() external restricted {
        _paused = false;
        emit WithdrawalsPausedSet(false);
    }

    /// @dev Hashes a `Redeem` struct with the owner's next nonce, consuming it.
    function _redeemStructHash(
        address owner,
        address receiver,
        uint256 shares,
        uint256 minAssets,
        uint256 deadline
    ) private returns (bytes32) {
        return keccak256(
            abi.encode(REDEEM_TYPEHASH, owner, receiver, shares, minAssets, _useNonce(owner), deadline)
        );
    }

    /// @dev tryRecover never returns a signer together with an error, and a zero signer never equals a real owner;
    /// both are checked anyway so that no malformed signature can pass for address(0).
    function _checkRedeemSignature(address owner, bytes32 structHash, uint8 v, bytes32 r, bytes32 s)
        private
        view
    {
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(_hashTypedDataV4(structHash), v, r, s);
        if (err != ECDSA.RecoverError.NoError || signer == address(0) || signer != owner) {
            revert WithdrawalInvalidSignature(owner);
        }
    }

    function _redeem(address owner, address receiver, uint256 shares, uint256 minAssets)
        private
        nonReentrant
        returns (uint256 assets)
    {
        if (_paused) revert WithdrawalsPaused();
        if (shares == 0) revert WithdrawalZeroShares();
        if (receiver == address(0)) revert WithdrawalInvalidReceiver(receiver);
        // Burns the owner's shares and debits the liquidity; reverts with InsufficientLiquidity otherwise.
        assets = _pool.redeemForWithdrawalPool(owner, shares, _feeBps);
        if (assets == 0) revert WithdrawalZeroAssets(shares);
        if (assets < minAssets) revert WithdrawalSlippage(assets, minAssets);
        emit Redeemed(owner, receiver, shares, assets);
        _sendETH(receiver, assets);
    }

    function _sendETH(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert WithdrawalPaymentFailed(to, amount);
    }
}
