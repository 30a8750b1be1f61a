// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {IWETH} from "../../src/interfaces/IWETH.sol";
import {PufferPool} from "../../src/PufferPool.sol";
import {WithdrawalPool} from "../../src/WithdrawalPool.sol";
import {PufferTest} from "../utils/PufferTest.sol";

/// @notice Drives the staker side with random sequences of what users, the protocol and the DAO may do.
contract StakerHandler is Test {
    PufferPool internal immutable _pool;
    WithdrawalPool internal immutable _wp;
    IWETH internal immutable _weth;
    address internal immutable _timelock;
    address internal immutable _protocol;

    address[] public actors;
    uint256[] internal _actorKeys;

    /// ETH that entered the pools from outside (deposits, revenue, gifts, returned validators).
    uint256 public ghost_ethIn;
    /// ETH that left the pools to the outside (redemptions, provisioning).
    uint256 public ghost_ethOut;
    /// ETH currently out in validators (sent to the protocol and not yet returned).
    uint256 public ghost_provisioned;
    /// Times a loss was reported or realised (a holder may lose value only through these).
    uint256 public ghost_lossEvents;
    uint256 public ghost_calls;

    constructor(PufferPool pool_, address timelock_, address protocol_) {
        _pool = pool_;
        _wp = WithdrawalPool(payable(pool_.withdrawalPool()));
        _weth = IWETH(pool_.asset());
        _timelock = timelock_;
        _protocol = protocol_;
        for (uint256 i = 0; i < 4; i++) {
            (address a, uint256 k) = makeAddrAndKey(string(abi.encodePacked("actor", vm.toString(i))));
            actors.push(a);
            _actorKeys.push(k);
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function depositETH(uint256 actorSeed, uint256 amount) external {
        ghost_calls++;
        address actor = actors[actorSeed % actors.length];
        amount = bound(amount, 1 gwei, 1000 ether);
        if (_pool.previewDeposit(amount) == 0) return;
        vm.deal(actor, amount);
        vm.prank(actor);
        _pool.depositETH{value: amount}(actor);
        ghost_ethIn += amount;
    }

    function depositWETH(uint256 actorSeed, uint256 amount) external {
        ghost_calls++;
        address actor = actors[actorSeed % actors.length];
        amount = bound(amount, 1 gwei, 1000 ether);
        if (_pool.previewDeposit(amount) == 0) return;
        vm.deal(actor, amount);
        vm.startPrank(actor);
        _weth.deposit{value: amount}();
        _weth.approve(address(_pool), amount);
        _pool.deposit(amount, actor);
        vm.stopPrank();
        ghost_ethIn += amount;
    }

    function redeem(uint256 actorSeed, uint256 shares) external {
        ghost_calls++;
        address actor = actors[actorSeed % actors.length];
        uint256 maxShares = _pool.maxRedeem(actor);
        if (maxShares == 0) return;
        shares = bound(shares, 1, maxShares);
        if (_wp.previewRedeem(shares) == 0) return;
        vm.prank(actor);
        uint256 paid = _wp.redeem(shares, actor, 0);
        ghost_ethOut += paid;
    }

    function redeemWithPermit(uint256 actorSeed, uint256 shares) external {
        ghost_calls++;
        uint256 i = actorSeed % actors.length;
        address actor = actors[i];
        uint256 maxShares = _pool.maxRedeem(actor);
        if (maxShares == 0) return;
        shares = bound(shares, 1, maxShares);
        if (_wp.previewRedeem(shares) == 0) return;
        address receiver = actors[(i + 1) % actors.length];
        bytes32 digest = _wp.redeemDigest(actor, receiver, shares, 0, _wp.nonces(actor), block.timestamp);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_actorKeys[i], digest);
        uint256 paid = _wp.redeemWithPermit(actor, receiver, shares, 0, block.timestamp, v, r, s);
        ghost_ethOut += paid;
    }

    function redeemERC4626(uint256 actorSeed, uint256 shares) external {
        ghost_calls++;
        address actor = actors[actorSeed % actors.length];
        uint256 maxShares = _pool.maxRedeem(actor);
        if (maxShares == 0) return;
        shares = bound(shares, 1, maxShares);
        if (_pool.previewRedeem(shares) == 0) return;
        vm.prank(actor);
        uint256 paid = _pool.redeem(shares, actor, actor);
        ghost_ethOut += paid; // paid out as WETH, which holds the ETH outside the pools
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 shares) external {
        ghost_calls++;
        address from = actors[fromSeed % actors.length];
        address to = actors[toSeed % actors.length];
        shares = bound(shares, 0, _pool.balanceOf(from));
        vm.prank(from);
        _pool.transfer(to, shares);
    }

    function donate(uint256 amount) external {
        ghost_calls++;
        amount = bound(amount, 1, 10 ether);
        vm.deal(address(this), amount);
        (bool ok,) = address(_pool).call{value: amount}("");
        require(ok, "gift refused");
        ghost_ethIn += amount;
    }

    function payRevenue(uint256 amount) external {
        ghost_calls++;
        amount = bound(amount, 1, 50 ether);
        vm.deal(address(this), amount);
        _pool.depositRevenue{value: amount}();
        ghost_ethIn += amount;
    }

    function setFee(uint256 feeBps) external {
        ghost_calls++;
        vm.prank(_timelock);
        _wp.setWithdrawalFee(bound(feeBps, 0, 300));
    }

    function moveLiquidity(bool toWithdrawalPool, uint256 amount) external {
        ghost_calls++;
        uint256 available = toWithdrawalPool ? address(_pool).balance : _pool.withdrawalPoolETH();
        if (available == 0) return;
        vm.prank(_timelock);
        _pool.moveLiquidity(toWithdrawalPool, bound(amount, 1, available));
    }

    function provision(uint256 validators) external {
        ghost_calls++;
        uint256 possible = address(_pool).balance / 32 ether;
        if (possible == 0) return;
        validators = bound(validators, 1, possible);
        vm.prank(_protocol);
        _pool.provisionETH(validators);
        ghost_ethOut += validators * 32 ether;
        ghost_provisioned += validators * 32 ether;
    }

    function returnValidator(uint256 returnedWei) external {
        ghost_calls++;
        if (ghost_provisioned == 0) return;
        returnedWei = bound(returnedWei, 28 ether, 33 ether);
        if (returnedWei < 32 ether) ghost_lossEvents++;
        vm.deal(_protocol, returnedWei);
        vm.prank(_protocol);
        _pool.releaseLocked{value: returnedWei}(1);
        ghost_provisioned -= 32 ether;
        ghost_ethIn += returnedWei;
    }

    function report(uint256 owed, uint256 losses) external {
        ghost_calls++;
        owed = bound(owed, 0, 20 ether);
        losses = bound(losses, 0, 2 ether);
        int256 before = _pool.reportedNetETH();
        vm.prank(_protocol);
        _pool.reportReserves(owed, losses);
        if (_pool.reportedNetETH() < before) ghost_lossEvents++;
    }
}

/// @notice The staker side's invariants, checked after every random call.
contract StakerInvariantsTest is PufferTest {
    StakerHandler internal handler;
    address internal idle = makeAddr("idle");
    uint256 internal idleShares;
    uint256 internal lastIdleValue;
    uint256 internal lastLossEvents;

    function setUp() public override {
        super.setUp();
        handler = new StakerHandler(pool, address(timelock), protocol);
        idleShares = _deposit(idle, 10 ether);
        lastIdleValue = pool.convertToAssets(idleShares);
        targetContract(address(handler));
        excludeSender(address(pool));
        excludeSender(address(wp));
    }

    function invariant_balancesSumToTotalSupply() public view {
        uint256 sum = pool.balanceOf(pool.DEAD_SHARES_HOLDER()) + pool.balanceOf(idle);
        for (uint256 i = 0; i < handler.actorCount(); i++) {
            sum += pool.balanceOf(handler.actors(i));
        }
        assertEq(sum, pool.totalSupply(), "the holders' balances do not add up to totalSupply");
    }

    function invariant_pufEthNeverWorthMoreThanAssets() public view {
        assertLe(
            pool.convertToAssets(pool.totalSupply()),
            pool.totalAssets(),
            "all pufETH together is worth more ETH than the pool has"
        );
    }

    function invariant_withdrawalPoolCounterMatchesItsETH() public view {
        assertEq(
            pool.withdrawalPoolETH(), address(wp).balance, "the WithdrawalPool's ETH and its counter differ"
        );
    }

    function invariant_ethIsConserved() public view {
        uint256 held = address(pool).balance + address(wp).balance;
        assertEq(
            held + handler.ghost_provisioned(),
            DEAD_DEPOSIT + 10 ether + handler.ghost_ethIn()
                - (handler.ghost_ethOut() - handler.ghost_provisioned()),
            "ETH in the pools plus ETH out in validators differs from what came in minus what was paid out"
        );
        assertEq(
            pool.lockedETH(), handler.ghost_provisioned(), "locked ETH differs from ETH out in validators"
        );
    }

    /// @dev A holder who does nothing never loses value, except through a reported or realised loss.
    function invariant_idleHolderNeverLosesValueWithoutALoss() public {
        uint256 value = pool.convertToAssets(idleShares);
        if (handler.ghost_lossEvents() == lastLossEvents) {
            assertGe(value, lastIdleValue, "an idle holder lost value without any loss being reported");
        }
        lastIdleValue = value;
        lastLossEvents = handler.ghost_lossEvents();
    }
}
