//! Partition files read recently, kept in memory within a budget (least recently used
//! out), so that a viewer panning and zooming over a HATS catalog decodes each
//! partition once. Entries hold every row read (no area filter: the area changes as the
//! view moves, the partition's rows do not); a read takes what it needs of an entry: a
//! prefix of a longer prefix, every k-th row of a whole file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::data::Catalog;
use crate::data::cache::owned_bytes;
use crate::data::load_report::LoadReport;
use crate::data::tables::parquet_file::RowPick;

struct Entry {
    /// What else the rows depend on (columns, roles: the load options' key).
    key: String,
    pick: RowPick,
    catalog: Catalog,
    report: LoadReport,
    bytes: u64,
    /// When it was last used: its key in [`Entries::by_use`].
    used: u64,
}

#[derive(Default)]
struct Entries {
    by_file: HashMap<PathBuf, Vec<Entry>>,
    /// Each entry's file by when it was last used, least recently first.
    by_use: BTreeMap<u64, PathBuf>,
    clock: u64,
    bytes: u64,
    hits: u64,
    misses: u64,
}

impl Entries {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// Removes the entries of `file` that `gone` picks, forgetting their use.
    fn remove(&mut self, file: &Path, gone: impl Fn(&Entry) -> bool) {
        let Some(list) = self.by_file.get_mut(file) else {
            return;
        };
        let (by_use, bytes) = (&mut self.by_use, &mut self.bytes);
        list.retain(|e| {
            if gone(e) {
                by_use.remove(&e.used);
                *bytes -= e.bytes;
            }
            !gone(e)
        });
        if list.is_empty() {
            self.by_file.remove(file);
        }
    }
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
        let now = e.tick();
        let found = e.by_file.get_mut(file).and_then(|list| {
            list.iter_mut().find_map(|entry| {
                if entry.key != key {
                    return None;
                }
                let rows = rows_served(entry.pick, pick, entry.catalog.len())?;
                let before = std::mem::replace(&mut entry.used, now);
                let hit = match rows {
                    None => (entry.catalog.clone(), entry.report.clone()),
                    Some(rows) => {
                        let mut report = entry.report.clone();
                        report.kept = rows.len() as u64;
                        (entry.catalog.with_rows(&rows), report)
                    }
                };
                Some((before, hit))
            })
        });
        let Some((before, hit)) = found else {
            e.misses += 1;
            return None;
        };
        e.hits += 1;
        e.by_use.remove(&before);
        e.by_use.insert(now, file.to_path_buf());
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
        e.remove(file, |old| {
            old.key == key && rows_served(pick, old.pick, len).is_some()
        });
        if bytes > self.budget {
            return;
        }
        while e.bytes + bytes > self.budget {
            let Some((&oldest, path)) = e.by_use.first_key_value() else {
                break;
            };
            let path = path.clone();
            e.remove(&path, |old| old.used == oldest);
        }
        let used = e.tick();
        e.bytes += bytes;
        e.by_use.insert(used, file.to_path_buf());
        e.by_file
            .entry(file.to_path_buf())
            .or_default()
            .push(Entry {
                key: key.to_string(),
                pick,
                catalog: catalog.clone(),
                report: report.clone(),
                bytes,
                used,
            });
    }

    pub fn stats(&self) -> CacheStats {
        self.entries
            .lock()
            .map(|e| CacheStats {
                hits: e.hits,
                misses: e.misses,
                entries: e.by_use.len(),
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
