// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPufferProtocolErrors, IPufferProtocolEvents} from "../../../src/interfaces/IPufferProtocol.sol";
import {OperatorFixture} from "../../utils/OperatorFixture.sol";

/// @notice The smoothing-commitment price table and extendCommitment.
contract PufferProtocolCommitmentTest is OperatorFixture, IPufferProtocolEvents {
    function test_commitmentPrice_defaultTable() public view {
        // S(M) = M * 1.6 * 0.9 / 12 * (1 - 0.05 / (1 + e^(6 - M))) ETH, rounded down to the wei.
        assertEq(protocol.commitmentPrice(9), 1_028_560_997_151_588_606);
        assertEq(protocol.commitmentPrice(10), 1_141_079_172_597_725_493);
        assertEq(protocol.commitmentPrice(11), 1_254_441_728_161_002_800);
        assertEq(protocol.commitmentPrice(12), 1_368_178_028_867_277_703);
        assertEq(protocol.commitmentPrice(13), 1_482_071_061_993_163_250);
        assertEq(protocol.commitmentPrice(14), 1_596_028_169_410_959_184);
        assertEq(protocol.commitmentPrice(15), 1_710_011_105_511_838_760);
        assertEq(protocol.commitmentPrice(16), 1_824_004_358_195_395_433);
        assertEq(protocol.commitmentPrice(17), 1_938_001_703_545_028_505);
    }

    function test_commitmentPrice_revertWhen_notInTable() public {
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownCommitment.selector, 8));
        protocol.commitmentPrice(8);
    }

    function testFuzz_setCommitmentPrice_bounds(uint256 months, uint256 priceWei) public {
        months = bound(months, 1, 36);
        vm.prank(dao);
        if (priceWei != 0 && (priceWei < 1 ether || priceWei >= 2 ether)) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IPufferProtocolErrors.ProtocolPriceOutOfBounds.selector, months, priceWei
                )
            );
            protocol.setCommitmentPrice(months, priceWei);
        } else {
            protocol.setCommitmentPrice(months, priceWei);
            if (priceWei == 0) {
                vm.expectRevert(
                    abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownCommitment.selector, months)
                );
            }
            assertEq(protocol.commitmentPrice(months), priceWei);
        }
    }

    function testFuzz_setCommitmentPrice_inBoundsAccepted(uint256 priceWei) public {
        priceWei = bound(priceWei, 1 ether, 2 ether - 1);
        vm.prank(dao);
        protocol.setCommitmentPrice(24, priceWei);
        assertEq(protocol.commitmentPrice(24), priceWei);
    }

    function test_setCommitmentPrice_revertWhen_monthsOutOfRange() public {
        vm.startPrank(dao);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolMonthsOutOfRange.selector, 0));
        protocol.setCommitmentPrice(0, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolMonthsOutOfRange.selector, 37));
        protocol.setCommitmentPrice(37, 1 ether);
        vm.stopPrank();
    }

    function test_setCommitmentPrice_revertWhen_exactlyTwoEther() public {
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolPriceOutOfBounds.selector, 12, 2 ether)
        );
        protocol.setCommitmentPrice(12, 2 ether);
    }

    // ---- extendCommitment ----

    function test_extendCommitment_addsMonths() public {
        uint256 id = _register(noOp, NR, 12);
        uint256 price = protocol.commitmentPrice(9);
        address stranger = makeAddr("stranger");
        vm.deal(stranger, 10 ether);
        vm.prank(stranger);
        protocol.extendCommitment{value: price}(id, 9);
        assertEq(protocol.validator(id).months, 21, "12 + 9 months: added, never overwritten");
    }

    function test_extendCommitment_cannotShorten() public {
        // DESIGN §6: an extension with fewer months than bought still adds; nothing lowers the months.
        uint256 id = _register(noOp, NR, 17);
        uint256 price = protocol.commitmentPrice(9);
        vm.prank(noOp);
        protocol.extendCommitment{value: price}(id, 9);
        assertEq(protocol.validator(id).months, 26);
        vm.prank(noOp);
        vm.expectRevert(abi.encodeWithSelector(IPufferProtocolErrors.ProtocolUnknownCommitment.selector, 0));
        protocol.extendCommitment(id, 0);
        assertEq(protocol.validator(id).months, 26);
    }

    function test_extendCommitment_afterProvisioning() public {
        _fundPool(1);
        uint256 id = _register(noOp, NR, 12);
        _provisionNext();
        uint256 price = protocol.commitmentPrice(12);
        vm.prank(noOp);
        protocol.extendCommitment{value: price}(id, 12);
        assertEq(protocol.validator(id).months, 24);
    }

    function test_extendCommitment_revertWhen_wrongPayment() public {
        uint256 id = _register(noOp, NR, 12);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferProtocolErrors.ProtocolWrongPayment.selector, PRICE_12, 1 ether)
        );
        protocol.extendCommitment{value: 1 ether}(id, 12);
    }

    function test_extendCommitment_revertWhen_unknownValidator() public {
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidStatus.selector, 42, ValidatorStatus.NONE
            )
        );
        protocol.extendCommitment{value: PRICE_12}(42, 12);
    }

    function test_extendCommitment_revertWhen_stopped() public {
        uint256 id = _register(noOp, NR, 12);
        vm.prank(noOp);
        protocol.stopRegistration(id);
        vm.prank(noOp);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPufferProtocolErrors.ProtocolInvalidStatus.selector, id, ValidatorStatus.STOPPED
            )
        );
        protocol.extendCommitment{value: PRICE_12}(id, 12);
    }
}
