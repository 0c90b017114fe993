//! `clusterviz cache prune`: removes what can no longer be used (entries whose source
//! changed or is gone, damaged files, blobs whose catalog has no entry any more, blobs
//! of a layout a newer one replaced, files left by interrupted writes) and keeps
//! everything else.

use std::path::{Path, PathBuf};

use super::blob::{STACK_PREFIX, blob_file_parts, blob_key};
use super::{BLOB_EXTENSION, DiskCache, FILE_CHECKSUM_PREFIX, entry_file, file_checksum_key};
use crate::error::{Error, Result};

/// A file `prune` removed: its path, size and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Pruned {
    pub file: PathBuf,
    pub bytes: u64,
    pub why: String,
}

impl DiskCache {
    /// Removes out-of-date and damaged entries and blobs, and the temporary files of
    /// writes that did not finish; returns what it removed.
    pub fn prune(&self) -> Result<Vec<Pruned>> {
        let mut removed = Vec::new();
        for e in self.entries() {
            if e.status != "ok" {
                // Its blobs are found orphaned below.
                remove(&e.file, e.status, &mut removed)?;
            }
        }
        for blob in self.files_with(BLOB_EXTENSION) {
            let why = match blob_key(&blob) {
                Err(why) => Some(format!("damaged: {why}")),
                Ok(Some(key)) => self.why_blob_is_orphaned(&key),
                Ok(None) => self.why_keyless_blob_is_orphaned(&blob),
            };
            if let Some(why) = why {
                remove(&blob, why, &mut removed)?;
            }
        }
        for (old, newer) in self.superseded_blobs() {
            remove(&old, format!("replaced by {newer}"), &mut removed)?;
        }
        for tmp in self.unfinished_writes() {
            remove(
                &tmp,
                "left by a write that did not finish".into(),
                &mut removed,
            )?;
        }
        Ok(removed)
    }

    /// Why the blob written for `key` can no longer be used, or `None` if it can.
    fn why_blob_is_orphaned(&self, key: &str) -> Option<String> {
        let has_entry = |k: &str| entry_file(&self.dir, k).exists();
        if key.starts_with(STACK_PREFIX) {
            return (!key.lines().skip(1).all(has_entry))
                .then(|| "a file of its stack changed or has no cache entry".into());
        }
        if let Some(rest) = key.strip_prefix(FILE_CHECKSUM_PREFIX) {
            // "<path> <size> <time>": the path may hold spaces, the numbers do not.
            let path = rest.rsplitn(3, ' ').nth(2).unwrap_or(rest);
            let current = std::fs::metadata(path)
                .ok()
                .map(|m| file_checksum_key(Path::new(path), &m));
            return (current.as_deref() != Some(key))
                .then(|| format!("checksum of {path}, which changed or is gone"));
        }
        (!has_entry(key)).then(|| "its catalog has no cache entry any more".into())
    }

    /// Blobs written before keys were recorded belong to the entry whose name they start
    /// with; the others' owners cannot be told, and they are remade when needed.
    fn why_keyless_blob_is_orphaned(&self, blob: &Path) -> Option<String> {
        let (stem, _) = blob_file_parts(blob)?;
        let entry = self.dir.join(format!("{stem}.{}", super::EXTENSION));
        (!entry.exists()).then(|| "written by an older clusterviz, owner unknown".into())
    }

    /// Blobs of one catalog and one kind (the purpose's words before its first one with
    /// a digit: `lod-counts` of `lod-counts-v3-d13`) but an older layout, each with the
    /// name of the newest, which is kept. The readers of old layouts are gone from the
    /// code, so nothing else would ever remove them (an old k-d tree of 100M objects is
    /// 2.4 GB).
    fn superseded_blobs(&self) -> Vec<(PathBuf, String)> {
        let mut kinds: std::collections::BTreeMap<(String, String), Vec<(_, String, PathBuf)>> =
            Default::default();
        for blob in self.files_with(BLOB_EXTENSION) {
            let Some((stem, purpose)) = blob_file_parts(&blob) else {
                continue;
            };
            let words: Vec<&str> = purpose
                .split('-')
                .take_while(|w| !w.bytes().any(|b| b.is_ascii_digit()))
                .collect();
            let kind = match words.is_empty() {
                true => purpose.clone(),
                false => words.join("-"),
            };
            let modified = std::fs::metadata(&blob).and_then(|m| m.modified()).ok();
            let name = blob
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            kinds
                .entry((stem, kind))
                .or_default()
                .push((modified, name, blob));
        }
        let mut old = Vec::new();
        for (_, mut blobs) in kinds {
            // Newest last (by time, then name: v10 after v9 is not needed, time decides).
            blobs.sort();
            let Some((_, newest, _)) = blobs.pop() else {
                continue;
            };
            old.extend(blobs.into_iter().map(|(_, _, p)| (p, newest.clone())));
        }
        old
    }

    /// Temporary files of cache writes whose process has ended (told by /proc; where
    /// there is none, they are left alone).
    fn unfinished_writes(&self) -> Vec<PathBuf> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                crate::fsutil::partial_file_owner(p)
                    .is_some_and(|pid| !crate::fsutil::process_runs(pid))
            })
            .collect()
    }
}

fn remove(file: &Path, why: String, removed: &mut Vec<Pruned>) -> Result<()> {
    let bytes = std::fs::metadata(file).map_or(0, |m| m.len());
    match std::fs::remove_file(file) {
        Ok(()) => {}
        // Gone already (an entry's blobs go with it): nothing to report.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::file(file, format!("cannot remove: {e}"))),
    }
    removed.push(Pruned {
        file: file.to_path_buf(),
        bytes,
        why,
    });
    Ok(())
}
