// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";

import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {IEigenPod, IEigenPodManager} from "../interfaces/IEigenPodManager.sol";
import {DevEigenPod} from "./DevEigenPod.sol";

/// @title Development EigenPodManager. NEVER deployed to production (mainnet uses EigenLayer's EigenPodManager).
/// @notice The subset Puffer calls, with EigenLayer's names: one pod per owner at a CREATE2 address known before
/// deployment (`getPod`), `createPod`, and `stake` which deploys the pod if needed and deposits through it.
contract DevEigenPodManager is IEigenPodManager {
    /// @dev Thrown when an owner creates a second pod.
    error EigenPodManagerPodExists(address podOwner);

    IDepositContract private immutable _depositContract;
    mapping(address podOwner => IEigenPod) private _podOf;

    /// @param depositContract The beacon deposit contract pods stake to.
    constructor(IDepositContract depositContract) {
        _depositContract = depositContract;
    }

    /// @inheritdoc IEigenPodManager
    function createPod() external returns (address) {
        if (address(_podOf[msg.sender]) != address(0)) revert EigenPodManagerPodExists(msg.sender);
        return address(_deploy(msg.sender));
    }

    /// @inheritdoc IEigenPodManager
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot)
        external
        payable
    {
        IEigenPod pod = _podOf[msg.sender];
        if (address(pod) == address(0)) pod = _deploy(msg.sender);
        pod.stake{value: msg.value}(pubkey, signature, depositDataRoot);
        emit BeaconChainETHDeposited(msg.sender, msg.value);
    }

    /// @inheritdoc IEigenPodManager
    function getPod(address podOwner) public view returns (IEigenPod) {
        IEigenPod deployed = _podOf[podOwner];
        if (address(deployed) != address(0)) return deployed;
        bytes32 initCodeHash = keccak256(
            abi.encodePacked(type(DevEigenPod).creationCode, abi.encode(_depositContract, podOwner))
        );
        return IEigenPod(Create2.computeAddress(_salt(podOwner), initCodeHash));
    }

    /// @inheritdoc IEigenPodManager
    function hasPod(address podOwner) external view returns (bool) {
        return address(_podOf[podOwner]) != address(0);
    }

    function _deploy(address podOwner) private returns (IEigenPod pod) {
        pod = IEigenPod(address(new DevEigenPod{salt: _salt(podOwner)}(_depositContract, podOwner)));
        _podOf[podOwner] = pod;
        emit PodDeployed(address(pod), podOwner);
    }

    function _salt(address podOwner) private pure returns (bytes32) {
        return bytes32(uint256(uint160(podOwner)));
    }
}
