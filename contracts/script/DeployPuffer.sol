// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

import {DepositContract} from "../src/dev/DepositContract.sol";
import {DevAttestationVerifier} from "../src/dev/DevAttestationVerifier.sol";
import {DevEigenPodManager} from "../src/dev/DevEigenPodManager.sol";
import {DevWETH} from "../src/dev/DevWETH.sol";
import {GuardianModule} from "../src/GuardianModule.sol";
import {Roles} from "../src/governance/Roles.sol";
import {IAttestationVerifier} from "../src/interfaces/IAttestationVerifier.sol";
import {IDepositContract} from "../src/interfaces/IDepositContract.sol";
import {IEigenPodManager} from "../src/interfaces/IEigenPodManager.sol";
import {IGuardianModule} from "../src/interfaces/IGuardianModule.sol";
import {IPufferPool} from "../src/interfaces/IPufferPool.sol";
import {IPufferProtocol} from "../src/interfaces/IPufferProtocol.sol";
import {IWETH} from "../src/interfaces/IWETH.sol";
import {PufferPool} from "../src/PufferPool.sol";
import {PufferProtocol} from "../src/PufferProtocol.sol";
import {SpurtReporter} from "../src/SpurtReporter.sol";
import {WithdrawalPool} from "../src/WithdrawalPool.sol";

/// @title The order in which Puffer is deployed and wired; shared by the forge script and the tests.
/// @notice The Rust deployer (crates) follows the same steps in the same order:
///  1. WETH (a DevWETH on dev chains, the canonical one elsewhere)
///  2. AccessManager, with the deployer as temporary admin
///  3. TimelockController (proposer and executor: the DAO; self-administered)
///  4. PufferPool (deploys its WithdrawalPool), funded with the dead-shares deposit
///  5. roles: ROLE_DAO -> timelock, ROLE_PAUSER -> pauser and timelock; the staker-side function -> role table
///  6. operator side (after the staker side, where the Rust deployer's `insert_before_handover` steps run, so
///     both produce the same addresses): the beacon DepositContract and EigenPodManager (dev contracts on dev
///     chains, the real ones elsewhere), the attestation verifier (DevAttestationVerifier on dev chains: SGX/TDX
///     NOT verified), the GuardianModule with the first guardian set, the PufferProtocol (deploys the strategy
///     implementation, its beacon owned by the timelock, the strategy factory and NO_RESTAKING); then
///     ROLE_PROTOCOL -> PufferProtocol and the operator-side function -> role table; then the SpurtReporter
///     (authority, pool, protocol, guardian module) with ROLE_PROTOCOL and ROLE_REPORTER, and its role table
///  7. admin handed to the timelock, the deployer renounces it
///
/// Role table (AccessManager target functions):
///  - PufferPool: provisionETH, releaseLocked, reportReserves, burnShares -> PROTOCOL; setMintCap,
///    setWithdrawalPoolShare, setSpurtLength, moveLiquidity, unpauseDeposits -> DAO; pauseDeposits -> PAUSER
///  - WithdrawalPool: setWithdrawalFee, unpauseWithdrawals -> DAO; pauseWithdrawals -> PAUSER
///  - PufferProtocol: createStrategy, setStrategyWeights, setNoOpAllowed, setCommitmentPrice, setFees,
///    setRegistrationLimits, unpauseRegistrations, markStrategySlashed -> DAO; pauseRegistrations -> PAUSER; everything else public
///    (guardian authority is checked by signatures, NoOp authority by ownership)
///  - PufferProtocol: exitValidator, setBurstShare, activateValidator -> REPORTER
///  - SpurtReporter: setMaxRateChangeBps, setBurstThresholdBps -> DAO; postSpurtReport, processExits, processActivations public
///    (guardian quorum signatures / Merkle proofs); strategies check ROLE_REPORTER for setClaims, release
///  - GuardianModule: addGuardian, removeGuardian, setThreshold, setAttestationVerifier -> DAO
///  - DevAttestationVerifier: setAttestationSigner -> DAO
///  - strategy beacon (UpgradeableBeacon, Ownable): upgradeTo -> the timelock as owner
abstract contract DeployPuffer {
    /// @notice What a deployment needs to know.
    struct Config {
        /// The account that sends the deployment transactions and is admin until the handover.
        address deployer;
        /// Proposes and executes DAO actions on the timelock (a multisig or governor).
        address daoProposer;
        /// Emergency pauser.
        address pauser;
        /// Timelock delay on DAO actions, in seconds.
        uint256 timelockDelay;
        /// Existing WETH, or address(0) to deploy a DevWETH (dev chains).
        address weth;
        /// ETH minted to the dead-shares holder at deployment.
        uint256 deadSharesDeposit;
    }

    /// @notice What the operator side needs; zero addresses mean "deploy the dev contract" / "use the timelock".
    struct OperatorConfig {
        /// The beacon deposit contract, or address(0) to deploy the dev DepositContract.
        address depositContract;
        /// EigenLayer's EigenPodManager, or address(0) to deploy the DevEigenPodManager.
        address eigenPodManager;
        /// An attestation verifier, or address(0) to deploy a DevAttestationVerifier with `attestationSigner`.
        address attestationVerifier;
        /// The dev verifier's signer (when it is deployed here).
        address attestationSigner;
        /// The first guardians (operator EOAs); they register their enclave keys themselves.
        address[] guardians;
        /// More than half of `guardians` (0 with no guardians).
        uint256 guardianThreshold;
        /// Receives the protocol fee (address(0): the timelock).
        address treasury;
        /// Receives the guardian fee (address(0): the timelock).
        address guardianFeeRecipient;
    }

    /// @notice Everything a deployment created.
    struct Deployment {
        AccessManager accessManager;
        TimelockController timelock;
        IWETH weth;
        PufferPool pool;
        WithdrawalPool withdrawalPool;
        IDepositContract depositContract;
        IEigenPodManager eigenPodManager;
        IAttestationVerifier attestationVerifier;
        GuardianModule guardianModule;
        PufferProtocol protocol;
        SpurtReporter reporter;
    }

    /// @dev Steps 1-6 with dev operator contracts, no guardians, and fees to the timelock.
    function _deployPuffer(Config memory config) internal returns (Deployment memory d) {
        OperatorConfig memory op;
        op.guardians = new address[](0);
        op.attestationSigner = config.daoProposer;
        return _deployPuffer(config, op);
    }

    /// @dev Steps 1-6. The caller must send `config.deadSharesDeposit` along (the pool's constructor takes it).
    function _deployPuffer(Config memory config, OperatorConfig memory op)
        internal
        returns (Deployment memory d)
    {
        d.weth = config.weth == address(0) ? IWETH(address(new DevWETH())) : IWETH(config.weth);
        d.accessManager = new AccessManager(config.deployer);

        address[] memory dao = new address[](1);
        dao[0] = config.daoProposer;
        d.timelock = new TimelockController(config.timelockDelay, dao, dao, address(0));

        d.pool = new PufferPool{value: config.deadSharesDeposit}(address(d.accessManager), d.weth);
        d.withdrawalPool = WithdrawalPool(payable(d.pool.withdrawalPool()));

        _wireRoles(d, config);
        _deployOperator(d, op);
        _wireOperatorRoles(d);
    }

    /// @dev Step 6, contracts.
    function _deployOperator(Deployment memory d, OperatorConfig memory op) private {
        d.depositContract = IDepositContract(op.depositContract);
        if (op.depositContract == address(0)) {
            d.depositContract = IDepositContract(address(new DepositContract()));
        }
        d.eigenPodManager = IEigenPodManager(op.eigenPodManager);
        if (op.eigenPodManager == address(0)) {
            d.eigenPodManager = IEigenPodManager(address(new DevEigenPodManager(d.depositContract)));
        }
        d.attestationVerifier = IAttestationVerifier(op.attestationVerifier);
        if (op.attestationVerifier == address(0)) {
            d.attestationVerifier = IAttestationVerifier(
                address(new DevAttestationVerifier(address(d.accessManager), op.attestationSigner))
            );
        }
        d.guardianModule = new GuardianModule(
            address(d.accessManager), d.attestationVerifier, op.guardians, op.guardianThreshold
        );
        PufferProtocol.Init memory init;
        init.authority = address(d.accessManager);
        init.pool = IPufferPool(address(d.pool));
        init.guardianModule = IGuardianModule(address(d.guardianModule));
        init.depositContract = d.depositContract;
        init.eigenPodManager = d.eigenPodManager;
        init.beaconOwner = address(d.timelock);
        init.treasury = op.treasury == address(0) ? address(d.timelock) : op.treasury;
        init.guardianFeeRecipient =
            op.guardianFeeRecipient == address(0) ? address(d.timelock) : op.guardianFeeRecipient;
        d.protocol = new PufferProtocol(init);
        d.reporter = new SpurtReporter(
            address(d.accessManager),
            IPufferPool(address(d.pool)),
            IPufferProtocol(address(d.protocol)),
            IGuardianModule(address(d.guardianModule))
        );
    }

    /// @dev Step 6, roles: ROLE_PROTOCOL for the PufferProtocol and the operator contracts' role table.
    function _wireOperatorRoles(Deployment memory d) private {
        AccessManager am = d.accessManager;
        am.grantRole(Roles.ROLE_PROTOCOL, address(d.protocol), 0);

        address protocol = address(d.protocol);
        bytes4[] memory protocolDao = new bytes4[](8);
        protocolDao[0] = PufferProtocol.createStrategy.selector;
        protocolDao[1] = PufferProtocol.setStrategyWeights.selector;
        protocolDao[2] = PufferProtocol.setNoOpAllowed.selector;
        protocolDao[3] = PufferProtocol.setCommitmentPrice.selector;
        protocolDao[4] = PufferProtocol.setFees.selector;
        protocolDao[5] = PufferProtocol.setRegistrationLimits.selector;
        protocolDao[6] = PufferProtocol.unpauseRegistrations.selector;
        protocolDao[7] = PufferProtocol.markStrategySlashed.selector;
        am.setTargetFunctionRole(protocol, protocolDao, Roles.ROLE_DAO);
        _single(am, protocol, PufferProtocol.pauseRegistrations.selector, Roles.ROLE_PAUSER);

        am.labelRole(Roles.ROLE_REPORTER, "REPORTER");
        am.grantRole(Roles.ROLE_PROTOCOL, address(d.reporter), 0);
        am.grantRole(Roles.ROLE_REPORTER, address(d.reporter), 0);
        bytes4[] memory protocolReporter = new bytes4[](3);
        protocolReporter[0] = PufferProtocol.exitValidator.selector;
        protocolReporter[1] = PufferProtocol.setBurstShare.selector;
        protocolReporter[2] = PufferProtocol.activateValidator.selector;
        am.setTargetFunctionRole(protocol, protocolReporter, Roles.ROLE_REPORTER);
        bytes4[] memory reporterDao = new bytes4[](2);
        reporterDao[0] = SpurtReporter.setMaxRateChangeBps.selector;
        reporterDao[1] = SpurtReporter.setBurstThresholdBps.selector;
        am.setTargetFunctionRole(address(d.reporter), reporterDao, Roles.ROLE_DAO);

        bytes4[] memory guardianDao = new bytes4[](4);
        guardianDao[0] = GuardianModule.addGuardian.selector;
        guardianDao[1] = GuardianModule.removeGuardian.selector;
        guardianDao[2] = GuardianModule.setThreshold.selector;
        guardianDao[3] = GuardianModule.setAttestationVerifier.selector;
        am.setTargetFunctionRole(address(d.guardianModule), guardianDao, Roles.ROLE_DAO);

        // Only when the dev verifier was deployed here (it is AccessManaged by our manager).
        try DevAttestationVerifier(address(d.attestationVerifier)).authority() returns (address authority) {
            if (authority == address(am)) {
                _single(
                    am,
                    address(d.attestationVerifier),
                    DevAttestationVerifier.setAttestationSigner.selector,
                    Roles.ROLE_DAO
                );
            }
        } catch {}
    }

    /// @dev Step 7: the timelock becomes the only admin.
    function _handOverAdmin(Deployment memory d, Config memory config) internal {
        d.accessManager.grantRole(Roles.ADMIN, address(d.timelock), 0);
        d.accessManager.renounceRole(Roles.ADMIN, config.deployer);
    }

    function _wireRoles(Deployment memory d, Config memory config) private {
        AccessManager am = d.accessManager;
        am.labelRole(Roles.ROLE_DAO, "DAO");
        am.labelRole(Roles.ROLE_PAUSER, "PAUSER");
        am.labelRole(Roles.ROLE_PROTOCOL, "PROTOCOL");
        am.grantRole(Roles.ROLE_DAO, address(d.timelock), 0);
        am.grantRole(Roles.ROLE_PAUSER, address(d.timelock), 0);
        am.grantRole(Roles.ROLE_PAUSER, config.pauser, 0);

        address pool = address(d.pool);
        bytes4[] memory protocolOnly = new bytes4[](4);
        protocolOnly[0] = PufferPool.provisionETH.selector;
        protocolOnly[1] = PufferPool.releaseLocked.selector;
        protocolOnly[2] = PufferPool.reportReserves.selector;
        protocolOnly[3] = PufferPool.burnShares.selector;
        am.setTargetFunctionRole(pool, protocolOnly, Roles.ROLE_PROTOCOL);

        bytes4[] memory poolDao = new bytes4[](5);
        poolDao[0] = PufferPool.setMintCap.selector;
        poolDao[1] = PufferPool.setWithdrawalPoolShare.selector;
        poolDao[2] = PufferPool.setSpurtLength.selector;
        poolDao[3] = PufferPool.moveLiquidity.selector;
        poolDao[4] = PufferPool.unpauseDeposits.selector;
        am.setTargetFunctionRole(pool, poolDao, Roles.ROLE_DAO);
        _single(am, pool, PufferPool.pauseDeposits.selector, Roles.ROLE_PAUSER);

        address wp = address(d.withdrawalPool);
        bytes4[] memory wpDao = new bytes4[](2);
        wpDao[0] = WithdrawalPool.setWithdrawalFee.selector;
        wpDao[1] = WithdrawalPool.unpauseWithdrawals.selector;
        am.setTargetFunctionRole(wp, wpDao, Roles.ROLE_DAO);
        _single(am, wp, WithdrawalPool.pauseWithdrawals.selector, Roles.ROLE_PAUSER);
    }

    function _single(AccessManager am, address target, bytes4 selector, uint64 role) private {
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = selector;
        am.setTargetFunctionRole(target, selectors, role);
    }
}
