//! Partition files read recently, kept in memory within a budget (least recently used
//! out), so that a viewer panning and zooming over a HATS catalog decodes each
//! partition once. Entries hold every row read (no area filter: the area changes as the
//! view moves, the partition's rows do not); a read takes what it needs of an entry: a
//! prefix of a longer prefix, every k-th row of a whole file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::data::Catalog;
use crate::data::cache::owned_bytes;
use crate::data::load_report::LoadReport;
use crate::data::tables::parquet_file::RowPick;

struct Entry {
    file: PathBuf,
    /// What else the rows depend on (columns, roles: the load options' key).
    key: String,
    pick: RowPick,
    catalog: Catalog,
    report: LoadReport,
    bytes: u64,
}

#[derive(Default)]
struct Entries {
    /// Least recently used first.
    list: Vec<Entry>,
    bytes: u64,
    hits: u64,
    misses: u64,
}

/// Partitions in memory, up to `budget` bytes of columns.
pub struct PartitionCache {
    budget: u64,
    entries: Mutex<Entries>,
}

/// How often the cache answered, and what it holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: usize,
    pub bytes: u64,
}

/// The rows of an entry read as `have` that a read asking for `want` gets, when the
/// entry holds them all: `None` when it does not.
fn rows_served(have: RowPick, want: RowPick, len: usize) -> Option<Option<Vec<usize>>> {
    match (have, want) {
        (a, b) if a == b => Some(None),
        (RowPick::All, RowPick::First(n)) => Some(Some((0..len.min(n as usize)).collect())),
        (RowPick::First(m), RowPick::First(n)) if n <= m => {
            Some(Some((0..len.min(n as usize)).collect()))
        }
        (RowPick::All, RowPick::Every(k)) => {
            Some(Some((0..len).step_by(k.max(1) as usize).collect()))
        }
        _ => None,
    }
}

impl PartitionCache {
    pub fn new(budget_bytes: u64) -> PartitionCache {
        PartitionCache {
            budget: budget_bytes,
            entries: Mutex::new(Entries::default()),
        }
    }

    /// The rows `pick` names of `file` read with options keyed `key`, if held.
    pub fn get(&self, file: &Path, key: &str, pick: RowPick) -> Option<(Catalog, LoadReport)> {
        let mut e = self.entries.lock().ok()?;
        let found = e.list.iter().enumerate().find_map(|(i, entry)| {
            if entry.file != file || entry.key != key {
                return None;
            }
            rows_served(entry.pick, pick, entry.catalog.len()).map(|rows| (i, rows))
        });
        let Some((i, rows)) = found else {
            e.misses += 1;
            return None;
        };
        e.hits += 1;
        let entry = e.list.remove(i);
        let hit = match rows {
            None => (entry.catalog.clone(), entry.report.clone()),
            Some(rows) => {
                let mut report = entry.report.clone();
                report.kept = rows.len() as u64;
                (entry.catalog.with_rows(&rows), report)
            }
        };
        e.list.push(entry);
        Some(hit)
    }

    /// Keeps the rows `pick` named of `file`, the least recently used entries leaving to
    /// stay within the budget (an entry larger than the budget is not kept).
    pub fn put(
        &self,
        file: &Path,
        key: &str,
        pick: RowPick,
        catalog: &Catalog,
        report: &LoadReport,
    ) {
        let bytes = owned_bytes(catalog);
        let Ok(mut e) = self.entries.lock() else {
            return;
        };
        // What this entry serves replaces what served less of the same file.
        let len = catalog.len();
        let mut freed = 0;
        e.list.retain(|old| {
            let covered =
                old.file == file && old.key == key && rows_served(pick, old.pick, len).is_some();
            if covered {
                freed += old.bytes;
            }
            !covered
        });
        e.bytes -= freed;
        if bytes > self.budget {
            return;
        }
        while e.bytes + bytes > self.budget && !e.list.is_empty() {
            let old = e.list.remove(0);
            e.bytes -= old.bytes;
        }
        e.bytes += bytes;
        e.list.push(Entry {
            file: file.to_path_buf(),
            key: key.to_string(),
            pick,
            catalog: catalog.clone(),
            report: report.clone(),
            bytes,
        });
    }

    pub fn stats(&self) -> CacheStats {
        self.entries
            .lock()
            .map(|e| CacheStats {
                hits: e.hits,
                misses: e.misses,
                entries: e.list.len(),
                bytes: e.bytes,
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::catalog::{Column, ColumnData, Roles};

    fn catalog(n: usize) -> Catalog {
        let col = |name: &str, f: fn(usize) -> f64| {
            Column::new(
                name,
                "deg",
                ColumnData::F64((0..n).map(f).collect::<Vec<_>>().into()),
            )
        };
        Catalog {
            name: "p".into(),
            columns: vec![
                col("RA", |i| i as f64 / 10.0),
                col("DEC", |i| -(i as f64) / 10.0),
            ],
            roles: Roles {
                ra: "RA".into(),
                dec: "DEC".into(),
                ..Default::default()
            },
            cache_tag: Default::default(),
        }
        .into_shared()
    }

    fn ras(c: &Catalog) -> Vec<f64> {
        (0..c.len()).map(|i| c.ra(i)).collect()
    }

    #[test]
    fn a_longer_read_serves_shorter_ones_and_the_oldest_leaves_first() {
        let report = LoadReport::default();
        // 100 rows of two f64 columns: 1600 bytes; room for two such entries.
        let cache = PartitionCache::new(3500);
        let (a, b, c) = (Path::new("a"), Path::new("b"), Path::new("c"));
        cache.put(a, "k", RowPick::All, &catalog(100), &report);
        let (first, _) = cache.get(a, "k", RowPick::First(10)).unwrap();
        assert_eq!(ras(&first), ras(&catalog(10)));
        let (every, _) = cache.get(a, "k", RowPick::Every(25)).unwrap();
        assert_eq!(ras(&every), vec![0.0, 2.5, 5.0, 7.5]);
        // Other options, or more rows than held: a miss.
        assert!(cache.get(a, "other", RowPick::All).is_none());
        cache.put(b, "k", RowPick::First(50), &catalog(50), &report);
        assert!(cache.get(b, "k", RowPick::First(60)).is_none());
        assert_eq!(cache.get(b, "k", RowPick::First(50)).unwrap().0.len(), 50);
        // A longer prefix replaces the shorter one.
        cache.put(b, "k", RowPick::First(100), &catalog(100), &report);
        assert_eq!(cache.stats().entries, 2);
        // A third entry: the least recently used (a, last read before b) leaves.
        cache.put(c, "k", RowPick::All, &catalog(100), &report);
        assert!(cache.get(a, "k", RowPick::All).is_none());
        assert!(cache.get(b, "k", RowPick::First(100)).is_some());
        let stats = cache.stats();
        assert_eq!((stats.entries, stats.bytes), (2, 3200));
        assert_eq!((stats.hits, stats.misses), (4, 3));
    }
}
