// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";

import {DepositRoot} from "../../../src/lib/DepositRoot.sol";
import {DepositRootHarness} from "../../utils/OperatorFixture.sol";

/// @notice The on-chain DepositData root equals the published vectors (staking-deposit-cli, mainnet, 32 ETH).
contract DepositRootTest is Test {
    DepositRootHarness internal harness = new DepositRootHarness();

    function test_depositDataRoot_matchesVector0() public view {
        bytes32 root = harness.root(
            hex"88b6b3a9b391fa5593e8bce8d06102df1a56248368086929709fbb4a8570dc6a560febeef8159b19789e9c1fd13572f0",
            hex"0049b6188ed20314309f617dd4030b8ddfac3c6e65759a03c226a13b2fe4cc72",
            hex"8ac88247c1b431a2d1eb2c5f00e7b8467bc21d6dc267f1af9ef727a12e32b4299e3b289ae5734a328b3202478dd746a80bf9e15a2217240dca1fc1b91a6b7ff7a0f5830d9a2610c1c30f19912346271357c21bd9af35a74097ebbdda2ddaf491",
            DepositRoot.LE_32_ETH_GWEI
        );
        assertEq(root, hex"807a20b2801eabfd9065c1b74ed6ae3e991a1ab770e4eaf268f30b37cfd2cbd7");
    }

    function test_depositDataRoot_matchesVector1() public view {
        bytes32 root = harness.root(
            hex"a33ab9d93fb53c4f027944aaa11a13be0c150b7cc2e379d85d1ed4db38d178b4e4ebeae05832158b8c746c1961da00ce",
            hex"00ad3748cbd1adc855c2bdab431f7e755a21663f4f6447ac888e5855c588af5a",
            hex"84b9fc8f260a1488c4c9a438f875edfa2bac964d651b2bc886d8442829b13f89752e807c8ca9bae9d50b1b506d3a64730015dd7f91e271ff9c1757d1996dcf6082fe5205cf6329fa2b6be303c21b66d75be608757a123da6ee4a4f14c01716d7",
            DepositRoot.LE_32_ETH_GWEI
        );
        assertEq(root, hex"cd991ea8ff32e6b3940aed43b476c720fc1abd3040893b77a8a3efb306320d4c");
    }

    function test_toLittleEndian64_32EthInGwei() public pure {
        assertEq(DepositRoot.toLittleEndian64(32 gwei), DepositRoot.LE_32_ETH_GWEI);
        assertEq(DepositRoot.toLittleEndian64(1), bytes8(0x0100000000000000));
        assertEq(DepositRoot.toLittleEndian64(0x0102030405060708), bytes8(0x0807060504030201));
    }

    function testFuzz_toLittleEndian64_reversesBytes(uint64 value) public pure {
        bytes8 le = DepositRoot.toLittleEndian64(value);
        for (uint256 i = 0; i < 8; i++) {
            assertEq(uint8(le[i]), uint8(value >> (8 * i)));
        }
    }

    function test_withdrawalCredentials_type01() public pure {
        assertEq(
            DepositRoot.withdrawalCredentials(address(0x1234567890123456789012345678901234567890)),
            hex"0100000000000000000000001234567890123456789012345678901234567890"
        );
    }
}
