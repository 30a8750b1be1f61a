//! Operator-side custom errors (PufferProtocol, GuardianModule) decoded: triggered for real on the embedded backend
//! where a NoOp, a guardian, anyone or the DAO can reach them, synthetic encodings for the rest.

use puffer_chain::{
    Chain, ChainError, ContractError, DeployConfig, Deployer, Deployment, EmbeddedChain,
    Governance, GuardianChain, NodeOperator, OperatorConfig,
    alloy::{
        primitives::{Address, B256, Bytes, U256},
        signers::local::PrivateKeySigner,
        sol_types::{SolCall, SolError},
    },
    bindings::{GuardianModule, IPufferProtocolTypes, PufferProtocol},
    contract::transact,
    decode_revert,
    deploy::NO_RESTAKING,
    dev_signers,
};

use crate::scenario::eth;

fn expect<E: SolError>(result: puffer_chain::Result<impl std::fmt::Debug>) -> ContractError {
    match result {
        Err(ChainError::Reverted { error, .. }) => {
            assert!(error.is::<E>(), "expected {}, got {error}", E::SIGNATURE);
            assert!(error.decode::<E>().is_some());
            assert!(
                error.to_string().starts_with(error.name()),
                "readable text: {error}"
            );
            *error
        }
        other => panic!("expected {} revert, got {other:?}", E::SIGNATURE),
    }
}

/// Registration data the protocol accepts (it does not check BLS; the guardians do), for 3 guardians.
fn data(tag: u8) -> IPufferProtocolTypes::ValidatorData {
    IPufferProtocolTypes::ValidatorData {
        pubkey: vec![tag; 48].into(),
        signature: vec![tag; 96].into(),
        depositDataRoot: B256::ZERO,
        pubkeyShares: vec![tag; 3 * 48].into(),
        encryptedShares: vec![tag; 3 * 129].into(),
        enclaveEvidence: Bytes::new(),
    }
}

fn send<C: SolCall>(
    chain: &mut EmbeddedChain,
    key: &PrivateKeySigner,
    to: Address,
    call: &C,
    value: U256,
) -> puffer_chain::Result<()> {
    transact(chain, key, to, call, value).map(|_| ())
}

fn setup() -> (EmbeddedChain, Deployment, Vec<PrivateKeySigner>) {
    let keys = dev_signers(6);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(1_000));
    let operator = OperatorConfig::dev(
        keys[0].address(),
        keys[3..6].iter().map(|k| k.address()).collect(),
    );
    let deployment = Deployer::full(DeployConfig::dev(keys[1].address()), operator)
        .deploy(&mut chain, &keys[0])
        .unwrap();
    (chain, deployment, keys)
}

#[test]
fn noop_reachable_protocol_errors() {
    let (mut chain, deployment, keys) = setup();
    let protocol = deployment.protocol().unwrap();
    let noop = NodeOperator::new(keys[2].clone(), &deployment).unwrap();
    let cost = noop.registration_cost(&mut chain, 12).unwrap();
    let register = |strategy: B256, data, months: u64| PufferProtocol::registerValidatorKeyCall {
        strategy_: strategy,
        data,
        months: U256::from(months),
    };
    expect::<PufferProtocol::ProtocolUnknownStrategy>(send(
        &mut chain,
        &keys[2],
        protocol,
        &register(B256::repeat_byte(7), data(1), 12),
        cost,
    ));
    let mut short = data(1);
    short.pubkey = vec![1; 47].into();
    let e = expect::<PufferProtocol::ProtocolInvalidLength>(send(
        &mut chain,
        &keys[2],
        protocol,
        &register(NO_RESTAKING, short, 12),
        cost,
    ));
    assert!(e.to_string().contains("47"), "{e}");
    expect::<PufferProtocol::ProtocolUnknownCommitment>(send(
        &mut chain,
        &keys[2],
        protocol,
        &register(NO_RESTAKING, data(1), 5),
        cost,
    ));
    expect::<PufferProtocol::ProtocolWrongPayment>(send(
        &mut chain,
        &keys[2],
        protocol,
        &register(NO_RESTAKING, data(1), 12),
        U256::ZERO,
    ));
    send(
        &mut chain,
        &keys[2],
        protocol,
        &register(NO_RESTAKING, data(1), 12),
        cost,
    )
    .unwrap();
    expect::<PufferProtocol::ProtocolPubkeyAlreadyRegistered>(send(
        &mut chain,
        &keys[2],
        protocol,
        &register(NO_RESTAKING, data(1), 12),
        cost,
    ));
    let other = NodeOperator::new(keys[1].clone(), &deployment).unwrap();
    expect::<PufferProtocol::ProtocolNotValidatorOwner>(other.stop(&mut chain, U256::ZERO));
    noop.stop(&mut chain, U256::ZERO).unwrap();
    expect::<PufferProtocol::ProtocolInvalidStatus>(noop.stop(&mut chain, U256::ZERO));
}

#[test]
fn provisioning_and_guardian_errors() {
    let (mut chain, deployment, keys) = setup();
    let protocol = deployment.protocol().unwrap();
    let gm = deployment.guardian_module().unwrap();
    let guardians = GuardianChain::new(&deployment).unwrap();
    let root = guardians.deposit_root(&mut chain).unwrap();
    let later = chain.timestamp().unwrap() + 3_600;
    let pk = vec![1u8; 48];
    let sig = vec![1u8; 96];
    expect::<PufferProtocol::ProtocolSignatureExpired>(guardians.provision_node(
        &mut chain,
        &keys[0],
        &pk,
        &sig,
        root,
        0,
        Bytes::new(),
    ));
    expect::<PufferProtocol::ProtocolDepositRootChanged>(guardians.provision_node(
        &mut chain,
        &keys[0],
        &pk,
        &sig,
        B256::repeat_byte(9),
        later,
        Bytes::new(),
    ));
    expect::<PufferProtocol::ProtocolNoValidatorToProvision>(guardians.provision_node(
        &mut chain,
        &keys[0],
        &pk,
        &sig,
        root,
        later,
        Bytes::new(),
    ));
    let noop = NodeOperator::new(keys[2].clone(), &deployment).unwrap();
    let cost = noop.registration_cost(&mut chain, 12).unwrap();
    send(
        &mut chain,
        &keys[2],
        protocol,
        &PufferProtocol::registerValidatorKeyCall {
            strategy_: NO_RESTAKING,
            data: data(1),
            months: U256::from(12u64),
        },
        cost,
    )
    .unwrap();
    expect::<PufferProtocol::ProtocolKeyMismatch>(guardians.provision_node(
        &mut chain,
        &keys[0],
        &[2u8; 48],
        &sig,
        root,
        later,
        Bytes::new(),
    ));
    expect::<GuardianModule::GuardianSignaturesMalformed>(guardians.provision_node(
        &mut chain,
        &keys[0],
        &pk,
        &sig,
        root,
        later,
        vec![0u8; 10].into(),
    ));
    expect::<GuardianModule::GuardianBelowThreshold>(guardians.provision_node(
        &mut chain,
        &keys[0],
        &pk,
        &sig,
        root,
        later,
        Bytes::new(),
    ));
    expect::<PufferProtocol::ProtocolInvalidBatch>(guardians.provision_nodes(
        &mut chain,
        &keys[0],
        Vec::new(),
        root,
        later,
        Bytes::new(),
    ));
    expect::<GuardianModule::GuardianNotAGuardian>(send(
        &mut chain,
        &keys[2],
        gm,
        &GuardianModule::registerEnclaveKeyCall {
            enclaveKey: keys[2].address(),
            evidence: Bytes::new(),
        },
        U256::ZERO,
    ));
    expect::<GuardianModule::GuardianAttestationRejected>(send(
        &mut chain,
        &keys[3],
        gm,
        &GuardianModule::registerEnclaveKeyCall {
            enclaveKey: keys[2].address(),
            evidence: Bytes::new(),
        },
        U256::ZERO,
    ));
}

#[test]
fn dao_reachable_protocol_errors() {
    let (mut chain, deployment, keys) = setup();
    let protocol = deployment.protocol().unwrap();
    let mut governance = Governance::new(keys[1].clone(), &deployment).unwrap();
    expect::<PufferProtocol::ProtocolPriceOutOfBounds>(governance.enact(
        &mut chain,
        protocol,
        &PufferProtocol::setCommitmentPriceCall {
            months: U256::from(12u64),
            priceWei: eth(3),
        },
    ));
    expect::<PufferProtocol::ProtocolStrategyExists>(governance.enact(
        &mut chain,
        protocol,
        &PufferProtocol::createStrategyCall {
            name: NO_RESTAKING,
            config: IPufferProtocolTypes::StrategyConfig {
                avsSet: vec![],
                allowedNoOps: vec![],
                commissionBps: 0,
            },
        },
    ));
}

#[test]
fn unreachable_operator_errors_decode_from_synthetic_data() {
    let a = Address::repeat_byte(0x11);
    let b = Address::repeat_byte(0x22);
    let e = decode_revert(
        &GuardianModule::GuardianSignersNotSorted {
            previous: b,
            signer: a,
        }
        .abi_encode(),
    );
    assert!(e.is::<GuardianModule::GuardianSignersNotSorted>());
    assert_eq!(
        e.to_string(),
        format!("GuardianSignersNotSorted: previous {b}, signer {a}")
    );
    let e = decode_revert(
        &PufferProtocol::ProtocolETHTransferFailed {
            to: a,
            amountWei: eth(32),
        }
        .abi_encode(),
    );
    assert!(e.is::<PufferProtocol::ProtocolETHTransferFailed>());
    assert!(
        e.to_string().starts_with("ProtocolETHTransferFailed"),
        "{e}"
    );
    let e = decode_revert(
        &PufferProtocol::ProtocolQueueHeadBlocked {
            strategy: NO_RESTAKING,
            head: U256::from(64u64),
        }
        .abi_encode(),
    );
    assert!(e.is::<PufferProtocol::ProtocolQueueHeadBlocked>());
    let e = decode_revert(&GuardianModule::GuardianUnknownSigner { signer: a }.abi_encode());
    assert_eq!(e.to_string(), format!("GuardianUnknownSigner: signer {a}"));
}
