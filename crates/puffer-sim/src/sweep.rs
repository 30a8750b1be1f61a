//! `puffer sim sweep`: a grid of schedule weights, commitment prices and seeds, each a full simulation, run in
//! parallel (rayon, one embedded chain per run in its own thread) and ranked.
//!
//! Ranking: highest pufETH APY first; ties (to 0.01 percentage point) broken by fewer liquidity shortfalls, then
//! by lower restaking exposure (share of provisioned validators in restaking strategies).

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::{Result, Simulation, metrics::Summary, scenario::Scenario};

/// One point of the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    /// Schedule weights, one per strategy in scenario order.
    pub weights: Vec<u64>,
    /// Price of a 12-month commitment, ETH (`None`: the scenario's table).
    pub price_12m_eth: Option<f64>,
    /// Seed.
    pub seed: u64,
}

/// A point and how its run went.
#[derive(Debug, Clone, Serialize)]
pub struct SweepResult {
    /// The point.
    pub point: SweepPoint,
    /// The run's summary, or its error as text.
    pub outcome: std::result::Result<Summary, String>,
}

/// The grid: every combination of `weights` x `prices` x `seeds`.
pub fn grid(weights: &[Vec<u64>], prices: &[Option<f64>], seeds: &[u64]) -> Vec<SweepPoint> {
    let mut out = Vec::new();
    for w in weights {
        for p in prices {
            for s in seeds {
                out.push(SweepPoint {
                    weights: w.clone(),
                    price_12m_eth: *p,
                    seed: *s,
                });
            }
        }
    }
    out
}

/// `base` with the point applied.
///
/// # Errors
/// [`crate::SimError::Scenario`] when the weights do not match the strategies or the result is out of range.
pub fn apply(base: &Scenario, point: &SweepPoint) -> Result<Scenario> {
    let mut s = base.clone();
    if point.weights.len() != s.strategies.len() {
        return Err(crate::SimError::Scenario {
            key: "sweep weights".into(),
            value: format!("{:?}", point.weights),
            allowed: format!("one weight per strategy ({})", s.strategies.len()),
        });
    }
    for (spec, w) in s.strategies.iter_mut().zip(&point.weights) {
        spec.weight = *w;
    }
    if let Some(p) = point.price_12m_eth {
        s.parameters.commitment_prices.retain(|(m, _)| *m != 12);
        s.parameters.commitment_prices.push((12, p));
    }
    s.seed = point.seed;
    s.check()?;
    Ok(s)
}

/// Runs every point in parallel and returns them ranked (see the module docs). `on_done` is called after each
/// run (from worker threads), e.g. to move a progress bar.
pub fn run(
    base: &Scenario,
    points: &[SweepPoint],
    on_done: &(dyn Fn() + Sync),
) -> Vec<SweepResult> {
    let mut results: Vec<SweepResult> = points
        .par_iter()
        .map(|point| {
            let outcome = apply(base, point)
                .and_then(|s| {
                    let mut sim = Simulation::new(s)?;
                    sim.run()?;
                    Ok(sim.summary())
                })
                .map_err(|e| e.to_string());
            on_done();
            SweepResult {
                point: point.clone(),
                outcome,
            }
        })
        .collect();
    rank(&mut results);
    results
}

/// Sorts results best first; failed runs last.
pub fn rank(results: &mut [SweepResult]) {
    results.sort_by(|a, b| match (&a.outcome, &b.outcome) {
        (Ok(x), Ok(y)) => {
            let ax = (x.pufeth_apy * 1e4).round() as i64;
            let ay = (y.pufeth_apy * 1e4).round() as i64;
            ay.cmp(&ax)
                .then(x.liquidity_shortfalls.cmp(&y.liquidity_shortfalls))
                .then(x.restaking_share.total_cmp(&y.restaking_share))
        }
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => std::cmp::Ordering::Equal,
    });
}

/// The ranking as CSV.
pub fn to_csv(results: &[SweepResult]) -> String {
    let mut o = String::from(
        "rank,weights,price_12m_eth,seed,pufeth_apy,lst_apy,liquidity_shortfalls,shortfall_eth,restaking_share,validators_provisioned,ejected,error\n",
    );
    for (i, r) in results.iter().enumerate() {
        let w = r
            .point
            .weights
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(":");
        let price = r
            .point
            .price_12m_eth
            .map_or(String::new(), |p| p.to_string());
        match &r.outcome {
            Ok(s) => {
                let _ = writeln!(
                    o,
                    "{},{w},{price},{},{},{},{},{},{},{},{},",
                    i + 1,
                    r.point.seed,
                    s.pufeth_apy,
                    s.lst_apy,
                    s.liquidity_shortfalls,
                    s.shortfall_eth,
                    s.restaking_share,
                    s.validators_provisioned,
                    s.ejected
                );
            }
            Err(e) => {
                let _ = writeln!(
                    o,
                    "{},{w},{price},{},,,,,,,,\"{}\"",
                    i + 1,
                    r.point.seed,
                    e.replace('"', "'")
                );
            }
        }
    }
    o
}
