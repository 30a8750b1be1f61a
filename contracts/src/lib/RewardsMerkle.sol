// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title RewardsMerkle: the leaf format of the NoOp reward trees the guardians publish each growth spurt.
/// @notice A leaf pays `amountWei` to `node` (the NoOp's address) from `strategy` for growth spurt `spurt`:
///
///     leaf = keccak256(bytes.concat(keccak256(abi.encode(strategy, spurt, node, amountWei))))
///
/// The double hash keeps a 64-byte inner node from ever being accepted as a leaf (second-preimage defence), and
/// binding the strategy and spurt inside the leaf makes a proof for one strategy or spurt useless for another even
/// where two trees share a root. Trees are built with sorted pairs (OpenZeppelin `MerkleProof` convention); the
/// guardians' Rust code builds the same trees.
library RewardsMerkle {
    /// @notice The leaf for one claim.
    function leaf(address strategy, uint256 spurt, address node, uint256 amountWei)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(bytes.concat(keccak256(abi.encode(strategy, spurt, node, amountWei))));
    }

    /// @notice Whether `proof` shows the claim is in the tree with `root`.
    function verify(
        bytes32 root,
        bytes32[] calldata proof,
        address strategy,
        uint256 spurt,
        address node,
        uint256 amountWei
    ) internal pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, leaf(strategy, spurt, node, amountWei));
    }
}
