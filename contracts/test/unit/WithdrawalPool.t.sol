// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {IWithdrawalPoolErrors, IWithdrawalPoolEvents} from "../../src/interfaces/IWithdrawalPool.sol";
import {WithdrawalPool} from "../../src/WithdrawalPool.sol";
import {PufferTest} from "../utils/PufferTest.sol";

contract WithdrawalPoolRedeemTest is PufferTest {
    function setUp() public override {
        super.setUp();
        _deposit(alice, 100 ether);
        _fundWithdrawalPool(20 ether);
    }

    function test_redeem_paysNetOfFeeToReceiver() public {
        vm.expectEmit(address(wp));
        emit IWithdrawalPoolEvents.Redeemed(alice, bob, 10 ether, 9.9 ether);
        vm.prank(alice);
        uint256 assets = wp.redeem(10 ether, bob, 9.9 ether);
        assertEq(assets, 9.9 ether);
        assertEq(bob.balance, 9.9 ether);
        assertEq(pool.balanceOf(alice), 90 ether);
        assertEq(pool.withdrawalPoolETH(), 20 ether - 9.9 ether);
        assertEq(address(wp).balance, 20 ether - 9.9 ether);
    }

    function test_redeem_feeStaysWithTheRemainingHolders() public {
        _fundWithdrawalPool(40 ether);
        uint256 rateBefore = _rate();
        vm.prank(alice);
        wp.redeem(50 ether, alice, 0);
        assertGt(_rate(), rateBefore, "the 1% fee raises the rate for those who stay");
        // 100.001 ETH backed 100.001 pufETH; 50 pufETH left with 49.5 ETH.
        assertEq(pool.totalAssets(), DEAD_DEPOSIT + 100 ether - 49.5 ether);
        assertEq(pool.totalSupply(), DEAD_DEPOSIT + 50 ether);
    }

    function test_redeem_matchesPreview() public {
        pool.depositRevenue{value: 3 ether + 7}();
        uint256 preview = wp.previewRedeem(13 ether + 5);
        vm.prank(alice);
        assertEq(wp.redeem(13 ether + 5, alice, 0), preview);
    }

    function test_redeem_revertWhen_insufficientLiquidity() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.InsufficientLiquidity.selector, 20 ether, 29.7 ether)
        );
        wp.redeem(30 ether, alice, 0);
        assertEq(pool.balanceOf(alice), 100 ether, "nothing burned, nothing paid partially");
    }

    function test_redeem_revertWhen_slippage() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalSlippage.selector, 0.99 ether, 1 ether)
        );
        wp.redeem(1 ether, alice, 1 ether);
    }

    function test_redeem_revertWhen_zeroShares() public {
        vm.prank(alice);
        vm.expectRevert(IWithdrawalPoolErrors.WithdrawalZeroShares.selector);
        wp.redeem(0, alice, 0);
    }

    function test_redeem_revertWhen_zeroReceiver() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidReceiver.selector, address(0))
        );
        wp.redeem(1 ether, address(0), 0);
    }

    function test_redeem_revertWhen_worthNothingAfterFee() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalZeroAssets.selector, 1));
        wp.redeem(1, alice, 0);
    }

    function test_redeem_revertWhen_moreThanBalance() public {
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, 0, 1 ether)
        );
        wp.redeem(1 ether, bob, 0);
    }

    function test_redeem_revertWhen_paused() public {
        vm.prank(pauser);
        wp.pauseWithdrawals();
        vm.prank(alice);
        vm.expectRevert(IWithdrawalPoolErrors.WithdrawalsPaused.selector);
        wp.redeem(1 ether, alice, 0);
    }

    function test_redeem_revertWhen_receiverRejectsETH() public {
        address rejecter = address(new Rejecter());
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IWithdrawalPoolErrors.WithdrawalPaymentFailed.selector, rejecter, 0.99 ether
            )
        );
        wp.redeem(1 ether, rejecter, 0);
    }
}

contract WithdrawalPoolPermitTest is PufferTest {
    address internal owner;
    uint256 internal ownerKey;
    address internal relayer = makeAddr("relayer");

    function setUp() public override {
        super.setUp();
        (owner, ownerKey) = makeAddrAndKey("owner");
        _deposit(owner, 10 ether);
        _fundWithdrawalPool(10 ether);
    }

    function _sign(address receiver, uint256 shares, uint256 minAssets, uint256 nonce, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        return vm.sign(ownerKey, wp.redeemDigest(owner, receiver, shares, minAssets, nonce, deadline));
    }

    function test_redeemWithPermit_anyonePaysTheSignedReceiver() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(bob, 1 ether, 0.99 ether, 0, block.timestamp);
        vm.prank(relayer);
        uint256 assets = wp.redeemWithPermit(owner, bob, 1 ether, 0.99 ether, block.timestamp, v, r, s);
        assertEq(assets, 0.99 ether);
        assertEq(bob.balance, 0.99 ether);
        assertEq(relayer.balance, 0);
        assertEq(wp.nonces(owner), 1);
    }

    function test_redeemWithPermit_revertWhen_relayerRedirectsTheETH() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(bob, 1 ether, 0, 0, block.timestamp);
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(owner, relayer, 1 ether, 0, block.timestamp, v, r, s);
    }

    function test_redeemWithPermit_revertWhen_relayerChangesAmountOrSlippage() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(bob, 1 ether, 0.99 ether, 0, block.timestamp);
        vm.startPrank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(owner, bob, 2 ether, 0.99 ether, block.timestamp, v, r, s);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(owner, bob, 1 ether, 0, block.timestamp, v, r, s);
        vm.stopPrank();
    }

    function test_redeemWithPermit_revertWhen_replayed() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(bob, 1 ether, 0, 0, block.timestamp);
        wp.redeemWithPermit(owner, bob, 1 ether, 0, block.timestamp, v, r, s);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(owner, bob, 1 ether, 0, block.timestamp, v, r, s);
    }

    function test_redeemWithPermit_revertWhen_expired() public {
        uint256 deadline = block.timestamp;
        (uint8 v, bytes32 r, bytes32 s) = _sign(bob, 1 ether, 0, 0, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IWithdrawalPoolErrors.WithdrawalPermitExpired.selector, deadline, deadline + 1
            )
        );
        wp.redeemWithPermit(owner, bob, 1 ether, 0, deadline, v, r, s);
    }

    function test_redeemWithPermit_revertWhen_signedForAnotherChain() public {
        (uint8 v, bytes32 r, bytes32 s) = _sign(bob, 1 ether, 0, 0, block.timestamp);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(owner, bob, 1 ether, 0, block.timestamp, v, r, s);
    }

    function test_redeemWithPermit_revertWhen_signedByAnotherAccount() public {
        (, uint256 otherKey) = makeAddrAndKey("other");
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(otherKey, wp.redeemDigest(owner, bob, 1 ether, 0, 0, block.timestamp));
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(owner, bob, 1 ether, 0, block.timestamp, v, r, s);
    }

    function test_redeemWithPermit_revertWhen_signatureMalformed() public {
        // v = 0 makes ecrecover return address(0): it must never pass, not even for owner address(0).
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, address(0))
        );
        wp.redeemWithPermit(address(0), bob, 1 ether, 0, block.timestamp, 0, bytes32(0), bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalInvalidSignature.selector, owner)
        );
        wp.redeemWithPermit(
            owner, bob, 1 ether, 0, block.timestamp, 27, bytes32(uint256(1)), bytes32(uint256(1))
        );
    }
}

contract WithdrawalPoolAdminTest is PufferTest {
    function test_receive_revertWhen_notFromPool() public {
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        (bool ok, bytes memory err) = address(wp).call{value: 1 ether}("");
        assertFalse(ok);
        assertEq(err, abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalOnlyPool.selector, alice));
    }

    function test_pay_revertWhen_notPool() public {
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalOnlyPool.selector, alice));
        vm.prank(alice);
        wp.pay(alice, 1);
    }

    function test_setWithdrawalFee_setsAndEmits() public {
        vm.expectEmit(address(wp));
        emit IWithdrawalPoolEvents.WithdrawalFeeSet(300);
        vm.prank(address(timelock));
        wp.setWithdrawalFee(300);
        assertEq(wp.withdrawalFeeBps(), 300);
        assertEq(wp.previewRedeem(1 ether), 0.97 ether);
    }

    function test_setWithdrawalFee_revertWhen_aboveThreePercent() public {
        vm.prank(address(timelock));
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalPoolErrors.WithdrawalFeeTooHigh.selector, 301, 300));
        wp.setWithdrawalFee(301);
    }

    function test_setWithdrawalFee_revertWhen_notDao() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, pauser));
        vm.prank(pauser);
        wp.setWithdrawalFee(0);
    }

    function test_pause_byPauserUnpauseOnlyByDao() public {
        vm.expectEmit(address(wp));
        emit IWithdrawalPoolEvents.WithdrawalsPausedSet(true);
        vm.prank(pauser);
        wp.pauseWithdrawals();
        assertTrue(wp.withdrawalsPaused());
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, pauser));
        vm.prank(pauser);
        wp.unpauseWithdrawals();
        vm.prank(address(timelock));
        wp.unpauseWithdrawals();
        assertFalse(wp.withdrawalsPaused());
    }

    function test_pauseWithdrawals_revertWhen_notPauser() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, alice));
        vm.prank(alice);
        wp.pauseWithdrawals();
    }
}

contract Rejecter {
    receive() external payable {
        revert("no");
    }
}
