// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Script, console} from "forge-std/Script.sol";

import {DeployPuffer} from "./DeployPuffer.sol";

/// @title Deploys and wires Puffer on a dev chain (anvil) or any chain given the environment below.
/// @notice Environment (all optional on anvil): DAO_PROPOSER, PAUSER (default: the broadcaster), TIMELOCK_DELAY
/// (default 1 day), WETH (default: deploy a DevWETH), DEAD_SHARES_DEPOSIT (default 0.001 ether); operator side:
/// DEPOSIT_CONTRACT and EIGEN_POD_MANAGER (default: deploy the dev contracts), ATTESTATION_SIGNER (default: the
/// broadcaster; the dev verifier does NOT verify SGX/TDX), GUARDIANS (comma-separated operator EOAs, default none),
/// GUARDIAN_THRESHOLD (default: a simple majority), TREASURY and GUARDIAN_FEE_RECIPIENT (default: the timelock).
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
        OperatorConfig memory op;
        op.depositContract = vm.envOr("DEPOSIT_CONTRACT", address(0));
        op.eigenPodManager = vm.envOr("EIGEN_POD_MANAGER", address(0));
        op.attestationSigner = vm.envOr("ATTESTATION_SIGNER", deployer);
        op.guardians = vm.envOr("GUARDIANS", ",", new address[](0));
        op.guardianThreshold =
            vm.envOr("GUARDIAN_THRESHOLD", op.guardians.length / 2 + (op.guardians.length == 0 ? 0 : 1));
        op.treasury = vm.envOr("TREASURY", address(0));
        op.guardianFeeRecipient = vm.envOr("GUARDIAN_FEE_RECIPIENT", address(0));
        vm.startBroadcast(deployer);
        d = _deployPuffer(config, op);
        _handOverAdmin(d, config);
        vm.stopBroadcast();

        console.log("AccessManager  ", address(d.accessManager));
        console.log("Timelock       ", address(d.timelock));
        console.log("WETH           ", address(d.weth));
        console.log("PufferPool     ", address(d.pool));
        console.log("WithdrawalPool ", address(d.withdrawalPool));
        console.log("DepositContract", address(d.depositContract));
        console.log("EigenPodManager", address(d.eigenPodManager));
        console.log("AttestationVer.", address(d.attestationVerifier));
        console.log("GuardianModule ", address(d.guardianModule));
        console.log("PufferProtocol ", address(d.protocol));
        console.log("NO_RESTAKING   ", d.protocol.strategy(d.protocol.NO_RESTAKING()).strategy);
        console.log("SpurtReporter  ", address(d.reporter));
    }
}
