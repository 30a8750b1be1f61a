//! The staker's view of Puffer: deposit ETH for pufETH, redeem pufETH for ETH (directly or by signature).

use alloy::{
    primitives::{Address, U256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolStruct, eip712_domain},
};

use crate::{
    ChainError, Result,
    bindings::{PufferPool, Redeem, WithdrawalPool},
    chain::Chain,
    contract::{call_decode, first_event, transact},
    deploy::Deployment,
};

/// A redemption signed by its owner (EIP-712 `Redeem`), which anyone may submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRedemption {
    /// The signed struct (owner, receiver, shares, minimum assets, nonce, deadline).
    pub redeem: Redeem,
    /// Signature parity (27 or 28).
    pub v: u8,
    /// Signature `r`.
    pub r: U256,
    /// Signature `s`.
    pub s: U256,
}

/// A staker: one key, one deployment.
#[derive(Debug, Clone)]
pub struct Staker {
    signer: PrivateKeySigner,
    pool: Address,
    withdrawal_pool: Address,
}

impl Staker {
    /// The staker holding `signer`, on `deployment`.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] when the deployment lacks the pools.
    pub fn new(signer: PrivateKeySigner, deployment: &Deployment) -> Result<Self> {
        Ok(Self {
            signer,
            pool: deployment.pool()?,
            withdrawal_pool: deployment.withdrawal_pool()?,
        })
    }

    /// The staker's address.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// Deposits `wei` ETH and returns the pufETH minted to the staker.
    ///
    /// # Errors
    /// Reverts (paused, mint cap, zero amount) decoded; insufficient funds.
    pub fn deposit(&self, chain: &mut dyn Chain, wei: U256) -> Result<U256> {
        let call = PufferPool::depositETHCall {
            receiver: self.address(),
        };
        let receipt = transact(chain, &self.signer, self.pool, &call, wei)?;
        Ok(first_event::<PufferPool::Deposit>(&receipt, self.pool)?.shares)
    }

    /// What redeeming `shares` pays now (after the withdrawal fee), ignoring liquidity.
    ///
    /// # Errors
    /// Transport errors.
    pub fn quote_redeem(&self, chain: &mut dyn Chain, shares: U256) -> Result<U256> {
        call_decode(
            chain,
            self.withdrawal_pool,
            &WithdrawalPool::previewRedeemCall { shares },
        )
    }

    /// Redeems `shares` pufETH, paying the ETH to `receiver`; reverts unless at least `min_assets` is paid.
    /// Returns the ETH paid.
    ///
    /// # Errors
    /// `InsufficientLiquidity`, `WithdrawalSlippage` and the other WithdrawalPool errors, decoded.
    pub fn redeem(
        &self,
        chain: &mut dyn Chain,
        shares: U256,
        receiver: Address,
        min_assets: U256,
    ) -> Result<U256> {
        let call = WithdrawalPool::redeemCall {
            shares,
            receiver,
            minAssets: min_assets,
        };
        let receipt = transact(chain, &self.signer, self.withdrawal_pool, &call, U256::ZERO)?;
        Ok(first_event::<WithdrawalPool::Redeemed>(&receipt, self.withdrawal_pool)?.assets)
    }

    /// Redeems `shares` with the minimum set `slippage_bps` below the current quote (the guard against the rate
    /// moving between quote and inclusion).
    ///
    /// # Errors
    /// As [`Staker::redeem`].
    pub fn redeem_with_slippage(
        &self,
        chain: &mut dyn Chain,
        shares: U256,
        receiver: Address,
        slippage_bps: u16,
    ) -> Result<U256> {
        let min = self.min_assets_with_slippage(chain, shares, slippage_bps)?;
        self.redeem(chain, shares, receiver, min)
    }

    /// The least ETH to accept for `shares`: the current quote less `slippage_bps` (at most 100%), rounded down.
    ///
    /// # Errors
    /// Transport errors.
    pub fn min_assets_with_slippage(
        &self,
        chain: &mut dyn Chain,
        shares: U256,
        slippage_bps: u16,
    ) -> Result<U256> {
        let quote = self.quote_redeem(chain, shares)?;
        Ok(
            quote * U256::from(10_000u32 - u32::from(slippage_bps.min(10_000)))
                / U256::from(10_000u32),
        )
    }

    /// Signs a redemption of `shares` to `receiver` (at least `min_assets`, valid until `deadline`) with the
    /// staker's next redemption nonce. The EIP-712 digest is computed here, not asked from the node.
    ///
    /// # Errors
    /// Transport errors reading the nonce; [`ChainError::Signing`].
    pub fn sign_redemption(
        &self,
        chain: &mut dyn Chain,
        receiver: Address,
        shares: U256,
        min_assets: U256,
        deadline: u64,
    ) -> Result<SignedRedemption> {
        let nonce = call_decode(
            chain,
            self.withdrawal_pool,
            &WithdrawalPool::noncesCall {
                owner: self.address(),
            },
        )?;
        let redeem = Redeem {
            owner: self.address(),
            receiver,
            shares,
            minAssets: min_assets,
            nonce,
            deadline: U256::from(deadline),
        };
        let domain = eip712_domain! {
            name: "Puffer WithdrawalPool",
            version: "1",
            chain_id: chain.chain_id(),
            verifying_contract: self.withdrawal_pool,
        };
        let digest = redeem.eip712_signing_hash(&domain);
        let signature = self
            .signer
            .sign_hash_sync(&digest)
            .map_err(|e| ChainError::Signing(e.to_string()))?;
        Ok(SignedRedemption {
            redeem,
            v: 27 + u8::from(signature.v()),
            r: signature.r(),
            s: signature.s(),
        })
    }

    /// Submits a signed redemption from `relayer` (any account; it pays the gas, the ETH goes to the signed
    /// receiver). Returns the ETH paid.
    ///
    /// # Errors
    /// `WithdrawalInvalidSignature`, `WithdrawalPermitExpired` and the redemption errors, decoded.
    pub fn submit_signed(
        chain: &mut dyn Chain,
        relayer: &PrivateKeySigner,
        deployment: &Deployment,
        signed: &SignedRedemption,
    ) -> Result<U256> {
        let withdrawal_pool = deployment.withdrawal_pool()?;
        let r = &signed.redeem;
        let call = WithdrawalPool::redeemWithPermitCall {
            owner: r.owner,
            receiver: r.receiver,
            shares: r.shares,
            minAssets: r.minAssets,
            deadline: r.deadline,
            v: signed.v,
            r: signed.r.into(),
            s: signed.s.into(),
        };
        let receipt = transact(chain, relayer, withdrawal_pool, &call, U256::ZERO)?;
        Ok(first_event::<WithdrawalPool::Redeemed>(&receipt, withdrawal_pool)?.assets)
    }

    /// The staker's pufETH balance.
    ///
    /// # Errors
    /// Transport errors.
    pub fn pufeth_balance(&self, chain: &mut dyn Chain) -> Result<U256> {
        call_decode(
            chain,
            self.pool,
            &PufferPool::balanceOfCall {
                account: self.address(),
            },
        )
    }

    /// The staker's ETH balance.
    ///
    /// # Errors
    /// Transport errors.
    pub fn eth_balance(&self, chain: &mut dyn Chain) -> Result<U256> {
        chain.balance(self.address())
    }

    /// ETH per pufETH, in wei per 1e18 pufETH (`convertToAssets(1e18)`).
    ///
    /// # Errors
    /// Transport errors.
    pub fn rate(&self, chain: &mut dyn Chain) -> Result<U256> {
        rate(chain, self.pool)
    }

    /// The WithdrawalPool's exit liquidity, in wei.
    ///
    /// # Errors
    /// Transport errors.
    pub fn liquidity(&self, chain: &mut dyn Chain) -> Result<U256> {
        liquidity(chain, self.pool)
    }
}

/// ETH per pufETH of the pool at `pool`, in wei per 1e18 pufETH.
///
/// # Errors
/// Transport errors.
pub fn rate(chain: &mut dyn Chain, pool: Address) -> Result<U256> {
    call_decode(
        chain,
        pool,
        &PufferPool::convertToAssetsCall {
            shares: U256::from(1_000_000_000_000_000_000u64),
        },
    )
}

/// The exit liquidity tracked by the pool at `pool`, in wei.
///
/// # Errors
/// Transport errors.
pub fn liquidity(chain: &mut dyn Chain, pool: Address) -> Result<U256> {
    call_decode(chain, pool, &PufferPool::withdrawalPoolETHCall {})
}
