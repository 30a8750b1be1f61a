// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IWithdrawalPoolErrors} from "../../src/interfaces/IWithdrawalPool.sol";
import {PufferPool} from "../../src/PufferPool.sol";
import {WithdrawalPool} from "../../src/WithdrawalPool.sol";
import {PufferTest} from "../utils/PufferTest.sol";

/// @notice Attacks on the staker side, each one showing that the attacker does not profit and nobody else loses.
contract StakerAttacksTest is PufferTest {
    address internal attacker = makeAddr("attacker");
    address internal victim = makeAddr("victim");

    /// First-depositor inflation: deposit a wei, donate a lot, and hope the victim's deposit rounds to nothing.
    /// The dead shares minted at deployment make the donation cost the attacker nearly all of it.
    function test_inflationAttack_failsAgainstDeadShares() public {
        vm.deal(attacker, 10 ether + 1);
        vm.startPrank(attacker);
        pool.depositETH{value: 1}(attacker);
        (bool ok,) = address(pool).call{value: 10 ether}("");
        assertTrue(ok);
        vm.stopPrank();

        uint256 victimShares = _deposit(victim, 10 ether);
        assertGt(victimShares, 0, "the victim's deposit rounded to zero shares");
        uint256 victimValue = pool.convertToAssets(victimShares);
        assertGe(victimValue, 10 ether - 10 ether / 1000, "the victim lost more than 0.1% to the attacker");
        uint256 attackerValue = pool.convertToAssets(pool.balanceOf(attacker));
        assertLt(attackerValue, 1 ether, "the attacker recovered their donation");
    }

    /// Donations to the WithdrawalPool are refused (its liquidity counter cannot be skewed); donations to the
    /// pool benefit every holder pro rata and the donor cannot get more than they gave.
    function test_donation_cannotSkewLiquidityOrProfitTheDonor() public {
        _deposit(victim, 50 ether);
        uint256 attackerShares = _deposit(attacker, 50 ether);
        _fundWithdrawalPool(80 ether);

        vm.deal(attacker, 5 ether);
        vm.prank(attacker);
        (bool toWp,) = address(wp).call{value: 1 ether}("");
        assertFalse(toWp, "the WithdrawalPool accepted a direct donation");

        vm.prank(attacker);
        (bool toPool,) = address(pool).call{value: 5 ether}("");
        assertTrue(toPool);
        assertEq(pool.withdrawalPoolETH(), address(wp).balance);

        vm.prank(attacker);
        uint256 back = wp.redeem(attackerShares, attacker, 0);
        assertLt(back, 55 ether, "the donor got back more than deposit plus donation");
        assertGt(pool.convertToAssets(pool.balanceOf(victim)), 50 ether, "the other holder did not gain");
    }

    /// Sandwich around a rate rise in the same block: deposit just before revenue lands, redeem just after.
    /// With the default 1% fee, any rise up to 1% leaves the attacker with less than they put in.
    function testFuzz_sandwichAroundRateRise_doesNotProfit(uint256 depositWei, uint256 riseBps) public {
        _deposit(victim, 1000 ether);
        _fundWithdrawalPool(900 ether);
        uint256 amount = bound(depositWei, 1 ether, 5000 ether);
        uint256 rise = bound(riseBps, 1, 100); // up to the 1% fee
        uint256 shares = _deposit(attacker, amount);

        uint256 revenue = pool.totalAssets() * rise / 10_000;
        vm.deal(address(this), revenue);
        pool.depositRevenue{value: revenue}();
        if (pool.withdrawalPoolETH() < amount) _fundWithdrawalPool(amount);

        vm.prank(attacker);
        uint256 back = wp.redeem(shares, attacker, 0);
        assertLe(back, amount, "a same-block sandwich around a rate rise within the fee was profitable");
    }

    /// Front-running a signed redemption: the attacker submits the owner's signature first. The ETH still goes
    /// to the receiver the owner signed, and the second submission fails on the used nonce.
    function test_signedRedemption_frontRunStillPaysTheSignedReceiver() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        _deposit(owner, 10 ether);
        _fundWithdrawalPool(10 ether);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, wp.redeemDigest(owner, victim, 1 ether, 0, 0, block.timestamp));

        vm.prank(attacker);
        wp.redeemWithPermit(owner, victim, 1 ether, 0, block.timestamp, v, r, s);
        assertEq(victim.balance, 0.99 ether);
        assertEq(attacker.balance, 0);

        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(owner, victim, 1 ether, 0, block.timestamp, v, r, s);
    }

    /// EIP-2612 permit front-running: someone uses the permit signature first. The allowance is exactly what the
    /// owner signed, to the spender the owner named; nothing can be taken by the front-runner.
    function test_erc2612Permit_frontRunGrantsOnlyTheSignedSpender() public {
        (address owner, uint256 key) = makeAddrAndKey("owner");
        _deposit(owner, 10 ether);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                ),
                owner,
                victim,
                1 ether,
                0,
                block.timestamp
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19\x01", pool.DOMAIN_SEPARATOR(), structHash)));
        vm.prank(attacker);
        pool.permit(owner, victim, 1 ether, block.timestamp, v, r, s);
        assertEq(pool.allowance(owner, victim), 1 ether);
        assertEq(pool.allowance(owner, attacker), 0);
        vm.prank(attacker);
        vm.expectRevert();
        pool.transferFrom(owner, attacker, 1);
    }

    /// Reentrancy through the ETH receiver: while being paid, the receiver tries to redeem again (refused by the
    /// guard) and to deposit (allowed, and priced on consistent state). It ends with no more than its due.
    function test_reentrancyThroughReceiver_isHarmless() public {
        _deposit(victim, 100 ether);
        _fundWithdrawalPool(60 ether);
        Reenterer evil = new Reenterer(pool, wp);
        _deposit(address(evil), 20 ether);

        // What the same steps give when done one after the other, without reentering.
        uint256 snapshot = vm.snapshotState();
        vm.prank(address(evil));
        uint256 paidSequential = wp.redeem(10 ether, address(evil), 0);
        vm.prank(address(evil));
        pool.depositETH{value: paidSequential / 2}(address(evil));
        uint256 fairValue = pool.convertToAssets(pool.balanceOf(address(evil)));
        uint256 fairAssets = pool.totalAssets();
        vm.revertToState(snapshot);

        evil.attack(10 ether);

        assertTrue(evil.redeemRefused(), "a nested redemption was not refused");
        assertTrue(evil.depositedDuringPayment(), "the nested deposit did not happen");
        assertEq(evil.nestedDeposit(), paidSequential / 2);
        assertEq(pool.withdrawalPoolETH(), address(wp).balance, "liquidity counter out of step after reentry");
        assertEq(pool.totalAssets(), fairAssets, "reentering changed the pool's assets");
        assertLe(
            pool.convertToAssets(pool.balanceOf(address(evil))),
            fairValue,
            "reentering left the attacker with more value than doing the same steps in order"
        );
    }
}

/// @dev A receiver that reenters while being paid.
contract Reenterer {
    PufferPool internal immutable _pool;
    WithdrawalPool internal immutable _wp;
    bool public redeemRefused;
    bool public depositedDuringPayment;
    uint256 public nestedDeposit;
    bool internal _inAttack;

    constructor(PufferPool pool_, WithdrawalPool wp_) {
        _pool = pool_;
        _wp = wp_;
    }

    function attack(uint256 shares) external {
        _inAttack = true;
        _wp.redeem(shares, address(this), 0);
        _inAttack = false;
    }

    receive() external payable {
        if (!_inAttack) return;
        _inAttack = false;
        try _wp.redeem(1 ether, address(this), 0) {}
        catch (bytes memory err) {
            redeemRefused = bytes4(err) == ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector;
        }
        nestedDeposit = msg.value / 2;
        _pool.depositETH{value: nestedDeposit}(address(this));
        depositedDuringPayment = true;
    }
}
