//! A protocol on the embedded chain with 5 guardians (threshold 3), their enclave keys registered, 100 ETH in
//! the pool, and helpers to register real puffer-keys bundles (optionally tampered with).

use std::sync::Arc;

use puffer_chain::{
    DeployConfig, Deployer, Deployment, EmbeddedChain, NodeOperator, OperatorConfig, Staker,
    alloy::{
        primitives::{Address, B256, U256},
        signers::local::PrivateKeySigner,
    },
    bindings::PufferProtocol,
    contract::call_decode,
    deploy::{NO_RESTAKING, names},
    dev_signer, dev_signers,
};
use puffer_guardian::{
    ChainFacts, ChainView, Enclave, Guardian, GuardianParams, InProcessPeers, MemoryEnclave,
    MemoryStore, Store,
};
use puffer_keys::{
    bls::SecretKey, bundle::RegistrationBundle, ecies::EnclavePublicKey, network::Network,
};

pub(crate) const GUARDIANS: usize = 5;

pub(crate) fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

pub(crate) fn network() -> Network {
    Network::custom(
        "devnet",
        "0x10000020",
        "0x40000020",
        "0x1111111111111111111111111111111111111111111111111111111111111111",
    )
    .unwrap()
}

/// The deployed protocol and its actors.
pub(crate) struct Net {
    pub(crate) chain: EmbeddedChain,
    pub(crate) deployment: Deployment,
    pub(crate) view: ChainView,
    pub(crate) keys: Vec<PrivateKeySigner>,
    pub(crate) operators: Vec<PrivateKeySigner>,
    pub(crate) enclaves: Vec<Arc<MemoryEnclave>>,
    pub(crate) network: Network,
}

/// The actors: keys 0..=3 deployer, DAO, NoOp, staker; 4..=8 guardian operators; 10 relayer; 11 attester.
pub(crate) struct Actors {
    pub(crate) keys: Vec<PrivateKeySigner>,
    pub(crate) operators: Vec<PrivateKeySigner>,
    pub(crate) enclaves: Vec<Arc<MemoryEnclave>>,
}

/// The withdrawal credentials of `strategy` (what its registration bundles must carry).
pub(crate) fn credentials(
    chain: &mut dyn puffer_chain::Chain,
    deployment: &Deployment,
    strategy: B256,
) -> B256 {
    let protocol = deployment.protocol().unwrap();
    call_decode(
        chain,
        protocol,
        &PufferProtocol::strategyCall { name: strategy },
    )
    .unwrap()
    .withdrawalCredentials
}

impl Actors {
    /// The guardians' enclave public keys, in guardian order (what a bundle encrypts the shares to).
    pub(crate) fn enclave_pubkeys(&self) -> Vec<EnclavePublicKey> {
        self.enclaves.iter().map(|e| e.public_key()).collect()
    }

    pub(crate) fn new() -> Self {
        let keys = dev_signers(12);
        let operators: Vec<PrivateKeySigner> = keys[4..4 + GUARDIANS].to_vec();
        let enclaves: Vec<Arc<MemoryEnclave>> = (40..40 + GUARDIANS as u32)
            .map(|i| Arc::new(MemoryEnclave::from_bytes(&dev_signer(i).to_bytes().0).unwrap()))
            .collect();
        Self {
            keys,
            operators,
            enclaves,
        }
    }
}

/// Deploys the protocol with the actors' guardians (threshold 3 of 5), registers the enclave keys and deposits
/// 200 ETH. Works on either backend (funds the keys with `set_balance`).
pub(crate) fn deploy(chain: &mut dyn puffer_chain::Chain, actors: &Actors) -> Deployment {
    let keys = &actors.keys;
    for k in keys {
        chain.set_balance(k.address(), eth(1_000)).unwrap();
    }
    let attester = &keys[11];
    let operator = OperatorConfig::dev(
        attester.address(),
        actors.operators.iter().map(|g| g.address()).collect(),
    );
    let deployment = Deployer::full(DeployConfig::dev(keys[1].address()), operator)
        .deploy(chain, &keys[0])
        .unwrap();
    let _gm = deployment.guardian_module().unwrap();
    let _verifier = deployment.address(names::ATTESTATION_VERIFIER).unwrap();
    for (guardian, enclave) in actors.operators.iter().zip(&actors.enclaves) {
        puffer_chain::operator::register_dev_enclave_key(
            chain,
            &deployment,
            attester,
            guardian,
            enclave.address(),
        )
        .unwrap();
    }
    Staker::new(keys[3].clone(), &deployment)
        .unwrap()
        .deposit(chain, eth(200))
        .unwrap();
    deployment
}

/// A valid bundle for validator secret `seed` with credentials `wc`, threshold 3 of 5.
pub(crate) fn make_bundle(
    seed: u8,
    wc: B256,
    network: &Network,
    enclaves: &[EnclavePublicKey],
) -> RegistrationBundle {
    let mut secret = [0u8; 32];
    secret[31] = seed;
    secret[0] = 0x11;
    let secret = SecretKey::from_bytes(&secret, "secret").unwrap();
    RegistrationBundle::create(&secret, wc.0, network, enclaves, 3).unwrap()
}

impl Net {
    pub(crate) fn new() -> Self {
        let actors = Actors::new();
        let mut chain =
            EmbeddedChain::with_funded(actors.keys.iter().map(|k| k.address()), eth(1_000));
        let deployment = deploy(&mut chain, &actors);
        let view = ChainView::new(&deployment).unwrap();
        Self {
            chain,
            deployment,
            view,
            keys: actors.keys,
            operators: actors.operators,
            enclaves: actors.enclaves,
            network: network(),
        }
    }

    pub(crate) fn enclave_pubkeys(&self) -> Vec<EnclavePublicKey> {
        self.enclaves.iter().map(|e| e.public_key()).collect()
    }

    pub(crate) fn credentials(&mut self, strategy: B256) -> B256 {
        credentials(&mut self.chain, &self.deployment, strategy)
    }

    /// A valid bundle for validator secret `seed` in NO_RESTAKING, threshold 3 of 5.
    pub(crate) fn bundle(&mut self, seed: u8) -> RegistrationBundle {
        let wc = self.credentials(NO_RESTAKING);
        make_bundle(seed, wc, &self.network, &self.enclave_pubkeys())
    }

    pub(crate) fn register(&mut self, bundle: &RegistrationBundle) -> U256 {
        let noop = NodeOperator::new(self.keys[2].clone(), &self.deployment).unwrap();
        noop.register(&mut self.chain, bundle, NO_RESTAKING, 12)
            .unwrap()
    }

    pub(crate) fn noop(&self) -> NodeOperator {
        NodeOperator::new(self.keys[2].clone(), &self.deployment).unwrap()
    }

    pub(crate) fn facts(&mut self) -> ChainFacts {
        self.view.facts(&mut self.chain, 8).unwrap()
    }

    /// Guardians over the given stores (one per guardian).
    pub(crate) fn guardians_with(&self, stores: Vec<Arc<dyn Store>>) -> Vec<Arc<Guardian>> {
        self.operators
            .iter()
            .zip(&self.enclaves)
            .zip(stores)
            .map(|((op, enclave), store)| {
                Arc::new(Guardian::new(
                    op.address(),
                    enclave.clone() as Arc<dyn Enclave>,
                    store,
                    self.network.clone(),
                    GuardianParams::default(),
                ))
            })
            .collect()
    }

    pub(crate) fn guardians(&self) -> Vec<Arc<Guardian>> {
        self.guardians_with(
            (0..GUARDIANS)
                .map(|_| Arc::new(MemoryStore::new()) as Arc<dyn Store>)
                .collect(),
        )
    }

    /// Every guardian records every registration since deployment.
    pub(crate) fn record_all(&mut self, guardians: &[Arc<Guardian>]) {
        let facts = self.facts();
        let regs = self
            .view
            .guardian_chain
            .registrations(&mut self.chain, self.deployment.deploy_block, None)
            .unwrap();
        for reg in &regs {
            let wc = self
                .view
                .withdrawal_credentials(&mut self.chain, reg.strategy)
                .unwrap();
            for g in guardians {
                g.record_registration(reg, &facts, self.network.genesis_fork_version, wc)
                    .unwrap();
            }
        }
    }

    pub(crate) fn relayer(&self) -> &PrivateKeySigner {
        &self.keys[10]
    }

    pub(crate) fn status(&mut self, id: U256) -> u8 {
        self.noop().validator(&mut self.chain, id).unwrap().status
    }
}

pub(crate) fn peers(guardians: &[Arc<Guardian>]) -> InProcessPeers {
    InProcessPeers::new(guardians.to_vec())
}

pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

pub(crate) fn addresses(guardians: &[Arc<Guardian>]) -> Vec<Address> {
    guardians.iter().map(|g| g.operator()).collect()
}
