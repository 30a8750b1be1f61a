//! Transactions per second through the embedded backend and through anvil over HTTP, side by side.
//!
//! Run: `cargo run --release -p puffer-chain --example throughput [embedded_txs] [anvil_txs]`
//! (needs `scripts/setup` for anvil). Prints a Markdown table for `docs/chain-bench.md`.

use std::time::Instant;

use puffer_chain::{
    Chain, DeployConfig, Deployer, EmbeddedChain, Governance, GuardianChain, NodeOperator,
    OperatorConfig, RpcChain, Staker,
    alloy::primitives::{Address, B256, Bytes, U256},
    bindings::{IPufferProtocolTypes, PufferProtocol},
    contract::transact,
    deploy::{NO_RESTAKING, names},
    dev_signer, dev_signers,
    operator::sign_digest_sorted,
};

fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

/// Deposits and redemptions per second on `chain`: `n` deposits of 1 ETH spread over 8 stakers, then `n`
/// redemptions of 0.5 pufETH.
fn measure(chain: &mut dyn Chain, n: u32) -> (f64, f64) {
    let keys = dev_signers(10);
    for key in &keys {
        chain
            .set_balance(key.address(), eth(1_000_000))
            .expect("fund");
    }
    let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .deploy(chain, &keys[0])
        .expect("deploy");
    let stakers: Vec<Staker> = keys[2..]
        .iter()
        .map(|k| Staker::new(k.clone(), &deployment).expect("staker"))
        .collect();
    let started = Instant::now();
    for i in 0..n {
        stakers[i as usize % stakers.len()]
            .deposit(chain, eth(1))
            .expect("deposit");
    }
    let deposits = f64::from(n) / started.elapsed().as_secs_f64();
    Governance::new(keys[1].clone(), &deployment)
        .expect("governance")
        .move_liquidity(chain, true, eth(u64::from(n) / 2 + 1))
        .expect("liquidity");
    let receiver = Address::repeat_byte(0x42);
    let started = Instant::now();
    for i in 0..n {
        stakers[i as usize % stakers.len()]
            .redeem(chain, eth(1) / U256::from(2u64), receiver, U256::ZERO)
            .expect("redeem");
    }
    let redeems = f64::from(n) / started.elapsed().as_secs_f64();
    (deposits, redeems)
}

/// Registrations and provisionings per second on `chain`: 3 guardians (threshold 2, enclave keys attested by the
/// dev verifier), `n` registrations in NO_RESTAKING, then `n` single `provisionNode`s, each with the digest read
/// from the contract and two enclave signatures (the dev DepositContract does not check BLS signatures, so the keys
/// are synthetic).
fn measure_operator(chain: &mut dyn Chain, n: u32) -> (f64, f64) {
    let keys = dev_signers(8);
    for key in &keys {
        chain
            .set_balance(key.address(), eth(10_000_000))
            .expect("fund");
    }
    let (guardians, attester, noop) = (&keys[4..7], &keys[7], &keys[2]);
    let enclaves: Vec<_> = (20..23).map(dev_signer).collect();
    let operator = OperatorConfig::dev(
        attester.address(),
        guardians.iter().map(|g| g.address()).collect(),
    );
    let deployment = Deployer::full(DeployConfig::dev(keys[1].address()), operator)
        .deploy(chain, &keys[0])
        .expect("deploy");
    let _gm = deployment.guardian_module().expect("guardian module");
    let _verifier = deployment
        .address(names::ATTESTATION_VERIFIER)
        .expect("verifier");
    for (guardian, enclave) in guardians.iter().zip(&enclaves) {
        puffer_chain::operator::register_dev_enclave_key(
            chain,
            &deployment,
            attester,
            guardian,
            enclave.address(),
        )
        .expect("enclave key");
    }
    Staker::new(keys[3].clone(), &deployment)
        .expect("staker")
        .deposit(chain, eth(32) * U256::from(n) + eth(1))
        .expect("deposit");
    let protocol = deployment.protocol().expect("protocol");
    let cost = NodeOperator::new(noop.clone(), &deployment)
        .expect("noop")
        .registration_cost(chain, 12)
        .expect("registration cost");
    let pubkey = |i: u32| {
        let mut pk = vec![0xab; 48];
        pk[..4].copy_from_slice(&i.to_be_bytes());
        pk
    };
    let started = Instant::now();
    for i in 0..n {
        let data = IPufferProtocolTypes::ValidatorData {
            pubkey: pubkey(i).into(),
            signature: vec![7; 96].into(),
            depositDataRoot: B256::ZERO,
            pubkeyShares: vec![1; 3 * 48].into(),
            encryptedShares: vec![2; 3 * 129].into(),
            enclaveEvidence: Bytes::new(),
        };
        let call = PufferProtocol::registerValidatorKeyCall {
            strategy_: NO_RESTAKING,
            data,
            months: U256::from(12u64),
        };
        transact(chain, noop, protocol, &call, cost).expect("register");
    }
    let registrations = f64::from(n) / started.elapsed().as_secs_f64();
    let guardian_chain = GuardianChain::new(&deployment).expect("guardian client");
    let relayer = &keys[5];
    let started = Instant::now();
    for i in 0..n {
        let root = guardian_chain.deposit_root(chain).expect("root");
        let deadline = chain.timestamp().expect("time") + 3_600;
        let id = U256::from(i);
        let digest = guardian_chain
            .provision_digest(chain, id, &pubkey(i), root, deadline)
            .expect("digest");
        let sigs = sign_digest_sorted(&enclaves[..2], digest).expect("signatures");
        guardian_chain
            .provision_node(chain, relayer, &pubkey(i), &[7; 96], root, deadline, sigs)
            .expect("provision");
    }
    let provisions = f64::from(n) / started.elapsed().as_secs_f64();
    (registrations, provisions)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let embedded_n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let anvil_n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);

    let mut embedded = EmbeddedChain::new();
    let (e_dep, e_red) = measure(&mut embedded, embedded_n);
    let mut embedded = EmbeddedChain::new();
    let (e_reg, e_prov) = measure_operator(&mut embedded, embedded_n / 4);

    let anvil = puffer_testkit::Anvil::start();
    let mut rpc = RpcChain::connect(&anvil.url).expect("anvil answers");
    let (a_dep, a_red) = measure(&mut rpc, anvil_n);
    let (a_reg, a_prov) = measure_operator(&mut rpc, anvil_n / 4);
    drop(anvil);

    println!("| operation | embedded (revm) tx/s | anvil over HTTP tx/s | ratio |");
    println!("|---|---:|---:|---:|");
    println!(
        "| depositETH | {e_dep:.0} ({embedded_n} txs) | {a_dep:.0} ({anvil_n} txs) | {:.0}x |",
        e_dep / a_dep
    );
    println!(
        "| redeem | {e_red:.0} ({embedded_n} txs) | {a_red:.0} ({anvil_n} txs) | {:.0}x |",
        e_red / a_red
    );
    let (eo, ao) = (embedded_n / 4, anvil_n / 4);
    println!(
        "| registerValidatorKey | {e_reg:.0} ({eo} txs) | {a_reg:.0} ({ao} txs) | {:.0}x |",
        e_reg / a_reg
    );
    println!(
        "| provisionNode (digest view + 2 signatures + tx) | {e_prov:.0} ({eo} txs) | {a_prov:.0} ({ao} txs) | {:.0}x |",
        e_prov / a_prov
    );
}
