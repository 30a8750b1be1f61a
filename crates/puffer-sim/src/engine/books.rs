//! The books (conservation check), the day's record and the run's summary.

use std::collections::BTreeMap;

use alloy::primitives::{Address, U256};
use puffer_beacon::types::ValidatorStatus;
use puffer_chain::{Chain, bindings::PufferPool, contract::call_decode};

use crate::{
    error::{Result, SimError},
    metrics::{DayRecord, StrategyDay, Summary},
};

use super::{ExitCause, Simulation, chain_err, wei_to_eth};

impl Simulation {
    pub(super) fn protocol_addresses(&mut self) -> Result<Vec<Address>> {
        let day = self.day;
        let d = &self.deployment;
        let mut out = vec![
            d.pool().map_err(chain_err(day, "deployment"))?,
            d.withdrawal_pool().map_err(chain_err(day, "deployment"))?,
            d.protocol().map_err(chain_err(day, "deployment"))?,
            d.spurt_reporter().map_err(chain_err(day, "deployment"))?,
        ];
        for s in &self.strategies {
            out.push(s.address);
            out.push(s.pod);
        }
        Ok(out)
    }

    /// Records the day and checks the books.
    pub(super) fn finish_day(&mut self) -> Result<()> {
        let day = self.day;
        let mut held = U256::ZERO;
        for a in self.protocol_addresses()? {
            held += self.chain.balance(a).map_err(chain_err(day, "balance"))?;
        }
        self.ledger.held_wei = held;
        if self.ledger.in_wei != self.ledger.out_wei + held {
            return Err(SimError::Conservation {
                day,
                in_wei: self.ledger.in_wei.to_string(),
                out_wei: self.ledger.out_wei.to_string(),
                held_wei: held.to_string(),
            });
        }

        let pool = self
            .deployment
            .pool()
            .map_err(chain_err(day, "deployment"))?;
        let rate_wei = puffer_chain::rate(&mut self.chain, pool).map_err(chain_err(day, "rate"))?;
        let assets = call_decode(&mut self.chain, pool, &PufferPool::totalAssetsCall {})
            .map_err(chain_err(day, "totalAssets"))?;
        let supply = call_decode(&mut self.chain, pool, &PufferPool::totalSupplyCall {})
            .map_err(chain_err(day, "totalSupply"))?;
        let available = call_decode(&mut self.chain, pool, &PufferPool::availableETHCall {})
            .map_err(chain_err(day, "availableETH"))?;
        let locked = call_decode(&mut self.chain, pool, &PufferPool::lockedETHCall {})
            .map_err(chain_err(day, "lockedETH"))?;
        let liquidity =
            puffer_chain::liquidity(&mut self.chain, pool).map_err(chain_err(day, "liquidity"))?;

        // Beacon issuance of Puffer's validators (balance + withdrawn - 32 ETH each), and the plain LST.
        let mut issuance: i128 = 0;
        let mut active = 0u64;
        let mut strategies: Vec<StrategyDay> = self
            .strategies
            .iter()
            .map(|s| StrategyDay {
                name: s.label.clone(),
                ..StrategyDay::default()
            })
            .collect();
        let mut ejected = 0u64;
        let mut slashed = 0u64;
        for v in &self.validators {
            let sd = &mut strategies[v.strategy];
            if v.beacon_index.is_some() {
                issuance +=
                    i128::from(v.balance_gwei) + i128::from(v.withdrawn_gwei) - 32_000_000_000;
            }
            match (&v.status, v.provisioned) {
                (_, false) if v.skipped => sd.skipped += 1,
                (_, false) => sd.pending += 1,
                (None, true) => sd.provisioned += 1,
                (Some(s), true) => match s {
                    ValidatorStatus::PendingInitialized | ValidatorStatus::PendingQueued => {
                        sd.provisioned += 1;
                    }
                    ValidatorStatus::ActiveOngoing => {
                        sd.active += 1;
                        active += 1;
                    }
                    ValidatorStatus::ActiveExiting | ValidatorStatus::ActiveSlashed => {
                        sd.exiting += 1;
                        active += 1;
                    }
                    _ => sd.exited += 1,
                },
            }
            match v.exit {
                Some(ExitCause::Slashed) => slashed += 1,
                Some(ExitCause::Ejected(_)) => ejected += 1,
                None => {}
            }
        }
        let prev_active = self.records.last().map_or(0, |r| r.active_validators);
        let delta = issuance - self.issuance_gwei;
        self.issuance_gwei = issuance;
        if prev_active > 0 {
            let r = delta as f64 / (prev_active as f64 * 32e9);
            self.lst_rate *= 1.0 + r * (1.0 - self.scenario.lst.fee);
        }
        let rate = wei_to_eth(rate_wei);
        let rate0 = self.records.first().map_or(rate, |r| r.pufeth_rate);
        let years = f64::from(day) / 365.0;
        let apy = |now: f64, start: f64| {
            if years > 0.0 && start > 0.0 {
                (now / start).powf(1.0 / years) - 1.0
            } else {
                0.0
            }
        };
        let c = std::mem::take(&mut self.counters);
        let record = DayRecord {
            day,
            pufeth_rate: rate,
            pufeth_rate_wei: rate_wei.to_string(),
            pufeth_apy: apy(rate, rate0),
            lst_rate: self.lst_rate,
            lst_apy: apy(self.lst_rate, 1.0),
            tvl_eth: wei_to_eth(assets),
            pufeth_supply: wei_to_eth(supply),
            pool_eth: wei_to_eth(available),
            withdrawal_pool_eth: wei_to_eth(liquidity),
            locked_eth: wei_to_eth(locked),
            active_validators: active,
            strategies,
            deposits: c.deposits,
            deposited_eth: wei_to_eth(c.deposited_wei),
            redemptions: c.redemptions,
            redeemed_eth: wei_to_eth(c.redeemed_wei),
            liquidity_shortfalls: c.shortfalls,
            shortfall_eth: wei_to_eth(c.shortfall_wei),
            registrations: c.registrations,
            renewals: c.renewals,
            provisioned: c.provisioned,
            avs_fees_eth: wei_to_eth(c.avs_fees_wei),
            claims_eth: wei_to_eth(c.claims_wei),
            reports: c.reports,
            skipped: c.skipped,
            ejected_total: ejected,
            slashed_total: slashed,
            beacon_issuance_eth: issuance as f64 / 1e9,
            transactions: self.chain.transactions(),
            in_wei: self.ledger.in_wei.to_string(),
            out_wei: self.ledger.out_wei.to_string(),
            held_wei: held.to_string(),
        };
        self.records.push(record);
        Ok(())
    }

    /// Totals for the terminal and the report.
    pub fn summary(&self) -> Summary {
        let last = self.records.last();
        // Per commitment length: consensus rewards per year active minus the commitment's yearly cost
        // (commitments paid, bond excluded, over the months they bought).
        let bond = self.scenario.parameters.bond_eth;
        let mut by_months: BTreeMap<u64, (u64, f64, f64)> = BTreeMap::new();
        for v in &self.validators {
            let Some(activated) = v.activation_day else {
                continue;
            };
            let days_active = self.day.saturating_sub(activated);
            if days_active == 0 {
                continue;
            }
            let earned = (i128::from(v.balance_gwei) + i128::from(v.withdrawn_gwei)
                - 32_000_000_000) as f64
                / 1e9;
            let paid = wei_to_eth(v.paid_wei) - bond;
            let yearly_cost = paid * 12.0 / v.months_total.max(1) as f64;
            let yearly_earned = earned * 365.0 / f64::from(days_active);
            let e = by_months.entry(v.months_initial).or_default();
            e.0 += 1;
            e.1 += yearly_earned - yearly_cost;
            e.2 += paid;
        }
        Summary {
            days: self.day,
            validators_registered: self.validators.len() as u64,
            validators_provisioned: self.validators.iter().filter(|v| v.provisioned).count() as u64,
            validators_skipped: self.validators.iter().filter(|v| v.skipped).count() as u64,
            active_validators: last.map_or(0, |r| r.active_validators),
            transactions: self.chain.transactions(),
            gas: self
                .chain
                .gas()
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            pufeth_rate: last.map_or(1.0, |r| r.pufeth_rate),
            pufeth_apy: last.map_or(0.0, |r| r.pufeth_apy),
            lst_apy: last.map_or(0.0, |r| r.lst_apy),
            tvl_eth: last.map_or(0.0, |r| r.tvl_eth),
            liquidity_shortfalls: self.records.iter().map(|r| r.liquidity_shortfalls).sum(),
            shortfall_eth: self.records.iter().map(|r| r.shortfall_eth).sum(),
            ejected: last.map_or(0, |r| r.ejected_total),
            slashed: last.map_or(0, |r| r.slashed_total),
            governance_failures: self.governance_failures,
            reports: self.rate_moves_bps.len() as u64,
            reports_refused: self.report_failures,
            emergencies: self.emergencies,
            largest_rate_drop_bps: self
                .rate_moves_bps
                .iter()
                .map(|(_, m)| -*m)
                .max()
                .unwrap_or(0)
                .max(0),
            ejected_by_reason: {
                let mut m: BTreeMap<String, u64> = BTreeMap::new();
                for v in &self.validators {
                    if let Some(ExitCause::Ejected(r)) = v.exit {
                        *m.entry(format!("{r:?}")).or_default() += 1;
                    }
                }
                m.into_iter().collect()
            },
            restaking_share: {
                let total = self.validators.iter().filter(|v| v.provisioned).count();
                let restaked = self
                    .validators
                    .iter()
                    .filter(|v| v.provisioned && v.strategy > 0)
                    .count();
                if total == 0 {
                    0.0
                } else {
                    restaked as f64 / total as f64
                }
            },
            noop_returns: by_months
                .into_iter()
                .map(|(m, (n, net, paid))| crate::metrics::NoOpReturn {
                    months: m,
                    validators: n,
                    net_eth_per_validator_year: net / n as f64,
                    commitment_paid_eth_per_validator: paid / n as f64,
                })
                .collect(),
            conserved_to_the_wei: true,
            in_wei: self.ledger.in_wei.to_string(),
            out_wei: self.ledger.out_wei.to_string(),
            held_wei: self.ledger.held_wei.to_string(),
        }
    }

    /// The relayer that submits the guardians' transactions.
    pub fn relayer(&self) -> Address {
        self.relayer.address()
    }
}
