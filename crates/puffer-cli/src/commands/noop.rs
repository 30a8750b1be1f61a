//! `puffer noop`: node operators register validators (from a keys bundle, or generating keys on the fly), read
//! their status, extend or stop commitments, see and claim rewards, and exit validators.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use puffer_beacon::{BeaconClient, BeaconNode, StateId, ValidatorId};
use puffer_chain::{
    NodeOperator,
    alloy::primitives::{Address, B256, U256},
    bindings::{GuardianModule, PufferProtocol},
    contract::call_decode,
    operator::strategy_name,
};
use puffer_keys::{
    bls::SecretKey,
    bundle::RegistrationBundle,
    derive::{signing_path, validator_signing_key},
    ecies::{EnclavePublicKey, EnclaveSecretKey},
    exit::VoluntaryExit,
    keystore::{KdfParams, Keystore, PBKDF2_DEFAULT_C},
    mnemonic::Mnemonic,
    network::Network,
};
use serde::Serialize;

use crate::cli::{
    amount::format_eth,
    context::{ChainArgs, Context, KeyArgs, Role},
    http::runtime,
};

use super::{
    devnet::ENCLAVE_ACCOUNT,
    gov::name_text,
    status::{STATUSES, validator_statuses},
};

/// `puffer noop` with the connection options.
#[derive(Debug, Args)]
pub(crate) struct NoopArgs {
    #[command(subcommand)]
    command: NoopCommand,
    #[command(flatten)]
    chain: ChainArgs,
}

/// `puffer noop …`
#[derive(Debug, Subcommand)]
pub(crate) enum NoopCommand {
    /// Register validators in a strategy: pays the smoothing commitment plus the 1 ETH bond each.
    #[command(after_help = "Examples:\n  \
        puffer noop register --strategy NO_RESTAKING --generate --count 2 --password-file pw.txt\n  \
        puffer noop register --strategy EIGEN_DA --months 12 --bundle bundle.json")]
    Register(RegisterArgs),
    /// Your validators: status, commitment, bond.
    #[command(
        after_help = "Examples:\n  puffer noop status\n  puffer noop status --owner 0x7D84… --json"
    )]
    Status {
        /// Whose validators (default: your account).
        #[arg(long)]
        owner: Option<Address>,
        /// Beacon node for each validator's beacon index, status and balance (default: the devnet's; without
        /// one, or when it does not answer, those columns are left empty).
        #[arg(long)]
        beacon_url: Option<String>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Buy more months of smoothing commitment for a validator.
    #[command(after_help = "Example:\n  puffer noop extend 0 --months 6")]
    Extend {
        /// The validator id.
        id: U256,
        /// Months to add.
        #[arg(long)]
        months: u64,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Withdraw a pending registration (the bond comes back as pufETH).
    #[command(after_help = "Example:\n  puffer noop stop 18446744073709551616")]
    Stop {
        /// The validator id.
        id: U256,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// What you can claim per growth spurt, with proofs fetched from the guardians and checked on chain.
    #[command(
        after_help = "Examples:\n  puffer noop rewards\n  puffer noop rewards --spurt 3 --json"
    )]
    Rewards {
        /// Only this spurt (default: every reported spurt).
        #[arg(long)]
        spurt: Option<u64>,
        /// Whose rewards (default: your account).
        #[arg(long)]
        owner: Option<Address>,
        /// Guardian API to fetch trees from (default: the devnet's guardians, first that answers).
        #[arg(long)]
        guardian_url: Vec<String>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Claim every unclaimed reward (or one spurt's) to your account.
    #[command(after_help = "Examples:\n  puffer noop claim\n  puffer noop claim --spurt 3")]
    Claim {
        /// Only this spurt (default: every reported spurt).
        #[arg(long)]
        spurt: Option<u64>,
        /// Guardian API to fetch trees from (default: the devnet's guardians, first that answers).
        #[arg(long)]
        guardian_url: Vec<String>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Exit a validator: sign a voluntary exit (EIP-7044) with its keystore and submit it to the beacon node.
    #[command(
        after_help = "Example:\n  puffer noop exit --keystore keys/keystore-m_12381_3600_0_0_0.json --password-file pw.txt"
    )]
    Exit {
        /// The validator's EIP-2335 keystore.
        #[arg(long)]
        keystore: PathBuf,
        /// File with the keystore password (else prompted).
        #[arg(long)]
        password_file: Option<PathBuf>,
        /// Beacon node (default: the devnet's).
        #[arg(long)]
        beacon_url: Option<String>,
    },
}

/// `puffer noop register` options.
#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    /// Strategy name (see `puffer gov strategy list`).
    #[arg(long)]
    strategy: String,
    /// Months of smoothing commitment (see `puffer gov prices show`).
    #[arg(long, default_value_t = 12)]
    months: u64,
    /// A registration bundle made by `puffer keys split`.
    #[arg(long, conflicts_with_all = ["generate", "count"], required_unless_present = "generate")]
    bundle: Option<PathBuf>,
    /// Generate the keys: a mnemonic (kept in --keys-dir), keystores, and the bundle for the guardians.
    #[arg(long)]
    generate: bool,
    /// How many validators to generate and register.
    #[arg(long, default_value_t = 1, requires = "generate")]
    count: u32,
    /// Where generated keys go (mnemonic.txt, keystores, bundles).
    #[arg(long, default_value = ".puffer/noop-keys")]
    keys_dir: PathBuf,
    /// File with the keystore password (else prompted).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// JSON list of the guardians' enclave public keys (hex, guardian-set order); default on a devnet: its keys.
    #[arg(long)]
    enclave_keys: Option<PathBuf>,
    /// Beacon node to read the network from (default: the devnet's).
    #[arg(long)]
    beacon_url: Option<String>,
    #[command(flatten)]
    key: KeyArgs,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Registered {
    validator_id: String,
    strategy: String,
    pubkey: String,
    months: u64,
    paid_wei: String,
    bundle: Option<PathBuf>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValidatorRow {
    validator_id: String,
    strategy: String,
    status: &'static str,
    months: u64,
    bond_shares: String,
    pubkey: String,
    /// On the beacon chain (null before its deposit, or without a beacon node).
    beacon_index: Option<u64>,
    beacon_status: Option<String>,
    beacon_balance_gwei: Option<String>,
}

/// Beacon index, status and balance of each pubkey the beacon node knows.
fn beacon_records(
    url: &str,
    pubkeys: &[[u8; 48]],
) -> anyhow::Result<std::collections::BTreeMap<[u8; 48], puffer_beacon::types::ValidatorData>> {
    if pubkeys.is_empty() {
        return Ok(Default::default());
    }
    let client = BeaconClient::new(url)?;
    let ids: Vec<ValidatorId> = pubkeys
        .iter()
        .map(|pk| ValidatorId::Pubkey((*pk).into()))
        .collect();
    let records = runtime()?.block_on(client.validators(StateId::Head, &ids, &[]))?;
    Ok(records
        .into_iter()
        .filter_map(|v| {
            <[u8; 48]>::try_from(v.validator.pubkey.as_slice())
                .ok()
                .map(|pk| (pk, v))
        })
        .collect())
}

fn beacon_url(ctx: &Context, given: Option<String>) -> anyhow::Result<String> {
    given
        .or_else(|| ctx.devnet.as_ref().map(|d| d.beacon_url.clone()))
        .context("no beacon node: pass --beacon-url (or run against `puffer devnet up`)")
}

/// The network as the beacon node describes it (fork versions and genesis validators root).
fn network(url: &str) -> anyhow::Result<Network> {
    let client = BeaconClient::new(url)?;
    let rt = runtime()?;
    let genesis = rt
        .block_on(client.genesis())
        .with_context(|| format!("reading the genesis of {url}"))?;
    let spec = rt
        .block_on(client.spec())
        .with_context(|| format!("reading the spec of {url}"))?;
    Ok(Network {
        name: "beacon".to_owned(),
        genesis_fork_version: genesis.genesis_fork_version.0,
        capella_fork_version: spec.capella_fork_version.0,
        genesis_validators_root: genesis.genesis_validators_root.0,
    })
}

/// The guardians' enclave public keys in guardian-set order, each checked against the enclave key address the
/// GuardianModule holds for that guardian (a wrong key would make the validator's keyshare unreadable).
fn enclave_keys(
    ctx: &mut Context,
    file: Option<&Path>,
) -> anyhow::Result<(Vec<EnclavePublicKey>, usize)> {
    let gm = ctx.deployment.guardian_module()?;
    let guardians = call_decode(&mut ctx.chain, gm, &GuardianModule::guardiansCall {})?;
    let threshold: usize =
        call_decode(&mut ctx.chain, gm, &GuardianModule::thresholdCall {})?.saturating_to();
    if guardians.is_empty() {
        bail!("the protocol has no guardians: nobody could provision or eject this validator");
    }
    let keys: Vec<EnclavePublicKey> = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let list: Vec<String> = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a JSON list of hex keys", path.display()))?;
            list.iter()
                .enumerate()
                .map(|(i, k)| EnclavePublicKey::from_hex(k, &format!("enclave key {i}")))
                .collect::<Result<_, _>>()?
        }
        None if ctx.devnet.is_some() => (0..guardians.len())
            .map(|i| {
                let secret = puffer_chain::dev_signer(ENCLAVE_ACCOUNT + i as u32).to_bytes();
                EnclaveSecretKey::from_bytes(secret.as_slice()).map(|k| k.public_key())
            })
            .collect::<Result<_, _>>()?,
        None => bail!("pass --enclave-keys FILE with the guardians' enclave public keys"),
    };
    if keys.len() != guardians.len() {
        bail!(
            "{} enclave keys given for {} guardians",
            keys.len(),
            guardians.len()
        );
    }
    for (i, (key, guardian)) in keys.iter().zip(&guardians).enumerate() {
        let on_chain = call_decode(
            &mut ctx.chain,
            gm,
            &GuardianModule::enclaveKeyOfCall {
                guardian: *guardian,
            },
        )?;
        let address = Address::from_raw_public_key(&key.as_bytes()[1..]);
        if address != on_chain {
            bail!(
                "enclave key {i} is for {address}, but guardian {guardian} registered enclave {on_chain}"
            );
        }
    }
    Ok((keys, threshold))
}

/// The mnemonic in `dir` (created on first use, mode 0600) and the next unused validator index.
fn keys_dir_state(dir: &Path) -> anyhow::Result<(Mnemonic, u32)> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("mnemonic.txt");
    let mnemonic = if path.exists() {
        let text = crate::input::read_secret_file(&path)?;
        Mnemonic::parse(&text).with_context(|| format!("in {}", path.display()))?
    } else {
        let m = Mnemonic::generate(24)?;
        puffer_keys::fs::write_atomic(&path, m.phrase().as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        m
    };
    let next = std::fs::read_to_string(dir.join("next-index"))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0);
    Ok((mnemonic, next))
}

/// Runs a `puffer noop` command.
pub(crate) fn run(args: NoopArgs) -> anyhow::Result<()> {
    let mut ctx = Context::connect(&args.chain)?;
    let out = ctx.out;
    match args.command {
        NoopCommand::Register(reg) => register(&mut ctx, reg),
        NoopCommand::Status {
            owner,
            beacon_url,
            key,
        } => {
            let owner = match owner {
                Some(o) => o,
                None => ctx.signer(&key, Role::NoOp)?.address(),
            };
            let protocol = ctx.deployment.protocol()?;
            let registrations = puffer_chain::GuardianChain::new(&ctx.deployment)?
                .registrations_of(&mut ctx.chain, owner, ctx.deployment.deploy_block)?;
            let statuses = validator_statuses(&mut ctx)?;
            let pubkeys: Vec<[u8; 48]> = registrations
                .iter()
                .filter_map(|r| <[u8; 48]>::try_from(r.data.pubkey.as_ref()).ok())
                .collect();
            let url = beacon_url.or_else(|| ctx.devnet.as_ref().map(|d| d.beacon_url.clone()));
            let beacon = match url {
                Some(url) => beacon_records(&url, &pubkeys).unwrap_or_else(|e| {
                    tracing::warn!(%url, error = %e, "beacon node not answering: beacon columns left empty");
                    Default::default()
                }),
                None => Default::default(),
            };
            let mut rows = Vec::new();
            for reg in registrations {
                let id = reg.validator_id;
                let v = call_decode(
                    &mut ctx.chain,
                    protocol,
                    &PufferProtocol::validatorCall { validatorId: id },
                )?;
                let record = <[u8; 48]>::try_from(reg.data.pubkey.as_ref())
                    .ok()
                    .and_then(|pk| beacon.get(&pk));
                rows.push(ValidatorRow {
                    validator_id: id.to_string(),
                    strategy: name_text(reg.strategy),
                    status: STATUSES[usize::from(statuses.get(&id).copied().unwrap_or(v.status))],
                    months: u64::from(v.months),
                    bond_shares: v.bondShares.to_string(),
                    pubkey: reg.data.pubkey.to_string(),
                    beacon_index: record.map(|r| r.index),
                    beacon_status: record.map(|r| {
                        serde_json::to_value(r.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                    }),
                    beacon_balance_gwei: record.map(|r| r.balance.to_string()),
                });
            }
            out.emit(&rows, || {
                let mut text = format!("{} validators of {owner}", rows.len());
                for r in &rows {
                    let bond = U256::from_str_radix(&r.bond_shares, 10).unwrap_or_default();
                    text.push_str(&format!(
                        "\n  #{:<22} {:<14} {:<11} {:>2} months  bond {} pufETH",
                        r.validator_id,
                        r.strategy,
                        r.status,
                        r.months,
                        format_eth(bond)
                    ));
                    if let (Some(index), Some(status), Some(balance)) =
                        (r.beacon_index, &r.beacon_status, &r.beacon_balance_gwei)
                    {
                        let gwei: u64 = balance.parse().unwrap_or_default();
                        text.push_str(&format!(
                            "  beacon #{index} {status} {} ETH",
                            format_eth(U256::from(gwei) * U256::from(1_000_000_000u64))
                        ));
                    }
                }
                text
            })
        }
        NoopCommand::Extend { id, months, key } => {
            let noop = NodeOperator::new(ctx.signer(&key, Role::NoOp)?, &ctx.deployment)?;
            noop.extend(&mut ctx.chain, id, months)?;
            let v = noop.validator(&mut ctx.chain, id)?;
            out.emit(
                &serde_json::json!({ "validatorId": id.to_string(), "months": v.months }),
                || {
                    format!(
                        "{} validator {id}: {} months bought in total",
                        out.good("extended"),
                        v.months
                    )
                },
            )
        }
        NoopCommand::Stop { id, key } => {
            let noop = NodeOperator::new(ctx.signer(&key, Role::NoOp)?, &ctx.deployment)?;
            noop.stop(&mut ctx.chain, id)?;
            out.emit(&serde_json::json!({ "stopped": id.to_string() }), || {
                format!(
                    "{} registration {id}; the bond is back as pufETH",
                    out.good("stopped")
                )
            })
        }
        NoopCommand::Rewards {
            spurt,
            owner,
            guardian_url,
            key,
        } => {
            let owner = match owner {
                Some(o) => o,
                None => ctx.signer(&key, Role::NoOp)?.address(),
            };
            let rewards = claimable(&mut ctx, owner, spurt, &guardian_url)?;
            out.emit(&rewards, || {
                if rewards.is_empty() {
                    return format!("no rewards for {owner} in the reported spurts");
                }
                let mut text = format!("rewards of {owner}");
                for r in &rewards {
                    let amount = U256::from_str_radix(&r.amount_wei, 10).unwrap_or_default();
                    text.push_str(&format!(
                        "\n  spurt {:<4} {:<14} {} ETH  {}",
                        r.spurt,
                        r.strategy_name,
                        format_eth(amount),
                        if r.claimed { "claimed" } else { "claimable" }
                    ));
                }
                text
            })
        }
        NoopCommand::Claim {
            spurt,
            guardian_url,
            key,
        } => {
            let noop = NodeOperator::new(ctx.signer(&key, Role::NoOp)?, &ctx.deployment)?;
            let rewards = claimable(&mut ctx, noop.address(), spurt, &guardian_url)?;
            let mut claimed = Vec::new();
            let mut total = U256::ZERO;
            for r in rewards.into_iter().filter(|r| !r.claimed) {
                let amount = U256::from_str_radix(&r.amount_wei, 10)?;
                noop.claim(&mut ctx.chain, r.strategy, r.spurt, amount, r.proof.clone())?;
                total += amount;
                claimed.push(r);
            }
            out.emit(
                &serde_json::json!({ "claimed": claimed, "totalWei": total.to_string() }),
                || {
                    if claimed.is_empty() {
                        "nothing to claim".to_owned()
                    } else {
                        format!(
                            "{} {} ETH in {} claims",
                            out.good("claimed"),
                            format_eth(total),
                            claimed.len()
                        )
                    }
                },
            )
        }
        NoopCommand::Exit {
            keystore,
            password_file,
            beacon_url: url,
        } => {
            let url = beacon_url(&ctx, url)?;
            let text = std::fs::read_to_string(&keystore)
                .with_context(|| format!("reading {}", keystore.display()))?;
            let store =
                Keystore::from_json(&text).with_context(|| format!("in {}", keystore.display()))?;
            let password =
                crate::input::secret(password_file.as_deref(), "keystore password", false)?;
            let secret = store
                .decrypt(&password)
                .context("decrypting the keystore")?;
            let pubkey = secret.public_key();
            let client = BeaconClient::new(&url)?;
            let rt = runtime()?;
            let id = ValidatorId::Pubkey(puffer_chain::alloy::primitives::FixedBytes::from(
                *pubkey.as_bytes(),
            ));
            let record = rt
                .block_on(client.validator(StateId::Head, id))
                .with_context(|| format!("looking up validator {} on {url}", pubkey.to_hex()))?;
            let network = network(&url)?;
            let spec = rt.block_on(client.spec())?;
            let epoch = rt
                .block_on(client.header(puffer_beacon::BlockId::Head))?
                .header
                .message
                .slot
                / spec.slots_per_epoch.max(1);
            let signed = VoluntaryExit {
                epoch,
                validator_index: record.index,
            }
            .sign(&secret, &network);
            rt.block_on(client.submit_voluntary_exit(&signed))
                .context("the beacon node refused the exit")?;
            out.emit(
                &serde_json::json!({ "validatorIndex": record.index, "epoch": epoch, "pubkey": pubkey.to_hex() }),
                || format!("{} voluntary exit of validator {} (epoch {epoch})", out.good("submitted"), record.index),
            )
        }
    }
}

/// One claim of a NoOp in one spurt's tree.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Reward {
    spurt: u64,
    strategy: Address,
    strategy_name: String,
    amount_wei: String,
    claimed: bool,
    proof: Vec<B256>,
}

/// The guardians' trees for `spurt`, from the first of `urls` that answers.
fn fetch_trees(urls: &[String], spurt: u64) -> anyhow::Result<puffer_guardian::SpurtTrees> {
    let mut last = None;
    for url in urls {
        let endpoint = format!("{}/rewards/{spurt}", url.trim_end_matches('/'));
        match crate::cli::http::get_json(&endpoint, std::time::Duration::from_secs(2)) {
            Ok(value) => {
                return serde_json::from_value(value)
                    .with_context(|| format!("{endpoint} did not answer a claims tree"));
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| anyhow::anyhow!("no guardian URL: pass --guardian-url")))
        .with_context(|| format!("no guardian published the trees of spurt {spurt}"))
}

/// `owner`'s claims in the reported spurts (or `only`), each proof checked against the strategy's on-chain root.
fn claimable(
    ctx: &mut Context,
    owner: Address,
    only: Option<u64>,
    urls: &[String],
) -> anyhow::Result<Vec<Reward>> {
    let urls: Vec<String> = if urls.is_empty() {
        ctx.devnet
            .as_ref()
            .map(|d| d.guardians.iter().map(|g| g.url.clone()).collect())
            .unwrap_or_default()
    } else {
        urls.to_vec()
    };
    let next = puffer_chain::SpurtReports::new(&ctx.deployment)?
        .clock(&mut ctx.chain)?
        .next_report;
    let spurts: Vec<u64> = match only {
        Some(s) if s >= next => bail!("spurt {s} is not reported yet (reported: 0..{next})"),
        Some(s) => vec![s],
        None => (0..next).collect(),
    };
    let protocol = ctx.deployment.protocol()?;
    let names = call_decode(
        &mut ctx.chain,
        protocol,
        &PufferProtocol::strategyNamesCall {},
    )?;
    let mut rewards = Vec::new();
    for spurt in spurts {
        let trees = fetch_trees(&urls, spurt)?;
        for strategy in trees.strategies {
            for claim in strategy.claims.into_iter().filter(|c| c.node == owner) {
                let root = call_decode(
                    &mut ctx.chain,
                    strategy.strategy,
                    &puffer_chain::bindings::PufferStrategy::claimsRootCall {
                        spurt: U256::from(spurt),
                    },
                )?;
                let leaf = puffer_chain::report::claim_leaf(
                    strategy.strategy,
                    spurt,
                    owner,
                    claim.amount_wei,
                );
                if !puffer_chain::MerkleTree::verify(root, leaf, &claim.proof) {
                    bail!(
                        "the guardians' proof for {} ETH of spurt {spurt} does not match strategy {}'s on-chain root {root}",
                        format_eth(claim.amount_wei),
                        strategy.strategy
                    );
                }
                let claimed = call_decode(
                    &mut ctx.chain,
                    strategy.strategy,
                    &puffer_chain::bindings::PufferStrategy::isClaimedCall {
                        spurt: U256::from(spurt),
                        node: owner,
                        amountWei: claim.amount_wei,
                    },
                )?;
                rewards.push(Reward {
                    spurt,
                    strategy: strategy.strategy,
                    strategy_name: names
                        .get(strategy.strategy_index)
                        .map(|n| name_text(*n))
                        .unwrap_or_default(),
                    amount_wei: claim.amount_wei.to_string(),
                    claimed,
                    proof: claim.proof,
                });
            }
        }
    }
    Ok(rewards)
}

fn register(ctx: &mut Context, reg: RegisterArgs) -> anyhow::Result<()> {
    let out = ctx.out;
    let signer = ctx.signer(&reg.key, Role::NoOp)?;
    let noop = NodeOperator::new(signer, &ctx.deployment)?;
    let name = strategy_name(&reg.strategy)?;
    let protocol = ctx.deployment.protocol()?;
    let view = call_decode(
        &mut ctx.chain,
        protocol,
        &PufferProtocol::strategyCall { name },
    )
    .map_err(|e| {
        anyhow::anyhow!("{e}").context(format!(
            "unknown strategy {:?}: `puffer gov strategy list` shows the strategies",
            reg.strategy
        ))
    })?;
    let cost = noop.registration_cost(&mut ctx.chain, reg.months)?;
    let mut bundles: Vec<(RegistrationBundle, Option<PathBuf>)> = Vec::new();
    if let Some(path) = &reg.bundle {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        bundles.push((
            RegistrationBundle::from_json(&text)
                .with_context(|| format!("in {}", path.display()))?,
            Some(path.clone()),
        ));
    } else {
        let url = beacon_url(ctx, reg.beacon_url.clone())?;
        let network = network(&url)?;
        let (enclaves, threshold) = enclave_keys(ctx, reg.enclave_keys.as_deref())?;
        let password = crate::input::secret(
            reg.password_file.as_deref(),
            "password for the new keystores",
            true,
        )?;
        let (mnemonic, first) = keys_dir_state(&reg.keys_dir)?;
        let seed = mnemonic.to_seed("");
        let bar = out.progress(
            ProgressBar::new(u64::from(reg.count)).with_style(
                ProgressStyle::with_template("generating keys {bar:30} {pos}/{len} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
        );
        for index in first..first + reg.count {
            let secret: SecretKey = validator_signing_key(seed.as_slice(), index)?;
            let store = Keystore::encrypt(
                &secret,
                &password,
                KdfParams::Pbkdf2 {
                    c: PBKDF2_DEFAULT_C,
                },
                &signing_path(index),
            )?;
            let ks_path = reg.keys_dir.join(format!("keystore-{index}.json"));
            puffer_keys::fs::write_atomic(&ks_path, store.to_json().as_bytes())?;
            let bundle = RegistrationBundle::create(
                &secret,
                view.withdrawalCredentials.0,
                &network,
                &enclaves,
                threshold,
            )?;
            let b_path = reg.keys_dir.join(format!("bundle-{index}.json"));
            std::fs::write(&b_path, bundle.to_json())
                .with_context(|| format!("writing {}", b_path.display()))?;
            std::fs::write(reg.keys_dir.join("next-index"), (index + 1).to_string())?;
            bundles.push((bundle, Some(b_path)));
            bar.inc(1);
        }
        bar.finish_and_clear();
    }
    let mut registered = Vec::new();
    for (bundle, path) in bundles {
        let credentials = B256::from_slice(
            &hex::decode(bundle.withdrawal_credentials.trim_start_matches("0x"))
                .context("bundle withdrawal credentials")?,
        );
        if credentials != view.withdrawalCredentials {
            bail!(
                "bundle {} pays withdrawals to {credentials}, but strategy {} needs {}: split the key again for this strategy",
                path.as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                reg.strategy,
                view.withdrawalCredentials
            );
        }
        let id = noop.register(&mut ctx.chain, &bundle, name, reg.months)?;
        registered.push(Registered {
            validator_id: id.to_string(),
            strategy: reg.strategy.clone(),
            pubkey: bundle.pubkey.clone(),
            months: reg.months,
            paid_wei: cost.to_string(),
            bundle: path,
        });
    }
    out.emit(&registered, || {
        registered
            .iter()
            .map(|r| {
                format!(
                    "{} validator {} ({}) in {} for {} months, paid {} ETH",
                    out.good("registered"),
                    r.validator_id,
                    r.pubkey,
                    r.strategy,
                    r.months,
                    format_eth(cost)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}
