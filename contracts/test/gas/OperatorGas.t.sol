// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {console} from "forge-std/console.sol";

import {DepositRoot} from "../../src/lib/DepositRoot.sol";
import {OperatorFixture} from "../utils/OperatorFixture.sol";

/// @notice Gas of the operator hot paths with 7 guardians and a 5-of-7 quorum. Logged, not asserted (except one
/// generous upper bound per path that only a regression by multiples would break).
/// Method: every account the call touches is cooled first (`vm.cool`: cold accounts and storage, as at the start of
/// a transaction), the call's gas is the `gasleft()` delta around a CALL from this contract, and the transaction
/// estimate adds the intrinsic 21,000 and the calldata cost (EIP-2028: 16 per non-zero byte, 4 per zero byte). The
/// CALL from the harness itself (cold `to`, value surcharge) is included, so the estimates are slightly high.
/// Run: cd contracts && node_modules/.bin/forge test --match-path 'test/gas/*' -vv
contract OperatorGasTest is OperatorFixture {
    function _coolAll() internal {
        vm.cool(address(protocol));
        vm.cool(address(pool));
        vm.cool(address(d.withdrawalPool));
        vm.cool(address(guardianModule));
        vm.cool(address(depositContract));
        vm.cool(address(d.eigenPodManager));
        bytes32[] memory names = protocol.strategyNames();
        for (uint256 i = 0; i < names.length; i++) {
            address s = protocol.strategy(names[i]).strategy;
            vm.cool(s);
            vm.cool(address(d.eigenPodManager.getPod(s)));
        }
        vm.cool(protocol.strategyFactory());
    }

    function _calldataGas(bytes memory data) internal pure returns (uint256 g) {
        for (uint256 i = 0; i < data.length; i++) {
            g += data[i] == 0 ? 4 : 16;
        }
    }

    function _measure(string memory label, address who, address target, uint256 value, bytes memory data)
        internal
        returns (uint256 txGas)
    {
        _coolAll();
        vm.prank(who);
        uint256 before = gasleft();
        (bool ok, bytes memory ret) = target.call{value: value}(data);
        uint256 used = before - gasleft();
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        txGas = used + 21_000 + _calldataGas(data);
        console.log(label);
        console.log("  execution gas (measured):", used);
        console.log("  calldata bytes / gas:    ", data.length, _calldataGas(data));
        console.log("  transaction estimate:    ", txGas);
    }

    function _registerCall(uint256 n) internal view returns (bytes memory data, ValidatorData memory v) {
        v = _validatorData(NR, 1000 + n);
        data = abi.encodeCall(protocol.registerValidatorKey, (NR, v, 12));
    }

    function test_gas_registerValidatorKey() public {
        vm.deal(noOp, 100 ether);
        uint256 cost = _registrationCost(12);
        (bytes memory first,) = _registerCall(1);
        _measure(
            "registerValidatorKey, 7 guardians, first ever (fresh slots)",
            noOp,
            address(protocol),
            cost,
            first
        );
        (bytes memory second,) = _registerCall(2);
        uint256 g = _measure(
            "registerValidatorKey, 7 guardians, steady state", noOp, address(protocol), cost, second
        );
        assertLt(g, 400_000, "registration gas regressed by multiples");
    }

    function _provisionCall(uint256 id) internal view returns (bytes memory) {
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(_provisionDigest(id, root, deadline), THRESHOLD);
        return
            abi.encodeCall(
                protocol.provisionNode, (keyOf[id].pubkey, keyOf[id].signature, root, deadline, sigs)
            );
    }

    function test_gas_provisionNode() public {
        _fundPool(40);
        for (uint256 i = 0; i < 40; i++) {
            _register(noOp, NR);
        }
        _measure(
            "provisionNode, 5-of-7, deposit #1 (empty deposit tree)",
            address(this),
            address(protocol),
            0,
            _provisionCall(0)
        );
        // Fill the tree so that the next deposit writes an existing branch slot (branch[0]), as on mainnet.
        _provisionBatch(29);
        uint256 g = _measure(
            "provisionNode, 5-of-7, deposit #31 (writes an existing branch slot)",
            address(this),
            address(protocol),
            0,
            _provisionCall(30)
        );
        assertLt(g, 500_000, "provisioning gas regressed by multiples");
    }

    function test_gas_provisionNodes_batchOf10() public {
        _fundPool(20);
        for (uint256 i = 0; i < 20; i++) {
            _register(noOp, NR);
        }
        _provisionBatch(5);
        uint256[] memory ids = protocol.nextValidators(10);
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(_batchDigest(ids, root, deadline), THRESHOLD);
        ValidatorKey[] memory keys = new ValidatorKey[](10);
        for (uint256 i = 0; i < 10; i++) {
            keys[i] = keyOf[ids[i]];
        }
        uint256 g = _measure(
            "provisionNodes, 5-of-7, batch of 10",
            address(this),
            address(protocol),
            0,
            abi.encodeCall(protocol.provisionNodes, (keys, root, deadline, sigs))
        );
        console.log("  per validator:           ", g / 10);
        assertLt(g / 10, 300_000, "batch provisioning gas regressed by multiples");
    }

    function test_gas_depositContract_alone() public {
        bytes memory pk = new bytes(48);
        bytes memory sig = new bytes(96);
        for (uint256 i = 0; i < 96; i++) {
            sig[i] = bytes1(uint8(i + 1));
            if (i < 48) pk[i] = bytes1(uint8(i + 7));
        }
        bytes memory wc = abi.encodePacked(bytes1(0x01), bytes11(0), address(this));
        vm.deal(address(this), 200 ether);
        for (uint256 n = 0; n < 3; n++) {
            bytes32 root = rootHarness.root(pk, bytes32(wc), sig, DepositRoot.LE_32_ETH_GWEI);
            _measure(
                n == 0 ? "DepositContract.deposit, 1st deposit" : "DepositContract.deposit, next deposit",
                address(this),
                address(depositContract),
                32 ether,
                abi.encodeCall(depositContract.deposit, (pk, wc, sig, root))
            );
        }
        _coolAll();
        uint256 before = gasleft();
        depositContract.get_deposit_root();
        console.log("DepositContract.get_deposit_root (cold, 3 deposits):", before - gasleft());
    }
}
