// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {DeployPuffer} from "../../script/DeployPuffer.sol";
import {Roles} from "../../src/governance/Roles.sol";
import {IWETH} from "../../src/interfaces/IWETH.sol";
import {PufferPool} from "../../src/PufferPool.sol";
import {WithdrawalPool} from "../../src/WithdrawalPool.sol";

/// @notice The staker-side fixture: a full deployment through the same DeployPuffer steps as the forge script,
/// with the admin handed over to the timelock. DAO actions in unit tests are made as the timelock (`_asDao`);
/// the governance tests go through schedule -> delay -> execute. `protocol` holds ROLE_PROTOCOL, standing in for
/// the PufferProtocol contract.
abstract contract PufferTest is Test, DeployPuffer {
    uint256 internal constant DEAD_DEPOSIT = 0.001 ether;
    uint256 internal constant TIMELOCK_DELAY = 1 days;

    address internal daoProposer = makeAddr("daoProposer");
    address internal pauser = makeAddr("pauser");
    address internal protocol = makeAddr("protocol");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    Deployment internal d;
    PufferPool internal pool;
    WithdrawalPool internal wp;
    IWETH internal weth;
    AccessManager internal am;
    TimelockController internal timelock;

    function setUp() public virtual {
        Config memory config = Config({
            deployer: address(this),
            daoProposer: daoProposer,
            pauser: pauser,
            timelockDelay: TIMELOCK_DELAY,
            weth: address(0),
            deadSharesDeposit: DEAD_DEPOSIT
        });
        d = _deployPuffer(config);
        d.accessManager.grantRole(Roles.ROLE_PROTOCOL, protocol, 0);
        _handOverAdmin(d, config);
        pool = d.pool;
        wp = d.withdrawalPool;
        weth = d.weth;
        am = d.accessManager;
        timelock = d.timelock;
        vm.label(address(pool), "PufferPool");
        vm.label(address(wp), "WithdrawalPool");
        vm.label(address(weth), "WETH");
    }

    /// @dev Deposits `amount` ETH for `who` (funding them first).
    function _deposit(address who, uint256 amount) internal returns (uint256 shares) {
        vm.deal(who, who.balance + amount);
        vm.prank(who);
        shares = pool.depositETH{value: amount}(who);
    }

    /// @dev Moves `amount` of the pool's ETH into the WithdrawalPool, as the DAO.
    function _fundWithdrawalPool(uint256 amount) internal {
        vm.prank(address(timelock));
        pool.moveLiquidity(true, amount);
    }

    /// @dev The ETH value of one pufETH, 18 decimals.
    function _rate() internal view returns (uint256) {
        return pool.convertToAssets(1 ether);
    }
}
