//! The agents' day: the beacon node catching up, stakers, NoOps (keys, registrations, renewals), AVS fees.

use alloy::primitives::U256;
use puffer_beacon::{
    ChainCredit, ExecutionCredit, StateId, sim::DepositOutcome, types::ValidatorStatus,
};
use puffer_chain::{
    Chain,
    bindings::PufferProtocol,
    contract::{call_decode, transact},
    dev_signer,
};
use rand::Rng;

use crate::{
    error::{Result, SimError},
    keys,
};

use super::{
    DevAVS, ExitCause, MONTH_SECS, RENEW_NOTICE_SECS, Simulation, ValidatorRec, WEI_PER_GWEI,
    chain_err, eth_to_wei,
};

impl Simulation {
    /// Deposits in, epochs up to now, withdrawals out to the pods, then the validators' beacon view.
    pub(super) fn beacon_catch_up(&mut self) -> Result<()> {
        let day = self.day;
        let dc = self.deposit_contract()?;
        let outcomes = self
            .node
            .follow_deposits(&mut self.chain, dc)
            .map_err(|source| SimError::Beacon { day, source })?;
        for outcome in outcomes {
            if let DepositOutcome::Created(index) = outcome
                && let Some(v) = self.awaiting_beacon.pop_front()
            {
                self.validators[v].beacon_index = Some(index);
                self.by_beacon.insert(index, v);
            }
        }
        let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
        let slot = self.node.slot_at(now);
        self.node.advance_to_slot(slot);
        let withdrawals = self.node.take_withdrawals();
        let mut credit = ChainCredit(&mut self.chain);
        for w in &withdrawals {
            credit
                .credit(w.address, w.amount)
                .map_err(|source| SimError::Beacon { day, source })?;
            self.ledger.in_wei += U256::from(w.amount) * U256::from(WEI_PER_GWEI);
            if let Some(&v) = self.by_beacon.get(&w.index) {
                self.validators[v].withdrawn_gwei += w.amount;
                self.validators[v].withdrawn_since_report_gwei += w.amount;
            }
        }
        let data = self
            .node
            .validators(StateId::Head, &[], &[])
            .map_err(|source| SimError::Beacon { day, source })?;
        for d in data {
            let Some(&v) = self.by_beacon.get(&d.index) else {
                continue;
            };
            let rec = &mut self.validators[v];
            rec.balance_gwei = d.balance;
            rec.status = Some(d.status);
            if rec.activation_day.is_none()
                && matches!(
                    d.status,
                    ValidatorStatus::ActiveOngoing
                        | ValidatorStatus::ActiveExiting
                        | ValidatorStatus::ActiveSlashed
                )
            {
                let config = self.node.config();
                rec.activation_day = Some(day);
                rec.activation_epoch = d.validator.activation_epoch;
                rec.activated_at =
                    config.genesis_time + d.validator.activation_epoch * config.seconds_per_epoch();
            }
            if d.validator.slashed && rec.exit.is_none() {
                rec.exit = Some(ExitCause::Slashed);
            }
            if matches!(d.status, ValidatorStatus::WithdrawalDone) {
                rec.exited = true;
            }
        }
        Ok(())
    }

    pub(super) fn stakers_act(&mut self) -> Result<()> {
        let day = self.day;
        let st = self.scenario.stakers.clone();
        for i in 0..self.stakers.len() {
            let r: f64 = self.rng.r#gen();
            if r < st.daily_deposit_probability {
                let eth = self.rng.gen_range(st.deposit_min_eth..=st.deposit_max_eth);
                let wei = eth_to_wei(eth);
                self.chain.label("staker deposit");
                self.stakers[i]
                    .deposit(&mut self.chain, wei)
                    .map_err(chain_err(day, "staker deposit"))?;
                self.ledger.in_wei += wei;
                self.counters.deposits += 1;
                self.counters.deposited_wei += wei;
            } else if r < st.daily_deposit_probability + st.daily_redeem_probability {
                let fraction = self
                    .rng
                    .gen_range(st.redeem_fraction_min..=st.redeem_fraction_max);
                let balance = self.stakers[i]
                    .pufeth_balance(&mut self.chain)
                    .map_err(chain_err(day, "pufETH balance"))?;
                if balance.is_zero() {
                    continue;
                }
                let ppm = U256::from((fraction * 1e6) as u64);
                let shares = (balance * ppm / U256::from(1_000_000u64)).max(U256::from(1u64));
                let quote = self.stakers[i]
                    .quote_redeem(&mut self.chain, shares)
                    .map_err(chain_err(day, "quote"))?;
                let liquidity = self.stakers[i]
                    .liquidity(&mut self.chain)
                    .map_err(chain_err(day, "liquidity"))?;
                if quote > liquidity || quote.is_zero() {
                    self.counters.shortfalls += 1;
                    self.counters.shortfall_wei += quote.saturating_sub(liquidity);
                    continue;
                }
                self.chain.label("staker redeem");
                let receiver = self.stakers[i].address();
                let paid = self.stakers[i]
                    .redeem(&mut self.chain, shares, receiver, quote)
                    .map_err(chain_err(day, "staker redeem"))?;
                self.ledger.out_wei += paid;
                self.counters.redemptions += 1;
                self.counters.redeemed_wei += paid;
            }
        }
        Ok(())
    }

    pub(super) fn noops_act(&mut self) -> Result<()> {
        // New registrations: each NoOp registers with probability registrations_per_day / noops.
        let mut plan = Vec::new();
        for (si, spec) in self.scenario.strategies.iter().enumerate() {
            if spec.noops == 0 {
                continue;
            }
            let p = spec.registrations_per_day / f64::from(spec.noops);
            for &n in &self.strategies[si].noops {
                if self.rng.r#gen::<f64>() < p {
                    let m =
                        spec.commitment_months[self.rng.gen_range(0..spec.commitment_months.len())];
                    plan.push((si, n, m));
                }
            }
        }
        self.register_all(&plan)?;
        self.renewals()
    }

    pub(super) fn renewals(&mut self) -> Result<()> {
        let day = self.day;
        let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
        for v in 0..self.validators.len() {
            let rec = &self.validators[v];
            if rec.activation_day.is_none()
                || rec.exit.is_some()
                || rec.exited
                || rec.renewal_decided
            {
                continue;
            }
            let expiry = rec.activated_at + rec.months_total * MONTH_SECS;
            if now + RENEW_NOTICE_SECS < expiry {
                continue;
            }
            let p = self.scenario.strategies[rec.strategy].renew_probability;
            if self.rng.r#gen::<f64>() >= p {
                // The NoOp lets it run out; the guardians eject it at expiry.
                self.validators[v].renewal_decided = true;
                continue;
            }
            let (noop, id, months) = (rec.noop, rec.id, rec.months_initial);
            let price = call_decode(
                &mut self.chain,
                self.deployment
                    .protocol()
                    .map_err(chain_err(day, "deployment"))?,
                &PufferProtocol::commitmentPriceCall {
                    months: U256::from(months),
                },
            )
            .map_err(chain_err(day, "commitmentPrice"))?;
            self.chain.label("extend commitment");
            self.noops[noop]
                .client
                .extend(&mut self.chain, id, months)
                .map_err(chain_err(day, "extendCommitment"))?;
            self.ledger.in_wei += price;
            let rec = &mut self.validators[v];
            rec.paid_wei += price;
            rec.months_total += months;
            self.counters.renewals += 1;
        }
        Ok(())
    }

    /// Registers `(strategy, noop, months)` validators with fresh bundles (made in parallel).
    pub(super) fn register_all(&mut self, plan: &[(usize, usize, u64)]) -> Result<()> {
        let day = self.day;
        let threshold = self.scenario.guardians.threshold as usize;
        for si in 0..self.strategies.len() {
            let mine: Vec<&(usize, usize, u64)> = plan.iter().filter(|p| p.0 == si).collect();
            if mine.is_empty() {
                continue;
            }
            let indices: Vec<u64> = (0..mine.len() as u64)
                .map(|k| self.next_key_index + k)
                .collect();
            self.next_key_index += mine.len() as u64;
            let bundles = keys::bundles(
                self.scenario.seed,
                &indices,
                self.strategies[si].credentials,
                &self.network,
                &self.enclave_pubkeys,
                threshold,
            )?;
            let p_bad = self.scenario.strategies[si].bad_registration_probability;
            for (&&(si, n, months), bundle) in mine.iter().zip(&bundles) {
                // Drawn only when the scenario asks for bad registrations, so other runs keep their stream.
                let bundle = if p_bad > 0.0 && self.rng.r#gen::<f64>() < p_bad {
                    let mut broken = bundle.clone();
                    let last = if broken.deposit_signature.ends_with('0') {
                        "1"
                    } else {
                        "0"
                    };
                    broken.deposit_signature.pop();
                    broken.deposit_signature.push_str(last);
                    broken
                } else {
                    bundle.clone()
                };
                let bundle = &bundle;
                let cost = self.noops[n]
                    .client
                    .registration_cost(&mut self.chain, months)
                    .map_err(chain_err(day, "registration cost"))?;
                self.chain.label("register validator");
                let id = self.noops[n]
                    .client
                    .register(&mut self.chain, bundle, self.strategies[si].name, months)
                    .map_err(chain_err(day, "registerValidatorKey"))?;
                self.ledger.in_wei += cost;
                self.by_id.insert(id, self.validators.len());
                self.validators.push(ValidatorRec {
                    id,
                    strategy: si,
                    noop: n,
                    owner: self.noops[n].client.address(),
                    months_initial: months,
                    months_total: months,
                    paid_wei: cost,
                    provisioned: false,
                    skipped: false,
                    beacon_index: None,
                    activation_day: None,
                    activation_epoch: 0,
                    activated_at: 0,
                    renewal_decided: false,
                    exit: None,
                    exited: false,
                    withdrawn_gwei: 0,
                    withdrawn_since_report_gwei: 0,
                    balance_gwei: 0,
                    status: None,
                    activation_reported: false,
                    exit_reported: false,
                });
                self.counters.registrations += 1;
            }
        }
        Ok(())
    }

    pub(super) fn avs_pay(&mut self) -> Result<()> {
        let day = self.day;
        for si in 0..self.strategies.len() {
            let Some(avs) = self.strategies[si].avs else {
                continue;
            };
            let per_year = self.scenario.strategies[self.strategies[si].spec]
                .avs_revenue_eth_per_validator_year;
            let active = self
                .validators
                .iter()
                .filter(|v| {
                    v.strategy == si && v.activation_day.is_some() && !v.exited && v.exit.is_none()
                })
                .count();
            let fee = eth_to_wei(per_year * active as f64 / 365.0);
            if fee.is_zero() {
                continue;
            }
            self.chain.label("AVS fee payment");
            transact(
                &mut self.chain,
                &dev_signer(4),
                avs,
                &DevAVS::payFeesCall {
                    strategy: self.strategies[si].address,
                    amountWei: fee,
                },
                U256::ZERO,
            )
            .map_err(chain_err(day, "DevAVS.payFees"))?;
            self.ledger.in_wei += fee;
            self.counters.avs_fees_wei += fee;
            self.avs_since_report[si] += fee;
        }
        Ok(())
    }
}
