//! The HTTP client against the simulated node on a loopback port.

use alloy::primitives::B256;
use puffer_beacon::types::ValidatorStatus;
use puffer_beacon::{BeaconNode, BlockId, Scenario, StateId, ValidatorId};

use crate::common::{ETH, address, deposit_new, exit, genesis_node, key, serve};

#[tokio::test]
async fn client_reads_what_the_node_serves() {
    let mut node = genesis_node(5, Scenario::default(), 4);
    deposit_new(&mut node, &key(10), address(10));
    node.advance_epochs(3);
    let expected_genesis = node.genesis();
    let (shared, client) = serve(node).await;

    assert_eq!(client.genesis().await.expect("genesis"), expected_genesis);
    let spec = client.spec().await.expect("spec");
    assert_eq!(spec.slots_per_epoch, 4);
    assert_eq!(spec.max_effective_balance, 32 * ETH);
    assert_eq!(
        client.spec().await.expect("spec"),
        shared.spec().await.expect("spec")
    );
    let fork = client.fork(StateId::Head).await.expect("fork");
    assert_eq!(
        fork.current_version.0,
        shared.lock().config().network.capella_fork_version
    );

    let all = client
        .validators(StateId::Head, &[], &[])
        .await
        .expect("validators");
    assert_eq!(all.len(), 5);
    assert_eq!(
        all,
        shared
            .validators(StateId::Head, &[], &[])
            .await
            .expect("in process")
    );
    let pubkey = ValidatorId::Pubkey((*key(1).public_key().as_bytes()).into());
    let some = client
        .validators(
            StateId::Head,
            &[ValidatorId::Index(3), pubkey, ValidatorId::Index(99)],
            &[],
        )
        .await
        .expect("validators");
    assert_eq!(some.iter().map(|v| v.index).collect::<Vec<_>>(), vec![1, 3]);
    let pending = client
        .validators(StateId::Head, &[], &[ValidatorStatus::PendingQueued])
        .await
        .expect("validators");
    assert_eq!(pending.iter().map(|v| v.index).collect::<Vec<_>>(), vec![4]);
    let one = client
        .validator(StateId::Head, pubkey)
        .await
        .expect("validator");
    assert_eq!(one.index, 1);
    assert_eq!(one.status, ValidatorStatus::ActiveOngoing);

    let balances = client
        .balances(
            StateId::Head,
            &[ValidatorId::Index(0), ValidatorId::Index(4)],
        )
        .await
        .expect("balances");
    assert_eq!(balances.len(), 2);
    assert_eq!(balances[1].balance, 32 * ETH);
    assert!(balances[0].balance > 32 * ETH - ETH);

    let cp = client
        .finality_checkpoints(StateId::Head)
        .await
        .expect("finality");
    assert_eq!(cp.finalized.epoch, 1);
    assert_eq!(cp.current_justified.epoch, 2);
    let head = client.header(BlockId::Head).await.expect("head");
    assert_eq!(head.header.message.slot, 12);
    let parent = client.header(BlockId::Slot(11)).await.expect("parent");
    assert_eq!(head.header.message.parent_root, parent.root);
    assert_eq!(
        client
            .header(BlockId::Root(parent.root))
            .await
            .expect("by root"),
        parent
    );
    assert_ne!(head.root, B256::ZERO);
}

#[tokio::test]
async fn client_submits_a_voluntary_exit() {
    let mut node = genesis_node(6, Scenario::default(), 2);
    node.advance_epochs(3);
    let signed = exit(&node, &key(1), 1, 0);
    let (shared, client) = serve(node).await;
    client
        .submit_voluntary_exit(&signed)
        .await
        .expect("accepted");
    let v = client
        .validator(StateId::Head, 1.into())
        .await
        .expect("validator");
    assert_eq!(v.status, ValidatorStatus::ActiveExiting);
    assert_eq!(
        shared
            .lock()
            .validator(StateId::Head, 1.into())
            .expect("known"),
        v
    );
}
