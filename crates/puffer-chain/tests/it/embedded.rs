//! The embedded backend's own guarantees: snapshots, log queries by block and topic, rejected transactions
//! leave no trace.

use puffer_chain::{
    Chain, ChainError, DeployConfig, Deployer, EmbeddedChain, LogFilter, Staker,
    alloy::{primitives::U256, sol_types::SolEvent},
    bindings::PufferPool,
    dev_signers,
};

use crate::scenario::eth;

#[test]
fn snapshot_and_restore() {
    let keys = dev_signers(3);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(100));
    let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .deploy(&mut chain, &keys[0])
        .unwrap();
    let staker = Staker::new(keys[2].clone(), &deployment).unwrap();
    let snapshot = chain.snapshot();
    let block = chain.block_number().unwrap();
    staker.deposit(&mut chain, eth(7)).unwrap();
    assert_eq!(staker.pufeth_balance(&mut chain).unwrap(), eth(7));
    chain.restore(snapshot);
    assert_eq!(staker.pufeth_balance(&mut chain).unwrap(), U256::ZERO);
    assert_eq!(chain.block_number().unwrap(), block);
    assert_eq!(chain.balance(keys[2].address()).unwrap(), eth(100));
    let deposits = chain
        .logs(&LogFilter {
            addresses: vec![deployment.pool().unwrap()],
            topics: vec![Some(vec![PufferPool::Deposit::SIGNATURE_HASH])],
            from_block: block + 1,
            to_block: None,
        })
        .unwrap();
    assert!(
        deposits.is_empty(),
        "logs after the snapshot survived the restore"
    );
}

#[test]
fn logs_filter_by_block_range_and_topic() {
    let keys = dev_signers(3);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(100));
    let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .deploy(&mut chain, &keys[0])
        .unwrap();
    let staker = Staker::new(keys[2].clone(), &deployment).unwrap();
    let first = chain.block_number().unwrap() + 1;
    for n in 1..=3 {
        staker.deposit(&mut chain, eth(n)).unwrap();
    }
    let pool = deployment.pool().unwrap();
    let filter = |from, to| LogFilter {
        addresses: vec![pool],
        topics: vec![Some(vec![PufferPool::Deposit::SIGNATURE_HASH])],
        from_block: from,
        to_block: to,
    };
    // The deployment's dead-shares Deposit plus three.
    assert_eq!(chain.logs(&filter(0, None)).unwrap().len(), 4);
    let middle = chain.logs(&filter(first + 1, Some(first + 1))).unwrap();
    assert_eq!(middle.len(), 1);
    let decoded = PufferPool::Deposit::decode_log(&middle[0].inner).unwrap();
    assert_eq!(decoded.assets, eth(2));
    assert_eq!(middle[0].block_number, first + 1);
}

#[test]
fn rejected_transactions_change_nothing() {
    let keys = dev_signers(3);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(100));
    let deployment = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .deploy(&mut chain, &keys[0])
        .unwrap();
    let staker = Staker::new(keys[2].clone(), &deployment).unwrap();
    let (block, nonce) = (chain.block_number().unwrap(), chain.nonce(staker.address()));
    let err = staker
        .redeem(&mut chain, eth(1), staker.address(), U256::ZERO)
        .unwrap_err();
    assert!(matches!(err, ChainError::Reverted { .. }), "{err:?}");
    assert_eq!(chain.block_number().unwrap(), block);
    assert_eq!(chain.nonce(staker.address()), nonce);
}
