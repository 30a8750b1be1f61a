//! Reading secrets: from a file, or from the terminal without echo. Everything read is zeroed on drop.

use std::path::Path;

use anyhow::{Context, bail};
use zeroize::Zeroizing;

/// Reads a secret file, dropping one trailing newline (`\n` or `\r\n`).
pub(crate) fn read_secret_file(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
    );
    let trimmed = text.strip_suffix('\n').unwrap_or(&text);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    Ok(Zeroizing::new(trimmed.to_owned()))
}

/// The secret from `file`, else prompted for without echo (twice when `confirm`).
pub(crate) fn secret(
    file: Option<&Path>,
    prompt: &str,
    confirm: bool,
) -> anyhow::Result<Zeroizing<String>> {
    if let Some(path) = file {
        return read_secret_file(path);
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("{prompt}: ")).context("reading from the terminal")?,
    );
    if confirm {
        let second = Zeroizing::new(
            rpassword::prompt_password(format!("{prompt} (again): "))
                .context("reading from the terminal")?,
        );
        if *first != *second {
            bail!("the two entries differ");
        }
    }
    Ok(first)
}
