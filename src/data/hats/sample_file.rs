//! The whole-sky sample `clusterviz import` writes beside a catalog's partitions: the
//! leading rows of every partition in one Parquet file, so that a sample of the whole
//! catalog is one read of one file instead of one read of each of thousands of
//! partitions (the cold first look at a billion rows waited on those reads).
//!
//! Each partition's rows are in spread order, so a 1-in-k sample of it is its first
//! ⌈n/k⌉ rows: row i is in it exactly when i/n < 1/k. The file holds, for the smallest
//! stride it serves, those rows of every partition, ordered by i/n (ties by partition):
//! the rows of any coarser sample are then a prefix of the file. Read back, they are put
//! in partition order, so the catalog read equals the partitions' prefixes stacked, row
//! for row. LSDB and hats ignore the file (it lies outside `dataset/`).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::data::Catalog;
use crate::data::hats::layout::HatsCatalog;
use crate::data::hats::partitions::Partition;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::parquet_file::{ParquetFooter, RowPick, read_parquet_rows};
use crate::data::tables::parquet_write::{RowGroups, write_noted_parquet_rows};
use crate::error::{Error, Result};

/// The sample's file name, in the catalog's folder.
pub const SAMPLE_FILE: &str = "clusterviz_sample.parquet";
/// Notes in the file: every partition as `order/pixel/rows`, and the smallest stride.
const PARTITIONS_NOTE: &str = "clusterviz_sample_partitions";
const STRIDE_NOTE: &str = "clusterviz_sample_min_stride";

/// One partition's leading rows for the sample, as the import wrote the partition.
pub struct SampleBlock {
    pub order: u8,
    pub pixel: u64,
    /// Rows in the whole partition.
    pub rows: u64,
    /// Its first rows (at least ⌈rows / stride⌉ of them, in spread order).
    pub leading: Catalog,
}

/// Rows of a partition of `n` rows in a 1-in-`k` sample.
fn rows_in_sample(n: u64, k: u64) -> u64 {
    n.div_ceil(k.max(1))
}

/// Writes the sample serving strides of `min_stride` and more from `blocks` (sorted by
/// order and pixel, as the catalog's partitions) to `dir`.
pub fn write_sample(dir: &Path, blocks: Vec<SampleBlock>, min_stride: u64) -> Result<()> {
    let path = dir.join(SAMPLE_FILE);
    let listed: Vec<String> = blocks
        .iter()
        .map(|b| format!("{}/{}/{}", b.order, b.pixel, b.rows))
        .collect();
    // Every block's rows of the sample, keyed by their place in their partition.
    let mut keys: Vec<(u64, u64, usize, usize)> = Vec::new();
    let mut offset = 0;
    for (p, b) in blocks.iter().enumerate() {
        let m = rows_in_sample(b.rows, min_stride).min(b.leading.len() as u64);
        keys.extend((0..m).map(|i| (i, b.rows, p, offset + i as usize)));
        offset += b.leading.len();
    }
    keys.par_sort_unstable_by(|a, b| by_place(a.0, a.1, b.0, b.1).then(a.2.cmp(&b.2)));
    let rows: Vec<usize> = keys.iter().map(|k| k.3).collect();
    let mut stacked: Option<Catalog> = None;
    for b in blocks {
        match &mut stacked {
            None => stacked = Some(b.leading),
            Some(all) => all.append(b.leading, &path)?,
        }
    }
    let Some(stacked) = stacked else {
        return Ok(());
    };
    let notes = HashMap::from([
        (PARTITIONS_NOTE.to_string(), listed.join(",")),
        (STRIDE_NOTE.to_string(), min_stride.to_string()),
    ]);
    write_noted_parquet_rows(&stacked, &rows, None, RowGroups::Doubling, notes, &path)
}

/// Row `i` of `n` against row `j` of `m`: by i/n, exactly.
fn by_place(i: u64, n: u64, j: u64, m: u64) -> Ordering {
    (u128::from(i) * u128::from(m)).cmp(&(u128::from(j) * u128::from(n)))
}

/// A catalog's sample file, opened.
pub struct SampleFile {
    footer: ParquetFooter,
    /// (order, pixel, rows) of every partition, sorted by order and pixel.
    partitions: Vec<(u8, u64, u64)>,
    min_stride: u64,
}

impl SampleFile {
    /// The sample beside `hats`, if it has one that lists exactly `parts`; a sample that
    /// lists other partitions (the catalog changed since) is not used, and said so.
    pub fn open(hats: &HatsCatalog, parts: &[Partition]) -> Result<Option<SampleFile>> {
        let path = hats.dir.join(SAMPLE_FILE);
        if !hats.spread_rows || !path.is_file() {
            return Ok(None);
        }
        let footer = ParquetFooter::open(&path)?;
        let note = |key: &str| {
            footer
                .schema()
                .metadata()
                .get(key)
                .cloned()
                .ok_or_else(|| Error::file(&path, format!("lacks its note {key}")))
        };
        let bad = |what: &str| Error::file(&path, format!("its note {PARTITIONS_NOTE} {what}"));
        let partitions = note(PARTITIONS_NOTE)?
            .split(',')
            .map(|e| {
                let mut f = e.split('/').map(str::parse::<u64>);
                match (f.next(), f.next(), f.next(), f.next()) {
                    (Some(Ok(o)), Some(Ok(p)), Some(Ok(n)), None) if o <= 29 => Ok((o as u8, p, n)),
                    _ => Err(bad(&format!("holds `{e}`, not order/pixel/rows"))),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let min_stride = note(STRIDE_NOTE)?
            .parse::<u64>()
            .ok()
            .filter(|&k| k >= 1)
            .ok_or_else(|| Error::file(&path, format!("its note {STRIDE_NOTE} is no stride")))?;
        let wanted: u64 = partitions
            .iter()
            .map(|&(_, _, n)| rows_in_sample(n, min_stride))
            .sum();
        if footer.rows() < wanted {
            return Err(Error::file(
                &path,
                format!(
                    "holds {} rows where its partitions' 1-in-{min_stride} samples are {wanted}",
                    footer.rows()
                ),
            ));
        }
        let same = partitions.len() == parts.len()
            && partitions
                .iter()
                .zip(parts)
                .all(|(&(o, p, _), q)| o == q.order && p == q.pixel);
        if !same {
            report!(
                "note: {}: lists other partitions than the catalog has (written before the \
                 catalog changed?), so the partitions are read instead",
                path.display()
            );
            return Ok(None);
        }
        Ok(Some(SampleFile {
            footer,
            partitions,
            min_stride,
        }))
    }

    pub fn path(&self) -> PathBuf {
        self.footer.path().to_path_buf()
    }

    pub fn footer(&self) -> &ParquetFooter {
        &self.footer
    }

    /// Rows of every partition.
    pub fn rows(&self) -> u64 {
        self.partitions.iter().map(|p| p.2).sum()
    }

    /// The finest sample it holds: 1 in this many rows.
    pub fn min_stride(&self) -> u64 {
        self.min_stride
    }

    /// Whether it holds the 1-in-`stride` sample.
    pub fn serves(&self, stride: u64) -> bool {
        stride >= self.min_stride
    }

    /// The 1-in-`stride` sample of every partition (`parts`, as given to [`open`]), with
    /// `opts`'s filter, in the order the partitions' own prefixes stack: partition by
    /// partition, each in its rows' order.
    ///
    /// [`open`]: SampleFile::open
    pub fn read(
        &self,
        name: &str,
        opts: &LoadOptions,
        stride: u64,
        parts: &[Partition],
        healpix_column: Option<&(String, u8)>,
    ) -> Result<(Catalog, LoadReport)> {
        let wanted: u64 = self
            .partitions
            .iter()
            .map(|&(_, _, n)| rows_in_sample(n, stride))
            .sum();
        let (cat, report) = read_parquet_rows(&self.footer, name, opts, RowPick::First(wanted))?;
        let owner =
            owners(&cat, parts, healpix_column).map_err(|m| Error::file(self.footer.path(), m))?;
        // Stable: within a partition the file's order is its rows' order.
        let mut rows: Vec<usize> = (0..cat.len()).collect();
        rows.par_sort_by_key(|&r| owner[r]);
        Ok((cat.with_rows(&rows), report))
    }
}

/// The index in `parts` of the partition holding each row: by the cell the writer gave
/// it (`_healpix_29`, which decided its partition) when read, else by its RA/Dec.
fn owners(
    cat: &Catalog,
    parts: &[Partition],
    healpix_column: Option<&(String, u8)>,
) -> std::result::Result<Vec<u32>, String> {
    let depth = parts.iter().map(|p| p.order).max().unwrap_or(0);
    let mut ranges: Vec<(u64, u64, u32)> = parts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let r = p.range_at(depth);
            (r.start, r.end, k as u32)
        })
        .collect();
    ranges.sort_unstable();
    let layer = cdshealpix::nested::get(depth);
    let roles = cat.role_view();
    let written = healpix_column
        .filter(|(_, k)| *k >= depth)
        .and_then(|(name, k)| Some((cat.column(name)?, 2 * u32::from(k - depth))));
    (0..cat.len())
        .into_par_iter()
        .map(|i| {
            let (ra, dec) = (roles.ra(i), roles.dec(i));
            let cell = match written {
                Some((col, shift)) => col.integer(i).map_or(u64::MAX, |h| (h as u64) >> shift),
                None => layer.hash(ra.to_radians(), dec.to_radians()),
            };
            let at = ranges.partition_point(|r| r.0 <= cell);
            match at.checked_sub(1).map(|a| ranges[a]) {
                Some((_, end, k)) if cell < end => Ok(k),
                _ => Err(format!(
                    "holds a row at RA {ra:.6}, Dec {dec:.6} in none of the catalog's partitions"
                )),
            }
        })
        .collect()
}
