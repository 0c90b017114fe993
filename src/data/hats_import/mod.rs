//! `clusterviz import`: catalogs of any total size (files, globs, folders, in every
//! format clusterviz reads) into a HATS catalog that LSDB opens, in three passes over
//! bounded memory, as hats-import does on Dask:
//! 1. map: each file's rows counted per cell of the deepest order (the histogram, which
//!    is also the skymap);
//! 2. split: each file's rows written to a fragment per partition they fall in;
//! 3. reduce: each partition's fragments joined, ordered along the HEALPix curve and
//!    then spread (every prefix an even sample, for level of detail), written; their
//!    leading rows also go to one whole-sky sample file beside the partitions.
//!
//! Memory holds one piece of input per worker (about 256 MB of columns: big FITS, HDF5
//! and Parquet files are read a window of rows at a time, other formats whole), the
//! histogram and the cell → partition table (12 bytes a cell at the deepest order:
//! 150 MB at order 10), one partition per worker and the whole-sky sample (at most 2M
//! rows). Everything is built in a hidden sibling folder renamed into place at the end,
//! so an interrupted import leaves no catalog that looks complete.

mod dataset_metadata;
mod metadata;
mod pieces;
mod plan;
mod row_order;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::data::catalog_reader::read_catalog;
use crate::data::fits_table::HduSelect;
use crate::data::hats::{SampleBlock, write_sample};
use crate::data::hats_import::metadata::write_metadata;
use crate::data::hats_import::pieces::{Piece, plan_pieces};
use crate::data::hats_import::plan::{Histogram, plan_partitions};
use crate::data::hats_import::row_order::spread_order;
use crate::data::load_options::LoadOptions;
use crate::data::progress::Progress;
use crate::data::roles::RoleNames;
use crate::data::tables::parquet_file::read_parquet;
use crate::data::tables::parquet_write::{LeadingColumn, RowGroups, write_parquet_rows};
use crate::data::{Catalog, ColumnData};
use crate::error::{Error, Result};

/// The column of each row's depth-29 HEALPix cell, as hats-import names it.
pub const HEALPIX_29: &str = "_healpix_29";

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub roles: RoleNames,
    pub hdu: Option<HduSelect>,
    /// Rows a partition holds at most (hats-import's `pixel_threshold`), unless one cell
    /// of the deepest order holds more.
    pub max_rows: u64,
    /// The deepest partition order, and the skymap's.
    pub highest_order: u8,
    /// Partitions are no shallower than this.
    pub lowest_order: u8,
    /// The catalog's name (`obs_collection`).
    pub name: String,
    /// Replace a HATS catalog at the output (once the new one is complete).
    pub replace: bool,
    /// Rows read from a FITS, HDF5 or Parquet input at a time (default: about 256 MB of
    /// its columns).
    pub piece_rows: Option<u64>,
    pub progress: Option<Progress>,
}

impl ImportOptions {
    /// How the import reads its own Parquet files back: every row and value as written,
    /// the coordinates found by the roles given.
    fn verbatim_load(&self) -> LoadOptions {
        LoadOptions {
            roles: RoleNames {
                ra: self.roles.ra.clone(),
                dec: self.roles.dec.clone(),
                ..Default::default()
            },
            verbatim: true,
            ..Default::default()
        }
    }
}

/// Where the import writes partition (`order`, `pixel`) under the catalog folder `dir`.
fn partition_file(dir: &Path, order: u8, pixel: u64) -> PathBuf {
    dir.join("dataset")
        .join(format!("Norder={order}"))
        .join(format!("Dir={}", pixel / 10_000 * 10_000))
        .join(format!("Npix={pixel}.parquet"))
}

/// What an import wrote.
#[derive(Clone, Debug)]
pub struct ImportSummary {
    pub rows: u64,
    pub partitions: usize,
    /// Input files and windows of big files' rows, each read at once.
    pub pieces: usize,
    /// Rows dropped for NaN or out-of-range coordinates.
    pub invalid_coordinates: u64,
}

/// Imports `files` into a new HATS catalog at `out` (which must not exist, or be a HATS
/// catalog to replace).
pub fn import_hats(files: &[PathBuf], out: &Path, opts: &ImportOptions) -> Result<ImportSummary> {
    if out.exists() {
        if !opts.replace {
            return Err(Error::file(
                out,
                "exists already (give --force to replace it)",
            ));
        }
        if !crate::data::hats::is_hats(out) {
            return Err(Error::file(
                out,
                "exists and is not a HATS catalog: --force replaces only catalogs",
            ));
        }
    }
    if files.is_empty() {
        return Err(Error::user("import: no input files"));
    }
    let work = WorkDir::create(out)?;
    let t0 = Instant::now();
    let load = LoadOptions {
        roles: opts.roles.clone(),
        hdu: opts.hdu.clone(),
        ..Default::default()
    };
    let pieces = plan_pieces(files, &load, opts.piece_rows)?;
    let (histogram, invalid) = map_pass(&pieces, &load, opts)?;
    let rows = histogram.total();
    if rows == 0 {
        return Err(Error::user(format!(
            "import: the {} input files hold no rows with valid coordinates",
            files.len()
        )));
    }
    let plan = plan_partitions(&histogram, opts.max_rows, opts.lowest_order);
    report!(
        "import: {rows} rows mapped in {:.1} s; {} partitions (orders {}–{}, at most {} rows each where a cell allows)",
        t0.elapsed().as_secs_f64(),
        plan.len(),
        plan.first().map_or(0, |p| p.0),
        plan.iter().map(|p| p.0).max().unwrap_or(0),
        opts.max_rows
    );
    let lookup = cell_to_partition(&histogram, &plan);
    let t1 = Instant::now();
    split_pass(&pieces, &load, opts, &lookup, &plan, &work.path)?;
    report!("import: rows split in {:.1} s", t1.elapsed().as_secs_f64());
    let t2 = Instant::now();
    let stride = sample_stride(rows);
    let blocks = reduce_pass(&plan, opts, &work.path, stride)?;
    write_sample(&work.path, blocks, stride)?;
    report!(
        "import: partitions written in {:.1} s",
        t2.elapsed().as_secs_f64()
    );
    write_metadata(&work.path, opts, &plan, &histogram)?;
    dataset_metadata::write_dataset_metadata(&work.path, &plan)?;
    std::fs::remove_dir_all(work.path.join("spill"))
        .map_err(|e| Error::file(&work.path, format!("cannot remove the split rows: {e}")))?;
    work.finish(out)?;
    Ok(ImportSummary {
        rows,
        partitions: plan.len(),
        pieces: pieces.len(),
        invalid_coordinates: invalid,
    })
}

/// The hidden folder an import is built in; removed unless it was moved into place.
struct WorkDir {
    path: PathBuf,
    done: bool,
}

impl WorkDir {
    fn create(out: &Path) -> Result<WorkDir> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::file(out, "is not a folder name to import into"))?;
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(Error::file(
                out,
                "the output folder's parent does not exist",
            ));
        }
        // Left by imports that were killed: their process is gone.
        if let Ok(entries) = std::fs::read_dir(parent) {
            let prefix = format!(".{name}.partial-");
            for e in entries.filter_map(|e| e.ok()) {
                let n = e.file_name().to_string_lossy().into_owned();
                let dead = n
                    .strip_prefix(&prefix)
                    .and_then(|pid| pid.parse::<u32>().ok())
                    .is_some_and(|pid| !crate::fsutil::process_runs(pid));
                if dead {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let path = parent.join(format!(".{name}.partial-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("spill"))
            .map_err(|e| Error::file(&path, format!("cannot create: {e}")))?;
        Ok(WorkDir { path, done: false })
    }

    /// Moves the finished catalog to `out`; a catalog there is moved aside first and
    /// removed once the new one is in place.
    fn finish(mut self, out: &Path) -> Result<()> {
        let old = self.path.with_extension("replaced");
        let replacing = out.exists();
        if replacing {
            std::fs::rename(out, &old)
                .map_err(|e| Error::file(out, format!("cannot move the old catalog aside: {e}")))?;
        }
        if let Err(e) = std::fs::rename(&self.path, out) {
            if replacing {
                let _ = std::fs::rename(&old, out);
            }
            return Err(Error::file(
                out,
                format!("cannot move the finished catalog into place: {e}"),
            ));
        }
        self.done = true;
        if replacing {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Reads one piece of input (all its numeric columns, coordinates in degrees).
fn read_input(piece: &Piece, load: &LoadOptions) -> Result<(Catalog, u64)> {
    let (cat, report) = read_catalog(&piece.path, "import", &piece.load_options(load))?;
    Ok((cat, report.invalid_coordinates))
}

/// Each row's depth-29 cell.
fn healpix_29(cat: &Catalog) -> Vec<i64> {
    let layer = cdshealpix::nested::get(29);
    let roles = cat.role_view();
    (0..cat.len())
        .into_par_iter()
        .map(|i| layer.hash(roles.ra(i).to_radians(), roles.dec(i).to_radians()) as i64)
        .collect()
}

/// Pass 1: rows per cell of the deepest order, over every piece.
fn map_pass(
    pieces: &[Piece],
    load: &LoadOptions,
    opts: &ImportOptions,
) -> Result<(Histogram, u64)> {
    let histogram = Mutex::new(Histogram::new(opts.highest_order));
    let invalid = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let shift = 2 * (29 - u32::from(opts.highest_order));
    pieces.par_iter().try_for_each(|piece| -> Result<()> {
        let (cat, bad) = read_input(piece, load)?;
        invalid.fetch_add(bad, Ordering::Relaxed);
        let cells: Vec<u64> = healpix_29(&cat)
            .iter()
            .map(|&h| (h as u64) >> shift)
            .collect();
        drop(cat);
        let mut h = histogram
            .lock()
            .map_err(|_| Error::user("import: a mapping worker failed"))?;
        for c in cells {
            h.counts[c as usize] += 1;
        }
        drop(h);
        tell(opts, "import: mapping", &done, pieces.len());
        Ok(())
    })?;
    let h = histogram
        .into_inner()
        .map_err(|_| Error::user("import: a mapping worker failed"))?;
    Ok((h, invalid.into_inner()))
}

fn tell(opts: &ImportOptions, what: &str, done: &AtomicU64, total: usize) {
    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
    if let Some(p) = &opts.progress {
        p.report(what, n, total as u64);
    }
}

/// For each cell of the deepest order, the index of the partition holding it.
fn cell_to_partition(h: &Histogram, plan: &[(u8, u64, u64)]) -> Vec<u32> {
    let mut lookup = vec![u32::MAX; h.counts.len()];
    for (i, &(order, pixel, _)) in plan.iter().enumerate() {
        let shift = 2 * u32::from(h.order - order);
        for cell in (pixel << shift)..((pixel + 1) << shift) {
            lookup[cell as usize] = i as u32;
        }
    }
    lookup
}

/// Pass 2: each piece's rows into a fragment per partition (every file must have the
/// first one's columns).
fn split_pass(
    pieces: &[Piece],
    load: &LoadOptions,
    opts: &ImportOptions,
    lookup: &[u32],
    plan: &[(u8, u64, u64)],
    work: &Path,
) -> Result<()> {
    let shift = 2 * (29 - u32::from(opts.highest_order));
    let first_columns: Mutex<Option<(PathBuf, Vec<String>)>> = Mutex::new(None);
    let done = AtomicU64::new(0);
    pieces
        .par_iter()
        .enumerate()
        .try_for_each(|(k, piece)| -> Result<()> {
            let f = &piece.path;
            let (cat, _) = read_input(piece, load)?;
            check_columns(&first_columns, f, &cat)?;
            let h29 = healpix_29(&cat);
            let mut rows: Vec<(u32, usize)> = h29
                .iter()
                .enumerate()
                .map(|(i, &h)| (lookup[((h as u64) >> shift) as usize], i))
                .collect();
            rows.sort_unstable();
            for group in rows.chunk_by(|a, b| a.0 == b.0) {
                let part = group[0].0 as usize;
                if part >= plan.len() {
                    return Err(Error::file(f, "import: a row fell in no partition (a bug)"));
                }
                let idx: Vec<usize> = group.iter().map(|&(_, i)| i).collect();
                let lead: Vec<i64> = idx.iter().map(|&i| h29[i]).collect();
                let dir = work.join("spill").join(part.to_string());
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Error::file(&dir, format!("cannot create: {e}")))?;
                write_parquet_rows(
                    &cat,
                    &idx,
                    Some(LeadingColumn {
                        name: HEALPIX_29,
                        values: &lead,
                    }),
                    RowGroups::Default,
                    &dir.join(format!("{k}.parquet")),
                )?;
            }
            tell(opts, "import: splitting", &done, pieces.len());
            Ok(())
        })
}

/// Every input file must have the first one's columns and types (a catalog has one
/// schema).
fn check_columns(
    first: &Mutex<Option<(PathBuf, Vec<String>)>>,
    path: &Path,
    cat: &Catalog,
) -> Result<()> {
    let mine: Vec<String> = cat
        .columns
        .iter()
        .map(|c| format!("{} ({:?})", c.name, c.storage()))
        .collect();
    if cat.columns.iter().any(|c| c.name == HEALPIX_29) {
        return Err(Error::file(
            path,
            format!("has a column {HEALPIX_29} already (is it a HATS partition?)"),
        ));
    }
    let mut first = first
        .lock()
        .map_err(|_| Error::user("import: a splitting worker failed"))?;
    match &*first {
        None => *first = Some((path.to_path_buf(), mine)),
        Some((p, theirs)) if *theirs != mine => {
            return Err(Error::file(
                path,
                format!(
                    "its columns differ from {}'s: {} instead of {}",
                    p.display(),
                    mine.join(", "),
                    theirs.join(", ")
                ),
            ));
        }
        Some(_) => {}
    }
    Ok(())
}

/// Rows of the whole-sky sample file, about: a billion rows' first look needs 800k of
/// them on a software adapter; bigger samples read the partitions.
const SAMPLE_ROWS: u64 = 2_000_000;

/// The smallest stride the whole-sky sample of `rows` rows serves: at most
/// [`SAMPLE_ROWS`] rows, and at most an eighth of the catalog (finer samples read a good
/// part of each partition, where one read more per file matters little).
fn sample_stride(rows: u64) -> u64 {
    rows.div_ceil(SAMPLE_ROWS).max(8)
}

/// Pass 3: each partition's fragments, joined, along the HEALPix curve then spread;
/// returns each partition's leading rows of a 1-in-`stride` sample (for the whole-sky
/// sample file).
fn reduce_pass(
    plan: &[(u8, u64, u64)],
    opts: &ImportOptions,
    work: &Path,
    stride: u64,
) -> Result<Vec<SampleBlock>> {
    let done = AtomicU64::new(0);
    let verbatim = opts.verbatim_load();
    let blocks = Mutex::new(Vec::with_capacity(plan.len()));
    plan.par_iter()
        .enumerate()
        .try_for_each(|(i, &(order, pixel, rows))| -> Result<()> {
            let dir = work.join("spill").join(i.to_string());
            let mut fragments: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| Error::file(&dir, format!("cannot list: {e}")))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            // By input piece, so that equal cells keep the inputs' order.
            fragments.sort_by_key(|p| {
                p.file_stem()
                    .and_then(|s| s.to_str()?.parse::<usize>().ok())
                    .unwrap_or(usize::MAX)
            });
            let mut joined: Option<Catalog> = None;
            for f in &fragments {
                let (part, _) = read_parquet(f, "import", &verbatim)?;
                match &mut joined {
                    None => joined = Some(part),
                    Some(all) => all.append(part, f)?,
                }
            }
            let mut cat = joined
                .ok_or_else(|| Error::file(&dir, "import: a partition without rows (a bug)"))?;
            // The cell column first, as hats-import writes it.
            if let Some(k) = cat.columns.iter().position(|c| c.name == HEALPIX_29) {
                let col = cat.columns.remove(k);
                cat.columns.insert(0, col);
            }
            if cat.len() as u64 != rows {
                return Err(Error::file(
                    &dir,
                    format!(
                        "import: {} rows split for a partition of {rows} (a bug)",
                        cat.len()
                    ),
                ));
            }
            let h29 = match cat.column(HEALPIX_29).map(|c| &c.data) {
                Some(ColumnData::I64(v)) => v.to_vec(),
                _ => {
                    return Err(Error::file(
                        &dir,
                        "import: fragments lost their cells (a bug)",
                    ));
                }
            };
            // Along the curve, then spread so that every prefix samples the partition.
            let mut along_curve: Vec<usize> = (0..cat.len()).collect();
            along_curve.sort_by_key(|&r| h29[r]);
            let order_of_rows: Vec<usize> = spread_order(along_curve.len())
                .into_iter()
                .map(|rank| along_curve[rank])
                .collect();
            let target = partition_file(work, order, pixel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::file(parent, format!("cannot create: {e}")))?;
            }
            write_parquet_rows(&cat, &order_of_rows, None, RowGroups::Doubling, &target)?;
            let leading = order_of_rows.len().div_ceil(stride as usize);
            let block = SampleBlock {
                order,
                pixel,
                rows,
                leading: cat.with_rows(&order_of_rows[..leading]),
            };
            blocks
                .lock()
                .map_err(|_| Error::user("import: a writing worker failed"))?
                .push(block);
            std::fs::remove_dir_all(&dir).ok();
            tell(opts, "import: writing partitions", &done, plan.len());
            Ok(())
        })?;
    let mut blocks = blocks
        .into_inner()
        .map_err(|_| Error::user("import: a writing worker failed"))?;
    // In the order readers list the partitions.
    blocks.sort_by_key(|b| (b.order, b.pixel));
    Ok(blocks)
}
