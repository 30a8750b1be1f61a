// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IDepositContract} from "./interfaces/IDepositContract.sol";
import {IEigenPodManager} from "./interfaces/IEigenPodManager.sol";
import {IGuardianModule} from "./interfaces/IGuardianModule.sol";
import {IPufferPool} from "./interfaces/IPufferPool.sol";
import {IPufferProtocol} from "./interfaces/IPufferProtocol.sol";
import {IPufferStrategy} from "./interfaces/IPufferStrategy.sol";
import {DepositRoot} from "./lib/DepositRoot.sol";
import {PufferStrategy, PufferStrategyFactory} from "./PufferStrategy.sol";

/// @title PufferProtocol
/// @notice Strategies, NoOp registrations with smoothing commitments, per-strategy queues, the weighted
/// round-robin provisioning schedule, and guardian-approved provisioning.
///
/// @dev Money flows.
///
///     registerValidatorKey{value: S + B}
///       ├─ S (commitment) ─┬─ protocolFeeBps  ─► accrued for the treasury          (pulled by withdrawFees)
///       │                  ├─ guardianFeeBps  ─► accrued for the guardian fee recipient
///       │                  └─ the rest        ─► pool.depositRevenue()  (the pool routes its WithdrawalPool share)
///       └─ B (bond)        ───────────────────► pool.depositETH(this): pufETH held here, recorded per validator
///     stopRegistration / skipProvisioning: the validator's bond pufETH goes back to its NoOp, once.
///     provisionNode: pool.provisionETH(1) sends 32 ETH here (locked in the pool's books) ─► strategy.stake
///       ─► EigenPodManager.stake ─► EigenPod ─► deposit contract, credentials 0x01 ‖ 0^11 ‖ pod.
///
/// Fees are accrued and pulled rather than pushed so a reverting or costly recipient cannot block registrations.
/// Fee parts round down (the pool gets the remainder). This contract holds ETH only for accrued fees and, inside a
/// provisioning call, the 32 ETH chunks in transit.
///
/// Validator ids are `strategyIndex << 64 | position`: the position is the strategy queue's tail at registration,
/// so the queue needs no storage of its own beyond `{head, tail, pending}` per strategy. Stopped and skipped
/// entries stay in place and are passed over when they reach the head (each at most once, so O(1) amortised;
/// at most MAX_QUEUE_SKIPS per pick, and `advanceQueue` lets anyone clear a longer run).
///
/// Schedule: smooth weighted round-robin (nginx's). Per pick, over the strategies with weight > 0 and a pending
/// validator (`eligible`, total weight W): every eligible credit += weight, the largest credit wins (ties: larger
/// weight, then lower index), the winner's credit -= W. Ineligible strategies' credits are frozen (they neither
/// accrue while empty nor lose what they had), so the sum of all credits stays 0 (as set by `setStrategyWeights`)
/// and every credit stays within a few W of 0: a strategy that comes back resumes where it left off, with at most a
/// short catch-up. (Resetting them to 0 instead would let the remaining credits drift a little further each time a
/// queue empties, starving a strategy in the long run.) Over n picks with a fixed eligible set each strategy gets
/// n·w/W picks within ±1. Work per pick is O(#strategies) (at most MAX_STRATEGIES = 8), independent of the number of
/// validators; weights and credits live in one storage slot.
contract PufferProtocol is IPufferProtocol, AccessManaged {
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    /// @notice The default strategy: plain proof of stake, open to every NoOp, never restakes.
    bytes32 public constant NO_RESTAKING = "NO_RESTAKING";
    /// @notice Most strategies (bounds the schedule's work per pick).
    uint256 internal constant MAX_STRATEGIES = 8;
    /// @notice Highest schedule weight.
    uint256 internal constant MAX_WEIGHT = 255;
    /// @notice Most validators in one `provisionNodes` call.
    uint256 internal constant MAX_BATCH = 32;
    /// @notice Most dead (stopped/skipped) queue entries one pick passes over.
    uint256 internal constant MAX_QUEUE_SKIPS = 64;
    /// @notice Most months a price may be set for.
    uint256 internal constant MAX_COMMITMENT_MONTHS = 36;
    /// @notice Commitment price bounds: [1 ETH, 2 ETH).
    uint256 internal constant MIN_PRICE = 1 ether;
    /// @notice Exclusive upper bound of a commitment price.
    uint256 internal constant MAX_PRICE_EXCLUSIVE = 2 ether;
    /// @notice Fee caps, in basis points.
    uint256 internal constant MAX_PROTOCOL_FEE_BPS = 1000;
    /// @notice Cap of the guardian fee, in basis points.
    uint256 internal constant MAX_GUARDIAN_FEE_BPS = 500;
    /// @notice Cap of a restaking strategy's NoOp commission, in basis points.
    uint256 internal constant MAX_COMMISSION_BPS = 5000;
    /// @notice Bond bounds.
    uint256 internal constant MIN_BOND = 1 ether;
    /// @notice Highest bond.
    uint256 internal constant MAX_BOND = 32 ether;
    /// @notice Registration cap meaning "no cap".
    uint256 internal constant UNLIMITED_REGISTRATIONS = type(uint32).max;

    /// @notice EIP-712 type of a single provisioning approval.
    bytes32 internal constant PROVISION_TYPEHASH = keccak256(
        "ProvisionNode(uint256 validatorId,bytes32 pubkeyHash,bytes32 depositRoot,uint256 deadline)"
    );
    /// @notice EIP-712 type of a batch provisioning approval.
    bytes32 internal constant PROVISION_BATCH_TYPEHASH = keccak256(
        "ProvisionNodes(uint256[] validatorIds,bytes32[] pubkeyHashes,bytes32 depositRoot,uint256 deadline)"
    );
    /// @notice EIP-712 type of a skip approval.
    bytes32 internal constant SKIP_TYPEHASH =
        keccak256("SkipProvisioning(uint256 validatorId,uint256 deadline)");

    /// @dev EIP-712 domain: name "PufferProtocol", version "1", the chain id and this contract.
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _NAME_HASH = keccak256("PufferProtocol");
    bytes32 private constant _VERSION_HASH = keccak256("1");
    uint256 private constant _BPS = 10_000;
    uint256 private constant _PUBKEY_BYTES = 48;
    uint256 private constant _SIGNATURE_BYTES = 96;
    uint256 private constant _QUEUE_BITS = 64;
    uint256 private constant _CREDIT_BITS = 20;
    uint256 private constant _CREDIT_MASK = (1 << 20) - 1;
    int256 private constant _CREDIT_MAX = (1 << 19) - 1;

    /// @dev Per strategy, one slot. The registered entries are positions [head, tail); `pending` of them are still
    /// PENDING (the rest were stopped or skipped and are passed over).
    struct Queue {
        uint64 head;
        uint64 tail;
        uint64 pending;
    }

    /// @dev Per strategy, one slot.
    struct StrategyRecord {
        IPufferStrategy strategy;
        bool restaking;
        uint16 commissionBps;
        bool slashed;
    }

    /// @dev One slot: strategy count, weights (8 x uint8) and smooth-WRR credits (8 x int20). Credits stay within
    /// a few times the total weight (<= 8 x 255) of zero; storing clamps to the int20 range as a backstop.
    struct Schedule {
        uint8 count;
        uint64 weights;
        uint160 credits;
    }

    /// @dev One slot, read and written by every registration.
    struct Params {
        uint96 bondWei;
        uint16 protocolFeeBps;
        uint16 guardianFeeBps;
        uint32 registrationCap;
        uint32 registrationSpurt;
        uint32 registrationsInSpurt;
        bool paused;
        /// Burst-threshold treasury share of a commitment's remainder after fees (set by the SpurtReporter).
        uint16 burstShareBps;
    }

    /// @dev The schedule and queues unpacked in memory for a pick (or several).
    struct PickState {
        uint256 count;
        uint256[MAX_STRATEGIES] weights;
        int256[MAX_STRATEGIES] credits;
        uint256[MAX_STRATEGIES] heads;
        uint256[MAX_STRATEGIES] pending;
        uint256 touched;
    }

    uint256 private immutable _cachedChainId;
    bytes32 private immutable _cachedDomainSeparator;
    IPufferPool private immutable _pool;
    IGuardianModule private immutable _guardianModule;
    IDepositContract private immutable _depositContract;
    PufferStrategyFactory private immutable _strategyFactory;

    Params private _params;
    Schedule private _schedule;
    mapping(uint256 index => StrategyRecord) private _strategies;
    mapping(uint256 index => bytes32) private _withdrawalCredentials;
    mapping(uint256 index => Queue) private _queues;
    mapping(uint256 index => bytes32) private _strategyNames;
    mapping(bytes32 name => uint256 indexPlusOne) private _strategyIndexPlusOne;
    mapping(uint256 index => mapping(address noOp => bool)) private _allowedNoOps;
    mapping(uint256 validatorId => Validator) private _validators;
    mapping(bytes32 pubkeyHash => uint256 validatorIdPlusOne) private _validatorIdPlusOne;
    mapping(uint256 months => uint256 priceWei) private _commitmentPrices;
    uint128 private _accruedTreasuryWei;
    uint128 private _accruedGuardianWei;
    address private _treasury;
    address private _guardianFeeRecipient;

    /// @notice What the constructor needs.
    struct Init {
        /// The AccessManager governing restricted functions.
        address authority;
        IPufferPool pool;
        IGuardianModule guardianModule;
        IDepositContract depositContract;
        IEigenPodManager eigenPodManager;
        /// Owner of the strategy beacon (the timelock): the only account that can upgrade strategies.
        address beaconOwner;
        address treasury;
        address guardianFeeRecipient;
    }

    /// @dev Deploys the strategy implementation (bound to this contract) and its beacon, creates NO_RESTAKING with
    /// weight 1, and sets the defaults: bond 1 ETH, fees 2% / 0.5%, no registration cap, the price table below.
    constructor(Init memory init) AccessManaged(init.authority) {
        if (init.treasury == address(0)) revert ProtocolInvalidAddress("treasury");
        if (init.guardianFeeRecipient == address(0)) revert ProtocolInvalidAddress("guardianFeeRecipient");
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
        _pool = init.pool;
        _guardianModule = init.guardianModule;
        _depositContract = init.depositContract;
        PufferStrategy implementation = new PufferStrategy(address(this), init.eigenPodManager);
        _strategyFactory = new PufferStrategyFactory(
            address(new UpgradeableBeacon(address(implementation), init.beaconOwner))
        );
        _treasury = init.treasury;
        _guardianFeeRecipient = init.guardianFeeRecipient;

        _params = Params({
            bondWei: 1 ether,
            protocolFeeBps: 200,
            guardianFeeBps: 50,
            registrationCap: uint32(UNLIMITED_REGISTRATIONS),
            registrationSpurt: 0,
            registrationsInSpurt: 0,
            paused: false,
            burstShareBps: 0
        });
        emit FeesSet(200, 50, init.treasury, init.guardianFeeRecipient);
        emit RegistrationLimitsSet(1 ether, UNLIMITED_REGISTRATIONS);
        _setDefaultPrices();

        _createStrategy(NO_RESTAKING, false, new address[](0), new address[](0), 0);
        _schedule.weights = 1;
        bytes32[] memory names = new bytes32[](1);
        names[0] = NO_RESTAKING;
        uint256[] memory weights = new uint256[](1);
        weights[0] = 1;
        emit StrategyWeightsSet(names, weights);
    }

    /// @notice Accepts the 32 ETH chunks the pool sends during provisioning, and nothing else.
    receive() external payable {
        if (msg.sender != address(_pool)) revert ProtocolUnexpectedETH(msg.sender);
    }

    // ------------------------------------------------------------------------------------------------------------
    // NoOps
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferProtocol
    /// @dev Stores two slots per validator (record + key hash) and one for the pubkey's uniqueness; the guardians
    /// read everything else from the event. The bond is deposited into the pool for pufETH held by this contract.
    function registerValidatorKey(bytes32 strategy_, ValidatorData calldata data, uint256 months)
        external
        payable
        returns (uint256 validatorId)
    {
        uint256 index = _strategyIndex(strategy_);
        StrategyRecord memory record = _strategies[index];
        if (record.slashed) revert ProtocolStrategySlashed(strategy_);
        if (record.restaking && !_allowedNoOps[index][msg.sender]) {
            revert ProtocolNoOpNotAllowed(strategy_, msg.sender);
        }
        (bytes32 pubkeyHash, bytes32 keyHash) = _checkRegistrationData(data);
        uint256 priceWei = commitmentPrice(months);
        Params memory p = _params;
        if (p.paused) revert ProtocolRegistrationsPaused();
        if (msg.value != priceWei + p.bondWei) revert ProtocolWrongPayment(priceWei + p.bondWei, msg.value);
        _useRegistrationCap(p);

        Queue memory q = _queues[index];
        validatorId = (index << _QUEUE_BITS) | q.tail;
        q.tail += 1;
        q.pending += 1;
        _queues[index] = q;
        _validatorIdPlusOne[pubkeyHash] = validatorId + 1;

        uint256 bondShares = _pool.depositETH{value: p.bondWei}(address(this));
        _validators[validatorId] = Validator({
            owner: msg.sender,
            status: ValidatorStatus.PENDING,
            months: uint16(months), // fits: the price table only has months <= MAX_COMMITMENT_MONTHS
            bondShares: bondShares.toUint72(),
            keyHash: keyHash
        });
        emit ValidatorKeyRegistered(validatorId, strategy_, msg.sender, months, bondShares, msg.data[4:]);
        _payCommitment(p, validatorId, months, months, priceWei);
    }

    /// @inheritdoc IPufferProtocol
    /// @dev Adds to the months already bought; nothing can lower them (DESIGN §6).
    function extendCommitment(uint256 validatorId, uint256 months) external payable {
        Validator storage v = _validators[validatorId];
        ValidatorStatus status = v.status;
        if (
            status != ValidatorStatus.PENDING && status != ValidatorStatus.PROVISIONED
                && status != ValidatorStatus.ACTIVE
        ) revert ProtocolInvalidStatus(validatorId, status);
        uint256 priceWei = commitmentPrice(months);
        if (msg.value != priceWei) revert ProtocolWrongPayment(priceWei, msg.value);
        uint256 total = uint256(v.months) + months;
        if (total > type(uint16).max) revert ProtocolCommitmentOverflow(validatorId, total);
        v.months = uint16(total);
        _payCommitment(_params, validatorId, months, total, priceWei);
    }

    /// @inheritdoc IPufferProtocol
    function stopRegistration(uint256 validatorId) external {
        Validator storage v = _validators[validatorId];
        if (v.owner != msg.sender) revert ProtocolNotValidatorOwner(validatorId, msg.sender);
        uint256 shares = _dequeue(validatorId, v, ValidatorStatus.STOPPED);
        emit RegistrationStopped(validatorId, shares);
        IERC20(address(_pool)).safeTransfer(msg.sender, shares);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Guardian quorum
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferProtocol
    /// @dev The approval is consumed by the status change (PENDING -> SKIPPED), so it cannot be replayed.
    function skipProvisioning(uint256 validatorId, uint256 deadline, bytes calldata guardianSignatures)
        external
    {
        _checkDeadline(deadline);
        Validator storage v = _validators[validatorId];
        address owner = v.owner;
        uint256 shares = _dequeue(validatorId, v, ValidatorStatus.SKIPPED);
        _guardianModule.verify(skipDigest(validatorId, deadline), guardianSignatures);
        emit ProvisioningSkipped(validatorId, shares);
        IERC20(address(_pool)).safeTransfer(owner, shares);
    }

    /// @inheritdoc IPufferProtocol
    /// @dev The approval binds chain id and this contract (EIP-712 domain), the picked validator id, its pubkey
    /// hash, the deposit root and a deadline; it is consumed by PENDING -> PROVISIONED.
    function provisionNode(
        bytes calldata pubkey,
        bytes calldata signature,
        bytes32 depositRoot,
        uint256 deadline,
        bytes calldata guardianSignatures
    ) external returns (uint256 validatorId) {
        _checkDeadline(deadline);
        _checkDepositRoot(depositRoot);
        PickState memory ps = _loadPickState();
        uint256 index;
        (validatorId, index) = _pickAndMark(ps, pubkey, signature);
        _storePickState(ps);
        bytes32 pubkeyHash = keccak256(pubkey);
        _guardianModule.verify(
            provisionDigest(validatorId, pubkeyHash, depositRoot, deadline), guardianSignatures
        );
        _pool.provisionETH(1);
        _stake(validatorId, index, pubkeyHash, pubkey, signature);
    }

    /// @inheritdoc IPufferProtocol
    /// @dev The deposit root is checked once, before the first deposit: the batch is atomic, so nobody can deposit
    /// in between.
    function provisionNodes(
        ValidatorKey[] calldata keys,
        bytes32 depositRoot,
        uint256 deadline,
        bytes calldata guardianSignatures
    ) external returns (uint256[] memory validatorIds) {
        uint256 n = keys.length;
        if (n == 0 || n > MAX_BATCH) revert ProtocolInvalidBatch(n, MAX_BATCH);
        _checkDeadline(deadline);
        _checkDepositRoot(depositRoot);
        PickState memory ps = _loadPickState();
        validatorIds = new uint256[](n);
        uint256[] memory indexes = new uint256[](n);
        bytes32[] memory pubkeyHashes = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            (validatorIds[i], indexes[i]) = _pickAndMark(ps, keys[i].pubkey, keys[i].signature);
            pubkeyHashes[i] = keccak256(keys[i].pubkey);
        }
        _storePickState(ps);
        _guardianModule.verify(
            _batchDigest(validatorIds, pubkeyHashes, depositRoot, deadline), guardianSignatures
        );
        _pool.provisionETH(n);
        _stakeAll(validatorIds, indexes, pubkeyHashes, keys);
    }

    /// @inheritdoc IPufferProtocol
    function advanceQueue(bytes32 strategy_, uint256 maxSteps) external {
        uint256 index = _strategyIndex(strategy_);
        Queue memory q = _queues[index];
        uint256 steps = 0;
        while (steps < maxSteps && q.head < q.tail && !_isPending(index, q.head)) {
            q.head += 1;
            steps++;
        }
        _queues[index] = q;
        emit QueueAdvanced(strategy_, q.head);
    }

    /// @inheritdoc IPufferProtocol
    function withdrawFees() external {
        uint256 treasuryWei = _accruedTreasuryWei;
        uint256 guardianWei = _accruedGuardianWei;
        if (treasuryWei == 0 && guardianWei == 0) revert ProtocolNothingToWithdraw();
        _accruedTreasuryWei = 0;
        _accruedGuardianWei = 0;
        address treasury = _treasury;
        address guardianRecipient = _guardianFeeRecipient;
        emit FeesWithdrawn(treasury, treasuryWei, guardianRecipient, guardianWei);
        if (treasuryWei != 0) _sendETH(treasury, treasuryWei);
        if (guardianWei != 0) _sendETH(guardianRecipient, guardianWei);
    }

    // ------------------------------------------------------------------------------------------------------------
    // SpurtReporter (ROLE_REPORTER)
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferProtocol
    /// @dev PROVISIONED/ACTIVE -> EXITED once; the bond shares are zeroed before they move (no second refund).
    function exitValidator(uint256 validatorId)
        external
        restricted
        returns (address owner, uint256 bondShares)
    {
        Validator storage v = _validators[validatorId];
        ValidatorStatus status = v.status;
        if (status != ValidatorStatus.PROVISIONED && status != ValidatorStatus.ACTIVE) {
            revert ProtocolInvalidStatus(validatorId, status);
        }
        owner = v.owner;
        bondShares = v.bondShares;
        v.status = ValidatorStatus.EXITED;
        v.bondShares = 0;
        emit ValidatorExited(validatorId, bondShares);
        IERC20(address(_pool)).safeTransfer(msg.sender, bondShares);
    }

    /// @inheritdoc IPufferProtocol
    function activateValidator(uint256 validatorId) external restricted {
        Validator storage v = _validators[validatorId];
        if (v.status != ValidatorStatus.PROVISIONED) revert ProtocolInvalidStatus(validatorId, v.status);
        v.status = ValidatorStatus.ACTIVE;
        emit ValidatorActivated(validatorId);
    }

    /// @inheritdoc IPufferProtocol
    function setBurstShare(uint256 shareBps) external restricted {
        _params.burstShareBps = uint16(shareBps); // fits: the reporter passes at most 10_000
        emit BurstShareSet(shareBps);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferProtocol
    /// @dev New strategies start with weight 0: the DAO schedules them with `setStrategyWeights`.
    function createStrategy(bytes32 name, StrategyConfig calldata config)
        external
        restricted
        returns (address)
    {
        if (config.commissionBps > MAX_COMMISSION_BPS) {
            revert ProtocolParameterOutOfBounds("commission", config.commissionBps, 0, MAX_COMMISSION_BPS);
        }
        return _createStrategy(name, true, config.avsSet, config.allowedNoOps, config.commissionBps);
    }

    /// @inheritdoc IPufferProtocol
    function setStrategyWeights(bytes32[] calldata names, uint256[] calldata weights) external restricted {
        if (names.length != weights.length) revert ProtocolLengthMismatch(names.length, weights.length);
        Schedule memory s = _schedule;
        uint256 packed = s.weights;
        for (uint256 i = 0; i < names.length; i++) {
            uint256 index = _strategyIndex(names[i]);
            if (weights[i] > MAX_WEIGHT) revert ProtocolInvalidWeight(names[i], weights[i]);
            packed = (packed & ~(uint256(0xff) << (8 * index))) | (weights[i] << (8 * index));
        }
        s.weights = uint64(packed);
        s.credits = 0;
        _schedule = s;
        emit StrategyWeightsSet(names, weights);
    }

    /// @inheritdoc IPufferProtocol
    function setNoOpAllowed(bytes32 strategy_, address noOp, bool allowed) external restricted {
        uint256 index = _strategyIndex(strategy_);
        if (!_strategies[index].restaking) revert ProtocolStrategyPermissionless(strategy_);
        _allowedNoOps[index][noOp] = allowed;
        emit NoOpAllowedSet(strategy_, noOp, allowed);
    }

    /// @inheritdoc IPufferProtocol
    function markStrategySlashed(bytes32 name) external restricted {
        uint256 index = _strategyIndex(name);
        if (_strategies[index].slashed) revert ProtocolStrategySlashed(name);
        _strategies[index].slashed = true;
        emit StrategySlashed(name);
    }

    /// @inheritdoc IPufferProtocol
    function setCommitmentPrice(uint256 months, uint256 priceWei) external restricted {
        _setPrice(months, priceWei);
    }

    /// @inheritdoc IPufferProtocol
    function setFees(
        uint256 protocolFeeBps,
        uint256 guardianFeeBps,
        address treasury,
        address guardianFeeRecipient
    ) external restricted {
        if (protocolFeeBps > MAX_PROTOCOL_FEE_BPS) {
            revert ProtocolParameterOutOfBounds("protocolFee", protocolFeeBps, 0, MAX_PROTOCOL_FEE_BPS);
        }
        if (guardianFeeBps > MAX_GUARDIAN_FEE_BPS) {
            revert ProtocolParameterOutOfBounds("guardianFee", guardianFeeBps, 0, MAX_GUARDIAN_FEE_BPS);
        }
        if (treasury == address(0)) revert ProtocolInvalidAddress("treasury");
        if (guardianFeeRecipient == address(0)) revert ProtocolInvalidAddress("guardianFeeRecipient");
        _params.protocolFeeBps = uint16(protocolFeeBps);
        _params.guardianFeeBps = uint16(guardianFeeBps);
        _treasury = treasury;
        _guardianFeeRecipient = guardianFeeRecipient;
        emit FeesSet(protocolFeeBps, guardianFeeBps, treasury, guardianFeeRecipient);
    }

    /// @inheritdoc IPufferProtocol
    function setRegistrationLimits(uint256 bondWei, uint256 registrationCap) external restricted {
        if (bondWei < MIN_BOND || bondWei > MAX_BOND) {
            revert ProtocolParameterOutOfBounds("bond", bondWei, MIN_BOND, MAX_BOND);
        }
        if (registrationCap > UNLIMITED_REGISTRATIONS) {
            revert ProtocolParameterOutOfBounds(
                "registrationCap", registrationCap, 0, UNLIMITED_REGISTRATIONS
            );
        }
        _params.bondWei = uint96(bondWei);
        _params.registrationCap = uint32(registrationCap);
        emit RegistrationLimitsSet(bondWei, registrationCap);
    }

    /// @inheritdoc IPufferProtocol
    function pauseRegistrations() external restricted {
        _params.paused = true;
        emit RegistrationsPausedSet(true);
    }

    /// @inheritdoc IPufferProtocol
    function unpauseRegistrations() external restricted {
        _params.paused = false;
        emit RegistrationsPausedSet(false);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IPufferProtocol
    function commitmentPrice(uint256 months) public view returns (uint256 priceWei) {
        priceWei = _commitmentPrices[months];
        if (priceWei == 0) revert ProtocolUnknownCommitment(months);
    }

    /// @inheritdoc IPufferProtocol
    function parameters() external view returns (Parameters memory params) {
        Params memory p = _params;
        uint256 spurt = _pool.currentSpurt();
        params = Parameters({
            bondWei: p.bondWei,
            protocolFeeBps: p.protocolFeeBps,
            guardianFeeBps: p.guardianFeeBps,
            treasury: _treasury,
            guardianFeeRecipient: _guardianFeeRecipient,
            accruedTreasuryWei: _accruedTreasuryWei,
            accruedGuardianWei: _accruedGuardianWei,
            registrationCap: p.registrationCap,
            spurt: spurt,
            registrationsInSpurt: spurt == p.registrationSpurt ? p.registrationsInSpurt : 0,
            registrationsPaused: p.paused
        });
    }

    /// @inheritdoc IPufferProtocol
    function validator(uint256 validatorId) external view returns (Validator memory) {
        return _validators[validatorId];
    }

    /// @inheritdoc IPufferProtocol
    function validatorIdOf(bytes32 pubkeyHash) external view returns (bool registered, uint256 validatorId) {
        uint256 plusOne = _validatorIdPlusOne[pubkeyHash];
        if (plusOne == 0) return (false, 0);
        return (true, plusOne - 1);
    }

    /// @inheritdoc IPufferProtocol
    function strategy(bytes32 name) external view returns (StrategyView memory view_) {
        uint256 index = _strategyIndex(name);
        StrategyRecord memory r = _strategies[index];
        Queue memory q = _queues[index];
        view_ = StrategyView({
            strategy: address(r.strategy),
            index: index,
            restaking: r.restaking,
            commissionBps: r.commissionBps,
            weight: uint8(_schedule.weights >> (8 * index)),
            withdrawalCredentials: _withdrawalCredentials[index],
            queueHead: q.head,
            queueTail: q.tail,
            pending: q.pending,
            slashed: r.slashed
        });
    }

    /// @inheritdoc IPufferProtocol
    function strategyNames() external view returns (bytes32[] memory names) {
        uint256 n = _schedule.count;
        names = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            names[i] = _strategyNames[i];
        }
    }

    /// @inheritdoc IPufferProtocol
    function isNoOpAllowed(bytes32 strategy_, address noOp) external view returns (bool) {
        uint256 index = _strategyIndex(strategy_);
        return !_strategies[index].restaking || _allowedNoOps[index][noOp];
    }

    /// @inheritdoc IPufferProtocol
    function nextValidators(uint256 count) external view returns (uint256[] memory validatorIds) {
        PickState memory ps = _loadPickState();
        validatorIds = new uint256[](count);
        uint256 found = 0;
        while (found < count) {
            (bool ok, uint256 index) = _choose(ps);
            if (!ok) break;
            validatorIds[found++] = (index << _QUEUE_BITS) | _popHead(ps, index);
        }
        // Safe: found <= count, the array's length.
        assembly ("memory-safe") {
            mstore(validatorIds, found)
        }
    }

    /// @notice The factory that deploys strategy proxies; `beacon()` on it is the beacon they follow.
    function strategyFactory() external view returns (address) {
        return address(_strategyFactory);
    }

    /// @inheritdoc IPufferProtocol
    function provisionDigest(uint256 validatorId, bytes32 pubkeyHash, bytes32 depositRoot, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(abi.encode(PROVISION_TYPEHASH, validatorId, pubkeyHash, depositRoot, deadline))
        );
    }

    /// @inheritdoc IPufferProtocol
    function skipDigest(uint256 validatorId, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SKIP_TYPEHASH, validatorId, deadline)));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals: registration
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Lengths, one share per guardian, and pubkey uniqueness. The NoOp's deposit data root is not checked
    /// here: the guardians check the deposit data off-chain and provisioning computes the root itself.
    function _checkRegistrationData(ValidatorData calldata data)
        private
        view
        returns (bytes32 pubkeyHash, bytes32 keyHash)
    {
        bytes calldata pubkey = data.pubkey;
        bytes calldata signature = data.signature;
        if (pubkey.length != _PUBKEY_BYTES) {
            revert ProtocolInvalidLength("pubkey", pubkey.length, _PUBKEY_BYTES);
        }
        if (signature.length != _SIGNATURE_BYTES) {
            revert ProtocolInvalidLength("signature", signature.length, _SIGNATURE_BYTES);
        }
        uint256 guardians = _guardianModule.guardianCount();
        uint256 length = data.pubkeyShares.length;
        if (length != guardians * _PUBKEY_BYTES) {
            revert ProtocolInvalidLength("pubkeyShares", length, guardians * _PUBKEY_BYTES);
        }
        length = data.encryptedShares.length;
        if (length == 0 || guardians == 0 || length % guardians != 0) {
            revert ProtocolInvalidLength("encryptedShares", length, guardians);
        }
        pubkeyHash = keccak256(pubkey);
        if (_validatorIdPlusOne[pubkeyHash] != 0) revert ProtocolPubkeyAlreadyRegistered(pubkeyHash);
        keyHash = keccak256(abi.encodePacked(pubkey, signature));
    }

    /// @dev Counts one registration against the current spurt's cap and writes `p` back.
    function _useRegistrationCap(Params memory p) private {
        uint256 spurt = _pool.currentSpurt();
        uint256 used = spurt == p.registrationSpurt ? p.registrationsInSpurt : 0;
        if (used >= p.registrationCap) revert ProtocolSpurtCapReached(spurt, p.registrationCap);
        p.registrationSpurt = spurt.toUint32();
        p.registrationsInSpurt = uint32(used + 1);
        _params = p;
    }

    /// @dev Splits a commitment payment: fees round down and accrue here; the rest goes to the pool as revenue.
    function _payCommitment(
        Params memory p,
        uint256 validatorId,
        uint256 months,
        uint256 total,
        uint256 priceWei
    ) private {
        uint256 protocolFee = priceWei * p.protocolFeeBps / _BPS; // rounds down, in the pool's favour
        uint256 guardianFee = priceWei * p.guardianFeeBps / _BPS; // rounds down, in the pool's favour
        // Burst threshold: the treasury also takes `burstShareBps` of what is left (rounds down, pool's favour).
        protocolFee += (priceWei - protocolFee - guardianFee) * p.burstShareBps / _BPS;
        uint256 toPool = priceWei - protocolFee - guardianFee;
        // Fits: accrued fees are bounded by the ETH ever paid in.
        _accruedTreasuryWei += uint128(protocolFee);
        _accruedGuardianWei += uint128(guardianFee);
        emit CommitmentPaid(
            validatorId, msg.sender, months, total, priceWei, protocolFee, guardianFee, toPool
        );
        // Zero at or above the burst threshold (the treasury takes the whole remainder).
        if (toPool != 0) _pool.depositRevenue{value: toPool}();
    }

    /// @dev PENDING -> `to` (STOPPED or SKIPPED): leaves the queue, and the bond shares are zeroed so they can be
    /// returned only once. Returns the shares to give back.
    function _dequeue(uint256 validatorId, Validator storage v, ValidatorStatus to)
        private
        returns (uint256 shares)
    {
        if (v.status != ValidatorStatus.PENDING) revert ProtocolInvalidStatus(validatorId, v.status);
        shares = v.bondShares;
        v.status = to;
        v.bondShares = 0;
        uint256 index = validatorId >> _QUEUE_BITS;
        Queue memory q = _queues[index];
        q.pending -= 1;
        // Keep the head on a live entry when this one was at the head (amortised O(1): each entry is passed once).
        if (q.head == uint64(validatorId)) {
            uint256 steps = 0;
            while (steps < MAX_QUEUE_SKIPS && q.head < q.tail && !_isPending(index, q.head)) {
                q.head += 1;
                steps++;
            }
        }
        _queues[index] = q;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals: provisioning
    // ------------------------------------------------------------------------------------------------------------

    function _checkDeadline(uint256 deadline) private view {
        if (block.timestamp > deadline) revert ProtocolSignatureExpired(deadline, block.timestamp);
    }

    /// @dev Deposit front-running defence: a deposit for the same pubkey made after the guardians signed (e.g. the
    /// NoOp's own 1 ETH with its own credentials) changes the root and voids their approval.
    function _checkDepositRoot(bytes32 signedRoot) private view {
        bytes32 current = _depositContract.get_deposit_root();
        if (current != signedRoot) revert ProtocolDepositRootChanged(signedRoot, current);
    }

    /// @dev Picks the next validator, checks the key presented, marks it PROVISIONED.
    function _pickAndMark(PickState memory ps, bytes calldata pubkey, bytes calldata signature)
        private
        returns (uint256 validatorId, uint256 index)
    {
        bool ok;
        (ok, index) = _choose(ps);
        if (!ok) revert ProtocolNoValidatorToProvision();
        validatorId = (index << _QUEUE_BITS) | _popHead(ps, index);
        if (pubkey.length != _PUBKEY_BYTES) {
            revert ProtocolInvalidLength("pubkey", pubkey.length, _PUBKEY_BYTES);
        }
        if (signature.length != _SIGNATURE_BYTES) {
            revert ProtocolInvalidLength("signature", signature.length, _SIGNATURE_BYTES);
        }
        Validator storage v = _validators[validatorId];
        if (v.keyHash != keccak256(abi.encodePacked(pubkey, signature))) {
            revert ProtocolKeyMismatch(validatorId);
        }
        v.status = ValidatorStatus.PROVISIONED;
    }

    /// @dev Computes the deposit data root for the strategy's credentials and stakes 32 ETH through the strategy.
    function _stake(
        uint256 validatorId,
        uint256 index,
        bytes32 pubkeyHash,
        bytes calldata pubkey,
        bytes calldata signature
    ) private {
        bytes32 root = DepositRoot.depositDataRoot(
            pubkey, _withdrawalCredentials[index], signature, DepositRoot.LE_32_ETH_GWEI
        );
        emit ValidatorProvisioned(validatorId, _strategyNames[index], pubkeyHash, root);
        _strategies[index].strategy.stake{value: 32 ether}(pubkey, signature, root);
    }

    function _stakeAll(
        uint256[] memory validatorIds,
        uint256[] memory indexes,
        bytes32[] memory pubkeyHashes,
        ValidatorKey[] calldata keys
    ) private {
        for (uint256 i = 0; i < keys.length; i++) {
            _stake(validatorIds[i], indexes[i], pubkeyHashes[i], keys[i].pubkey, keys[i].signature);
        }
    }

    function _batchDigest(
        uint256[] memory validatorIds,
        bytes32[] memory pubkeyHashes,
        bytes32 depositRoot,
        uint256 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    PROVISION_BATCH_TYPEHASH,
                    keccak256(abi.encodePacked(validatorIds)),
                    keccak256(abi.encodePacked(pubkeyHashes)),
                    depositRoot,
                    deadline
                )
            )
        );
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals: schedule and queues
    // ------------------------------------------------------------------------------------------------------------

    function _loadPickState() private view returns (PickState memory ps) {
        Schedule memory s = _schedule;
        ps.count = s.count;
        for (uint256 i = 0; i < ps.count; i++) {
            ps.weights[i] = uint8(s.weights >> (8 * i));
            ps.credits[i] = _creditAt(s.credits, i);
            Queue memory q = _queues[i];
            ps.heads[i] = q.head;
            ps.pending[i] = q.pending;
        }
    }

    /// @dev Writes back the credits and the queues a pick changed.
    function _storePickState(PickState memory ps) private {
        uint256 credits = 0;
        for (uint256 i = 0; i < ps.count; i++) {
            credits |= _packCredit(ps.credits[i]) << (_CREDIT_BITS * i);
            if (ps.touched & (1 << i) != 0) {
                Queue storage q = _queues[i];
                q.head = uint64(ps.heads[i]);
                q.pending = uint64(ps.pending[i]);
            }
        }
        _schedule.credits = uint160(credits);
    }

    /// @dev One smooth-WRR step over the eligible strategies (weight > 0 and a pending validator).
    function _choose(PickState memory ps) private pure returns (bool ok, uint256 best) {
        int256 total = 0;
        int256 bestCredit = type(int256).min;
        for (uint256 i = 0; i < ps.count; i++) {
            uint256 w = ps.weights[i];
            if (w == 0 || ps.pending[i] == 0) continue; // frozen: see the contract NatSpec
            total += int256(w);
            int256 c = ps.credits[i] + int256(w);
            ps.credits[i] = c;
            if (c > bestCredit || (c == bestCredit && w > ps.weights[best])) {
                bestCredit = c;
                best = i;
            }
        }
        if (total == 0) return (false, 0);
        ps.credits[best] -= total;
        ok = true;
    }

    /// @dev Takes the first PENDING position of strategy `index`'s queue (passing over at most MAX_QUEUE_SKIPS dead
    /// entries) and advances the head past it. `pending > 0` guarantees one exists.
    function _popHead(PickState memory ps, uint256 index) private view returns (uint256 position) {
        position = ps.heads[index];
        uint256 skips = 0;
        while (!_isPending(index, position)) {
            if (skips == MAX_QUEUE_SKIPS) {
                revert ProtocolQueueHeadBlocked(_strategyNames[index], position);
            }
            position++;
            skips++;
        }
        ps.heads[index] = position + 1;
        ps.pending[index] -= 1;
        ps.touched |= 1 << index;
    }

    /// @dev Credit `i` of the packed schedule, sign-extended from 20 bits.
    function _creditAt(uint256 packed, uint256 i) private pure returns (int256 credit) {
        credit = int256((packed >> (_CREDIT_BITS * i)) & _CREDIT_MASK);
        if (credit > _CREDIT_MAX) credit -= int256(_CREDIT_MASK + 1);
    }

    /// @dev A credit as 20 bits (two's complement), clamped to [-2^19, 2^19 - 1].
    function _packCredit(int256 credit) private pure returns (uint256) {
        if (credit > _CREDIT_MAX) credit = _CREDIT_MAX;
        if (credit < -_CREDIT_MAX - 1) credit = -_CREDIT_MAX - 1;
        return uint256(credit) & _CREDIT_MASK;
    }

    function _isPending(uint256 index, uint256 position) private view returns (bool) {
        return _validators[(index << _QUEUE_BITS) | position].status == ValidatorStatus.PENDING;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals: strategies, prices, ETH
    // ------------------------------------------------------------------------------------------------------------

    function _strategyIndex(bytes32 name) private view returns (uint256) {
        uint256 plusOne = _strategyIndexPlusOne[name];
        if (plusOne == 0) revert ProtocolUnknownStrategy(name);
        return plusOne - 1;
    }

    function _createStrategy(
        bytes32 name,
        bool restaking,
        address[] memory avsSet,
        address[] memory allowedNoOps,
        uint256 commissionBps
    ) private returns (address strategyAddress) {
        if (name == bytes32(0) || _strategyIndexPlusOne[name] != 0) {
            revert ProtocolStrategyExists(name);
        }
        uint256 index = _schedule.count;
        if (index >= MAX_STRATEGIES) revert ProtocolTooManyStrategies(MAX_STRATEGIES);
        bytes32 credentials;
        (strategyAddress, credentials) = _strategyFactory.deploy(name, restaking, avsSet);
        _strategies[index] = StrategyRecord({
            strategy: IPufferStrategy(strategyAddress),
            restaking: restaking,
            commissionBps: uint16(commissionBps),
            slashed: false
        });
        _withdrawalCredentials[index] = credentials;
        _strategyNames[index] = name;
        _strategyIndexPlusOne[name] = index + 1;
        _schedule.count = uint8(index + 1);
        emit StrategyCreated(name, index, strategyAddress, restaking, avsSet, commissionBps);
        for (uint256 i = 0; i < allowedNoOps.length; i++) {
            _allowedNoOps[index][allowedNoOps[i]] = true;
            emit NoOpAllowedSet(name, allowedNoOps[i], true);
        }
    }

    function _setPrice(uint256 months, uint256 priceWei) private {
        if (months == 0 || months > MAX_COMMITMENT_MONTHS) revert ProtocolMonthsOutOfRange(months);
        if (priceWei != 0 && (priceWei < MIN_PRICE || priceWei >= MAX_PRICE_EXCLUSIVE)) {
            revert ProtocolPriceOutOfBounds(months, priceWei);
        }
        _commitmentPrices[months] = priceWei;
        emit CommitmentPriceSet(months, priceWei);
    }

    /// @dev The default table, S(M) = M · V(1−R)/12 · (1 − Dmax / (1 + e^(6−M))) with V = 1.6 ETH, R = 10%,
    /// Dmax = 5%, for the M where 1 ETH <= S < 2 ETH (M = 9..17), rounded down to the wei. Computed with Python's
    /// decimal module at 60 digits:
    ///     from decimal import Decimal as D, getcontext; getcontext().prec = 60
    ///     S = lambda M: D(M) * D("1.6") * D("0.9") / 12 * (1 - D("0.05") / (1 + D(6 - M).exp()))
    ///     int((S(M) * 10**18).to_integral_value(rounding="ROUND_FLOOR"))
    /// (M = 8 gives 0.918 ETH and M = 18 gives 2.052 ETH, outside the bounds.)
    function _setDefaultPrices() private {
        _setPrice(9, 1_028_560_997_151_588_606);
        _setPrice(10, 1_141_079_172_597_725_493);
        _setPrice(11, 1_254_441_728_161_002_800);
        _setPrice(12, 1_368_178_028_867_277_703);
        _setPrice(13, 1_482_071_061_993_163_250);
        _setPrice(14, 1_596_028_169_410_959_184);
        _setPrice(15, 1_710_011_105_511_838_760);
        _setPrice(16, 1_824_004_358_195_395_433);
        _setPrice(17, 1_938_001_703_545_028_505);
    }

    /// @notice The EIP-712 domain separator (recomputed if the chain forks to a new id).
    function domainSeparator() public view returns (bytes32) {
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return
            keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }

    function _hashTypedDataV4(bytes32 structHash) private view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator(), structHash);
    }

    function _sendETH(address to, uint256 amountWei) private {
        (bool ok,) = to.call{value: amountWei}("");
        if (!ok) revert ProtocolETHTransferFailed(to, amountWei);
    }
}
