//! Bad input: every message says what went wrong and what to do next.

use std::time::Duration;

use puffer_chain::{
    Chain, ChainError, DeployConfig, Deployer, Deployment, EmbeddedChain, RetryPolicy, RpcChain,
    Staker, TxRequest,
    alloy::{primitives::U256, sol_types::SolCall},
    bindings::WithdrawalPool,
    dev_signers,
};

use crate::{
    anvil::{Anvil, AnvilChain},
    scenario::eth,
};

#[test]
fn unreachable_rpc_names_the_url_and_what_to_do() {
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    let policy = RetryPolicy {
        attempts: 2,
        initial_backoff: Duration::from_millis(5),
    };
    let err = RpcChain::connect_with("http://127.0.0.1:9", policy).unwrap_err();
    assert!(matches!(err, ChainError::Unreachable { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("cannot reach the Ethereum node at http://127.0.0.1:9: "),
        "{text}"
    );
    assert!(
        text.ends_with("start it (e.g. `anvil`) or pass the right RPC URL"),
        "{text}"
    );
}

#[test]
fn malformed_rpc_url_is_named() {
    let err = RpcChain::connect("not a url").unwrap_err();
    assert!(
        err.to_string().starts_with("invalid RPC URL \"not a url\""),
        "{err}"
    );
}

fn deployed() -> (EmbeddedChain, Deployment) {
    let keys = dev_signers(3);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(100));
    let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .deploy(&mut chain, &keys[0])
        .unwrap();
    (chain, deployment)
}

#[test]
fn deployment_file_round_trips_and_attaches() {
    let (mut chain, deployment) = deployed();
    let dir = std::env::temp_dir().join(format!("puffer-chain-{}", std::process::id()));
    let path = dir.join("roundtrip/31337.json");
    deployment.write(&path).unwrap();
    let attached = Deployment::attach(&mut chain, &path).unwrap();
    assert_eq!(attached, deployment);
    let text = std::fs::read_to_string(&path).unwrap();
    for key in [
        "\"chainId\": 31337",
        "\"deployBlock\"",
        "\"contracts\"",
        "\"PufferPool\"",
    ] {
        assert!(text.contains(key), "{key} missing from {text}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn deployment_for_another_chain_is_refused() {
    let (mut chain, mut deployment) = deployed();
    deployment.chain_id = 1;
    let dir = std::env::temp_dir().join(format!("puffer-chain-mainnet-{}", std::process::id()));
    let path = dir.join("1.json");
    deployment.write(&path).unwrap();
    let err = Deployment::attach(&mut chain, &path).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "deployment file {} is for chain 1, but the node is chain 31337; use the deployment of this chain or \
             connect to chain 1",
            path.display()
        )
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn missing_deployment_says_deploy_first() {
    let mut chain = EmbeddedChain::new();
    let path = std::path::Path::new("/nonexistent/puffer/31337.json");
    let err = Deployment::attach(&mut chain, path).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no deployment file at /nonexistent/puffer/31337.json: deploy first (e.g. `puffer devnet deploy`) or \
         pass the right path"
    );
}

#[test]
fn deployment_on_a_reset_chain_has_no_code() {
    let (_, deployment) = deployed();
    let dir = std::env::temp_dir().join(format!("puffer-chain-reset-{}", std::process::id()));
    let path = dir.join("31337.json");
    deployment.write(&path).unwrap();
    let err = Deployment::attach(&mut EmbeddedChain::new(), &path).unwrap_err();
    assert!(matches!(err, ChainError::NoCode { .. }), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("wrong chain or a reset dev chain; redeploy"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn insufficient_funds_on_both_backends() {
    let (mut chain, deployment) = deployed();
    let poor = dev_signers(4).pop().unwrap();
    chain.set_balance(poor.address(), eth(1)).unwrap();
    let staker = Staker::new(poor.clone(), &deployment).unwrap();
    let err = staker.deposit(&mut chain, eth(5)).unwrap_err();
    assert!(
        matches!(err, ChainError::InsufficientFunds { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{} has 1000000000000000000 wei but the transaction needs 5000000000000000000 wei; fund the account first",
            poor.address()
        )
    );

    let anvil = Anvil::start();
    let mut rpc = anvil.chain();
    let keys = dev_signers(3);
    for key in &keys {
        rpc.set_balance(key.address(), eth(100)).unwrap();
    }
    let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .deploy(&mut rpc, &keys[0])
        .unwrap();
    rpc.set_balance(poor.address(), eth(1)).unwrap();
    let staker = Staker::new(poor, &deployment).unwrap();
    let err = staker.deposit(&mut rpc, eth(5)).unwrap_err();
    assert!(
        matches!(err, ChainError::InsufficientFunds { .. }),
        "{err:?}"
    );
    assert!(err.to_string().ends_with("fund the account first"), "{err}");

    // A reverted transaction over RPC: decoded the same way as in process, nothing sent.
    let before = rpc.block_number().unwrap();
    let err = staker
        .redeem(&mut rpc, eth(1), keys[0].address(), U256::ZERO)
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "redeem(uint256,address,uint256) reverted: InsufficientLiquidity: available 0 ETH"
        ),
        "{err}"
    );
    assert_eq!(
        rpc.block_number().unwrap(),
        before,
        "a rejected transaction was mined"
    );
}

#[test]
fn transaction_reverted_after_inclusion_is_decoded_with_its_hash() {
    let anvil = Anvil::start();
    let mut rpc = anvil.chain();
    let keys = dev_signers(3);
    for key in &keys {
        rpc.set_balance(key.address(), eth(100)).unwrap();
    }
    let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .deploy(&mut rpc, &keys[0])
        .unwrap();
    let staker = Staker::new(keys[2].clone(), &deployment).unwrap();
    staker.deposit(&mut rpc, eth(2)).unwrap();
    // An explicit gas limit skips estimation: the node includes the transaction, and it reverts on chain.
    let call = WithdrawalPool::redeemCall {
        shares: eth(1),
        receiver: keys[2].address(),
        minAssets: U256::ZERO,
    };
    let tx =
        TxRequest::call(deployment.withdrawal_pool().unwrap(), call.abi_encode()).with_gas(300_000);
    let before = rpc.block_number().unwrap();
    let err = rpc.send(&keys[2], tx).unwrap_err();
    let ChainError::Reverted { error, tx_hash, .. } = &err else {
        panic!("expected a revert, got {err:?}");
    };
    assert!(
        tx_hash.is_some(),
        "an included transaction has a hash: {err}"
    );
    assert_eq!(
        error.to_string(),
        "InsufficientLiquidity: available 0 ETH, requested 0.99 ETH"
    );
    assert_eq!(rpc.block_number().unwrap(), before + 1);
    // The nonce was spent: the next transaction still goes through.
    staker.deposit(&mut rpc, eth(1)).unwrap();
}

#[test]
fn dev_only_methods_work_on_embedded() {
    let mut chain = EmbeddedChain::new();
    let before = chain.timestamp().unwrap();
    chain.advance_time(86_400).unwrap();
    assert_eq!(chain.timestamp().unwrap(), before + 86_400);
    assert_eq!(chain.block_number().unwrap(), 1);
}
