// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Script, console} from "forge-std/Script.sol";
import {Placeholder} from "../src/Placeholder.sol";

contract Deploy is Script {
    function run() external {
        vm.startBroadcast();
        Placeholder p = new Placeholder();
        vm.stopBroadcast();
        console.log("Placeholder", address(p));
    }
}
