//! A HATS catalog's partitions: from `partition_info.csv` (as hats-import writes it),
//! checked against the `dataset/` folder, or found in that folder when the list is
//! missing. Partitions listed without files, files not listed, pixels out of range and
//! partitions that overlap are errors naming what is wrong.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::data::hats::layout::HatsCatalog;
use crate::error::{Error, Result};

/// One HEALPix cell of a catalog and the Parquet files holding its rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    pub order: u8,
    pub pixel: u64,
    pub files: Vec<PathBuf>,
}

impl Partition {
    /// The cells it covers at `depth` (not shallower than its order).
    pub fn range_at(&self, depth: u8) -> Range<u64> {
        let shift = 2 * u32::from(depth - self.order);
        (self.pixel << shift)..((self.pixel + 1) << shift)
    }
}

/// The catalog's partitions, sorted by (order, pixel).
pub fn partitions(cat: &HatsCatalog) -> Result<Vec<Partition>> {
    let dataset = cat.dataset();
    if !dataset.is_dir() {
        return Err(Error::file(
            &cat.dir,
            "is a HATS catalog without its dataset/ folder",
        ));
    }
    let on_disk = walk_dataset(cat)?;
    let info = cat.dir.join("partition_info.csv");
    let cells: Vec<(u8, u64)> = if info.is_file() {
        let listed = read_partition_info(&info)?;
        let listed_set: BTreeSet<(u8, u64)> = listed.iter().copied().collect();
        if let Some(&(k, n)) = listed.iter().find(|c| !on_disk.contains(c)) {
            return Err(Error::file(
                &cat.partition_path(k, n),
                format!("is missing: partition_info.csv lists partition Norder={k} Npix={n}"),
            ));
        }
        if let Some(&(k, n)) = on_disk.iter().find(|c| !listed_set.contains(c)) {
            return Err(Error::file(
                &cat.partition_path(k, n),
                "is not listed in partition_info.csv (a partition left from another import?)",
            ));
        }
        listed
    } else {
        on_disk.into_iter().collect()
    };
    if cells.is_empty() {
        return Err(Error::file(
            &dataset,
            "holds no partitions (Norder=K/Dir=D/Npix=N)",
        ));
    }
    let mut parts = Vec::with_capacity(cells.len());
    for (order, pixel) in cells {
        let path = cat.partition_path(order, pixel);
        let files = if cat.npix_suffix == "/" {
            parquet_files_in(&path)?
        } else {
            vec![path]
        };
        parts.push(Partition {
            order,
            pixel,
            files,
        });
    }
    parts.sort_by_key(|p| (p.order, p.pixel));
    check_disjoint(&cat.dir, &parts)?;
    Ok(parts)
}

/// (Norder, Npix) rows of `partition_info.csv`, columns found by name.
fn read_partition_info(path: &Path) -> Result<Vec<(u8, u64)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .collect();
    let col = |name: &str| {
        header.iter().position(|h| *h == name).ok_or_else(|| {
            Error::file(
                path,
                format!("has no {name} column (header: {})", header.join(",")),
            )
        })
    };
    let (ko, kn) = (col("Norder")?, col("Npix")?);
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |k: usize| fields.get(k).copied().unwrap_or("");
        let cell = match (get(ko).parse::<u8>(), get(kn).parse::<u64>()) {
            (Ok(k), Ok(n)) => check_cell(k, n),
            _ => Err(format!("'{line}' is not a partition (Norder,Npix)")),
        };
        out.push(cell.map_err(|m| Error::file(path, format!("line {}: {m}", i + 2)))?);
    }
    if out.is_empty() {
        return Err(Error::file(path, "lists no partitions"));
    }
    Ok(out)
}

fn check_cell(order: u8, pixel: u64) -> std::result::Result<(u8, u64), String> {
    if order > 29 {
        return Err(format!("Norder={order} is deeper than HEALPix order 29"));
    }
    if pixel >= 12 << (2 * u32::from(order)) {
        return Err(format!("Npix={pixel} does not exist at Norder={order}"));
    }
    Ok((order, pixel))
}

/// The partitions present in `dataset/`: `Norder=K/Dir=D/Npix=N` plus the suffix.
fn walk_dataset(cat: &HatsCatalog) -> Result<BTreeSet<(u8, u64)>> {
    let list = |dir: &Path| -> Result<Vec<(String, PathBuf)>> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| Error::file(dir, format!("cannot list: {e}")))?;
        Ok(entries
            .filter_map(|e| e.ok())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect())
    };
    let value = |name: &str, key: &str| -> Option<u64> {
        let digits = name.strip_prefix(key)?;
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        digits[..end].parse().ok()
    };
    let mut found = BTreeSet::new();
    for (name, order_dir) in list(&cat.dataset())? {
        let Some(order) = value(&name, "Norder=") else {
            continue;
        };
        for (name, dir_dir) in list(&order_dir)? {
            if value(&name, "Dir=").is_none() {
                continue;
            }
            for (name, path) in list(&dir_dir)? {
                let Some(pixel) = value(&name, "Npix=") else {
                    continue;
                };
                // Stray files beside the partitions (checksums, editors' backups).
                let is_partition = if cat.npix_suffix == "/" {
                    path.is_dir()
                } else {
                    name.ends_with(&cat.npix_suffix)
                };
                if !is_partition {
                    continue;
                }
                let cell = u8::try_from(order)
                    .map_err(|_| format!("Norder={order} is deeper than HEALPix order 29"))
                    .and_then(|k| check_cell(k, pixel))
                    .map_err(|m| Error::file(&path, m))?;
                if path != cat.partition_path(cell.0, cell.1) {
                    return Err(Error::file(
                        &path,
                        format!(
                            "is not where HATS puts partition Norder={} Npix={pixel} ({})",
                            cell.0,
                            cat.partition_path(cell.0, cell.1).display()
                        ),
                    ));
                }
                found.insert(cell);
            }
        }
    }
    Ok(found)
}

fn parquet_files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| Error::file(dir, format!("cannot list: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    if files.is_empty() {
        return Err(Error::file(
            dir,
            "is a partition folder with no Parquet files",
        ));
    }
    files.sort();
    Ok(files)
}

/// Two partitions may not cover the same sky (a pixel and one of its ancestors).
fn check_disjoint(dir: &Path, parts: &[Partition]) -> Result<()> {
    let mut ranges: Vec<(Range<u64>, &Partition)> =
        parts.iter().map(|p| (p.range_at(29), p)).collect();
    ranges.sort_by_key(|(r, _)| r.start);
    for pair in ranges.windows(2) {
        let ((a, pa), (b, pb)) = (&pair[0], &pair[1]);
        if b.start < a.end {
            return Err(Error::file(
                dir,
                format!(
                    "has overlapping partitions: Norder={} Npix={} and Norder={} Npix={} cover the same sky",
                    pa.order, pa.pixel, pb.order, pb.pixel
                ),
            ));
        }
    }
    Ok(())
}
