// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {IEigenPod} from "../interfaces/IEigenPodManager.sol";
import {DepositRoot} from "../lib/DepositRoot.sol";

/// @title Development EigenPod. NEVER deployed to production (mainnet uses EigenLayer's EigenPod).
/// @notice The subset Puffer calls: `stake` deposits to the beacon deposit contract with 0x01 withdrawal
/// credentials pointing at this pod, and the pod receives ETH (beacon-chain withdrawals arrive as plain balance
/// increases; on anvil the simulated beacon node credits it with `anvil_setBalance`, in tests `vm.deal`), and its
/// owner pulls that ETH out with `withdrawETH`.
contract DevEigenPod is IEigenPod {
    /// @notice Emitted when a validator is staked through this pod.
    event EigenPodStaked(bytes pubkey);
    /// @notice Emitted when the pod receives ETH.
    event NonBeaconChainETHReceived(uint256 amountReceived);

    /// @dev Thrown when a caller other than the EigenPodManager stakes.
    error EigenPodOnlyManager(address caller);
    /// @dev Thrown when a stake is not exactly 32 ETH.
    error EigenPodInvalidStake(uint256 amountWei);
    /// @dev Thrown when a caller other than the pod owner withdraws.
    error EigenPodOnlyOwner(address caller);
    /// @dev Thrown when a withdrawal asks for more than the pod holds, or its transfer fails.
    error EigenPodWithdrawalFailed(address recipient, uint256 amountWei, uint256 balanceWei);

    /// @notice Emitted when the owner withdraws ETH from the pod.
    event EigenPodWithdrawn(address indexed recipient, uint256 amountWei);

    IDepositContract private immutable _depositContract;
    address private immutable _manager;
    address private immutable _podOwner;

    /// @param depositContract The beacon deposit contract.
    /// @param podOwner_ The pod's owner.
    constructor(IDepositContract depositContract, address podOwner_) {
        _depositContract = depositContract;
        _manager = msg.sender;
        _podOwner = podOwner_;
    }

    /// @notice Accepts ETH (beacon withdrawals and rewards on the dev chain).
    receive() external payable {
        emit NonBeaconChainETHReceived(msg.value);
    }

    /// @inheritdoc IEigenPod
    function podOwner() external view returns (address) {
        return _podOwner;
    }

    /// @inheritdoc IEigenPod
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot)
        external
        payable
    {
        if (msg.sender != _manager) revert EigenPodOnlyManager(msg.sender);
        if (msg.value != 32 ether) revert EigenPodInvalidStake(msg.value);
        _depositContract.deposit{value: 32 ether}(
            pubkey,
            abi.encodePacked(DepositRoot.withdrawalCredentials(address(this))),
            signature,
            depositDataRoot
        );
        emit EigenPodStaked(pubkey);
    }

    /// @inheritdoc IEigenPod
    function withdrawETH(address recipient, uint256 amountWei) external {
        if (msg.sender != _podOwner) revert EigenPodOnlyOwner(msg.sender);
        emit EigenPodWithdrawn(recipient, amountWei);
        (bool ok,) = recipient.call{value: amountWei}("");
        if (!ok) revert EigenPodWithdrawalFailed(recipient, amountWei, address(this).balance);
    }
}
