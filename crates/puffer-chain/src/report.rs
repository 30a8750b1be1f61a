//! Growth-spurt reports on the chain side: the Merkle leaves the contracts check (claims, exits, activations), a
//! sorted-pair Merkle tree that builds the roots and proofs they accept, and the calls that post a report and
//! process its exits and activations.
//!
//! The leaf formats mirror `contracts/src/lib/RewardsMerkle.sol` and `SpurtReporter.exitLeaf`/`activationLeaf`:
//! a double keccak of the ABI-encoded fields. Trees hash pairs in sorted order (OpenZeppelin `MerkleProof`), so a
//! proof is just the siblings from leaf to root.

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::local::PrivateKeySigner,
    sol_types::SolValue,
};

use crate::{
    Result,
    bindings::{ISpurtReporterTypes, PufferPool, SpurtReporter},
    chain::{Chain, Receipt},
    contract::{call_decode, transact},
};

/// Most exits (or activations) `processExits`/`processActivations` take in one call
/// (`SpurtReporter.MAX_EXITS_PER_CHUNK`).
pub const MAX_EXITS_PER_CHUNK: usize = 25;

/// Why a validator left (`ISpurtReporterTypes.ExitReason`, same discriminants; JSON: `"BALANCE_BELOW_EJECTION"`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[repr(u8)]
pub enum ExitReason {
    /// The NoOp exited it voluntarily.
    Voluntary = 0,
    /// Its balance fell below the ejection balance: the guardians ejected it.
    BalanceBelowEjection = 1,
    /// Its smoothing commitment expired without renewal: the guardians ejected it.
    CommitmentExpired = 2,
    /// An AVS slashed it: the guardians ejected it.
    AvsSlashing = 3,
}

impl ExitReason {
    /// The Solidity enum value.
    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

fn double_keccak(encoded: &[u8]) -> B256 {
    keccak256(keccak256(encoded))
}

/// `RewardsMerkle.leaf(strategy, spurt, node, amountWei)`: one NoOp claim.
pub fn claim_leaf(strategy: Address, spurt: u64, node: Address, amount_wei: U256) -> B256 {
    double_keccak(&(strategy, U256::from(spurt), node, amount_wei).abi_encode_params())
}

/// `SpurtReporter.exitLeaf(spurt, validatorId, returnedWei, reason)`: one full exit.
pub fn exit_leaf(spurt: u64, validator_id: U256, returned_wei: U256, reason: ExitReason) -> B256 {
    double_keccak(
        &(
            U256::from(spurt),
            validator_id,
            returned_wei,
            U256::from(reason.as_u8()),
        )
            .abi_encode_params(),
    )
}

/// `SpurtReporter.activationLeaf(spurt, validatorId)`: one validator that became active.
pub fn activation_leaf(spurt: u64, validator_id: U256) -> B256 {
    double_keccak(&(U256::from(spurt), validator_id).abi_encode_params())
}

fn hash_pair(a: B256, b: B256) -> B256 {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(lo.as_slice());
    buf[32..].copy_from_slice(hi.as_slice());
    keccak256(buf)
}

/// A Merkle tree over leaves sorted ascending, hashing pairs in sorted order; an odd node is carried up unchanged.
/// The root of no leaves is zero (the contracts treat a zero root as "nothing to claim").
///
/// Sorting the leaves first makes the tree a function of the leaf *set*: guardians that list the same claims in
/// different orders build the same root, which is what lets them sign the same report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    /// `layers[0]` are the sorted leaves, the last layer is `[root]`.
    layers: Vec<Vec<B256>>,
}

impl MerkleTree {
    /// Builds the tree over `leaves` (any order; duplicates are kept).
    pub fn new(mut leaves: Vec<B256>) -> Self {
        leaves.sort_unstable();
        let mut layers = vec![leaves];
        while layers.last().is_some_and(|l| l.len() > 1) {
            let below = layers.last().map(Vec::as_slice).unwrap_or_default();
            let above = below
                .chunks(2)
                .map(|pair| match pair {
                    [a, b] => hash_pair(*a, *b),
                    [a] => *a,
                    _ => B256::ZERO,
                })
                .collect();
            layers.push(above);
        }
        Self { layers }
    }

    /// The root (zero for an empty tree).
    pub fn root(&self) -> B256 {
        self.layers
            .last()
            .and_then(|l| l.first())
            .copied()
            .unwrap_or(B256::ZERO)
    }

    /// How many leaves the tree has.
    pub fn len(&self) -> usize {
        self.layers.first().map_or(0, Vec::len)
    }

    /// Whether the tree has no leaves.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The proof for `leaf` (siblings from the leaf up), or `None` if it is not in the tree.
    pub fn proof(&self, leaf: B256) -> Option<Vec<B256>> {
        let mut index = self.layers.first()?.binary_search(&leaf).ok()?;
        let mut proof = Vec::new();
        for layer in &self.layers[..self.layers.len() - 1] {
            let sibling = index ^ 1;
            if let Some(node) = layer.get(sibling) {
                proof.push(*node);
            }
            index /= 2;
        }
        Some(proof)
    }

    /// Whether `proof` shows `leaf` under `root` (OpenZeppelin `MerkleProof.verify`).
    pub fn verify(root: B256, leaf: B256, proof: &[B256]) -> bool {
        proof.iter().fold(leaf, |acc, p| hash_pair(acc, *p)) == root
    }
}

/// The growth-spurt clock and the reporter's cursor, read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpurtClock {
    /// The spurt in progress (`PufferPool.currentSpurt`).
    pub current: u64,
    /// When it ends (`PufferPool.currentSpurtEnd`), unix seconds.
    pub current_end: u64,
    /// The next spurt to report (`SpurtReporter.nextSpurt`); reportable once `current > next_report`.
    pub next_report: u64,
}

impl SpurtClock {
    /// Whether a report for `next_report` can be posted now.
    pub fn report_due(&self) -> bool {
        self.current > self.next_report
    }
}

/// The reporter's side of the chain: read the spurt clock, compute the report digest, post reports and process
/// their exits and activations. Posting needs a guardian quorum's signatures; processing is permissionless.
#[derive(Debug, Clone)]
pub struct SpurtReports {
    reporter: Address,
    pool: Address,
    protocol: Address,
}

impl SpurtReports {
    /// The client on `deployment`.
    ///
    /// # Errors
    /// [`crate::ChainError::MissingContract`] without a SpurtReporter.
    pub fn new(deployment: &crate::Deployment) -> Result<Self> {
        Ok(Self {
            reporter: deployment.spurt_reporter()?,
            pool: deployment.pool()?,
            protocol: deployment.protocol()?,
        })
    }

    /// The SpurtReporter's address.
    pub fn address(&self) -> Address {
        self.reporter
    }

    /// The spurt clock.
    ///
    /// # Errors
    /// Transport errors.
    pub fn clock(&self, chain: &mut dyn Chain) -> Result<SpurtClock> {
        let current = call_decode(chain, self.pool, &PufferPool::currentSpurtCall {})?;
        let current_end = call_decode(chain, self.pool, &PufferPool::currentSpurtEndCall {})?;
        let next = call_decode(chain, self.reporter, &SpurtReporter::nextSpurtCall {})?;
        Ok(SpurtClock {
            current: current.saturating_to(),
            current_end: current_end.saturating_to(),
            next_report: next.saturating_to(),
        })
    }

    /// The strategies in index order (a report has exactly one entry per strategy, in this order).
    ///
    /// # Errors
    /// Transport errors.
    pub fn strategies(&self, chain: &mut dyn Chain) -> Result<Vec<(B256, Address)>> {
        Ok(crate::operator::strategies(chain, self.protocol)?
            .into_iter()
            .map(|(name, view)| (name, view.strategy))
            .collect())
    }

    /// The EIP-712 digest the guardians sign for `report` (`SpurtReporter.reportDigest`).
    ///
    /// # Errors
    /// Transport errors.
    pub fn digest(
        &self,
        chain: &mut dyn Chain,
        report: &ISpurtReporterTypes::SpurtReport,
    ) -> Result<B256> {
        call_decode(
            chain,
            self.reporter,
            &SpurtReporter::reportDigestCall {
                report: report.clone(),
            },
        )
    }

    /// Posts `report` with the quorum's sorted signatures.
    ///
    /// # Errors
    /// `ReportUnexpectedSpurt`, `ReportSpurtNotEnded`, `ReportRateChangeTooLarge`, guardian errors… decoded.
    pub fn post(
        &self,
        chain: &mut dyn Chain,
        sender: &PrivateKeySigner,
        report: &ISpurtReporterTypes::SpurtReport,
        guardian_signatures: Bytes,
    ) -> Result<Receipt> {
        let call = SpurtReporter::postSpurtReportCall {
            report: report.clone(),
            guardianSignatures: guardian_signatures,
        };
        transact(chain, sender, self.reporter, &call, U256::ZERO)
    }

    /// Processes up to [`MAX_EXITS_PER_CHUNK`] exits of `spurt`'s exits root, each with its proof.
    ///
    /// # Errors
    /// `ReportInvalidExitChunk`, `ReportInvalidExitProof`, `ReportValidatorNotExitable`… decoded.
    pub fn process_exits(
        &self,
        chain: &mut dyn Chain,
        sender: &PrivateKeySigner,
        spurt: u64,
        exits: Vec<ISpurtReporterTypes::Exit>,
        proofs: Vec<Vec<B256>>,
    ) -> Result<Receipt> {
        let call = SpurtReporter::processExitsCall {
            spurt: U256::from(spurt),
            exits,
            proofs,
        };
        transact(chain, sender, self.reporter, &call, U256::ZERO)
    }

    /// Marks up to [`MAX_EXITS_PER_CHUNK`] validators of `spurt`'s activations root ACTIVE.
    ///
    /// # Errors
    /// `ReportInvalidActivationProof`, `ReportValidatorNotActivatable`… decoded.
    pub fn process_activations(
        &self,
        chain: &mut dyn Chain,
        sender: &PrivateKeySigner,
        spurt: u64,
        validator_ids: Vec<U256>,
        proofs: Vec<Vec<B256>>,
    ) -> Result<Receipt> {
        let call = SpurtReporter::processActivationsCall {
            spurt: U256::from(spurt),
            validatorIds: validator_ids,
            proofs,
        };
        transact(chain, sender, self.reporter, &call, U256::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize, seed: u8) -> Vec<B256> {
        (0..n)
            .map(|i| keccak256([seed, (i % 256) as u8, (i / 256) as u8]))
            .collect()
    }

    #[test]
    fn empty_tree_has_zero_root_and_no_proofs() {
        let tree = MerkleTree::new(Vec::new());
        assert_eq!(tree.root(), B256::ZERO);
        assert!(tree.is_empty());
        assert_eq!(tree.proof(B256::repeat_byte(1)), None);
    }

    #[test]
    fn single_leaf_is_its_own_root_with_an_empty_proof() {
        let leaf = B256::repeat_byte(7);
        let tree = MerkleTree::new(vec![leaf]);
        assert_eq!(tree.root(), leaf);
        assert_eq!(tree.proof(leaf), Some(Vec::new()));
    }

    proptest! {
        /// Every leaf's proof verifies; the root ignores leaf order; a leaf not in the tree has no proof, and
        /// a proof does not verify another leaf.
        #[test]
        fn proofs_verify_and_root_ignores_order(n in 1usize..70, seed in any::<u8>(), rot in 0usize..70) {
            let ls = leaves(n, seed);
            let tree = MerkleTree::new(ls.clone());
            let mut rotated = ls.clone();
            rotated.rotate_left(rot % n);
            prop_assert_eq!(MerkleTree::new(rotated).root(), tree.root());
            for leaf in &ls {
                let proof = tree.proof(*leaf).expect("leaf in tree");
                prop_assert!(MerkleTree::verify(tree.root(), *leaf, &proof));
                prop_assert!(!MerkleTree::verify(tree.root(), keccak256(leaf), &proof));
            }
            prop_assert_eq!(tree.proof(keccak256(b"absent")), None);
        }
    }

    #[test]
    fn exit_reasons_match_the_solidity_enum() {
        assert_eq!(ExitReason::Voluntary.as_u8(), 0);
        assert_eq!(ExitReason::BalanceBelowEjection.as_u8(), 1);
        assert_eq!(ExitReason::CommitmentExpired.as_u8(), 2);
        assert_eq!(ExitReason::AvsSlashing.as_u8(), 3);
    }
}
