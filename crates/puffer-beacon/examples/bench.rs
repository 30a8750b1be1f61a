//! Benchmarks: one epoch of processing for 100,000 validators, and a 10,000-validator balance query over
//! loopback HTTP. Run with `cargo run --release -p puffer-beacon --example bench`.

use std::time::Instant;

use alloy::primitives::B256;
use puffer_beacon::{
    BeaconClient, BeaconNode, Scenario, SharedNode, SimConfig, SimNode, StateId, ValidatorId,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let validators: u64 = 100_000;
    let scenario = Scenario {
        apr: 0.03,
        performance: puffer_beacon::sim::Performance { min: 0.9, max: 1.0 },
        ..Scenario::default()
    };
    let mut node = SimNode::new(SimConfig::new(1), scenario)?;
    for i in 0..validators {
        let mut pubkey = [0u8; 48];
        pubkey[..8].copy_from_slice(&i.to_be_bytes());
        let mut wc = [0u8; 32];
        wc[0] = 1;
        wc[24..].copy_from_slice(&i.to_be_bytes());
        node.add_genesis_validator(pubkey.into(), B256::from(wc), 32_000_000_000);
    }
    node.advance_epochs(1);
    let epochs = 20;
    let mut times = Vec::new();
    for _ in 0..epochs {
        let start = Instant::now();
        node.advance_epochs(1);
        times.push(start.elapsed().as_secs_f64() * 1e3);
        node.take_withdrawals();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "epoch processing, {validators} validators, {epochs} epochs: median {:.2} ms, max {:.2} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );

    let shared = SharedNode::new(node);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(puffer_beacon::server::serve(listener, shared));
        let client = BeaconClient::new(&format!("http://{addr}"))?;
        let ids: Vec<ValidatorId> = (0..10_000).map(ValidatorId::Index).collect();
        client.balances(StateId::Head, &ids).await?;
        let mut times = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            let balances = client.balances(StateId::Head, &ids).await?;
            times.push(start.elapsed().as_secs_f64() * 1e3);
            assert_eq!(balances.len(), ids.len());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "balances of 10000 validators over loopback HTTP, 20 queries: median {:.2} ms, max {:.2} ms",
            times[times.len() / 2],
            times[times.len() - 1]
        );
        Ok::<_, Box<dyn std::error::Error>>(())
    })
}
