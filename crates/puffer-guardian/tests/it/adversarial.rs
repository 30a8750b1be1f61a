//! What a guardian must refuse: bad registrations (skipped on chain), bad peer answers (excluded), and
//! conflicting signatures (refused, also after a restart from the same database).

use std::sync::Arc;

use puffer_chain::alloy::primitives::{Address, B256, U256};
use puffer_guardian::{
    EjectionCandidate, ExitReason, GuardianError, InProcessPeers, PeerAnswer, Peers, RedbStore,
    SignRequest, SignResponse, SkipReason, SpurtInputs, Store, Verdict, build_report, gather_exit,
    gather_signatures, report::StrategyInput,
};
use puffer_keys::{bls::SecretKey, keyshare, network::Network};

use crate::harness::{Net, addresses, block_on, peers};

fn skip_reason(v: Option<Verdict>) -> SkipReason {
    match v {
        Some(Verdict::Skip { reason, .. }) => reason,
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[test]
fn wrong_share_for_one_guardian_is_skipped_on_its_complaint() {
    let mut net = Net::new();
    let mut bad = net.bundle(10);
    let other = net.bundle(11);
    bad.encrypted_shares[1] = other.encrypted_shares[1].clone(); // decrypts, but a share of another key
    let mut undecryptable = net.bundle(12);
    undecryptable.encrypted_shares[2] = undecryptable.encrypted_shares[3].clone(); // for guardian 3's key
    let bad_id = net.register(&bad);
    let undecryptable_id = net.register(&undecryptable);
    let guardians = net.guardians();
    net.record_all(&guardians);
    assert_eq!(
        skip_reason(guardians[1].verdict(bad_id).unwrap()),
        SkipReason::ShareMismatch
    );
    assert_eq!(
        skip_reason(guardians[2].verdict(undecryptable_id).unwrap()),
        SkipReason::ShareUndecryptable
    );
    for i in [0, 2, 3, 4] {
        assert_eq!(
            guardians[i].verdict(bad_id).unwrap(),
            Some(Verdict::Approve)
        );
    }

    let peers = peers(&guardians);
    let facts = net.facts();
    peers.set_facts(facts.clone());
    // Without the complaint the others refuse; with it they sign the skip.
    let plain = SignRequest::Skip {
        validator_id: bad_id,
        deadline: facts.now + 600,
        complaint: None,
    };
    assert!(matches!(
        block_on(gather_signatures(&guardians[1], &peers, &plain, &facts)),
        Err(GuardianError::NoQuorum { got: 1, .. })
    ));
    let request = SignRequest::Skip {
        validator_id: bad_id,
        deadline: facts.now + 600,
        complaint: guardians[1].share_complaint(bad_id, &facts).unwrap(),
    };
    let (blob, _) = block_on(gather_signatures(&guardians[1], &peers, &request, &facts)).unwrap();
    let relayer = net.relayer().clone();
    net.view
        .guardian_chain
        .skip_provisioning(&mut net.chain, &relayer, bad_id, facts.now + 600, blob)
        .unwrap();
    assert_eq!(net.status(bad_id), 3, "SKIPPED");
    // Having signed the skip, a guardian never approves provisioning it.
    let facts = net.facts();
    let provision = SignRequest::Provision {
        validator_ids: vec![bad_id],
        deposit_root: facts.deposit_root,
        deadline: facts.now + 600,
    };
    assert!(guardians[0].respond(&provision, &facts).is_err());
    // A complaint signed by a non-guardian key is refused.
    let stranger = puffer_guardian::MemoryEnclave::generate();
    let forged = puffer_guardian::Enclave::sign_digest(
        &stranger,
        puffer_guardian::digest::share_complaint(facts.chain_id, facts.protocol, undecryptable_id),
    )
    .unwrap();
    let forged_request = SignRequest::Skip {
        validator_id: undecryptable_id,
        deadline: facts.now + 600,
        complaint: Some(forged.to_vec().into()),
    };
    let err = guardians[0].respond(&forged_request, &facts).unwrap_err();
    assert!(err.to_string().contains("not another guardian"), "{err}");
}

#[test]
fn wrong_deposit_signature_is_skipped_by_every_guardian() {
    let mut net = Net::new();
    let mut bad = net.bundle(20);
    bad.deposit_signature = net.bundle(21).deposit_signature;
    let id = net.register(&bad);
    let guardians = net.guardians();
    net.record_all(&guardians);
    for g in &guardians {
        assert_eq!(
            skip_reason(g.verdict(id).unwrap()),
            SkipReason::BadDepositSignature
        );
    }
    let peers = peers(&guardians);
    let facts = net.facts();
    peers.set_facts(facts.clone());
    // Nobody approves provisioning it.
    let provision = SignRequest::Provision {
        validator_ids: vec![id],
        deposit_root: facts.deposit_root,
        deadline: facts.now + 600,
    };
    assert!(block_on(gather_signatures(&guardians[0], &peers, &provision, &facts)).is_err());
    let skip = SignRequest::Skip {
        validator_id: id,
        deadline: facts.now + 600,
        complaint: None,
    };
    let (blob, _) = block_on(gather_signatures(&guardians[0], &peers, &skip, &facts)).unwrap();
    let relayer = net.relayer().clone();
    net.view
        .guardian_chain
        .skip_provisioning(&mut net.chain, &relayer, id, facts.now + 600, blob)
        .unwrap();
    assert_eq!(net.status(id), 3, "SKIPPED");
}

/// Peers where one guardian answers with a bad partial (its share signing another message).
struct Corrupting {
    inner: InProcessPeers,
    liar: Address,
    network: Network,
}

impl Peers for Corrupting {
    fn ask(
        &self,
        from: Address,
        request: &SignRequest,
    ) -> impl std::future::Future<Output = Vec<PeerAnswer>> + Send {
        let answers = self
            .inner
            .ask_now(from, request)
            .into_iter()
            .map(|mut a| {
                if a.peer == self.liar
                    && let Ok(SignResponse::Partial { partial }) = &a.result
                {
                    let index = partial.parse().unwrap().index;
                    let secret = SecretKey::from_bytes(&[0x22; 32], "s").unwrap();
                    let share = keyshare::split(&secret, 3, 5)
                        .unwrap()
                        .remove(index as usize);
                    let wrong = share.sign(&[0u8; 32]);
                    a.result = Ok(SignResponse::Partial {
                        partial: wrong.to_json(),
                    });
                }
                a
            })
            .collect::<Vec<_>>();
        let _ = &self.network;
        async move { answers }
    }
}

#[test]
fn bad_partial_signature_is_detected_and_excluded() {
    let mut net = Net::new();
    let b = net.bundle(30);
    let id = net.register(&b);
    let guardians = net.guardians();
    net.record_all(&guardians);
    let inner = peers(&guardians);
    let facts = net.facts();
    inner.set_facts(facts.clone());
    for g in &guardians {
        g.record_ejection(&EjectionCandidate {
            validator_id: id,
            validator_index: 5,
            epoch: 1,
            reason: ExitReason::BalanceBelowEjection,
            submitted: false,
        })
        .unwrap();
    }
    let liar = addresses(&guardians)[1];
    let peers = Corrupting {
        inner,
        liar,
        network: net.network.clone(),
    };
    let request = SignRequest::Exit {
        validator_id: id,
        validator_index: 5,
        epoch: 1,
    };
    let (exit, round) = block_on(gather_exit(&guardians[0], &peers, &request, &facts)).unwrap();
    assert_eq!(round.bad, vec![liar]);
    let pubkey = puffer_keys::bls::PublicKey::from_hex(&b.pubkey, "pubkey").unwrap();
    exit.verify(&pubkey, &net.network).unwrap();
}

#[test]
fn conflicting_signature_refused_after_restart_from_the_same_database() {
    let mut net = Net::new();
    let b = net.bundle(40);
    let id = net.register(&b);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("guardian0.redb");
    let facts = net.facts();
    let first = SignRequest::Provision {
        validator_ids: vec![id],
        deposit_root: facts.deposit_root,
        deadline: facts.now + 600,
    };
    let signed = {
        let store: Arc<dyn Store> = Arc::new(RedbStore::open(&db).unwrap());
        let mut stores: Vec<Arc<dyn Store>> = vec![store];
        stores.extend(
            (1..5).map(|_| Arc::new(puffer_guardian::MemoryStore::new()) as Arc<dyn Store>),
        );
        let guardians = net.guardians_with(stores);
        net.record_all(&guardians);
        guardians[0].respond(&first, &facts).unwrap()
        // dropped here: the "crash"
    };
    let store: Arc<dyn Store> = Arc::new(RedbStore::open(&db).unwrap());
    let mut stores: Vec<Arc<dyn Store>> = vec![store];
    stores.extend((1..5).map(|_| Arc::new(puffer_guardian::MemoryStore::new()) as Arc<dyn Store>));
    let guardians = net.guardians_with(stores);
    // The verdict survived: no re-check needed.
    assert_eq!(guardians[0].verdict(id).unwrap(), Some(Verdict::Approve));
    // The identical request gets the same signature back.
    assert_eq!(guardians[0].respond(&first, &facts).unwrap(), signed);
    // Another deadline while the first is valid: refused.
    let second = SignRequest::Provision {
        validator_ids: vec![id],
        deposit_root: facts.deposit_root,
        deadline: facts.now + 900,
    };
    let err = guardians[0].respond(&second, &facts).unwrap_err();
    assert!(
        matches!(err, GuardianError::ConflictingSignature { .. }),
        "{err}"
    );
    // Once the first expired it can never be used, so a fresh approval is allowed.
    let mut later = facts.clone();
    later.now = facts.now + 601;
    let third = SignRequest::Provision {
        validator_ids: vec![id],
        deposit_root: facts.deposit_root,
        deadline: later.now + 600,
    };
    guardians[0].respond(&third, &later).unwrap();
}

#[test]
fn a_different_report_for_a_signed_spurt_is_refused_forever() {
    let mut net = Net::new();
    let guardians = net.guardians();
    let mut facts = net.facts();
    facts.reporter = Some(Address::repeat_byte(0x55));
    let inputs = |eth_validators: u64| SpurtInputs {
        spurt: 0,
        ethereum_validators: eth_validators,
        strategies: vec![StrategyInput {
            address: Address::repeat_byte(1),
            restaking: false,
            commission_bps: 0,
            avs_revenue_wei: U256::ZERO,
        }],
        validators: vec![],
    };
    let a = build_report(&inputs(1_000), facts.now + 600);
    guardians[0].record_report(&a).unwrap();
    let req = |r: &puffer_guardian::report::SpurtReport| SignRequest::Report {
        report: puffer_chain::alloy::sol_types::SolValue::abi_encode(r).into(),
    };
    guardians[0].respond(&req(&a.report), &facts).unwrap();
    // A report this guardian did not compute is refused outright.
    let b = build_report(&inputs(2_000), facts.now + 600);
    let err = guardians[0].respond(&req(&b.report), &facts).unwrap_err();
    assert!(
        err.to_string().contains("differs from this guardian's"),
        "{err}"
    );
    // Even if its own view later changes, and after the first signature expired.
    guardians[0].record_report(&b).unwrap();
    let mut later = facts.clone();
    later.now += 10_000;
    let b2 = build_report(&inputs(2_000), later.now + 600);
    let err = guardians[0].respond(&req(&b2.report), &later).unwrap_err();
    assert!(
        matches!(err, GuardianError::ConflictingSignature { .. }),
        "{err}"
    );
    // The same content with a new deadline after expiry is fine (the emergency re-sign path).
    guardians[0].record_report(&a).unwrap();
    let a2 = build_report(&inputs(1_000), later.now + 600);
    guardians[0].respond(&req(&a2.report), &later).unwrap();
}

#[test]
fn provisioning_requests_outside_the_rules_are_refused() {
    let mut net = Net::new();
    let first = net.bundle(50);
    let second = net.bundle(51);
    let id0 = net.register(&first);
    let id1 = net.register(&second);
    let guardians = net.guardians();
    net.record_all(&guardians);
    let facts = net.facts();
    let g = &guardians[0];
    let refuse = |r: SignRequest, needle: &str| {
        let err = g.respond(&r, &facts).unwrap_err();
        assert!(err.to_string().contains(needle), "{err} lacks {needle}");
    };
    refuse(
        SignRequest::Provision {
            validator_ids: vec![id1],
            deposit_root: facts.deposit_root,
            deadline: facts.now + 60,
        },
        "not the schedule's next",
    );
    refuse(
        SignRequest::Provision {
            validator_ids: vec![id0],
            deposit_root: B256::repeat_byte(1),
            deadline: facts.now + 60,
        },
        "is not the current",
    );
    refuse(
        SignRequest::Provision {
            validator_ids: vec![id0],
            deposit_root: facts.deposit_root,
            deadline: facts.now + 100_000,
        },
        "deadline",
    );
    refuse(
        SignRequest::Skip {
            validator_id: id0,
            deadline: facts.now + 60,
            complaint: None,
        },
        "not skip",
    );
    refuse(
        SignRequest::Exit {
            validator_id: id0,
            validator_index: 1,
            epoch: 0,
        },
        "not to be ejected",
    );
    refuse(
        SignRequest::Report {
            report: vec![1, 2, 3].into(),
        },
        "SpurtReporter",
    );
}
