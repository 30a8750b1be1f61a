// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {Roles} from "../../src/governance/Roles.sol";
import {PufferPool} from "../../src/PufferPool.sol";
import {PufferTest} from "../utils/PufferTest.sol";

/// @notice The governance wiring: DAO actions only through the timelock, after its delay; the deployer keeps no
/// power; the pauser can stop but not restart.
contract GovernanceTest is PufferTest {
    function test_handover_deployerKeepsNoRole() public view {
        (bool isAdmin,) = am.hasRole(Roles.ADMIN, address(this));
        assertFalse(isAdmin, "deployer renounced admin");
        (bool timelockAdmin,) = am.hasRole(Roles.ADMIN, address(timelock));
        assertTrue(timelockAdmin);
        (bool timelockDao,) = am.hasRole(Roles.ROLE_DAO, address(timelock));
        assertTrue(timelockDao);
        (bool proposerDao,) = am.hasRole(Roles.ROLE_DAO, daoProposer);
        assertFalse(proposerDao, "the proposer acts only through the timelock");
    }

    function test_daoAction_throughTimelockAfterDelay() public {
        bytes memory call = abi.encodeCall(PufferPool.setWithdrawalPoolShare, (2000));
        vm.prank(daoProposer);
        timelock.schedule(address(pool), 0, call, bytes32(0), bytes32(0), TIMELOCK_DELAY);

        vm.prank(daoProposer);
        vm.expectRevert(); // TimelockUnexpectedOperationState: not ready yet
        timelock.execute(address(pool), 0, call, bytes32(0), bytes32(0));

        vm.warp(block.timestamp + TIMELOCK_DELAY);
        vm.prank(daoProposer);
        timelock.execute(address(pool), 0, call, bytes32(0), bytes32(0));
        assertEq(pool.withdrawalPoolShareBps(), 2000);
    }

    function test_daoAction_revertWhen_proposerCallsDirectly() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, daoProposer)
        );
        vm.prank(daoProposer);
        pool.setWithdrawalPoolShare(2000);
    }

    function test_schedule_revertWhen_delayTooShort() public {
        bytes memory call = abi.encodeCall(PufferPool.setWithdrawalPoolShare, (2000));
        vm.prank(daoProposer);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockInsufficientDelay.selector, TIMELOCK_DELAY - 1, TIMELOCK_DELAY
            )
        );
        timelock.schedule(address(pool), 0, call, bytes32(0), bytes32(0), TIMELOCK_DELAY - 1);
    }

    function test_grantRole_revertWhen_notAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessManager.AccessManagerUnauthorizedAccount.selector, daoProposer, 0)
        );
        vm.prank(daoProposer);
        am.grantRole(Roles.ROLE_PROTOCOL, daoProposer, 0);
    }

    function test_roleTable_protocolFunctionsNeedProtocolRole() public view {
        assertEq(
            am.getTargetFunctionRole(address(pool), PufferPool.provisionETH.selector), Roles.ROLE_PROTOCOL
        );
        assertEq(
            am.getTargetFunctionRole(address(pool), PufferPool.releaseLocked.selector), Roles.ROLE_PROTOCOL
        );
        assertEq(
            am.getTargetFunctionRole(address(pool), PufferPool.reportReserves.selector), Roles.ROLE_PROTOCOL
        );
        assertEq(am.getTargetFunctionRole(address(pool), PufferPool.burnShares.selector), Roles.ROLE_PROTOCOL);
        assertEq(
            am.getTargetFunctionRole(address(pool), PufferPool.pauseDeposits.selector), Roles.ROLE_PAUSER
        );
        assertEq(am.getTargetFunctionRole(address(pool), PufferPool.unpauseDeposits.selector), Roles.ROLE_DAO);
    }
}
