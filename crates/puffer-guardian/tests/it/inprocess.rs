//! N guardians in one process on the embedded chain, through the same code paths as the daemon: custody
//! checks, provisioning quorum accepted by the contract, faults (2 down: quorum; 3 down: nothing, then resume),
//! and a combined exit that verifies for the validator key.

use puffer_chain::{
    alloy::primitives::{Address, U256},
    bindings::IPufferProtocolTypes::ValidatorKey,
};
use puffer_guardian::{
    EjectionCandidate, ExitReason, Guardian, GuardianError, SignRequest, Verdict, gather_exit,
    gather_signatures,
};
use puffer_keys::bls::PublicKey;

use crate::harness::{GUARDIANS, Net, addresses, block_on, peers};

fn keys_of(guardian: &Guardian, ids: &[U256]) -> Vec<ValidatorKey> {
    ids.iter()
        .map(|id| {
            let data = guardian
                .registration(*id)
                .unwrap()
                .unwrap()
                .validator_data()
                .unwrap();
            ValidatorKey {
                pubkey: data.pubkey,
                signature: data.signature,
            }
        })
        .collect()
}

#[test]
fn custody_checked_batch_is_provisioned_with_two_guardians_down() {
    let mut net = Net::new();
    let ids: Vec<U256> = (1..=2u8)
        .map(|i| {
            let b = net.bundle(i);
            net.register(&b)
        })
        .collect();
    let guardians = net.guardians();
    net.record_all(&guardians);
    for g in &guardians {
        for id in &ids {
            assert_eq!(g.verdict(*id).unwrap(), Some(Verdict::Approve));
        }
    }
    let peers = peers(&guardians);
    let facts = net.facts();
    peers.set_facts(facts.clone());
    let ops = addresses(&guardians);
    peers.set_online(ops[3], false);
    peers.set_online(ops[4], false);
    let request = SignRequest::Provision {
        validator_ids: ids.clone(),
        deposit_root: facts.deposit_root,
        deadline: facts.now + 600,
    };
    let (blob, round) =
        block_on(gather_signatures(&guardians[0], &peers, &request, &facts)).unwrap();
    assert_eq!(blob.len(), 3 * 65);
    assert_eq!(round.unavailable, vec![ops[3], ops[4]]);
    let provisioned = net
        .view
        .guardian_chain
        .provision_nodes(
            &mut net.chain,
            &net.keys[10].clone(),
            keys_of(&guardians[0], &ids),
            facts.deposit_root,
            facts.now + 600,
            blob,
        )
        .unwrap();
    assert_eq!(provisioned, ids);
    for id in &ids {
        assert_eq!(net.status(*id), 4, "PROVISIONED");
    }
}

#[test]
fn three_down_gathers_nothing_and_resumes_when_back() {
    let mut net = Net::new();
    let b = net.bundle(3);
    let id = net.register(&b);
    let guardians = net.guardians();
    net.record_all(&guardians);
    let peers = peers(&guardians);
    let facts = net.facts();
    peers.set_facts(facts.clone());
    let ops = addresses(&guardians);
    for op in &ops[2..] {
        peers.set_online(*op, false);
    }
    let request = SignRequest::Provision {
        validator_ids: vec![id],
        deposit_root: facts.deposit_root,
        deadline: facts.now + 600,
    };
    let err = block_on(gather_signatures(&guardians[0], &peers, &request, &facts)).unwrap_err();
    assert!(
        matches!(
            err,
            GuardianError::NoQuorum {
                got: 2,
                threshold: 3,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(net.status(id), 1, "still PENDING");
    peers.set_online(ops[2], true);
    // Same request again: guardians 0 and 1 re-release their recorded signatures, guardian 2 adds its own.
    let (blob, _) = block_on(gather_signatures(&guardians[0], &peers, &request, &facts)).unwrap();
    net.view
        .guardian_chain
        .provision_nodes(
            &mut net.chain,
            &net.keys[10].clone(),
            keys_of(&guardians[0], &[id]),
            facts.deposit_root,
            facts.now + 600,
            blob,
        )
        .unwrap();
    assert_eq!(net.status(id), 4, "PROVISIONED");
}

#[test]
fn partial_exits_combine_into_the_validators_signature() {
    let mut net = Net::new();
    let b = net.bundle(4);
    let id = net.register(&b);
    let guardians = net.guardians();
    net.record_all(&guardians);
    let peers = peers(&guardians);
    let facts = net.facts();
    peers.set_facts(facts.clone());
    let candidate = EjectionCandidate {
        validator_id: id,
        validator_index: 17,
        epoch: 3,
        reason: ExitReason::BalanceBelowEjection,
        submitted: false,
    };
    for g in &guardians {
        g.record_ejection(&candidate).unwrap();
    }
    peers.set_online(addresses(&guardians)[1], false);
    let request = SignRequest::Exit {
        validator_id: id,
        validator_index: 17,
        epoch: 3,
    };
    let (exit, round) = block_on(gather_exit(&guardians[4], &peers, &request, &facts)).unwrap();
    assert!(round.bad.is_empty());
    let pubkey = PublicKey::from_hex(&b.pubkey, "pubkey").unwrap();
    exit.verify(&pubkey, &net.network).unwrap();
    assert_eq!((exit.message.validator_index, exit.message.epoch), (17, 3));

    // A guardian whose own scan did not decide this exit refuses, as does one asked for another epoch.
    let other = SignRequest::Exit {
        validator_id: id,
        validator_index: 17,
        epoch: 4,
    };
    let err = guardians[0].respond(&other, &facts).unwrap_err();
    assert!(
        err.to_string().contains("decided index 17 epoch 3"),
        "{err}"
    );
    let _ = GUARDIANS;
    let _: Address = guardians[0].operator();
}

#[test]
fn report_is_posted_by_quorum_then_activation_processed_and_noop_claims() {
    use puffer_chain::{Chain, SpurtReports};
    use puffer_guardian::{
        SpurtInputs, build_report,
        report::{StrategyInput, ValidatorInput},
    };

    let mut net = Net::new();
    let b = net.bundle(5);
    let id = net.register(&b);
    let guardians = net.guardians();
    net.record_all(&guardians);
    let peers = peers(&guardians);
    let facts = net.facts();
    peers.set_facts(facts.clone());
    let request = SignRequest::Provision {
        validator_ids: vec![id],
        deposit_root: facts.deposit_root,
        deadline: facts.now + 600,
    };
    let (blob, _) = block_on(gather_signatures(&guardians[2], &peers, &request, &facts)).unwrap();
    let relayer = net.relayer().clone();
    net.view
        .guardian_chain
        .provision_nodes(
            &mut net.chain,
            &relayer,
            keys_of(&guardians[2], &[id]),
            facts.deposit_root,
            facts.now + 600,
            blob,
        )
        .unwrap();

    // The spurt ends; the validator is active with 0.01 ETH of rewards skimmed to the pod.
    let reports = SpurtReports::new(&net.deployment).unwrap();
    net.chain.advance_time(8 * 86_400).unwrap();
    net.chain.mine().unwrap();
    assert!(reports.clock(&mut net.chain).unwrap().report_due());
    let strategies = reports.strategies(&mut net.chain).unwrap();
    let wc = net.credentials(strategies[0].0);
    let pod = Address::from_slice(&wc[12..]);
    let rewards = crate::harness::eth(1) / U256::from(100u64);
    net.chain.set_balance(pod, rewards).unwrap();
    let inputs = SpurtInputs {
        spurt: 0,
        ethereum_validators: 1_000_000,
        strategies: strategies
            .iter()
            .map(|(_, address)| StrategyInput {
                address: *address,
                restaking: false,
                commission_bps: 0,
                avs_revenue_wei: U256::ZERO,
            })
            .collect(),
        validators: vec![ValidatorInput {
            validator_id: id,
            strategy_index: 0,
            owner: net.keys[2].address(),
            active: true,
            balance_gwei: 32_000_000_000,
            rewards_wei: rewards,
            activated: true,
            exit: None,
        }],
    };
    let facts = net.facts();
    assert_eq!(facts.reporter, Some(reports.address()));
    peers.set_facts(facts.clone());
    let build = build_report(&inputs, facts.now + 600);
    for g in &guardians {
        g.record_report(&build_report(&inputs, 0)).unwrap();
    }
    // The locally computed digest is the contract's.
    assert_eq!(
        puffer_guardian::digest::report(facts.chain_id, reports.address(), &build.report),
        reports.digest(&mut net.chain, &build.report).unwrap()
    );
    let request = SignRequest::Report {
        report: puffer_chain::alloy::sol_types::SolValue::abi_encode(&build.report).into(),
    };
    let (blob, _) = block_on(gather_signatures(&guardians[0], &peers, &request, &facts)).unwrap();
    reports
        .post(&mut net.chain, &relayer, &build.report, blob)
        .unwrap();

    let trees = guardians[3].trees(0).unwrap().unwrap();
    let activation = &trees.activations[0];
    reports
        .process_activations(
            &mut net.chain,
            &relayer,
            0,
            vec![activation.validator_id],
            vec![activation.proof.clone()],
        )
        .unwrap();
    assert_eq!(net.status(id), 5, "ACTIVE");

    let claim = &trees.strategies[0].claims[0];
    assert_eq!(claim.node, net.keys[2].address());
    let before = net.chain.balance(claim.node).unwrap();
    net.noop()
        .claim(
            &mut net.chain,
            trees.strategies[0].strategy,
            0,
            claim.amount_wei,
            claim.proof.clone(),
        )
        .unwrap();
    assert_eq!(net.chain.balance(claim.node).unwrap(), before + rewards);
}
