// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Types of the PufferProtocol.
interface IPufferProtocolTypes {
    /// @notice A validator's life. ACTIVE and EXITED are set by the guardians' spurt reports (issue 5).
    enum ValidatorStatus {
        NONE,
        PENDING,
        STOPPED,
        SKIPPED,
        PROVISIONED,
        ACTIVE,
        EXITED
    }

    /// @notice What is stored per validator (two slots). The id is `strategyIndex << 64 | queuePosition`, so the
    /// strategy and the queue entry are implicit in it.
    struct Validator {
        /// The NoOp that registered it; receives the bond back.
        address owner;
        ValidatorStatus status;
        /// Smoothing-commitment months bought so far (they run from activation; extensions add).
        uint16 months;
        /// pufETH the protocol holds as this validator's bond (zero once returned).
        uint72 bondShares;
        /// keccak256(pubkey ‖ deposit signature): provisioning must present the same pair.
        bytes32 keyHash;
    }

    /// @notice Everything a NoOp submits with a registration. Only `keyHash` is stored; the rest is emitted for the
    /// guardians.
    struct ValidatorData {
        /// BLS12-381 public key (48 bytes).
        bytes pubkey;
        /// BLS signature of the 32-ETH DepositMessage with the strategy's withdrawal credentials (96 bytes).
        bytes signature;
        /// The DepositData root the NoOp computed (for the guardians; provisioning computes its own).
        bytes32 depositDataRoot;
        /// One 48-byte G1 point per guardian, in guardian order.
        bytes pubkeyShares;
        /// One ECIES-encrypted keyshare per guardian, in guardian order, concatenated; all the same length (the
        /// same scheme over 32-byte scalars), so the length is a positive multiple of the guardian count.
        bytes encryptedShares;
        /// Optional enclave evidence from the NoOp's own enclave (may be empty).
        bytes enclaveEvidence;
    }

    /// @notice A validator key presented at provisioning.
    struct ValidatorKey {
        bytes pubkey;
        bytes signature;
    }

    /// @notice How `createStrategy` sets up a restaking strategy.
    struct StrategyConfig {
        /// The AVSs its validators restake to; fixed forever.
        address[] avsSet;
        /// NoOps allowed to register in it (the DAO may change the list later).
        address[] allowedNoOps;
        /// NoOps' share of the strategy's AVS fees, in basis points (issue 5 pays it).
        uint16 commissionBps;
    }

    /// @notice Registration parameters as seen from outside.
    struct Parameters {
        uint256 bondWei;
        uint256 protocolFeeBps;
        uint256 guardianFeeBps;
        address treasury;
        address guardianFeeRecipient;
        uint256 accruedTreasuryWei;
        uint256 accruedGuardianWei;
        uint256 registrationCap;
        uint256 spurt;
        uint256 registrationsInSpurt;
        bool registrationsPaused;
    }

    /// @notice A strategy as seen from outside.
    struct StrategyView {
        address strategy;
        uint256 index;
        bool restaking;
        uint256 commissionBps;
        uint256 weight;
        bytes32 withdrawalCredentials;
        uint256 queueHead;
        uint256 queueTail;
        uint256 pending;
        /// @notice Marked slashed by the DAO: registrations refused, the guardians eject its validators.
        bool slashed;
    }
}

/// @title Errors of the PufferProtocol.
interface IPufferProtocolErrors is IPufferProtocolTypes {
    /// @dev Thrown when registrations are paused.
    error ProtocolRegistrationsPaused();
    /// @dev Thrown when no strategy has this name.
    error ProtocolUnknownStrategy(bytes32 name);
    /// @dev Thrown when creating a strategy whose name is taken (or zero).
    error ProtocolStrategyExists(bytes32 name);
    /// @dev Thrown when creating more than MAX_STRATEGIES strategies.
    error ProtocolTooManyStrategies(uint256 max);
    /// @dev Thrown when a NoOp not on a restaking strategy's allowlist registers in it.
    error ProtocolNoOpNotAllowed(bytes32 strategy, address noOp);
    /// @dev Thrown when changing the allowlist of NO_RESTAKING (it is open to everyone).
    error ProtocolStrategyPermissionless(bytes32 name);
    /// @dev Thrown when registering in (or marking again) a strategy marked slashed.
    error ProtocolStrategySlashed(bytes32 name);
    /// @dev Thrown when a registration or provisioning field has the wrong length.
    error ProtocolInvalidLength(bytes32 field, uint256 length, uint256 expected);
    /// @dev Thrown when the pubkey was registered before (any status).
    error ProtocolPubkeyAlreadyRegistered(bytes32 pubkeyHash);
    /// @dev Thrown when the price table has no entry for this many months.
    error ProtocolUnknownCommitment(uint256 months);
    /// @dev Thrown when `msg.value` is not exactly what the call costs.
    error ProtocolWrongPayment(uint256 expectedWei, uint256 paidWei);
    /// @dev Thrown when the growth spurt's registration cap is used up.
    error ProtocolSpurtCapReached(uint256 spurt, uint256 cap);
    /// @dev Thrown when a commitment price is set outside [1 ETH, 2 ETH).
    error ProtocolPriceOutOfBounds(uint256 months, uint256 priceWei);
    /// @dev Thrown when a price is set for months outside [1, MAX_COMMITMENT_MONTHS].
    error ProtocolMonthsOutOfRange(uint256 months);
    /// @dev Thrown when a governance parameter is outside its bounds.
    error ProtocolParameterOutOfBounds(bytes32 parameter, uint256 value, uint256 min, uint256 max);
    /// @dev Thrown when a validator is not in a status that allows the call.
    error ProtocolInvalidStatus(uint256 validatorId, ValidatorStatus status);
    /// @dev Thrown when someone other than the validator's NoOp stops its registration.
    error ProtocolNotValidatorOwner(uint256 validatorId, address caller);
    /// @dev Thrown when an extension would overflow the months counter.
    error ProtocolCommitmentOverflow(uint256 validatorId, uint256 months);
    /// @dev Thrown when a guardian message's deadline has passed.
    error ProtocolSignatureExpired(uint256 deadline, uint256 timestamp);
    /// @dev Thrown when the deposit contract's root is not the one the guardians signed (deposit front-running).
    error ProtocolDepositRootChanged(bytes32 signed, bytes32 current);
    /// @dev Thrown when no strategy with a positive weight has a pending validator.
    error ProtocolNoValidatorToProvision();
    /// @dev Thrown when the pubkey/signature presented are not the ones registered for the picked validator.
    error ProtocolKeyMismatch(uint256 validatorId);
    /// @dev Thrown when more than MAX_QUEUE_SKIPS stopped/skipped entries sit at a queue head; `advanceQueue` clears
    /// them.
    error ProtocolQueueHeadBlocked(bytes32 strategy, uint256 head);
    /// @dev Thrown when a batch is empty or larger than MAX_BATCH.
    error ProtocolInvalidBatch(uint256 size, uint256 max);
    /// @dev Thrown when two array arguments differ in length.
    error ProtocolLengthMismatch(uint256 a, uint256 b);
    /// @dev Thrown when a schedule weight is above MAX_WEIGHT.
    error ProtocolInvalidWeight(bytes32 strategy, uint256 weight);
    /// @dev Thrown when ETH arrives from anyone but the pool.
    error ProtocolUnexpectedETH(address sender);
    /// @dev Thrown when an ETH transfer out fails.
    error ProtocolETHTransferFailed(address to, uint256 amountWei);
    /// @dev Thrown when an address parameter is zero.
    error ProtocolInvalidAddress(bytes32 parameter);
    /// @dev Thrown when there are no fees to withdraw.
    error ProtocolNothingToWithdraw();
}

/// @title Events of the PufferProtocol.
interface IPufferProtocolEvents is IPufferProtocolTypes {
    /// @notice Emitted when a strategy is created (NO_RESTAKING at deployment).
    event StrategyCreated(
        bytes32 indexed name,
        uint256 index,
        address strategy,
        bool restaking,
        address[] avsSet,
        uint256 commissionBps
    );
    /// @notice Emitted when a NoOp is added to or removed from a restaking strategy's allowlist.
    event NoOpAllowedSet(bytes32 indexed strategy, address indexed noOp, bool allowed);
    /// @notice Emitted when the schedule changes; credits restart from zero.
    event StrategyWeightsSet(bytes32[] names, uint256[] weights);
    /// @notice Emitted when the DAO marks a strategy slashed (an AVS slashed its restaked validators).
    event StrategySlashed(bytes32 indexed name);
    /// @notice Emitted for every registration with the full data the guardians need: `registration` is the call's
    /// ABI-encoded arguments `(bytes32 strategy, ValidatorData data, uint256 months)`, logged as received (no
    /// re-encoding: cheaper in gas and code).
    event ValidatorKeyRegistered(
        uint256 indexed validatorId,
        bytes32 indexed strategy,
        address indexed owner,
        uint256 months,
        uint256 bondShares,
        bytes registration
    );
    /// @notice Emitted when a smoothing commitment is paid: at registration or extension.
    event CommitmentPaid(
        uint256 indexed validatorId,
        address indexed payer,
        uint256 months,
        uint256 totalMonths,
        uint256 priceWei,
        uint256 protocolFeeWei,
        uint256 guardianFeeWei,
        uint256 toPoolWei
    );
    /// @notice Emitted when a NoOp stops its pending registration; its bond shares went back to it.
    event RegistrationStopped(uint256 indexed validatorId, uint256 bondShares);
    /// @notice Emitted when the guardians skip a pending registration; its bond shares went back to the NoOp.
    event ProvisioningSkipped(uint256 indexed validatorId, uint256 bondShares);
    /// @notice Emitted when a validator is provisioned with 32 ETH through its strategy's EigenPod.
    event ValidatorProvisioned(
        uint256 indexed validatorId, bytes32 indexed strategy, bytes32 pubkeyHash, bytes32 depositDataRoot
    );
    /// @notice Emitted when `advanceQueue` (or a pick) moves a queue head past stopped/skipped entries.
    event QueueAdvanced(bytes32 indexed strategy, uint256 head);
    /// @notice Emitted when a commitment price is set (0 removes the entry).
    event CommitmentPriceSet(uint256 months, uint256 priceWei);
    /// @notice Emitted when the fee rates or recipients change.
    event FeesSet(
        uint256 protocolFeeBps, uint256 guardianFeeBps, address treasury, address guardianFeeRecipient
    );
    /// @notice Emitted when accrued fees are paid out.
    event FeesWithdrawn(
        address treasury, uint256 treasuryWei, address guardianFeeRecipient, uint256 guardianWei
    );
    /// @notice Emitted when the NoOp bond or the per-spurt registration cap changes.
    event RegistrationLimitsSet(uint256 bondWei, uint256 registrationCap);
    /// @notice Emitted when the SpurtReporter marks a validator active on the beacon chain (its commitment runs).
    event ValidatorActivated(uint256 indexed validatorId);
    /// @notice Emitted when the SpurtReporter settles a validator's exit; its bond shares went to the reporter.
    event ValidatorExited(uint256 indexed validatorId, uint256 bondShares);
    /// @notice Emitted when the burst-threshold treasury share of new commitments changes.
    event BurstShareSet(uint256 shareBps);
    /// @notice Emitted when registrations are paused or unpaused.
    event RegistrationsPausedSet(bool paused);
}

/// @title PufferProtocol: strategies, NoOp registrations, queues, the provisioning schedule and provisioning.
/// @notice NoOps register validator keys in a strategy, paying a smoothing commitment plus a bond (kept as pufETH);
/// a guardian quorum approves provisioning; the contract picks the next validator by weighted round-robin over the
/// strategies and stakes 32 ETH of pool ETH through the strategy's EigenPod.
interface IPufferProtocol is IPufferProtocolErrors, IPufferProtocolEvents {
    // ---- NoOps ----

    /// @notice Registers a validator key in `strategy`, buying `months` of smoothing commitment.
    /// `msg.value` must be `commitmentPrice(months) + bond()`.
    /// @return validatorId `strategyIndex << 64 | queuePosition`.
    function registerValidatorKey(bytes32 strategy, ValidatorData calldata data, uint256 months)
        external
        payable
        returns (uint256 validatorId);

    /// @notice Adds `months` to a validator's commitment (anyone may pay; `msg.value == commitmentPrice(months)`).
    function extendCommitment(uint256 validatorId, uint256 months) external payable;

    /// @notice The NoOp withdraws its pending registration: bond back as pufETH, commitment kept by the pool.
    function stopRegistration(uint256 validatorId) external;

    // ---- guardian quorum (anyone submits) ----

    /// @notice Skips a pending registration the guardians found bad: bond back to the NoOp, commitment kept.
    function skipProvisioning(uint256 validatorId, uint256 deadline, bytes calldata guardianSignatures)
        external;

    /// @notice Provisions the next validator of the schedule with 32 ETH of pool ETH.
    /// @param pubkey The picked validator's pubkey, checked against its registration.
    /// @param signature Its deposit signature, checked against its registration.
    /// @param depositRoot The deposit contract's `get_deposit_root()` the guardians signed.
    /// @param deadline Last timestamp the guardians' approval is valid.
    /// @param guardianSignatures Enclave-key signatures over `provisionDigest`, sorted by signer.
    /// @return validatorId The validator provisioned.
    function provisionNode(
        bytes calldata pubkey,
        bytes calldata signature,
        bytes32 depositRoot,
        uint256 deadline,
        bytes calldata guardianSignatures
    ) external returns (uint256 validatorId);

    /// @notice Provisions the next `keys.length` validators of the schedule under one guardian approval over all
    /// of them (EIP-712 `ProvisionNodes(uint256[] validatorIds,bytes32[] pubkeyHashes,bytes32 depositRoot,uint256 deadline)`).
    function provisionNodes(
        ValidatorKey[] calldata keys,
        bytes32 depositRoot,
        uint256 deadline,
        bytes calldata guardianSignatures
    ) external returns (uint256[] memory validatorIds);

    /// @notice Moves `strategy`'s queue head past up to `maxSteps` stopped/skipped entries (anyone).
    function advanceQueue(bytes32 strategy, uint256 maxSteps) external;

    /// @notice Pays the accrued protocol and guardian fees to their recipients (anyone).
    function withdrawFees() external;

    // ---- SpurtReporter (ROLE_REPORTER) ----

    /// @notice Marks a PROVISIONED or ACTIVE validator EXITED (once) and sends its bond shares to the caller, which
    /// burns what covers the validator's shortfall and returns the rest to `owner`.
    function exitValidator(uint256 validatorId) external returns (address owner, uint256 bondShares);

    /// @notice Marks a PROVISIONED validator ACTIVE (the guardians saw it activate; its commitment months run).
    function activateValidator(uint256 validatorId) external;

    /// @notice Sets the burst-threshold treasury share (bps of what remains of a commitment after the fees).
    function setBurstShare(uint256 shareBps) external;

    // ---- governance ----

    /// @notice Creates a restaking strategy (DAO).
    function createStrategy(bytes32 name, StrategyConfig calldata config) external returns (address strategy);

    /// @notice Sets schedule weights (0 to MAX_WEIGHT) and restarts the round-robin credits (DAO).
    function setStrategyWeights(bytes32[] calldata names, uint256[] calldata weights) external;

    /// @notice Allows or disallows a NoOp in a restaking strategy (DAO).
    function setNoOpAllowed(bytes32 strategy, address noOp, bool allowed) external;

    /// @notice Marks a strategy slashed after an AVS slashed its validators (DAO, one-way): registrations in it
    /// are refused from now on and the guardians eject its active validators (exit reason AVS_SLASHING). Its
    /// schedule weight is the DAO's to set to zero so its pending validators are not provisioned.
    /// @param name The strategy.
    function markStrategySlashed(bytes32 name) external;

    /// @notice Sets the price of `months` of commitment, in [1 ETH, 2 ETH), or 0 to remove it (DAO).
    function setCommitmentPrice(uint256 months, uint256 priceWei) external;

    /// @notice Sets the protocol and guardian fees (basis points of each commitment, capped) and who receives them
    /// (DAO).
    function setFees(
        uint256 protocolFeeBps,
        uint256 guardianFeeBps,
        address treasury,
        address guardianFeeRecipient
    ) external;

    /// @notice Sets the NoOp bond for future registrations ([MIN_BOND, MAX_BOND]) and how many registrations a growth
    /// spurt admits (`type(uint32).max` = no cap) (DAO).
    function setRegistrationLimits(uint256 bondWei, uint256 registrationCap) external;

    /// @notice Pauses registrations (PAUSER).
    function pauseRegistrations() external;

    /// @notice Unpauses registrations (DAO).
    function unpauseRegistrations() external;

    // ---- views ----

    /// @notice Price of `months` of smoothing commitment (reverts if the table has no such entry).
    function commitmentPrice(uint256 months) external view returns (uint256);

    /// @notice Registration parameters, accrued fees and the current spurt's registrations.
    function parameters() external view returns (Parameters memory);

    /// @notice A validator's record.
    function validator(uint256 validatorId) external view returns (Validator memory);

    /// @notice The validator id registered for `pubkeyHash`, and whether there is one.
    function validatorIdOf(bytes32 pubkeyHash) external view returns (bool registered, uint256 validatorId);

    /// @notice A strategy's address, settings and queue.
    function strategy(bytes32 name) external view returns (StrategyView memory);

    /// @notice The names of all strategies, by index.
    function strategyNames() external view returns (bytes32[] memory);

    /// @notice Whether `noOp` may register in `strategy`.
    function isNoOpAllowed(bytes32 strategy, address noOp) external view returns (bool);

    /// @notice The next `count` validators the schedule will provision (stops early when queues run dry).
    function nextValidators(uint256 count) external view returns (uint256[] memory validatorIds);

    /// @notice EIP-712 digest the guardians sign to provision `validatorId`.
    function provisionDigest(uint256 validatorId, bytes32 pubkeyHash, bytes32 depositRoot, uint256 deadline)
        external
        view
        returns (bytes32);

    /// @notice EIP-712 digest the guardians sign to skip `validatorId`.
    function skipDigest(uint256 validatorId, uint256 deadline) external view returns (bytes32);
}
