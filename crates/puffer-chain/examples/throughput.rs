//! Transactions per second through the embedded backend and through anvil over HTTP, side by side.
//!
//! Run: `cargo run --release -p puffer-chain --example throughput [embedded_txs] [anvil_txs]`
//! (needs `scripts/setup` for anvil). Prints a Markdown table for `docs/chain-bench.md`.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use puffer_chain::{
    Chain, DeployConfig, Deployer, EmbeddedChain, Governance, RetryPolicy, RpcChain, Staker,
    alloy::primitives::{Address, U256},
    dev_signers,
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

fn main() {
    let mut args = std::env::args().skip(1);
    let embedded_n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let anvil_n: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);

    let mut embedded = EmbeddedChain::new();
    let (e_dep, e_red) = measure(&mut embedded, embedded_n);

    let bin =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts/node_modules/.bin/anvil");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = Command::new(&bin)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--hardfork", "prague", "--chain-id", "31337", "--silent"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}; run scripts/setup", bin.display()));
    let url = format!("http://127.0.0.1:{port}");
    let policy = RetryPolicy {
        attempts: 100,
        initial_backoff: Duration::from_millis(20),
    };
    let mut rpc = RpcChain::connect_with(&url, policy).expect("anvil answers");
    let (a_dep, a_red) = measure(&mut rpc, anvil_n);
    let _ = child.kill();
    let _ = child.wait();

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
}
