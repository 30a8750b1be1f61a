//! The claims trees' types. The tree and the leaves the contracts verify (NoOp claims, exits, activations) are
//! the chain layer's ([`puffer_chain::report`]): sorted leaves, sorted-pair hashing (OpenZeppelin `MerkleProof`),
//! an odd last node carried up, zero root for no leaves. They are checked there against the contracts' own
//! `claim`, `processExits` and `processActivations`.

use alloy::primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

pub use puffer_chain::report::{MerkleTree, activation_leaf, claim_leaf, exit_leaf};

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
    fn two_leaf_root_is_the_sorted_pair_hash() {
        // As contracts/test/unit/lib/RewardsMerkle.t.sol's `_pair`.
        let a = claim_leaf(
            Address::repeat_byte(1),
            3,
            Address::repeat_byte(2),
            U256::from(1),
        );
        let b = claim_leaf(
            Address::repeat_byte(1),
            3,
            Address::repeat_byte(3),
            U256::from(2),
        );
        let tree = MerkleTree::new(vec![a, b]);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        assert_eq!(
            tree.root(),
            alloy::primitives::keccak256([lo.as_slice(), hi.as_slice()].concat())
        );
        assert_eq!(tree.proof(a), Some(vec![b]));
    }
}
