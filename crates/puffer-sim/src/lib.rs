//! Puffer's simulator: the real contracts in embedded revm, driven day by day by stakers, NoOps, guardians,
//! AVSs and a simulated beacon chain, for a scenario read from TOML.
//!
//! - [`scenario`]: the scenario file, its documented defaults and checks ([`Scenario`]);
//! - [`engine`]: [`Simulation`], which deploys Puffer with the Rust deployer, runs `puffer_beacon::SimNode` in
//!   process and steps the agents, checking every day that ETH is conserved to the wei ([`engine::Ledger`]);
//! - [`guardians`]: N guardians run in process through `puffer-guardian` ([`GuardianSet`]): custody,
//!   provisioning, ejection, spurt reports, all through the daemon's code paths;
//! - [`keys`]: validator keys and registration bundles made with `puffer-keys`, all derived from the seed (the
//!   same bytes in every process), cached per process;
//! - [`metered`]: the embedded chain with gas metered per action;
//! - [`metrics`], [`report`]: daily records, summary, CSV/JSON and the self-contained HTML report;
//! - [`sweep`]: a grid of schedules, prices and seeds run in parallel and ranked.
//!
//! See `docs/sim.md`.

pub mod engine;
mod error;
pub mod guardians;
pub mod keys;
pub mod metered;
pub mod metrics;
pub mod report;
pub mod scenario;
pub mod sweep;

use std::path::{Path, PathBuf};

pub use engine::Simulation;
pub use error::{Result, SimError};
pub use guardians::GuardianSet;
pub use metrics::{DayRecord, Summary};
pub use scenario::Scenario;

/// The files a run writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    /// `report.html`: the self-contained report.
    pub report: PathBuf,
    /// `series.csv`: one row per day.
    pub csv: PathBuf,
    /// `series.json`: the same records as JSON.
    pub json: PathBuf,
    /// `summary.json`.
    pub summary: PathBuf,
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| SimError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes the report, the CSV and JSON series and the summary of what has run so far into `dir` (created if
/// missing).
///
/// # Errors
/// [`SimError::Io`] naming the file.
pub fn write_outputs(dir: &Path, sim: &Simulation) -> Result<Outputs> {
    std::fs::create_dir_all(dir).map_err(|source| SimError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let summary = sim.summary();
    let out = Outputs {
        report: dir.join("report.html"),
        csv: dir.join("series.csv"),
        json: dir.join("series.json"),
        summary: dir.join("summary.json"),
    };
    write(
        &out.report,
        &report::to_html(sim.scenario(), sim.records(), &summary),
    )?;
    write(&out.csv, &metrics::to_csv(sim.records()))?;
    write(
        &out.json,
        &serde_json::to_string_pretty(sim.records()).unwrap_or_default(),
    )?;
    write(
        &out.summary,
        &serde_json::to_string_pretty(&summary).unwrap_or_default(),
    )?;
    Ok(out)
}
