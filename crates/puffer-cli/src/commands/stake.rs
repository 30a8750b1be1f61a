//! `puffer stake`: deposit ETH for pufETH, redeem pufETH for ETH, and read balances, the rate and the exit
//! liquidity.

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use puffer_chain::{
    Staker,
    alloy::primitives::{Address, U256},
    bindings::{PufferPool, WithdrawalPool},
    contract::call_decode,
    liquidity, rate,
};
use serde::Serialize;

use crate::cli::{
    amount::{format_eth, parse_eth},
    context::{ChainArgs, Context, KeyArgs, Role},
};

/// `puffer stake …`
#[derive(Debug, Subcommand)]
pub(crate) enum StakeCommand {
    /// Deposit ETH and receive pufETH at the current rate.
    #[command(
        after_help = "Examples:\n  puffer stake deposit 10\n  puffer stake deposit 0.5eth --key-file staker.key"
    )]
    Deposit {
        /// ETH to deposit (`10`, `0.5eth`, `2500 gwei`).
        amount: String,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Redeem pufETH for ETH from the WithdrawalPool (the withdrawal fee applies; never partially).
    #[command(
        after_help = "Examples:\n  puffer stake redeem 5\n  puffer stake redeem 5 --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --max-slippage-bps 10\n  puffer stake redeem 5 --min-eth 4.9"
    )]
    Redeem {
        /// pufETH to redeem.
        amount: String,
        /// Who receives the ETH (default: the sender).
        #[arg(long)]
        to: Option<Address>,
        /// Refuse to pay out less than this much ETH (default: the quote minus --max-slippage-bps).
        #[arg(long, conflicts_with = "max_slippage_bps")]
        min_eth: Option<String>,
        /// How far below the current quote the payout may fall before the transaction reverts.
        #[arg(long, default_value_t = 50)]
        max_slippage_bps: u16,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// pufETH and ETH balances of an address (default: your account).
    #[command(
        after_help = "Examples:\n  puffer stake balance\n  puffer stake balance 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json"
    )]
    Balance {
        /// The address to look up.
        address: Option<Address>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// ETH per pufETH.
    #[command(after_help = "Example:\n  puffer stake rate --json")]
    Rate,
    /// Exit liquidity: ETH the WithdrawalPool can pay out now, and its fee.
    #[command(after_help = "Example:\n  puffer stake liquidity")]
    Liquidity,
}

/// `puffer stake` with the connection options.
#[derive(Debug, Args)]
pub(crate) struct StakeArgs {
    #[command(subcommand)]
    command: StakeCommand,
    #[command(flatten)]
    chain: ChainArgs,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Deposited {
    staker: Address,
    deposited_wei: String,
    shares: String,
    rate_wei: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Redeemed {
    owner: Address,
    receiver: Address,
    shares: String,
    paid_wei: String,
    min_wei: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Balance {
    address: Address,
    pufeth: String,
    pufeth_value_wei: String,
    eth_wei: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rate {
    rate_wei: String,
    rate: String,
    total_assets_wei: String,
    total_supply: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Liquidity {
    liquidity_wei: String,
    withdrawal_fee_bps: String,
    withdrawals_paused: bool,
}

/// Runs a `puffer stake` command.
pub(crate) fn run(args: StakeArgs) -> anyhow::Result<()> {
    let mut ctx = Context::connect(&args.chain)?;
    let pool = ctx.deployment.pool()?;
    let out = ctx.out;
    match args.command {
        StakeCommand::Deposit { amount, key } => {
            let wei = parse_eth(&amount)?;
            if wei.is_zero() {
                bail!("amount {amount:?} is zero: deposit more than 0 ETH");
            }
            let staker = Staker::new(ctx.signer(&key, Role::Staker)?, &ctx.deployment)?;
            let shares = staker.deposit(&mut ctx.chain, wei)?;
            let rate = staker.rate(&mut ctx.chain)?;
            let result = Deposited {
                staker: staker.address(),
                deposited_wei: wei.to_string(),
                shares: shares.to_string(),
                rate_wei: rate.to_string(),
            };
            out.emit(&result, || {
                format!(
                    "{} {} ETH from {} for {} pufETH (1 pufETH = {} ETH)",
                    out.good("deposited"),
                    format_eth(wei),
                    staker.address(),
                    format_eth(shares),
                    format_eth(rate)
                )
            })
        }
        StakeCommand::Redeem {
            amount,
            to,
            min_eth,
            max_slippage_bps,
            key,
        } => {
            let shares = parse_eth(&amount)?;
            if shares.is_zero() {
                bail!("amount {amount:?} is zero: redeem more than 0 pufETH");
            }
            if max_slippage_bps > 10_000 {
                bail!("--max-slippage-bps {max_slippage_bps} is above 10000 (100%)");
            }
            let staker = Staker::new(ctx.signer(&key, Role::Staker)?, &ctx.deployment)?;
            let held = staker.pufeth_balance(&mut ctx.chain)?;
            if held < shares {
                bail!(
                    "{} holds {} pufETH, fewer than the {} asked for",
                    staker.address(),
                    format_eth(held),
                    format_eth(shares)
                );
            }
            let min = match min_eth {
                Some(text) => parse_eth(&text)?,
                None => {
                    staker.min_assets_with_slippage(&mut ctx.chain, shares, max_slippage_bps)?
                }
            };
            let receiver = to.unwrap_or(staker.address());
            let paid = staker.redeem(&mut ctx.chain, shares, receiver, min)?;
            let result = Redeemed {
                owner: staker.address(),
                receiver,
                shares: shares.to_string(),
                paid_wei: paid.to_string(),
                min_wei: min.to_string(),
            };
            out.emit(&result, || {
                format!(
                    "{} {} pufETH for {} ETH paid to {receiver}",
                    out.good("redeemed"),
                    format_eth(shares),
                    format_eth(paid)
                )
            })
        }
        StakeCommand::Balance { address, key } => {
            let address = match address {
                Some(a) => a,
                None => ctx.signer(&key, Role::Staker)?.address(),
            };
            let shares = call_decode(
                &mut ctx.chain,
                pool,
                &PufferPool::balanceOfCall { account: address },
            )?;
            let value = call_decode(
                &mut ctx.chain,
                pool,
                &PufferPool::convertToAssetsCall { shares },
            )?;
            let eth = puffer_chain::Chain::balance(&mut ctx.chain, address)?;
            let result = Balance {
                address,
                pufeth: shares.to_string(),
                pufeth_value_wei: value.to_string(),
                eth_wei: eth.to_string(),
            };
            out.emit(&result, || {
                format!(
                    "{address}\n  pufETH  {} (worth {} ETH)\n  ETH     {}",
                    format_eth(shares),
                    format_eth(value),
                    format_eth(eth)
                )
            })
        }
        StakeCommand::Rate => {
            let rate = rate(&mut ctx.chain, pool)?;
            let assets = call_decode(&mut ctx.chain, pool, &PufferPool::totalAssetsCall {})?;
            let supply = call_decode(&mut ctx.chain, pool, &PufferPool::totalSupplyCall {})?;
            let result = Rate {
                rate_wei: rate.to_string(),
                rate: format_eth(rate),
                total_assets_wei: assets.to_string(),
                total_supply: supply.to_string(),
            };
            out.emit(&result, || {
                format!(
                    "1 pufETH = {} ETH ({} ETH backing {} pufETH)",
                    format_eth(rate),
                    format_eth(assets),
                    format_eth(supply)
                )
            })
        }
        StakeCommand::Liquidity => {
            let wp = ctx.deployment.withdrawal_pool()?;
            let available = liquidity(&mut ctx.chain, pool)?;
            let fee = call_decode(&mut ctx.chain, wp, &WithdrawalPool::withdrawalFeeBpsCall {})?;
            let paused = call_decode(
                &mut ctx.chain,
                wp,
                &WithdrawalPool::withdrawalsPausedCall {},
            )?;
            let result = Liquidity {
                liquidity_wei: available.to_string(),
                withdrawal_fee_bps: fee.to_string(),
                withdrawals_paused: paused,
            };
            out.emit(&result, || {
                format!(
                    "exit liquidity {} ETH, withdrawal fee {}{}",
                    format_eth(available),
                    bps(fee),
                    if paused {
                        out.warn(" (withdrawals PAUSED)")
                    } else {
                        String::new()
                    }
                )
            })
            .context("printing")
        }
    }
}

/// Basis points as a percentage (`100` → `1%`, `25` → `0.25%`).
pub(crate) fn bps(value: U256) -> String {
    let v: u64 = value.saturating_to();
    if v.is_multiple_of(100) {
        format!("{}%", v / 100)
    } else {
        format!("{}.{:02}%", v / 100, v % 100)
            .trim_end_matches('0')
            .to_owned()
    }
}
