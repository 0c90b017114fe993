//! The cache of loaded catalogs, in two tiers in front of the source files (the seed's
//! RAM → disk → source): loaded catalogs stay in memory, least recently used first out,
//! within a memory budget; a catalog read from a big file is also written once as a
//! binary file of raw columns and later memory-mapped back, columns used in place, so a
//! reload costs a checksum pass instead of a FITS decode.
//!
//! An entry is keyed by the source's path, size and modification time, the catalog's
//! name and the load options (HDU, roles, filters), and by the format version. It is
//! checked at every open (magic, version, key, length, checksum (xxh3 over 4 MiB chunks)
//! of everything after the fixed header, column bounds); an entry that fails any check
//! is removed and rebuilt from the source, never used. Entries are written to a temporary
//! file and renamed.
//!
//! Layout (little-endian): `CVZCACHE`, version u32, 0 u32, key hash u64, payload length
//! u64, payload checksum u64, then the payload: description length u64, the description
//! (JSON: key, source, catalog name, roles, load report, columns with type, unit, offset
//! and row count), and the column blocks, each 64-byte aligned.
//!
//! Here: the disk entries; [`memory`]: the memory tier; [`blob`]: data derived from a
//! cached catalog, kept beside its entry; [`prune`]: `cache prune`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::data::catalog::{Catalog, Column, ColumnData, Roles, Storage};
use crate::data::column_buffer::ColumnBuffer;
use crate::data::load_report::LoadReport;
use crate::error::{Error, Result};

mod blob;
mod memory;
mod prune;

use blob::{BLOB_EXTENSION, blob_file_parts, write_blob};
pub use blob::{
    CacheTag, MappedBlob, can_store_blobs, load_blob, map_blob, stack_tag, store_blob,
    store_blob_aligned,
};
pub use memory::{clear_memory, default_memory_budget, memory_entries, memory_hits, owned_bytes};
use memory::{memory_get, memory_put};
pub use prune::Pruned;

const MAGIC: &[u8; 8] = b"CVZCACHE";
/// Bump when the layout or what a load produces changes: older entries are then rebuilt.
pub const FORMAT_VERSION: u32 = 3;
const HEADER_BYTES: usize = 40;
const ALIGN: usize = 64;
const EXTENSION: &str = "cvzc";
/// Sources smaller than this are parsed each time (a few milliseconds), not cached.
pub const MIN_SOURCE_BYTES: u64 = 8 << 20;

/// Where cache entries live.
#[derive(Clone, Debug, PartialEq)]
pub struct DiskCache {
    pub dir: PathBuf,
    /// Sources below this size are not cached on disk.
    pub min_source_bytes: u64,
    /// Bytes of catalogs the memory tier may hold (0: none).
    pub memory_budget: u64,
}

#[derive(Serialize, Deserialize)]
struct Description {
    key: String,
    source: String,
    source_bytes: u64,
    source_mtime_ns: u128,
    name: String,
    roles: RolesDesc,
    report: ReportDesc,
    columns: Vec<ColumnDesc>,
}

#[derive(Serialize, Deserialize)]
struct RolesDesc {
    ra: String,
    dec: String,
    z: Option<String>,
    snr: Option<String>,
    id: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ReportDesc {
    rows_in_file: u64,
    kept: u64,
    invalid_coordinates: u64,
    filtered_out: u64,
}

#[derive(Serialize, Deserialize)]
struct ColumnDesc {
    name: String,
    unit: String,
    /// f64, f32, i64 or i16: how the values are held in the block.
    held: String,
    stored_as: Option<String>,
    offset: u64,
    rows: u64,
}

/// One entry as `cache ls` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryInfo {
    pub file: PathBuf,
    pub bytes: u64,
    /// The source, catalog name and row count, when the entry could be read.
    pub source: Option<String>,
    pub name: Option<String>,
    pub rows: Option<u64>,
    /// "ok", "stale (source changed)", "stale (source missing)", "corrupt: ...".
    pub status: String,
}

impl DiskCache {
    /// The cache directory: `CLUSTERVIZ_CACHE_DIR`, else `$XDG_CACHE_HOME/clusterviz`, else
    /// `~/.cache/clusterviz`.
    pub fn default_dir() -> Option<PathBuf> {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        env("CLUSTERVIZ_CACHE_DIR")
            .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("clusterviz")))
            .or_else(|| env("HOME").map(|h| h.join(".cache").join("clusterviz")))
    }

    pub fn new(dir: PathBuf) -> DiskCache {
        DiskCache {
            dir,
            min_source_bytes: MIN_SOURCE_BYTES,
            memory_budget: default_memory_budget(),
        }
    }

    /// The catalog cached for this load, from memory or from a valid disk entry. Invalid
    /// entries are removed (and reported on standard error) so the caller rebuilds them.
    pub fn load(
        &self,
        source: &Path,
        name: &str,
        result_key: &str,
    ) -> Option<(Catalog, LoadReport)> {
        let key = cache_key(source, name, result_key)?;
        if let Some(hit) = memory_get(&key) {
            return Some(hit);
        }
        let file = self.entry_path(&key);
        if !file.exists() {
            return None;
        }
        match open_entry(&file, Some(&key)) {
            Ok((cat, report, _)) => {
                memory_put(&key, &cat, &report, self.memory_budget);
                Some((cat, report))
            }
            Err(why) => {
                report!(
                    "warning: cache entry {} for {} is unusable ({why}); rebuilding it",
                    file.display(),
                    source.display()
                );
                let _ = std::fs::remove_file(&file);
                self.remove_blobs_of(&file);
                None
            }
        }
    }

    /// Writes `cat` as the entry for this load (atomically), when the source is big
    /// enough to be worth it; entries of older versions of the same source are removed.
    pub fn store(
        &self,
        source: &Path,
        name: &str,
        result_key: &str,
        cat: &Catalog,
        report: &LoadReport,
    ) -> Result<()> {
        let Some(key) = cache_key(source, name, result_key) else {
            return Ok(());
        };
        memory_put(&key, cat, report, self.memory_budget);
        let meta = std::fs::metadata(source).map_err(|e| Error::file(source, e.to_string()))?;
        if meta.len() < self.min_source_bytes {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| Error::file(&self.dir, format!("cannot create the cache folder: {e}")))?;
        let file = self.entry_path(&key);
        crate::fsutil::write_atomically(&file, |tmp| {
            write_entry(tmp, &key, source, meta.len(), mtime_ns(&meta), cat, report)
        })?;
        self.remove_older_entries_of(source, meta.len(), mtime_ns(&meta));
        Ok(())
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        entry_file(&self.dir, key)
    }

    fn entry_files(&self) -> Vec<PathBuf> {
        self.files_with(EXTENSION)
    }

    fn files_with(&self, extension: &str) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == extension))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    /// Removes entries made from earlier versions of `source` (another size or time);
    /// entries of the same version with other load options stay.
    fn remove_older_entries_of(&self, source: &Path, bytes: u64, mtime_ns: u128) {
        let source = canonical(source);
        for f in self.entry_files() {
            if let Ok(d) = read_description(&f)
                && d.source == source
                && (d.source_bytes != bytes || d.source_mtime_ns != mtime_ns)
            {
                let _ = std::fs::remove_file(&f);
                self.remove_blobs_of(&f);
            }
        }
    }

    /// Removes the derived blobs of the entry `entry_file`.
    fn remove_blobs_of(&self, entry_file: &Path) {
        let Some(stem) = entry_file.file_stem().map(|s| s.to_string_lossy()) else {
            return;
        };
        for f in self.files_with(BLOB_EXTENSION) {
            if blob_file_parts(&f).is_some_and(|(of, _)| of == stem) {
                let _ = std::fs::remove_file(&f);
            }
        }
    }

    /// Every entry, checked.
    pub fn entries(&self) -> Vec<EntryInfo> {
        self.entry_files()
            .into_iter()
            .map(|file| {
                let bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
                match open_entry(&file, None) {
                    Ok((cat, _, d)) => {
                        let status = match std::fs::metadata(&d.source) {
                            Err(_) => "stale (source missing)".to_string(),
                            Ok(m)
                                if m.len() != d.source_bytes
                                    || mtime_ns(&m) != d.source_mtime_ns =>
                            {
                                "stale (source changed)".to_string()
                            }
                            Ok(_) => "ok".to_string(),
                        };
                        EntryInfo {
                            file,
                            bytes,
                            source: Some(d.source),
                            name: Some(d.name),
                            rows: Some(cat.len() as u64),
                            status,
                        }
                    }
                    Err(why) => EntryInfo {
                        file,
                        bytes,
                        source: None,
                        name: None,
                        rows: None,
                        status: format!("corrupt: {why}"),
                    },
                }
            })
            .collect()
    }

    /// The xxh3 of a file's bytes (and its length), remembered under its path, size and
    /// modification time: figures record their inputs' checksums, and a 320 MB catalog
    /// costs its hashing once, not every render.
    pub fn file_checksum(&self, path: &Path) -> std::io::Result<(u64, u64)> {
        let meta = std::fs::metadata(path)?;
        let key = file_checksum_key(path, &meta);
        let tag = CacheTag(Some((self.dir.clone(), key)));
        if let Some(b) = load_blob(&tag, FILE_CHECKSUM)
            && let Ok(hash) = <[u8; 8]>::try_from(b.as_slice())
        {
            return Ok((meta.len(), u64::from_le_bytes(hash)));
        }
        let hash = hash_file(path)?;
        // Not remembering it only costs the next render the hashing again.
        if let Some((dir, key)) = &tag.0 {
            let _ = std::fs::create_dir_all(dir);
            let _ = write_blob(dir, key, FILE_CHECKSUM, &hash.to_le_bytes(), 8);
        }
        Ok((meta.len(), hash))
    }

    /// The derived blobs kept beside the entries: (files, bytes).
    pub fn blob_totals(&self) -> (usize, u64) {
        let files = self.files_with(BLOB_EXTENSION);
        let bytes = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        (files.len(), bytes)
    }

    /// Removes every entry and derived blob: (files, bytes) removed.
    pub fn clear(&self) -> Result<(usize, u64)> {
        let mut removed = (0, 0);
        for f in self
            .entry_files()
            .into_iter()
            .chain(self.files_with(BLOB_EXTENSION))
        {
            let bytes = std::fs::metadata(&f).map_or(0, |m| m.len());
            std::fs::remove_file(&f).map_err(|e| Error::file(&f, format!("cannot remove: {e}")))?;
            removed.0 += 1;
            removed.1 += bytes;
        }
        Ok(removed)
    }
}

/// The purpose of the blobs that remember a file's checksum.
const FILE_CHECKSUM: &str = "xxh3";
const FILE_CHECKSUM_PREFIX: &str = "file xxh3 ";

/// The key a file's remembered checksum is kept under: its path, size and time.
fn file_checksum_key(path: &Path, meta: &std::fs::Metadata) -> String {
    format!(
        "{FILE_CHECKSUM_PREFIX}{} {} {}",
        canonical(path),
        meta.len(),
        mtime_ns(meta)
    )
}

/// The xxh3 of a file's bytes (what `xxhsum -H3` prints).
pub fn hash_file(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    // Read a few MB at a time: a mapping of the whole file would count all of it in our
    // resident memory while the columns decode (a 2.4 GB catalog's figure peaked 1.5 GB
    // higher). The digest is the one-shot xxh3_64 of the bytes.
    let mut f = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 4 << 20];
    loop {
        match f.read(&mut buf) {
            Ok(0) => return Ok(hasher.digest()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn canonical(p: &Path) -> String {
    std::fs::canonicalize(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

fn mtime_ns(m: &std::fs::Metadata) -> u128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// Everything a load's result depends on, as text: the source file as it is now, the
/// catalog's name and the options' `result_key`; `None` when the source cannot be
/// examined (then nothing is cached).
pub(crate) fn cache_key(source: &Path, name: &str, result_key: &str) -> Option<String> {
    let meta = std::fs::metadata(source).ok()?;
    Some(format!(
        "v{FORMAT_VERSION}|{}|{}|{}|{name}|{result_key}",
        canonical(source),
        meta.len(),
        mtime_ns(&meta),
    ))
}

fn storage_name(s: Storage) -> &'static str {
    match s {
        Storage::U8 => "u8",
        Storage::I16 => "i16",
        Storage::I32 => "i32",
        Storage::I64 => "i64",
        Storage::U64 => "u64",
        Storage::F32 => "f32",
        Storage::F64 => "f64",
    }
}

fn storage_from(s: &str) -> Option<Storage> {
    Some(match s {
        "u8" => Storage::U8,
        "i16" => Storage::I16,
        "i32" => Storage::I32,
        "i64" => Storage::I64,
        "u64" => Storage::U64,
        "f32" => Storage::F32,
        "f64" => Storage::F64,
        _ => return None,
    })
}

/// Writes the cache entry of `cat` to `file`: header, description, then each column's
/// bytes straight from memory (no copy of the catalog is assembled first), the payload's
/// checksum computed on the way and the header written last.
fn write_entry(
    file: &Path,
    key: &str,
    source: &Path,
    source_bytes: u64,
    source_mtime_ns: u128,
    cat: &Catalog,
    report: &LoadReport,
) -> Result<()> {
    let blocks: Vec<(&Column, &str, &[u8])> = cat
        .columns
        .iter()
        .map(|c| match &c.data {
            ColumnData::F64(v) => (c, "f64", bytemuck::cast_slice::<f64, u8>(v)),
            ColumnData::F32(v) => (c, "f32", bytemuck::cast_slice::<f32, u8>(v)),
            ColumnData::I64(v) => (c, "i64", bytemuck::cast_slice::<i64, u8>(v)),
            ColumnData::I16(v) => (c, "i16", bytemuck::cast_slice::<i16, u8>(v)),
            ColumnData::U64(v) => (c, "u64", bytemuck::cast_slice::<u64, u8>(v)),
        })
        .collect();
    // The description's length depends on the offsets it holds: lay the blocks out
    // after a generous allowance for it, then pad the description to that size.
    let mut description = Description {
        key: key.to_string(),
        source: canonical(source),
        source_bytes,
        source_mtime_ns,
        name: cat.name.clone(),
        roles: RolesDesc {
            ra: cat.roles.ra.clone(),
            dec: cat.roles.dec.clone(),
            z: cat.roles.z.clone(),
            snr: cat.roles.snr.clone(),
            id: cat.roles.id.clone(),
        },
        report: ReportDesc {
            rows_in_file: report.rows_in_file,
            kept: report.kept,
            invalid_coordinates: report.invalid_coordinates,
            filtered_out: report.filtered_out,
        },
        columns: Vec::new(),
    };
    let draft = serde_json::to_vec(&description).map_err(|e| Error::user(e.to_string()))?;
    let room = (draft.len() + 200 * blocks.len() + 256).next_multiple_of(ALIGN);
    let first_block = (HEADER_BYTES + 8 + room).next_multiple_of(ALIGN);
    let mut offset = first_block;
    for (c, held, bytes) in &blocks {
        description.columns.push(ColumnDesc {
            name: c.name.clone(),
            unit: c.unit.clone(),
            held: held.to_string(),
            stored_as: c.stored_as.map(|s| storage_name(s).to_string()),
            offset: offset as u64,
            rows: c.data.len() as u64,
        });
        offset = (offset + bytes.len()).next_multiple_of(ALIGN);
    }
    let json = serde_json::to_vec(&description).map_err(|e| Error::user(e.to_string()))?;
    if json.len() > room {
        return Err(Error::user("cache description larger than planned"));
    }
    use std::io::{Seek, Write};
    let fail = |e: std::io::Error| Error::file(file, format!("cannot write: {e}"));
    let mut w = PayloadWriter {
        out: std::io::BufWriter::new(std::fs::File::create(file).map_err(fail)?),
        sum: ChunkedChecksum::default(),
        at: HEADER_BYTES,
    };
    w.out.write_all(&[0u8; HEADER_BYTES]).map_err(fail)?;
    w.put(&(json.len() as u64).to_le_bytes()).map_err(fail)?;
    w.put(&json).map_err(fail)?;
    for ((_, _, bytes), d) in blocks.iter().zip(&description.columns) {
        w.pad_to(d.offset as usize).map_err(fail)?;
        w.put(bytes).map_err(fail)?;
    }
    w.pad_to(offset).map_err(fail)?;
    let mut header = [0u8; HEADER_BYTES];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    header[16..24].copy_from_slice(&xxh3_64(key.as_bytes()).to_le_bytes());
    header[24..32].copy_from_slice(&((offset - HEADER_BYTES) as u64).to_le_bytes());
    header[32..40].copy_from_slice(&w.sum.finish().to_le_bytes());
    let mut f = w.out.into_inner().map_err(|e| fail(e.into_error()))?;
    f.seek(std::io::SeekFrom::Start(0)).map_err(fail)?;
    f.write_all(&header).map_err(fail)
}

/// Writes a payload after its header, checksumming it on the way.
struct PayloadWriter {
    out: std::io::BufWriter<std::fs::File>,
    sum: ChunkedChecksum,
    /// File offset of the next byte.
    at: usize,
}

impl PayloadWriter {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        self.sum.update(bytes);
        self.at += bytes.len();
        self.out.write_all(bytes)
    }

    /// Zeros up to file offset `to`.
    fn pad_to(&mut self, to: usize) -> std::io::Result<()> {
        self.put(&vec![0u8; to - self.at])
    }
}

/// The [`checksum`] of bytes that arrive in pieces: the same 4 MiB chunks hashed, then
/// the chunks' hashes.
#[derive(Default)]
struct ChunkedChecksum {
    part: Vec<u8>,
    hashes: Vec<u8>,
}

impl ChunkedChecksum {
    const CHUNK: usize = 4 << 20;

    fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.part.is_empty() && bytes.len() >= Self::CHUNK {
                let (chunk, rest) = bytes.split_at(Self::CHUNK);
                self.hashes.extend(xxh3_64(chunk).to_le_bytes());
                bytes = rest;
                continue;
            }
            let take = (Self::CHUNK - self.part.len()).min(bytes.len());
            self.part.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.part.len() == Self::CHUNK {
                self.hashes.extend(xxh3_64(&self.part).to_le_bytes());
                self.part.clear();
            }
        }
    }

    fn finish(mut self) -> u64 {
        if !self.part.is_empty() {
            self.hashes.extend(xxh3_64(&self.part).to_le_bytes());
        }
        xxh3_64(&self.hashes)
    }
}

/// The cache entry file of the load `key` in the cache folder `dir`.
fn entry_file(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{:016x}.{EXTENSION}", xxh3_64(key.as_bytes())))
}

/// xxh3 of the xxh3s of 4 MiB chunks: computed on all cores, so checking an entry
/// costs a fraction of reading it.
fn checksum(bytes: &[u8]) -> u64 {
    use rayon::prelude::*;
    let parts: Vec<u8> = bytes
        .par_chunks(4 << 20)
        .map(|c| xxh3_64(c).to_le_bytes())
        .collect::<Vec<_>>()
        .concat();
    xxh3_64(&parts)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// Parses the fixed header and the description from `bytes`, the start of a file of
/// `file_len` bytes (at least the header and description; the whole file will do),
/// without checking the payload checksum.
fn parse_head(bytes: &[u8], file_len: usize) -> std::result::Result<Description, String> {
    if bytes.len() < HEADER_BYTES + 8 || &bytes[..8] != MAGIC {
        return Err("not a clusterviz cache file".into());
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}, this build reads {FORMAT_VERSION}"
        ));
    }
    let payload_len = u64_at(bytes, 24);
    if payload_len != file_len.saturating_sub(HEADER_BYTES) as u64 {
        return Err(format!(
            "truncated or padded: {} payload bytes, header says {payload_len}",
            file_len.saturating_sub(HEADER_BYTES)
        ));
    }
    let json_len = u64_at(bytes, HEADER_BYTES) as usize;
    let json = bytes
        .get(HEADER_BYTES + 8..(HEADER_BYTES + 8).saturating_add(json_len))
        .ok_or("description runs past the end")?;
    serde_json::from_slice(json).map_err(|e| format!("bad description: {e}"))
}

/// An entry's description, reading only the start of the file (not its columns).
fn read_description(file: &Path) -> std::result::Result<Description, String> {
    use std::io::Read;
    let mut f = std::fs::File::open(file).map_err(|e| e.to_string())?;
    let file_len = f.metadata().map_err(|e| e.to_string())?.len() as usize;
    let mut head = vec![0u8; HEADER_BYTES + 8];
    f.read_exact(&mut head)
        .map_err(|_| "not a clusterviz cache file".to_string())?;
    let json_len = u64_at(&head, HEADER_BYTES) as usize;
    if json_len > file_len {
        return Err("description runs past the end".into());
    }
    head.resize(HEADER_BYTES + 8 + json_len, 0);
    f.read_exact(&mut head[HEADER_BYTES + 8..])
        .map_err(|_| "description runs past the end".to_string())?;
    parse_head(&head, file_len)
}

fn map_file(file: &Path) -> std::result::Result<memmap2::Mmap, String> {
    let f = std::fs::File::open(file).map_err(|e| e.to_string())?;
    // SAFETY: cache files are only ever replaced by rename, never written in place, so
    // the mapped bytes do not change under us. Populating maps every page at once (the
    // checksum reads them all anyway), ~3x faster than faulting them in one by one.
    unsafe { memmap2::MmapOptions::new().populate().map(&f) }.map_err(|e| e.to_string())
}

/// Opens and checks an entry; with `key`, also that it is the entry for that key.
fn open_entry(
    file: &Path,
    key: Option<&str>,
) -> std::result::Result<(Catalog, LoadReport, Description), String> {
    let map = Arc::new(map_file(file)?);
    let d = parse_head(&map, map.len())?;
    if let Some(key) = key
        && (d.key != key || u64_at(&map, 16) != xxh3_64(key.as_bytes()))
    {
        return Err("made for another load".into());
    }
    if checksum(&map[HEADER_BYTES..]) != u64_at(&map, 32) {
        return Err("checksum mismatch".into());
    }
    let mut columns = Vec::with_capacity(d.columns.len());
    let mut rows = None;
    for c in &d.columns {
        let (o, n) = (c.offset as usize, c.rows as usize);
        if *rows.get_or_insert(n) != n {
            return Err(format!("column {} has {n} rows, others {rows:?}", c.name));
        }
        let m = map.clone();
        let bad = || format!("column {} lies outside the file or is misaligned", c.name);
        let data = match c.held.as_str() {
            "f64" => ColumnData::F64(ColumnBuffer::mapped(m, o, n).ok_or_else(bad)?),
            "f32" => ColumnData::F32(ColumnBuffer::mapped(m, o, n).ok_or_else(bad)?),
            "i64" => ColumnData::I64(ColumnBuffer::mapped(m, o, n).ok_or_else(bad)?),
            "i16" => ColumnData::I16(ColumnBuffer::mapped(m, o, n).ok_or_else(bad)?),
            "u64" => ColumnData::U64(ColumnBuffer::mapped(m, o, n).ok_or_else(bad)?),
            other => return Err(format!("column {} has unknown type {other}", c.name)),
        };
        let stored_as = match &c.stored_as {
            Some(s) => Some(storage_from(s).ok_or_else(|| format!("unknown storage {s}"))?),
            None => None,
        };
        columns.push(Column {
            name: c.name.clone(),
            unit: c.unit.clone(),
            data,
            stored_as,
        });
    }
    let roles = Roles {
        ra: d.roles.ra.clone(),
        dec: d.roles.dec.clone(),
        z: d.roles.z.clone(),
        snr: d.roles.snr.clone(),
        id: d.roles.id.clone(),
    };
    for role in roles.numeric() {
        if !columns.iter().any(|c| &c.name == role) {
            return Err(format!("role column {role} is missing"));
        }
    }
    let report = LoadReport {
        rows_in_file: d.report.rows_in_file,
        kept: d.report.kept,
        invalid_coordinates: d.report.invalid_coordinates,
        filtered_out: d.report.filtered_out,
        skipped_columns: Vec::new(),
    };
    let cat = Catalog {
        name: d.name.clone(),
        columns,
        roles,
        cache_tag: Default::default(),
    };
    Ok((cat, report, d))
}

/// Checks arbitrary bytes as a cache file (for fuzzing): an error, never a panic.
pub fn check_bytes(bytes: &[u8]) -> std::result::Result<usize, String> {
    // A folder per call (calls run in parallel), removed after.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "clusterviz-cachecheck-{}-{call}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("{:016x}.{EXTENSION}", xxh3_64(bytes)));
    let r = std::fs::write(&file, bytes)
        .map_err(|e| e.to_string())
        .and_then(|()| open_entry(&file, None).map(|(c, _, _)| c.len()));
    let _ = std::fs::remove_dir_all(&dir);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_checksum_is_the_xxh3_of_its_bytes() {
        let dir = std::env::temp_dir().join(format!("clusterviz-hashfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Read in 4 MiB pieces: more than two of them, and the empty file.
        for len in [0usize, 1, (9 << 20) + 5] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 13 % 251) as u8).collect();
            let f = dir.join(format!("f{len}"));
            std::fs::write(&f, &bytes).unwrap();
            assert_eq!(hash_file(&f).unwrap(), xxh3_64(&bytes), "{len} bytes");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_checksum_fed_in_pieces_equals_the_whole() {
        // Over two chunks, in pieces that straddle the 4 MiB boundaries.
        let bytes: Vec<u8> = (0..(9 << 20) + 123).map(|i| (i * 7 % 251) as u8).collect();
        for cuts in [
            vec![],
            vec![1, 4 << 20, (4 << 20) + 1],
            vec![3 << 20, 5 << 20, 8 << 20, (8 << 20) + 5],
        ] {
            let mut sum = ChunkedChecksum::default();
            let mut from = 0;
            for to in cuts.into_iter().chain([bytes.len()]) {
                sum.update(&bytes[from..to]);
                from = to;
            }
            assert_eq!(sum.finish(), checksum(&bytes));
        }
        assert_eq!(ChunkedChecksum::default().finish(), checksum(&[]));
    }
}
