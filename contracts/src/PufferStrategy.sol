// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";

import {IEigenPod, IEigenPodManager} from "./interfaces/IEigenPodManager.sol";
import {IPufferStrategy} from "./interfaces/IPufferStrategy.sol";
import {DepositRoot} from "./lib/DepositRoot.sol";

/// @title PufferStrategy
/// @notice Owns one EigenPod; every validator of the strategy has withdrawal credentials
/// `0x01 ‖ 11 zero bytes ‖ eigenPod`. The PufferProtocol stakes through it.
/// @dev Deployed by the PufferProtocol as a BeaconProxy of this implementation. Why upgradeable, and why a beacon:
/// a strategy is the owner of its EigenPod forever (the beacon chain never changes a validator's withdrawal
/// credentials), and EigenLayer's pod interfaces change over time (withdrawal proofs, slashing, rewards); a strategy
/// that cannot follow would strand its validators' ETH. One beacon, owned by the DAO's timelock, upgrades every
/// strategy at once, and nothing else can. A clone (EIP-1167) would be cheaper per call (no beacon read, ~5k gas
/// less per stake) but frozen. The protocol and EigenPodManager addresses are immutables of the implementation
/// (shared by every proxy); the per-strategy state lives in proxy storage.
contract PufferStrategy is IPufferStrategy, Initializable {
    /// @notice Most AVSs a restaking strategy may carry.
    uint256 public constant MAX_AVS = 16;

    address private immutable _protocol;
    IEigenPodManager private immutable _eigenPodManager;

    bytes32 private _name;
    bool private _restaking;
    IEigenPod private _eigenPod;
    address[] private _avsSet;

    /// @param protocol_ The PufferProtocol, the only caller of `initialize` and `stake`.
    /// @param eigenPodManager The EigenPodManager that deploys the pod and stakes.
    constructor(address protocol_, IEigenPodManager eigenPodManager) {
        _protocol = protocol_;
        _eigenPodManager = eigenPodManager;
        _disableInitializers();
    }

    modifier onlyProtocol() {
        if (msg.sender != _protocol) revert StrategyOnlyProtocol(msg.sender);
        _;
    }

    /// @inheritdoc IPufferStrategy
    /// @dev Called by the BeaconProxy constructor (deployed by the protocol's factory) in the proxy's creation
    /// transaction, so nobody can initialize a proxy first; the implementation itself can never be initialized.
    function initialize(bytes32 name_, bool restaking, address[] calldata avsSet_) external initializer {
        if (!restaking && avsSet_.length != 0) revert StrategyCannotRestake(name_);
        if (avsSet_.length > MAX_AVS) revert StrategyInvalidAvsSet(avsSet_.length);
        for (uint256 i = 0; i < avsSet_.length; i++) {
            if (avsSet_[i] == address(0)) revert StrategyInvalidAvsSet(avsSet_.length);
            for (uint256 j = 0; j < i; j++) {
                if (avsSet_[j] == avsSet_[i]) revert StrategyInvalidAvsSet(avsSet_.length);
            }
        }
        _name = name_;
        _restaking = restaking;
        _avsSet = avsSet_;
        IEigenPod pod = IEigenPod(_eigenPodManager.createPod());
        _eigenPod = pod;
        emit StrategyInitialized(name_, address(pod), restaking, avsSet_);
    }

    /// @inheritdoc IPufferStrategy
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot)
        external
        payable
        onlyProtocol
    {
        if (msg.value != 32 ether) revert StrategyInvalidStake(msg.value);
        _eigenPodManager.stake{value: msg.value}(pubkey, signature, depositDataRoot);
        emit ValidatorStaked(keccak256(pubkey), depositDataRoot);
    }

    /// @inheritdoc IPufferStrategy
    function name() external view returns (bytes32) {
        return _name;
    }

    /// @inheritdoc IPufferStrategy
    function isRestaking() external view returns (bool) {
        return _restaking;
    }

    /// @inheritdoc IPufferStrategy
    function avsSet() external view returns (address[] memory) {
        return _avsSet;
    }

    /// @inheritdoc IPufferStrategy
    function eigenPod() external view returns (IEigenPod) {
        return _eigenPod;
    }

    /// @inheritdoc IPufferStrategy
    function withdrawalCredentials() external view returns (bytes32) {
        return DepositRoot.withdrawalCredentials(address(_eigenPod));
    }

    /// @inheritdoc IPufferStrategy
    function protocol() external view returns (address) {
        return _protocol;
    }
}

/// @title Deploys PufferStrategy beacon proxies for the PufferProtocol (its deployer and only caller).
/// @dev A separate contract only to keep BeaconProxy's creation code out of the protocol's runtime code (EIP-170).
contract PufferStrategyFactory {
    /// @dev Thrown when a caller other than the protocol deploys.
    error StrategyFactoryOnlyProtocol(address caller);

    address private immutable _protocol;
    address private immutable _beacon;

    /// @param beacon_ The UpgradeableBeacon every strategy follows.
    constructor(address beacon_) {
        _protocol = msg.sender;
        _beacon = beacon_;
    }

    /// @notice Deploys and initializes a strategy proxy (protocol only).
    /// @return strategy The new strategy.
    /// @return credentials Its withdrawal credentials.
    function deploy(bytes32 name, bool restaking, address[] calldata avsSet)
        external
        returns (address strategy, bytes32 credentials)
    {
        if (msg.sender != _protocol) revert StrategyFactoryOnlyProtocol(msg.sender);
        strategy = address(
            new BeaconProxy(_beacon, abi.encodeCall(IPufferStrategy.initialize, (name, restaking, avsSet)))
        );
        credentials = IPufferStrategy(strategy).withdrawalCredentials();
    }

    /// @notice The UpgradeableBeacon every strategy follows (owned by the timelock).
    function beacon() external view returns (address) {
        return _beacon;
    }
}
