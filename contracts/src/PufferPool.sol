// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IPufferPool} from "./interfaces/IPufferPool.sol";
import {IWETH} from "./interfaces/IWETH.sol";
import {IWithdrawalPool} from "./interfaces/IWithdrawalPool.sol";
import {WithdrawalPool} from "./WithdrawalPool.sol";

/// @title PufferPool: pufETH
/// @notice Stakers deposit ETH (or WETH through ERC-4626) and receive pufETH. pufETH is redeemed for ETH at the
/// WithdrawalPool while it has exit liquidity.
///
/// @dev Accounting. Everything the pool is owed is counted in `totalAssets`:
///
///     totalAssets = address(this).balance        ETH waiting to be provisioned (deposits, revenue, gifts)
///                 + withdrawalPoolETH             exit liquidity, held by the WithdrawalPool
///                 + lockedETH                     32 ETH per provisioned validator not yet returned
///                 + reportedNetETH                from the guardians' latest proof of reserves: ETH owed to the
///                                                 pool that is not yet in it, minus reported losses
///
/// The first three parts are observed on-chain; only the last one is reported. `withdrawalPoolETH` is a counter
/// rather than the WithdrawalPool's balance: every ETH movement in or out of the WithdrawalPool goes through this
/// contract (which updates the counter), ETH forced into the WithdrawalPool is not counted, and deposits avoid a
/// cold BALANCE read of another account.
///
/// Conversions round in the pool's favour: shares minted and assets paid round down, shares burned and assets
/// pulled round up. The first-depositor inflation attack is defeated by dead shares minted at deployment (the
/// constructor's `msg.value`, at least `MIN_DEAD_DEPOSIT`) on top of OpenZeppelin's virtual share and asset.
///
/// Growth spurts. This contract keeps the growth-spurt clock for the whole protocol (minting is capped per spurt,
/// and the protocol reads `currentSpurt` for its own caps and reports). Spurt `i` covers
/// `[anchorTime + (i - anchorSpurt) * length, ... + length)`; a length change takes effect at the next spurt's
/// start, so a running spurt never changes its end.
contract PufferPool is IPufferPool, ERC4626, ERC20Permit, AccessManaged, ReentrancyGuardTransient {
    using Math for uint256;
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    /// @notice ETH each validator is provisioned with.
    uint256 public constant ETH_PER_VALIDATOR = 32 ether;
    /// @notice ETH the deployer must deposit for dead shares (inflation-attack defence).
    uint256 public constant MIN_DEAD_DEPOSIT = 0.001 ether;
    /// @notice Where the dead shares live; nobody holds its key.
    address public constant DEAD_SHARES_HOLDER = address(0xdEaD);
    /// @notice Highest share of inflows that may go to the WithdrawalPool.
    uint256 public constant MAX_WITHDRAWAL_POOL_SHARE_BPS = 5000;
    /// @notice Default share of inflows kept as exit liquidity (10%).
    uint256 public constant DEFAULT_WITHDRAWAL_POOL_SHARE_BPS = 1000;
    /// @notice Default growth-spurt length.
    uint256 public constant DEFAULT_SPURT_SECONDS = 7 days;
    /// @notice Shortest allowed growth spurt.
    uint256 public constant MIN_SPURT_SECONDS = 1 days;
    /// @notice Longest allowed growth spurt (fits the packed 24-bit field with room to spare).
    uint256 public constant MAX_SPURT_SECONDS = 28 days;

    uint256 private constant _BPS = 10_000;
    /// @dev Mint cap and minted counter are kept in gwei of pufETH in 56 bits (up to 72 million pufETH); the
    /// all-ones value means "no cap".
    uint256 private constant _UNLIMITED_GWEI = type(uint56).max;

    /// @dev One slot, read by every deposit and redemption. `reportedNetGwei` is reported in gwei (beacon-chain
    /// units); the 96-bit wei counters reach 79 billion ETH.
    struct Reserves {
        uint96 lockedWei;
        uint96 withdrawalPoolWei;
        int64 reportedNetGwei;
    }

    /// @dev One slot, read and written by every deposit: the spurt clock, the spurt's minted pufETH and cap,
    /// and the pause flag.
    struct MintState {
        uint40 anchorTime;
        uint24 spurtSeconds;
        uint32 anchorSpurt;
        uint32 mintedSpurt;
        uint56 mintedGwei;
        uint56 capGwei;
        bool paused;
    }

    IWETH private immutable _weth;
    IWithdrawalPool private immutable _withdrawalPool;

    Reserves private _reserves;
    MintState private _mintState;
    uint16 private _withdrawalPoolShareBps;

    /// @param authority The AccessManager that governs the restricted functions.
    /// @param weth The WETH contract, the ERC-4626 `asset()`.
    /// @dev `msg.value` (at least `MIN_DEAD_DEPOSIT`) is minted 1:1 to `DEAD_SHARES_HOLDER`. Deploys the
    /// WithdrawalPool, which is bound to this pool forever.
    constructor(address authority, IWETH weth)
        payable
        ERC20("Puffer ETH", "pufETH")
        ERC20Permit("Puffer ETH")
        ERC4626(IERC20(address(weth)))
        AccessManaged(authority)
    {
        if (msg.value < MIN_DEAD_DEPOSIT) revert PoolZeroAmount();
        _weth = weth;
        _withdrawalPool = new WithdrawalPool(authority);
        _mintState = MintState({
            anchorTime: uint40(block.timestamp),
            // forge-lint: disable-next-line(unsafe-typecast)
            spurtSeconds: uint24(DEFAULT_SPURT_SECONDS),
            anchorSpurt: 0,
            mintedSpurt: 0,
            mintedGwei: 0,
            // forge-lint: disable-next-line(unsafe-typecast)
            capGwei: uint56(_UNLIMITED_GWEI),
            paused: false
        });
        // forge-lint: disable-next-line(unsafe-typecast)
        _withdrawalPoolShareBps = uint16(DEFAULT_WITHDRAWAL_POOL_SHARE_BPS);
        _mint(DEAD_SHARES_HOLDER, msg.value);
        emit Deposit(msg.sender, DEAD_SHARES_HOLDER, msg.value, msg.value);
    }

    /// @notice Accepts ETH from anyone: WETH unwrapping, the WithdrawalPool returning liquidity, and gifts (which
    /// raise every holder's ETH value).
    receive() external payable {}

    // ------------------------------------------------------------------------------------------------------------
    // Staker entry points
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferPool
    function depositETH(address receiver) external payable returns (uint256 shares) {
        if (msg.value == 0) revert PoolZeroAmount();
        if (receiver == address(0)) revert PoolInvalidReceiver(receiver);
        // `msg.value` is already in this contract's balance: price the deposit against the assets before it.
        // Rounds down: the depositor never gets more pufETH than the ETH is worth.
        // Plain checked arithmetic instead of mulDiv (cheaper on the hottest path): both factors are bounded by the
        // ETH supply (< 2^90 wei), so the product cannot overflow. Division truncates, i.e. rounds down.
        shares = msg.value * (totalSupply() + 1) / (_totalAssets(msg.value) + 1);
        if (shares == 0) revert PoolZeroAmount();
        _useMintCap(shares);
        _mint(receiver, shares);
        emit Deposit(msg.sender, receiver, msg.value, shares);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ERC4626
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        return _totalAssets(0);
    }

    /// @inheritdoc ERC20
    function decimals() public view override(ERC20, ERC4626, IERC20Metadata) returns (uint8) {
        return ERC4626.decimals();
    }

    /// @inheritdoc IPufferPool
    function withdrawalPool() external view returns (address) {
        return address(_withdrawalPool);
    }

    /// @inheritdoc IPufferPool
    function lockedETH() external view returns (uint256) {
        return _reserves.lockedWei;
    }

    /// @inheritdoc IPufferPool
    function withdrawalPoolETH() public view returns (uint256) {
        return _reserves.withdrawalPoolWei;
    }

    /// @inheritdoc IPufferPool
    function reportedNetETH() external view returns (int256) {
        return int256(_reserves.reportedNetGwei) * 1 gwei;
    }

    /// @inheritdoc IPufferPool
    function availableETH() external view returns (uint256) {
        return address(this).balance;
    }

    /// @inheritdoc IPufferPool
    function currentSpurt() public view returns (uint256) {
        return _spurtAt(_mintState, block.timestamp);
    }

    /// @inheritdoc IPufferPool
    function currentSpurtEnd() public view returns (uint256) {
        MintState memory m = _mintState;
        if (block.timestamp < m.anchorTime) return m.anchorTime;
        uint256 spurt = _spurtAt(m, block.timestamp);
        return uint256(m.anchorTime) + (spurt - m.anchorSpurt + 1) * m.spurtSeconds;
    }

    /// @inheritdoc IPufferPool
    function spurtLength() external view returns (uint256) {
        return _mintState.spurtSeconds;
    }

    /// @inheritdoc IPufferPool
    function remainingMintCap() public view returns (uint256) {
        MintState memory m = _mintState;
        if (m.capGwei == _UNLIMITED_GWEI) return type(uint256).max;
        uint256 minted = _spurtAt(m, block.timestamp) == m.mintedSpurt ? m.mintedGwei : 0;
        return minted >= m.capGwei ? 0 : (m.capGwei - minted) * 1 gwei;
    }

    /// @inheritdoc IPufferPool
    function depositsPaused() public view returns (bool) {
        return _mintState.paused;
    }

    /// @inheritdoc IPufferPool
    function withdrawalPoolShareBps() external view returns (uint256) {
        return _withdrawalPoolShareBps;
    }

    /// @inheritdoc ERC4626
    /// @dev Zero while paused; otherwise what the current spurt's cap still allows, rounded down.
    function maxDeposit(address) public view override(ERC4626, IERC4626) returns (uint256) {
        if (_mintState.paused) return 0;
        uint256 remaining = remainingMintCap();
        if (remaining == type(uint256).max) return type(uint256).max;
        return _convertToAssets(remaining, Math.Rounding.Floor);
    }

    /// @inheritdoc ERC4626
    function maxMint(address) public view override(ERC4626, IERC4626) returns (uint256) {
        if (_mintState.paused) return 0;
        return remainingMintCap();
    }

    /// @inheritdoc ERC4626
    /// @dev What `owner` can withdraw now: their shares' value after the fee, capped by the exit liquidity.
    function maxWithdraw(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        if (_withdrawalPool.withdrawalsPaused()) return 0;
        return Math.min(previewRedeem(balanceOf(owner)), withdrawalPoolETH());
    }

    /// @inheritdoc ERC4626
    /// @dev The most shares whose redemption the exit liquidity can pay in full (never over-promises: the shares
    /// are rounded down from the gross amount the liquidity covers).
    function maxRedeem(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        if (_withdrawalPool.withdrawalsPaused()) return 0;
        uint256 feeBps = _withdrawalPool.withdrawalFeeBps();
        uint256 grossCovered = withdrawalPoolETH().mulDiv(_BPS, _BPS - feeBps, Math.Rounding.Floor);
        return Math.min(balanceOf(owner), _convertToShares(grossCovered, Math.Rounding.Floor));
    }

    /// @inheritdoc ERC4626
    /// @dev Net of the withdrawal fee; the fee rounds up, the payout down.
    function previewRedeem(uint256 shares) public view override(ERC4626, IERC4626) returns (uint256) {
        return _netAssets(shares, _withdrawalPool.withdrawalFeeBps());
    }

    /// @inheritdoc ERC4626
    /// @dev Shares to burn so that the payout after the fee is at least `assets`; rounds up.
    function previewWithdraw(uint256 assets) public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 feeBps = _withdrawalPool.withdrawalFeeBps();
        uint256 gross = assets.mulDiv(_BPS, _BPS - feeBps, Math.Rounding.Ceil);
        return _convertToShares(gross, Math.Rounding.Ceil);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Protocol (ROLE_PROTOCOL)
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferPool
    function provisionETH(uint256 validators) external restricted {
        if (validators == 0) revert PoolZeroAmount();
        uint256 amount = validators * ETH_PER_VALIDATOR;
        uint256 available = address(this).balance;
        if (amount > available) revert PoolInsufficientETH(available, amount);
        Reserves memory r = _reserves;
        r.lockedWei = (uint256(r.lockedWei) + amount).toUint96();
        _reserves = r;
        emit ETHProvisioned(msg.sender, validators, amount, r.lockedWei);
        _sendETH(msg.sender, amount);
    }

    /// @inheritdoc IPufferPool
    function releaseLocked(uint256 validators) external payable restricted {
        uint256 released = validators * ETH_PER_VALIDATOR;
        Reserves memory r = _reserves;
        if (released > r.lockedWei) revert PoolLockedUnderflow(r.lockedWei, released);
        // Safe: checked just above.
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            r.lockedWei -= uint96(released);
        }
        uint256 toWithdrawalPool = _splitInflow(r, msg.value);
        _reserves = r;
        emit LockedETHReleased(released, msg.value, toWithdrawalPool, r.lockedWei);
        if (toWithdrawalPool != 0) _sendETH(address(_withdrawalPool), toWithdrawalPool);
    }

    /// @inheritdoc IPufferPool
    function depositRevenue() external payable {
        if (msg.value == 0) revert PoolZeroAmount();
        Reserves memory r = _reserves;
        uint256 toWithdrawalPool = _splitInflow(r, msg.value);
        _reserves = r;
        emit RevenueReceived(msg.sender, msg.value, toWithdrawalPool);
        if (toWithdrawalPool != 0) _sendETH(address(_withdrawalPool), toWithdrawalPool);
    }

    /// @inheritdoc IPufferPool
    /// @dev Stored in gwei: owed rounds down and losses round up, so the reported figure never overstates assets.
    function reportReserves(uint256 owedWei, uint256 lossesWei) external restricted {
        uint256 owedGwei = owedWei / 1 gwei; // rounds down
        uint256 lossesGwei = lossesWei.ceilDiv(1 gwei); // rounds up
        if (owedGwei > uint64(type(int64).max) || lossesGwei > uint64(type(int64).max)) {
            revert PoolReportOverflow(owedWei, lossesWei);
        }
        // forge-lint: disable-next-line(unsafe-typecast)
        int64 net = int64(int256(owedGwei) - int256(lossesGwei));
        _reserves.reportedNetGwei = net;
        emit ReservesReported(owedWei, lossesWei, int256(net) * 1 gwei);
    }

    /// @inheritdoc IPufferPool
    function burnShares(uint256 shares) external restricted {
        if (shares == 0) revert PoolZeroAmount();
        _burn(msg.sender, shares);
        emit SharesBurned(msg.sender, shares);
    }

    // ------------------------------------------------------------------------------------------------------------
    // WithdrawalPool
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferPool
    function redeemForWithdrawalPool(address owner, uint256 shares, uint256 feeBps)
        external
        returns (uint256 assets)
    {
        if (msg.sender != address(_withdrawalPool)) revert PoolOnlyWithdrawalPool(msg.sender);
        assets = _netAssets(shares, feeBps);
        _debitLiquidity(assets);
        _burn(owner, shares);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferPool
    /// @dev `type(uint256).max` removes the cap; otherwise the cap is kept in whole gwei (rounded down) and counts
    /// from the moment it is set.
    function setMintCap(uint256 capShares) external restricted {
        uint256 capGwei = capShares == type(uint256).max ? _UNLIMITED_GWEI : capShares / 1 gwei;
        if (capShares != type(uint256).max && capGwei >= _UNLIMITED_GWEI) {
            revert PoolParameterOutOfBounds("mintCap", capShares, 0, (_UNLIMITED_GWEI - 1) * 1 gwei);
        }
        MintState memory m = _mintState;
        // forge-lint: disable-next-line(unsafe-typecast)
        m.capGwei = uint56(capGwei);
        // The count starts afresh: pufETH minted earlier in this spurt, uncounted or under another cap, is not
        // held against the new cap.
        m.mintedSpurt = uint32(_spurtAt(m, block.timestamp));
        m.mintedGwei = 0;
        _mintState = m;
        emit MintCapSet(capGwei == _UNLIMITED_GWEI ? type(uint256).max : capGwei * 1 gwei);
    }

    /// @inheritdoc IPufferPool
    function setWithdrawalPoolShare(uint256 shareBps) external restricted {
        if (shareBps > MAX_WITHDRAWAL_POOL_SHARE_BPS) {
            revert PoolParameterOutOfBounds("withdrawalPoolShare", shareBps, 0, MAX_WITHDRAWAL_POOL_SHARE_BPS);
        }
        // forge-lint: disable-next-line(unsafe-typecast)
        _withdrawalPoolShareBps = uint16(shareBps);
        emit WithdrawalPoolShareSet(shareBps);
    }

    /// @inheritdoc IPufferPool
    function setSpurtLength(uint256 lengthSeconds) external restricted {
        if (lengthSeconds < MIN_SPURT_SECONDS || lengthSeconds > MAX_SPURT_SECONDS) {
            revert PoolParameterOutOfBounds(
                "spurtLength", lengthSeconds, MIN_SPURT_SECONDS, MAX_SPURT_SECONDS
            );
        }
        uint256 nextStart = currentSpurtEnd();
        uint256 nextSpurt = currentSpurt() + 1;
        MintState memory m = _mintState;
        m.anchorTime = nextStart.toUint40();
        m.anchorSpurt = nextSpurt.toUint32();
        // forge-lint: disable-next-line(unsafe-typecast)
        m.spurtSeconds = uint24(lengthSeconds);
        _mintState = m;
        emit SpurtLengthSet(lengthSeconds, nextSpurt, nextStart);
    }

    /// @inheritdoc IPufferPool
    function moveLiquidity(bool toWithdrawalPool, uint256 amountWei) external restricted {
        if (amountWei == 0) revert PoolZeroAmount();
        if (toWithdrawalPool) {
            uint256 available = address(this).balance;
            if (amountWei > available) revert PoolInsufficientETH(available, amountWei);
            Reserves memory r = _reserves;
            r.withdrawalPoolWei = (uint256(r.withdrawalPoolWei) + amountWei).toUint96();
            _reserves = r;
        } else {
            _debitLiquidity(amountWei);
        }
        emit LiquidityMoved(toWithdrawalPool, amountWei, _reserves.withdrawalPoolWei);
        if (toWithdrawalPool) _sendETH(address(_withdrawalPool), amountWei);
        else _withdrawalPool.pay(address(this), amountWei);
    }

    /// @inheritdoc IPufferPool
    function pauseDeposits() external restricted {
        _mintState.paused = true;
        emit DepositsPausedSet(true);
    }

    /// @inheritdoc IPufferPool
    function unpauseDeposits() external restricted {
        _mintState.paused = false;
        emit DepositsPausedSet(false);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Total assets not counting `excludeWei` of this contract's balance (ETH that arrived with the current
    /// call and must not price itself). A reported loss larger than everything else clamps to zero.
    function _totalAssets(uint256 excludeWei) private view returns (uint256) {
        Reserves memory r = _reserves;
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 total = int256(address(this).balance - excludeWei) + int256(uint256(r.withdrawalPoolWei))
            + int256(uint256(r.lockedWei)) + int256(r.reportedNetGwei) * 1 gwei;
        // forge-lint: disable-next-line(unsafe-typecast)
        return total > 0 ? uint256(total) : 0;
    }

    /// @dev ETH paid for `shares` after a `feeBps` fee: the value rounds down, the fee rounds up.
    function _netAssets(uint256 shares, uint256 feeBps) private view returns (uint256) {
        uint256 gross = _convertToAssets(shares, Math.Rounding.Floor);
        return gross - gross.mulDiv(feeBps, _BPS, Math.Rounding.Ceil);
    }

    /// @dev Counts `shares` against the current spurt's cap (in gwei of pufETH, rounded up), resetting the counter
    /// when a new spurt has begun. Reverts while paused. Without a cap nothing is counted (saves a storage write
    /// on every deposit); `setMintCap` starts the count afresh.
    function _useMintCap(uint256 shares) private {
        MintState memory m = _mintState;
        if (m.paused) revert PoolDepositsPaused();
        if (m.capGwei == _UNLIMITED_GWEI) return;
        uint256 spurt = _spurtAt(m, block.timestamp);
        uint256 minted = spurt == m.mintedSpurt ? m.mintedGwei : 0;
        uint256 total = minted + shares.ceilDiv(1 gwei);
        if (total > m.capGwei) {
            revert PoolMintCapExceeded(spurt, shares, minted >= m.capGwei ? 0 : (m.capGwei - minted) * 1 gwei);
        }
        // forge-lint: disable-next-line(unsafe-typecast)
        m.mintedSpurt = uint32(spurt);
        // forge-lint: disable-next-line(unsafe-typecast)
        m.mintedGwei = uint56(total);
        _mintState = m;
    }

    /// @dev The spurt a timestamp falls in. Before `anchorTime` (only after a length change that waits for the
    /// running spurt to end) it is the running spurt, `anchorSpurt - 1`. Division rounds down: a spurt includes
    /// its first second and excludes its end.
    function _spurtAt(MintState memory m, uint256 timestamp) private pure returns (uint256) {
        if (timestamp < m.anchorTime) return uint256(m.anchorSpurt) - 1;
        return uint256(m.anchorSpurt) + (timestamp - m.anchorTime) / m.spurtSeconds;
    }

    /// @dev Splits an inflow: the WithdrawalPool's share rounds down, the rest stays in this contract.
    function _splitInflow(Reserves memory r, uint256 amount) private view returns (uint256 toWithdrawalPool) {
        toWithdrawalPool = amount.mulDiv(_withdrawalPoolShareBps, _BPS, Math.Rounding.Floor);
        r.withdrawalPoolWei = (uint256(r.withdrawalPoolWei) + toWithdrawalPool).toUint96();
    }

    /// @dev ERC-4626 `deposit`/`mint` with WETH: pull the WETH, unwrap it to ETH, count the mint against the cap.
    /// `shares` were priced before the WETH arrived.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        if (assets == 0 || shares == 0) revert PoolZeroAmount();
        if (receiver == address(0)) revert PoolInvalidReceiver(receiver);
        _useMintCap(shares);
        IERC20(address(_weth)).safeTransferFrom(caller, address(this), assets);
        _weth.withdraw(assets);
        _mint(receiver, shares);
        emit Deposit(caller, receiver, assets, shares);
    }

    /// @dev ERC-4626 `withdraw`/`redeem`: burn, debit the WithdrawalPool's liquidity, have it pay the ETH here,
    /// wrap it and send WETH to `receiver`. The withdrawal fee is in `assets` already (see previews).
    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
        nonReentrant
    {
        if (assets == 0 || shares == 0) revert PoolZeroAmount();
        if (receiver == address(0)) revert PoolInvalidReceiver(receiver);
        if (caller != owner) _spendAllowance(owner, caller, shares);
        _debitLiquidity(assets);
        _burn(owner, shares);
        emit Withdraw(caller, receiver, owner, assets, shares);
        _withdrawalPool.pay(address(this), assets);
        _weth.deposit{value: assets}();
        IERC20(address(_weth)).safeTransfer(receiver, assets);
    }

    /// @dev Takes `amountWei` off the WithdrawalPool's liquidity counter (the ETH leaves it right after); never
    /// below zero: `InsufficientLiquidity(available, requested)`.
    function _debitLiquidity(uint256 amountWei) private {
        Reserves memory r = _reserves;
        if (amountWei > r.withdrawalPoolWei) revert InsufficientLiquidity(r.withdrawalPoolWei, amountWei);
        // Safe: checked just above.
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast)
            r.withdrawalPoolWei -= uint96(amountWei);
        }
        _reserves = r;
    }

    function _sendETH(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert PoolETHTransferFailed(to, amount);
    }
}
