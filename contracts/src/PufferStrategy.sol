// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";

import {Roles} from "./governance/Roles.sol";

import {IEigenPod, IEigenPodManager} from "./interfaces/IEigenPodManager.sol";
import {IPufferStrategy} from "./interfaces/IPufferStrategy.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {DepositRoot} from "./lib/DepositRoot.sol";
import {RewardsMerkle} from "./lib/RewardsMerkle.sol";

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
///
/// Money (issue 5). The strategy and its pod hold: consensus rewards (partial withdrawals, for the NoOps), AVS fees
/// (restaking strategies only), and exited validators' ETH (full withdrawals, for the pool). Each growth-spurt
/// report (SpurtReporter, ROLE_REPORTER in the protocol's AccessManager) earmarks the spurt's NoOp claims total
/// (`setClaims`) and takes the pools' ETH (`release`: the AVS fees minus the commission, and exits in chunks);
/// `release` can never touch earmarked ETH, so reported claims are always payable:
///
///     held = address(this).balance + pod.balance = earmarked (unpaid claims) + free
///     claim:   earmarked -= amount, pays node          release: free -= amount, pays the reporter
contract PufferStrategy is IPufferStrategy, Initializable {
    /// @notice Most AVSs a restaking strategy may carry.
    uint256 public constant MAX_AVS = 16;

    address private immutable _protocol;
    IEigenPodManager private immutable _eigenPodManager;

    bytes32 private _name;
    bool private _restaking;
    IEigenPod private _eigenPod;
    address[] private _avsSet;
    uint256 private _earmarkedWei;
    mapping(uint256 spurt => bytes32) private _claimsRoots;
    mapping(bytes32 leaf => bool) private _claimed;

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

    modifier onlyReporter() {
        // The reporter is whoever holds ROLE_REPORTER in the protocol's AccessManager (one source of truth for roles).
        (bool isReporter,) =
            IAccessManager(IAccessManaged(_protocol).authority()).hasRole(Roles.ROLE_REPORTER, msg.sender);
        if (!isReporter) revert StrategyOnlyReporter(msg.sender);
        _;
    }

    /// @notice Accepts withdrawn ETH from the pod, and AVS fees only in a restaking strategy (NO_RESTAKING can
    /// never receive restaking revenue).
    receive() external payable {
        if (msg.sender == address(_eigenPod)) return;
        if (!_restaking) revert StrategyCannotRestake(_name);
        emit FeesReceived(msg.sender, msg.value);
    }

    /// @inheritdoc IPufferStrategy
    /// @dev Checks (leaf unpaid, proof), effects (leaf paid, earmark down), then pays from the strategy's own balance
    /// (`setClaims` moved the earmarked ETH out of the pod; `_pay` still tops up from the pod as a backstop).
    function claim(uint256 spurt, address node, uint256 amountWei, bytes32[] calldata proof) external {
        bytes32 leaf = RewardsMerkle.leaf(address(this), spurt, node, amountWei);
        if (_claimed[leaf]) revert StrategyAlreadyClaimed(spurt, node, amountWei);
        bytes32 root = _claimsRoots[spurt];
        if (root == bytes32(0) || !MerkleProof.verifyCalldata(proof, root, leaf)) {
            revert StrategyInvalidClaimProof(spurt, node, amountWei);
        }
        _claimed[leaf] = true;
        // Checked: a tree whose leaves add up to more than its reported total cannot pay beyond the earmarks (the
        // claim that would overdraw them reverts), so it can never reach ETH owed to the pools.
        _earmarkedWei -= amountWei;
        emit Claimed(spurt, node, amountWei);
        _pay(node, amountWei);
    }

    /// @inheritdoc IPufferStrategy
    function setClaims(uint256 spurt, bytes32 root, uint256 totalWei) external onlyReporter {
        if (_claimsRoots[spurt] != bytes32(0)) revert StrategyClaimsAlreadySet(spurt);
        _claimsRoots[spurt] = root;
        uint256 earmarked = _earmarkedWei + totalWei;
        _earmarkedWei = earmarked;
        emit ClaimsRootSet(spurt, root, totalWei, earmarked);
        // Pull the claims' ETH out of the pod now, once per report, so each claim is a plain transfer.
        uint256 own = address(this).balance;
        if (own < earmarked) _eigenPod.withdrawETH(address(this), earmarked - own);
    }

    /// @inheritdoc IPufferStrategy
    function release(uint256 amountWei) external onlyReporter {
        uint256 free = freeETH();
        if (amountWei > free) revert StrategyInsufficientFreeETH(amountWei, free);
        emit ETHReleased(msg.sender, amountWei);
        _pay(msg.sender, amountWei);
    }

    /// @inheritdoc IPufferStrategy
    function freeETH() public view returns (uint256) {
        uint256 held = address(this).balance + address(_eigenPod).balance;
        // Saturates: a pod slashed below the earmark has nothing free.
        return held > _earmarkedWei ? held - _earmarkedWei : 0;
    }

    /// @inheritdoc IPufferStrategy
    function earmarkedETH() external view returns (uint256) {
        return _earmarkedWei;
    }

    /// @inheritdoc IPufferStrategy
    function claimsRoot(uint256 spurt) external view returns (bytes32) {
        return _claimsRoots[spurt];
    }

    /// @inheritdoc IPufferStrategy
    function isClaimed(uint256 spurt, address node, uint256 amountWei) external view returns (bool) {
        return _claimed[RewardsMerkle.leaf(address(this), spurt, node, amountWei)];
    }

    /// @dev Pays `amountWei` from this contract, first pulling what is missing from the pod.
    function _pay(address to, uint256 amountWei) private {
        uint256 own = address(this).balance;
        if (own < amountWei) _eigenPod.withdrawETH(address(this), amountWei - own);
        (bool ok,) = to.call{value: amountWei}("");
        if (!ok) revert StrategyETHTransferFailed(to, amountWei);
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
