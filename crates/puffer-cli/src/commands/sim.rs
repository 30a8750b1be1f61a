//! `puffer sim`: run a scenario against the real contracts in embedded revm and write the report;
//! `puffer sim sweep`: run a grid of schedules, prices and seeds in parallel and rank them.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Instant,
};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use puffer_sim::{Scenario, Simulation, metrics, sweep};

/// `puffer sim` arguments.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  \
    puffer sim                                   # the default scenario (one year), report in target/sim\n  \
    puffer sim --days 30 --seed 7 --out /tmp/sim\n  \
    puffer sim --scenario my.toml                # keys missing from the file take their defaults\n  \
    puffer sim sweep --weights 3:1,1:1,1:3 --prices-12m 1.2,1.368 --seeds 1,2 --days 90"
)]
pub(crate) struct SimArgs {
    #[command(subcommand)]
    command: Option<SimCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum SimCommand {
    /// Run one scenario (the default when no subcommand is given).
    Run(RunArgs),
    /// Run a grid of schedule weights x 12-month prices x seeds in parallel and rank the results.
    Sweep(SweepArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scenario file (TOML); default: the built-in scenario (`crates/puffer-sim/scenarios/default.toml`).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Directory for report.html, series.csv, series.json and summary.json.
    #[arg(long, default_value = "target/sim")]
    out: PathBuf,
    /// Overrides the scenario's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Overrides the scenario's number of days.
    #[arg(long)]
    days: Option<u32>,
    /// No progress bar (for logs and CI).
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct SweepArgs {
    /// Base scenario (TOML); default: the built-in scenario.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Schedule weights to try, one `a:b:…` per point (one weight per strategy, scenario order).
    #[arg(long, value_delimiter = ',', default_value = "3:1,1:1,1:3")]
    weights: Vec<String>,
    /// Prices of a 12-month commitment to try, ETH, in [1, 2); default: the scenario's table only.
    #[arg(long = "prices-12m", value_delimiter = ',')]
    prices_12m: Vec<f64>,
    /// Seeds to try.
    #[arg(long, value_delimiter = ',', default_value = "1")]
    seeds: Vec<u64>,
    /// Overrides the scenario's number of days.
    #[arg(long)]
    days: Option<u32>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    jobs: Option<usize>,
    /// Directory for sweep.csv.
    #[arg(long, default_value = "target/sim-sweep")]
    out: PathBuf,
}

fn load(path: Option<&Path>) -> anyhow::Result<Scenario> {
    match path {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            Scenario::from_toml(&text).with_context(|| format!("in {}", p.display()))
        }
        None => Ok(Scenario::default_scenario()?),
    }
}

/// Runs `puffer sim …`.
pub(crate) fn run(args: SimArgs) -> anyhow::Result<()> {
    match args.command {
        None => run_one(args.run),
        Some(SimCommand::Run(r)) => run_one(r),
        Some(SimCommand::Sweep(s)) => run_sweep(s),
    }
}

fn run_one(args: RunArgs) -> anyhow::Result<()> {
    let mut scenario = load(args.scenario.as_deref())?;
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    if let Some(days) = args.days {
        scenario.days = days;
    }
    scenario.check()?;
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
            .context("installing the Ctrl-C handler")?;
    }
    let started = Instant::now();
    let days = scenario.days;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(u64::from(days))
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} day {pos}/{len} [{bar:40}] {per_sec} {msg} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("setting up (deploy, governance, initial validators)");
    let mut sim = Simulation::new(scenario)?;
    bar.set_message("");
    let mut failure = None;
    while !sim.is_done() {
        if interrupted.load(Ordering::SeqCst) {
            break;
        }
        if let Err(e) = sim.step_day() {
            failure = Some(e);
            break;
        }
        bar.set_position(u64::from(sim.day()));
        bar.set_message(format!("{} tx", sim.transactions()));
    }
    bar.finish_and_clear();
    let outputs = puffer_sim::write_outputs(&args.out, &sim)?;
    let elapsed = started.elapsed().as_secs_f64();
    print!("{}", metrics::to_text(&sim.summary()));
    println!(
        "simulated {} days in {elapsed:.1} s ({:.1} days/s, {:.0} tx/s)",
        sim.day(),
        f64::from(sim.day()) / elapsed.max(1e-9),
        sim.transactions() as f64 / elapsed.max(1e-9)
    );
    let phases: Vec<String> = sim
        .timings()
        .iter()
        .map(|(k, v)| format!("{k} {v:.1}s"))
        .collect();
    println!("time by phase (days 1..): {}", phases.join(", "));
    println!("report: {}", outputs.report.display());
    println!(
        "series: {} and {}; summary: {}",
        outputs.csv.display(),
        outputs.json.display(),
        outputs.summary.display()
    );
    if let Some(e) = failure {
        bail!(
            "stopped on day {}: {e} (what ran until then is written)",
            sim.day()
        );
    }
    if interrupted.load(Ordering::SeqCst) {
        println!("interrupted: the outputs cover days 0 ..= {}", sim.day());
    }
    Ok(())
}

fn run_sweep(args: SweepArgs) -> anyhow::Result<()> {
    let mut base = load(args.scenario.as_deref())?;
    if let Some(days) = args.days {
        base.days = days;
    }
    let weights = args
        .weights
        .iter()
        .map(|w| {
            w.split(':')
                .map(|x| {
                    x.trim()
                        .parse::<u64>()
                        .with_context(|| format!("--weights {w:?}: {x:?} is not a whole number"))
                })
                .collect::<anyhow::Result<Vec<u64>>>()
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let prices: Vec<Option<f64>> = if args.prices_12m.is_empty() {
        vec![None]
    } else {
        args.prices_12m.iter().copied().map(Some).collect()
    };
    let points = sweep::grid(&weights, &prices, &args.seeds);
    for p in &points {
        sweep::apply(&base, p)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let bar = ProgressBar::new(points.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("runs {pos}/{len} [{bar:40}] {elapsed} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let results = pool.install(|| sweep::run(&base, &points, &|| bar.inc(1)));
    bar.finish_and_clear();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let csv = args.out.join("sweep.csv");
    std::fs::write(&csv, sweep::to_csv(&results))
        .with_context(|| format!("writing {}", csv.display()))?;
    println!(
        "{:>4}  {:<10} {:>9} {:>5}  {:>8} {:>8} {:>10} {:>9}",
        "rank", "weights", "price12m", "seed", "APY %", "LST %", "shortfalls", "restaked"
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
            .map_or("table".to_owned(), |p| format!("{p}"));
        match &r.outcome {
            Ok(s) => println!(
                "{:>4}  {:<10} {:>9} {:>5}  {:>8.3} {:>8.3} {:>10} {:>8.1}%",
                i + 1,
                w,
                price,
                r.point.seed,
                s.pufeth_apy * 100.0,
                s.lst_apy * 100.0,
                s.liquidity_shortfalls,
                s.restaking_share * 100.0
            ),
            Err(e) => println!(
                "{:>4}  {:<10} {:>9} {:>5}  failed: {e}",
                i + 1,
                w,
                price,
                r.point.seed
            ),
        }
    }
    println!(
        "{} runs in {:.1} s on {} threads; ranking: {}",
        results.len(),
        started.elapsed().as_secs_f64(),
        pool.current_num_threads(),
        csv.display()
    );
    Ok(())
}
