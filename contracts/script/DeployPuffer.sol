// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {DevWETH} from "../src/dev/DevWETH.sol";
import {Roles} from "../src/governance/Roles.sol";
import {IWETH} from "../src/interfaces/IWETH.sol";
import {PufferPool} from "../src/PufferPool.sol";
import {WithdrawalPool} from "../src/WithdrawalPool.sol";

/// @title The order in which Puffer is deployed and wired; shared by the forge script and the tests.
/// @notice The Rust deployer (crates) follows the same steps in the same order:
///  1. WETH (a DevWETH on dev chains, the canonical one elsewhere)
///  2. AccessManager, with the deployer as temporary admin
///  3. TimelockController (proposer and executor: the DAO; self-administered)
///  4. PufferPool (deploys its WithdrawalPool), funded with the dead-shares deposit
///  5. roles: ROLE_DAO -> timelock, ROLE_PAUSER -> pauser and timelock; function -> role table
///  6. admin handed to the timelock, the deployer renounces it
abstract contract DeployPuffer {
    /// @notice What a deployment needs to know.
    struct Config {
        /// The account that sends the deployment transactions and is admin until the handover.
        address deployer;
        /// Proposes and executes DAO actions on the timelock (a multisig or governor).
        address daoProposer;
        /// Emergency pauser.
        address pauser;
        /// Timelock delay on DAO actions, in seconds.
        uint256 timelockDelay;
        /// Existing WETH, or address(0) to deploy a DevWETH (dev chains).
        address weth;
        /// ETH minted to the dead-shares holder at deployment.
        uint256 deadSharesDeposit;
    }

    /// @notice Everything a deployment created.
    struct Deployment {
        AccessManager accessManager;
        TimelockController timelock;
        IWETH weth;
        PufferPool pool;
        WithdrawalPool withdrawalPool;
    }

    /// @dev Steps 1-5. The caller must send `config.deadSharesDeposit` along (the pool's constructor takes it).
    function _deployPuffer(Config memory config) internal returns (Deployment memory d) {
        d.weth = config.weth == address(0) ? IWETH(address(new DevWETH())) : IWETH(config.weth);
        d.accessManager = new AccessManager(config.deployer);

        address[] memory dao = new address[](1);
        dao[0] = config.daoProposer;
        d.timelock = new TimelockController(config.timelockDelay, dao, dao, address(0));

        d.pool = new PufferPool{value: config.deadSharesDeposit}(address(d.accessManager), d.weth);
        d.withdrawalPool = WithdrawalPool(payable(d.pool.withdrawalPool()));

        _wireRoles(d, config);
    }

    /// @dev Step 6: the timelock becomes the only admin.
    function _handOverAdmin(Deployment memory d, Config memory config) internal {
        d.accessManager.grantRole(Roles.ADMIN, address(d.timelock), 0);
        d.accessManager.renounceRole(Roles.ADMIN, config.deployer);
    }

    function _wireRoles(Deployment memory d, Config memory config) private {
        AccessManager am = d.accessManager;
        am.labelRole(Roles.ROLE_DAO, "DAO");
        am.labelRole(Roles.ROLE_PAUSER, "PAUSER");
        am.labelRole(Roles.ROLE_PROTOCOL, "PROTOCOL");
        am.grantRole(Roles.ROLE_DAO, address(d.timelock), 0);
        am.grantRole(Roles.ROLE_PAUSER, address(d.timelock), 0);
        am.grantRole(Roles.ROLE_PAUSER, config.pauser, 0);

        address pool = address(d.pool);
        bytes4[] memory protocolOnly = new bytes4[](4);
        protocolOnly[0] = PufferPool.provisionETH.selector;
        protocolOnly[1] = PufferPool.releaseLocked.selector;
        protocolOnly[2] = PufferPool.reportReserves.selector;
        protocolOnly[3] = PufferPool.burnShares.selector;
        am.setTargetFunctionRole(pool, protocolOnly, Roles.ROLE_PROTOCOL);

        bytes4[] memory poolDao = new bytes4[](5);
        poolDao[0] = PufferPool.setMintCap.selector;
        poolDao[1] = PufferPool.setWithdrawalPoolShare.selector;
        poolDao[2] = PufferPool.setSpurtLength.selector;
        poolDao[3] = PufferPool.moveLiquidity.selector;
        poolDao[4] = PufferPool.unpauseDeposits.selector;
        am.setTargetFunctionRole(pool, poolDao, Roles.ROLE_DAO);
        _single(am, pool, PufferPool.pauseDeposits.selector, Roles.ROLE_PAUSER);

        address wp = address(d.withdrawalPool);
        bytes4[] memory wpDao = new bytes4[](2);
        wpDao[0] = WithdrawalPool.setWithdrawalFee.selector;
        wpDao[1] = WithdrawalPool.unpauseWithdrawals.selector;
        am.setTargetFunctionRole(wp, wpDao, Roles.ROLE_DAO);
        _single(am, wp, WithdrawalPool.pauseWithdrawals.selector, Roles.ROLE_PAUSER);
    }

    function _single(AccessManager am, address target, bytes4 selector, uint64 role) private {
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = selector;
        am.setTargetFunctionRole(target, selectors, role);
    }
}
