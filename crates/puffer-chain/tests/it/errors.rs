//! Every custom error of the staker-side contracts, decoded into readable text: triggered for real on the embedded
//! backend where a staker, the DAO or a protocol-role holder can reach it, synthetic encodings for the rest.

use puffer_chain::{
    Chain, ChainError, ContractError, DeployConfig, Deployer, Deployment, EmbeddedChain,
    Governance, Staker, TxRequest,
    alloy::{
        primitives::{Address, B256, Bytes, U256},
        signers::local::PrivateKeySigner,
        sol_types::{SolCall, SolError},
    },
    bindings::{AccessManager, DevWETH, PufferPool, WithdrawalPool, roles},
    contract::transact,
    decode_revert, dev_signers,
};

use crate::scenario::eth;

struct Fixture {
    chain: EmbeddedChain,
    deployment: Deployment,
    keys: Vec<PrivateKeySigner>,
    governance: Governance,
    staker: Staker,
}

impl Fixture {
    /// Deployed, with one staker holding 10 pufETH and 5 ETH of exit liquidity.
    fn new() -> Self {
        let keys = dev_signers(6);
        let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(1_000));
        let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
            .deploy(&mut chain, &keys[0])
            .unwrap();
        let governance = Governance::new(keys[1].clone(), &deployment).unwrap();
        let staker = Staker::new(keys[2].clone(), &deployment).unwrap();
        let mut fixture = Self {
            chain,
            deployment,
            keys,
            governance,
            staker,
        };
        fixture.staker.deposit(&mut fixture.chain, eth(10)).unwrap();
        fixture
            .governance
            .move_liquidity(&mut fixture.chain, true, eth(5))
            .unwrap();
        fixture
    }

    fn pool(&self) -> Address {
        self.deployment.pool().unwrap()
    }

    fn wp(&self) -> Address {
        self.deployment.withdrawal_pool().unwrap()
    }

    /// Sends `call` to `to` from key `key` with `value`, expecting a revert.
    fn revert<C: SolCall>(
        &mut self,
        key: usize,
        to: Address,
        call: &C,
        value: U256,
    ) -> ContractError {
        match transact(&mut self.chain, &self.keys[key], to, call, value) {
            Err(ChainError::Reverted { error, .. }) => *error,
            other => panic!("{} should revert, got {other:?}", C::SIGNATURE),
        }
    }

    /// Enacts `call` through the timelock, expecting the target to revert.
    fn dao_revert<C: SolCall>(&mut self, to: Address, call: &C) -> ContractError {
        match self.governance.enact(&mut self.chain, to, call) {
            Err(ChainError::Reverted { error, .. }) => *error,
            other => panic!(
                "{} through the timelock should revert, got {other:?}",
                C::SIGNATURE
            ),
        }
    }

    /// Gives key 5 the protocol role (what PufferProtocol will hold), through the timelock.
    fn grant_protocol_role(&mut self) -> Address {
        let am = self.deployment.access_manager().unwrap();
        let protocol = self.keys[5].address();
        let call = AccessManager::grantRoleCall {
            roleId: roles::PROTOCOL,
            account: protocol,
            executionDelay: 0,
        };
        self.governance.enact(&mut self.chain, am, &call).unwrap();
        protocol
    }
}

fn assert_error<E: SolError>(error: &ContractError, text: &str) {
    assert!(error.is::<E>(), "expected {}, got {error}", E::SIGNATURE);
    assert!(
        error.decode::<E>().is_some(),
        "{error} does not decode as {}",
        E::SIGNATURE
    );
    assert_eq!(error.to_string(), text);
}

#[test]
fn staker_reachable_pool_errors() {
    let mut f = Fixture::new();
    let pool = f.pool();
    let deposit = |receiver| PufferPool::depositETHCall { receiver };
    let e = f.revert(2, pool, &deposit(f.keys[2].address()), U256::ZERO);
    assert_error::<PufferPool::PoolZeroAmount>(&e, "PoolZeroAmount");
    let e = f.revert(2, pool, &deposit(Address::ZERO), eth(1));
    assert_error::<PufferPool::PoolInvalidReceiver>(
        &e,
        "PoolInvalidReceiver: receiver 0x0000000000000000000000000000000000000000",
    );
    let call = PufferPool::redeemForWithdrawalPoolCall {
        owner: f.keys[2].address(),
        shares: eth(1),
        feeBps: U256::ZERO,
    };
    let e = f.revert(2, pool, &call, U256::ZERO);
    assert_error::<PufferPool::PoolOnlyWithdrawalPool>(
        &e,
        &format!("PoolOnlyWithdrawalPool: caller {}", f.keys[2].address()),
    );
    // A staker calling a DAO setter directly: the AccessManager's error.
    let e = f.revert(
        2,
        pool,
        &PufferPool::setMintCapCall { capShares: eth(1) },
        U256::ZERO,
    );
    assert_eq!(e.name(), "AccessManagedUnauthorized");
}

#[test]
fn dao_reachable_pool_errors() {
    let mut f = Fixture::new();
    let pool = f.pool();
    let e = f.dao_revert(
        pool,
        &PufferPool::setWithdrawalPoolShareCall {
            shareBps: U256::from(6_000u64),
        },
    );
    assert_error::<PufferPool::PoolParameterOutOfBounds>(
        &e,
        "PoolParameterOutOfBounds: parameter \"withdrawalPoolShare\", value 6000, min 0, max 5000",
    );
    let e = f.dao_revert(
        pool,
        &PufferPool::moveLiquidityCall {
            toWithdrawalPool: true,
            amountWei: eth(100),
        },
    );
    assert_error::<PufferPool::PoolInsufficientETH>(
        &e,
        "PoolInsufficientETH: available 5.001 ETH, requested 100 ETH",
    );
    let e = f.dao_revert(
        pool,
        &PufferPool::moveLiquidityCall {
            toWithdrawalPool: false,
            amountWei: eth(6),
        },
    );
    assert_error::<PufferPool::InsufficientLiquidity>(
        &e,
        "InsufficientLiquidity: available 5 ETH, requested 6 ETH",
    );

    // The cap counts from the moment it is set: pufETH minted earlier in the spurt is not held against it.
    f.governance.set_mint_cap(&mut f.chain, eth(1)).unwrap();
    let e = match f.staker.deposit(&mut f.chain, eth(2)) {
        Err(ChainError::Reverted { error, .. }) => *error,
        other => panic!("deposit over the cap should revert: {other:?}"),
    };
    assert_error::<PufferPool::PoolMintCapExceeded>(
        &e,
        "PoolMintCapExceeded: spurt 0, requestedShares 2 pufETH, remainingShares 1 pufETH",
    );
    f.governance
        .set_deposits_paused(&mut f.chain, true)
        .unwrap();
    let e = match f.staker.deposit(&mut f.chain, eth(1)) {
        Err(ChainError::Reverted { error, .. }) => *error,
        other => panic!("deposit while paused should revert: {other:?}"),
    };
    assert_error::<PufferPool::PoolDepositsPaused>(&e, "PoolDepositsPaused");
}

#[test]
fn protocol_reachable_pool_errors() {
    let mut f = Fixture::new();
    let pool = f.pool();
    f.grant_protocol_role();
    let e = f.revert(
        5,
        pool,
        &PufferPool::provisionETHCall {
            validators: U256::from(1u64),
        },
        U256::ZERO,
    );
    assert_error::<PufferPool::PoolInsufficientETH>(
        &e,
        "PoolInsufficientETH: available 5.001 ETH, requested 32 ETH",
    );
    let e = f.revert(
        5,
        pool,
        &PufferPool::releaseLockedCall {
            validators: U256::from(1u64),
        },
        U256::ZERO,
    );
    assert_error::<PufferPool::PoolLockedUnderflow>(
        &e,
        "PoolLockedUnderflow: locked 0 ETH, released 32 ETH",
    );
    let huge = U256::from(u64::MAX) * U256::from(1_000_000_000u64) * U256::from(2u64);
    let e = f.revert(
        5,
        pool,
        &PufferPool::reportReservesCall {
            owedWei: huge,
            lossesWei: U256::ZERO,
        },
        U256::ZERO,
    );
    assert_error::<PufferPool::PoolReportOverflow>(
        &e,
        "PoolReportOverflow: owedWei 36893488147.41910323 ETH, lossesWei 0 ETH",
    );
    let e = f.revert(
        5,
        pool,
        &PufferPool::burnSharesCall { shares: U256::ZERO },
        U256::ZERO,
    );
    assert_error::<PufferPool::PoolZeroAmount>(&e, "PoolZeroAmount");
}

#[test]
fn redemption_errors() {
    let mut f = Fixture::new();
    let wp = f.wp();
    let me = f.keys[2].address();
    let redeem = |shares: U256, receiver: Address, min: U256| WithdrawalPool::redeemCall {
        shares,
        receiver,
        minAssets: min,
    };
    let e = f.revert(2, wp, &redeem(U256::ZERO, me, U256::ZERO), U256::ZERO);
    assert_error::<WithdrawalPool::WithdrawalZeroShares>(&e, "WithdrawalZeroShares");
    let e = f.revert(2, wp, &redeem(U256::from(1u64), me, U256::ZERO), U256::ZERO);
    assert_error::<WithdrawalPool::WithdrawalZeroAssets>(
        &e,
        "WithdrawalZeroAssets: shares 0.000000000000000001 pufETH",
    );
    let e = f.revert(
        2,
        wp,
        &redeem(eth(1), Address::ZERO, U256::ZERO),
        U256::ZERO,
    );
    assert_error::<WithdrawalPool::WithdrawalInvalidReceiver>(
        &e,
        "WithdrawalInvalidReceiver: receiver 0x0000000000000000000000000000000000000000",
    );
    let e = f.revert(2, wp, &redeem(eth(6), me, U256::ZERO), U256::ZERO);
    assert_error::<WithdrawalPool::InsufficientLiquidity>(
        &e,
        "InsufficientLiquidity: available 5 ETH, requested 5.94 ETH",
    );
    let e = f.revert(2, wp, &redeem(eth(1), me, eth(1)), U256::ZERO);
    assert_error::<WithdrawalPool::WithdrawalSlippage>(
        &e,
        "WithdrawalSlippage: assets 0.99 ETH, minAssets 1 ETH",
    );
    // The WithdrawalPool refuses ETH from anyone but the pool, so paying itself fails.
    let e = f.revert(2, wp, &redeem(eth(1), wp, U256::ZERO), U256::ZERO);
    assert_error::<WithdrawalPool::WithdrawalPaymentFailed>(
        &e,
        &format!("WithdrawalPaymentFailed: receiver {wp}, amount 0.99 ETH"),
    );
    let e = match f.chain.send(
        &f.keys[2],
        TxRequest::call(wp, Bytes::new()).with_value(eth(1)),
    ) {
        Err(ChainError::Reverted { error, .. }) => *error,
        other => panic!("plain ETH to the WithdrawalPool should revert: {other:?}"),
    };
    assert_error::<WithdrawalPool::WithdrawalOnlyPool>(
        &e,
        &format!("WithdrawalOnlyPool: caller {me}"),
    );
}

#[test]
fn signed_redemption_errors() {
    let mut f = Fixture::new();
    let now = f.chain.timestamp().unwrap();
    let signed = f
        .staker
        .sign_redemption(
            &mut f.chain,
            f.keys[3].address(),
            eth(1),
            U256::ZERO,
            now - 1,
        )
        .unwrap();
    let e = match Staker::submit_signed(&mut f.chain, &f.keys[4], &f.deployment, &signed) {
        Err(ChainError::Reverted { error, .. }) => *error,
        other => panic!("expired permit should revert: {other:?}"),
    };
    assert!(e.is::<WithdrawalPool::WithdrawalPermitExpired>(), "{e}");
    assert!(
        e.to_string().starts_with(&format!(
            "WithdrawalPermitExpired: deadline {}, nowTimestamp",
            now - 1
        )),
        "{e}"
    );

    // Signed by someone else than the owner it names.
    let impostor = Staker::new(f.keys[3].clone(), &f.deployment).unwrap();
    let mut forged = impostor
        .sign_redemption(
            &mut f.chain,
            f.keys[3].address(),
            eth(1),
            U256::ZERO,
            now + 100,
        )
        .unwrap();
    forged.redeem.owner = f.staker.address();
    let e = match Staker::submit_signed(&mut f.chain, &f.keys[4], &f.deployment, &forged) {
        Err(ChainError::Reverted { error, .. }) => *error,
        other => panic!("forged permit should revert: {other:?}"),
    };
    assert_error::<WithdrawalPool::WithdrawalInvalidSignature>(
        &e,
        &format!("WithdrawalInvalidSignature: owner {}", f.staker.address()),
    );
}

#[test]
fn dao_reachable_withdrawal_errors() {
    let mut f = Fixture::new();
    let wp = f.wp();
    let e = f.dao_revert(
        wp,
        &WithdrawalPool::setWithdrawalFeeCall {
            feeBps: U256::from(400u64),
        },
    );
    assert_error::<WithdrawalPool::WithdrawalFeeTooHigh>(
        &e,
        "WithdrawalFeeTooHigh: feeBps 400, maxBps 300",
    );
    f.governance
        .set_withdrawals_paused(&mut f.chain, true)
        .unwrap();
    let e = match f
        .staker
        .redeem(&mut f.chain, eth(1), f.keys[2].address(), U256::ZERO)
    {
        Err(ChainError::Reverted { error, .. }) => *error,
        other => panic!("redeem while paused should revert: {other:?}"),
    };
    assert_error::<WithdrawalPool::WithdrawalsPaused>(&e, "WithdrawalsPaused");
}

#[test]
fn unreachable_errors_decode_from_synthetic_data() {
    let to = Address::repeat_byte(0x11);
    let e = decode_revert(
        &PufferPool::PoolETHTransferFailed {
            to,
            amount: eth(32),
        }
        .abi_encode(),
    );
    assert_error::<PufferPool::PoolETHTransferFailed>(
        &e,
        &format!("PoolETHTransferFailed: to {to}, amount 32 ETH"),
    );
    let e = decode_revert(
        &DevWETH::DevWETHTransferFailed {
            to,
            amount: eth(1) / U256::from(4u64),
        }
        .abi_encode(),
    );
    assert_error::<DevWETH::DevWETHTransferFailed>(
        &e,
        &format!("DevWETHTransferFailed: to {to}, amount 0.25 ETH"),
    );
    let e = decode_revert(
        &AccessManager::AccessManagerUnauthorizedAccount {
            msgsender: to,
            roleId: roles::DAO,
        }
        .abi_encode(),
    );
    assert_eq!(e.name(), "AccessManagerUnauthorizedAccount");
}

#[test]
fn solidity_builtin_errors_decode() {
    let message = puffer_chain::alloy::sol_types::Revert::from("not enough").abi_encode();
    assert_eq!(decode_revert(&message).to_string(), "Error(\"not enough\")");
    let panic = puffer_chain::alloy::sol_types::Panic::from(0x11).abi_encode();
    assert_eq!(
        decode_revert(&panic).to_string(),
        "Panic(0x11): arithmetic overflow or underflow"
    );
    assert_eq!(decode_revert(&[]).to_string(), "reverted without a reason");
    let unknown = [0xde, 0xad, 0xbe, 0xef, 0x01];
    assert_eq!(
        decode_revert(&unknown).to_string(),
        "unknown revert data 0xdeadbeef01"
    );
    let _ = B256::ZERO;
}

/// A value of `ty` for a synthetic encoding: non-zero where the type allows, so amounts show as ETH.
fn sample(
    ty: &puffer_chain::alloy::dyn_abi::DynSolType,
) -> puffer_chain::alloy::dyn_abi::DynSolValue {
    use puffer_chain::alloy::dyn_abi::{DynSolType as T, DynSolValue as V};
    match ty {
        T::Bool => V::Bool(true),
        T::Int(bits) => V::Int(
            puffer_chain::alloy::primitives::I256::try_from(-3).unwrap(),
            *bits,
        ),
        T::Uint(bits) => V::Uint(U256::from(7u64), *bits),
        T::Address => V::Address(Address::repeat_byte(0x42)),
        T::FixedBytes(n) => V::FixedBytes(B256::repeat_byte(0x24), *n),
        T::Bytes => V::Bytes(vec![1, 2, 3]),
        T::String => V::String("x".to_owned()),
        T::Array(inner) => V::Array(vec![sample(inner)]),
        T::FixedArray(inner, n) => V::FixedArray(vec![sample(inner); *n]),
        T::Tuple(inner) => V::Tuple(inner.iter().map(sample).collect()),
        other => panic!("no sample for {other}"),
    }
}

/// Every custom error declared in any committed artifact (staker and operator side, spurt reports, dev contracts,
/// OpenZeppelin's) decodes to its own name with every parameter named in the text.
#[test]
fn every_custom_error_of_every_artifact_decodes_by_name() {
    use puffer_chain::alloy::{
        dyn_abi::{DynSolValue, Specifier},
        json_abi::JsonAbi,
    };
    let mut checked = 0;
    for contract in puffer_contracts::names() {
        let artifact = puffer_contracts::artifact(contract).unwrap();
        let abi: JsonAbi = serde_json::from_value(artifact.abi).unwrap();
        for error in abi.errors() {
            let types: Vec<_> = error.inputs.iter().map(|p| p.resolve().unwrap()).collect();
            let values = DynSolValue::Tuple(types.iter().map(sample).collect());
            let mut data = error.selector().to_vec();
            data.extend(values.abi_encode_params());
            let decoded = decode_revert(&data);
            assert_eq!(decoded.name(), error.name, "{contract}.{}", error.name);
            let text = decoded.to_string();
            for param in &error.inputs {
                assert!(
                    text.contains(&param.name),
                    "{contract}.{}: {text:?} does not name {}",
                    error.name,
                    param.name
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} errors found");
}
