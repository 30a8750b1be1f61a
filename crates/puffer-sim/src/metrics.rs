//! What the simulator records: one [`DayRecord`] per day and a [`Summary`], written as CSV and JSON.

use std::fmt::Write as _;

use serde::Serialize;

use crate::metered::GasStat;

/// One strategy's validators on a day, by where they are in their life.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StrategyDay {
    /// The strategy's name.
    pub name: String,
    /// Registered, waiting in the strategy's queue.
    pub pending: u64,
    /// Skipped by the guardians (custody check failed).
    pub skipped: u64,
    /// Provisioned (32 ETH deposited), not yet active on the beacon chain.
    pub provisioned: u64,
    /// Active.
    pub active: u64,
    /// Active with an exit scheduled (ejected, slashed or voluntary).
    pub exiting: u64,
    /// Exited from the beacon chain.
    pub exited: u64,
}

/// The figures of one day (after the day's actions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRecord {
    /// Day (0 = setup day).
    pub day: u32,
    /// ETH per pufETH (`convertToAssets(1e18)` / 1e18).
    pub pufeth_rate: f64,
    /// The same, exact, in wei.
    pub pufeth_rate_wei: String,
    /// pufETH APY since day 0, annualised.
    pub pufeth_apy: f64,
    /// A plain LST's rate: the same beacon rewards per staked ETH, minus its fee, compounded daily.
    pub lst_rate: f64,
    /// Its APY since day 0.
    pub lst_apy: f64,
    /// The pool's `totalAssets`, ETH.
    pub tvl_eth: f64,
    /// pufETH supply.
    pub pufeth_supply: f64,
    /// ETH free in the PufferPool (`availableETH`).
    pub pool_eth: f64,
    /// Exit liquidity in the WithdrawalPool.
    pub withdrawal_pool_eth: f64,
    /// ETH locked in provisioned validators (`lockedETH`).
    pub locked_eth: f64,
    /// Validators active on the beacon chain.
    pub active_validators: u64,
    /// Validators by status, per strategy.
    pub strategies: Vec<StrategyDay>,
    /// Staker deposits today.
    pub deposits: u64,
    /// ETH deposited today.
    pub deposited_eth: f64,
    /// Redemptions today.
    pub redemptions: u64,
    /// ETH paid out today.
    pub redeemed_eth: f64,
    /// Redemptions refused for lack of WithdrawalPool liquidity today.
    pub liquidity_shortfalls: u64,
    /// ETH those redemptions lacked.
    pub shortfall_eth: f64,
    /// Validator registrations today.
    pub registrations: u64,
    /// Commitment renewals today.
    pub renewals: u64,
    /// Validators provisioned today.
    pub provisioned: u64,
    /// AVS fees paid to restaking strategies today, ETH.
    pub avs_fees_eth: f64,
    /// NoOp claims paid today (consensus rewards + restaking commission), ETH.
    pub claims_eth: f64,
    /// Growth-spurt reports posted today.
    pub reports: u64,
    /// Registrations skipped by the guardians today.
    pub skipped: u64,
    /// Validators ejected by the guardians so far.
    pub ejected_total: u64,
    /// Validators slashed so far.
    pub slashed_total: u64,
    /// Beacon rewards minus penalties of Puffer's validators so far, ETH.
    pub beacon_issuance_eth: f64,
    /// Transactions so far (setup included).
    pub transactions: u64,
    /// The books: ETH into the protocol so far, wei.
    pub in_wei: String,
    /// ETH out of the protocol so far, wei.
    pub out_wei: String,
    /// ETH the protocol's contracts hold, wei.
    pub held_wei: String,
}

/// NoOp economics for one commitment length.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoOpReturn {
    /// Commitment months chosen at registration.
    pub months: u64,
    /// Validators that reached the beacon chain.
    pub validators: u64,
    /// Consensus rewards per year active minus the commitment's cost per year (commitments paid over the months
    /// bought), per validator, ETH.
    pub net_eth_per_validator_year: f64,
    /// Commitments paid per validator (renewals included), ETH.
    pub commitment_paid_eth_per_validator: f64,
}

/// Totals of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Days run.
    pub days: u32,
    /// Validators registered.
    pub validators_registered: u64,
    /// Validators provisioned.
    pub validators_provisioned: u64,
    /// Registrations skipped by the guardians (custody check failed).
    pub validators_skipped: u64,
    /// Validators active at the end.
    pub active_validators: u64,
    /// Transactions sent (setup included).
    pub transactions: u64,
    /// Transactions and gas per action.
    pub gas: Vec<(String, GasStat)>,
    /// Final ETH per pufETH.
    pub pufeth_rate: f64,
    /// pufETH APY over the run.
    pub pufeth_apy: f64,
    /// The plain LST's APY over the run.
    pub lst_apy: f64,
    /// Final total assets, ETH.
    pub tvl_eth: f64,
    /// Redemptions refused for lack of liquidity.
    pub liquidity_shortfalls: u64,
    /// ETH they lacked in total.
    pub shortfall_eth: f64,
    /// Validators ejected.
    pub ejected: u64,
    /// Validators slashed.
    pub slashed: u64,
    /// Timelock operations that could not execute.
    pub governance_failures: u64,
    /// Growth-spurt reports posted.
    pub reports: u64,
    /// Report posts refused because the rate would move more than the bound.
    pub reports_refused: u64,
    /// Times governance raised the bound through the timelock (the emergency path).
    pub emergencies: u64,
    /// Largest fall of the pufETH rate caused by one report, basis points.
    pub largest_rate_drop_bps: i64,
    /// Ejections by reason.
    pub ejected_by_reason: Vec<(String, u64)>,
    /// Share of provisioned validators in restaking strategies (restaking exposure).
    pub restaking_share: f64,
    /// NoOp returns by commitment length.
    pub noop_returns: Vec<NoOpReturn>,
    /// Whether every day's books balanced to the wei (a run that breaks them stops with an error).
    pub conserved_to_the_wei: bool,
    /// Final books: ETH in, wei.
    pub in_wei: String,
    /// ETH out, wei.
    pub out_wei: String,
    /// ETH held, wei.
    pub held_wei: String,
}

/// The daily records as CSV (one row per day; per-strategy columns `<name>_<status>`).
pub fn to_csv(records: &[DayRecord]) -> String {
    let mut out = String::new();
    let names: Vec<String> = records
        .first()
        .map(|r| r.strategies.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    out.push_str(
        "day,pufeth_rate,pufeth_rate_wei,pufeth_apy,lst_rate,lst_apy,tvl_eth,pufeth_supply,pool_eth,\
withdrawal_pool_eth,locked_eth,active_validators",
    );
    for n in &names {
        for s in [
            "pending",
            "skipped",
            "provisioned",
            "active",
            "exiting",
            "exited",
        ] {
            let _ = write!(out, ",{n}_{s}");
        }
    }
    out.push_str(
        ",deposits,deposited_eth,redemptions,redeemed_eth,liquidity_shortfalls,shortfall_eth,registrations,\
renewals,provisioned,avs_fees_eth,claims_eth,reports,skipped,ejected_total,slashed_total,beacon_issuance_eth,transactions,in_wei,out_wei,held_wei\n",
    );
    for r in records {
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            r.day,
            r.pufeth_rate,
            r.pufeth_rate_wei,
            r.pufeth_apy,
            r.lst_rate,
            r.lst_apy,
            r.tvl_eth,
            r.pufeth_supply,
            r.pool_eth,
            r.withdrawal_pool_eth,
            r.locked_eth,
            r.active_validators
        );
        for s in &r.strategies {
            let _ = write!(
                out,
                ",{},{},{},{},{},{}",
                s.pending, s.skipped, s.provisioned, s.active, s.exiting, s.exited
            );
        }
        let _ = writeln!(
            out,
            ",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.deposits,
            r.deposited_eth,
            r.redemptions,
            r.redeemed_eth,
            r.liquidity_shortfalls,
            r.shortfall_eth,
            r.registrations,
            r.renewals,
            r.provisioned,
            r.avs_fees_eth,
            r.claims_eth,
            r.reports,
            r.skipped,
            r.ejected_total,
            r.slashed_total,
            r.beacon_issuance_eth,
            r.transactions,
            r.in_wei,
            r.out_wei,
            r.held_wei
        );
    }
    out
}

/// The terminal summary.
pub fn to_text(summary: &Summary) -> String {
    let mut o = String::new();
    let s = summary;
    let _ = writeln!(o, "days                  {}", s.days);
    let _ = writeln!(
        o,
        "validators            {} registered, {} provisioned, {} skipped by the guardians, {} active at the end",
        s.validators_registered,
        s.validators_provisioned,
        s.validators_skipped,
        s.active_validators
    );
    let _ = writeln!(o, "transactions          {}", s.transactions);
    let _ = writeln!(
        o,
        "pufETH                rate {:.6} ETH, APY {:.3}% (plain LST on the same beacon rewards: {:.3}%)",
        s.pufeth_rate,
        s.pufeth_apy * 100.0,
        s.lst_apy * 100.0
    );
    let _ = writeln!(o, "total assets          {:.3} ETH", s.tvl_eth);
    let _ = writeln!(
        o,
        "liquidity shortfalls  {} redemptions refused, {:.3} ETH short",
        s.liquidity_shortfalls, s.shortfall_eth
    );
    let _ = writeln!(
        o,
        "exits                 {} ejected by guardians {:?}, {} slashed",
        s.ejected, s.ejected_by_reason, s.slashed
    );
    let _ = writeln!(
        o,
        "reports               {} posted, {} refused by the rate bound, {} emergency raises, largest drop {} bps",
        s.reports, s.reports_refused, s.emergencies, s.largest_rate_drop_bps
    );
    let _ = writeln!(
        o,
        "restaking exposure    {:.1}% of provisioned validators",
        s.restaking_share * 100.0
    );
    let _ = writeln!(
        o,
        "conservation          in {} = out {} + held {} wei, every day",
        s.in_wei, s.out_wei, s.held_wei
    );
    for r in &s.noop_returns {
        let _ = writeln!(
            o,
            "NoOp {:>2} months       {} validators, net {:+.4} ETH per validator-year (paid {:.4} ETH)",
            r.months,
            r.validators,
            r.net_eth_per_validator_year,
            r.commitment_paid_eth_per_validator
        );
    }
    o
}
