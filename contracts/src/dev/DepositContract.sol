// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {IDepositContract} from "../interfaces/IDepositContract.sol";
import {DepositRoot} from "../lib/DepositRoot.sol";

/// @title Development beacon deposit contract. NEVER deployed to production: mainnet and testnets use the official
/// contract; this one exists for anvil, the embedded revm chain and tests.
/// @notice Written from the phase-0 deposit contract specification: a depth-32 incremental Merkle tree of
/// `DepositData` hash tree roots (SHA-256), `get_deposit_root` mixes in the little-endian count, `deposit` checks
/// the lengths (48/32/96), at least 1 ETH, a whole number of gwei, that the amount fits a uint64 of gwei, and that
/// the caller's `deposit_data_root` equals the root of the data, then emits `DepositEvent` and inserts the leaf.
/// @dev Differences from the official contract that do not change any output: custom errors instead of revert
/// strings, and the zero-subtree hashes are a code constant instead of storage (fewer cold reads in
/// `get_deposit_root`, so gas measured against this contract is a lower bound of mainnet's).
contract DepositContract is IDepositContract, IERC165 {
    /// @notice Depth of the deposit tree.
    uint256 public constant DEPOSIT_CONTRACT_TREE_DEPTH = 32;
    /// @notice Most deposits the tree holds.
    uint256 public constant MAX_DEPOSIT_COUNT = 2 ** DEPOSIT_CONTRACT_TREE_DEPTH - 1;

    /// @dev zero_hashes[h] = root of an all-zero subtree of height h: zero_hashes[0] = 0,
    /// zero_hashes[h+1] = sha256(zero_hashes[h] ‖ zero_hashes[h]). Computed off-chain with Python's hashlib.
    bytes private constant _ZERO_HASHES = hex""
        hex"0000000000000000000000000000000000000000000000000000000000000000f5a5fd42d16a20302798ef6ed309979b"
        hex"43003d2320d9f0e8ea9831a92759fb4bdb56114e00fdd4c1f85c892bf35ac9a89289aaecb1ebd0a96cde606a748b5d71"
        hex"c78009fdf07fc56a11f122370658a353aaa542ed63e44c4bc15ff4cd105ab33c536d98837f2dd165a55d5eeae9148595"
        hex"4472d56f246df256bf3cae19352a123c9efde052aa15429fae05bad4d0b1d7c64da64d03d7a1854a588c2cb8430c0d30"
        hex"d88ddfeed400a8755596b21942c1497e114c302e6118290f91e6772976041fa187eb0ddba57e35f6d286673802a4af59"
        hex"75e22506c7cf4c64bb6be5ee11527f2c26846476fd5fc54a5d43385167c95144f2643f533cc85bb9d16b782f8d7db193"
        hex"506d86582d252405b840018792cad2bf1259f1ef5aa5f887e13cb2f0094f51e1ffff0ad7e659772f9534c195c815efc4"
        hex"014ef1e1daed4404c06385d11192e92b6cf04127db05441cd833107a52be852868890e4317e6a02ab47683aa75964220"
        hex"b7d05f875f140027ef5118a2247bbb84ce8f2f0f1123623085daf7960c329f5fdf6af5f5bbdb6be9ef8aa618e4bf8073"
        hex"960867171e29676f8b284dea6a08a85eb58d900f5e182e3c50ef74969ea16c7726c549757cc23523c369587da7293784"
        hex"d49a7502ffcfb0340b1d7885688500ca308161a7f96b62df9d083b71fcc8f2bb8fe6b1689256c0d385f42f5bbe2027a2"
        hex"2c1996e110ba97c171d3e5948de92beb8d0d63c39ebade8509e0ae3c9c3876fb5fa112be18f905ecacfecb92057603ab"
        hex"95eec8b2e541cad4e91de38385f2e046619f54496c2382cb6cacd5b98c26f5a4f893e908917775b62bff23294dbbe3a1"
        hex"cd8e6cc1c35b4801887b646a6f81f17fcddba7b592e3133393c16194fac7431abf2f5485ed711db282183c819e08ebaa"
        hex"8a8d7fe3af8caa085a7639a832001457dfb9128a8061142ad0335629ff23ff9cfeb3c337d7a51a6fbf00b9e34c52e1c9"
        hex"195c969bd4e7a0bfd51d5c5bed9c1167e71f0aa83cc32edfbefa9f4d3e0174ca85182eec9f3a09f6a6c0df6377a510d7"
        hex"31206fa80a50bb6abe29085058f16212212a60eec8f049fecb92d8c8e0a84bc021352bfecbeddde993839f614c3dac0a"
        hex"3ee37543f9b412b16199dc158e23b544619e312724bb6d7c3153ed9de791d764a366b389af13c58bf8a8d90481a46765"
        hex"7cdd2986268250628d0c10e385c58c6191e6fbe05191bcc04f133f2cea72c1c4848930bd7ba8cac54661072113fb2788"
        hex"69e07bb8587f91392933374d017bcbe18869ff2c22b28cc10510d9853292803328be4fb0e80495e8bb8d271f5b889636"
        hex"b5fe28e79f1b850f8658246ce9b6a1e7b49fc06db7143e8fe0b4f2b0c5523a5c985e929f70af28d0bdd1a90a808f977f"
        hex"597c7c778c489e98d3bd8910d31ac0f7";

    /// @dev Thrown when the pubkey is not 48 bytes.
    error DepositInvalidPubkeyLength(uint256 length);
    /// @dev Thrown when the withdrawal credentials are not 32 bytes.
    error DepositInvalidCredentialsLength(uint256 length);
    /// @dev Thrown when the signature is not 96 bytes.
    error DepositInvalidSignatureLength(uint256 length);
    /// @dev Thrown when the deposit is below 1 ETH.
    error DepositValueTooLow(uint256 valueWei);
    /// @dev Thrown when the deposit is not a whole number of gwei.
    error DepositValueNotMultipleOfGwei(uint256 valueWei);
    /// @dev Thrown when the deposit in gwei does not fit a uint64.
    error DepositValueTooHigh(uint256 valueWei);
    /// @dev Thrown when `deposit_data_root` is not the root of the deposit's data.
    error DepositRootMismatch(bytes32 computed, bytes32 given);
    /// @dev Thrown when the tree is full.
    error DepositTreeFull();

    bytes32[DEPOSIT_CONTRACT_TREE_DEPTH] private _branch;
    uint256 private _depositCount;

    /// @inheritdoc IDepositContract
    function get_deposit_root() external view returns (bytes32) {
        bytes32 node;
        uint256 size = _depositCount;
        bytes memory zeroHashes = _ZERO_HASHES;
        for (uint256 height = 0; height < DEPOSIT_CONTRACT_TREE_DEPTH; height++) {
            if ((size & 1) == 1) node = sha256(abi.encodePacked(_branch[height], node));
            else node = sha256(abi.encodePacked(node, _zeroHash(zeroHashes, height)));
            size /= 2; // rounds down: moves to the parent level
        }
        return sha256(abi.encodePacked(node, DepositRoot.toLittleEndian64(uint64(_depositCount)), bytes24(0)));
    }

    /// @inheritdoc IDepositContract
    function get_deposit_count() external view returns (bytes memory) {
        return abi.encodePacked(DepositRoot.toLittleEndian64(uint64(_depositCount)));
    }

    /// @inheritdoc IDepositContract
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable {
        if (pubkey.length != 48) revert DepositInvalidPubkeyLength(pubkey.length);
        if (withdrawal_credentials.length != 32) {
            revert DepositInvalidCredentialsLength(withdrawal_credentials.length);
        }
        if (signature.length != 96) revert DepositInvalidSignatureLength(signature.length);
        if (msg.value < 1 ether) revert DepositValueTooLow(msg.value);
        if (msg.value % 1 gwei != 0) revert DepositValueNotMultipleOfGwei(msg.value);
        uint256 amountGwei = msg.value / 1 gwei; // exact: checked just above
        if (amountGwei > type(uint64).max) revert DepositValueTooHigh(msg.value);

        uint256 count = _depositCount;
        bytes8 amountLE = DepositRoot.toLittleEndian64(uint64(amountGwei));
        emit DepositEvent(
            pubkey,
            withdrawal_credentials,
            abi.encodePacked(amountLE),
            signature,
            abi.encodePacked(DepositRoot.toLittleEndian64(uint64(count)))
        );

        bytes32 node =
            DepositRoot.depositDataRoot(pubkey, bytes32(withdrawal_credentials), signature, amountLE);
        if (node != deposit_data_root) revert DepositRootMismatch(node, deposit_data_root);

        if (count >= MAX_DEPOSIT_COUNT) revert DepositTreeFull();
        count += 1;
        _depositCount = count;
        uint256 size = count;
        for (uint256 height = 0; height < DEPOSIT_CONTRACT_TREE_DEPTH; height++) {
            if ((size & 1) == 1) {
                _branch[height] = node;
                return;
            }
            node = sha256(abi.encodePacked(_branch[height], node));
            size /= 2; // rounds down: moves to the parent level
        }
        // Unreachable: a count below 2^32 has a set bit among its low 32 bits.
        assert(false);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IDepositContract).interfaceId;
    }

    function _zeroHash(bytes memory zeroHashes, uint256 height) private pure returns (bytes32 z) {
        // Safe: height < 32 and zeroHashes holds 32 words.
        assembly ("memory-safe") {
            z := mload(add(add(zeroHashes, 32), mul(height, 32)))
        }
    }
}
