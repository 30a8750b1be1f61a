//! Shared helpers: keys, deposits, exits, a node on a loopback port.

use alloy::primitives::{Address, B256};
use puffer_beacon::sim::{DepositOutcome, SimEvent};
use puffer_beacon::{BeaconClient, Scenario, SharedNode, SimConfig, SimNode};
use puffer_keys::bls::SecretKey;
use puffer_keys::deposit::{DepositData, eth1_withdrawal_credentials};
use puffer_keys::exit::{SignedVoluntaryExit, VoluntaryExit};

pub(crate) const ETH: u64 = 1_000_000_000;

/// A deterministic BLS key per `i`.
pub(crate) fn key(i: u8) -> SecretKey {
    let mut bytes = [i.wrapping_add(1); 32];
    bytes[0] = 0x1f;
    SecretKey::from_bytes(&bytes, "test key").expect("valid scalar")
}

pub(crate) fn address(i: u8) -> Address {
    Address::repeat_byte(0xa0 + i)
}

pub(crate) fn node(seed: u64, scenario: Scenario) -> SimNode {
    SimNode::new(SimConfig::fast(seed), scenario).expect("valid config")
}

/// A deposit of `gwei` for `key` to `to`, signed for `node`'s chain.
pub(crate) fn deposit(node: &SimNode, key: &SecretKey, to: Address, gwei: u64) -> DepositData {
    DepositData::sign(
        key,
        eth1_withdrawal_credentials(to.as_ref()),
        gwei,
        node.config().network.genesis_fork_version,
    )
}

pub(crate) fn deposit_new(node: &mut SimNode, key: &SecretKey, to: Address) -> u64 {
    let d = deposit(node, key, to, 32 * ETH);
    match node.apply_deposit_data(&d) {
        DepositOutcome::Created(i) => i,
        other => panic!("expected a new validator, got {other:?}"),
    }
}

pub(crate) fn exit(node: &SimNode, key: &SecretKey, index: u64, epoch: u64) -> SignedVoluntaryExit {
    VoluntaryExit {
        epoch,
        validator_index: index,
    }
    .sign(key, &node.config().network)
}

/// A node with `n` genesis validators (keys `key(0..n)`, withdrawals to `address(i)`).
pub(crate) fn genesis_node(seed: u64, scenario: Scenario, n: u8) -> SimNode {
    let mut node = node(seed, scenario);
    for i in 0..n {
        node.add_genesis_validator(
            (*key(i).public_key().as_bytes()).into(),
            B256::from(eth1_withdrawal_credentials(address(i).as_ref())),
            32 * ETH,
        );
    }
    node
}

/// Serves `node` on a free loopback port and returns a client for it.
pub(crate) async fn serve(node: SimNode) -> (SharedNode, BeaconClient) {
    let shared = SharedNode::new(node);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(puffer_beacon::server::serve(listener, shared.clone()));
    let client = BeaconClient::new(&format!("http://{addr}")).expect("client");
    (shared, client)
}

pub(crate) fn withdrawn_to(node: &SimNode, to: Address) -> u64 {
    node.events()
        .iter()
        .filter_map(|e| match e {
            SimEvent::Withdrawal {
                address, amount, ..
            } if *address == to => Some(*amount),
            _ => None,
        })
        .sum()
}
