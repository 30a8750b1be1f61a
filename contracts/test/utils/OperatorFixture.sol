// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Test} from "forge-std/Test.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {DeployPuffer} from "../../script/DeployPuffer.sol";
import {DepositContract} from "../../src/dev/DepositContract.sol";
import {DevAttestationVerifier} from "../../src/dev/DevAttestationVerifier.sol";
import {GuardianModule} from "../../src/GuardianModule.sol";
import {Roles} from "../../src/governance/Roles.sol";
import {IPufferProtocol, IPufferProtocolTypes} from "../../src/interfaces/IPufferProtocol.sol";
import {DepositRoot} from "../../src/lib/DepositRoot.sol";
import {PufferPool} from "../../src/PufferPool.sol";
import {PufferProtocol} from "../../src/PufferProtocol.sol";

/// @notice Computes deposit data roots from memory arguments (the library takes calldata).
contract DepositRootHarness {
    function root(bytes calldata pubkey, bytes32 credentials, bytes calldata signature, bytes8 amountLE)
        external
        pure
        returns (bytes32)
    {
        return DepositRoot.depositDataRoot(pubkey, credentials, signature, amountLE);
    }
}

/// @notice Runs DeployPuffer for the tests, granting the test DAO and pauser their roles before the handover.
/// @dev A separate contract deployed from its artifact (`deployCode`), so test contracts do not each embed the
/// creation code of every Puffer contract (smaller, faster builds).
contract OperatorTestDeployer is DeployPuffer {
    function deploy(Config memory config, OperatorConfig memory op, address dao, address pauser)
        external
        payable
        returns (Deployment memory d)
    {
        config.deployer = address(this);
        d = _deployPuffer(config, op);
        d.accessManager.grantRole(Roles.ROLE_DAO, dao, 0);
        d.accessManager.grantRole(Roles.ROLE_PAUSER, pauser, 0);
        _handOverAdmin(d, config);
    }
}

/// @notice Deploys Puffer through DeployPuffer with 7 guardians (threshold 5) whose enclave keys are registered
/// through the dev attestation verifier, a DAO and a pauser that act without the timelock delay, and helpers to
/// register and provision validators.
abstract contract OperatorFixture is Test, IPufferProtocolTypes {
    uint256 internal constant GUARDIAN_COUNT = 7;
    uint256 internal constant THRESHOLD = 5;
    uint256 internal constant ENCRYPTED_SHARE_BYTES = 125;
    bytes32 internal constant NR = "NO_RESTAKING";
    bytes32 internal constant EIGENDA = "EIGENDA";
    uint256 internal constant PRICE_12 = 1_368_178_028_867_277_703;
    bytes32 internal constant PROVISION_BATCH_TYPEHASH = keccak256(
        "ProvisionNodes(uint256[] validatorIds,bytes32[] pubkeyHashes,bytes32 depositRoot,uint256 deadline)"
    );

    DeployPuffer.Deployment internal d;
    PufferProtocol internal protocol;
    PufferPool internal pool;
    GuardianModule internal guardianModule;
    DepositContract internal depositContract;
    DepositRootHarness internal rootHarness;

    address internal dao = makeAddr("dao");
    address internal pauser = makeAddr("pauser");
    address internal treasury = makeAddr("treasury");
    address internal guardianFeeRecipient = makeAddr("guardianFeeRecipient");
    address internal staker = makeAddr("staker");
    address internal noOp = makeAddr("noOp");
    address internal avsNoOp = makeAddr("avsNoOp");
    address internal avs = makeAddr("avs");
    uint256 internal attestationSignerKey = 0xA77E57;

    address[] internal guardianEoas;
    /// Enclave secret keys sorted by their address, ascending.
    uint256[] internal enclaveKeys;

    mapping(uint256 validatorId => ValidatorKey) internal keyOf;
    uint256 internal keySeed;

    function setUp() public virtual {
        rootHarness = new DepositRootHarness();
        DeployPuffer.Config memory config = DeployPuffer.Config({
            deployer: address(this),
            daoProposer: dao,
            pauser: pauser,
            timelockDelay: 1 days,
            weth: address(0),
            deadSharesDeposit: 0.001 ether
        });
        DeployPuffer.OperatorConfig memory op;
        for (uint256 i = 0; i < GUARDIAN_COUNT; i++) {
            guardianEoas.push(vm.addr(0x6000 + i));
            enclaveKeys.push(0xE000 + i);
        }
        _sortKeys(enclaveKeys);
        op.guardians = guardianEoas;
        op.guardianThreshold = THRESHOLD;
        op.attestationSigner = vm.addr(attestationSignerKey);
        op.treasury = treasury;
        op.guardianFeeRecipient = guardianFeeRecipient;
        OperatorTestDeployer deployer =
            OperatorTestDeployer(deployCode("OperatorFixture.sol:OperatorTestDeployer"));
        vm.deal(address(deployer), 1 ether);
        d = deployer.deploy(config, op, dao, pauser);

        protocol = d.protocol;
        pool = d.pool;
        guardianModule = d.guardianModule;
        depositContract = DepositContract(address(d.depositContract));

        for (uint256 i = 0; i < GUARDIAN_COUNT; i++) {
            _registerEnclave(guardianEoas[i], vm.addr(enclaveKeys[i]));
        }

        address[] memory avsSet = new address[](1);
        avsSet[0] = avs;
        address[] memory allowed = new address[](1);
        allowed[0] = avsNoOp;
        vm.prank(dao);
        protocol.createStrategy(
            EIGENDA, StrategyConfig({avsSet: avsSet, allowedNoOps: allowed, commissionBps: 1000})
        );

        vm.deal(noOp, 1000 ether);
        vm.deal(avsNoOp, 1000 ether);
        vm.deal(staker, 100_000 ether);
    }

    // ---------------------------------------------------------------- guardians

    function _registerEnclave(address guardian, address enclave) internal {
        bytes memory report = abi.encodePacked("sealed-enclave:", enclave);
        DevAttestationVerifier verifier = DevAttestationVerifier(address(d.attestationVerifier));
        bytes32 digest = verifier.attestationDigest(guardian, enclave, keccak256(report));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(attestationSignerKey, digest);
        vm.prank(guardian);
        guardianModule.registerEnclaveKey(enclave, abi.encode(report, abi.encodePacked(r, s, v)));
    }

    function _sortKeys(uint256[] storage keys) internal {
        for (uint256 i = 1; i < keys.length; i++) {
            for (uint256 j = i; j > 0 && vm.addr(keys[j]) < vm.addr(keys[j - 1]); j--) {
                uint256 tmp = keys[j];
                keys[j] = keys[j - 1];
                keys[j - 1] = tmp;
            }
        }
    }

    /// @dev The first `n` enclave keys (sorted) sign `digest`; packed r‖s‖v.
    function _sign(bytes32 digest, uint256 n) internal view returns (bytes memory sigs) {
        for (uint256 i = 0; i < n; i++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(enclaveKeys[i], digest);
            sigs = abi.encodePacked(sigs, r, s, v);
        }
    }

    function _signWith(bytes32 digest, uint256[] memory keys) internal pure returns (bytes memory sigs) {
        for (uint256 i = 0; i < keys.length; i++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], digest);
            sigs = abi.encodePacked(sigs, r, s, v);
        }
    }

    // ---------------------------------------------------------------- NoOps

    function _validatorData(bytes32 strategyName, uint256 seed)
        internal
        view
        returns (ValidatorData memory data)
    {
        bytes memory pubkey =
            abi.encodePacked(keccak256(abi.encode("pk", seed)), bytes16(keccak256(abi.encode(seed))));
        bytes memory signature = abi.encodePacked(
            keccak256(abi.encode("s1", seed)),
            keccak256(abi.encode("s2", seed)),
            keccak256(abi.encode("s3", seed))
        );
        bytes32 credentials = protocol.strategy(strategyName).withdrawalCredentials;
        data.pubkey = pubkey;
        data.signature = signature;
        data.depositDataRoot = rootHarness.root(pubkey, credentials, signature, DepositRoot.LE_32_ETH_GWEI);
        data.pubkeyShares = new bytes(GUARDIAN_COUNT * 48);
        data.encryptedShares = new bytes(GUARDIAN_COUNT * ENCRYPTED_SHARE_BYTES);
        for (uint256 i = 0; i < data.pubkeyShares.length; i++) {
            data.pubkeyShares[i] = bytes1(uint8(i + seed + 1));
        }
        for (uint256 i = 0; i < data.encryptedShares.length; i++) {
            data.encryptedShares[i] = bytes1(uint8(i * 7 + seed + 1));
        }
    }

    function _registrationCost(uint256 months) internal view returns (uint256) {
        return protocol.commitmentPrice(months) + protocol.parameters().bondWei;
    }

    function _register(address who, bytes32 strategyName) internal returns (uint256 id) {
        return _register(who, strategyName, 12);
    }

    function _register(address who, bytes32 strategyName, uint256 months) internal returns (uint256 id) {
        ValidatorData memory data = _validatorData(strategyName, ++keySeed);
        uint256 cost = _registrationCost(months);
        vm.prank(who);
        id = protocol.registerValidatorKey{value: cost}(strategyName, data, months);
        keyOf[id] = ValidatorKey({pubkey: data.pubkey, signature: data.signature});
    }

    function _fundPool(uint256 validators) internal {
        vm.prank(staker);
        pool.depositETH{value: validators * 32 ether}(staker);
    }

    // ---------------------------------------------------------------- provisioning

    function _provisionDigest(uint256 id, bytes32 depositRoot, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        return protocol.provisionDigest(id, keccak256(keyOf[id].pubkey), depositRoot, deadline);
    }

    /// @dev Provisions whatever the schedule picks next, with a 5-of-7 quorum.
    function _provisionNext() internal returns (uint256 id) {
        uint256[] memory next = protocol.nextValidators(1);
        id = next[0];
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(_provisionDigest(id, root, deadline), THRESHOLD);
        ValidatorKey memory key = keyOf[id];
        protocol.provisionNode(key.pubkey, key.signature, root, deadline, sigs);
    }

    function _batchDigest(uint256[] memory ids, bytes32 root, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32[] memory hashes = new bytes32[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) {
            hashes[i] = keccak256(keyOf[ids[i]].pubkey);
        }
        bytes32 structHash = keccak256(
            abi.encode(
                PROVISION_BATCH_TYPEHASH,
                keccak256(abi.encodePacked(ids)),
                keccak256(abi.encodePacked(hashes)),
                root,
                deadline
            )
        );
        return MessageHashUtils.toTypedDataHash(protocol.domainSeparator(), structHash);
    }

    function _provisionBatch(uint256 n) internal returns (uint256[] memory ids) {
        ids = protocol.nextValidators(n);
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(_batchDigest(ids, root, deadline), THRESHOLD);
        ValidatorKey[] memory keys = new ValidatorKey[](ids.length);
        for (uint256 i = 0; i < ids.length; i++) {
            keys[i] = keyOf[ids[i]];
        }
        return protocol.provisionNodes(keys, root, deadline, sigs);
    }

    function _skip(uint256 id) internal {
        uint256 deadline = block.timestamp + 1 hours;
        protocol.skipProvisioning(id, deadline, _sign(protocol.skipDigest(id, deadline), THRESHOLD));
    }

    function _strategyOf(uint256 id) internal pure returns (uint256) {
        return id >> 64;
    }

    function _setWeights(uint256 nr, uint256 eigenDa) internal {
        bytes32[] memory names = new bytes32[](2);
        names[0] = NR;
        names[1] = EIGENDA;
        uint256[] memory weights = new uint256[](2);
        weights[0] = nr;
        weights[1] = eigenDa;
        vm.prank(dao);
        protocol.setStrategyWeights(names, weights);
    }
}
