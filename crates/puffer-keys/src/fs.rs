//! Atomic file writes: a temporary file in the destination directory, flushed, then renamed over the
//! target, so a crash or error never leaves a half-written keystore or bundle.

use std::io::Write;
use std::path::Path;

use crate::error::{KeyError, Result};

/// Writes `contents` to `path` atomically. The file is created with mode 0600 (owner only).
///
/// # Errors
/// [`KeyError::Io`] naming the path.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".puffer-tmp-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}
