//! File writing that never leaves a partial output behind.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A path next to `target` to write into before renaming over `target`.
pub fn temp_path_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Fails early, naming the file, when the folder an output would go into is missing.
pub fn ensure_parent_dir(target: &Path) -> Result<()> {
    match target.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(Error::file(target, "the output folder does not exist")),
        _ => Ok(()),
    }
}

/// Writes a file through `write` into a temporary sibling, then renames it into place.
/// On any error the temporary file is removed and `target` is left untouched.
pub fn write_atomically(target: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    ensure_parent_dir(target)?;
    let tmp = temp_path_for(target);
    let _ = std::fs::remove_file(&tmp);
    match write(&tmp) {
        Ok(()) => std::fs::rename(&tmp, target).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::file(
                target,
                format!("cannot move the finished file into place: {e}"),
            )
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
