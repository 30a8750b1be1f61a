//! The scenario: what the simulator runs, read from TOML with a documented default for every key.
//!
//! The default scenario (`scenarios/default.toml`, compiled into the binary as [`DEFAULT_SCENARIO_TOML`]) is
//! [`Scenario::default`] written out with comments; a test keeps the two equal. Every table rejects unknown
//! keys, and [`Scenario::check`] names the key and the allowed range of any out-of-range value.

use serde::{Deserialize, Serialize};

use crate::error::{Result, SimError};

/// The default scenario's text (`crates/puffer-sim/scenarios/default.toml`).
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../scenarios/default.toml");

/// A whole simulation: duration, agents, beacon model, events and protocol parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Seed of every random draw (agents, beacon performance factors, keys). Default 1.
    pub seed: u64,
    /// Simulated days. Default 365.
    pub days: u32,
    /// Stakers' deposit and redemption behaviour.
    pub stakers: Stakers,
    /// Strategies (NO_RESTAKING first), their schedule weights, NoOps and AVS revenue.
    #[serde(rename = "strategy")]
    pub strategies: Vec<StrategySpec>,
    /// The beacon chain's reward model and time resolution.
    pub beacon: Beacon,
    /// Validators offline for a while.
    #[serde(rename = "offline")]
    pub offline: Vec<OfflineEvent>,
    /// Slashings.
    #[serde(rename = "slashing")]
    pub slashings: Vec<SlashingEvent>,
    /// Protocol parameters set by governance through the timelock before day 1.
    pub parameters: Parameters,
    /// The guardian set run in process.
    pub guardians: Guardians,
    /// The comparison: a plain liquid staking token fed the same beacon rewards.
    pub lst: PlainLst,
}

/// Stakers: a fixed population that deposits and redeems at random.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Stakers {
    /// Number of stakers. Default 2,000.
    pub count: u32,
    /// ETH deposited on day 0, split equally among the stakers (seed liquidity). Default 10,000.
    pub initial_deposit_eth: f64,
    /// Probability that a staker deposits on a given day. Default 0.045.
    pub daily_deposit_probability: f64,
    /// Smallest deposit, ETH. Default 0.5.
    pub deposit_min_eth: f64,
    /// Largest deposit, ETH (uniform between min and max). Default 4.
    pub deposit_max_eth: f64,
    /// Probability that a staker holding pufETH redeems on a given day. Default 0.025.
    pub daily_redeem_probability: f64,
    /// Fraction of its pufETH a redeeming staker redeems (uniform in `[min, max]`). Default 0.1 ..= 0.5.
    pub redeem_fraction_min: f64,
    /// See `redeem_fraction_min`.
    pub redeem_fraction_max: f64,
    /// Target WithdrawalPool liquidity as a fraction of the pool's total assets: governance moves pool ETH to
    /// the WithdrawalPool through the timelock when it falls below (0 = never). Default 0.05.
    pub liquidity_target: f64,
}

/// A strategy: NO_RESTAKING (always present, listed first) or a restaking strategy the DAO creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// The strategy's name (`NO_RESTAKING` for the default one; at most 32 bytes).
    pub name: String,
    /// Weight in the provisioning schedule (0..=255). Default 1.
    #[serde(default = "one")]
    pub weight: u64,
    /// NoOps in this strategy (allowlisted for a restaking strategy). Default 20.
    #[serde(default = "twenty")]
    pub noops: u32,
    /// Validators registered before day 1 (spread over the NoOps). Default 0.
    #[serde(default)]
    pub initial_validators: u32,
    /// Expected new registrations per day (binomial over the NoOps). Default 2.
    #[serde(default = "two")]
    pub registrations_per_day: f64,
    /// Commitment lengths NoOps choose from (months, each in the price table), uniformly. Default `[12]`.
    #[serde(default = "twelve")]
    pub commitment_months: Vec<u64>,
    /// Probability that a NoOp renews a commitment about to expire (for the same number of months); otherwise
    /// the guardians eject the validator at expiry. Default 0.8.
    #[serde(default = "renew")]
    pub renew_probability: f64,
    /// Probability that a registration carries a broken deposit signature (a NoOp's mistake or an attack): the
    /// guardians' custody checks fail and a quorum skips it (bond back, commitment kept). Default 0.
    #[serde(default)]
    pub bad_registration_probability: f64,
    /// AVS fees per active validator per year, ETH (restaking strategies only). Default 0.
    #[serde(default)]
    pub avs_revenue_eth_per_validator_year: f64,
    /// NoOps' commission on AVS fees, basis points (restaking strategies only, <= 5,000). Default 1,000.
    #[serde(default = "commission")]
    pub commission_bps: u64,
}

fn one() -> u64 {
    1
}
fn twenty() -> u32 {
    20
}
fn two() -> f64 {
    2.0
}
fn twelve() -> Vec<u64> {
    vec![12]
}
fn renew() -> f64 {
    0.8
}
fn commission() -> u64 {
    1_000
}

/// The simulated beacon chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Beacon {
    /// Yearly consensus reward of a perfect validator on 32 ETH. Default 0.03.
    pub apr: f64,
    /// Lowest validator performance factor (fraction of duties done). Default 0.97.
    pub performance_min: f64,
    /// Highest validator performance factor. Default 1.0.
    pub performance_max: f64,
    /// Beacon epochs per simulated day. Mainnet has 225; the simulator stretches each epoch (32 slots of
    /// `86,400 / (32 x this)` seconds) and scales churn and delays by the same factor so that a year of
    /// balances costs seconds. Default 9 (160-minute epochs; churn 100 per epoch; delays of 10 epochs).
    pub epochs_per_day: u64,
    /// Active validators on all of Ethereum, reported for the burst threshold. Default 1,000,000.
    pub ethereum_validators: u64,
}

/// Validators (the first `count` registered, by beacon index from `first_index`) that miss every duty for a
/// while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineEvent {
    /// First day offline.
    pub day: u32,
    /// Days offline.
    pub days: u32,
    /// First beacon index.
    #[serde(default)]
    pub first_index: u64,
    /// How many validators.
    pub count: u64,
}

/// Validators slashed on `day`: beacon indices `first_index .. first_index + count` (the beacon chain forces
/// their exit; the guardians see the loss).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashingEvent {
    /// Day of the slashing.
    pub day: u32,
    /// First beacon index.
    #[serde(default)]
    pub first_index: u64,
    /// How many validators.
    pub count: u64,
}

/// Protocol parameters, set through the timelock before day 1 (the contracts' names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Parameters {
    /// Commitment prices that replace the default table, `[[months, ETH], …]` (each in [1, 2) ETH). Default none.
    pub commitment_prices: Vec<(u64, f64)>,
    /// `protocolFeeBps` (<= 1,000). Default 200.
    pub protocol_fee_bps: u64,
    /// `guardianFeeBps` (<= 500). Default 50.
    pub guardian_fee_bps: u64,
    /// `withdrawalPoolShareBps` (<= 5,000). Default 1,000.
    pub withdrawal_pool_share_bps: u64,
    /// `withdrawalFeeBps` (<= 300). Default 100.
    pub withdrawal_fee_bps: u64,
    /// Growth spurt length in days (`setSpurtLength`). Default 7.
    pub spurt_days: u64,
    /// Registrations per spurt (`registrationCap`; 0 = no cap). Default 0.
    pub registration_cap: u64,
    /// Bond per validator, ETH (`bondWei`, 1..=32). Default 1.
    pub bond_eth: f64,
    /// Guardians eject a validator whose beacon balance is below this, ETH. Default 31.
    pub ejection_balance_eth: f64,
    /// Most a report may move the pufETH rate (`SpurtReporter.maxRateChangeBps`, 1..=10,000). Default 100.
    pub max_rate_change_bps: u64,
    /// When a report would move the rate more (mass slashing), governance raises the bound to this through the
    /// timelock, the guardians re-sign and post, and governance restores the bound: the contracts' emergency
    /// path. 0 = never (the report stays unposted). Default 1,000.
    pub emergency_rate_change_bps: u64,
}

/// The guardian set run in process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Guardians {
    /// Guardians. Default 5.
    pub count: u32,
    /// Signatures needed (more than half, at most `count`). Default 3.
    pub threshold: u32,
}

/// The comparison token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlainLst {
    /// Share of beacon rewards the plain LST keeps as its fee. Default 0.10.
    pub fee: f64,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            seed: 1,
            days: 365,
            stakers: Stakers::default(),
            strategies: vec![
                StrategySpec {
                    name: "NO_RESTAKING".into(),
                    weight: 3,
                    noops: 60,
                    initial_validators: 200,
                    registrations_per_day: 1.8,
                    commitment_months: vec![9, 12, 12, 17],
                    renew_probability: 0.8,
                    bad_registration_probability: 0.0,
                    avs_revenue_eth_per_validator_year: 0.0,
                    commission_bps: 0,
                },
                StrategySpec {
                    name: "EIGEN_DA".into(),
                    weight: 1,
                    noops: 20,
                    initial_validators: 60,
                    registrations_per_day: 0.6,
                    commitment_months: vec![12, 17],
                    renew_probability: 0.9,
                    bad_registration_probability: 0.0,
                    avs_revenue_eth_per_validator_year: 0.2,
                    commission_bps: 1_000,
                },
            ],
            beacon: Beacon::default(),
            offline: vec![OfflineEvent {
                day: 100,
                days: 3,
                first_index: 0,
                count: 10,
            }],
            slashings: vec![SlashingEvent {
                day: 200,
                first_index: 20,
                count: 2,
            }],
            parameters: Parameters::default(),
            guardians: Guardians::default(),
            lst: PlainLst::default(),
        }
    }
}

impl Default for Stakers {
    fn default() -> Self {
        Self {
            count: 2_000,
            initial_deposit_eth: 10_000.0,
            daily_deposit_probability: 0.045,
            deposit_min_eth: 0.5,
            deposit_max_eth: 4.0,
            daily_redeem_probability: 0.025,
            redeem_fraction_min: 0.1,
            redeem_fraction_max: 0.5,
            liquidity_target: 0.05,
        }
    }
}

impl Default for Beacon {
    fn default() -> Self {
        Self {
            apr: 0.03,
            performance_min: 0.97,
            performance_max: 1.0,
            epochs_per_day: 9,
            ethereum_validators: 1_000_000,
        }
    }
}

impl Default for Parameters {
    fn default() -> Self {
        Self {
            commitment_prices: Vec::new(),
            protocol_fee_bps: 200,
            guardian_fee_bps: 50,
            withdrawal_pool_share_bps: 1_000,
            withdrawal_fee_bps: 100,
            spurt_days: 7,
            registration_cap: 0,
            bond_eth: 1.0,
            ejection_balance_eth: 31.0,
            max_rate_change_bps: 100,
            emergency_rate_change_bps: 1_000,
        }
    }
}

impl Default for Guardians {
    fn default() -> Self {
        Self {
            count: 5,
            threshold: 3,
        }
    }
}

impl Default for PlainLst {
    fn default() -> Self {
        Self { fee: 0.10 }
    }
}

fn bad(key: &str, value: impl std::fmt::Display, allowed: &str) -> SimError {
    SimError::Scenario {
        key: key.to_owned(),
        value: value.to_string(),
        allowed: allowed.to_owned(),
    }
}

fn probability(key: &str, p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(bad(key, p, "a probability in [0, 1]"))
    }
}

impl Scenario {
    /// Parses a scenario (missing keys take their defaults) and checks it.
    ///
    /// # Errors
    /// [`SimError::ScenarioToml`] for unknown keys or wrong types (the TOML error names the key and, for
    /// unknown keys, lists the allowed ones); [`SimError::Scenario`] for a value out of range.
    pub fn from_toml(text: &str) -> Result<Self> {
        let s: Self = toml::from_str(text).map_err(|e| SimError::ScenarioToml(e.to_string()))?;
        s.check()?;
        Ok(s)
    }

    /// The scenario compiled into the binary.
    ///
    /// # Errors
    /// None in practice (a test parses it); typed for symmetry with [`Scenario::from_toml`].
    pub fn default_scenario() -> Result<Self> {
        Self::from_toml(DEFAULT_SCENARIO_TOML)
    }

    /// Checks every value against its allowed range.
    ///
    /// # Errors
    /// [`SimError::Scenario`] naming the first bad key, its value and what is allowed.
    pub fn check(&self) -> Result<()> {
        if self.days == 0 || self.days > 3_650 {
            return Err(bad("days", self.days, "1 ..= 3650"));
        }
        let st = &self.stakers;
        if st.count == 0 {
            return Err(bad("stakers.count", st.count, "at least 1"));
        }
        if !(st.initial_deposit_eth >= 0.0 && st.initial_deposit_eth <= 1e8) {
            return Err(bad(
                "stakers.initial_deposit_eth",
                st.initial_deposit_eth,
                "0 ..= 1e8 ETH",
            ));
        }
        probability(
            "stakers.daily_deposit_probability",
            st.daily_deposit_probability,
        )?;
        probability(
            "stakers.daily_redeem_probability",
            st.daily_redeem_probability,
        )?;
        if !(st.deposit_min_eth > 0.0
            && st.deposit_min_eth <= st.deposit_max_eth
            && st.deposit_max_eth <= 1e6)
        {
            return Err(bad(
                "stakers.deposit_min_eth/deposit_max_eth",
                format!("{} / {}", st.deposit_min_eth, st.deposit_max_eth),
                "0 < min <= max <= 1e6 ETH",
            ));
        }
        if !(st.redeem_fraction_min > 0.0
            && st.redeem_fraction_min <= st.redeem_fraction_max
            && st.redeem_fraction_max <= 1.0)
        {
            return Err(bad(
                "stakers.redeem_fraction_min/redeem_fraction_max",
                format!("{} / {}", st.redeem_fraction_min, st.redeem_fraction_max),
                "0 < min <= max <= 1",
            ));
        }
        probability("stakers.liquidity_target", st.liquidity_target)?;
        if self.strategies.is_empty() || self.strategies[0].name != "NO_RESTAKING" {
            return Err(bad(
                "strategy[0].name",
                self.strategies
                    .first()
                    .map_or("(none)", |s| s.name.as_str()),
                "the first [[strategy]] must be NO_RESTAKING",
            ));
        }
        if self.strategies.len() > 8 {
            return Err(bad(
                "strategy",
                self.strategies.len(),
                "at most 8 strategies",
            ));
        }
        for (i, s) in self.strategies.iter().enumerate() {
            let key = |k: &str| format!("strategy[{i}].{k}");
            if s.name.is_empty() || s.name.len() > 32 {
                return Err(bad(&key("name"), &s.name, "1 ..= 32 bytes"));
            }
            if self.strategies[..i].iter().any(|o| o.name == s.name) {
                return Err(bad(
                    &key("name"),
                    &s.name,
                    "a name not used by an earlier strategy",
                ));
            }
            if s.weight > 255 {
                return Err(bad(&key("weight"), s.weight, "0 ..= 255"));
            }
            if s.noops == 0 && (s.initial_validators > 0 || s.registrations_per_day > 0.0) {
                return Err(bad(
                    &key("noops"),
                    s.noops,
                    "at least 1 when validators register",
                ));
            }
            if !(0.0..=1_000.0).contains(&s.registrations_per_day)
                || s.registrations_per_day > f64::from(s.noops)
            {
                return Err(bad(
                    &key("registrations_per_day"),
                    s.registrations_per_day,
                    "0 ..= noops (each NoOp registers at most once a day)",
                ));
            }
            if s.commitment_months.is_empty()
                || s.commitment_months.iter().any(|m| !(1..=36).contains(m))
            {
                return Err(bad(
                    &key("commitment_months"),
                    format!("{:?}", s.commitment_months),
                    "a non-empty list of months in 1 ..= 36 with a price",
                ));
            }
            probability(&key("renew_probability"), s.renew_probability)?;
            probability(
                &key("bad_registration_probability"),
                s.bad_registration_probability,
            )?;
            if !(0.0..=1_000.0).contains(&s.avs_revenue_eth_per_validator_year) {
                return Err(bad(
                    &key("avs_revenue_eth_per_validator_year"),
                    s.avs_revenue_eth_per_validator_year,
                    "0 ..= 1000 ETH",
                ));
            }
            if i == 0 && s.avs_revenue_eth_per_validator_year > 0.0 {
                return Err(bad(
                    &key("avs_revenue_eth_per_validator_year"),
                    s.avs_revenue_eth_per_validator_year,
                    "0: NO_RESTAKING can never restake",
                ));
            }
            if s.commission_bps > 5_000 {
                return Err(bad(&key("commission_bps"), s.commission_bps, "0 ..= 5000"));
            }
        }
        let b = &self.beacon;
        if !(0.0..=1.0).contains(&b.apr) {
            return Err(bad("beacon.apr", b.apr, "0 ..= 1"));
        }
        if !(0.0 <= b.performance_min
            && b.performance_min <= b.performance_max
            && b.performance_max <= 1.0)
        {
            return Err(bad(
                "beacon.performance_min/performance_max",
                format!("{} / {}", b.performance_min, b.performance_max),
                "0 <= min <= max <= 1",
            ));
        }
        if ![1, 3, 5, 9, 15, 25, 45, 75, 225].contains(&b.epochs_per_day) {
            return Err(bad(
                "beacon.epochs_per_day",
                b.epochs_per_day,
                "a divisor of 225: 1, 3, 5, 9, 15, 25, 45, 75 or 225",
            ));
        }
        let p = &self.parameters;
        for (i, (months, price)) in p.commitment_prices.iter().enumerate() {
            if !(1..=36).contains(months) || !(1.0..2.0).contains(price) {
                return Err(bad(
                    &format!("parameters.commitment_prices[{i}]"),
                    format!("[{months}, {price}]"),
                    "[months in 1 ..= 36, ETH in [1, 2)]",
                ));
            }
        }
        if p.protocol_fee_bps > 1_000 {
            return Err(bad(
                "parameters.protocol_fee_bps",
                p.protocol_fee_bps,
                "0 ..= 1000",
            ));
        }
        if p.guardian_fee_bps > 500 {
            return Err(bad(
                "parameters.guardian_fee_bps",
                p.guardian_fee_bps,
                "0 ..= 500",
            ));
        }
        if p.withdrawal_pool_share_bps > 5_000 {
            return Err(bad(
                "parameters.withdrawal_pool_share_bps",
                p.withdrawal_pool_share_bps,
                "0 ..= 5000",
            ));
        }
        if p.withdrawal_fee_bps > 300 {
            return Err(bad(
                "parameters.withdrawal_fee_bps",
                p.withdrawal_fee_bps,
                "0 ..= 300",
            ));
        }
        if !(1..=28).contains(&p.spurt_days) {
            return Err(bad("parameters.spurt_days", p.spurt_days, "1 ..= 28"));
        }
        if !(1.0..=32.0).contains(&p.bond_eth) {
            return Err(bad("parameters.bond_eth", p.bond_eth, "1 ..= 32 ETH"));
        }
        if !(16.0..=32.0).contains(&p.ejection_balance_eth) {
            return Err(bad(
                "parameters.ejection_balance_eth",
                p.ejection_balance_eth,
                "16 ..= 32 ETH",
            ));
        }
        if !(1..=10_000).contains(&p.max_rate_change_bps) {
            return Err(bad(
                "parameters.max_rate_change_bps",
                p.max_rate_change_bps,
                "1 ..= 10000",
            ));
        }
        if p.emergency_rate_change_bps > 10_000 {
            return Err(bad(
                "parameters.emergency_rate_change_bps",
                p.emergency_rate_change_bps,
                "0 ..= 10000",
            ));
        }
        if self.beacon.ethereum_validators == 0 {
            return Err(bad("beacon.ethereum_validators", 0, "at least 1"));
        }
        let g = &self.guardians;
        if g.count == 0 || g.count > 16 || 2 * g.threshold <= g.count || g.threshold > g.count {
            return Err(bad(
                "guardians.count/threshold",
                format!("{} / {}", g.count, g.threshold),
                "1 ..= 16 guardians, count / 2 < threshold <= count",
            ));
        }
        if !(0.0..1.0).contains(&self.lst.fee) {
            return Err(bad("lst.fee", self.lst.fee, "0 ..= 1 (exclusive)"));
        }
        Ok(())
    }

    /// Total validators registered before day 1.
    pub fn initial_validators(&self) -> u64 {
        self.strategies
            .iter()
            .map(|s| u64::from(s.initial_validators))
            .sum()
    }
}
