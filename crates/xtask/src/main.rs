//! Repository chores that would otherwise be shell scripts.
//!
//! `cargo xtask artifacts [--check]` copies the ABI and bytecode of every contract defined under
//! `contracts/src/` from forge's build output (`contracts/out/`) into `crates/puffer-contracts/artifacts/`,
//! one `<Contract>.json` per contract, so that the Rust crates build without node or forge. With `--check`
//! nothing is written: it fails when a committed artifact differs from the build output, or is missing,
//! or is left over from a contract that no longer exists.
//!
//! Library contracts are not under `src/`, yet the Rust deployer needs the bytecode of the few that Puffer deploys
//! as they are. Those are listed, by source path and contract name, in [`LIBRARY_EXPORTS`]; every other library
//! contract (base contracts, interfaces, forge-std) stays out of the artifacts.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// Library contracts exported alongside everything under `src/`: `(source path as forge records it, contract name)`.
/// Only contracts that Puffer deploys unchanged belong here (the deploy order in `contracts/script/DeployPuffer.sol`).
/// Their contract names must not clash with a contract under `src/`.
const LIBRARY_EXPORTS: &[(&str, &str)] = &[
    (
        "node_modules/@openzeppelin/contracts/access/manager/AccessManager.sol",
        "AccessManager",
    ),
    (
        "node_modules/@openzeppelin/contracts/governance/TimelockController.sol",
        "TimelockController",
    ),
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["artifacts"] => artifacts(false),
        ["artifacts", "--check"] => artifacts(true),
        _ => bail!(
            "usage: cargo xtask artifacts [--check]\n  exports contracts/out/ (run `forge build` first) into \
             crates/puffer-contracts/artifacts/; --check only compares"
        ),
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads forge's output and returns `file name -> pretty JSON` for every contract whose source is in `src/`, plus
/// the library contracts of [`LIBRARY_EXPORTS`].
fn collect(out_dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut found = BTreeMap::new();
    let entries = fs::read_dir(out_dir).with_context(|| {
        format!(
            "reading {} (run `make contracts` to build)",
            out_dir.display()
        )
    })?;
    for dir in entries {
        let dir = dir?.path();
        if !dir.is_dir() || dir.file_name().is_some_and(|n| n == "build-info") {
            continue;
        }
        for file in fs::read_dir(&dir)? {
            let file = file?.path();
            if file.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let raw =
                fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let artifact: Value = serde_json::from_str(&raw)
                .with_context(|| format!("parsing {}", file.display()))?;
            let Some(target) = artifact["metadata"]["settings"]["compilationTarget"].as_object()
            else {
                continue;
            };
            let Some((source, name)) = target.iter().next() else {
                continue;
            };
            let name = name
                .as_str()
                .context("compilationTarget name is not a string")?;
            let allowlisted = LIBRARY_EXPORTS.contains(&(source.as_str(), name));
            // forge leaves the output of deleted sources behind: only export what still exists.
            if !(source.starts_with("src/") || allowlisted)
                || !out_dir.join("..").join(source).is_file()
            {
                continue;
            }
            let minimal = json!({
                "contractName": name,
                "sourceName": source,
                "abi": artifact["abi"],
                "bytecode": { "object": artifact["bytecode"]["object"] },
                "deployedBytecode": { "object": artifact["deployedBytecode"]["object"] },
            });
            let text = serde_json::to_string_pretty(&minimal)? + "\n";
            if found.insert(format!("{name}.json"), text).is_some() {
                bail!(
                    "two contracts named {name} under contracts/src or LIBRARY_EXPORTS: names must be unique"
                );
            }
        }
    }
    for (source, name) in LIBRARY_EXPORTS {
        if !found.contains_key(&format!("{name}.json")) {
            bail!(
                "library contract {name} ({source}) is not in {}: run `forge build` first",
                out_dir.display()
            );
        }
    }
    if found.is_empty() {
        bail!(
            "no contracts from contracts/src in {}: run `forge build` first",
            out_dir.display()
        );
    }
    Ok(found)
}

fn artifacts(check: bool) -> Result<()> {
    let root = repo_root();
    let fresh = collect(&root.join("contracts/out"))?;
    let dest = root.join("crates/puffer-contracts/artifacts");
    fs::create_dir_all(&dest)?;
    let mut committed = BTreeMap::new();
    for entry in fs::read_dir(&dest)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            let name = path
                .file_name()
                .context("artifact without a name")?
                .to_string_lossy()
                .into_owned();
            committed.insert(name, fs::read_to_string(&path)?);
        }
    }
    let mut stale = Vec::new();
    for (name, text) in &fresh {
        if committed.get(name) != Some(text) {
            stale.push(format!("{name} differs from the build output"));
            if !check {
                fs::write(dest.join(name), text)?;
            }
        }
    }
    for name in committed.keys().filter(|n| !fresh.contains_key(*n)) {
        stale.push(format!("{name} has no contract in contracts/src any more"));
        if !check {
            fs::remove_file(dest.join(name))?;
        }
    }
    if check && !stale.is_empty() {
        bail!(
            "committed contract artifacts are stale; run `make contracts` and commit the result:\n  {}",
            stale.join("\n  ")
        );
    }
    println!(
        "{} contract artifacts {} ({} changed)",
        fresh.len(),
        if check { "up to date" } else { "written" },
        stale.len()
    );
    Ok(())
}
