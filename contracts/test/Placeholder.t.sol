// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {Placeholder} from "../src/Placeholder.sol";

contract PlaceholderTest is Test {
    function test_name() public {
        Placeholder p = new Placeholder();
        assertEq(p.decimals(), 18);
    }
}
