// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SpurtFixture} from "../utils/SpurtFixture.sol";

/// @notice Gas of postSpurtReport (independent of validator and exit counts: they are roots and totals) and of an
/// exit sweep of 100 validators in four chunks of 25. Run with `forge test --mc SpurtGasTest -vv`.
contract SpurtGasTest is SpurtFixture {
    function _reportGas(uint256 validators) internal returns (uint256 g) {
        _endSpurt();
        SpurtReport memory r = _report(0, validators);
        r.exitsRoot = keccak256(abi.encode("exits", validators));
        r.exitCount = validators;
        r.activationsRoot = keccak256(abi.encode("activations", validators));
        r.activations = validators;
        bytes memory sigs = _sigs(r);
        g = gasleft();
        reporter.postSpurtReport(r, sigs);
        g -= gasleft();
    }

    function test_gas_postSpurtReport_10_vs_10000() public {
        uint256 snap = vm.snapshotState();
        uint256 g10 = _reportGas(10);
        vm.revertToState(snap);
        uint256 g10k = _reportGas(10_000);
        emit log_named_uint("postSpurtReport gas, 10 validators/exits", g10);
        emit log_named_uint("postSpurtReport gas, 10,000 validators/exits", g10k);
        // Only calldata differs (a few more non-zero bytes in the larger numbers).
        assertApproxEqAbs(g10, g10k, 100, "report gas does not depend on the number of validators or exits");
    }

    function test_gas_exitSweep_100Validators() public {
        _fundPool(40); // keeps the report inside the rate bound
        uint256[] memory ids = _provisioned(noOp, NR, 100);
        _endSpurt();
        _post(_report(0, 100));
        Exit[] memory exits = new Exit[](100);
        for (uint256 i = 0; i < 100; i++) {
            exits[i] =
                Exit({validatorId: ids[i], returnedWei: 32 ether, reason: ExitReason.COMMITMENT_EXPIRED});
        }
        _endSpurt();
        SpurtReport memory r = _report(1, 0);
        bytes32[] memory leaves = _addExits(r, exits);
        _post(r);
        bytes32[][] memory proofs = _exitProofs(leaves);

        uint256 total = 0;
        for (uint256 c = 0; c < 4; c++) {
            Exit[] memory chunk = new Exit[](25);
            bytes32[][] memory chunkProofs = new bytes32[][](25);
            for (uint256 i = 0; i < 25; i++) {
                chunk[i] = exits[c * 25 + i];
                chunkProofs[i] = proofs[c * 25 + i];
            }
            uint256 g = gasleft();
            reporter.processExits(1, chunk, chunkProofs);
            g -= gasleft();
            emit log_named_uint("processExits gas, chunk of 25", g);
            assertLe(g, 2_000_000, "a full chunk stays under 2M gas");
            total += g;
        }
        emit log_named_uint("processExits gas, 100 validators in 4 chunks", total);
        assertEq(pool.lockedETH(), 0, "all released");
    }
}
