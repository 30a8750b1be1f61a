//! How long a devnet's 7-day clock jump takes: the devnet's beacon configuration (`SimConfig::fast`, 2 s slots,
//! 8 slots per epoch, the default scenario) with 4 active validators with 0x01 credentials, advanced by 7 days
//! (`advance_clock` + `advance_to_slot(slot_at(now))`), then the withdrawal range query over the whole week
//! and one `pay_withdrawals`. Run with `cargo run --release -p puffer-beacon --example clock [SCENARIO.toml]`
//! (default: `Scenario::default()`, what `puffer devnet up` uses without `--beacon-scenario`).

use std::time::Instant;

use alloy::primitives::{Address, B256};
use puffer_beacon::credit::RecordingCredit;
use puffer_beacon::{Scenario, SimConfig, SimNode};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = SimConfig::fast(1);
    config.seconds_per_slot = 2;
    config.slots_per_epoch = 8;
    config.genesis_time = 1_700_000_000;
    let scenario = match std::env::args().nth(1) {
        Some(path) => Scenario::from_toml(&std::fs::read_to_string(path)?)?,
        None => Scenario::default(),
    };
    let mut node = SimNode::new(config, scenario)?;
    for i in 0..4u8 {
        let mut wc = [0u8; 32];
        wc[0] = 1;
        wc[12..].copy_from_slice(Address::repeat_byte(0xa0 + i).as_slice());
        node.add_genesis_validator([i + 1; 48].into(), B256::from(wc), 32_000_000_000);
    }
    let now = node.genesis().genesis_time;
    let week = 7 * 86_400;

    let start = Instant::now();
    node.advance_clock(week);
    let slot = node.slot_at(now);
    node.advance_to_slot(slot);
    let advance = start.elapsed();

    let start = Instant::now();
    let history = node.withdrawals(0, slot + 1, &[]);
    let query = start.elapsed();

    let start = Instant::now();
    let mut credit = RecordingCredit::default();
    node.pay_withdrawals(&mut credit)?;
    let pay = start.elapsed();

    println!(
        "7-day advance to slot {slot} ({} epochs): {:.3} s; {} withdrawals in history, range query {:.3} ms; \
         pay_withdrawals: {} credit calls in {:.3} ms",
        node.epoch(),
        advance.as_secs_f64(),
        history.len(),
        query.as_secs_f64() * 1e3,
        credit.credits.len(),
        pay.as_secs_f64() * 1e3,
    );
    Ok(())
}
