// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "forge-std/Vm.sol";

import {IDepositContract} from "../../src/interfaces/IDepositContract.sol";
import {IPufferStrategy} from "../../src/interfaces/IPufferStrategy.sol";
import {DepositRoot} from "../../src/lib/DepositRoot.sol";
import {OperatorFixture} from "../utils/OperatorFixture.sol";

/// @notice User flow: stakers deposit; NoOps register in NO_RESTAKING and a restaking strategy; the DAO sets a 3:1
/// schedule; guardians provision one by one and in a batch; every deposit lands in the deposit contract with the
/// picked strategy's 0x01 credentials, and the deposit root the contract reports is the tree of those deposits.
contract OperatorProvisioningTest is OperatorFixture {
    function test_flow_depositsRegistrationsThreeToOneProvisioning() public {
        // Stakers deposit enough for 8 validators.
        _fundPool(8);
        uint256 assetsAfterDeposits = pool.totalAssets();

        // NoOps register 6 in NO_RESTAKING and 4 in EIGENDA (restaking, allowlisted NoOp).
        for (uint256 i = 0; i < 6; i++) {
            _register(noOp, NR);
        }
        for (uint256 i = 0; i < 4; i++) {
            _register(avsNoOp, EIGENDA);
        }
        assertGt(pool.totalAssets(), assetsAfterDeposits, "commitments raise the pool's backing");

        // The DAO schedules NR:EIGENDA = 3:1.
        _setWeights(3, 1);

        vm.recordLogs();
        uint256[] memory order = new uint256[](8);
        for (uint256 i = 0; i < 4; i++) {
            order[i] = _provisionNext();
        }
        uint256[] memory batch = _provisionBatch(4);
        for (uint256 i = 0; i < 4; i++) {
            order[4 + i] = batch[i];
        }

        // The schedule: 3:1 over 8 picks = 6 NR + 2 EIGENDA, interleaved NR NR DA NR | NR NR DA NR.
        uint256[8] memory expectedStrategy = [uint256(0), 0, 1, 0, 0, 0, 1, 0];
        for (uint256 i = 0; i < 8; i++) {
            assertEq(_strategyOf(order[i]), expectedStrategy[i], "pick follows the 3:1 schedule");
            assertEq(uint8(protocol.validator(order[i]).status), uint8(ValidatorStatus.PROVISIONED));
        }
        assertEq(protocol.strategy(NR).pending, 0);
        assertEq(protocol.strategy(EIGENDA).pending, 2);

        // The deposit contract holds 8 x 32 ETH, each with the credentials of its strategy's pod.
        assertEq(address(depositContract).balance, 256 ether);
        assertEq(pool.lockedETH(), 256 ether);
        assertEq(depositContract.get_deposit_count(), hex"0800000000000000");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 seen;
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter != address(depositContract)) continue;
            if (logs[i].topics[0] != IDepositContract.DepositEvent.selector) continue;
            (bytes memory pubkey, bytes memory credentials, bytes memory amount,, bytes memory index) =
                abi.decode(logs[i].data, (bytes, bytes, bytes, bytes, bytes));
            uint256 id = order[seen];
            assertEq(pubkey, keyOf[id].pubkey, "deposits in provisioning order");
            IPufferStrategy strategy =
                IPufferStrategy(protocol.strategy(_strategyOf(id) == 0 ? NR : EIGENDA).strategy);
            assertEq(
                bytes32(credentials),
                strategy.withdrawalCredentials(),
                "credentials point at the strategy's pod"
            );
            assertEq(credentials[0], bytes1(0x01));
            assertEq(amount, abi.encodePacked(DepositRoot.LE_32_ETH_GWEI));
            assertEq(index, abi.encodePacked(DepositRoot.toLittleEndian64(uint64(seen))));
            seen++;
        }
        assertEq(seen, 8);

        // The pods of the two strategies differ: restaking and plain validators never share credentials.
        assertTrue(
            protocol.strategy(NR).withdrawalCredentials != protocol.strategy(EIGENDA).withdrawalCredentials
        );
    }
}
