//! The deployer wires exactly what `DeployPuffer._wireRoles` and `_handOverAdmin` wire, and takes extra steps.

use puffer_chain::{
    Chain, DeployConfig, DeployStep, Deployer, EmbeddedChain, Result,
    alloy::{
        primitives::{Address, U256, address},
        sol_types::SolCall,
    },
    bindings::{
        AccessManager, GuardianModule, PufferPool, PufferProtocol, TimelockController,
        WithdrawalPool, roles,
    },
    contract::call_decode,
    deploy::{DeployContext, OperatorConfig, names},
    dev_signers,
};

use crate::scenario::eth;

#[test]
fn roles_match_the_forge_script() {
    let keys = dev_signers(3);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(10));
    let mut config = DeployConfig::dev(keys[1].address());
    config.pauser = keys[2].address();
    let deployment = Deployer::staker_side(config)
        .deploy(&mut chain, &keys[0])
        .unwrap();
    let am = deployment.access_manager().unwrap();
    let timelock = deployment.timelock().unwrap();
    let pool = deployment.pool().unwrap();
    let wp = deployment.withdrawal_pool().unwrap();

    let has = |chain: &mut EmbeddedChain, role: u64, account: Address| {
        call_decode(
            chain,
            am,
            &AccessManager::hasRoleCall {
                roleId: role,
                account,
            },
        )
        .unwrap()
        .isMember
    };
    assert!(has(&mut chain, roles::ADMIN, timelock), "timelock is admin");
    assert!(
        !has(&mut chain, roles::ADMIN, keys[0].address()),
        "deployer renounced admin"
    );
    assert!(has(&mut chain, roles::DAO, timelock));
    assert!(has(&mut chain, roles::PAUSER, timelock));
    assert!(has(&mut chain, roles::PAUSER, keys[2].address()));
    assert!(
        !has(&mut chain, roles::DAO, keys[1].address()),
        "the DAO acts only through the timelock"
    );

    let expected: Vec<(Address, [u8; 4], u64)> = vec![
        (
            pool,
            PufferPool::provisionETHCall::SELECTOR,
            roles::PROTOCOL,
        ),
        (
            pool,
            PufferPool::releaseLockedCall::SELECTOR,
            roles::PROTOCOL,
        ),
        (
            pool,
            PufferPool::reportReservesCall::SELECTOR,
            roles::PROTOCOL,
        ),
        (pool, PufferPool::burnSharesCall::SELECTOR, roles::PROTOCOL),
        (pool, PufferPool::setMintCapCall::SELECTOR, roles::DAO),
        (
            pool,
            PufferPool::setWithdrawalPoolShareCall::SELECTOR,
            roles::DAO,
        ),
        (pool, PufferPool::setSpurtLengthCall::SELECTOR, roles::DAO),
        (pool, PufferPool::moveLiquidityCall::SELECTOR, roles::DAO),
        (pool, PufferPool::unpauseDepositsCall::SELECTOR, roles::DAO),
        (pool, PufferPool::pauseDepositsCall::SELECTOR, roles::PAUSER),
        (
            wp,
            WithdrawalPool::setWithdrawalFeeCall::SELECTOR,
            roles::DAO,
        ),
        (
            wp,
            WithdrawalPool::unpauseWithdrawalsCall::SELECTOR,
            roles::DAO,
        ),
        (
            wp,
            WithdrawalPool::pauseWithdrawalsCall::SELECTOR,
            roles::PAUSER,
        ),
        // Unlisted functions stay with the admin role (AccessManager's default).
        (pool, PufferPool::depositETHCall::SELECTOR, roles::ADMIN),
    ];
    for (target, selector, role) in expected {
        let got = call_decode(
            &mut chain,
            am,
            &AccessManager::getTargetFunctionRoleCall {
                target,
                selector: selector.into(),
            },
        )
        .unwrap();
        assert_eq!(got, role, "role of selector {selector:?} on {target}");
    }

    let proposer = call_decode(
        &mut chain,
        timelock,
        &TimelockController::PROPOSER_ROLECall {},
    )
    .unwrap();
    let executor = call_decode(
        &mut chain,
        timelock,
        &TimelockController::EXECUTOR_ROLECall {},
    )
    .unwrap();
    for role in [proposer, executor] {
        let dao_holds = call_decode(
            &mut chain,
            timelock,
            &TimelockController::hasRoleCall {
                role,
                account: keys[1].address(),
            },
        )
        .unwrap();
        assert!(dao_holds, "the DAO proposes and executes");
    }
    let delay = call_decode(
        &mut chain,
        timelock,
        &TimelockController::getMinDelayCall {},
    )
    .unwrap();
    assert_eq!(delay, U256::from(86_400u64));
    // The dead shares were minted at deployment.
    let dead = call_decode(
        &mut chain,
        pool,
        &PufferPool::balanceOfCall {
            account: address!("0x000000000000000000000000000000000000dEaD"),
        },
    )
    .unwrap();
    assert_eq!(dead, eth(1) / U256::from(1_000u64));
}

/// A stand-in for an operator-side step: deploys one more contract while the deployer is still admin.
struct ExtraStep;

impl DeployStep for ExtraStep {
    fn name(&self) -> &'static str {
        "extra"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        ctx.create("ExtraWETH", "DevWETH", Vec::new(), U256::ZERO)?;
        Ok(())
    }
}

#[test]
fn extra_steps_run_before_the_handover() {
    let keys = dev_signers(2);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(10));
    let deployer = Deployer::staker_side(DeployConfig::dev(keys[1].address()))
        .insert_before_handover(Box::new(ExtraStep));
    assert_eq!(
        deployer.step_names(),
        [
            "weth",
            "access manager",
            "timelock",
            "puffer pool",
            "staker-side roles",
            "extra",
            "admin handover"
        ]
    );
    let deployment = deployer.deploy(&mut chain, &keys[0]).unwrap();
    let extra = deployment.address("ExtraWETH").unwrap();
    assert!(!chain.code(extra).unwrap().is_empty());
    assert_eq!(deployment.contracts.len(), 6);
    assert!(deployment.contracts.contains_key(names::WETH));
}

/// Addresses that `forge script script/Deploy.s.sol --broadcast` produced on a fresh anvil with the same deployer
/// key (`dev_signer(0)`) and `DAO_PROPOSER = PAUSER = dev_signer(1)`. Equal addresses mean the same sequence of
/// creations at the same nonces. If this fails after a change to the deploy order, change the forge script and
/// the Rust steps together, re-run the script and update these.
#[test]
fn same_addresses_as_the_forge_script() {
    let keys = dev_signers(2);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(10));
    let operator = OperatorConfig::dev(keys[0].address(), Vec::new());
    let deployment = Deployer::full(DeployConfig::dev(keys[1].address()), operator)
        .deploy(&mut chain, &keys[0])
        .unwrap();
    let forge = [
        (
            names::WETH,
            address!("0xD762824A1Df35207102Ca96b4F05Cf6234354B4e"),
        ),
        (
            names::ACCESS_MANAGER,
            address!("0x670a7ECF96E63229A224f3008808772bBC57Da63"),
        ),
        (
            names::TIMELOCK,
            address!("0xe38F889EAEcA96F9f9c221F11c20894a02E159d5"),
        ),
        (
            names::PUFFER_POOL,
            address!("0xf3F6cA1aC227f792a38E844f1f318C471EE7b5FB"),
        ),
        (
            names::WITHDRAWAL_POOL,
            address!("0xf9420E862b05E5dC63ef1A773F85943e3b218af2"),
        ),
        (
            names::DEPOSIT_CONTRACT,
            address!("0x898c9F7F2EFa3d77b051350C1Bb65538d8d8dF2D"),
        ),
        (
            names::EIGEN_POD_MANAGER,
            address!("0x20aE6b2207B5D5ab1b4729E6DF61445CA8bf4Dd9"),
        ),
        (
            names::ATTESTATION_VERIFIER,
            address!("0x406B8328f41d23C08b25c9ACda6dA16685Ec149a"),
        ),
        (
            names::GUARDIAN_MODULE,
            address!("0xf63E5ca5A6e64cc90aDDFc361Bc723b3E4fD0e14"),
        ),
        (
            names::PUFFER_PROTOCOL,
            address!("0xfd47D33Ba59e70e824CCc1093964FD8ac133DB54"),
        ),
        (
            names::NO_RESTAKING_STRATEGY,
            address!("0x9b1E17314eeF229B6F93a540088EC1eF7CDC282f"),
        ),
        (
            names::SPURT_REPORTER,
            address!("0x2A6462bfd3dcD1BEdB3Dd123f7474991E81f210a"),
        ),
    ];
    for (name, address) in forge {
        assert_eq!(deployment.address(name).unwrap(), address, "{name}");
    }
}

#[test]
fn operator_roles_match_the_forge_script() {
    let keys = dev_signers(2);
    let mut chain = EmbeddedChain::with_funded(keys.iter().map(|k| k.address()), eth(10));
    let operator = OperatorConfig::dev(keys[0].address(), vec![keys[1].address()]);
    let deployer = Deployer::full(DeployConfig::dev(keys[1].address()), operator);
    assert_eq!(
        deployer.step_names(),
        [
            "weth",
            "access manager",
            "timelock",
            "puffer pool",
            "staker-side roles",
            "operator contracts",
            "operator-side roles",
            "admin handover"
        ]
    );
    let deployment = deployer.deploy(&mut chain, &keys[0]).unwrap();
    let am = deployment.access_manager().unwrap();
    let protocol = deployment.protocol().unwrap();
    let gm = deployment.guardian_module().unwrap();
    let is_protocol = call_decode(
        &mut chain,
        am,
        &AccessManager::hasRoleCall {
            roleId: roles::PROTOCOL,
            account: protocol,
        },
    )
    .unwrap()
    .isMember;
    assert!(is_protocol);
    let reporter = deployment.spurt_reporter().unwrap();
    for role in [roles::PROTOCOL, roles::REPORTER] {
        let member = call_decode(
            &mut chain,
            am,
            &AccessManager::hasRoleCall {
                roleId: role,
                account: reporter,
            },
        )
        .unwrap()
        .isMember;
        assert!(member, "SpurtReporter lacks role {role}");
    }
    let expected: Vec<(Address, [u8; 4], u64)> = vec![
        (
            protocol,
            PufferProtocol::exitValidatorCall::SELECTOR,
            roles::REPORTER,
        ),
        (
            protocol,
            PufferProtocol::setBurstShareCall::SELECTOR,
            roles::REPORTER,
        ),
        (
            protocol,
            PufferProtocol::activateValidatorCall::SELECTOR,
            roles::REPORTER,
        ),
        (
            reporter,
            puffer_chain::bindings::SpurtReporter::setMaxRateChangeBpsCall::SELECTOR,
            roles::DAO,
        ),
        (
            reporter,
            puffer_chain::bindings::SpurtReporter::setBurstThresholdBpsCall::SELECTOR,
            roles::DAO,
        ),
        (
            protocol,
            PufferProtocol::createStrategyCall::SELECTOR,
            roles::DAO,
        ),
        (
            protocol,
            PufferProtocol::setStrategyWeightsCall::SELECTOR,
            roles::DAO,
        ),
        (
            protocol,
            PufferProtocol::setNoOpAllowedCall::SELECTOR,
            roles::DAO,
        ),
        (
            protocol,
            PufferProtocol::setCommitmentPriceCall::SELECTOR,
            roles::DAO,
        ),
        (protocol, PufferProtocol::setFeesCall::SELECTOR, roles::DAO),
        (
            protocol,
            PufferProtocol::setRegistrationLimitsCall::SELECTOR,
            roles::DAO,
        ),
        (
            protocol,
            PufferProtocol::unpauseRegistrationsCall::SELECTOR,
            roles::DAO,
        ),
        (
            protocol,
            PufferProtocol::markStrategySlashedCall::SELECTOR,
            roles::DAO,
        ),
        (
            protocol,
            PufferProtocol::pauseRegistrationsCall::SELECTOR,
            roles::PAUSER,
        ),
        (gm, GuardianModule::addGuardianCall::SELECTOR, roles::DAO),
        (gm, GuardianModule::removeGuardianCall::SELECTOR, roles::DAO),
        (gm, GuardianModule::setThresholdCall::SELECTOR, roles::DAO),
        (
            gm,
            GuardianModule::setAttestationVerifierCall::SELECTOR,
            roles::DAO,
        ),
        (
            deployment.address(names::ATTESTATION_VERIFIER).unwrap(),
            puffer_chain::bindings::DevAttestationVerifier::setAttestationSignerCall::SELECTOR,
            roles::DAO,
        ),
    ];
    for (target, selector, role) in expected {
        let got = call_decode(
            &mut chain,
            am,
            &AccessManager::getTargetFunctionRoleCall {
                target,
                selector: selector.into(),
            },
        )
        .unwrap();
        assert_eq!(got, role, "role of selector {selector:?} on {target}");
    }
    let threshold = call_decode(&mut chain, gm, &GuardianModule::thresholdCall {}).unwrap();
    assert_eq!(threshold, U256::from(1u64));
    for name in [
        names::STRATEGY_FACTORY,
        names::STRATEGY_BEACON,
        names::NO_RESTAKING_STRATEGY,
    ] {
        let a = deployment.address(name).unwrap();
        assert!(!chain.code(a).unwrap().is_empty(), "{name} has code");
    }
}
