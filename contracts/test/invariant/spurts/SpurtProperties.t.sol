// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ISpurtReporterErrors} from "../../../src/interfaces/ISpurtReporter.sol";
import {WithdrawalPool} from "../../../src/WithdrawalPool.sol";
import {SpurtFixture} from "../../utils/SpurtFixture.sol";

/// @notice Fuzzed properties of reports and exits: ETH conservation, no underflow on any loss, the rate bound,
/// and the sandwich around a report.
contract SpurtPropertiesTest is SpurtFixture {
    uint256[] internal ids;

    function setUp() public override {
        super.setUp();
        _fundPool(400);
        uint256[] memory p = _provisioned(noOp, NR, 2);
        ids.push(p[0]);
        ids.push(p[1]);
        _endSpurt();
        _post(_report(0, 2));
    }

    /// @dev ETH held by every Puffer contract (pool, WithdrawalPool, protocol, reporter, strategies, pods).
    function _pufferETH() internal view returns (uint256) {
        return address(pool).balance + pool.withdrawalPool().balance + address(protocol).balance
            + address(reporter).balance + address(nrStrategy).balance + address(daStrategy).balance
            + address(nrStrategy.eigenPod()).balance + address(daStrategy.eigenPod()).balance;
    }

    /// forge-config: default.fuzz.runs = 64
    function testFuzz_processExits_conservesETHAndNeverUnderflows(uint256 returnedWei) public {
        returnedWei = bound(returnedWei, 0, 40 ether);
        Exit[] memory exits = new Exit[](1);
        exits[0] =
            Exit({validatorId: ids[0], returnedWei: returnedWei, reason: ExitReason.BALANCE_BELOW_EJECTION});
        _endSpurt();
        SpurtReport memory r = _report(1, 1);
        bytes32[] memory leaves = _addExits(r, exits);
        // Large losses need the emergency path (raise the bound), as documented.
        vm.prank(dao);
        reporter.setMaxRateChangeBps(10_000);
        _post(r);

        uint256 ethBefore = _pufferETH();
        uint256 bond = protocol.validator(ids[0]).bondShares;
        uint256 supply = pool.totalSupply();
        uint256 assets = pool.totalAssets();
        reporter.processExits(1, exits, _exitProofs(leaves));

        assertEq(_pufferETH(), ethBefore, "ETH is conserved: it only moves from the pod to the pools");
        uint256 refunded = IERC20(address(pool)).balanceOf(noOp);
        assertLe(refunded, bond, "never more than the bond back");
        assertEq(supply - pool.totalSupply(), bond - refunded, "what is not refunded is burned");
        assertGe(pool.totalAssets(), assets, "processing never lowers assets");
        if (returnedWei >= 32 ether) assertEq(refunded, bond, "no shortfall: the whole bond back");
        assertEq(uint8(protocol.validator(ids[0]).status), uint8(ValidatorStatus.EXITED), "exited once");
    }

    /// forge-config: default.fuzz.runs = 64
    function testFuzz_postSpurtReport_rateMovesWithinTheBoundOrReverts(uint256 avsWei, uint256 lossGwei)
        public
    {
        avsWei = bound(avsWei, 0, 50 ether);
        lossGwei = bound(lossGwei, 0, 20 ether / 1 gwei);
        vm.deal(address(daStrategy), avsWei);
        _endSpurt();
        SpurtReport memory r = _report(1, 2);
        r.beaconBalanceGwei -= lossGwei;
        r.strategies[1].avsRevenueWei = avsWei;
        uint256 commission = avsWei * 1000 / 10_000;
        if (commission != 0) {
            r.strategies[1].claimsRoot = keccak256("c");
            r.strategies[1].claimsWei = commission;
        }
        uint256 before = _rate();
        bytes memory sigs = _sigs(r);
        try reporter.postSpurtReport(r, sigs) {
            uint256 afterRate = _rate();
            uint256 moved = afterRate > before ? afterRate - before : before - afterRate;
            assertLe(moved * 10_000, 100 * before, "an accepted report moves the rate at most 1%");
        } catch (bytes memory err) {
            assertEq(
                bytes4(err), ISpurtReporterErrors.ReportRateChangeTooLarge.selector, "only the bound rejects"
            );
            assertEq(reporter.nextSpurt(), 1, "no state change");
        }
    }

    /// @dev Deposit just before a report that moves the rate by the full 1% bound, redeem just after: the 1%
    /// withdrawal fee eats the gain (1.01 x 0.99 < 1), so the sandwich loses.
    function test_sandwich_aroundAMaximalReport_doesNotProfit() public {
        vm.prank(dao);
        pool.moveLiquidity(true, 300 ether);
        address attacker = makeAddr("attacker");
        vm.deal(attacker, 100 ether);
        vm.prank(attacker);
        uint256 shares = pool.depositETH{value: 100 ether}(attacker);

        // AVS revenue whose pools' share lifts the rate by just under 1%.
        uint256 toPools = pool.totalAssets() * 99 / 10_000;
        uint256 avsWei = toPools * 10_000 / 9000;
        vm.deal(address(daStrategy), avsWei);
        _endSpurt();
        SpurtReport memory r = _report(1, 2);
        r.strategies[1].avsRevenueWei = avsWei;
        r.strategies[1].claimsRoot = keccak256("c");
        r.strategies[1].claimsWei = avsWei * 1000 / 10_000;
        uint256 before = _rate();
        _post(r);
        assertGt(_rate(), before * 10_098 / 10_000, "the report moved the rate by ~1%");

        WithdrawalPool wp = WithdrawalPool(payable(pool.withdrawalPool()));
        vm.prank(attacker);
        uint256 out = wp.redeem(shares, attacker, 0);
        assertLt(out, 100 ether, "the sandwich does not profit");
    }
}
