//! The guardians' day (custody, provisioning, ejections, spurt reports) and governance's timelock actions.

use alloy::{primitives::U256, sol_types::SolCall};
use puffer_beacon::types::ValidatorStatus;
use puffer_chain::{
    Chain, ChainError,
    bindings::{PufferPool, PufferProtocol, SpurtReporter},
    contract::{call_decode, transact},
};

use puffer_guardian::{
    EjectionCandidate, ExitReason, SpurtInputs,
    ejection::{commitment_expired, ejection_reason},
    report::{StrategyInput, ValidatorInput},
};

use crate::{error::Result, guardians::GuardianSetError};

use super::{
    ExitCause, Simulation, VALIDATOR_WEI, WEI_PER_GWEI, chain_err, eth_to_wei, guardian_err,
    wei_to_eth,
};

impl Simulation {
    /// The guardians' day: custody checks of new registrations (skips for failures), provisioning as far as
    /// the pool's free ETH goes, the ejection scan, and the growth-spurt report when one is due.
    pub(super) fn guardian_duties(&mut self) -> Result<()> {
        let day = self.day;
        self.chain.label("skip provisioning");
        let t = std::time::Instant::now();
        let skips = self
            .guardians
            .follow_registrations(&mut self.chain)
            .map_err(guardian_err(day, "custody checks"))?;
        *self.timings.entry("guardians: custody checks").or_default() += t.elapsed().as_secs_f64();
        for id in skips {
            self.guardians
                .skip(&mut self.chain, id)
                .map_err(guardian_err(day, "skipProvisioning"))?;
            if let Some(&v) = self.by_id.get(&id) {
                self.validators[v].skipped = true;
            }
            self.counters.skipped += 1;
        }
        let pool = self
            .deployment
            .pool()
            .map_err(chain_err(day, "deployment"))?;
        let available = call_decode(&mut self.chain, pool, &PufferPool::availableETHCall {})
            .map_err(chain_err(day, "availableETH"))?;
        let can = (available / U256::from(VALIDATOR_WEI)).saturating_to::<usize>();
        if can > 0 {
            self.chain.label("provision validators");
            let ids = self
                .guardians
                .provision(&mut self.chain, can)
                .map_err(guardian_err(day, "provisioning"))?;
            for id in ids {
                if let Some(&v) = self.by_id.get(&id) {
                    self.validators[v].provisioned = true;
                    self.awaiting_beacon.push_back(v);
                }
                self.ledger.out_wei += U256::from(VALIDATOR_WEI);
                self.counters.provisioned += 1;
            }
        }
        if day > 0 {
            let t = std::time::Instant::now();
            self.ejections()?;
            *self.timings.entry("guardians: ejection scan").or_default() +=
                t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            self.reports()?;
            *self.timings.entry("guardians: reports").or_default() += t.elapsed().as_secs_f64();
        }
        Ok(())
    }

    /// The guardians' ejection rules (`puffer_guardian::ejection`) over the beacon state; ejections go out as
    /// voluntary exits combined from the guardians' partial signatures.
    pub(super) fn ejections(&mut self) -> Result<()> {
        let day = self.day;
        let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
        let ejection_gwei = (self.scenario.parameters.ejection_balance_eth * 1e9).round() as u64;
        let protocol = self
            .deployment
            .protocol()
            .map_err(chain_err(day, "deployment"))?;
        for v in 0..self.validators.len() {
            let rec = &self.validators[v];
            let (Some(status), Some(index)) = (rec.status, rec.beacon_index) else {
                continue;
            };
            if rec.exit.is_some() || status != ValidatorStatus::ActiveOngoing {
                continue;
            }
            let mut expired = commitment_expired(rec.activated_at, rec.months_total, now);
            if expired {
                // The guardians read the months bought (extensions included) from the chain.
                let on_chain = call_decode(
                    &mut self.chain,
                    protocol,
                    &PufferProtocol::validatorCall {
                        validatorId: rec.id,
                    },
                )
                .map_err(chain_err(day, "validator record"))?;
                expired = commitment_expired(rec.activated_at, u64::from(on_chain.months), now);
            }
            let Some(reason) =
                ejection_reason(status, rec.balance_gwei, ejection_gwei, expired, false)
            else {
                continue;
            };
            let candidate = EjectionCandidate {
                validator_id: rec.id,
                validator_index: index,
                epoch: rec.activation_epoch,
                reason,
                submitted: false,
            };
            if self
                .guardians
                .eject(&mut self.chain, &mut self.node, &candidate)
                .map_err(guardian_err(day, "ejection"))?
            {
                self.validators[v].exit = Some(ExitCause::Ejected(reason));
            }
        }
        Ok(())
    }

    /// At a spurt's end: the guardians build, sign and post the report; activations and exits are processed;
    /// NoOps claim; the accrued fees are withdrawn. A report that would move the rate more than the bound takes
    /// the emergency path (governance raises the bound through the timelock, the report is re-signed and
    /// posted on a later day, the bound is restored).
    pub(super) fn reports(&mut self) -> Result<()> {
        let day = self.day;
        let reporter = self
            .deployment
            .spurt_reporter()
            .map_err(chain_err(day, "deployment"))?;
        if let Some(op) = self.emergency.clone() {
            let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
            if now < op.ready_at {
                return Ok(());
            }
            self.chain.label("governance (timelock)");
            self.governance
                .execute(&mut self.chain, &op)
                .map_err(chain_err(day, "raising maxRateChangeBps"))?;
            self.emergency = None;
            self.restore_bound = true;
        }
        loop {
            let clock = self
                .guardians
                .reports()
                .clock(&mut self.chain)
                .map_err(chain_err(day, "spurt clock"))?;
            if !clock.report_due() {
                break;
            }
            let spurt = clock.next_report;
            // A refused report is re-signed with the same content (a guardian signs one report per spurt).
            let inputs = match self.refused_report.take() {
                Some(inputs) if inputs.spurt == spurt => inputs,
                _ => self.spurt_inputs(spurt),
            };
            let pool = self
                .deployment
                .pool()
                .map_err(chain_err(day, "deployment"))?;
            let before =
                puffer_chain::rate(&mut self.chain, pool).map_err(chain_err(day, "rate"))?;
            self.chain.label("post spurt report");
            let build = match self.guardians.report(&mut self.chain, &inputs) {
                Ok(build) => build,
                Err(GuardianSetError::Chain(ChainError::Reverted { error, .. }))
                    if error.is::<SpurtReporter::ReportRateChangeTooLarge>() =>
                {
                    self.report_failures += 1;
                    self.refused_report = Some(inputs);
                    let bps = self.scenario.parameters.emergency_rate_change_bps;
                    if bps > 0 && self.emergency.is_none() {
                        self.emergencies += 1;
                        let call = SpurtReporter::setMaxRateChangeBpsCall {
                            maxBps: U256::from(bps),
                        };
                        self.chain.label("governance (timelock)");
                        let op = self
                            .governance
                            .schedule(&mut self.chain, reporter, call.abi_encode().into())
                            .map_err(chain_err(day, "scheduling setMaxRateChangeBps"))?;
                        self.emergency = Some(op);
                    }
                    return Ok(());
                }
                Err(e) => return Err(guardian_err(day, "spurt report")(e)),
            };
            let after =
                puffer_chain::rate(&mut self.chain, pool).map_err(chain_err(day, "rate"))?;
            let moved = if after >= before {
                ((after - before) * U256::from(10_000u64) / before).saturating_to::<i64>()
            } else {
                -((before - after) * U256::from(10_000u64) / before).saturating_to::<i64>()
            };
            self.rate_moves_bps.push((spurt, moved));
            self.counters.reports += 1;
            self.after_report(&inputs, &build)?;
        }
        if self.restore_bound {
            self.restore_bound = false;
            let call = SpurtReporter::setMaxRateChangeBpsCall {
                maxBps: U256::from(self.scenario.parameters.max_rate_change_bps),
            };
            self.chain.label("governance (timelock)");
            let op = self
                .governance
                .schedule(&mut self.chain, reporter, call.abi_encode().into())
                .map_err(chain_err(day, "scheduling setMaxRateChangeBps"))?;
            self.pending_restore = Some(op);
        }
        Ok(())
    }

    /// What the guardians observe at a spurt's end (`puffer_guardian::SpurtInputs`).
    pub(super) fn spurt_inputs(&self, spurt: u64) -> SpurtInputs {
        let strategies = self
            .strategies
            .iter()
            .enumerate()
            .map(|(si, s)| StrategyInput {
                address: s.address,
                restaking: si > 0,
                commission_bps: self.scenario.strategies[s.spec].commission_bps,
                avs_revenue_wei: self.avs_since_report[si],
            })
            .collect();
        let gwei = U256::from(WEI_PER_GWEI);
        let validators = self
            .validators
            .iter()
            .filter(|v| v.provisioned && v.beacon_index.is_some() && !v.exit_reported)
            .map(|v| {
                let exit = v.exited.then(|| {
                    let reason = match v.exit {
                        Some(ExitCause::Ejected(r)) => r,
                        _ => ExitReason::BalanceBelowEjection,
                    };
                    (U256::from(v.withdrawn_since_report_gwei) * gwei, reason)
                });
                ValidatorInput {
                    validator_id: v.id,
                    strategy_index: v.strategy,
                    owner: v.owner,
                    active: v.activation_day.is_some() && !v.exited,
                    balance_gwei: if v.exited { 0 } else { v.balance_gwei },
                    rewards_wei: if v.exited {
                        U256::ZERO
                    } else {
                        U256::from(v.withdrawn_since_report_gwei) * gwei
                    },
                    activated: v.activation_day.is_some() && !v.activation_reported,
                    exit,
                }
            })
            .collect();
        SpurtInputs {
            spurt,
            ethereum_validators: self.scenario.beacon.ethereum_validators,
            strategies,
            validators,
        }
    }

    pub(super) fn after_report(
        &mut self,
        inputs: &SpurtInputs,
        build: &puffer_guardian::SpurtBuild,
    ) -> Result<()> {
        let day = self.day;
        // What the report covered is settled; withdrawals and fees that arrived since its snapshot stay for the
        // next one.
        let gwei = U256::from(WEI_PER_GWEI);
        for v in &inputs.validators {
            if let Some(&i) = self.by_id.get(&v.validator_id) {
                let rec = &mut self.validators[i];
                let covered = v.exit.map_or(v.rewards_wei, |(returned, _)| returned) / gwei;
                rec.withdrawn_since_report_gwei = rec
                    .withdrawn_since_report_gwei
                    .saturating_sub(covered.saturating_to());
                rec.activation_reported |= v.activated;
                rec.exit_reported |= v.exit.is_some();
            }
        }
        for (a, s) in self.avs_since_report.iter_mut().zip(&inputs.strategies) {
            *a = a.saturating_sub(s.avs_revenue_wei);
        }
        self.chain.label("process activations/exits");
        self.guardians
            .process(&mut self.chain, build)
            .map_err(guardian_err(day, "processing the report"))?;
        let spurt = build.trees.spurt;
        self.chain.label("NoOp claim");
        for s in &build.trees.strategies {
            for c in &s.claims {
                let Some(&n) = self.noop_by_address.get(&c.node) else {
                    continue;
                };
                self.noops[n]
                    .client
                    .claim(
                        &mut self.chain,
                        s.strategy,
                        spurt,
                        c.amount_wei,
                        c.proof.clone(),
                    )
                    .map_err(chain_err(day, "claim"))?;
                self.ledger.out_wei += c.amount_wei;
                self.counters.claims_wei += c.amount_wei;
            }
        }
        let protocol = self
            .deployment
            .protocol()
            .map_err(chain_err(day, "deployment"))?;
        let params = call_decode(
            &mut self.chain,
            protocol,
            &PufferProtocol::parametersCall {},
        )
        .map_err(chain_err(day, "parameters"))?;
        let fees = params.accruedTreasuryWei + params.accruedGuardianWei;
        if !fees.is_zero() {
            self.chain.label("withdraw fees");
            transact(
                &mut self.chain,
                &self.relayer,
                protocol,
                &PufferProtocol::withdrawFeesCall {},
                U256::ZERO,
            )
            .map_err(chain_err(day, "withdrawFees"))?;
            self.ledger.out_wei += fees;
        }
        Ok(())
    }

    pub(super) fn governance_act(&mut self) -> Result<()> {
        let day = self.day;
        let target_fraction = self.scenario.stakers.liquidity_target;
        if target_fraction <= 0.0 {
            return Ok(());
        }
        let pool = self
            .deployment
            .pool()
            .map_err(chain_err(day, "deployment"))?;
        if let Some(op) = &self.pending_liquidity {
            let now = self.chain.timestamp().map_err(chain_err(day, "clock"))?;
            if now >= op.ready_at {
                let op = op.clone();
                self.pending_liquidity = None;
                self.chain.label("governance (timelock)");
                if self.governance.execute(&mut self.chain, &op).is_err() {
                    // The pool's free ETH went to validators meanwhile: the operation stays unexecuted.
                    self.governance_failures += 1;
                }
            }
            return Ok(());
        }
        let assets = call_decode(&mut self.chain, pool, &PufferPool::totalAssetsCall {})
            .map_err(chain_err(day, "totalAssets"))?;
        let liquidity =
            puffer_chain::liquidity(&mut self.chain, pool).map_err(chain_err(day, "liquidity"))?;
        let target = eth_to_wei(wei_to_eth(assets) * target_fraction);
        if liquidity >= target {
            return Ok(());
        }
        let available = call_decode(&mut self.chain, pool, &PufferPool::availableETHCall {})
            .map_err(chain_err(day, "availableETH"))?;
        let amount = (target - liquidity).min(available / U256::from(2u64));
        if amount.is_zero() {
            return Ok(());
        }
        let call = PufferPool::moveLiquidityCall {
            toWithdrawalPool: true,
            amountWei: amount,
        };
        self.chain.label("governance (timelock)");
        let op = self
            .governance
            .schedule(&mut self.chain, pool, call.abi_encode().into())
            .map_err(chain_err(day, "scheduling moveLiquidity"))?;
        self.pending_liquidity = Some(op);
        Ok(())
    }
}
