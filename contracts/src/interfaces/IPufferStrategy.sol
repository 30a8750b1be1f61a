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
    /// @dev Thrown when a caller without ROLE_REPORTER (the SpurtReporter) uses a reporter-only function.
    error StrategyOnlyReporter(address caller);
    /// @dev Thrown when a claim's leaf was already paid.
    error StrategyAlreadyClaimed(uint256 spurt, address node, uint256 amountWei);
    /// @dev Thrown when a claim's proof does not lead to the root reported for `spurt` (wrong strategy, spurt, node,
    /// amount or proof; or no root for that spurt).
    error StrategyInvalidClaimProof(uint256 spurt, address node, uint256 amountWei);
    /// @dev Thrown when a claims root is set twice for the same spurt.
    error StrategyClaimsAlreadySet(uint256 spurt);
    /// @dev Thrown when the reporter asks for more ETH than is free (held minus earmarked for claims).
    error StrategyInsufficientFreeETH(uint256 requestedWei, uint256 freeWei);
    /// @dev Thrown when an ETH transfer out of the strategy fails.
    error StrategyETHTransferFailed(address to, uint256 amountWei);
}

/// @title Events of a PufferStrategy.
interface IPufferStrategyEvents {
    /// @notice Emitted once, when the strategy is set up with its pod.
    event StrategyInitialized(bytes32 indexed name, address eigenPod, bool restaking, address[] avsSet);
    /// @notice Emitted when a validator is staked through the strategy's EigenPod.
    event ValidatorStaked(bytes32 indexed pubkeyHash, bytes32 depositDataRoot);
    /// @notice Emitted when the reporter publishes the NoOp claims of `spurt`; `earmarkedWei` is the new total owed.
    event ClaimsRootSet(uint256 indexed spurt, bytes32 root, uint256 totalWei, uint256 earmarkedWei);
    /// @notice Emitted when a NoOp claim is paid.
    event Claimed(uint256 indexed spurt, address indexed node, uint256 amountWei);
    /// @notice Emitted when the reporter takes free ETH (the pools' AVS share, exited validators' ETH).
    event ETHReleased(address indexed to, uint256 amountWei);
    /// @notice Emitted when ETH (AVS fees) arrives from anyone but the pod.
    event FeesReceived(address indexed from, uint256 amountWei);
}

/// @title PufferStrategy: owns an EigenPod that its validators' withdrawal credentials point at.
/// @notice NO_RESTAKING never restakes (no AVS, no commission, and no function can change that); a restaking
/// strategy has a fixed AVS set chosen at creation. Issue 5 adds NoOp claims, AVS fees and exits.
interface IPufferStrategy is IPufferStrategyErrors, IPufferStrategyEvents {
    /// @notice Sets the strategy up and creates its EigenPod (once, in the proxy's constructor).
    function initialize(bytes32 name, bool restaking, address[] calldata avsSet) external;

    /// @notice Stakes a validator: `EigenPodManager.stake{value: 32 ether}` (protocol only).
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot) external payable;

    /// @notice Pays `node` its consensus rewards and restaking commission for `spurt`, once per leaf
    /// (`RewardsMerkle.leaf(this, spurt, node, amountWei)`); anyone may submit, the ETH goes to `node`.
    function claim(uint256 spurt, address node, uint256 amountWei, bytes32[] calldata proof) external;

    /// @notice Publishes `spurt`'s claims root and earmarks `totalWei` for it (SpurtReporter only; it checks the
    /// total against `freeETH()` first).
    function setClaims(uint256 spurt, bytes32 root, uint256 totalWei) external;

    /// @notice Sends `amountWei` of free ETH (not earmarked for claims), pulling from the pod as needed, to the caller
    /// (SpurtReporter only).
    function release(uint256 amountWei) external;

    /// @notice ETH held by the strategy and its pod that is not earmarked for unpaid claims.
    function freeETH() external view returns (uint256);

    /// @notice ETH earmarked for reported, not yet paid claims.
    function earmarkedETH() external view returns (uint256);

    /// @notice The claims root reported for `spurt` (zero if none).
    function claimsRoot(uint256 spurt) external view returns (bytes32);

    /// @notice Whether the claim leaf was paid.
    function isClaimed(uint256 spurt, address node, uint256 amountWei) external view returns (bool);

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
