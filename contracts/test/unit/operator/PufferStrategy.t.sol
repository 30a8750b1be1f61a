// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {DevEigenPod} from "../../../src/dev/DevEigenPod.sol";
import {DevEigenPodManager} from "../../../src/dev/DevEigenPodManager.sol";
import {IPufferStrategy, IPufferStrategyErrors} from "../../../src/interfaces/IPufferStrategy.sol";
import {PufferStrategyFactory} from "../../../src/PufferStrategy.sol";
import {OperatorFixture} from "../../utils/OperatorFixture.sol";

/// @notice PufferStrategy (beacon proxy), its factory, and the dev EigenPodManager/EigenPod.
contract PufferStrategyTest is OperatorFixture {
    IPufferStrategy internal strategy;

    function setUp() public override {
        super.setUp();
        strategy = IPufferStrategy(protocol.strategy(NR).strategy);
    }

    function test_withdrawalCredentials_pointAtPod() public view {
        address pod = address(strategy.eigenPod());
        assertEq(strategy.withdrawalCredentials(), bytes32(abi.encodePacked(bytes1(0x01), bytes11(0), pod)));
        assertEq(address(d.eigenPodManager.getPod(address(strategy))), pod);
        assertTrue(d.eigenPodManager.hasPod(address(strategy)));
        assertEq(DevEigenPod(payable(pod)).podOwner(), address(strategy));
        assertEq(strategy.protocol(), address(protocol));
    }

    function test_stake_revertWhen_notProtocol() public {
        vm.deal(address(this), 32 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IPufferStrategyErrors.StrategyOnlyProtocol.selector, address(this))
        );
        strategy.stake{value: 32 ether}("", "", bytes32(0));
    }

    function test_stake_revertWhen_not32Ether() public {
        vm.deal(address(protocol), 31 ether);
        vm.prank(address(protocol));
        vm.expectRevert(abi.encodeWithSelector(IPufferStrategyErrors.StrategyInvalidStake.selector, 31 ether));
        strategy.stake{value: 31 ether}("", "", bytes32(0));
    }

    function test_initialize_revertWhen_again() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        strategy.initialize("X", true, new address[](0));
    }

    function test_factory_revertWhen_notProtocol() public {
        PufferStrategyFactory factory = PufferStrategyFactory(protocol.strategyFactory());
        vm.expectRevert(
            abi.encodeWithSelector(PufferStrategyFactory.StrategyFactoryOnlyProtocol.selector, address(this))
        );
        factory.deploy("X", false, new address[](0));
    }

    function test_beacon_ownedByTimelock() public {
        UpgradeableBeacon beacon =
            UpgradeableBeacon(PufferStrategyFactory(protocol.strategyFactory()).beacon());
        assertEq(beacon.owner(), address(d.timelock));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, dao));
        vm.prank(dao);
        beacon.upgradeTo(address(this));
    }

    function test_eigenPodManager_createPodTwice_reverts() public {
        DevEigenPodManager epm = DevEigenPodManager(address(d.eigenPodManager));
        address predicted = address(epm.getPod(address(this)));
        assertEq(epm.createPod(), predicted, "pods are deployed at their predicted CREATE2 address");
        vm.expectRevert(
            abi.encodeWithSelector(DevEigenPodManager.EigenPodManagerPodExists.selector, address(this))
        );
        epm.createPod();
    }

    function test_eigenPod_stake_revertWhen_notManager() public {
        DevEigenPod pod = DevEigenPod(payable(address(strategy.eigenPod())));
        vm.deal(address(this), 32 ether);
        vm.expectRevert(abi.encodeWithSelector(DevEigenPod.EigenPodOnlyManager.selector, address(this)));
        pod.stake{value: 32 ether}("", "", bytes32(0));
    }

    function test_eigenPod_receivesETH() public {
        address pod = address(strategy.eigenPod());
        vm.deal(address(this), 1 ether);
        (bool ok,) = pod.call{value: 1 ether}("");
        assertTrue(ok);
        assertEq(pod.balance, 1 ether);
    }
}
