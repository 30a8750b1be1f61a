// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {DepositContract} from "../../../src/dev/DepositContract.sol";
import {IPufferProtocolTypes} from "../../../src/interfaces/IPufferProtocol.sol";
import {PufferPool} from "../../../src/PufferPool.sol";
import {PufferProtocol} from "../../../src/PufferProtocol.sol";
import {DepositRootHarness, OperatorFixture} from "../../utils/OperatorFixture.sol";

/// @notice Drives stakers, NoOps and guardians at random: deposits, registrations in both strategies, stops,
/// skips, single and batch provisioning, commitment extensions, fee withdrawals, queue advances.
contract OperatorHandler is CommonBase, StdCheats, StdUtils, IPufferProtocolTypes {
    PufferProtocol internal protocol;
    PufferPool internal pool;
    DepositContract internal depositContract;
    DepositRootHarness internal harness;
    uint256[] internal enclaveKeys;
    address internal noOp;
    address internal avsNoOp;
    address internal staker;

    uint256[] public ids;
    mapping(uint256 id => ValidatorKey) internal keyOf;
    uint256 internal seed;

    uint256 public ghost_ethIn;
    uint256 public ghost_provisioned;
    uint256 public ghost_maxProvisionsOfOne;
    uint256 public ghost_maxRefundsOfOne;
    mapping(uint256 id => uint256) public ghost_provisions;
    mapping(uint256 id => uint256) public ghost_refunds;

    constructor(
        PufferProtocol protocol_,
        PufferPool pool_,
        DepositContract depositContract_,
        uint256[] memory enclaveKeys_,
        address noOp_,
        address avsNoOp_,
        address staker_
    ) {
        protocol = protocol_;
        pool = pool_;
        depositContract = depositContract_;
        harness = new DepositRootHarness();
        enclaveKeys = enclaveKeys_;
        noOp = noOp_;
        avsNoOp = avsNoOp_;
        staker = staker_;
    }

    function idsLength() external view returns (uint256) {
        return ids.length;
    }

    function deposit(uint256 amount) external {
        amount = bound(amount, 1 ether, 100 ether);
        vm.deal(staker, amount);
        ghost_ethIn += amount;
        vm.prank(staker);
        pool.depositETH{value: amount}(staker);
    }

    function register(bool restaking, uint256 months) external {
        if (ids.length >= 60) return;
        months = bound(months, 9, 17);
        bytes32 name = restaking ? bytes32("EIGENDA") : bytes32("NO_RESTAKING");
        address who = restaking ? avsNoOp : noOp;
        ValidatorData memory data = _data(name, ++seed);
        uint256 cost = protocol.commitmentPrice(months) + protocol.parameters().bondWei;
        vm.deal(who, cost);
        ghost_ethIn += cost;
        vm.prank(who);
        uint256 id = protocol.registerValidatorKey{value: cost}(name, data, months);
        keyOf[id] = ValidatorKey(data.pubkey, data.signature);
        ids.push(id);
    }

    function stop(uint256 pick) external {
        if (ids.length == 0) return;
        uint256 id = ids[pick % ids.length];
        Validator memory v = protocol.validator(id);
        if (v.status != ValidatorStatus.PENDING) return;
        vm.prank(v.owner);
        protocol.stopRegistration(id);
        ghost_refunds[id]++;
        if (ghost_refunds[id] > ghost_maxRefundsOfOne) ghost_maxRefundsOfOne = ghost_refunds[id];
    }

    function skipOne(uint256 pick) external {
        if (ids.length == 0) return;
        uint256 id = ids[pick % ids.length];
        if (protocol.validator(id).status != ValidatorStatus.PENDING) return;
        uint256 deadline = block.timestamp + 1 hours;
        protocol.skipProvisioning(id, deadline, _sign(protocol.skipDigest(id, deadline)));
        ghost_refunds[id]++;
        if (ghost_refunds[id] > ghost_maxRefundsOfOne) ghost_maxRefundsOfOne = ghost_refunds[id];
    }

    function extend(uint256 pick, uint256 months) external {
        if (ids.length == 0) return;
        uint256 id = ids[pick % ids.length];
        ValidatorStatus s = protocol.validator(id).status;
        if (s != ValidatorStatus.PENDING && s != ValidatorStatus.PROVISIONED) return;
        months = bound(months, 9, 17);
        uint256 price = protocol.commitmentPrice(months);
        vm.deal(address(this), price);
        ghost_ethIn += price;
        protocol.extendCommitment{value: price}(id, months);
    }

    function provisionOne() external {
        uint256[] memory next = protocol.nextValidators(1);
        if (next.length == 0 || pool.availableETH() < 32 ether) return;
        uint256 id = next[0];
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sigs = _sign(protocol.provisionDigest(id, keccak256(keyOf[id].pubkey), root, deadline));
        protocol.provisionNode(keyOf[id].pubkey, keyOf[id].signature, root, deadline, sigs);
        _count(id);
    }

    function provisionBatch(uint256 n) external {
        n = bound(n, 1, 5);
        uint256 affordable = pool.availableETH() / 32 ether; // rounds down: whole validators only
        if (n > affordable) n = affordable;
        if (n == 0) return;
        uint256[] memory next = protocol.nextValidators(n);
        if (next.length == 0) return;
        bytes32 root = depositContract.get_deposit_root();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32[] memory hashes = new bytes32[](next.length);
        ValidatorKey[] memory keys = new ValidatorKey[](next.length);
        for (uint256 i = 0; i < next.length; i++) {
            hashes[i] = keccak256(keyOf[next[i]].pubkey);
            keys[i] = keyOf[next[i]];
        }
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "ProvisionNodes(uint256[] validatorIds,bytes32[] pubkeyHashes,bytes32 depositRoot,uint256 deadline)"
                ),
                keccak256(abi.encodePacked(next)),
                keccak256(abi.encodePacked(hashes)),
                root,
                deadline
            )
        );
        protocol.provisionNodes(
            keys,
            root,
            deadline,
            _sign(MessageHashUtils.toTypedDataHash(protocol.domainSeparator(), structHash))
        );
        for (uint256 i = 0; i < next.length; i++) {
            _count(next[i]);
        }
    }

    function withdrawFees() external {
        (uint256 t, uint256 g) =
            (protocol.parameters().accruedTreasuryWei, protocol.parameters().accruedGuardianWei);
        if (t == 0 && g == 0) return;
        protocol.withdrawFees();
    }

    function advance(uint256 steps) external {
        protocol.advanceQueue("NO_RESTAKING", bound(steps, 0, 10));
        protocol.advanceQueue("EIGENDA", bound(steps, 0, 10));
    }

    function _count(uint256 id) internal {
        ghost_provisioned++;
        ghost_provisions[id]++;
        if (ghost_provisions[id] > ghost_maxProvisionsOfOne) ghost_maxProvisionsOfOne = ghost_provisions[id];
    }

    function _sign(bytes32 digest) internal view returns (bytes memory sigs) {
        for (uint256 i = 0; i < 5; i++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(enclaveKeys[i], digest);
            sigs = abi.encodePacked(sigs, r, s, v);
        }
    }

    function _data(bytes32 name, uint256 n) internal view returns (ValidatorData memory data) {
        data.pubkey = abi.encodePacked(keccak256(abi.encode("ipk", n)), bytes16(keccak256(abi.encode(n))));
        data.signature = abi.encodePacked(
            keccak256(abi.encode(1, n)), keccak256(abi.encode(2, n)), keccak256(abi.encode(3, n))
        );
        data.depositDataRoot = bytes32(0);
        data.pubkeyShares = new bytes(7 * 48);
        data.encryptedShares = new bytes(7 * 125);
        name;
    }
}

contract OperatorInvariantsTest is OperatorFixture {
    OperatorHandler internal handler;
    uint256 internal ethAtStart;

    function setUp() public override {
        super.setUp();
        _setWeights(3, 1);
        handler = new OperatorHandler(protocol, pool, depositContract, enclaveKeys, noOp, avsNoOp, staker);
        vm.deal(noOp, 0);
        vm.deal(avsNoOp, 0);
        vm.deal(staker, 0);
        ethAtStart = _ethInSystem();
        targetContract(address(handler));
    }

    function _ethInSystem() internal view returns (uint256 total) {
        total = address(pool).balance + address(d.withdrawalPool).balance + address(protocol).balance
            + address(depositContract).balance + treasury.balance + guardianFeeRecipient.balance;
        bytes32[] memory names = protocol.strategyNames();
        for (uint256 i = 0; i < names.length; i++) {
            address s = protocol.strategy(names[i]).strategy;
            total += s.balance + address(d.eigenPodManager.getPod(s)).balance;
        }
    }

    function invariant_eachValidatorProvisionedAtMostOnce() public view {
        assertLe(handler.ghost_maxProvisionsOfOne(), 1, "a validator was provisioned twice");
        assertEq(
            address(depositContract).balance,
            32 ether * handler.ghost_provisioned(),
            "the deposit contract holds exactly one 32 ETH deposit per provisioning"
        );
    }

    function invariant_lockedEthIs32PerProvisioned() public view {
        assertEq(
            pool.lockedETH(),
            32 ether * handler.ghost_provisioned(),
            "locked ETH is not 32 ETH per provisioned"
        );
    }

    function invariant_ethConserved() public view {
        assertEq(
            _ethInSystem(),
            ethAtStart + handler.ghost_ethIn(),
            "ETH across pools, protocol, strategies, pods, deposit contract and fee recipients != ETH paid in"
        );
    }

    function invariant_noBondRefundedTwice() public view {
        assertLe(handler.ghost_maxRefundsOfOne(), 1, "a bond was refunded twice");
        // The protocol holds exactly the bonds of validators that have not had theirs back.
        uint256 held;
        uint256 n = handler.idsLength();
        for (uint256 i = 0; i < n; i++) {
            held += protocol.validator(handler.ids(i)).bondShares;
        }
        assertEq(
            pool.balanceOf(address(protocol)), held, "the protocol's pufETH is not the sum of live bonds"
        );
    }

    function invariant_queueHeadsNeverStuck() public view {
        bytes32[] memory names = protocol.strategyNames();
        uint256 pendingTotal;
        for (uint256 i = 0; i < names.length; i++) {
            StrategyView memory s = protocol.strategy(names[i]);
            assertLe(s.queueHead, s.queueTail, "queue head ran past its tail");
            assertLe(s.pending, s.queueTail - s.queueHead, "more pending than queued");
            if (s.weight > 0) pendingTotal += s.pending;
        }
        // Whenever a scheduled strategy has a pending validator, the schedule can pick one.
        assertEq(
            protocol.nextValidators(1).length,
            pendingTotal > 0 ? 1 : 0,
            "a pending validator cannot be picked"
        );
    }
}
