//! The operator side on the embedded backend and on anvil: same state, same events.
//!
//! Deploy the full protocol with three guardians (threshold 2), register their enclave keys through the dev
//! attestation verifier, deposit, create a restaking strategy through the timelock, register two validators
//! (real puffer-keys bundles) in two strategies, sign with the guardians' enclave keys and provision in the
//! schedule's order.

use puffer_chain::{
    Chain, DeployConfig, Deployer, Deployment, EmbeddedChain, Governance, GuardianChain, LogFilter,
    NodeOperator, OperatorConfig, Staker,
    alloy::{
        primitives::{Address, B256, Bytes, U256},
        signers::local::PrivateKeySigner,
        sol_types::SolEvent,
    },
    bindings::{
        DepositContract, IPufferProtocolTypes, ISpurtReporterTypes, PufferPool, PufferProtocol,
        PufferStrategy,
    },
    contract::{call_decode, transact},
    deploy::{NO_RESTAKING, names},
    dev_signer, dev_signers,
    operator::{sign_digest_sorted, strategy_name},
    report::{ExitReason, MerkleTree, SpurtReports, activation_leaf, claim_leaf, exit_leaf},
};
use puffer_keys::{
    bls::SecretKey,
    bundle::RegistrationBundle,
    ecies::{EnclavePublicKey, EnclaveSecretKey},
    network::Network,
};

use crate::{
    anvil::{Anvil, AnvilChain},
    scenario::{deployment_events, eth},
};

/// Everything compared between the backends.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    contracts: Vec<(String, Address)>,
    ids: Vec<U256>,
    provisioned: Vec<U256>,
    statuses: Vec<u8>,
    deposit_balance: U256,
    deposit_root: B256,
    credentials: Vec<Bytes>,
    spurt: SpurtOutcome,
    events: Vec<(Address, Vec<B256>, Bytes)>,
}

/// What the growth-spurt part of the flow leaves behind.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SpurtOutcome {
    /// Statuses after the report was processed (ACTIVE = 5, EXITED = 6).
    statuses: Vec<u8>,
    rate_before: U256,
    rate_after_report: U256,
    rate_after_exits: U256,
    claimed: bool,
    noop_pufeth: U256,
    redeemed_to: U256,
    next_spurt: u64,
}

/// A fresh address that only ever receives the redemption.
const REDEEM_RECEIVER: Address =
    puffer_chain::alloy::primitives::address!("0x00000000000000000000000000000000000fee01");

thread_local! {
    /// Bundles by validator index: ECIES encryption is randomised, so both backends must register the same ones.
    static BUNDLES: std::cell::RefCell<Vec<RegistrationBundle>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Validator `i`'s bundle (BLS secret `i + 1`), split among `enclaves` with threshold 2; created once per thread.
fn bundle(i: usize, credentials: [u8; 32], enclaves: &[EnclavePublicKey]) -> RegistrationBundle {
    BUNDLES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() <= i {
            let mut secret = [0u8; 32];
            secret[31] = u8::try_from(i + 1).unwrap();
            let secret = SecretKey::from_bytes(&secret, "secret").unwrap();
            let created =
                RegistrationBundle::create(&secret, credentials, &Network::mainnet(), enclaves, 2)
                    .unwrap();
            cache.push(created);
        }
        cache[i].clone()
    })
}

pub(crate) fn run(chain: &mut dyn Chain) -> (Deployment, Outcome) {
    let keys = dev_signers(8);
    let (deployer, dao, noop, staker, attester) =
        (&keys[0], &keys[1], &keys[2], &keys[3], &keys[7]);
    let guardians = &keys[4..7];
    let enclaves: Vec<_> = (20..23).map(dev_signer).collect();
    for key in &keys {
        chain.set_balance(key.address(), eth(1_000)).unwrap();
    }
    let operator = OperatorConfig::dev(
        attester.address(),
        guardians.iter().map(|g| g.address()).collect(),
    );
    let deployment = Deployer::full(DeployConfig::dev(dao.address()), operator)
        .deploy(chain, deployer)
        .unwrap();
    let protocol = deployment.protocol().unwrap();
    let _gm = deployment.guardian_module().unwrap();
    let _verifier = deployment.address(names::ATTESTATION_VERIFIER).unwrap();

    // Enclave keys, vouched for by the dev attestation signer (SGX/TDX not verified on dev chains).
    for (guardian, enclave) in guardians.iter().zip(&enclaves) {
        puffer_chain::operator::register_dev_enclave_key(
            chain,
            &deployment,
            attester,
            guardian,
            enclave.address(),
        )
        .unwrap();
    }

    Staker::new(staker.clone(), &deployment)
        .unwrap()
        .deposit(chain, eth(100))
        .unwrap();

    let restaked = strategy_name("RESTAKED").unwrap();
    let mut governance = Governance::new(dao.clone(), &deployment).unwrap();
    governance
        .enact(
            chain,
            protocol,
            &PufferProtocol::createStrategyCall {
                name: restaked,
                config: IPufferProtocolTypes::StrategyConfig {
                    avsSet: vec![],
                    allowedNoOps: vec![noop.address()],
                    commissionBps: 1_000,
                },
            },
        )
        .unwrap();
    governance
        .enact(
            chain,
            protocol,
            &PufferProtocol::setStrategyWeightsCall {
                names: vec![NO_RESTAKING, restaked],
                weights: vec![U256::from(1u64), U256::from(1u64)],
            },
        )
        .unwrap();

    // Two validators, one per strategy, with real bundles split among the three enclave keys (threshold 2).
    let enclave_pubkeys: Vec<_> = enclaves
        .iter()
        .map(|k| {
            EnclaveSecretKey::from_bytes(k.to_bytes().as_slice())
                .unwrap()
                .public_key()
        })
        .collect();
    let noop_client = NodeOperator::new(noop.clone(), &deployment).unwrap();
    let mut ids = Vec::new();
    let mut credentials = Vec::new();
    for (i, strategy) in [NO_RESTAKING, restaked].into_iter().enumerate() {
        let view = call_decode(
            chain,
            protocol,
            &PufferProtocol::strategyCall { name: strategy },
        )
        .unwrap();
        credentials.push(Bytes::from(view.withdrawalCredentials.to_vec()));
        let bundle = bundle(i, view.withdrawalCredentials.0, &enclave_pubkeys);
        ids.push(noop_client.register(chain, &bundle, strategy, 12).unwrap());
    }

    // The guardians read the registrations and provision in the schedule's order.
    let guardian_chain = GuardianChain::new(&deployment).unwrap();
    let registrations = guardian_chain
        .registrations(chain, deployment.deploy_block, None)
        .unwrap();
    assert_eq!(registrations.len(), 2);
    let (set, threshold) = guardian_chain.guardian_set(chain).unwrap();
    assert_eq!((set.len(), threshold), (3, 2));
    let next = guardian_chain.next_validators(chain, 2).unwrap();
    assert_eq!(next.len(), 2);
    let relayer = &keys[5];
    let mut provisioned = Vec::new();
    for id in next {
        let reg = registrations.iter().find(|r| r.validator_id == id).unwrap();
        let root = guardian_chain.deposit_root(chain).unwrap();
        let deadline = chain.timestamp().unwrap() + 3_600;
        let digest = guardian_chain
            .provision_digest(chain, id, &reg.data.pubkey, root, deadline)
            .unwrap();
        let sigs = sign_digest_sorted(&enclaves[..2], digest).unwrap();
        provisioned.push(
            guardian_chain
                .provision_node(
                    chain,
                    relayer,
                    &reg.data.pubkey,
                    &reg.data.signature,
                    root,
                    deadline,
                    sigs,
                )
                .unwrap(),
        );
    }
    let statuses = ids
        .iter()
        .map(|id| noop_client.validator(chain, *id).unwrap().status)
        .collect::<Vec<u8>>();
    let spurt = report_claim_and_redeem(
        chain,
        &deployment,
        &enclaves,
        relayer,
        &noop_client,
        staker,
        dao,
        &ids,
    );

    let deposit = deployment.deposit_contract().unwrap();
    let deposit_balance = chain.balance(deposit).unwrap();
    let deposit_root = guardian_chain.deposit_root(chain).unwrap();
    let mut deposited_credentials: Vec<Bytes> = chain
        .logs(&LogFilter::address(deposit, deployment.deploy_block))
        .unwrap()
        .iter()
        .filter_map(|log| DepositContract::DepositEvent::decode_log(&log.inner).ok())
        .map(|e| e.data.withdrawal_credentials)
        .collect();
    deposited_credentials.sort();
    let mut expected_credentials = credentials.clone();
    expected_credentials.sort();
    assert_eq!(deposited_credentials, expected_credentials);

    let events = deployment_events(chain, &deployment);
    let outcome = Outcome {
        contracts: deployment.contracts.clone().into_iter().collect(),
        ids,
        provisioned,
        statuses,
        deposit_balance,
        deposit_root,
        credentials,
        spurt,
        events,
    };
    (deployment, outcome)
}

fn pod_of(chain: &mut dyn Chain, strategy: Address) -> Address {
    call_decode(chain, strategy, &PufferStrategy::eigenPodCall {}).unwrap()
}

fn credit(chain: &mut dyn Chain, to: Address, wei: U256) {
    let before = chain.balance(to).unwrap();
    chain.set_balance(to, before + wei).unwrap();
}

/// Spurt 0 ends; validator `ids[0]` (NO_RESTAKING) earned 0.05 ETH of consensus rewards (skimmed to its pod) and
/// became active; validator `ids[1]` (RESTAKED) was ejected with 31.5 ETH returned. The guardians report it, anyone
/// processes the activation and the exit, the NoOp claims its rewards with the tree's proof, and a staker redeems.
#[allow(clippy::too_many_arguments)]
fn report_claim_and_redeem(
    chain: &mut dyn Chain,
    deployment: &Deployment,
    enclaves: &[PrivateKeySigner],
    relayer: &PrivateKeySigner,
    noop: &NodeOperator,
    staker: &PrivateKeySigner,
    dao: &PrivateKeySigner,
    ids: &[U256],
) -> SpurtOutcome {
    let reports = SpurtReports::new(deployment).unwrap();
    let clock = reports.clock(chain).unwrap();
    assert_eq!((clock.current, clock.next_report), (0, 0));
    assert!(!clock.report_due());
    let now = chain.timestamp().unwrap();
    chain.advance_time(clock.current_end - now + 1).unwrap();
    chain.mine().unwrap();
    assert!(reports.clock(chain).unwrap().report_due());

    let strategies = reports.strategies(chain).unwrap();
    assert_eq!(strategies.len(), 2);
    let rewards = eth(1) / U256::from(20u64);
    let returned = eth(63) / U256::from(2u64);
    let pod0 = pod_of(chain, strategies[0].1);
    let pod1 = pod_of(chain, strategies[1].1);
    credit(chain, pod0, rewards);
    credit(chain, pod1, returned);

    let claims = MerkleTree::new(vec![
        claim_leaf(strategies[0].1, 0, noop.address(), rewards),
        // A second NoOp's claim, so the proof is not empty.
        claim_leaf(strategies[0].1, 0, REDEEM_RECEIVER, U256::ZERO),
    ]);
    let exit = ISpurtReporterTypes::Exit {
        validatorId: ids[1],
        returnedWei: returned,
        reason: ExitReason::BalanceBelowEjection.as_u8(),
    };
    let exits = MerkleTree::new(vec![exit_leaf(
        0,
        ids[1],
        returned,
        ExitReason::BalanceBelowEjection,
    )]);
    let activations = MerkleTree::new(vec![activation_leaf(0, ids[0]), activation_leaf(0, ids[1])]);
    let report = ISpurtReporterTypes::SpurtReport {
        spurt: U256::ZERO,
        deadline: U256::from(chain.timestamp().unwrap() + 3_600),
        beaconBalanceGwei: U256::from(32_000_000_000u64),
        activeValidators: U256::from(1u64),
        ethereumValidators: U256::from(1_000_000u64),
        activationsRoot: activations.root(),
        activations: U256::from(2u64),
        exitsRoot: exits.root(),
        exitCount: U256::from(1u64),
        exitsShortfallWei: eth(32) - returned,
        strategies: vec![
            ISpurtReporterTypes::StrategyReport {
                claimsRoot: claims.root(),
                claimsWei: rewards,
                avsRevenueWei: U256::ZERO,
                exitsWei: U256::ZERO,
            },
            ISpurtReporterTypes::StrategyReport {
                claimsRoot: B256::ZERO,
                claimsWei: U256::ZERO,
                avsRevenueWei: U256::ZERO,
                exitsWei: returned,
            },
        ],
    };
    let rate_before = Staker::new(staker.clone(), deployment)
        .unwrap()
        .rate(chain)
        .unwrap();
    let digest = reports.digest(chain, &report).unwrap();
    // One enclave short of the quorum: refused with the decoded reason.
    let short = sign_digest_sorted(&enclaves[..1], digest).unwrap();
    let err = reports.post(chain, relayer, &report, short).unwrap_err();
    assert!(err.to_string().contains("GuardianBelowThreshold"), "{err}");
    let sigs = sign_digest_sorted(&enclaves[1..], digest).unwrap();
    reports.post(chain, relayer, &report, sigs.clone()).unwrap();
    // The same signed report again: the spurt is already reported.
    let err = reports.post(chain, relayer, &report, sigs).unwrap_err();
    assert!(err.to_string().contains("ReportUnexpectedSpurt"), "{err}");
    let rate_after_report = Staker::new(staker.clone(), deployment)
        .unwrap()
        .rate(chain)
        .unwrap();

    let proof = activations.proof(activation_leaf(0, ids[0])).unwrap();
    reports
        .process_activations(chain, relayer, 0, vec![ids[0]], vec![proof])
        .unwrap();
    let proof = exits
        .proof(exit_leaf(
            0,
            ids[1],
            returned,
            ExitReason::BalanceBelowEjection,
        ))
        .unwrap();
    reports
        .process_exits(chain, relayer, 0, vec![exit], vec![proof])
        .unwrap();
    let staker_client = Staker::new(staker.clone(), deployment).unwrap();
    let rate_after_exits = staker_client.rate(chain).unwrap();

    // The NoOp claims with the published proof; a second claim of the same leaf is refused.
    let proof = claims
        .proof(claim_leaf(strategies[0].1, 0, noop.address(), rewards))
        .unwrap();
    noop.claim(chain, strategies[0].1, 0, rewards, proof.clone())
        .unwrap();
    let err = noop
        .claim(chain, strategies[0].1, 0, rewards, proof)
        .unwrap_err();
    assert!(err.to_string().contains("StrategyAlreadyClaimed"), "{err}");
    let claimed = call_decode(
        chain,
        strategies[0].1,
        &PufferStrategy::isClaimedCall {
            spurt: U256::ZERO,
            node: noop.address(),
            amountWei: rewards,
        },
    )
    .unwrap();

    // Liquidity for exits, through the timelock, then a redemption to a fresh address.
    Governance::new(dao.clone(), deployment)
        .unwrap()
        .move_liquidity(chain, true, eth(10))
        .unwrap();
    let redeemed_to = staker_client
        .redeem(chain, eth(5), REDEEM_RECEIVER, U256::ZERO)
        .unwrap();
    assert_eq!(chain.balance(REDEEM_RECEIVER).unwrap(), redeemed_to);

    SpurtOutcome {
        statuses: ids
            .iter()
            .map(|id| noop.validator(chain, *id).unwrap().status)
            .collect(),
        rate_before,
        rate_after_report,
        rate_after_exits,
        claimed,
        noop_pufeth: call_decode(
            chain,
            deployment.pool().unwrap(),
            &PufferPool::balanceOfCall {
                account: noop.address(),
            },
        )
        .unwrap(),
        redeemed_to,
        next_spurt: reports.clock(chain).unwrap().next_report,
    }
}

#[test]
fn embedded_operator_flow_provisions_both_validators() {
    let mut chain = EmbeddedChain::new();
    let (_, outcome) = run(&mut chain);
    assert_eq!(outcome.deposit_balance, eth(64));
    // PROVISIONED = 4.
    assert_eq!(outcome.statuses, vec![4, 4]);
    // After the report: ACTIVE = 5, EXITED = 6; the report moved the rate down by the pending 0.5 ETH shortfall
    // (less than the 1% bound), burning the bond at processing moved it back up.
    let spurt = &outcome.spurt;
    assert_eq!(spurt.statuses, vec![5, 6]);
    assert!(spurt.rate_after_report < spurt.rate_before, "{spurt:?}");
    assert!(
        spurt.rate_after_exits > spurt.rate_after_report,
        "{spurt:?}"
    );
    assert!(spurt.claimed);
    assert_eq!(spurt.next_spurt, 1);
    assert!(spurt.redeemed_to > eth(4), "{spurt:?}");
    let mut provisioned = outcome.provisioned.clone();
    provisioned.sort();
    let mut ids = outcome.ids.clone();
    ids.sort();
    assert_eq!(provisioned, ids);
}

#[test]
fn operator_flow_is_identical_on_embedded_and_anvil() {
    let mut embedded = EmbeddedChain::new();
    let (_, a) = run(&mut embedded);
    let anvil = Anvil::start();
    let mut rpc = anvil.chain();
    let (_, b) = run(&mut rpc);
    assert_eq!(a.contracts, b.contracts);
    assert_eq!(a.events.len(), b.events.len());
    for (i, (x, y)) in a.events.iter().zip(&b.events).enumerate() {
        assert_eq!(x, y, "event {i}");
    }
    assert_eq!(a, b);
}

/// Batch provisioning under one `ProvisionNodes` approval (the digest is computed client-side: this checks it
/// matches the contract's), and a skip under a `SkipProvisioning` approval.
#[test]
fn batch_provisioning_and_skip() {
    let keys = dev_signers(8);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(1_000));
    let chain = &mut chain;
    let guardians = &keys[4..7];
    let enclaves: Vec<_> = (20..23).map(dev_signer).collect();
    let operator = OperatorConfig::dev(
        keys[7].address(),
        guardians.iter().map(|g| g.address()).collect(),
    );
    let deployment = Deployer::full(DeployConfig::dev(keys[1].address()), operator)
        .deploy(chain, &keys[0])
        .unwrap();
    let _gm = deployment.guardian_module().unwrap();
    let _verifier = deployment.address(names::ATTESTATION_VERIFIER).unwrap();
    for (guardian, enclave) in guardians.iter().zip(&enclaves) {
        puffer_chain::operator::register_dev_enclave_key(
            chain,
            &deployment,
            &keys[7],
            guardian,
            enclave.address(),
        )
        .unwrap();
    }
    Staker::new(keys[3].clone(), &deployment)
        .unwrap()
        .deposit(chain, eth(100))
        .unwrap();
    let protocol = deployment.protocol().unwrap();
    let noop = NodeOperator::new(keys[2].clone(), &deployment).unwrap();
    let cost = noop.registration_cost(chain, 12).unwrap();
    for tag in 1..=3u8 {
        let data = IPufferProtocolTypes::ValidatorData {
            pubkey: vec![tag; 48].into(),
            signature: vec![tag; 96].into(),
            depositDataRoot: B256::ZERO,
            pubkeyShares: vec![tag; 3 * 48].into(),
            encryptedShares: vec![tag; 3 * 129].into(),
            enclaveEvidence: Bytes::new(),
        };
        transact(
            chain,
            &keys[2],
            protocol,
            &PufferProtocol::registerValidatorKeyCall {
                strategy_: NO_RESTAKING,
                data,
                months: U256::from(12u64),
            },
            cost,
        )
        .unwrap();
    }
    let g = GuardianChain::new(&deployment).unwrap();
    let deadline = chain.timestamp().unwrap() + 3_600;

    // Skip the first registration; the batch then takes the other two.
    let digest = g.skip_digest(chain, U256::ZERO, deadline).unwrap();
    let sigs = sign_digest_sorted(&enclaves, digest).unwrap();
    g.skip_provisioning(chain, &keys[5], U256::ZERO, deadline, sigs)
        .unwrap();
    assert_eq!(
        noop.validator(chain, U256::ZERO).unwrap().status,
        3,
        "SKIPPED"
    );

    let next = g.next_validators(chain, 2).unwrap();
    assert_eq!(next, vec![U256::from(1u64), U256::from(2u64)]);
    let pubkeys: Vec<Vec<u8>> = vec![vec![2u8; 48], vec![3u8; 48]];
    let refs: Vec<&[u8]> = pubkeys.iter().map(Vec::as_slice).collect();
    let root = g.deposit_root(chain).unwrap();
    let digest = g.batch_digest(chain, &next, &refs, root, deadline).unwrap();
    let sigs = sign_digest_sorted(&enclaves[1..], digest).unwrap();
    let batch = pubkeys
        .iter()
        .map(|pk| IPufferProtocolTypes::ValidatorKey {
            pubkey: pk.clone().into(),
            signature: vec![pk[0]; 96].into(),
        })
        .collect();
    let ids = g
        .provision_nodes(chain, &keys[5], batch, root, deadline, sigs)
        .unwrap();
    assert_eq!(ids, next);
    assert_eq!(
        chain
            .balance(deployment.deposit_contract().unwrap())
            .unwrap(),
        eth(64)
    );
}
