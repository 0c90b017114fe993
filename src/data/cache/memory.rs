//! The memory tier: loaded catalogs kept in process memory, least recently used first
//! out, within a budget.

use crate::data::catalog::{Catalog, ColumnData};
use crate::data::column_buffer::ColumnBuffer;
use crate::data::load_report::LoadReport;

/// The memory tier: catalogs by load key, most recently used last.
struct MemoryTier {
    entries: Vec<(String, Catalog, LoadReport, u64)>,
    hits: u64,
}

static MEMORY: std::sync::Mutex<MemoryTier> = std::sync::Mutex::new(MemoryTier {
    entries: Vec::new(),
    hits: 0,
});

/// Bytes a catalog holds in process memory: its owned and shared columns (mapped ones
/// live in the page cache, which the system manages).
pub fn owned_bytes(cat: &Catalog) -> u64 {
    fn held<T>(b: &ColumnBuffer<T>) -> u64 {
        match b {
            ColumnBuffer::Owned(v) => (v.len() * size_of::<T>()) as u64,
            ColumnBuffer::Shared(v) => (v.len() * size_of::<T>()) as u64,
            ColumnBuffer::Mapped { .. } | ColumnBuffer::External(_) => 0,
        }
    }
    cat.columns
        .iter()
        .map(|c| match &c.data {
            ColumnData::F64(b) => held(b),
            ColumnData::F32(b) => held(b),
            ColumnData::I64(b) => held(b),
            ColumnData::I16(b) => held(b),
            ColumnData::U64(b) => held(b),
        })
        .sum()
}

/// How often the memory tier answered a load (for tests and reports).
pub fn memory_hits() -> u64 {
    MEMORY.lock().map_or(0, |m| m.hits)
}

/// Half the machine's RAM (from /proc/meminfo), or 4 GiB where that is unknown.
pub fn default_memory_budget() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(4 << 30, |kb| kb * 1024 / 2)
}

pub(super) fn memory_get(key: &str) -> Option<(Catalog, LoadReport)> {
    let mut m = MEMORY.lock().ok()?;
    let i = m.entries.iter().position(|e| e.0 == key)?;
    let e = m.entries.remove(i);
    let hit = (e.1.clone(), e.2.clone());
    m.entries.push(e);
    m.hits += 1;
    Some(hit)
}

/// Keeps `cat` in memory, evicting the least recently used catalogs beyond `budget`.
pub(super) fn memory_put(key: &str, cat: &Catalog, report: &LoadReport, budget: u64) {
    let bytes = owned_bytes(cat);
    if budget == 0 {
        return;
    }
    let Ok(mut m) = MEMORY.lock() else {
        return;
    };
    m.entries.retain(|e| e.0 != key);
    if bytes > budget {
        return;
    }
    while m.entries.iter().map(|e| e.3).sum::<u64>() + bytes > budget {
        m.entries.remove(0);
    }
    m.entries
        .push((key.to_string(), cat.clone(), report.clone(), bytes));
}

/// Empties the memory tier (tests).
pub fn clear_memory() {
    if let Ok(mut m) = MEMORY.lock() {
        m.entries.clear();
    }
}

/// The catalogs the memory tier holds now: (catalog name, owned bytes), oldest first.
pub fn memory_entries() -> Vec<(String, u64)> {
    MEMORY
        .lock()
        .map(|m| m.entries.iter().map(|e| (e.1.name.clone(), e.3)).collect())
        .unwrap_or_default()
}
