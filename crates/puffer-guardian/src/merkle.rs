//! Sorted-pair Merkle trees (the OpenZeppelin `MerkleProof` convention) and the leaves the contracts verify:
//! NoOp claims (`RewardsMerkle.leaf`), exits (`SpurtReporter.exitLeaf`) and activations
//! (`SpurtReporter.activationLeaf`). All leaves are double-hashed, `keccak256(keccak256(abi.encode(...)))`.
//!
//! Tree shape (deterministic, so every guardian gets the same root): leaves sorted ascending by hash, paired
//! left to right level by level, an odd last node carried up unchanged. An empty tree has root zero (what the
//! contract expects for "no claims"); one leaf is its own root with an empty proof.

use alloy::{
    primitives::{Address, B256, U256, keccak256},
    sol_types::SolValue,
};
use serde::{Deserialize, Serialize};

/// `keccak256(a ‖ b)` with the smaller first: OpenZeppelin's commutative pair hash.
pub fn hash_pair(a: B256, b: B256) -> B256 {
    if a <= b {
        keccak256([a.as_slice(), b.as_slice()].concat())
    } else {
        keccak256([b.as_slice(), a.as_slice()].concat())
    }
}

fn double_hash(encoded: &[u8]) -> B256 {
    keccak256(keccak256(encoded))
}

/// `RewardsMerkle.leaf(strategy, spurt, node, amountWei)`.
pub fn rewards_leaf(strategy: Address, spurt: u64, node: Address, amount_wei: U256) -> B256 {
    double_hash(&(strategy, U256::from(spurt), node, amount_wei).abi_encode())
}

/// `SpurtReporter.exitLeaf(spurt, validatorId, returnedWei, reason)` (`reason` is the `ExitReason` ordinal).
pub fn exit_leaf(spurt: u64, validator_id: U256, returned_wei: U256, reason: u8) -> B256 {
    double_hash(
        &(
            U256::from(spurt),
            validator_id,
            returned_wei,
            U256::from(reason),
        )
            .abi_encode(),
    )
}

/// `SpurtReporter.activationLeaf(spurt, validatorId)`.
pub fn activation_leaf(spurt: u64, validator_id: U256) -> B256 {
    double_hash(&(U256::from(spurt), validator_id).abi_encode())
}

/// A sorted-pair Merkle tree over leaf hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    /// `levels[0]` are the sorted leaves, the last level is the root.
    levels: Vec<Vec<B256>>,
}

impl MerkleTree {
    /// Builds the tree. Duplicate leaves are kept (each proves itself).
    pub fn new(mut leaves: Vec<B256>) -> Self {
        leaves.sort();
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let prev = levels.last().map(Vec::as_slice).unwrap_or_default();
            let next = prev
                .chunks(2)
                .map(|c| {
                    if c.len() == 2 {
                        hash_pair(c[0], c[1])
                    } else {
                        c[0]
                    }
                })
                .collect();
            levels.push(next);
        }
        Self { levels }
    }

    /// The root (zero for an empty tree).
    pub fn root(&self) -> B256 {
        self.levels
            .last()
            .and_then(|l| l.first().copied())
            .unwrap_or(B256::ZERO)
    }

    /// Number of leaves.
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The proof for `leaf`, or `None` when it is not in the tree.
    pub fn proof(&self, leaf: B256) -> Option<Vec<B256>> {
        let mut index = self.levels.first()?.binary_search(&leaf).ok()?;
        let mut proof = Vec::new();
        for level in &self.levels[..self.levels.len() - 1] {
            let sibling = index ^ 1;
            if let Some(s) = level.get(sibling) {
                proof.push(*s);
            }
            index /= 2;
        }
        Some(proof)
    }
}

/// Folds `proof` onto `leaf` as `MerkleProof.processProof` does and compares with `root`.
pub fn verify_proof(root: B256, leaf: B256, proof: &[B256]) -> bool {
    proof.iter().fold(leaf, |acc, p| hash_pair(acc, *p)) == root
}

/// One NoOp's claim in a strategy for a spurt, with its proof: what `PufferStrategy.claim` takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// The NoOp (the leaf's `node`).
    pub node: Address,
    /// Wei it may claim.
    pub amount_wei: U256,
    /// The leaf hash.
    pub leaf: B256,
    /// Sibling hashes, leaf to root.
    pub proof: Vec<B256>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_proves_and_others_do_not() {
        for n in 0..12u64 {
            let leaves: Vec<B256> = (0..n).map(|i| activation_leaf(1, U256::from(i))).collect();
            let tree = MerkleTree::new(leaves.clone());
            if n == 0 {
                assert_eq!(tree.root(), B256::ZERO);
            }
            for leaf in &leaves {
                let proof = tree.proof(*leaf).expect("in tree");
                assert!(verify_proof(tree.root(), *leaf, &proof), "n {n}");
                assert!(!verify_proof(
                    tree.root(),
                    activation_leaf(2, U256::ZERO),
                    &proof
                ));
            }
            assert!(tree.proof(activation_leaf(9, U256::from(99))).is_none());
        }
    }

    #[test]
    fn two_leaf_root_is_the_sorted_pair_hash() {
        // As contracts/test/unit/lib/RewardsMerkle.t.sol's `_pair`.
        let a = rewards_leaf(
            Address::repeat_byte(1),
            3,
            Address::repeat_byte(2),
            U256::from(1),
        );
        let b = rewards_leaf(
            Address::repeat_byte(1),
            3,
            Address::repeat_byte(3),
            U256::from(2),
        );
        let tree = MerkleTree::new(vec![a, b]);
        assert_eq!(tree.root(), hash_pair(a, b));
        assert_eq!(tree.proof(a), Some(vec![b]));
    }

    #[test]
    fn same_roots_proofs_and_leaves_as_the_chain_layer() {
        // puffer-chain's tree and leaves are checked against the contracts (claims, processExits/Activations).
        for n in 0..20u64 {
            let leaves: Vec<B256> = (0..n)
                .map(|i| exit_leaf(2, U256::from(i), U256::from(i * 7), (i % 4) as u8))
                .collect();
            let ours = MerkleTree::new(leaves.clone());
            let theirs = puffer_chain::MerkleTree::new(leaves.clone());
            assert_eq!(ours.root(), theirs.root());
            for leaf in &leaves {
                assert_eq!(ours.proof(*leaf), theirs.proof(*leaf));
            }
        }
        let (s, node) = (Address::repeat_byte(4), Address::repeat_byte(5));
        assert_eq!(
            rewards_leaf(s, 9, node, U256::from(3)),
            puffer_chain::report::claim_leaf(s, 9, node, U256::from(3))
        );
        assert_eq!(
            exit_leaf(9, U256::from(1), U256::from(2), 3),
            puffer_chain::report::exit_leaf(
                9,
                U256::from(1),
                U256::from(2),
                puffer_chain::ExitReason::AvsSlashing
            )
        );
        assert_eq!(
            activation_leaf(9, U256::from(1)),
            puffer_chain::report::activation_leaf(9, U256::from(1))
        );
    }
}
