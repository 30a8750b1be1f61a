// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Script, console} from "forge-std/Script.sol";

import {DeployPuffer} from "./DeployPuffer.sol";

/// @title Deploys and wires Puffer on a dev chain (anvil) or any chain given the environment below.
/// @notice Environment (all optional on anvil): DAO_PROPOSER, PAUSER (default: the broadcaster), TIMELOCK_DELAY
/// (default 1 day), WETH (default: deploy a DevWETH), DEAD_SHARES_DEPOSIT (default 0.001 ether).
/// Run: forge script script/Deploy.s.sol --rpc-url $RPC --private-key $KEY --broadcast
contract Deploy is Script, DeployPuffer {
    function run() external returns (Deployment memory d) {
        address deployer = msg.sender;
        Config memory config = Config({
            deployer: deployer,
            daoProposer: vm.envOr("DAO_PROPOSER", deployer),
            pauser: vm.envOr("PAUSER", deployer),
            timelockDelay: vm.envOr("TIMELOCK_DELAY", uint256(1 days)),
            weth: vm.envOr("WETH", address(0)),
            deadSharesDeposit: vm.envOr("DEAD_SHARES_DEPOSIT", uint256(0.001 ether))
        });
        vm.startBroadcast(deployer);
        d = _deployPuffer(config);
        _handOverAdmin(d, config);
        vm.stopBroadcast();

        console.log("AccessManager  ", address(d.accessManager));
        console.log("Timelock       ", address(d.timelock));
        console.log("WETH           ", address(d.weth));
        console.log("PufferPool     ", address(d.pool));
        console.log("WithdrawalPool ", address(d.withdrawalPool));
    }
}
