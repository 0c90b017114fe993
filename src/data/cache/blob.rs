//! Derived blobs: data computed from a cached catalog (its level-of-detail order, its
//! k-d tree, a file's checksum) kept beside its entry, each checked like an entry and
//! recomputed, never used, when damaged or out of date.
//!
//! Layout (little-endian): `CVZBLOB1`, version u32, payload offset u32, key hash u64,
//! payload length u64, payload checksum u64; then the key's length u32 and the key (so
//! that `cache prune` can tell whose it is; absent in older blobs), then the payload at its
//! offset.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use super::{FORMAT_VERSION, HEADER_BYTES, canonical, checksum, entry_file, u64_at};
pub use crate::data::catalog::CacheTag;
use crate::error::{Error, Result};

const BLOB_MAGIC: &[u8; 8] = b"CVZBLOB1";
pub(super) const BLOB_EXTENSION: &str = "cvzb";

/// Starts the key of a catalog stacked from several files (see [`stack_tag`]).
pub(super) const STACK_PREFIX: &str = "stack|";

/// The tag of a catalog stacked from several files' parts (tagged `parts`, loaded from
/// `paths` with options whose `result_key` is given): its derived data are kept for the stack as a whole while every
/// part has its cache entry. The key's first line names the files and options, the next
/// lines are the parts' keys (which hold each file's size and time).
pub fn stack_tag(parts: &[CacheTag], paths: &[PathBuf], name: &str, result_key: &str) -> CacheTag {
    let Some(keys) = parts
        .iter()
        .map(|t| t.0.as_ref())
        .collect::<Option<Vec<_>>>()
    else {
        return CacheTag::default();
    };
    let Some((dir, _)) = keys.first() else {
        return CacheTag::default();
    };
    if keys.iter().any(|(d, _)| d != dir) {
        return CacheTag::default();
    }
    let files: Vec<String> = paths.iter().map(|p| canonical(p)).collect();
    let mut key = format!(
        "{STACK_PREFIX}v{FORMAT_VERSION}|{name}|{result_key}|{}",
        files.join("|")
    )
    .replace('\n', " ");
    for (_, part) in &keys {
        key.push('\n');
        key.push_str(part);
    }
    CacheTag(Some((dir.clone(), key)))
}

/// What names a tag's blob files: a single file's whole load key (its blobs go with its
/// entry), or a stack's files and options without their versions, so that a stack whose
/// file changed overwrites its old blobs instead of leaving them behind.
fn blob_name_key(key: &str) -> &str {
    match key.starts_with(STACK_PREFIX) {
        true => key.lines().next().unwrap_or(key),
        false => key,
    }
}

/// The file of a derived blob: named after its catalog's entry, so that removing the
/// entry can remove its blobs too.
fn blob_path(dir: &Path, key: &str, purpose: &str) -> PathBuf {
    dir.join(format!(
        "{:016x}-{purpose}.{BLOB_EXTENSION}",
        xxh3_64(blob_name_key(key).as_bytes())
    ))
}

/// The parts of a blob file's name that [`blob_path`] put there: the hash naming its
/// catalog (its entry's file stem) and its purpose.
pub(super) fn blob_file_parts(path: &Path) -> Option<(String, String)> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let (stem, purpose) = name
        .strip_suffix(&format!(".{BLOB_EXTENSION}"))?
        .split_once('-')?;
    Some((stem.to_string(), purpose.to_string()))
}

/// The little-endian u32 at byte `at`, if the bytes reach that far.
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Whether the blob file at `path` was made for another version of its catalog (a stack
/// whose files changed since): not damage, just out of date.
fn blob_is_stale(path: &Path, key: &str) -> bool {
    use std::io::Read;
    let mut head = [0u8; 24];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|_| &head[..8] == BLOB_MAGIC && u64_at(&head, 16) != xxh3_64(key.as_bytes()))
}

/// Where an intact blob's payload lies in `bytes` (its file), or `None`. Header bytes
/// 12..16 hold the payload's offset, 0 meaning right after the header (older blobs).
fn blob_payload(bytes: &[u8], key: &str) -> Option<std::ops::Range<usize>> {
    if bytes.len() < HEADER_BYTES || &bytes[..8] != BLOB_MAGIC {
        return None;
    }
    let start = match u32_at(bytes, 12)? as usize {
        0 => HEADER_BYTES,
        s => s,
    };
    let len = u64_at(bytes, 24) as usize;
    let ok = u32_at(bytes, 8)? == FORMAT_VERSION
        && u64_at(bytes, 16) == xxh3_64(key.as_bytes())
        && start >= HEADER_BYTES
        && start.checked_add(len) == Some(bytes.len())
        && u64_at(bytes, 32) == checksum(&bytes[start..]);
    ok.then_some(start..bytes.len())
}

fn unusable_blob(path: &Path, purpose: &str) {
    report!(
        "warning: cached {purpose} in {} is unusable; rebuilding it",
        path.display()
    );
    let _ = std::fs::remove_file(path);
}

/// Bytes stored for `purpose` of the tagged catalog, if present and intact (a damaged
/// blob is removed).
pub fn load_blob(tag: &CacheTag, purpose: &str) -> Option<Vec<u8>> {
    let (dir, key) = tag.0.as_ref()?;
    let path = blob_path(dir, key, purpose);
    if blob_is_stale(&path, key) {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    match blob_payload(&bytes, key) {
        Some(r) => Some(bytes[r].to_vec()),
        None => {
            unusable_blob(&path, purpose);
            None
        }
    }
}

/// A blob's payload used in place from a read-only memory map.
pub struct MappedBlob {
    map: std::sync::Arc<memmap2::Mmap>,
    payload: std::ops::Range<usize>,
}

impl MappedBlob {
    /// `len` values from byte `offset` of the payload, used in place (they outlive the
    /// blob, sharing its map), if they lie inside it and are aligned for `T`.
    pub fn values<T: bytemuck::Pod>(
        &self,
        offset: usize,
        len: usize,
    ) -> Option<crate::data::column_buffer::ColumnBuffer<T>> {
        let start = self.payload.start.checked_add(offset)?;
        let end = start.checked_add(len.checked_mul(size_of::<T>())?)?;
        if end > self.payload.end {
            return None;
        }
        crate::data::column_buffer::ColumnBuffer::mapped(self.map.clone(), start, len)
    }
}

impl std::ops::Deref for MappedBlob {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.map[self.payload.clone()]
    }
}

/// As [`load_blob`], mapping the file instead of reading it (the payload starts where it
/// was stored, e.g. page-aligned by [`store_blob_aligned`]).
pub fn map_blob(tag: &CacheTag, purpose: &str) -> Option<MappedBlob> {
    let (dir, key) = tag.0.as_ref()?;
    let path = blob_path(dir, key, purpose);
    if blob_is_stale(&path, key) {
        return None;
    }
    let file = std::fs::File::open(&path).ok()?;
    // SAFETY: cache files are only ever replaced by rename, never written in place.
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.ok()?;
    match blob_payload(&map, key) {
        Some(payload) => Some(MappedBlob {
            map: std::sync::Arc::new(map),
            payload,
        }),
        None => {
            unusable_blob(&path, purpose);
            None
        }
    }
}

/// Stores `payload` for `purpose` of the tagged catalog, when the catalog itself is in
/// the disk cache (derived data of small catalogs are cheaper to remake than to store).
pub fn store_blob(tag: &CacheTag, purpose: &str, payload: &[u8]) -> Result<()> {
    store_blob_aligned(tag, purpose, payload, 8)
}

/// As [`store_blob`], with the payload at a file offset that is a multiple of `align`
/// (what a mapped reader needs, e.g. 4096 for zero-copy archives).
pub fn store_blob_aligned(
    tag: &CacheTag,
    purpose: &str,
    payload: &[u8],
    align: usize,
) -> Result<()> {
    match tag.0.as_ref() {
        Some((dir, key)) if can_store_blobs(tag) => write_blob(dir, key, purpose, payload, align),
        _ => Ok(()),
    }
}

/// Whether blobs of the tagged catalog are kept: it was loaded through the disk cache and
/// its entry is there (callers skip making a blob's bytes otherwise).
pub fn can_store_blobs(tag: &CacheTag) -> bool {
    tag.0.as_ref().is_some_and(|(dir, key)| {
        let has_entry = |k: &str| entry_file(dir, k).exists();
        match key.starts_with(STACK_PREFIX) {
            // A stack: while every part has its entry.
            true => key.lines().skip(1).all(has_entry),
            false => has_entry(key),
        }
    })
}

/// Writes a blob file (atomically), whether or not a catalog entry goes with it: header,
/// key, then the payload at the next multiple of `align`.
pub(super) fn write_blob(
    dir: &Path,
    key: &str,
    purpose: &str,
    payload: &[u8],
    align: usize,
) -> Result<()> {
    let start = (HEADER_BYTES + 4 + key.len()).next_multiple_of(align.max(8));
    let mut out = vec![0u8; start];
    out[..8].copy_from_slice(BLOB_MAGIC);
    out[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    out[12..16].copy_from_slice(&(start as u32).to_le_bytes());
    out[16..24].copy_from_slice(&xxh3_64(key.as_bytes()).to_le_bytes());
    out[24..32].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    out[32..40].copy_from_slice(&checksum(payload).to_le_bytes());
    out[40..44].copy_from_slice(&(key.len() as u32).to_le_bytes());
    out[44..44 + key.len()].copy_from_slice(key.as_bytes());
    let path = blob_path(dir, key, purpose);
    crate::fsutil::write_atomically(&path, |tmp| {
        // Header, then the payload as it is: no second copy of a blob that may be GBs.
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(tmp)?;
            f.write_all(&out)?;
            f.write_all(payload)
        };
        write().map_err(|e| Error::file(&path, format!("cannot write: {e}")))
    })
}

/// The key a blob file was written for, read from its head; `Ok(None)` for blobs written
/// before keys were recorded, `Err` for a file that is not a blob.
pub(super) fn blob_key(path: &Path) -> std::result::Result<Option<String>, String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut head = Vec::with_capacity(HEADER_BYTES + 4);
    (&mut f)
        .take((HEADER_BYTES + 4) as u64)
        .read_to_end(&mut head)
        .map_err(|e| e.to_string())?;
    if head.len() < HEADER_BYTES || &head[..8] != BLOB_MAGIC {
        return Err("not a clusterviz blob".into());
    }
    // Older blobs: no room for a key (or a zero length there).
    let (Some(start), Some(len)) = (u32_at(&head, 12), u32_at(&head, HEADER_BYTES)) else {
        return Ok(None);
    };
    let (start, len) = (start as usize, len as usize);
    if start < HEADER_BYTES + 4 || len == 0 {
        return Ok(None);
    }
    if HEADER_BYTES + 4 + len > start {
        return Err("its key overruns its payload".into());
    }
    let mut key = vec![0u8; len];
    f.read_exact(&mut key).map_err(|e| e.to_string())?;
    let key = String::from_utf8(key).map_err(|_| "its key is not text".to_string())?;
    match xxh3_64(key.as_bytes()) == u64_at(&head, 16) {
        true => Ok(Some(key)),
        false => Err("its key does not match its header".into()),
    }
}
