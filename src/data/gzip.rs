//! gzip-compressed files (`.fits.gz`, `.vot.gz` as archives and TAP services serve them),
//! inflated into memory within the memory there is.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Whether `bytes` start as gzip data do.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The inflated bytes of `path`'s gzip data `gz` (all members, as gzip writes them).
pub fn inflate(path: &Path, gz: &[u8]) -> Result<Vec<u8>> {
    // A small file can inflate to anything: stop at the memory there is.
    let limit = available_memory().unwrap_or(u64::MAX);
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(gz)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| Error::file(path, format!("damaged gzip data: {e}")))?;
    if out.len() as u64 > limit {
        return Err(Error::file(
            path,
            format!(
                "inflates to more than the {:.1} GB of memory available; decompress it to disk (gunzip) to read it memory-mapped",
                limit as f64 / 1e9
            ),
        ));
    }
    Ok(out)
}

/// The first bytes `gz` inflates to (up to `n`), to tell what a compressed file holds.
pub fn inflated_head(gz: &[u8], n: usize) -> Vec<u8> {
    let mut head = Vec::with_capacity(n);
    let _ = flate2::read::MultiGzDecoder::new(gz)
        .take(n as u64)
        .read_to_end(&mut head);
    head
}

/// Bytes of memory available now (Linux's MemAvailable), if known.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}
