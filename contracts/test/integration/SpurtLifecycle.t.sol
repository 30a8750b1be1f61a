// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {DevAVS} from "../../src/dev/DevAVS.sol";
import {RewardsMerkle} from "../../src/lib/RewardsMerkle.sol";
import {WithdrawalPool} from "../../src/WithdrawalPool.sol";
import {SpurtFixture, TestMerkle} from "../utils/SpurtFixture.sol";

/// @notice The whole life across two strategies, every balance to the wei: deposit -> register -> provision ->
/// partial withdrawals + AVS fees -> report -> claims -> ejection -> full withdrawal -> report -> exits -> redeem.
contract SpurtLifecycleTest is SpurtFixture {
    DevAVS internal devAvs;
    uint256[] internal nrIds;
    uint256[] internal daIds;

    function setUp() public override {
        super.setUp();
        devAvs = new DevAVS("dev-avs");
        vm.deal(address(devAvs), 10 ether);
    }

    address internal nrPod;
    address internal daPod;

    function test_lifecycle_twoStrategies() public {
        _stakeAndProvision();
        _rewardsReportAndClaims();
        (Exit[] memory exits, bytes32[] memory leaves) = _exitReport();
        _processExits(exits, leaves);
        _redeem();
    }

    function _stakeAndProvision() internal {
        // 1. Stake, register two validators in each strategy, provision all four.
        vm.prank(staker);
        pool.depositETH{value: 1000 ether}(staker);
        _setWeights(1, 1);
        nrIds.push(_register(noOp, NR));
        nrIds.push(_register(noOp, NR));
        daIds.push(_register(avsNoOp, EIGENDA));
        daIds.push(_register(avsNoOp, EIGENDA));
        for (uint256 i = 0; i < 4; i++) {
            _provisionNext();
        }
        assertEq(pool.lockedETH(), 128 ether);
    }

    function _rewardsReportAndClaims() internal {
        // 2. Partial withdrawals land in the pods; the AVS pays fees to the restaking strategy.
        nrPod = address(nrStrategy.eigenPod());
        daPod = address(daStrategy.eigenPod());
        vm.deal(nrPod, 0.3 ether);
        vm.deal(daPod, 0.2 ether);
        devAvs.payFees(address(daStrategy), 1 ether);

        // 3. Report spurt 0: NR claims 0.3 (consensus), EIGENDA claims 0.2 + 10% of 1 ETH commission.
        _endSpurt();
        SpurtReport memory r = _report(0, 4);
        bytes32[] memory nrLeaves = new bytes32[](1);
        nrLeaves[0] = RewardsMerkle.leaf(address(nrStrategy), 0, noOp, 0.3 ether);
        bytes32[] memory daLeaves = new bytes32[](1);
        daLeaves[0] = RewardsMerkle.leaf(address(daStrategy), 0, avsNoOp, 0.3 ether);
        r.strategies[0].claimsRoot = nrLeaves[0];
        r.strategies[0].claimsWei = 0.3 ether;
        r.strategies[1].claimsRoot = daLeaves[0];
        r.strategies[1].claimsWei = 0.3 ether;
        r.strategies[1].avsRevenueWei = 1 ether;
        uint256 assets0 = pool.totalAssets();
        _post(r);
        assertEq(pool.totalAssets(), assets0 + 0.9 ether, "90% of the AVS fees to the pools");
        assertEq(address(daStrategy).balance + daPod.balance, 0.3 ether, "commission + rewards stay");

        // 4. NoOps claim, to the wei.
        uint256 noOpBefore = noOp.balance;
        uint256 avsNoOpBefore = avsNoOp.balance;
        nrStrategy.claim(0, noOp, 0.3 ether, new bytes32[](0));
        daStrategy.claim(0, avsNoOp, 0.3 ether, new bytes32[](0));
        assertEq(noOp.balance, noOpBefore + 0.3 ether);
        assertEq(avsNoOp.balance, avsNoOpBefore + 0.3 ether);
        assertEq(address(nrStrategy).balance + nrPod.balance, 0);
        assertEq(address(daStrategy).balance + daPod.balance, 0);
    }

    function _exitReport() internal returns (Exit[] memory exits, bytes32[] memory leaves) {
        // 5. Ejection (AVS slashing: 31.2 ETH back) and a voluntary exit (32 ETH back); full withdrawals in pods.
        exits = new Exit[](2);
        exits[0] = Exit({validatorId: nrIds[0], returnedWei: 32 ether, reason: ExitReason.VOLUNTARY});
        exits[1] = Exit({validatorId: daIds[1], returnedWei: 31.2 ether, reason: ExitReason.AVS_SLASHING});
        _endSpurt();
        SpurtReport memory r2 = _report(1, 2);
        leaves = _addExits(r2, exits);
        uint256 assets1 = pool.totalAssets();
        _post(r2);
        assertEq(pool.totalAssets(), assets1 - 0.8 ether, "pending shortfall counted at once");
    }

    function _processExits(Exit[] memory exits, bytes32[] memory leaves) internal {
        // 6. Process the exits: ETH to the pool, locks released, bonds back minus the shortfall.
        uint256 nrBond = protocol.validator(nrIds[0]).bondShares;
        uint256 daBond = protocol.validator(daIds[1]).bondShares;
        uint256 supply = pool.totalSupply();
        uint256 assets2 = pool.totalAssets();
        uint256 burn = (0.8 ether * (supply + 1) + assets2) / (assets2 + 1);
        reporter.processExits(1, exits, _exitProofs(leaves));
        assertEq(pool.lockedETH(), 64 ether, "two locks released");
        assertEq(IERC20(address(pool)).balanceOf(noOp), nrBond, "full bond back");
        assertEq(IERC20(address(pool)).balanceOf(avsNoOp), daBond - burn, "bond minus shortfall");
        assertEq(pool.totalAssets(), assets2, "processing moves no value, only the lock to ETH");
        assertEq(pool.totalSupply(), supply - burn);
        assertEq(pool.reportedNetETH(), 0);
        assertEq(nrPod.balance + daPod.balance, 0, "pods swept");
    }

    function _redeem() internal {
        // 7. The staker redeems part of its pufETH through the WithdrawalPool (1% fee).
        uint256 shares = 5 ether; // within the WithdrawalPool's liquidity (10% of inflows)
        uint256 expected = pool.previewRedeem(shares);
        uint256 stakerBefore = staker.balance;
        WithdrawalPool wp = WithdrawalPool(payable(pool.withdrawalPool()));
        vm.prank(staker);
        wp.redeem(shares, staker, expected);
        assertEq(staker.balance, stakerBefore + expected);
    }
}

/// @notice The docs' worked example: 320 ETH staked, 10 NoOps paying 1.44 ETH each in one spurt.
/// Defaults: protocol fee 2%, guardian fee 0.5% (0.036 ETH of each 1.44 ETH), so 1.404 ETH of each commitment
/// reaches the pool; each 1 ETH bond is minted as pufETH at the rate of its moment (it buys shares, it does not
/// raise the rate). Expected rate = (320 + 10 x 1.404 + bonds) / (shares), computed exactly below.
contract SpurtWorkedExampleTest is SpurtFixture {
    function test_workedExample_tenNoOpsPaying1_44() public {
        vm.prank(dao);
        protocol.setCommitmentPrice(12, 1.44 ether);
        vm.prank(staker);
        pool.depositETH{value: 320 ether}(staker);

        // Mirror of the pool's books: OZ ERC-4626 conversions with one virtual share and one virtual wei.
        uint256 a = pool.totalAssets();
        uint256 s = pool.totalSupply();
        assertEq(a, 320.001 ether);
        for (uint256 i = 0; i < 10; i++) {
            address who = makeAddr(string.concat("noop", vm.toString(i)));
            vm.deal(who, 2.44 ether);
            ValidatorData memory data = _validatorData(NR, 1000 + i);
            vm.prank(who);
            protocol.registerValidatorKey{value: 2.44 ether}(NR, data, 12);
            s += 1 ether * (s + 1) / (a + 1); // bond shares, rounded down
            a += 1 ether + 1.404 ether; // bond + commitment net of 2% + 0.5%
        }
        assertEq(pool.totalAssets(), a, "assets to the wei");
        assertEq(pool.totalSupply(), s, "supply to the wei");
        assertEq(protocol.parameters().accruedTreasuryWei, 10 * 0.0288 ether, "2% protocol fee");
        assertEq(protocol.parameters().accruedGuardianWei, 10 * 0.0072 ether, "0.5% guardian fee");

        _endSpurt();
        _post(_report(0, 0));
        uint256 rate = pool.convertToAssets(1 ether);
        assertEq(rate, 1 ether * (a + 1) / (s + 1), "exact rate after the report");
        // Against the headline 334.4 / 320: the fees take 0.36 ETH and the bonds dilute a little.
        assertApproxEqRel(rate, uint256(334.04 ether) * 1e18 / 320 ether, 0.001e18, "~(320 + 14.04) / 320");
        assertLt(rate, uint256(334.4 ether) * 1e18 / 320 ether, "less than without fees");
    }
}
