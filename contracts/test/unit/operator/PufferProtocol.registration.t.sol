// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {IPufferProtocolErrors, IPufferProtocolEvents} from "../../../src/interfaces/IPufferProtocol.sol";
import {OperatorFixture} from "../../utils/OperatorFixture.sol";

/// @notice registerValidatorKey: effects and one test per revert (a revert leaves no state change: the queue,
/// pubkey index, pool and fees are checked unchanged where it matters).
contract PufferProtocolRegistrationTest is OperatorFixture, IPufferProtocolEvents {
    function test_registerValidatorKey_storesRecordAndSplitsPayment() public {
        uint256 poolAssetsBefore = pool.totalAssets();
        uint256 wpBefore = pool.withdrawalPoolETH();
        ValidatorData memory data = _validatorData(NR, 1);
        uint256 cost = PRICE_12 + 1 ether;
        vm.prank(noOp);
        uint256 id = protocol.registerValidatorKey{value: cost}(NR, data, 12);

        assertEq(id, 0, "first NO_RESTAKING validator is position 0 of strategy 0");
        Validator memory v = protocol.validator(id);
        assertEq(v.owner, noOp);
        assertEq(uint8(v.status), uint8(ValidatorStatus.PENDING));
        assertEq(v.months, 12);
        assertEq(v.keyHash, keccak256(abi.encodePacked(data.pubkey, data.signature)));
        assertEq(pool.balanceOf(address(protocol)), v.bondShares, "bond held as pufETH by the protocol");
        (bool registered, uint256 found) = protocol.validatorIdOf(keccak256(data.pubkey));
        assertTrue(registered);
        assertEq(found, id);

        uint256 protocolFee = PRICE_12 * 200 / 10_000;
        uint256 guardianFee = PRICE_12 * 50 / 10_000;
        Parameters memory p = protocol.parameters();
        assertEq(p.accruedTreasuryWei, protocolFee);
        assertEq(p.accruedGuardianWei, guardianFee);
        assertEq(p.registrationsInSpurt, 1);
        uint256 toPool = PRICE_12 - protocolFee - guardianFee;
        assertEq(
            pool.withdrawalPoolETH() - wpBefore,
            toPool * 1000 / 10_000,
            "10% of the pool part is exit liquidity"
        );
        assertEq(pool.totalAssets() - poolAssetsBefore, toPool + 1 ether, "commitment and bond back pufETH");
        assertEq(address(protocol).balance, protocolFee + guardianFee, "only accrued fees stay here");
        StrategyView memory s = protocol.strategy(NR);
        assertEq(s.queueTail, 1);
        assertEq(s.pending, 1);
    }

    function test_registerValidatorKey_emitsFullData() public {
        ValidatorData memory data = _validatorData(NR, 1);
        uint256 bondShares = pool.previewDeposit(1 ether);
        vm.expectEmit(address(protocol));
        emit ValidatorKeyRegistered(0, NR, noOp, 12, bondShares, abi.encode(NR, data, uint256(12)));
        vm.prank(noOp);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
    }

    function test_registerValidatorKey_restakingAllowedNoOp() public {
        uint256 id = _register(avsNoOp, EIGENDA);
        assertEq(id, uint256(1) << 64, "first EIGENDA validator is position 0 of strategy 1");
    }

    function test_withdrawFees_paysRecipients() public {
        _register(noOp, NR);
        Parameters memory p = protocol.parameters();
        protocol.withdrawFees();
        assertEq(treasury.balance, p.accruedTreasuryWei);
        assertEq(guardianFeeRecipient.balance, p.accruedGuardianWei);
        vm.expectRevert(IPufferProtocolErrors.ProtocolNothingToWithdraw.selector);
        protocol.withdrawFees();
    }

    // ---- reverts ----

    function test_registerValidatorKey_revertWhen_paused() public {
        vm.prank(pauser);
        protocol.pauseRegistrations();
        ValidatorData memory data = _validatorData(NR, 1);
        vm.prank(noOp);
        vm.expectRevert(IPufferProtocolErrors.ProtocolRegistrationsPaused.selector);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
        _assertNothingRegistered();
    }

    function test_unpauseRegistrations_revertWhen_pauser() public {
        vm.prank(pauser);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, pauser));
        protocol.unpauseRegistrations();
    }

    function test_registerValidatorKey_revertWhen_unknownStrategy() public {
        ValidatorData memory data = _validatorData(NR, 1);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownStrategy.selector, bytes32("NOPE"))
        );
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}("NOPE", data, 12);
    }

    function test_registerValidatorKey_revertWhen_noOpNotAllowed() public {
        ValidatorData memory data = _validatorData(EIGENDA, 1);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolNoOpNotAllowed.selector, EIGENDA, noOp)
        );
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(EIGENDA, data, 12);
        assertEq(protocol.strategy(EIGENDA).queueTail, 0);
    }

    function test_markStrategySlashed_refusesRegistrationsAndShowsInView() public {
        uint256 before = _register(noOp, NR);
        assertFalse(protocol.strategy(NR).slashed);
        vm.expectEmit(true, false, false, false, address(protocol));
        emit StrategySlashed(NR);
        vm.prank(dao);
        protocol.markStrategySlashed(NR);
        assertTrue(protocol.strategy(NR).slashed);
        assertFalse(protocol.strategy(EIGENDA).slashed);
        // Existing validators are untouched; new registrations are refused.
        assertEq(uint8(protocol.validator(before).status), uint8(ValidatorStatus.PENDING));
        ValidatorData memory data = _validatorData(NR, 2);
        vm.prank(noOp);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolStrategySlashed.selector, NR));
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
        // One-way: marking again is refused.
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolStrategySlashed.selector, NR));
        protocol.markStrategySlashed(NR);
    }

    function test_markStrategySlashed_revertWhen_notDao() public {
        vm.prank(pauser);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, pauser));
        protocol.markStrategySlashed(NR);
        vm.prank(noOp);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, noOp));
        protocol.markStrategySlashed(NR);
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownStrategy.selector, bytes32("NOPE"))
        );
        protocol.markStrategySlashed("NOPE");
    }

    function test_registerValidatorKey_revertWhen_pubkeyLength() public {
        ValidatorData memory data = _validatorData(NR, 1);
        data.pubkey = new bytes(47);
        _expectLength("pubkey", 47, 48);
        vm.prank(noOp);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
    }

    function test_registerValidatorKey_revertWhen_signatureLength() public {
        ValidatorData memory data = _validatorData(NR, 1);
        data.signature = new bytes(97);
        _expectLength("signature", 97, 96);
        vm.prank(noOp);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
    }

    function test_registerValidatorKey_revertWhen_pubkeySharesLength() public {
        ValidatorData memory data = _validatorData(NR, 1);
        data.pubkeyShares = new bytes(6 * 48);
        _expectLength("pubkeyShares", 6 * 48, 7 * 48);
        vm.prank(noOp);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
    }

    function test_registerValidatorKey_revertWhen_encryptedSharesNotOnePerGuardian() public {
        ValidatorData memory data = _validatorData(NR, 1);
        data.encryptedShares = new bytes(7 * 125 + 1);
        _expectLength("encryptedShares", 7 * 125 + 1, 7);
        vm.prank(noOp);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
    }

    function test_registerValidatorKey_revertWhen_encryptedSharesEmpty() public {
        ValidatorData memory data = _validatorData(NR, 1);
        data.encryptedShares = "";
        _expectLength("encryptedShares", 0, 7);
        vm.prank(noOp);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
    }

    function test_registerValidatorKey_revertWhen_pubkeyReused() public {
        ValidatorData memory data = _validatorData(NR, 1);
        vm.prank(noOp);
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolPubkeyAlreadyRegistered.selector, keccak256(data.pubkey)
            )
        );
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
        assertEq(protocol.strategy(NR).queueTail, 1);
    }

    function test_registerValidatorKey_revertWhen_pubkeyReusedAfterStop() public {
        ValidatorData memory data = _validatorData(NR, 1);
        vm.prank(noOp);
        uint256 id = protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
        vm.prank(noOp);
        protocol.stopRegistration(id);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolPubkeyAlreadyRegistered.selector, keccak256(data.pubkey)
            )
        );
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
    }

    function test_registerValidatorKey_revertWhen_wrongPayment() public {
        ValidatorData memory data = _validatorData(NR, 1);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolWrongPayment.selector, PRICE_12 + 1 ether, PRICE_12
            )
        );
        protocol.registerValidatorKey{value: PRICE_12}(NR, data, 12);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolWrongPayment.selector,
                PRICE_12 + 1 ether,
                PRICE_12 + 1 ether + 1
            )
        );
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether + 1}(NR, data, 12);
        _assertNothingRegistered();
    }

    function test_registerValidatorKey_revertWhen_monthsOutsideTable() public {
        ValidatorData memory data = _validatorData(NR, 1);
        vm.startPrank(noOp);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownCommitment.selector, 8));
        protocol.registerValidatorKey{value: 2 ether}(NR, data, 8);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownCommitment.selector, 18));
        protocol.registerValidatorKey{value: 2 ether}(NR, data, 18);
        vm.stopPrank();
        _assertNothingRegistered();
    }

    function test_registerValidatorKey_revertWhen_spurtCapReached() public {
        vm.prank(dao);
        protocol.setRegistrationLimits(1 ether, 2);
        _register(noOp, NR);
        _register(noOp, NR);
        ValidatorData memory data = _validatorData(NR, 99);
        vm.prank(noOp);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolSpurtCapReached.selector, 0, 2));
        protocol.registerValidatorKey{value: PRICE_12 + 1 ether}(NR, data, 12);
        assertEq(protocol.strategy(NR).queueTail, 2);

        // The next growth spurt admits registrations again.
        vm.warp(pool.currentSpurtEnd());
        _register(noOp, NR);
        assertEq(protocol.parameters().registrationsInSpurt, 1);
        assertEq(protocol.parameters().spurt, 1);
    }

    function test_setRegistrationLimits_revertWhen_bondOutOfBounds() public {
        vm.startPrank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolParameterOutOfBounds.selector,
                bytes32("bond"),
                0.5 ether,
                1 ether,
                32 ether
            )
        );
        protocol.setRegistrationLimits(0.5 ether, 10);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolParameterOutOfBounds.selector,
                bytes32("registrationCap"),
                uint256(type(uint32).max) + 1,
                0,
                type(uint32).max
            )
        );
        protocol.setRegistrationLimits(1 ether, uint256(type(uint32).max) + 1);
        vm.stopPrank();
    }

    function test_setRegistrationLimits_newBondApplies() public {
        vm.prank(dao);
        protocol.setRegistrationLimits(2 ether, type(uint32).max);
        assertEq(_registrationCost(12), PRICE_12 + 2 ether);
        uint256 expectedShares = pool.previewDeposit(2 ether);
        uint256 id = _register(noOp, NR);
        assertEq(protocol.validator(id).bondShares, expectedShares, "2 ETH of pufETH at the pre-payment rate");
    }

    function test_setFees_revertWhen_aboveCaps() public {
        vm.startPrank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolParameterOutOfBounds.selector,
                bytes32("protocolFee"),
                1001,
                0,
                1000
            )
        );
        protocol.setFees(1001, 50, treasury, guardianFeeRecipient);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolParameterOutOfBounds.selector,
                bytes32("guardianFee"),
                501,
                0,
                500
            )
        );
        protocol.setFees(200, 501, treasury, guardianFeeRecipient);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolInvalidAddress.selector, bytes32("treasury"))
        );
        protocol.setFees(200, 50, address(0), guardianFeeRecipient);
        vm.stopPrank();
    }

    function test_setFees_revertWhen_notDao() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, address(this))
        );
        protocol.setFees(0, 0, treasury, guardianFeeRecipient);
    }

    function test_receive_revertWhen_notPool() public {
        vm.deal(address(this), 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnexpectedETH.selector, address(this))
        );
        (bool ok,) = address(protocol).call{value: 1}("");
        ok;
    }

    function _expectLength(bytes32 field, uint256 length, uint256 expected) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidLength.selector, field, length, expected
            )
        );
    }

    function _assertNothingRegistered() internal view {
        assertEq(protocol.strategy(NR).queueTail, 0, "no queue entry");
        assertEq(pool.balanceOf(address(protocol)), 0, "no bond taken");
        assertEq(address(protocol).balance, 0, "no fee accrued");
    }
}
