//! Deploys and wires Puffer on any [`Chain`], in the order of `contracts/script/DeployPuffer.sol`, and reads and
//! writes the deployment file other processes attach to.
//!
//! A deployment is a list of [`DeployStep`]s run in order by [`Deployer`]; each step reads what earlier steps
//! recorded in the [`Deployment`] and records what it creates. [`Deployer::staker_side`] is the staker side;
//! [`Deployer::full`] adds the operator side ([`OperatorContractsStep`], [`OperatorRolesStep`]: dev DepositContract
//! and EigenPodManager, attestation verifier, GuardianModule, PufferProtocol with its strategy beacon, factory and
//! NO_RESTAKING, then ROLE_PROTOCOL and the role table) with [`Deployer::insert_before_handover`], ahead of the step
//! that hands the AccessManager's admin role to the timelock.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use alloy::{
    primitives::{Address, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolConstructor, SolValue},
};
use serde::{Deserialize, Serialize};

use crate::{
    ChainError, Result,
    bindings::{
        AccessManager, DevAttestationVerifier, GuardianModule, PufferPool, PufferProtocol,
        PufferStrategyFactory, SpurtReporter, TimelockController, WithdrawalPool, roles,
    },
    chain::{Chain, TxRequest},
    contract::{call_decode, transact},
};

/// Contract names used as keys of [`Deployment::contracts`].
pub mod names {
    /// The (dev or canonical) WETH.
    pub const WETH: &str = "WETH";
    /// OpenZeppelin AccessManager holding every role.
    pub const ACCESS_MANAGER: &str = "AccessManager";
    /// OpenZeppelin TimelockController executing DAO actions.
    pub const TIMELOCK: &str = "TimelockController";
    /// The PufferPool (pufETH).
    pub const PUFFER_POOL: &str = "PufferPool";
    /// The WithdrawalPool.
    pub const WITHDRAWAL_POOL: &str = "WithdrawalPool";
    /// The beacon deposit contract (the dev DepositContract on dev chains).
    pub const DEPOSIT_CONTRACT: &str = "DepositContract";
    /// EigenLayer's EigenPodManager (the DevEigenPodManager on dev chains).
    pub const EIGEN_POD_MANAGER: &str = "EigenPodManager";
    /// The enclave attestation verifier (DevAttestationVerifier on dev chains: SGX/TDX NOT verified).
    pub const ATTESTATION_VERIFIER: &str = "AttestationVerifier";
    /// The GuardianModule (guardian set, threshold, signature checks).
    pub const GUARDIAN_MODULE: &str = "GuardianModule";
    /// The PufferProtocol (strategies, registrations, provisioning).
    pub const PUFFER_PROTOCOL: &str = "PufferProtocol";
    /// The strategy factory the PufferProtocol deployed.
    pub const STRATEGY_FACTORY: &str = "PufferStrategyFactory";
    /// The strategies' UpgradeableBeacon (owned by the timelock).
    pub const STRATEGY_BEACON: &str = "StrategyBeacon";
    /// The NO_RESTAKING strategy created at deployment.
    pub const NO_RESTAKING_STRATEGY: &str = "NoRestakingStrategy";
    /// The SpurtReporter (growth-spurt reports, claims roots, exits).
    pub const SPURT_REPORTER: &str = "SpurtReporter";
}

/// What the operator side needs (mirrors `DeployPuffer.OperatorConfig`); `None` means "deploy the dev contract" /
/// "use the timelock", as zero addresses do in the forge script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorConfig {
    /// The beacon deposit contract, or `None` to deploy the dev DepositContract.
    pub deposit_contract: Option<Address>,
    /// EigenLayer's EigenPodManager, or `None` to deploy the DevEigenPodManager.
    pub eigen_pod_manager: Option<Address>,
    /// An attestation verifier, or `None` to deploy a DevAttestationVerifier with `attestation_signer`.
    pub attestation_verifier: Option<Address>,
    /// The dev verifier's signer (when it is deployed here). The dev verifier does NOT verify SGX/TDX.
    pub attestation_signer: Address,
    /// The first guardians (operator EOAs); they register their enclave keys themselves.
    pub guardians: Vec<Address>,
    /// More than half of `guardians` (0 with no guardians).
    pub guardian_threshold: u64,
    /// Receives the protocol fee (`None`: the timelock).
    pub treasury: Option<Address>,
    /// Receives the guardian fee (`None`: the timelock).
    pub guardian_fee_recipient: Option<Address>,
}

impl OperatorConfig {
    /// Dev-chain defaults, as `Deploy.s.sol` without environment: dev contracts, `attestation_signer` as the dev
    /// verifier's signer, `guardians` with a simple-majority threshold, fees to the timelock.
    pub fn dev(attestation_signer: Address, guardians: Vec<Address>) -> Self {
        let n = guardians.len() as u64;
        Self {
            deposit_contract: None,
            eigen_pod_manager: None,
            attestation_verifier: None,
            attestation_signer,
            guardian_threshold: if n == 0 { 0 } else { n / 2 + 1 },
            guardians,
            treasury: None,
            guardian_fee_recipient: None,
        }
    }
}

/// What a deployment needs to know (mirrors `DeployPuffer.Config`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployConfig {
    /// Proposes and executes DAO actions on the timelock.
    pub dao: Address,
    /// Emergency pauser.
    pub pauser: Address,
    /// Timelock delay on DAO actions, in seconds.
    pub timelock_delay: u64,
    /// Existing WETH, or `None` to deploy a DevWETH (dev chains).
    pub weth: Option<Address>,
    /// ETH minted to the dead-shares holder at deployment (at least 0.001 ETH).
    pub dead_shares_deposit: U256,
    /// The operator side's configuration (`None` for a staker-side-only deployment; the operator steps then use
    /// [`OperatorConfig::dev`] with the deployer as attestation signer and no guardians).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<OperatorConfig>,
}

impl DeployConfig {
    /// Dev-chain defaults: `dao` is DAO and pauser, a one-day timelock, a DevWETH, 0.001 ETH of dead shares.
    pub fn dev(dao: Address) -> Self {
        Self {
            dao,
            pauser: dao,
            timelock_delay: 86_400,
            weth: None,
            dead_shares_deposit: U256::from(1_000_000_000_000_000u64),
            operator: None,
        }
    }
}

/// Everything a deployment created: the file other processes read to attach.
///
/// File format (JSON): `{"chainId": 31337, "deployBlock": 1, "deployer": "0x…", "config": {…},
/// "contracts": {"PufferPool": "0x…", …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The chain it lives on.
    pub chain_id: u64,
    /// The block of the first deployment transaction (where log scans start).
    pub deploy_block: u64,
    /// The account that sent the deployment transactions.
    pub deployer: Address,
    /// The configuration it was deployed with.
    pub config: DeployConfig,
    /// Contract addresses by name (see [`names`]).
    pub contracts: BTreeMap<String, Address>,
}

impl Deployment {
    /// The address of contract `name`.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] when this deployment has no such contract.
    pub fn address(&self, name: &str) -> Result<Address> {
        self.contracts
            .get(name)
            .copied()
            .ok_or_else(|| ChainError::MissingContract(name.to_owned()))
    }

    /// The PufferPool (pufETH).
    ///
    /// # Errors
    /// [`ChainError::MissingContract`].
    pub fn pool(&self) -> Result<Address> {
        self.address(names::PUFFER_POOL)
    }

    /// The WithdrawalPool.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`].
    pub fn withdrawal_pool(&self) -> Result<Address> {
        self.address(names::WITHDRAWAL_POOL)
    }

    /// The TimelockController.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`].
    pub fn timelock(&self) -> Result<Address> {
        self.address(names::TIMELOCK)
    }

    /// The AccessManager.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`].
    pub fn access_manager(&self) -> Result<Address> {
        self.address(names::ACCESS_MANAGER)
    }

    /// The WETH.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`].
    pub fn weth(&self) -> Result<Address> {
        self.address(names::WETH)
    }

    /// The PufferProtocol.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] (a staker-side-only deployment).
    pub fn protocol(&self) -> Result<Address> {
        self.address(names::PUFFER_PROTOCOL)
    }

    /// The GuardianModule.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] (a staker-side-only deployment).
    pub fn guardian_module(&self) -> Result<Address> {
        self.address(names::GUARDIAN_MODULE)
    }

    /// The beacon deposit contract.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] (a staker-side-only deployment).
    pub fn deposit_contract(&self) -> Result<Address> {
        self.address(names::DEPOSIT_CONTRACT)
    }

    /// The SpurtReporter.
    ///
    /// # Errors
    /// [`ChainError::MissingContract`] (a staker-side-only deployment).
    pub fn spurt_reporter(&self) -> Result<Address> {
        self.address(names::SPURT_REPORTER)
    }

    /// Writes the deployment file (pretty JSON), creating parent directories.
    ///
    /// # Errors
    /// [`ChainError::DeploymentIo`].
    pub fn write(&self, path: &Path) -> Result<()> {
        let io = |source| ChainError::DeploymentIo {
            path: path.to_owned(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io)?;
        }
        let text =
            serde_json::to_string_pretty(self).map_err(|e| ChainError::DeploymentMalformed {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        fs::write(path, text + "\n").map_err(io)
    }

    /// Reads a deployment file without checking it against a chain.
    ///
    /// # Errors
    /// [`ChainError::DeploymentMissing`], [`ChainError::DeploymentIo`], [`ChainError::DeploymentMalformed`].
    pub fn read(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ChainError::DeploymentMissing {
                    path: path.to_owned(),
                }
            } else {
                ChainError::DeploymentIo {
                    path: path.to_owned(),
                    source,
                }
            }
        })?;
        serde_json::from_str(&text).map_err(|e| ChainError::DeploymentMalformed {
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }

    /// Reads a deployment file and checks that it belongs to `chain`: same chain id, and code at every recorded
    /// contract.
    ///
    /// # Errors
    /// As [`Deployment::read`], plus [`ChainError::DeploymentChainMismatch`] and [`ChainError::NoCode`].
    pub fn attach(chain: &mut dyn Chain, path: &Path) -> Result<Self> {
        let deployment = Self::read(path)?;
        if deployment.chain_id != chain.chain_id() {
            return Err(ChainError::DeploymentChainMismatch {
                path: path.to_owned(),
                file_chain_id: deployment.chain_id,
                chain_id: chain.chain_id(),
            });
        }
        for (name, address) in &deployment.contracts {
            if chain.code(*address)?.is_empty() {
                return Err(ChainError::NoCode {
                    name: name.clone(),
                    address: *address,
                });
            }
        }
        Ok(deployment)
    }
}

/// What a step works with: the chain, the deployer's key, the configuration, and the deployment so far.
pub struct DeployContext<'a> {
    /// The chain being deployed to.
    pub chain: &'a mut dyn Chain,
    /// Sends every deployment transaction.
    pub deployer: &'a PrivateKeySigner,
    /// The deployment recorded so far; steps add to `contracts`.
    pub deployment: Deployment,
}

impl DeployContext<'_> {
    /// Deploys the artifact `artifact` with ABI-encoded constructor arguments `args` and `value` wei, records it
    /// as `name`, and returns its address.
    ///
    /// # Errors
    /// [`ChainError::Artifact`], and whatever [`Chain::send`] returns.
    pub fn create(
        &mut self,
        name: &str,
        artifact: &str,
        args: Vec<u8>,
        value: U256,
    ) -> Result<Address> {
        let mut code = puffer_contracts::artifact(artifact)?.bytecode;
        code.extend_from_slice(&args);
        let receipt = self
            .chain
            .send(self.deployer, TxRequest::create(code).with_value(value))
            .map_err(|e| annotate(e, &format!("deploying {name}")))?;
        let address = receipt.contract_address.ok_or_else(|| ChainError::Decode {
            what: format!("receipt of the {name} deployment"),
            reason: "no contract address".to_owned(),
        })?;
        tracing::info!(name, %address, "deployed");
        self.deployment.contracts.insert(name.to_owned(), address);
        Ok(address)
    }

    /// Sends the call `call` to `to` from the deployer.
    ///
    /// # Errors
    /// Whatever [`Chain::send`] returns.
    pub fn send<C: SolCall>(&mut self, to: Address, call: &C) -> Result<()> {
        transact(self.chain, self.deployer, to, call, U256::ZERO)?;
        Ok(())
    }
}

fn annotate(err: ChainError, action: &str) -> ChainError {
    match err {
        ChainError::Reverted { error, tx_hash, .. } => ChainError::Reverted {
            action: action.to_owned(),
            error,
            tx_hash,
        },
        other => other,
    }
}

/// One step of a deployment.
pub trait DeployStep {
    /// A short name for logs and errors.
    fn name(&self) -> &'static str;

    /// Runs the step.
    ///
    /// # Errors
    /// Whatever the chain returns; the deployment stops at the first failing step.
    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()>;
}

/// Step 1: WETH (a DevWETH unless the config names one).
#[derive(Debug, Clone, Copy)]
pub struct WethStep;

impl DeployStep for WethStep {
    fn name(&self) -> &'static str {
        "weth"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        match ctx.deployment.config.weth {
            Some(weth) => {
                record(ctx, names::WETH, weth);
            }
            None => {
                ctx.create(names::WETH, "DevWETH", Vec::new(), U256::ZERO)?;
            }
        }
        Ok(())
    }
}

/// Step 2: the AccessManager, with the deployer as temporary admin.
#[derive(Debug, Clone, Copy)]
pub struct AccessManagerStep;

impl DeployStep for AccessManagerStep {
    fn name(&self) -> &'static str {
        "access manager"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        let args = AccessManager::constructorCall {
            initialAdmin: ctx.deployer.address(),
        }
        .abi_encode();
        ctx.create(names::ACCESS_MANAGER, "AccessManager", args, U256::ZERO)?;
        Ok(())
    }
}

/// Step 3: the TimelockController (proposer and executor: the DAO; self-administered).
#[derive(Debug, Clone, Copy)]
pub struct TimelockStep;

impl DeployStep for TimelockStep {
    fn name(&self) -> &'static str {
        "timelock"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        let config = &ctx.deployment.config;
        let args = TimelockController::constructorCall {
            minDelay: U256::from(config.timelock_delay),
            proposers: vec![config.dao],
            executors: vec![config.dao],
            admin: Address::ZERO,
        }
        .abi_encode();
        ctx.create(names::TIMELOCK, "TimelockController", args, U256::ZERO)?;
        Ok(())
    }
}

/// Step 4: the PufferPool with the dead-shares deposit; records the WithdrawalPool it deploys.
#[derive(Debug, Clone, Copy)]
pub struct PoolStep;

impl DeployStep for PoolStep {
    fn name(&self) -> &'static str {
        "puffer pool"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        let access_manager = ctx.deployment.access_manager()?;
        let weth = ctx.deployment.weth()?;
        let args = (access_manager, weth).abi_encode_params();
        let deposit = ctx.deployment.config.dead_shares_deposit;
        let pool = ctx.create(names::PUFFER_POOL, "PufferPool", args, deposit)?;
        let withdrawal_pool =
            call_decode(&mut *ctx.chain, pool, &PufferPool::withdrawalPoolCall {})?;
        ctx.deployment
            .contracts
            .insert(names::WITHDRAWAL_POOL.to_owned(), withdrawal_pool);
        Ok(())
    }
}

/// Step 5: labels, role grants and the function → role table (exactly `DeployPuffer._wireRoles`).
#[derive(Debug, Clone, Copy)]
pub struct StakerRolesStep;

impl DeployStep for StakerRolesStep {
    fn name(&self) -> &'static str {
        "staker-side roles"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        let am = ctx.deployment.access_manager()?;
        let timelock = ctx.deployment.timelock()?;
        let pauser = ctx.deployment.config.pauser;
        let pool = ctx.deployment.pool()?;
        let wp = ctx.deployment.withdrawal_pool()?;
        for (role, label) in [
            (roles::DAO, "DAO"),
            (roles::PAUSER, "PAUSER"),
            (roles::PROTOCOL, "PROTOCOL"),
        ] {
            ctx.send(
                am,
                &AccessManager::labelRoleCall {
                    roleId: role,
                    label: label.to_owned(),
                },
            )?;
        }
        for (role, account) in [
            (roles::DAO, timelock),
            (roles::PAUSER, timelock),
            (roles::PAUSER, pauser),
        ] {
            ctx.send(
                am,
                &AccessManager::grantRoleCall {
                    roleId: role,
                    account,
                    executionDelay: 0,
                },
            )?;
        }
        let table: [(Address, Vec<[u8; 4]>, u64); 5] = [
            (
                pool,
                vec![
                    PufferPool::provisionETHCall::SELECTOR,
                    PufferPool::releaseLockedCall::SELECTOR,
                    PufferPool::reportReservesCall::SELECTOR,
                    PufferPool::burnSharesCall::SELECTOR,
                ],
                roles::PROTOCOL,
            ),
            (
                pool,
                vec![
                    PufferPool::setMintCapCall::SELECTOR,
                    PufferPool::setWithdrawalPoolShareCall::SELECTOR,
                    PufferPool::setSpurtLengthCall::SELECTOR,
                    PufferPool::moveLiquidityCall::SELECTOR,
                    PufferPool::unpauseDepositsCall::SELECTOR,
                ],
                roles::DAO,
            ),
            (
                pool,
                vec![PufferPool::pauseDepositsCall::SELECTOR],
                roles::PAUSER,
            ),
            (
                wp,
                vec![
                    WithdrawalPool::setWithdrawalFeeCall::SELECTOR,
                    WithdrawalPool::unpauseWithdrawalsCall::SELECTOR,
                ],
                roles::DAO,
            ),
            (
                wp,
                vec![WithdrawalPool::pauseWithdrawalsCall::SELECTOR],
                roles::PAUSER,
            ),
        ];
        for (target, selectors, role) in table {
            set_function_roles(ctx, am, target, selectors, role)?;
        }
        Ok(())
    }
}

fn set_function_roles(
    ctx: &mut DeployContext<'_>,
    am: Address,
    target: Address,
    selectors: Vec<[u8; 4]>,
    role: u64,
) -> Result<()> {
    ctx.send(
        am,
        &AccessManager::setTargetFunctionRoleCall {
            target,
            selectors: selectors.into_iter().map(Into::into).collect(),
            roleId: role,
        },
    )
}

/// Step 6, contracts (exactly `DeployPuffer._deployOperator`): the dev DepositContract and DevEigenPodManager
/// unless configured, the attestation verifier (dev: SGX/TDX NOT verified), the GuardianModule with the first
/// guardian set, and the PufferProtocol (which deploys the strategy implementation, its beacon owned by the
/// timelock, the strategy factory and NO_RESTAKING; all recorded).
#[derive(Debug, Clone, Copy)]
pub struct OperatorContractsStep;

impl DeployStep for OperatorContractsStep {
    fn name(&self) -> &'static str {
        "operator contracts"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        let op = ctx
            .deployment
            .config
            .operator
            .clone()
            .unwrap_or_else(|| OperatorConfig::dev(ctx.deployer.address(), Vec::new()));
        let am = ctx.deployment.access_manager()?;
        let timelock = ctx.deployment.timelock()?;
        let pool = ctx.deployment.pool()?;
        let deposit = match op.deposit_contract {
            Some(a) => record(ctx, names::DEPOSIT_CONTRACT, a),
            None => ctx.create(
                names::DEPOSIT_CONTRACT,
                "DepositContract",
                Vec::new(),
                U256::ZERO,
            )?,
        };
        let epm = match op.eigen_pod_manager {
            Some(a) => record(ctx, names::EIGEN_POD_MANAGER, a),
            None => ctx.create(
                names::EIGEN_POD_MANAGER,
                "DevEigenPodManager",
                deposit.abi_encode(),
                U256::ZERO,
            )?,
        };
        let verifier = match op.attestation_verifier {
            Some(a) => record(ctx, names::ATTESTATION_VERIFIER, a),
            None => ctx.create(
                names::ATTESTATION_VERIFIER,
                "DevAttestationVerifier",
                (am, op.attestation_signer).abi_encode_params(),
                U256::ZERO,
            )?,
        };
        let guardian_module = ctx.create(
            names::GUARDIAN_MODULE,
            "GuardianModule",
            (
                am,
                verifier,
                op.guardians.clone(),
                U256::from(op.guardian_threshold),
            )
                .abi_encode_params(),
            U256::ZERO,
        )?;
        let init = PufferProtocol::Init {
            authority: am,
            pool,
            guardianModule: guardian_module,
            depositContract: deposit,
            eigenPodManager: epm,
            beaconOwner: timelock,
            treasury: op.treasury.unwrap_or(timelock),
            guardianFeeRecipient: op.guardian_fee_recipient.unwrap_or(timelock),
        };
        let protocol = ctx.create(
            names::PUFFER_PROTOCOL,
            "PufferProtocol",
            init.abi_encode(),
            U256::ZERO,
        )?;
        let factory = call_decode(
            &mut *ctx.chain,
            protocol,
            &PufferProtocol::strategyFactoryCall {},
        )?;
        let beacon = call_decode(
            &mut *ctx.chain,
            factory,
            &PufferStrategyFactory::beaconCall {},
        )?;
        let no_restaking = call_decode(
            &mut *ctx.chain,
            protocol,
            &PufferProtocol::strategyCall { name: NO_RESTAKING },
        )?
        .strategy;
        record(ctx, names::STRATEGY_FACTORY, factory);
        record(ctx, names::STRATEGY_BEACON, beacon);
        record(ctx, names::NO_RESTAKING_STRATEGY, no_restaking);
        ctx.create(
            names::SPURT_REPORTER,
            "SpurtReporter",
            (am, pool, protocol, guardian_module).abi_encode_params(),
            U256::ZERO,
        )?;
        Ok(())
    }
}

fn record(ctx: &mut DeployContext<'_>, name: &str, address: Address) -> Address {
    ctx.deployment.contracts.insert(name.to_owned(), address);
    address
}

/// The name of the strategy that exists from deployment: `bytes32("NO_RESTAKING")`.
pub const NO_RESTAKING: B256 = {
    let mut b = [0u8; 32];
    let name = b"NO_RESTAKING";
    let mut i = 0;
    while i < name.len() {
        b[i] = name[i];
        i += 1;
    }
    B256::new(b)
};

/// Step 6, roles (exactly `DeployPuffer._wireOperatorRoles`): ROLE_PROTOCOL for the PufferProtocol and the
/// operator contracts' function → role table.
#[derive(Debug, Clone, Copy)]
pub struct OperatorRolesStep;

impl DeployStep for OperatorRolesStep {
    fn name(&self) -> &'static str {
        "operator-side roles"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        let am = ctx.deployment.access_manager()?;
        let protocol = ctx.deployment.protocol()?;
        let guardian_module = ctx.deployment.guardian_module()?;
        let verifier = ctx.deployment.address(names::ATTESTATION_VERIFIER)?;
        let reporter = ctx.deployment.spurt_reporter()?;
        ctx.send(
            am,
            &AccessManager::grantRoleCall {
                roleId: roles::PROTOCOL,
                account: protocol,
                executionDelay: 0,
            },
        )?;
        let mut table: Vec<(Address, Vec<[u8; 4]>, u64)> = vec![
            (
                protocol,
                vec![
                    PufferProtocol::createStrategyCall::SELECTOR,
                    PufferProtocol::setStrategyWeightsCall::SELECTOR,
                    PufferProtocol::setNoOpAllowedCall::SELECTOR,
                    PufferProtocol::setCommitmentPriceCall::SELECTOR,
                    PufferProtocol::setFeesCall::SELECTOR,
                    PufferProtocol::setRegistrationLimitsCall::SELECTOR,
                    PufferProtocol::unpauseRegistrationsCall::SELECTOR,
                    PufferProtocol::markStrategySlashedCall::SELECTOR,
                ],
                roles::DAO,
            ),
            (
                protocol,
                vec![PufferProtocol::pauseRegistrationsCall::SELECTOR],
                roles::PAUSER,
            ),
        ];
        for (target, selectors, role) in table.drain(..) {
            set_function_roles(ctx, am, target, selectors, role)?;
        }
        // The SpurtReporter: labelled role, ROLE_PROTOCOL (pool) and ROLE_REPORTER (protocol, strategies).
        ctx.send(
            am,
            &AccessManager::labelRoleCall {
                roleId: roles::REPORTER,
                label: "REPORTER".to_owned(),
            },
        )?;
        for role in [roles::PROTOCOL, roles::REPORTER] {
            ctx.send(
                am,
                &AccessManager::grantRoleCall {
                    roleId: role,
                    account: reporter,
                    executionDelay: 0,
                },
            )?;
        }
        table = vec![
            (
                protocol,
                vec![
                    PufferProtocol::exitValidatorCall::SELECTOR,
                    PufferProtocol::setBurstShareCall::SELECTOR,
                    PufferProtocol::activateValidatorCall::SELECTOR,
                ],
                roles::REPORTER,
            ),
            (
                reporter,
                vec![
                    SpurtReporter::setMaxRateChangeBpsCall::SELECTOR,
                    SpurtReporter::setBurstThresholdBpsCall::SELECTOR,
                ],
                roles::DAO,
            ),
            (
                guardian_module,
                vec![
                    GuardianModule::addGuardianCall::SELECTOR,
                    GuardianModule::removeGuardianCall::SELECTOR,
                    GuardianModule::setThresholdCall::SELECTOR,
                    GuardianModule::setAttestationVerifierCall::SELECTOR,
                ],
                roles::DAO,
            ),
        ];
        // Only when the dev verifier was deployed here (it is AccessManaged by our manager), like the script's
        // try/catch on `authority()`.
        let authority = ctx
            .chain
            .call(
                None,
                verifier,
                DevAttestationVerifier::authorityCall {}.abi_encode().into(),
            )
            .ok()
            .and_then(|out| DevAttestationVerifier::authorityCall::abi_decode_returns(&out).ok());
        if authority == Some(am) {
            table.push((
                verifier,
                vec![DevAttestationVerifier::setAttestationSignerCall::SELECTOR],
                roles::DAO,
            ));
        }
        for (target, selectors, role) in table {
            set_function_roles(ctx, am, target, selectors, role)?;
        }
        Ok(())
    }
}

/// Step 7: the timelock becomes the only admin; the deployer renounces.
#[derive(Debug, Clone, Copy)]
pub struct HandOverAdminStep;

impl DeployStep for HandOverAdminStep {
    fn name(&self) -> &'static str {
        "admin handover"
    }

    fn run(&self, ctx: &mut DeployContext<'_>) -> Result<()> {
        let am = ctx.deployment.access_manager()?;
        let timelock = ctx.deployment.timelock()?;
        ctx.send(
            am,
            &AccessManager::grantRoleCall {
                roleId: roles::ADMIN,
                account: timelock,
                executionDelay: 0,
            },
        )?;
        let deployer = ctx.deployer.address();
        ctx.send(
            am,
            &AccessManager::renounceRoleCall {
                roleId: roles::ADMIN,
                callerConfirmation: deployer,
            },
        )
    }
}

/// Runs a list of [`DeployStep`]s in order.
pub struct Deployer {
    config: DeployConfig,
    steps: Vec<Box<dyn DeployStep>>,
}

impl std::fmt::Debug for Deployer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deployer")
            .field("config", &self.config)
            .field("steps", &self.step_names())
            .finish()
    }
}

impl Deployer {
    /// The staker side, in the forge script's order: WETH, AccessManager, TimelockController, PufferPool (and its
    /// WithdrawalPool), roles, admin handover.
    pub fn staker_side(config: DeployConfig) -> Self {
        Self {
            config,
            steps: vec![
                Box::new(WethStep),
                Box::new(AccessManagerStep),
                Box::new(TimelockStep),
                Box::new(PoolStep),
                Box::new(StakerRolesStep),
                Box::new(HandOverAdminStep),
            ],
        }
    }

    /// The whole protocol, in the forge script's order: the staker side, then (through
    /// [`Deployer::insert_before_handover`]) the operator contracts and their roles, then the admin handover.
    pub fn full(mut config: DeployConfig, operator: OperatorConfig) -> Self {
        config.operator = Some(operator);
        Self::staker_side(config)
            .insert_before_handover(Box::new(OperatorContractsStep))
            .insert_before_handover(Box::new(OperatorRolesStep))
    }

    /// Adds `step` just before the admin handover (the deployer is still admin then, so it can wire roles).
    pub fn insert_before_handover(mut self, step: Box<dyn DeployStep>) -> Self {
        let at = self
            .steps
            .iter()
            .position(|s| s.name() == HandOverAdminStep.name())
            .unwrap_or(self.steps.len());
        self.steps.insert(at, step);
        self
    }

    /// The steps' names, in order.
    pub fn step_names(&self) -> Vec<&'static str> {
        self.steps.iter().map(|s| s.name()).collect()
    }

    /// Runs every step with `deployer` sending the transactions.
    ///
    /// # Errors
    /// The first failing step's error.
    pub fn deploy(&self, chain: &mut dyn Chain, deployer: &PrivateKeySigner) -> Result<Deployment> {
        let deploy_block = chain.block_number()? + 1;
        let mut ctx = DeployContext {
            deployment: Deployment {
                chain_id: chain.chain_id(),
                deploy_block,
                deployer: deployer.address(),
                config: self.config.clone(),
                contracts: BTreeMap::new(),
            },
            chain,
            deployer,
        };
        for step in &self.steps {
            tracing::debug!(step = step.name(), "deploy step");
            step.run(&mut ctx)?;
        }
        Ok(ctx.deployment)
    }
}

/// Where a deployment file lives by default for chain `chain_id`: `deployments/<chain_id>.json`.
pub fn default_deployment_path(chain_id: u64) -> PathBuf {
    PathBuf::from("deployments").join(format!("{chain_id}.json"))
}
