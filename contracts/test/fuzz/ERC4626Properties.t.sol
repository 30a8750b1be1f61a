// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PufferTest} from "../utils/PufferTest.sol";

/// @notice ERC-4626 rules and pufETH's rounding rules as properties over fuzzed pool states: previews match the
/// actions, conversions round in the pool's favour, and the max* functions never over-promise.
contract ERC4626PropertiesTest is PufferTest {
    address internal carol = makeAddr("carol");

    /// @dev Drives the pool into an arbitrary but reachable state: deposits, revenue, provisioned validators,
    /// a reported gain or loss, exit liquidity and a withdrawal fee.
    function _arrange(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint16 feeBps
    ) internal {
        uint256 dep = bound(deposits, 1 ether, 50_000 ether);
        _deposit(alice, dep);
        if (revenue > 0) pool.depositRevenue{value: bound(revenue, 1, 100 ether)}();
        uint256 n = bound(validators, 0, dep / 64 ether);
        if (n > 0) {
            vm.prank(protocol);
            pool.provisionETH(n);
        }
        vm.prank(protocol);
        pool.reportReserves(bound(owed, 0, 10 ether), bound(losses, 0, 5 ether));
        uint256 liquidity = address(pool).balance / 2;
        if (liquidity > 0) _fundWithdrawalPool(liquidity);
        vm.prank(address(timelock));
        wp.setWithdrawalFee(bound(feeBps, 0, 300));
    }

    function testFuzz_depositETH_matchesPreviewAndNeverMintsMoreValue(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint16 feeBps,
        uint96 amount
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, feeBps);
        uint256 assets = bound(amount, 1 gwei, 10_000 ether);
        uint256 preview = pool.previewDeposit(assets);
        vm.assume(preview > 0);
        uint256 shares = _deposit(bob, assets);
        assertEq(shares, preview, "depositETH differs from previewDeposit");
        assertLe(pool.convertToAssets(shares), assets, "a deposit minted more value than it brought");
    }

    function testFuzz_mint_paysPreviewRoundedUp(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint96 sharesWanted
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, 100);
        uint256 shares = bound(sharesWanted, 1 gwei, 1000 ether);
        uint256 preview = pool.previewMint(shares);
        vm.deal(bob, preview);
        vm.startPrank(bob);
        weth.deposit{value: preview}();
        weth.approve(address(pool), preview);
        uint256 paid = pool.mint(shares, bob);
        vm.stopPrank();
        assertEq(paid, preview, "mint differs from previewMint");
        assertGe(paid, pool.convertToAssets(shares), "mint cost less than the shares are worth");
    }

    function testFuzz_redeem_matchesPreviewAndNeverPaysMoreThanValue(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint16 feeBps,
        uint96 sharesToRedeem
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, feeBps);
        uint256 shares = bound(sharesToRedeem, 1, pool.maxRedeem(alice));
        uint256 value = pool.convertToAssets(shares);
        uint256 preview = wp.previewRedeem(shares);
        vm.assume(preview > 0);
        vm.prank(alice);
        uint256 paid = wp.redeem(shares, alice, 0);
        assertEq(paid, preview, "redeem differs from previewRedeem");
        assertLe(paid, value, "redeem paid more than convertToAssets");
    }

    function testFuzz_erc4626Withdraw_burnsPreviewShares(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint16 feeBps,
        uint96 assetsWanted
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, feeBps);
        uint256 maxAssets = pool.maxWithdraw(alice);
        vm.assume(maxAssets > 0);
        uint256 assets = bound(assetsWanted, 1, maxAssets);
        uint256 preview = pool.previewWithdraw(assets);
        uint256 before = pool.balanceOf(alice);
        vm.prank(alice);
        uint256 burned = pool.withdraw(assets, carol, alice);
        assertEq(burned, preview, "withdraw differs from previewWithdraw");
        assertEq(before - pool.balanceOf(alice), burned);
        assertEq(weth.balanceOf(carol), assets, "withdraw pays exactly the assets asked for");
    }

    function testFuzz_maxRedeem_isAlwaysPayable(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint16 feeBps
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, feeBps);
        uint256 maxShares = pool.maxRedeem(alice);
        vm.assume(maxShares > 0 && pool.previewRedeem(maxShares) > 0);
        vm.prank(alice);
        pool.redeem(maxShares, alice, alice);
    }

    function testFuzz_maxWithdraw_isAlwaysPayable(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint16 feeBps
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, feeBps);
        uint256 maxAssets = pool.maxWithdraw(alice);
        vm.assume(maxAssets > 0);
        vm.prank(alice);
        pool.withdraw(maxAssets, alice, alice);
    }

    function testFuzz_roundTrip_neverProfits(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint16 feeBps,
        uint96 amount
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, feeBps);
        uint256 assets = bound(amount, 1 gwei, 1000 ether);
        uint256 shares = _deposit(bob, assets);
        vm.assume(shares > 0 && shares <= pool.maxRedeem(bob) && wp.previewRedeem(shares) > 0);
        vm.prank(bob);
        uint256 back = wp.redeem(shares, bob, 0);
        assertLe(back, assets, "deposit then redeem returned more than was deposited");
    }

    function testFuzz_conversions_roundInThePoolsFavour(
        uint96 deposits,
        uint64 revenue,
        uint8 validators,
        uint64 owed,
        uint64 losses,
        uint128 x
    ) public {
        _arrange(deposits, revenue, validators, owed, losses, 100);
        uint256 amount = bound(x, 0, 1e30);
        assertLe(
            pool.convertToAssets(pool.convertToShares(amount)), amount, "assets -> shares -> assets grew"
        );
        assertLe(
            pool.convertToShares(pool.convertToAssets(amount)), amount, "shares -> assets -> shares grew"
        );
        assertGe(pool.previewMint(amount), pool.convertToAssets(amount), "previewMint rounds up");
        assertGe(pool.previewWithdraw(amount), pool.convertToShares(amount), "previewWithdraw rounds up");
        assertLe(
            pool.previewRedeem(amount), pool.convertToAssets(amount), "previewRedeem never exceeds value"
        );
    }
}
