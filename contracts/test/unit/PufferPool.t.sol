// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

import {DevWETH} from "../../src/dev/DevWETH.sol";
import {IPufferPool, IPufferPoolErrors, IPufferPoolEvents} from "../../src/interfaces/IPufferPool.sol";
import {IWETH} from "../../src/interfaces/IWETH.sol";
import {PufferPool} from "../../src/PufferPool.sol";
import {PufferTest} from "../utils/PufferTest.sol";

contract PufferPoolConstructorTest is PufferTest {
    function test_constructor_mintsDeadSharesOneToOne() public view {
        assertEq(pool.balanceOf(pool.DEAD_SHARES_HOLDER()), DEAD_DEPOSIT);
        assertEq(pool.totalSupply(), DEAD_DEPOSIT);
        assertEq(pool.totalAssets(), DEAD_DEPOSIT);
        assertEq(_rate(), 1 ether);
    }

    function test_constructor_bindsItsWithdrawalPool() public view {
        assertEq(wp.pool(), address(pool));
        assertEq(pool.withdrawalPool(), address(wp));
        assertEq(pool.asset(), address(weth));
    }

    function test_constructor_setsDefaults() public view {
        assertEq(pool.name(), "Puffer ETH");
        assertEq(pool.symbol(), "pufETH");
        assertEq(pool.decimals(), 18);
        assertEq(pool.spurtLength(), 7 days);
        assertEq(pool.currentSpurt(), 0);
        assertEq(pool.withdrawalPoolShareBps(), 1000);
        assertEq(pool.remainingMintCap(), type(uint256).max);
        assertFalse(pool.depositsPaused());
        assertEq(wp.withdrawalFeeBps(), 100);
    }

    function test_constructor_revertWhen_deadDepositTooSmall() public {
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        new PufferPool{value: 0.001 ether - 1}(address(am), IWETH(address(weth)));
    }
}

contract PufferPoolDepositETHTest is PufferTest {
    function test_depositETH_mintsAtOneToOneInitially() public {
        vm.deal(alice, 10 ether);
        vm.expectEmit(address(pool));
        emit IERC4626.Deposit(alice, bob, 10 ether, 10 ether);
        vm.prank(alice);
        uint256 shares = pool.depositETH{value: 10 ether}(bob);
        assertEq(shares, 10 ether);
        assertEq(pool.balanceOf(bob), 10 ether);
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 10 ether);
    }

    function test_depositETH_mintsFewerSharesAfterRevenue() public {
        _deposit(alice, 9.999 ether); // 10 ETH of assets with the dead deposit
        pool.depositRevenue{value: 1 ether}(); // rate 1.1
        uint256 shares = _deposit(bob, 11 ether);
        // 11 * (10 + 1) / (11 + 1), rounded down (the virtual share and asset shift it by under a wei).
        assertEq(shares, uint256(11 ether) * (10 ether + 1) / (11 ether + 1));
        assertApproxEqAbs(shares, 10 ether, 1);
    }

    function test_depositETH_roundsDownInThePoolsFavour() public {
        _deposit(alice, 1 ether);
        pool.depositRevenue{value: 1}(); // assets no longer a multiple of supply
        uint256 supplyBefore = pool.totalSupply();
        uint256 assetsBefore = pool.totalAssets();
        uint256 shares = _deposit(bob, 3);
        assertLe(shares * (assetsBefore + 1), 3 * (supplyBefore + 1), "minted more than the ETH is worth");
    }

    function test_depositETH_revertWhen_zeroValue() public {
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        pool.depositETH{value: 0}(alice);
    }

    function test_depositETH_revertWhen_receiverIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IPufferPoolErrors.PoolInvalidReceiver.selector, address(0)));
        pool.depositETH{value: 1 ether}(address(0));
    }

    function test_depositETH_revertWhen_paused() public {
        vm.prank(pauser);
        pool.pauseDeposits();
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(IPufferPoolErrors.PoolDepositsPaused.selector);
        pool.depositETH{value: 1 ether}(alice);
    }

    function test_depositETH_revertWhen_mintCapExceeded() public {
        vm.prank(address(timelock));
        pool.setMintCap(5 ether);
        _deposit(alice, 3 ether);
        vm.deal(bob, 3 ether);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferPoolErrors.PoolMintCapExceeded.selector, 0, 3 ether, 2 ether)
        );
        pool.depositETH{value: 3 ether}(bob);
        assertEq(pool.balanceOf(bob), 0, "no state change");
    }

    function test_depositETH_revertWhen_sharesRoundToZero() public {
        _deposit(alice, 1 ether);
        pool.depositRevenue{value: 100 ether}(); // 1 share is now worth ~100 wei
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        pool.depositETH{value: 1}(alice);
    }
}

contract PufferPoolMintCapTest is PufferTest {
    function test_mintCap_resetsEachSpurt() public {
        vm.prank(address(timelock));
        pool.setMintCap(5 ether);
        _deposit(alice, 5 ether);
        assertEq(pool.remainingMintCap(), 0);
        vm.warp(block.timestamp + 7 days);
        assertEq(pool.currentSpurt(), 1);
        assertEq(pool.remainingMintCap(), 5 ether);
        _deposit(alice, 5 ether);
    }

    function test_mintCap_countsWethDepositsToo() public {
        vm.prank(address(timelock));
        pool.setMintCap(2 ether);
        _wethDeposit(alice, 2 ether);
        assertEq(pool.maxDeposit(alice), 0);
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IPufferPoolErrors.PoolMintCapExceeded.selector, 0, 1 ether, 0));
        pool.depositETH{value: 1 ether}(bob);
    }

    function test_setMintCap_unlimitedWithMaxUint() public {
        vm.startPrank(address(timelock));
        pool.setMintCap(1 ether);
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.MintCapSet(type(uint256).max);
        pool.setMintCap(type(uint256).max);
        vm.stopPrank();
        assertEq(pool.remainingMintCap(), type(uint256).max);
        _deposit(alice, 1000 ether);
    }

    function test_setMintCap_revertWhen_notDao() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        vm.prank(alice);
        pool.setMintCap(1 ether);
    }

    function test_setMintCap_revertWhen_tooLargeToStore() public {
        uint256 tooLarge = uint256(type(uint56).max) * 1 gwei;
        vm.prank(address(timelock));
        vm.expectPartialRevert(IPufferPoolErrors.PoolParameterOutOfBounds.selector);
        pool.setMintCap(tooLarge);
    }

    function _wethDeposit(address who, uint256 amount) internal {
        vm.deal(who, amount);
        vm.startPrank(who);
        weth.deposit{value: amount}();
        weth.approve(address(pool), amount);
        pool.deposit(amount, who);
        vm.stopPrank();
    }
}

contract PufferPoolSpurtClockTest is PufferTest {
    function test_currentSpurt_advancesEverySpurtLength() public {
        uint256 start = block.timestamp;
        assertEq(pool.currentSpurtEnd(), start + 7 days);
        vm.warp(start + 7 days - 1);
        assertEq(pool.currentSpurt(), 0);
        vm.warp(start + 7 days);
        assertEq(pool.currentSpurt(), 1);
        vm.warp(start + 70 days + 5);
        assertEq(pool.currentSpurt(), 10);
        assertEq(pool.currentSpurtEnd(), start + 77 days);
    }

    function test_setSpurtLength_appliesFromTheNextSpurt() public {
        uint256 start = block.timestamp;
        vm.warp(start + 3 days);
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.SpurtLengthSet(1 days, 1, start + 7 days);
        vm.prank(address(timelock));
        pool.setSpurtLength(1 days);
        assertEq(pool.currentSpurt(), 0, "the running spurt keeps its index");
        assertEq(pool.currentSpurtEnd(), start + 7 days, "the running spurt keeps its end");
        vm.warp(start + 7 days);
        assertEq(pool.currentSpurt(), 1);
        assertEq(pool.currentSpurtEnd(), start + 8 days);
        vm.warp(start + 10 days);
        assertEq(pool.currentSpurt(), 4);
    }

    function test_setSpurtLength_twiceBeforeItAppliesKeepsTheBoundary() public {
        uint256 start = block.timestamp;
        vm.startPrank(address(timelock));
        pool.setSpurtLength(1 days);
        pool.setSpurtLength(14 days);
        vm.stopPrank();
        assertEq(pool.currentSpurtEnd(), start + 7 days);
        vm.warp(start + 7 days + 13 days);
        assertEq(pool.currentSpurt(), 1);
        vm.warp(start + 21 days);
        assertEq(pool.currentSpurt(), 2);
    }

    function test_setSpurtLength_revertWhen_outOfBounds() public {
        vm.startPrank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferPoolErrors.PoolParameterOutOfBounds.selector,
                bytes32("spurtLength"),
                1 days - 1,
                1 days,
                28 days
            )
        );
        pool.setSpurtLength(1 days - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferPoolErrors.PoolParameterOutOfBounds.selector,
                bytes32("spurtLength"),
                28 days + 1,
                1 days,
                28 days
            )
        );
        pool.setSpurtLength(28 days + 1);
        vm.stopPrank();
    }

    function test_setSpurtLength_revertWhen_notDao() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this))
        );
        pool.setSpurtLength(1 days);
    }
}

contract PufferPoolWethVaultTest is PufferTest {
    function setUp() public override {
        super.setUp();
        vm.deal(alice, 100 ether);
        vm.startPrank(alice);
        weth.deposit{value: 100 ether}();
        weth.approve(address(pool), type(uint256).max);
        vm.stopPrank();
    }

    function test_deposit_pullsWethAndHoldsEth() public {
        vm.prank(alice);
        uint256 shares = pool.deposit(10 ether, bob);
        assertEq(shares, 10 ether);
        assertEq(pool.balanceOf(bob), 10 ether);
        assertEq(weth.balanceOf(address(pool)), 0, "WETH is unwrapped");
        assertEq(address(pool).balance, DEAD_DEPOSIT + 10 ether);
    }

    function test_mint_roundsAssetsUp() public {
        pool.depositRevenue{value: 1}();
        uint256 assets = pool.previewMint(1 ether);
        vm.prank(alice);
        uint256 paid = pool.mint(1 ether, alice);
        assertEq(paid, assets);
        assertGe(
            paid * (pool.totalSupply() - 1 ether + 1), 1 ether * (pool.totalAssets() - paid + 1) - 1 ether
        );
        assertGt(paid, 1 ether, "a rate above one costs more than one wei per share");
    }

    function test_deposit_revertWhen_noAllowance() public {
        vm.startPrank(bob);
        vm.deal(bob, 1 ether);
        weth.deposit{value: 1 ether}();
        vm.expectPartialRevert(IERC20Errors.ERC20InsufficientAllowance.selector);
        pool.deposit(1 ether, bob);
        vm.stopPrank();
    }

    function test_deposit_revertWhen_paused() public {
        vm.prank(pauser);
        pool.pauseDeposits();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, alice, 1 ether, 0));
        pool.deposit(1 ether, alice);
    }

    function test_deposit_revertWhen_zero() public {
        vm.prank(alice);
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        pool.deposit(0, alice);
    }

    function test_redeem_paysWethNetOfFee() public {
        vm.prank(alice);
        pool.deposit(10 ether, alice);
        _fundWithdrawalPool(10 ether);
        uint256 expected = pool.previewRedeem(1 ether);
        assertEq(expected, 0.99 ether);
        vm.prank(alice);
        uint256 assets = pool.redeem(1 ether, bob, alice);
        assertEq(assets, 0.99 ether);
        assertEq(weth.balanceOf(bob), 0.99 ether);
        assertEq(pool.withdrawalPoolETH(), 10 ether - 0.99 ether);
        assertEq(address(wp).balance, 10 ether - 0.99 ether);
    }

    function test_withdraw_burnsEnoughSharesForTheExactAssets() public {
        vm.prank(alice);
        pool.deposit(10 ether, alice);
        _fundWithdrawalPool(10 ether);
        uint256 before = pool.balanceOf(alice);
        vm.prank(alice);
        uint256 shares = pool.withdraw(0.99 ether, bob, alice);
        assertEq(weth.balanceOf(bob), 0.99 ether);
        assertEq(before - pool.balanceOf(alice), shares);
        assertEq(shares, 1 ether);
    }

    function test_redeem_byApprovedOperatorSpendsAllowance() public {
        vm.prank(alice);
        pool.deposit(10 ether, alice);
        _fundWithdrawalPool(10 ether);
        vm.prank(alice);
        pool.approve(bob, 2 ether);
        vm.prank(bob);
        pool.redeem(2 ether, bob, alice);
        assertEq(pool.allowance(alice, bob), 0);
        vm.prank(bob);
        vm.expectRevert(); // max redeem for bob's pull is bounded by alice's balance; allowance is now zero
        pool.redeem(1 ether, bob, alice);
    }

    function test_redeem_revertWhen_liquidityShort() public {
        vm.prank(alice);
        pool.deposit(10 ether, alice);
        _fundWithdrawalPool(1 ether);
        uint256 maxShares = pool.maxRedeem(alice);
        assertLt(maxShares, 2 ether);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxRedeem.selector, alice, 2 ether, maxShares)
        );
        pool.redeem(2 ether, alice, alice);
        vm.prank(alice);
        pool.redeem(maxShares, alice, alice); // the advertised maximum is payable
    }

    function test_maxWithdraw_zeroWhenWithdrawalsPaused() public {
        vm.prank(alice);
        pool.deposit(10 ether, alice);
        _fundWithdrawalPool(10 ether);
        vm.prank(pauser);
        wp.pauseWithdrawals();
        assertEq(pool.maxWithdraw(alice), 0);
        assertEq(pool.maxRedeem(alice), 0);
    }
}

contract PufferPoolProtocolTest is PufferTest {
    function setUp() public override {
        super.setUp();
        _deposit(alice, 100 ether);
    }

    function test_provisionETH_sendsAndLocks() public {
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.ETHProvisioned(protocol, 2, 64 ether, 64 ether);
        vm.prank(protocol);
        pool.provisionETH(2);
        assertEq(protocol.balance, 64 ether);
        assertEq(pool.lockedETH(), 64 ether);
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 100 ether, "provisioning does not change assets");
    }

    function test_provisionETH_revertWhen_notProtocol() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        vm.prank(alice);
        pool.provisionETH(1);
    }

    function test_provisionETH_revertWhen_zero() public {
        vm.prank(protocol);
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        pool.provisionETH(0);
    }

    function test_provisionETH_revertWhen_notEnoughETH() public {
        _fundWithdrawalPool(10 ether); // exit liquidity is not available for provisioning
        vm.prank(protocol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferPoolErrors.PoolInsufficientETH.selector, DEAD_DEPOSIT + 90 ether, 96 ether
            )
        );
        pool.provisionETH(3);
    }

    function test_releaseLocked_unlocksAndSplits() public {
        vm.prank(protocol);
        pool.provisionETH(2);
        vm.deal(protocol, 64 ether);
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.LockedETHReleased(64 ether, 64 ether, 6.4 ether, 0);
        vm.prank(protocol);
        pool.releaseLocked{value: 64 ether}(2);
        assertEq(pool.lockedETH(), 0);
        assertEq(pool.withdrawalPoolETH(), 6.4 ether);
        assertEq(address(wp).balance, 6.4 ether);
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 100 ether);
    }

    function test_releaseLocked_lossShowsInTheRate() public {
        vm.prank(protocol);
        pool.provisionETH(1);
        uint256 rateBefore = _rate();
        vm.deal(protocol, 30 ether);
        vm.prank(protocol);
        pool.releaseLocked{value: 30 ether}(1);
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 98 ether);
        assertLt(_rate(), rateBefore);
    }

    function test_releaseLocked_revertWhen_moreThanLocked() public {
        vm.prank(protocol);
        pool.provisionETH(1);
        vm.prank(protocol);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferPoolErrors.PoolLockedUnderflow.selector, 32 ether, 64 ether)
        );
        pool.releaseLocked(2);
    }

    function test_releaseLocked_revertWhen_notProtocol() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this))
        );
        pool.releaseLocked(0);
    }

    function test_depositRevenue_raisesRateAndFundsExitLiquidity() public {
        uint256 rateBefore = _rate();
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.RevenueReceived(address(this), 10 ether, 1 ether);
        pool.depositRevenue{value: 10 ether}();
        assertEq(pool.withdrawalPoolETH(), 1 ether);
        assertGt(_rate(), rateBefore);
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 110 ether);
    }

    function test_depositRevenue_revertWhen_zero() public {
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        pool.depositRevenue{value: 0}();
    }

    function test_reportReserves_addsOwedAndSubtractsLosses() public {
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.ReservesReported(5 ether + 1, 2 ether + 1, 3 ether - 1 gwei);
        vm.prank(protocol);
        pool.reportReserves(5 ether + 1, 2 ether + 1); // owed rounds down, losses round up (gwei)
        assertEq(pool.reportedNetETH(), int256(3 ether - 1 gwei));
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 103 ether - 1 gwei);
    }

    function test_reportReserves_lossesBeyondAssetsClampToZero() public {
        vm.prank(protocol);
        pool.reportReserves(0, 1000 ether);
        assertEq(pool.totalAssets(), 0);
        assertEq(pool.reportedNetETH(), -1000 ether);
    }

    function test_reportReserves_revertWhen_overflow() public {
        uint256 huge = uint256(uint64(type(int64).max) + 1) * 1 gwei;
        vm.prank(protocol);
        vm.expectRevert(abi.encodeWithSelector(IPufferPoolErrors.PoolReportOverflow.selector, huge, 0));
        pool.reportReserves(huge, 0);
    }

    function test_reportReserves_revertWhen_notProtocol() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this))
        );
        pool.reportReserves(1, 0);
    }

    function test_burnShares_burnsCallerSharesAndRaisesRate() public {
        vm.deal(protocol, 1 ether);
        vm.prank(protocol);
        pool.depositETH{value: 1 ether}(protocol);
        uint256 rateBefore = _rate();
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.SharesBurned(protocol, 0.5 ether);
        vm.prank(protocol);
        pool.burnShares(0.5 ether);
        assertEq(pool.balanceOf(protocol), 0.5 ether);
        assertGt(_rate(), rateBefore);
    }

    function test_burnShares_revertWhen_zero() public {
        vm.prank(protocol);
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        pool.burnShares(0);
    }

    function test_burnShares_revertWhen_notProtocol() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        vm.prank(alice);
        pool.burnShares(1);
    }

    function test_redeemForWithdrawalPool_revertWhen_notWithdrawalPool() public {
        vm.expectRevert(abi.encodeWithSelector(IPufferPoolErrors.PoolOnlyWithdrawalPool.selector, alice));
        vm.prank(alice);
        pool.redeemForWithdrawalPool(alice, 1 ether, 0);
    }
}

contract PufferPoolGovernanceSettersTest is PufferTest {
    function setUp() public override {
        super.setUp();
        _deposit(alice, 100 ether);
    }

    function test_setWithdrawalPoolShare_setsAndEmits() public {
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.WithdrawalPoolShareSet(2500);
        vm.prank(address(timelock));
        pool.setWithdrawalPoolShare(2500);
        assertEq(pool.withdrawalPoolShareBps(), 2500);
        pool.depositRevenue{value: 4 ether}();
        assertEq(pool.withdrawalPoolETH(), 1 ether);
    }

    function test_setWithdrawalPoolShare_revertWhen_aboveCap() public {
        vm.prank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferPoolErrors.PoolParameterOutOfBounds.selector,
                bytes32("withdrawalPoolShare"),
                5001,
                0,
                5000
            )
        );
        pool.setWithdrawalPoolShare(5001);
    }

    function test_setWithdrawalPoolShare_revertWhen_notDao() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, pauser));
        vm.prank(pauser);
        pool.setWithdrawalPoolShare(1);
    }

    function test_moveLiquidity_bothWays() public {
        vm.startPrank(address(timelock));
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.LiquidityMoved(true, 30 ether, 30 ether);
        pool.moveLiquidity(true, 30 ether);
        assertEq(address(wp).balance, 30 ether);
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.LiquidityMoved(false, 10 ether, 20 ether);
        pool.moveLiquidity(false, 10 ether);
        vm.stopPrank();
        assertEq(address(wp).balance, 20 ether);
        assertEq(pool.withdrawalPoolETH(), 20 ether);
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 100 ether, "moving liquidity does not change assets");
    }

    function test_moveLiquidity_revertWhen_boundsExceeded() public {
        vm.startPrank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferPoolErrors.PoolInsufficientETH.selector, DEAD_DEPOSIT + 100 ether, 101 ether
            )
        );
        pool.moveLiquidity(true, 101 ether);
        vm.expectRevert(abi.encodeWithSelector(IPufferPoolErrors.InsufficientLiquidity.selector, 0, 1));
        pool.moveLiquidity(false, 1);
        vm.expectRevert(IPufferPoolErrors.PoolZeroAmount.selector);
        pool.moveLiquidity(true, 0);
        vm.stopPrank();
    }

    function test_moveLiquidity_revertWhen_notDao() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, protocol));
        vm.prank(protocol);
        pool.moveLiquidity(true, 1 ether);
    }

    function test_pause_byPauserUnpauseOnlyByDao() public {
        vm.expectEmit(address(pool));
        emit IPufferPoolEvents.DepositsPausedSet(true);
        vm.prank(pauser);
        pool.pauseDeposits();
        assertTrue(pool.depositsPaused());
        assertEq(pool.maxDeposit(alice), 0);
        assertEq(pool.maxMint(alice), 0);

        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, pauser));
        vm.prank(pauser);
        pool.unpauseDeposits();

        vm.prank(address(timelock));
        pool.unpauseDeposits();
        assertFalse(pool.depositsPaused());
    }

    function test_pauseDeposits_revertWhen_notPauser() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        vm.prank(alice);
        pool.pauseDeposits();
    }
}

contract PufferPoolAccountingTest is PufferTest {
    function test_totalAssets_sumsEveryPart() public {
        _deposit(alice, 100 ether); // pool: 100.001
        _fundWithdrawalPool(10 ether); // pool: 90.001, wp: 10
        vm.prank(protocol);
        pool.provisionETH(2); // pool: 26.001, locked: 64
        vm.prank(protocol);
        pool.reportReserves(3 ether, 1 ether); // net +2
        assertEq(address(pool).balance, 26.001 ether);
        assertEq(pool.totalAssets(), 26.001 ether + 10 ether + 64 ether + 2 ether);
    }

    function test_receive_giftRaisesRate() public {
        _deposit(alice, 10 ether);
        uint256 before = _rate();
        (bool ok,) = address(pool).call{value: 1 ether}("");
        assertTrue(ok);
        assertGt(_rate(), before);
    }

    function test_permit_setsAllowance() public {
        (address owner, uint256 key) = makeAddrAndKey("permitOwner");
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                pool.DOMAIN_SEPARATOR(),
                keccak256(
                    abi.encode(
                        keccak256(
                            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                        ),
                        owner,
                        bob,
                        5 ether,
                        0,
                        block.timestamp
                    )
                )
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        pool.permit(owner, bob, 5 ether, block.timestamp, v, r, s);
        assertEq(pool.allowance(owner, bob), 5 ether);
        vm.expectRevert();
        pool.permit(owner, bob, 5 ether, block.timestamp, v, r, s); // nonce used
    }
}
