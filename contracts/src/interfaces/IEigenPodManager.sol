// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title The EigenLayer EigenPod subset Puffer calls (names as in EigenLayer's IEigenPod).
interface IEigenPod {
    /// @notice The pod's owner (a PufferStrategy for Puffer's pods).
    function podOwner() external view returns (address);

    /// @notice Deposits `msg.value` (32 ETH) to the beacon deposit contract with 0x01 credentials to this pod.
    /// @dev Only the EigenPodManager may call it.
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot) external payable;

    /// @notice Sends `amountWei` of the pod's withdrawn ETH (partial and full beacon withdrawals) to `recipient`.
    /// @dev Only the pod owner may call it. Stands in for EigenLayer's withdrawal-proof + queue flow, which a dev
    /// chain without a beacon state cannot run; the seam (pod owner pulls withdrawn ETH) is the same.
    function withdrawETH(address recipient, uint256 amountWei) external;
}

/// @title The EigenLayer EigenPodManager subset Puffer calls (names as in EigenLayer's IEigenPodManager).
/// @notice Issue 5 adds withdrawals and AVS delegation to this seam.
interface IEigenPodManager {
    /// @notice Emitted when `podOwner` deploys its pod.
    event PodDeployed(address indexed eigenPod, address indexed podOwner);
    /// @notice Emitted when `podOwner` stakes a new validator through its pod.
    event BeaconChainETHDeposited(address indexed podOwner, uint256 amount);

    /// @notice Deploys the caller's EigenPod (one per owner).
    function createPod() external returns (address);

    /// @notice Deploys the caller's pod if needed and stakes `msg.value` through it.
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot) external payable;

    /// @notice The pod of `podOwner` (its deterministic address, whether or not it is deployed yet).
    function getPod(address podOwner) external view returns (IEigenPod);

    /// @notice Whether `podOwner` has deployed its pod.
    function hasPod(address podOwner) external view returns (bool);
}
