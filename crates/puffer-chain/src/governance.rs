//! Governance: the DAO's staker-side setters, each scheduled on the TimelockController and executed after its
//! delay. The timelock holds ROLE_DAO in the AccessManager (without an execution delay), so the executed call
//! passes the target's `restricted` check.

use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};

use crate::{
    ChainError, Result,
    bindings::{PufferPool, TimelockController, WithdrawalPool},
    chain::Chain,
    contract::{call_decode, transact},
    deploy::Deployment,
};

/// A timelocked call that has been scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The timelock's operation id (`hashOperation`).
    pub id: B256,
    /// The contract called.
    pub target: Address,
    /// The calldata.
    pub data: Bytes,
    /// The salt that makes the id unique.
    pub salt: B256,
    /// Earliest timestamp at which it can be executed.
    pub ready_at: u64,
}

/// The DAO: proposer and executor on the timelock.
#[derive(Debug, Clone)]
pub struct Governance {
    dao: PrivateKeySigner,
    timelock: Address,
    pool: Address,
    withdrawal_pool: Address,
    salt_counter: u64,
}

impl Governance {
    /// The DAO holding `dao` (the timelock's proposer and executor) on `deployment`.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] when the deployment lacks the timelock or the pools.
    pub fn new(dao: PrivateKeySigner, deployment: &Deployment) -> Result<Self> {
        Ok(Self {
            dao,
            timelock: deployment.timelock()?,
            pool: deployment.pool()?,
            withdrawal_pool: deployment.withdrawal_pool()?,
            salt_counter: 0,
        })
    }

    /// Schedules `data` on `target` with the timelock's minimum delay.
    ///
    /// # Errors
    /// Reverts (e.g. the signer is not a proposer: `AccessControlUnauthorizedAccount`) decoded.
    pub fn schedule(
        &mut self,
        chain: &mut dyn Chain,
        target: Address,
        data: Bytes,
    ) -> Result<Operation> {
        let delay = call_decode(
            chain,
            self.timelock,
            &TimelockController::getMinDelayCall {},
        )?;
        // Unique per call of this client and per block, so the same action can be proposed again later.
        self.salt_counter += 1;
        let block = chain.block_number()?;
        let salt = keccak256([block.to_be_bytes(), self.salt_counter.to_be_bytes()].concat());
        let call = TimelockController::scheduleCall {
            target,
            value: U256::ZERO,
            data: data.clone(),
            predecessor: B256::ZERO,
            salt,
            delay,
        };
        transact(chain, &self.dao, self.timelock, &call, U256::ZERO)?;
        let id = call_decode(
            chain,
            self.timelock,
            &TimelockController::hashOperationCall {
                target,
                value: U256::ZERO,
                data: data.clone(),
                predecessor: B256::ZERO,
                salt,
            },
        )?;
        let ready_at = call_decode(
            chain,
            self.timelock,
            &TimelockController::getTimestampCall { id },
        )?;
        tracing::info!(%id, %target, ready_at = %ready_at, "timelock operation scheduled");
        Ok(Operation {
            id,
            target,
            data,
            salt,
            ready_at: ready_at.saturating_to(),
        })
    }

    /// Executes a scheduled operation whose delay has passed.
    ///
    /// # Errors
    /// `TimelockUnexpectedOperationState` when it is not ready yet, and the target's own errors, decoded.
    pub fn execute(&self, chain: &mut dyn Chain, op: &Operation) -> Result<()> {
        let call = TimelockController::executeCall {
            target: op.target,
            value: U256::ZERO,
            payload: op.data.clone(),
            predecessor: B256::ZERO,
            salt: op.salt,
        };
        transact(chain, &self.dao, self.timelock, &call, U256::ZERO)?;
        tracing::info!(id = %op.id, "timelock operation executed");
        Ok(())
    }

    /// Schedules `call` on `target`, waits out the delay (dev chains: by advancing time), and executes it.
    ///
    /// # Errors
    /// [`ChainError::TimelockPending`] on a real chain, where the caller must [`Governance::execute`] the
    /// operation after its `ready_at`; reverts decoded.
    pub fn enact<C: SolCall>(
        &mut self,
        chain: &mut dyn Chain,
        target: Address,
        call: &C,
    ) -> Result<Operation> {
        let op = self.schedule(chain, target, call.abi_encode().into())?;
        let now = chain.timestamp()?;
        if now < op.ready_at {
            if !chain.is_dev() {
                return Err(ChainError::TimelockPending {
                    id: op.id,
                    ready_at: op.ready_at,
                });
            }
            chain.advance_time(op.ready_at - now)?;
        }
        self.execute(chain, &op)?;
        Ok(op)
    }

    /// Moves `wei` of pool ETH to the WithdrawalPool (`toWithdrawalPool = true`) or back.
    ///
    /// # Errors
    /// As [`Governance::enact`]; `PoolInsufficientETH` / `InsufficientLiquidity`.
    pub fn move_liquidity(
        &mut self,
        chain: &mut dyn Chain,
        to_withdrawal_pool: bool,
        wei: U256,
    ) -> Result<Operation> {
        let call = PufferPool::moveLiquidityCall {
            toWithdrawalPool: to_withdrawal_pool,
            amountWei: wei,
        };
        let pool = self.pool;
        self.enact(chain, pool, &call)
    }

    /// Sets the per-spurt mint cap in pufETH (`U256::MAX` removes it).
    ///
    /// # Errors
    /// As [`Governance::enact`].
    pub fn set_mint_cap(&mut self, chain: &mut dyn Chain, cap_shares: U256) -> Result<Operation> {
        let pool = self.pool;
        self.enact(
            chain,
            pool,
            &PufferPool::setMintCapCall {
                capShares: cap_shares,
            },
        )
    }

    /// Sets the share of inflows kept as exit liquidity, in basis points (at most 5000).
    ///
    /// # Errors
    /// As [`Governance::enact`]; `PoolParameterOutOfBounds`.
    pub fn set_withdrawal_pool_share(
        &mut self,
        chain: &mut dyn Chain,
        share_bps: u64,
    ) -> Result<Operation> {
        let pool = self.pool;
        let call = PufferPool::setWithdrawalPoolShareCall {
            shareBps: U256::from(share_bps),
        };
        self.enact(chain, pool, &call)
    }

    /// Sets the growth-spurt length from the next spurt on (1 to 28 days).
    ///
    /// # Errors
    /// As [`Governance::enact`]; `PoolParameterOutOfBounds`.
    pub fn set_spurt_length(&mut self, chain: &mut dyn Chain, seconds: u64) -> Result<Operation> {
        let pool = self.pool;
        let call = PufferPool::setSpurtLengthCall {
            lengthSeconds: U256::from(seconds),
        };
        self.enact(chain, pool, &call)
    }

    /// Sets the withdrawal fee in basis points (at most 300).
    ///
    /// # Errors
    /// As [`Governance::enact`]; `WithdrawalFeeTooHigh`.
    pub fn set_withdrawal_fee(&mut self, chain: &mut dyn Chain, fee_bps: u64) -> Result<Operation> {
        let wp = self.withdrawal_pool;
        let call = WithdrawalPool::setWithdrawalFeeCall {
            feeBps: U256::from(fee_bps),
        };
        self.enact(chain, wp, &call)
    }

    /// Pauses (`true`) or unpauses deposits.
    ///
    /// # Errors
    /// As [`Governance::enact`].
    pub fn set_deposits_paused(
        &mut self,
        chain: &mut dyn Chain,
        paused: bool,
    ) -> Result<Operation> {
        let pool = self.pool;
        if paused {
            self.enact(chain, pool, &PufferPool::pauseDepositsCall {})
        } else {
            self.enact(chain, pool, &PufferPool::unpauseDepositsCall {})
        }
    }

    /// Pauses (`true`) or unpauses redemptions.
    ///
    /// # Errors
    /// As [`Governance::enact`].
    pub fn set_withdrawals_paused(
        &mut self,
        chain: &mut dyn Chain,
        paused: bool,
    ) -> Result<Operation> {
        let wp = self.withdrawal_pool;
        if paused {
            self.enact(chain, wp, &WithdrawalPool::pauseWithdrawalsCall {})
        } else {
            self.enact(chain, wp, &WithdrawalPool::unpauseWithdrawalsCall {})
        }
    }
}
