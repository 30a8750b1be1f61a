//! The simulated chain's parameters ([`SimConfig`]) and its reward and fault model ([`Scenario`]).

use puffer_keys::network::Network;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{BeaconError, Result};

/// Consensus parameters of the simulated chain. Defaults are mainnet's (Deneb values; see each field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    /// Seed of every random draw (validator performance factors).
    pub seed: u64,
    /// Unix time of slot 0.
    pub genesis_time: u64,
    /// `SECONDS_PER_SLOT` (12): the real-time clock's pace and the unit the APR is accrued in.
    pub seconds_per_slot: u64,
    /// `SLOTS_PER_EPOCH` (32).
    pub slots_per_epoch: u64,
    /// Fork versions and genesis validators root: deposits and exits are verified against them.
    pub network: Network,
    /// `SHARD_COMMITTEE_PERIOD` (256 epochs active before a voluntary exit is allowed).
    pub shard_committee_period: u64,
    /// `MIN_VALIDATOR_WITHDRAWABILITY_DELAY` (256 epochs from exit to withdrawable).
    pub min_validator_withdrawability_delay: u64,
    /// `MIN_PER_EPOCH_CHURN_LIMIT` (4).
    pub min_per_epoch_churn_limit: u64,
    /// `CHURN_LIMIT_QUOTIENT` (65536): churn = max(min, active / quotient).
    pub churn_limit_quotient: u64,
    /// `MAX_SEED_LOOKAHEAD` (4): activations and exits take effect `current + 1 + this`.
    pub max_seed_lookahead: u64,
    /// `EPOCHS_PER_SLASHINGS_VECTOR` (8192): the correlation window; slashed validators become withdrawable
    /// after it and pay the correlation penalty at its halfway point.
    pub epochs_per_slashings_vector: u64,
    /// Initial slashing penalty = effective balance / this: 32 (`MIN_SLASHING_PENALTY_QUOTIENT_BELLATRIX`,
    /// used through Deneb); Electra's is 4096.
    pub min_slashing_penalty_quotient: u64,
    /// `PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX` (3).
    pub proportional_slashing_multiplier: u64,
    /// `MAX_WITHDRAWALS_PER_PAYLOAD` (16): withdrawals per slot.
    pub max_withdrawals_per_slot: u64,
}

impl SimConfig {
    /// Mainnet parameters on a devnet whose genesis validators root is derived from `seed`
    /// (`SHA-256("puffer-beacon-sim" ‖ seed)`), with fork versions `0x10000020` (genesis) and `0x40000020`
    /// (Capella, also served as the current fork).
    pub fn new(seed: u64) -> Self {
        let mut h = Sha256::new();
        h.update(b"puffer-beacon-sim");
        h.update(seed.to_be_bytes());
        let network = Network {
            name: "puffer-sim".into(),
            genesis_fork_version: [0x10, 0, 0, 0x20],
            capella_fork_version: [0x40, 0, 0, 0x20],
            genesis_validators_root: h.finalize().into(),
        };
        Self {
            seed,
            genesis_time: 0,
            seconds_per_slot: 12,
            slots_per_epoch: 32,
            network,
            shard_committee_period: 256,
            min_validator_withdrawability_delay: 256,
            min_per_epoch_churn_limit: 4,
            churn_limit_quotient: 65_536,
            max_seed_lookahead: 4,
            epochs_per_slashings_vector: 8192,
            min_slashing_penalty_quotient: 32,
            proportional_slashing_multiplier: 3,
            max_withdrawals_per_slot: 16,
        }
    }

    /// Short delays for tests: 4 slots per epoch, exits allowed after 2 epochs, withdrawable 2 epochs after
    /// exit, a 16-epoch slashings window.
    pub fn fast(seed: u64) -> Self {
        Self {
            slots_per_epoch: 4,
            shard_committee_period: 2,
            min_validator_withdrawability_delay: 2,
            epochs_per_slashings_vector: 16,
            ..Self::new(seed)
        }
    }

    /// Seconds per epoch.
    pub fn seconds_per_epoch(&self) -> u64 {
        self.seconds_per_slot * self.slots_per_epoch
    }
}

/// The reward and fault model, loaded from TOML (see `scenarios/default.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Yearly reward rate of a perfectly performing validator on its effective balance (0.03 = 3 %).
    pub apr: f64,
    /// Each validator's performance factor is drawn uniformly from this range when it is created.
    #[serde(default)]
    pub performance: Performance,
    /// Spells during which validators miss every duty.
    #[serde(default)]
    pub offline: Vec<OfflineSpell>,
    /// Slashings at given epochs.
    #[serde(default)]
    pub slashing: Vec<SlashingEvent>,
}

/// Range of the per-validator performance factor `p` (fraction of duties done, 0..=1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Performance {
    /// Lowest factor.
    pub min: f64,
    /// Highest factor.
    pub max: f64,
}

impl Default for Performance {
    fn default() -> Self {
        Self { min: 1.0, max: 1.0 }
    }
}

/// Validators offline for epochs `from_epoch..to_epoch` (end exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineSpell {
    /// Validator indices.
    pub validators: Vec<u64>,
    /// First offline epoch.
    pub from_epoch: u64,
    /// First epoch back online.
    pub to_epoch: u64,
}

/// Validators slashed when the chain enters `epoch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashingEvent {
    /// The epoch.
    pub epoch: u64,
    /// Validator indices.
    pub validators: Vec<u64>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            apr: 0.03,
            performance: Performance::default(),
            offline: Vec::new(),
            slashing: Vec::new(),
        }
    }
}

impl Scenario {
    /// Parses and checks a TOML scenario.
    ///
    /// # Errors
    /// [`BeaconError::Scenario`] with the TOML error or the inconsistent value.
    pub fn from_toml(text: &str) -> Result<Self> {
        let s: Self = toml::from_str(text).map_err(|e| BeaconError::Scenario(e.to_string()))?;
        s.check()?;
        Ok(s)
    }

    /// Checks the ranges: `0 <= apr <= 1`, `0 <= min <= max <= 1`, spells not reversed.
    ///
    /// # Errors
    /// [`BeaconError::Scenario`] naming the bad value.
    pub fn check(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.apr) {
            return Err(BeaconError::Scenario(format!(
                "apr {} is not within 0..=1",
                self.apr
            )));
        }
        let p = self.performance;
        if !(0.0 <= p.min && p.min <= p.max && p.max <= 1.0) {
            return Err(BeaconError::Scenario(format!(
                "performance range {}..={} is not within 0..=1",
                p.min, p.max
            )));
        }
        if let Some(s) = self.offline.iter().find(|s| s.to_epoch < s.from_epoch) {
            return Err(BeaconError::Scenario(format!(
                "offline spell ends (epoch {}) before it starts (epoch {})",
                s.to_epoch, s.from_epoch
            )));
        }
        Ok(())
    }
}
