//! Embeds every committed artifact (`artifacts/*.json`) into the crate as a `(name, json)` table.

use std::{env, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("artifacts");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("artifacts/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut table = String::from(
        "/// Every committed artifact as `(contract name, artifact JSON)`, sorted by name.\n",
    );
    table.push_str("pub(crate) const EMBEDDED: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        table.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            name.trim_end_matches(".json"),
            path.display().to_string()
        ));
    }
    table.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(out, table).expect("OUT_DIR is writable");
}
