//! The growth-spurt report builder: a pure, deterministic function of the chain and beacon state at a spurt's
//! end ([`SpurtInputs`]), so every honest guardian computes the byte-identical [`SpurtReport`] and the quorum
//! can form. Rules (the contract's money flow is in `docs/contracts/spurts.md`):
//!
//! - **Reserves**: `beaconBalanceGwei` = Σ beacon balances of Puffer's validators that are active and not
//!   fully exited in this report; `activeValidators` their count; `ethereumValidators` from the beacon node.
//! - **Claims** per strategy, one leaf per NoOp (`RewardsMerkle.leaf(strategy, spurt, node, amount)`):
//!   the consensus rewards of the NoOp's validators in that strategy this spurt (`ValidatorInput::rewards_wei`),
//!   plus the restaking commission `avsRevenue × commissionBps / 10_000` (rounded down, the pools' favour, as
//!   the contract) split between the strategy's NoOps pro rata to their active validators (rounded down; the
//!   dust stays with the pools). NoOps with a zero amount get no leaf.
//! - **AVS revenue**: per strategy as observed; must be 0 for a non-restaking strategy (the builder zeroes it).
//! - **Exits**: one leaf per fully exited validator `exitLeaf(spurt, id, returnedWei, reason)`;
//!   `exitsShortfallWei` = Σ max(0, 32 ETH − returned); per strategy `exitsWei` = Σ returned.
//! - **Activations**: one leaf per validator that became active this spurt.
//!
//! Inputs are sorted by validator id inside, so their order does not matter.

use std::collections::BTreeMap;

use alloy::primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::merkle::{self, Claim, MerkleTree};

pub use crate::bindings::ISpurtReporterTypes::{SpurtReport, StrategyReport};

/// 32 ETH in wei.
pub const ETH_PER_VALIDATOR_WEI: U256 = U256::from_limbs([0xbc16_d674_ec80_0000, 1, 0, 0]);

pub use puffer_chain::report::ExitReason;

/// One strategy at the spurt's end, by index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyInput {
    /// The strategy contract (the claims leaves bind it).
    pub address: Address,
    /// Whether it restakes (NO_RESTAKING does not and can have no AVS revenue).
    pub restaking: bool,
    /// Commission of the AVS revenue for the NoOps, basis points.
    pub commission_bps: u64,
    /// AVS fees received this spurt.
    pub avs_revenue_wei: U256,
}

/// One Puffer validator at the spurt's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidatorInput {
    /// The protocol's validator id.
    pub validator_id: U256,
    /// Its strategy's index.
    pub strategy_index: usize,
    /// The NoOp.
    pub owner: Address,
    /// Active on the beacon chain (counts in the reserves) and not fully exited.
    pub active: bool,
    /// Beacon balance, Gwei.
    pub balance_gwei: u64,
    /// Consensus rewards earned this spurt, wei (goes to the NoOp).
    pub rewards_wei: U256,
    /// It became active during this spurt.
    pub activated: bool,
    /// It fully exited this spurt: what returned and why.
    pub exit: Option<(U256, ExitReason)>,
}

/// Everything the report is a function of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpurtInputs {
    /// The spurt.
    pub spurt: u64,
    /// Active validators on Ethereum.
    pub ethereum_validators: u64,
    /// Strategies by index.
    pub strategies: Vec<StrategyInput>,
    /// Puffer's validators.
    pub validators: Vec<ValidatorInput>,
}

/// One strategy's published claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategyClaims {
    /// Strategy index.
    pub strategy_index: usize,
    /// Strategy contract.
    pub strategy: Address,
    /// Claims root (zero when there are no claims).
    pub claims_root: B256,
    /// Σ claims.
    pub claims_wei: U256,
    /// Each NoOp's claim with its proof.
    pub claims: Vec<Claim>,
}

/// An exit leaf with its proof (for `processExits`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExitProof {
    /// Validator id.
    pub validator_id: U256,
    /// ETH returned.
    pub returned_wei: U256,
    /// Why.
    pub reason: ExitReason,
    /// Proof against the exits root.
    pub proof: Vec<B256>,
}

/// An activation leaf with its proof (for `processActivations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationProof {
    /// Validator id.
    pub validator_id: U256,
    /// Proof against the activations root.
    pub proof: Vec<B256>,
}

/// The trees and proofs of one spurt: what `/rewards/{spurt}` serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpurtTrees {
    /// The spurt.
    pub spurt: u64,
    /// Per strategy.
    pub strategies: Vec<StrategyClaims>,
    /// Exits root.
    pub exits_root: B256,
    /// Exits with proofs.
    pub exits: Vec<ExitProof>,
    /// Activations root.
    pub activations_root: B256,
    /// Activations with proofs.
    pub activations: Vec<ActivationProof>,
}

/// A built report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpurtBuild {
    /// What is signed and posted (with the given deadline).
    pub report: SpurtReport,
    /// Trees and proofs.
    pub trees: SpurtTrees,
}

/// Builds the report for `inputs` with `deadline`. Pure and deterministic: equal inputs (in any validator
/// order) give equal reports and trees.
pub fn build_report(inputs: &SpurtInputs, deadline: u64) -> SpurtBuild {
    let spurt = inputs.spurt;
    let mut validators: Vec<&ValidatorInput> = inputs.validators.iter().collect();
    validators.sort_by_key(|v| v.validator_id);

    let mut beacon_balance_gwei = U256::ZERO;
    let mut active = 0u64;
    let mut activation_leaves = Vec::new();
    let mut exit_leaves = Vec::new();
    let mut shortfall = U256::ZERO;
    let n = inputs.strategies.len();
    let mut exits_wei = vec![U256::ZERO; n];
    // Per strategy: NoOp → (rewards, active validators).
    let mut per_noop: Vec<BTreeMap<Address, (U256, u64)>> = vec![BTreeMap::new(); n];

    for v in &validators {
        if v.strategy_index >= n {
            continue; // unknown strategy index: the chain reader never produces it; ignore rather than panic
        }
        let entry = per_noop[v.strategy_index].entry(v.owner).or_default();
        entry.0 += v.rewards_wei;
        if v.activated {
            activation_leaves.push((
                v.validator_id,
                merkle::activation_leaf(spurt, v.validator_id),
            ));
        }
        match v.exit {
            Some((returned, reason)) => {
                exit_leaves.push((
                    v.validator_id,
                    returned,
                    reason,
                    merkle::exit_leaf(spurt, v.validator_id, returned, reason),
                ));
                shortfall += ETH_PER_VALIDATOR_WEI.saturating_sub(returned);
                exits_wei[v.strategy_index] += returned;
            }
            None if v.active => {
                beacon_balance_gwei += U256::from(v.balance_gwei);
                active += 1;
                entry.1 += 1;
            }
            None => {}
        }
    }

    let mut strategy_reports = Vec::with_capacity(n);
    let mut strategy_claims = Vec::with_capacity(n);
    for (i, s) in inputs.strategies.iter().enumerate() {
        let avs = if s.restaking {
            s.avs_revenue_wei
        } else {
            U256::ZERO
        };
        let commission = avs * U256::from(s.commission_bps) / U256::from(10_000u64);
        let active_here: u64 = per_noop[i].values().map(|(_, a)| *a).sum();
        let mut amounts: Vec<(Address, U256)> = per_noop[i]
            .iter()
            .map(|(node, (rewards, act))| {
                let share = if active_here == 0 {
                    U256::ZERO
                } else {
                    commission * U256::from(*act) / U256::from(active_here)
                };
                (*node, *rewards + share)
            })
            .filter(|(_, amount)| !amount.is_zero())
            .collect();
        amounts.sort();
        let leaves: Vec<B256> = amounts
            .iter()
            .map(|(node, amount)| merkle::claim_leaf(s.address, spurt, *node, *amount))
            .collect();
        let tree = MerkleTree::new(leaves.clone());
        let total: U256 = amounts.iter().map(|(_, a)| *a).sum();
        let claims = amounts
            .iter()
            .zip(&leaves)
            .map(|((node, amount), leaf)| Claim {
                node: *node,
                amount_wei: *amount,
                leaf: *leaf,
                proof: tree.proof(*leaf).unwrap_or_default(),
            })
            .collect();
        strategy_reports.push(StrategyReport {
            claimsRoot: tree.root(),
            claimsWei: total,
            avsRevenueWei: avs,
            exitsWei: exits_wei[i],
        });
        strategy_claims.push(StrategyClaims {
            strategy_index: i,
            strategy: s.address,
            claims_root: tree.root(),
            claims_wei: total,
            claims,
        });
    }

    let exits_tree = MerkleTree::new(exit_leaves.iter().map(|e| e.3).collect());
    let activations_tree = MerkleTree::new(activation_leaves.iter().map(|a| a.1).collect());
    let report = SpurtReport {
        spurt: U256::from(spurt),
        deadline: U256::from(deadline),
        beaconBalanceGwei: beacon_balance_gwei,
        activeValidators: U256::from(active),
        ethereumValidators: U256::from(inputs.ethereum_validators),
        activationsRoot: activations_tree.root(),
        activations: U256::from(activation_leaves.len()),
        exitsRoot: exits_tree.root(),
        exitCount: U256::from(exit_leaves.len()),
        exitsShortfallWei: shortfall,
        strategies: strategy_reports,
    };
    let trees = SpurtTrees {
        spurt,
        strategies: strategy_claims,
        exits_root: exits_tree.root(),
        exits: exit_leaves
            .iter()
            .map(|(id, returned, reason, leaf)| ExitProof {
                validator_id: *id,
                returned_wei: *returned,
                reason: *reason,
                proof: exits_tree.proof(*leaf).unwrap_or_default(),
            })
            .collect(),
        activations_root: activations_tree.root(),
        activations: activation_leaves
            .iter()
            .map(|(id, leaf)| ActivationProof {
                validator_id: *id,
                proof: activations_tree.proof(*leaf).unwrap_or_default(),
            })
            .collect(),
    };
    SpurtBuild { report, trees }
}

/// The report with its deadline zeroed: what two guardians must agree on byte for byte (the deadline is
/// the requester's choice, bounded by the responder).
pub fn report_content(report: &SpurtReport) -> SpurtReport {
    SpurtReport {
        deadline: U256::ZERO,
        ..report.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::sol_types::SolValue;

    fn inputs() -> SpurtInputs {
        let a = Address::repeat_byte(0xa);
        let b = Address::repeat_byte(0xb);
        SpurtInputs {
            spurt: 4,
            ethereum_validators: 1_000,
            strategies: vec![
                StrategyInput {
                    address: Address::repeat_byte(1),
                    restaking: false,
                    commission_bps: 0,
                    avs_revenue_wei: U256::from(5u64), // ignored: not restaking
                },
                StrategyInput {
                    address: Address::repeat_byte(2),
                    restaking: true,
                    commission_bps: 1_000,
                    avs_revenue_wei: U256::from(1_000_000u64),
                },
            ],
            validators: vec![
                ValidatorInput {
                    validator_id: U256::from(1),
                    strategy_index: 0,
                    owner: a,
                    active: true,
                    balance_gwei: 32_010_000_000,
                    rewards_wei: U256::from(7u64),
                    activated: true,
                    exit: None,
                },
                ValidatorInput {
                    validator_id: U256::from(2),
                    strategy_index: 1,
                    owner: a,
                    active: true,
                    balance_gwei: 32_000_000_000,
                    rewards_wei: U256::ZERO,
                    activated: false,
                    exit: None,
                },
                ValidatorInput {
                    validator_id: U256::from(3),
                    strategy_index: 1,
                    owner: b,
                    active: false,
                    balance_gwei: 0,
                    rewards_wei: U256::ZERO,
                    activated: false,
                    exit: Some((
                        ETH_PER_VALIDATOR_WEI - U256::from(2u64),
                        ExitReason::BalanceBelowEjection,
                    )),
                },
            ],
        }
    }

    #[test]
    fn figures_follow_the_rules() {
        let b = build_report(&inputs(), 99);
        let r = &b.report;
        assert_eq!(r.activeValidators, U256::from(2));
        assert_eq!(r.beaconBalanceGwei, U256::from(64_010_000_000u64));
        assert_eq!(r.exitCount, U256::from(1));
        assert_eq!(r.exitsShortfallWei, U256::from(2));
        assert_eq!(r.activations, U256::from(1));
        assert_eq!(r.strategies[0].avsRevenueWei, U256::ZERO);
        assert_eq!(r.strategies[0].claimsWei, U256::from(7));
        // Commission 100,000 wei, all to the only NoOp with an active validator in strategy 1.
        assert_eq!(r.strategies[1].claimsWei, U256::from(100_000));
        assert_eq!(
            r.strategies[1].exitsWei,
            ETH_PER_VALIDATOR_WEI - U256::from(2u64)
        );
        for s in &b.trees.strategies {
            for c in &s.claims {
                assert!(MerkleTree::verify(s.claims_root, c.leaf, &c.proof));
            }
        }
    }

    #[test]
    fn deterministic_in_any_order() {
        let a = build_report(&inputs(), 99);
        let mut shuffled = inputs();
        shuffled.validators.reverse();
        let b = build_report(&shuffled, 99);
        assert_eq!(a.report.abi_encode(), b.report.abi_encode());
        assert_eq!(
            serde_json::to_string(&a.trees).expect("json"),
            serde_json::to_string(&b.trees).expect("json")
        );
    }
    fn posted(build: &SpurtBuild) -> PostedRoots {
        PostedRoots {
            claims: build
                .trees
                .strategies
                .iter()
                .map(|s| (s.strategy, s.claims_root))
                .collect(),
            exits_root: build.report.exitsRoot,
            activations_root: build.report.activationsRoot,
        }
    }

    #[test]
    fn trees_pass_against_their_own_posted_roots() {
        let build = build_report(&inputs(), 0);
        assert!(!build.trees.exits.is_empty() && !build.trees.activations.is_empty());
        assert_eq!(verify_trees(&build.trees, &posted(&build)), Ok(()));
    }

    /// What a guardian will not serve: trees of another report, and trees whose leaves or proofs were altered
    /// (a peer lying about a NoOp's amount, an exit's return or an activation).
    #[test]
    fn altered_or_foreign_trees_are_refused() {
        let build = build_report(&inputs(), 0);
        let roots = posted(&build);
        let mut other_inputs = inputs();
        other_inputs.validators[0].rewards_wei += U256::from(1u64);
        let other = build_report(&other_inputs, 0);
        assert!(verify_trees(&other.trees, &roots).is_err());

        let mut amount = build.trees.clone();
        let claim = amount
            .strategies
            .iter_mut()
            .flat_map(|s| s.claims.iter_mut())
            .next()
            .unwrap();
        claim.amount_wei += U256::from(1u64);
        assert!(
            verify_trees(&amount, &roots)
                .unwrap_err()
                .contains("not proven")
        );

        let mut proof = build.trees.clone();
        proof.strategies[1].claims[0]
            .proof
            .push(B256::repeat_byte(7));
        assert!(verify_trees(&proof, &roots).is_err());

        let mut exit = build.trees.clone();
        exit.exits[0].returned_wei += U256::from(1u64);
        assert!(
            verify_trees(&exit, &roots)
                .unwrap_err()
                .contains("exit of validator")
        );

        let mut reason = build.trees.clone();
        reason.exits[0].reason = ExitReason::Voluntary;
        assert!(verify_trees(&reason, &roots).is_err());

        let mut activation = build.trees.clone();
        activation.activations[0].validator_id += U256::from(1u64);
        assert!(verify_trees(&activation, &roots).is_err());

        let mut strategy = build.trees.clone();
        strategy.strategies.pop();
        assert!(verify_trees(&strategy, &roots).is_err());
    }
}

/// The roots a posted report put on chain (`SpurtRoots` and each strategy's `claimsRoot(spurt)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedRoots {
    /// Per strategy in report order: its contract and claims root.
    pub claims: Vec<(Address, B256)>,
    /// The exits root.
    pub exits_root: B256,
    /// The activations root.
    pub activations_root: B256,
}

/// Checks that `trees` are the posted report's: every root equals the chain's, and every leaf, recomputed from
/// its fields, is proven against its root. Only trees that pass are served to NoOps (a guardian whose own build
/// lost the quorum, or that missed the report, takes a peer's after this check).
///
/// # Errors
/// What does not match, naming the strategy, validator or NoOp.
pub fn verify_trees(trees: &SpurtTrees, roots: &PostedRoots) -> Result<(), String> {
    let spurt = trees.spurt;
    if trees.strategies.len() != roots.claims.len() {
        return Err(format!(
            "{} strategies in the trees, {} on chain",
            trees.strategies.len(),
            roots.claims.len()
        ));
    }
    for (s, (address, root)) in trees.strategies.iter().zip(&roots.claims) {
        if s.strategy != *address || s.claims_root != *root {
            return Err(format!(
                "strategy {address}: claims root {} on chain, {} in the trees",
                root, s.claims_root
            ));
        }
        for c in &s.claims {
            let leaf = merkle::claim_leaf(s.strategy, spurt, c.node, c.amount_wei);
            if leaf != c.leaf || !MerkleTree::verify(*root, leaf, &c.proof) {
                return Err(format!("claim of {} in {address} is not proven", c.node));
            }
        }
    }
    if trees.exits_root != roots.exits_root {
        return Err(format!(
            "exits root {} on chain, {} in the trees",
            roots.exits_root, trees.exits_root
        ));
    }
    for e in &trees.exits {
        let leaf = merkle::exit_leaf(spurt, e.validator_id, e.returned_wei, e.reason);
        if !MerkleTree::verify(roots.exits_root, leaf, &e.proof) {
            return Err(format!(
                "exit of validator {} is not proven",
                e.validator_id
            ));
        }
    }
    if trees.activations_root != roots.activations_root {
        return Err(format!(
            "activations root {} on chain, {} in the trees",
            roots.activations_root, trees.activations_root
        ));
    }
    for a in &trees.activations {
        let leaf = merkle::activation_leaf(spurt, a.validator_id);
        if !MerkleTree::verify(roots.activations_root, leaf, &a.proof) {
            return Err(format!(
                "activation of validator {} is not proven",
                a.validator_id
            ));
        }
    }
    Ok(())
}

/// Processes a posted spurt's activations, then its exits, in chunks of
/// [`MAX_EXITS_PER_CHUNK`](puffer_chain::report::MAX_EXITS_PER_CHUNK) (permissionless calls, sent by `sender`):
/// one result per chunk, every chunk tried (a chunk another guardian processed first reverts; the others still
/// go through).
pub fn process_trees(
    chain: &mut dyn puffer_chain::Chain,
    reports: &puffer_chain::SpurtReports,
    sender: &alloy::signers::local::PrivateKeySigner,
    trees: &SpurtTrees,
) -> Vec<Result<puffer_chain::Receipt, puffer_chain::ChainError>> {
    let spurt = trees.spurt;
    let mut results = Vec::new();
    for chunk in trees
        .activations
        .chunks(puffer_chain::report::MAX_EXITS_PER_CHUNK)
    {
        results.push(reports.process_activations(
            chain,
            sender,
            spurt,
            chunk.iter().map(|a| a.validator_id).collect(),
            chunk.iter().map(|a| a.proof.clone()).collect(),
        ));
    }
    for chunk in trees
        .exits
        .chunks(puffer_chain::report::MAX_EXITS_PER_CHUNK)
    {
        results.push(
            reports.process_exits(
                chain,
                sender,
                spurt,
                chunk
                    .iter()
                    .map(|e| crate::bindings::ISpurtReporterTypes::Exit {
                        validatorId: e.validator_id,
                        returnedWei: e.returned_wei,
                        reason: e.reason.as_u8(),
                    })
                    .collect(),
                chunk.iter().map(|e| e.proof.clone()).collect(),
            ),
        );
    }
    results
}
