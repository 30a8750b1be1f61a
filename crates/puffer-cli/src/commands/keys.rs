//! `puffer keys …`: what NoOps run on their own machines to make validator keys and registration
//! bundles, and what guardians use to check bundles and sign exits.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use puffer_keys::bls::{SecretKey, Signature};
use puffer_keys::bundle::RegistrationBundle;
use puffer_keys::deposit::{
    DepositData, FULL_DEPOSIT_GWEI, LaunchpadDeposit, eth1_withdrawal_credentials,
};
use puffer_keys::ecies::{EnclavePublicKey, EnclaveSecretKey};
use puffer_keys::exit::{SignedVoluntaryExit, VoluntaryExit};
use puffer_keys::keyshare::{self, PartialSignatureJson};
use puffer_keys::keystore::{DerivedKey, KdfParams, Keystore};
use puffer_keys::mnemonic::Mnemonic;
use puffer_keys::network::Network;
use puffer_keys::{derive, fs};
use rayon::prelude::*;
use zeroize::Zeroizing;

use crate::input;

/// `puffer keys` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Generate a new BIP-39 mnemonic (write it down; it is the only backup of every key derived from it).
    #[command(after_help = "Example:\n  puffer keys new-mnemonic --words 24 --out mnemonic.txt")]
    NewMnemonic(NewMnemonicArgs),
    /// Derive validator keys (EIP-2333/2334) into EIP-2335 keystores plus a launchpad deposit_data file.
    #[command(
        after_help = "Example:\n  puffer keys derive --mnemonic-file mnemonic.txt --password-file pw.txt --count 16 \\\n    \
        --start 0 --network hoodi --withdrawal-address 0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c --out-dir validator_keys"
    )]
    Derive(DeriveArgs),
    /// Split a keystore's key into guardian keyshares and write the registration bundle.
    #[command(
        after_help = "Example:\n  puffer keys split --keystore validator_keys/keystore-m_12381_3600_0_0_0-1700000000.json \\\n    \
        --password-file pw.txt --guardians-file guardians.txt --threshold 5 --network hoodi \\\n    \
        --withdrawal-address 0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c --out bundle.json"
    )]
    Split(SplitArgs),
    /// Check a registration bundle end to end (as guardians do before provisioning).
    #[command(
        after_help = "Example:\n  puffer keys verify-bundle --bundle bundle.json\n  \
        puffer keys verify-bundle --bundle bundle.json --guardian-index 2 --enclave-secret-file enclave2.key"
    )]
    VerifyBundle(VerifyBundleArgs),
    /// Sign a voluntary exit (EIP-7044 Capella domain): with a keystore, as one guardian's partial, or by
    /// combining guardians' partials.
    #[command(after_help = "Examples:\n  \
        puffer keys sign-exit --keystore ks.json --password-file pw.txt --network hoodi --epoch 300 --validator-index 42\n  \
        puffer keys sign-exit --bundle bundle.json --guardian-index 2 --enclave-secret-file enclave2.key --epoch 300 --validator-index 42 --out p2.json\n  \
        puffer keys sign-exit --bundle bundle.json --partial p0.json --partial p2.json --partial p5.json --epoch 300 --validator-index 42")]
    SignExit(SignExitArgs),
    /// Combine partial signatures into the whole key's signature (Lagrange at x = 0).
    #[command(
        after_help = "Example:\n  puffer keys combine --threshold 3 --partial p0.json --partial p1.json --partial p4.json\n  \
        puffer keys combine --bundle bundle.json --message 0x<signing root> --partial p0.json --partial p1.json --partial p4.json"
    )]
    Combine(CombineArgs),
}

/// Arguments of `new-mnemonic`.
#[derive(Debug, Args)]
pub(crate) struct NewMnemonicArgs {
    /// Number of words: 12, 15, 18, 21 or 24.
    #[arg(long, default_value_t = 24)]
    words: usize,
    /// Write the mnemonic to this file (mode 0600) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Which chain to sign for.
#[derive(Debug, Args)]
pub(crate) struct NetworkArgs {
    /// mainnet, sepolia, hoodi or custom (then give the three values below).
    #[arg(long, default_value = "mainnet")]
    network: String,
    /// Custom network: genesis fork version (4 bytes hex).
    #[arg(long, required_if_eq("network", "custom"))]
    genesis_fork_version: Option<String>,
    /// Custom network: Capella fork version (4 bytes hex), used for exits.
    #[arg(long, required_if_eq("network", "custom"))]
    capella_fork_version: Option<String>,
    /// Custom network: genesis validators root (32 bytes hex).
    #[arg(long, required_if_eq("network", "custom"))]
    genesis_validators_root: Option<String>,
}

impl NetworkArgs {
    fn resolve(&self) -> anyhow::Result<Network> {
        if self.network != "custom" {
            return Ok(self.network.parse()?);
        }
        let get = |v: &Option<String>, name: &str| {
            v.clone()
                .with_context(|| format!("--{name} is required with --network custom"))
        };
        Ok(Network::custom(
            "custom",
            &get(&self.genesis_fork_version, "genesis-fork-version")?,
            &get(&self.capella_fork_version, "capella-fork-version")?,
            &get(&self.genesis_validators_root, "genesis-validators-root")?,
        )?)
    }
}

/// Keystore key-derivation choice.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum KdfChoice {
    Scrypt,
    Pbkdf2,
}

/// Arguments of `derive`.
#[derive(Debug, Args)]
pub(crate) struct DeriveArgs {
    /// File holding the mnemonic (else prompted for, without echo).
    #[arg(long)]
    mnemonic_file: Option<PathBuf>,
    /// File holding the optional BIP-39 passphrase (default: none).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// File holding the keystore password (else prompted for twice, without echo).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// How many validators.
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// First validator index (keys are m/12381/3600/i/0/0 for i = start .. start + count).
    #[arg(long, default_value_t = 0)]
    start: u32,
    #[command(flatten)]
    network: NetworkArgs,
    /// Withdrawal address (the strategy's EigenPod): 0x01 credentials.
    #[arg(long)]
    withdrawal_address: String,
    /// Directory for the keystores and the deposit_data file (created if missing).
    #[arg(long, default_value = "validator_keys")]
    out_dir: PathBuf,
    /// Keystore KDF.
    #[arg(long, value_enum, default_value = "scrypt")]
    kdf: KdfChoice,
    /// log2 of the KDF cost (scrypt n or PBKDF2 c); 18 is what clients and the deposit CLI use.
    #[arg(long, default_value_t = 18)]
    kdf_log2_cost: u32,
    /// Run the KDF once per keystore with its own salt. By default one KDF run serves the whole batch
    /// (same password, same salt, a fresh IV per keystore), as ethstaker-deposit does.
    #[arg(long)]
    distinct_salts: bool,
}

/// Arguments of `split`.
#[derive(Debug, Args)]
pub(crate) struct SplitArgs {
    /// The validator's EIP-2335 keystore.
    #[arg(long)]
    keystore: PathBuf,
    /// File holding the keystore password (else prompted for).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// Guardian enclave public keys (secp256k1, hex), comma-separated, in guardian order.
    #[arg(long, value_delimiter = ',', conflicts_with = "guardians_file")]
    guardian_pubkeys: Vec<String>,
    /// File with one guardian enclave public key per line, in guardian order.
    #[arg(long)]
    guardians_file: Option<PathBuf>,
    /// Shares needed to sign (more than half the guardians).
    #[arg(long)]
    threshold: usize,
    #[command(flatten)]
    network: NetworkArgs,
    /// Withdrawal address (the strategy's EigenPod): 0x01 credentials.
    #[arg(long)]
    withdrawal_address: String,
    /// Where to write the bundle.
    #[arg(long, default_value = "bundle.json")]
    out: PathBuf,
}

/// Arguments of `verify-bundle`.
#[derive(Debug, Args)]
pub(crate) struct VerifyBundleArgs {
    /// The registration bundle.
    #[arg(long)]
    bundle: PathBuf,
    /// Also decrypt and check this guardian's keyshare (0-based index) ...
    #[arg(long, requires = "enclave_secret_file")]
    guardian_index: Option<u32>,
    /// ... with this file holding the guardian's enclave secret key (hex).
    #[arg(long, requires = "guardian_index")]
    enclave_secret_file: Option<PathBuf>,
}

/// Arguments of `sign-exit`.
#[derive(Debug, Args)]
pub(crate) struct SignExitArgs {
    /// Earliest epoch the exit is valid in.
    #[arg(long)]
    epoch: u64,
    /// The validator's beacon-chain index.
    #[arg(long)]
    validator_index: u64,
    /// Sign with this keystore (whole key).
    #[arg(long, conflicts_with_all = ["bundle"])]
    keystore: Option<PathBuf>,
    /// Keystore password file (else prompted for).
    #[arg(long, requires = "keystore")]
    password_file: Option<PathBuf>,
    /// Network (with --keystore; with --bundle the bundle's network is used).
    #[command(flatten)]
    network: NetworkArgs,
    /// The registration bundle (for partial signing or combining).
    #[arg(long)]
    bundle: Option<PathBuf>,
    /// Partial signing: this guardian's 0-based index ...
    #[arg(long, requires_all = ["bundle", "enclave_secret_file"], conflicts_with = "partial")]
    guardian_index: Option<u32>,
    /// ... and its enclave secret key file.
    #[arg(long, requires = "guardian_index")]
    enclave_secret_file: Option<PathBuf>,
    /// Combining: partial signature files (`{"index": i, "signature": "0x…"}`), at least the threshold.
    #[arg(long, requires = "bundle")]
    partial: Vec<PathBuf>,
    /// Write the JSON here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Arguments of `combine`.
#[derive(Debug, Args)]
pub(crate) struct CombineArgs {
    /// Partial signature files (`{"index": i, "signature": "0x…"}`).
    #[arg(long, required = true)]
    partial: Vec<PathBuf>,
    /// Threshold (taken from --bundle when given).
    #[arg(long, required_unless_present = "bundle")]
    threshold: Option<usize>,
    /// Verify each partial against this bundle's pubkey shares, and the result against its pubkey ...
    #[arg(long, requires = "message")]
    bundle: Option<PathBuf>,
    /// ... for this signed message (hex, e.g. a signing root).
    #[arg(long)]
    message: Option<String>,
}

/// Runs one `puffer keys` subcommand.
pub(crate) fn run(cmd: KeysCommand) -> anyhow::Result<()> {
    match cmd {
        KeysCommand::NewMnemonic(a) => new_mnemonic(&a),
        KeysCommand::Derive(a) => derive_keys(&a),
        KeysCommand::Split(a) => split(&a),
        KeysCommand::VerifyBundle(a) => verify_bundle(&a),
        KeysCommand::SignExit(a) => sign_exit(&a),
        KeysCommand::Combine(a) => combine(&a),
    }
}

fn new_mnemonic(a: &NewMnemonicArgs) -> anyhow::Result<()> {
    let m = Mnemonic::generate(a.words)?;
    match &a.out {
        Some(path) => {
            let text = Zeroizing::new(format!("{}\n", m.phrase()));
            fs::write_atomic(path, text.as_bytes())?;
            eprintln!("wrote a {}-word mnemonic to {}", a.words, path.display());
        }
        None => println!("{}", m.phrase()),
    }
    Ok(())
}

fn address(text: &str) -> anyhow::Result<[u8; 20]> {
    let body = text.strip_prefix("0x").unwrap_or(text);
    let bytes =
        hex::decode(body).with_context(|| format!("--withdrawal-address {text:?} is not hex"))?;
    <[u8; 20]>::try_from(bytes.as_slice())
        .map_err(|_| anyhow::anyhow!("--withdrawal-address must be 20 bytes, got {}", bytes.len()))
}

fn kdf_params(choice: KdfChoice, log2: u32) -> anyhow::Result<KdfParams> {
    if log2 > 31 {
        bail!("--kdf-log2-cost {log2} is above 31");
    }
    let cost = 1u32 << log2;
    let kdf = match choice {
        KdfChoice::Scrypt => KdfParams::Scrypt {
            n: cost,
            r: 8,
            p: 1,
        },
        KdfChoice::Pbkdf2 => KdfParams::Pbkdf2 { c: cost },
    };
    kdf.validate()?;
    Ok(kdf)
}

fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn derive_keys(a: &DeriveArgs) -> anyhow::Result<()> {
    let network = a.network.resolve()?;
    let creds = eth1_withdrawal_credentials(&address(&a.withdrawal_address)?);
    let kdf = kdf_params(a.kdf, a.kdf_log2_cost)?;
    if a.count == 0 {
        bail!("--count must be at least 1");
    }
    let end = a
        .start
        .checked_add(a.count)
        .context("--start + --count overflows a 32-bit index")?;
    let phrase = input::secret(a.mnemonic_file.as_deref(), "Mnemonic", false)?;
    let mnemonic = Mnemonic::parse(&phrase).context("--mnemonic-file")?;
    let passphrase = match &a.passphrase_file {
        Some(p) => input::read_secret_file(p)?,
        None => Zeroizing::new(String::new()),
    };
    let password = input::secret(a.password_file.as_deref(), "Keystore password", true)?;
    let seed = mnemonic.to_seed(&passphrase);
    let shared = if a.distinct_salts {
        None
    } else {
        Some(DerivedKey::new(&password, kdf)?)
    };

    let bar = if a.count > 1 {
        ProgressBar::new(u64::from(a.count))
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} keys ({eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // All cores: EIP-2333 derivation, signing and (with --distinct-salts) the KDF are per key.
    let made: Vec<(Keystore, DepositData)> = (a.start..end)
        .into_par_iter()
        .map(|index| {
            let path = derive::signing_path(index);
            let secret = derive::derive_path(seed.as_ref(), &path)?;
            let keystore = match &shared {
                Some(key) => Keystore::encrypt_shared(&secret, key, &path),
                None => Keystore::encrypt(&secret, &password, kdf, &path)?,
            };
            let deposit = DepositData::sign(
                &secret,
                creds,
                FULL_DEPOSIT_GWEI,
                network.genesis_fork_version,
            );
            bar.inc(1);
            Ok((keystore, deposit))
        })
        .collect::<puffer_keys::Result<_>>()?;
    bar.finish_and_clear();

    // Everything is computed before anything is written; each file is written atomically.
    std::fs::create_dir_all(&a.out_dir)
        .with_context(|| format!("creating {}", a.out_dir.display()))?;
    let ts = unix_time();
    for (keystore, _) in &made {
        fs::write_atomic(
            &a.out_dir.join(keystore.file_name(ts)),
            keystore.to_json().as_bytes(),
        )?;
    }
    let deposits: Vec<LaunchpadDeposit> =
        made.iter().map(|(_, d)| d.to_launchpad(&network)).collect();
    let deposit_path = a.out_dir.join(format!("deposit_data-{ts}.json"));
    fs::write_atomic(&deposit_path, serde_json::to_string(&deposits)?.as_bytes())?;
    tracing::info!(count = a.count, start = a.start, network = %network, "derived validator keys");
    eprintln!(
        "wrote {} keystores and {} to {}",
        made.len(),
        deposit_path.display(),
        a.out_dir.display()
    );
    Ok(())
}

fn read_keystore(path: &Path, password_file: Option<&Path>) -> anyhow::Result<SecretKey> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let keystore = Keystore::from_json(&text).with_context(|| format!("{}", path.display()))?;
    let password = input::secret(password_file, "Keystore password", false)?;
    keystore
        .decrypt(&password)
        .with_context(|| format!("{}", path.display()))
}

fn split(a: &SplitArgs) -> anyhow::Result<()> {
    let network = a.network.resolve()?;
    let creds = eth1_withdrawal_credentials(&address(&a.withdrawal_address)?);
    let keys: Vec<String> = match &a.guardians_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
        None => a.guardian_pubkeys.clone(),
    };
    if keys.is_empty() {
        bail!("no guardian enclave public keys: give --guardian-pubkeys or --guardians-file");
    }
    let guardians = keys
        .iter()
        .enumerate()
        .map(|(i, k)| EnclavePublicKey::from_hex(k, &format!("guardian key {i}")))
        .collect::<puffer_keys::Result<Vec<_>>>()?;
    keyshare::check_threshold(a.threshold, guardians.len())?;
    let secret = read_keystore(&a.keystore, a.password_file.as_deref())?;
    tracing::info!(guardians = guardians.len(), threshold = a.threshold, network = %network, "splitting key");
    let bundle = RegistrationBundle::create(&secret, creds, &network, &guardians, a.threshold)?;
    // Check what we are about to hand over, exactly as a guardian will.
    bundle.verify(None)?;
    fs::write_atomic(&a.out, bundle.to_json().as_bytes())?;
    eprintln!(
        "wrote {} ({}-of-{} keyshares for {})",
        a.out.display(),
        a.threshold,
        guardians.len(),
        bundle.pubkey
    );
    Ok(())
}

fn read_bundle(path: &Path) -> anyhow::Result<RegistrationBundle> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    RegistrationBundle::from_json(&text).with_context(|| format!("{}", path.display()))
}

fn read_enclave_secret(path: &Path) -> anyhow::Result<EnclaveSecretKey> {
    let text = input::read_secret_file(path)?;
    let bytes = Zeroizing::new(
        hex::decode(text.trim().trim_start_matches("0x"))
            .with_context(|| format!("{}: enclave secret is not hex", path.display()))?,
    );
    EnclaveSecretKey::from_bytes(&bytes).with_context(|| format!("{}", path.display()))
}

fn verify_bundle(a: &VerifyBundleArgs) -> anyhow::Result<()> {
    let bundle = read_bundle(&a.bundle)?;
    let guardian = match (a.guardian_index, &a.enclave_secret_file) {
        (Some(i), Some(path)) => Some((i, read_enclave_secret(path)?)),
        _ => None,
    };
    tracing::debug!(bundle = %a.bundle.display(), "verifying bundle");
    let parsed = bundle
        .verify(guardian.as_ref().map(|(i, k)| (*i, k)))
        .with_context(|| format!("{}", a.bundle.display()))?;
    println!(
        "ok: {} on {}, {}-of-{} keyshares consistent, deposit signature and root valid{}",
        bundle.pubkey,
        parsed.network.name,
        parsed.threshold,
        parsed.pubkey_shares.len(),
        match a.guardian_index {
            Some(i) => format!(", guardian {i}'s share decrypts and matches"),
            None => String::new(),
        }
    );
    Ok(())
}

fn emit(out: Option<&Path>, json: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => fs::write_atomic(path, format!("{json}\n").as_bytes())?,
        None => println!("{json}"),
    }
    Ok(())
}

fn read_partials(paths: &[PathBuf]) -> anyhow::Result<Vec<keyshare::PartialSignature>> {
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let json: PartialSignatureJson = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a partial signature", p.display()))?;
            json.parse().with_context(|| format!("{}", p.display()))
        })
        .collect()
}

fn sign_exit(a: &SignExitArgs) -> anyhow::Result<()> {
    let exit = VoluntaryExit {
        epoch: a.epoch,
        validator_index: a.validator_index,
    };
    if let Some(path) = &a.keystore {
        let network = a.network.resolve()?;
        let secret = read_keystore(path, a.password_file.as_deref())?;
        let signed = exit.sign(&secret, &network);
        return emit(
            a.out.as_deref(),
            &serde_json::to_string(&signed.to_beacon_json())?,
        );
    }
    let Some(bundle_path) = &a.bundle else {
        bail!("give --keystore, or --bundle with --guardian-index or --partial");
    };
    let bundle = read_bundle(bundle_path)?;
    let parsed = bundle
        .parse()
        .with_context(|| format!("{}", bundle_path.display()))?;
    let root = exit.signing_root(&parsed.network);
    if let (Some(index), Some(secret_path)) = (a.guardian_index, &a.enclave_secret_file) {
        let enclave = read_enclave_secret(secret_path)?;
        let parsed = bundle.verify(Some((index, &enclave)))?;
        let share = parsed.decrypt_share(index, &enclave)?;
        let partial = share.sign(&root);
        tracing::info!(
            guardian = index,
            epoch = a.epoch,
            validator = a.validator_index,
            "signed exit partial"
        );
        return emit(
            a.out.as_deref(),
            &serde_json::to_string(&partial.to_json())?,
        );
    }
    if a.partial.is_empty() {
        bail!(
            "with --bundle give --guardian-index and --enclave-secret-file (to sign a partial) or --partial files (to combine)"
        );
    }
    let partials = read_partials(&a.partial)?;
    tracing::info!(
        partials = partials.len(),
        threshold = parsed.threshold,
        "combining exit partials"
    );
    let signature = keyshare::combine_verified(
        &parsed.deposit.pubkey,
        &parsed.pubkey_shares,
        &root,
        &partials,
        parsed.threshold,
    )?;
    let signed = SignedVoluntaryExit {
        message: exit,
        signature,
    };
    emit(
        a.out.as_deref(),
        &serde_json::to_string(&signed.to_beacon_json())?,
    )
}

fn combine(a: &CombineArgs) -> anyhow::Result<()> {
    let partials = read_partials(&a.partial)?;
    let signature: Signature = match (&a.bundle, &a.message) {
        (Some(path), Some(message)) => {
            let bundle = read_bundle(path)?;
            let parsed = bundle
                .parse()
                .with_context(|| format!("{}", path.display()))?;
            let msg =
                hex::decode(message.trim_start_matches("0x")).context("--message is not hex")?;
            keyshare::combine_verified(
                &parsed.deposit.pubkey,
                &parsed.pubkey_shares,
                &msg,
                &partials,
                parsed.threshold,
            )?
        }
        _ => {
            let threshold = a
                .threshold
                .context("--threshold is required without --bundle")?;
            keyshare::combine(&partials, threshold)?
        }
    };
    println!("0x{}", signature.to_hex());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        assert!(address("0x5A0b54D5dc17e0AadC383d2db43B0a0D3E029c4c").is_ok());
        assert!(address("0x5A0b").is_err());
        assert!(address("zz").is_err());
    }

    #[test]
    fn kdf_cost_is_validated() {
        assert!(kdf_params(KdfChoice::Scrypt, 18).is_ok());
        assert!(kdf_params(KdfChoice::Scrypt, 10).is_err());
        assert!(kdf_params(KdfChoice::Pbkdf2, 40).is_err());
    }
}
