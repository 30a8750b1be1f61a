// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IEigenPod} from "./IEigenPodManager.sol";

/// @title Errors of a PufferStrategy.
interface IPufferStrategyErrors {
    /// @dev Thrown when a caller other than the PufferProtocol uses a protocol-only function.
    error StrategyOnlyProtocol(address caller);
    /// @dev Thrown when a stake is not exactly 32 ETH.
    error StrategyInvalidStake(uint256 amountWei);
    /// @dev Thrown when a non-restaking strategy is given AVSs or a commission.
    error StrategyCannotRestake(bytes32 name);
    /// @dev Thrown when the AVS set has a zero address, a duplicate, or more than MAX_AVS entries.
    error StrategyInvalidAvsSet(uint256 length);
}

/// @title Events of a PufferStrategy.
interface IPufferStrategyEvents {
    /// @notice Emitted once, when the strategy is set up with its pod.
    event StrategyInitialized(bytes32 indexed name, address eigenPod, bool restaking, address[] avsSet);
    /// @notice Emitted when a validator is staked through the strategy's EigenPod.
    event ValidatorStaked(bytes32 indexed pubkeyHash, bytes32 depositDataRoot);
}

/// @title PufferStrategy: owns an EigenPod that its validators' withdrawal credentials point at.
/// @notice NO_RESTAKING never restakes (no AVS, no commission, and no function can change that); a restaking
/// strategy has a fixed AVS set chosen at creation. Issue 5 adds NoOp claims, AVS fees and exits.
interface IPufferStrategy is IPufferStrategyErrors, IPufferStrategyEvents {
    /// @notice Sets the strategy up and creates its EigenPod (once, in the proxy's constructor).
    function initialize(bytes32 name, bool restaking, address[] calldata avsSet) external;

    /// @notice Stakes a validator: `EigenPodManager.stake{value: 32 ether}` (protocol only).
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot) external payable;

    /// @notice The strategy's name.
    function name() external view returns (bytes32);

    /// @notice Whether the strategy restakes (false forever for NO_RESTAKING).
    function isRestaking() external view returns (bool);

    /// @notice The AVSs this strategy's validators restake to (fixed at creation).
    function avsSet() external view returns (address[] memory);

    /// @notice The strategy's EigenPod.
    function eigenPod() external view returns (IEigenPod);

    /// @notice `0x01 ‖ 11 zero bytes ‖ eigenPod`.
    function withdrawalCredentials() external view returns (bytes32);

    /// @notice The PufferProtocol this strategy serves.
    function protocol() external view returns (address);
}
