//! Balance scan of 100,000 validators against the simulated beacon node over HTTP on loopback: what the
//! guardian's ejection loop does every epoch (`ejection::scan_balances`: batches of 10,000 ids, all in flight
//! at once, then the ejection rule on each balance).
//!
//! `cargo run -p puffer-guardian --example scan_bench [validators] [rounds]`

use std::time::Instant;

use puffer_beacon::{
    BeaconClient, Scenario, SharedNode, SimConfig, SimNode, types::ValidatorStatus,
};
use puffer_chain::alloy::primitives::B256;
use puffer_guardian::ejection::{ejection_reason, scan_balances};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let validators: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let mut node = SimNode::new(SimConfig::new(1), Scenario::default())?;
    for i in 0..validators {
        let mut pubkey = [0u8; 48];
        pubkey[..8].copy_from_slice(&i.to_be_bytes());
        let mut wc = [0u8; 32];
        wc[0] = 1;
        // One in a thousand below the ejection balance.
        let balance = if i % 1_000 == 7 {
            30_500_000_000
        } else {
            32_000_000_000
        };
        node.add_genesis_validator(pubkey.into(), B256::from(wc), balance);
    }
    let node = SharedNode::new(node);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let url = format!("http://{}", listener.local_addr()?);
    rt.spawn(puffer_beacon::server::serve(listener, node));
    let client = BeaconClient::new(&url)?;
    let indices: Vec<u64> = (0..validators).collect();
    let mut times = Vec::with_capacity(rounds);
    let mut below = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        let balances = rt.block_on(scan_balances(&client, &indices))?;
        below = balances
            .iter()
            .filter(|b| {
                ejection_reason(
                    ValidatorStatus::ActiveOngoing,
                    b.balance,
                    31_000_000_000,
                    false,
                    false,
                )
                .is_some()
            })
            .count();
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(balances.len() as u64, validators);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "scan of {validators} validators over HTTP ({rounds} rounds): min {:.3} s, median {:.3} s, max {:.3} s; {below} below 31 ETH",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1]
    );
    Ok(())
}
