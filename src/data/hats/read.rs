//! Reading a HATS catalog: the partitions that overlap the area, in parallel, each
//! through the Parquet reader (only the kept columns decoded), stacked in partition
//! order. A catalog holding more rows in the area than asked for is read as every k-th
//! row of each partition: hats-import sorts a partition's rows by `_healpix_29`, so the
//! sample is even over the sky; the counts of all rows then come from the skymap.
//! Such a sample decodes every row in the area, so beyond [`DECODED_PER_KEPT`] rows
//! decoded for each one kept, no rows are read and the skymap alone shows the area.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::data::hats::layout::HatsCatalog;
use crate::data::hats::partition_cache::PartitionCache;
use crate::data::hats::partitions::{Partition, partitions};
use crate::data::hats::sample_file::SampleFile;
use crate::data::healpix_fits::{read_healpix_map, read_healpix_map_within};
use crate::data::load_options::{LoadOptions, Pushdown};
use crate::data::load_report::LoadReport;
use crate::data::sky_area::Area;
use crate::data::tables::parquet_file::{ParquetFooter, RowPick, read_parquet_rows};
use crate::data::{Catalog, HealpixMap};
use crate::error::{Error, Result};

/// The skymap order whose cells are about a thousandth of the area's extent: as fine as a
/// figure of the area shows (order 8 for the whole sky, deeper for a cone or box). With no
/// area asked for, the area is the sky the catalog's partitions cover: a survey of 100 deg²
/// is drawn over that patch, not over the whole sky.
fn density_order(filter: &Pushdown, parts: &[Partition]) -> u8 {
    if filter.cone.is_some() || filter.sky_box.is_some() || parts.is_empty() {
        return Area::depth_across(filter, 1024.0);
    }
    let steradians: f64 = 4.0
        * std::f64::consts::PI
        * parts
            .iter()
            .map(|p| crate::sky::coverage::cell_sky_fraction(p.order))
            .sum::<f64>();
    // The diameter of a cap of that area: 360° for the whole sky, as the whole sky's
    // extent above.
    let extent = 2.0
        * (1.0 - steradians / (2.0 * std::f64::consts::PI))
            .clamp(-1.0, 1.0)
            .acos();
    Area::depth_for_extent(extent.to_degrees(), 1024.0)
}

/// Rows a sample of a catalog without spread order (hats-import's) may decode for each
/// row it keeps. With lavapipe's 800k-row sample, 51M rows (about 1.5 s on 2 cores); a
/// real GPU's bigger sample allows more. Beyond it (e.g. a billion-row hats-import
/// catalog over the whole sky) the density shows the area and markers wait for a view
/// holding fewer rows: a sample of whole pages instead would clump the markers.
pub const DECODED_PER_KEPT: u64 = 64;

/// What a HATS read gave.
#[derive(Clone, Debug)]
pub struct HatsRead {
    pub catalog: Catalog,
    pub report: LoadReport,
    /// The whole catalog's counts in the area (its skymap's), when only a sample of its
    /// rows was read; `None` when every row in the area was read, no skymap exists, or
    /// a redshift or SNR filter keeps rows the skymap cannot tell apart.
    pub counts: Option<HealpixMap>,
    /// Partitions that overlap the area, of all the catalog's.
    pub partitions_read: usize,
    pub partitions: usize,
    /// 1 when every row was read, else k: one row in k (the first k-th of each partition
    /// written in spread order, else every k-th row).
    pub stride: u64,
    /// Set when an even sample would have decoded too many rows for its size and no row
    /// was read: the counts alone show the area.
    pub density_only: Option<DensityOnly>,
}

/// Why a HATS read kept no rows: an even sample would have decoded `decoded` rows, more
/// than the `cap` its size allows ([`DECODED_PER_KEPT`] for each row kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DensityOnly {
    pub decoded: u64,
    /// The most rows an area may hold for a sample of it to be read.
    pub cap: u64,
}

impl DensityOnly {
    /// Why no row was read, and where markers will show.
    pub fn reason(&self) -> String {
        format!(
            "the density only: an even sample would decode all {} rows in the area (rows in \
             `_healpix_29` order, as hats-import writes them); markers show in views holding \
             fewer than {} rows, or at every scale once `clusterviz import` has written the \
             catalog",
            self.decoded, self.cap
        )
    }
}

/// Reads the catalog or collection at `path`: the rows in `opts.filter`'s area, all of
/// them, or an even sample of about `opts.sample_rows` when there are more.
pub fn read_hats(path: &Path, name: &str, opts: &LoadOptions) -> Result<HatsRead> {
    read_hats_cached(path, name, opts, None)
}

/// As [`read_hats`], partitions taken from `cache` where it holds them, and kept there
/// once read.
pub fn read_hats_cached(
    path: &Path,
    name: &str,
    opts: &LoadOptions,
    cache: Option<&PartitionCache>,
) -> Result<HatsRead> {
    if opts.hdu.is_some() {
        return Err(Error::file(
            path,
            "is a HATS catalog: --hdu does not apply to it",
        ));
    }
    let hats = HatsCatalog::open(path)?;
    let parts = partitions(&hats)?;
    let (area, inside) = partitions_in_area(&hats, &parts, &opts.filter);
    // No partition in the area: the first one still gives the columns (and no rows,
    // the area's filter dropping them all).
    let to_read: Vec<&Partition> = if inside.is_empty() {
        parts.iter().take(1).collect()
    } else {
        inside.clone()
    };
    // A sample of the whole sky: one read of the sample file an import wrote for it.
    let want = opts.sample_rows.unwrap_or(u64::MAX).max(1);
    if inside.len() == parts.len()
        && opts.sample_rows.is_some()
        && hats.rows.is_none_or(|n| n > want)
        && let Some(sample) = SampleFile::open(&hats, &parts)?
        && let Some(read) = read_sample(&hats, &parts, area.as_ref(), &sample, name, opts)?
    {
        return Ok(read);
    }
    let files: Vec<(&PathBuf, &Partition)> = to_read
        .iter()
        .flat_map(|p| p.files.iter().map(move |f| (f, *p)))
        .collect();
    // Many small reads of many files wait on the disk more than on the cores: more
    // readers than cores keep it busy (cold, 3072 partitions: 4.1 s with 2, see BENCHMARKS).
    let pool = io_pool()?;
    // Each footer is read once: the rows and columns here, the rows' pages below.
    let footers: Vec<ParquetFooter> = pool.install(|| {
        files
            .par_iter()
            .map(|(f, _)| ParquetFooter::open(f))
            .collect::<Result<_>>()
    })?;
    check_same_columns(&hats, &files, &footers)?;
    let rows: u64 = footers.iter().map(ParquetFooter::rows).sum();
    // More rows than wanted in the partitions: the skymap tells how many lie in the
    // area itself (a cone holds a small part of the partitions it touches).
    let skymap = if rows > want {
        skymap_counts(&hats, &parts, area.as_ref(), &opts.filter)?
    } else {
        None
    };
    let in_area = skymap.as_ref().map_or(rows, |m| {
        let counted = m.total();
        (counted.round() as u64).min(rows)
    });
    let stride = if in_area > want {
        in_area.div_ceil(want)
    } else {
        1
    };
    // Every k-th row decodes the area's rows (sorted by `_healpix_29`, only those of its
    // cells; else every row of the partitions).
    let decoded = if hats.healpix_column.is_some() {
        in_area
    } else {
        rows
    };
    let cap = want.saturating_mul(DECODED_PER_KEPT);
    // The skymap counts every row: with a redshift or SNR filter, the density is the
    // sample's, so rows are read however many that decodes.
    let by_value = filter_for_columns(opts, footers.first()).by_value();
    let too_many = stride > 1 && !hats.spread_rows && skymap.is_some() && decoded > cap;
    let density_only = (too_many && !by_value).then_some(DensityOnly { decoded, cap });
    if too_many && by_value {
        report!(
            "note: {}: a redshift or SNR range cannot use the skymap's counts, so all {decoded} \
             rows in the area are decoded for a 1-in-{stride} sample (a smaller area reads faster)",
            path.display()
        );
    }
    // Without rows, the first file still gives the columns.
    let files = if density_only.is_some() {
        &files[..1]
    } else {
        &files[..]
    };
    let per_file = partition_options(&hats, opts);
    let done = AtomicU64::new(0);
    let read: Vec<Result<(Catalog, LoadReport)>> = pool.install(|| {
        files
            .par_iter()
            .zip(&footers)
            .map(|(&(f, partition), footer)| {
                let pick = match stride {
                    _ if density_only.is_some() => RowPick::First(0),
                    1 => RowPick::All,
                    // Every prefix is an even sample: read the share of this file's rows.
                    k if hats.spread_rows => RowPick::First(footer.rows().div_ceil(k)),
                    k => RowPick::Every(k),
                };
                let fresh = |o: &LoadOptions| {
                    read_parquet_rows(footer, name, o, pick).and_then(|(cat, report)| {
                        check_rows_in_pixel(&cat, partition, hats.healpix_column.as_ref())
                            .map_err(|m| Error::file(f, m))?;
                        Ok((cat, report))
                    })
                };
                let r = match cache {
                    None => fresh(&per_file),
                    Some(cache) => cached_partition(cache, f, pick, &per_file, fresh),
                };
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(p) = &opts.progress {
                    p.report(name, n, files.len() as u64);
                }
                r
            })
            .collect()
    });
    let mut report = LoadReport::default();
    let mut stacked: Option<Catalog> = None;
    for (&(file, _), part) in files.iter().zip(read) {
        let (part, r) = part?;
        report.rows_in_file += r.rows_in_file;
        report.kept += r.kept;
        report.invalid_coordinates += r.invalid_coordinates;
        report.filtered_out += r.filtered_out;
        report.skipped_columns = r.skipped_columns;
        match &mut stacked {
            None => stacked = Some(part),
            Some(all) => all.append(part, file)?,
        }
    }
    let mut catalog =
        stacked.ok_or_else(|| Error::file(path, "is a HATS catalog with no partitions"))?;
    catalog.name = name.to_string();
    let counts = if stride > 1 && !by_value {
        skymap
    } else {
        None
    };
    Ok(HatsRead {
        catalog,
        report,
        counts,
        partitions_read: inside.len(),
        partitions: parts.len(),
        stride,
        density_only,
    })
}

/// The 1-in-k sample of every partition from the catalog's sample file, when the rows
/// wanted make one it holds (`None`: read the partitions).
fn read_sample(
    hats: &HatsCatalog,
    parts: &[Partition],
    area: Option<&Area>,
    sample: &SampleFile,
    name: &str,
    opts: &LoadOptions,
) -> Result<Option<HatsRead>> {
    let rows = sample.rows();
    let want = opts.sample_rows.unwrap_or(u64::MAX).max(1);
    // The area holds no more than every row: a stride the file cannot serve for them
    // all it cannot serve for the area's (and the skymap is left for the partitions' read).
    if rows <= want || !sample.serves(rows.div_ceil(want)) {
        return Ok(None);
    }
    let skymap = skymap_counts(hats, parts, area, &opts.filter)?;
    let in_area = skymap
        .as_ref()
        .map_or(rows, |m| (m.total().round() as u64).min(rows));
    let stride = in_area.div_ceil(want);
    if stride <= 1 || !sample.serves(stride) {
        return Ok(None);
    }
    let path = sample.path();
    if let Some(first) = parts.first() {
        check_same_columns(
            hats,
            &[(&path, first)],
            std::slice::from_ref(sample.footer()),
        )?;
    }
    let by_value = filter_for_columns(opts, Some(sample.footer())).by_value();
    let per_file = partition_options(hats, opts);
    let (mut catalog, report) =
        sample.read(name, &per_file, stride, parts, hats.healpix_column.as_ref())?;
    if let Some(p) = &opts.progress {
        p.report(name, 1, 1);
    }
    catalog.name = name.to_string();
    Ok(Some(HatsRead {
        catalog,
        report,
        counts: if by_value { None } else { skymap },
        partitions_read: parts.len(),
        partitions: parts.len(),
        stride,
        density_only: None,
    }))
}

/// A partition file's rows `pick` names, from `cache` or read by `fresh` (every row of
/// them, kept there), then those `opts.filter` keeps.
fn cached_partition(
    cache: &PartitionCache,
    file: &Path,
    pick: RowPick,
    opts: &LoadOptions,
    fresh: impl Fn(&LoadOptions) -> Result<(Catalog, LoadReport)>,
) -> Result<(Catalog, LoadReport)> {
    let whole = LoadOptions {
        filter: Pushdown::default(),
        ..opts.clone()
    };
    let key = whole.result_key();
    let (cat, mut report) = match cache.get(file, &key, pick) {
        Some(hit) => hit,
        None => {
            let (cat, report) = fresh(&whole)?;
            let cat = cat.into_shared();
            cache.put(file, &key, pick, &cat, &report);
            (cat, report)
        }
    };
    let filter = opts.filter_for(&cat.roles);
    if filter == Pushdown::default() {
        return Ok((cat, report));
    }
    let roles = cat.role_view();
    let keep: Vec<usize> = (0..cat.len())
        .into_par_iter()
        .filter(|&i| {
            let known = |v: f64| Some(v).filter(|v| !v.is_nan());
            filter.keeps(
                roles.ra(i),
                roles.dec(i),
                known(roles.z(i)),
                known(roles.snr(i)),
            )
        })
        .collect();
    report.filtered_out += (cat.len() - keep.len()) as u64;
    report.kept = keep.len() as u64;
    Ok((cat.with_rows(&keep), report))
}

/// `opts.filter` as it applies to the partitions, whose columns `footer` (the first
/// partition's) names: an optional redshift range is dropped when they hold none.
fn filter_for_columns(opts: &LoadOptions, footer: Option<&ParquetFooter>) -> Pushdown {
    let names: Vec<String> = footer
        .map(|f| f.columns().into_iter().map(|(name, _)| name).collect())
        .unwrap_or_default();
    match crate::data::roles::resolve_roles(&names, &[], &opts.roles) {
        Ok(roles) => opts.filter_for(&roles),
        Err(_) => opts.filter.clone(),
    }
}

/// Every partition read must have the catalog's columns (`_common_metadata`'s, else the
/// first partition's), so that they stack into one catalog.
fn check_same_columns(
    hats: &HatsCatalog,
    files: &[(&PathBuf, &Partition)],
    footers: &[ParquetFooter],
) -> Result<()> {
    let common = hats.dataset().join("_common_metadata");
    let (reference, columns) = if common.is_file() {
        (common.clone(), ParquetFooter::open(&common)?.columns())
    } else {
        match (files.first(), footers.first()) {
            (Some((f, _)), Some(footer)) => ((*f).clone(), footer.columns()),
            _ => return Ok(()),
        }
    };
    let names = |c: &[(String, String)]| {
        c.iter()
            .map(|(n, t)| format!("{n} ({t})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for ((file, _), footer) in files.iter().zip(footers) {
        let theirs = footer.columns();
        if theirs != columns {
            return Err(Error::file(
                file,
                format!(
                    "its columns differ from the catalog's in {}: {} instead of {}",
                    reference.display(),
                    names(&theirs),
                    names(&columns)
                ),
            ));
        }
    }
    Ok(())
}

/// How each partition file is read: `opts`, with the catalog's coordinate columns where
/// `opts` names none (no progress per file, no cache).
pub(super) fn partition_options(hats: &HatsCatalog, opts: &LoadOptions) -> LoadOptions {
    let roles = crate::data::roles::RoleNames {
        ra: opts.roles.ra.clone().or(Some(hats.ra_column.clone())),
        dec: opts.roles.dec.clone().or(Some(hats.dec_column.clone())),
        ..opts.roles.clone()
    };
    LoadOptions {
        roles,
        progress: None,
        cache: None,
        ..opts.clone()
    }
}

/// A thread pool for reading many partitions: four readers a core (at least 8).
pub(super) fn io_pool() -> Result<rayon::ThreadPool> {
    let n = (4 * rayon::current_num_threads()).max(8);
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::user(format!("cannot start {n} reader threads: {e}")))
}

/// Rows must lie in their partition's pixel: by the cell the writer gave them (the
/// `_healpix_29` column, which decided their partition), else by their RA/Dec.
fn check_rows_in_pixel(
    cat: &Catalog,
    part: &Partition,
    healpix_column: Option<&(String, u8)>,
) -> std::result::Result<(), String> {
    let layer = cdshealpix::nested::get(part.order);
    let roles = cat.role_view();
    let written = healpix_column
        .filter(|(_, k)| *k >= part.order)
        .and_then(|(name, k)| Some((cat.column(name)?, 2 * u32::from(k - part.order))));
    let misplaced = (0..cat.len()).into_par_iter().find_first(|&i| {
        let cell = match written {
            Some((col, shift)) => col.integer(i).map(|h| (h as u64) >> shift),
            None => Some(layer.hash(roles.ra(i).to_radians(), roles.dec(i).to_radians())),
        };
        cell != Some(part.pixel)
    });
    match misplaced {
        None => Ok(()),
        Some(i) => Err(format!(
            "holds a row at RA {:.6}, Dec {:.6} (row {} read) outside its partition Norder={} Npix={}",
            roles.ra(i),
            roles.dec(i),
            i + 1,
            part.order,
            part.pixel
        )),
    }
}

/// The area of `filter` (`None`: the whole sky), at a depth as fine as the catalog's
/// partitions and skymap, and the partitions of `parts` that overlap it.
pub(super) fn partitions_in_area<'p>(
    hats: &HatsCatalog,
    parts: &'p [Partition],
    filter: &Pushdown,
) -> (Option<Area>, Vec<&'p Partition>) {
    let deepest = parts.iter().map(|p| p.order).max().unwrap_or(0);
    let depth = deepest.max(hats.skymap_order.unwrap_or(0)).min(13);
    let area = Area::of(filter, depth);
    let inside = parts
        .iter()
        .filter(|p| area.as_ref().is_none_or(|a| a.overlaps(p.order, p.pixel)))
        .collect();
    (area, inside)
}

/// The catalog's skymap (all its rows counted), limited to the area.
pub(super) fn skymap_counts(
    cat: &HatsCatalog,
    parts: &[Partition],
    area: Option<&Area>,
    filter: &Pushdown,
) -> Result<Option<HealpixMap>> {
    let Some((path, order)) = cat.skymap(density_order(filter, parts)) else {
        report!(
            "warning: {}: no skymap.fits, so the density shows the rows read, not all rows",
            cat.dir.display()
        );
        return Ok(None);
    };
    // Only the area's cells are read (all of them for the whole sky).
    let mut map = match area {
        Some(area) => read_healpix_map_within(&path, None, &|depth| area.ranges_at(depth))?,
        None => read_healpix_map(&path, None)?,
    };
    if map.depth != order {
        return Err(Error::file(
            &path,
            format!(
                "is a map at order {}, but the catalog's properties say order {order}",
                map.depth
            ),
        ));
    }
    if area.is_some() {
        // Cells whose centre is in the area, as the rows read are those inside it.
        let layer = cdshealpix::nested::get(order);
        map.keep_cells(|c| {
            let (lon, lat) = layer.center(c);
            filter.in_area(lon.to_degrees(), lat.to_degrees())
        });
    }
    map.value_name = "COUNT".into();
    Ok(Some(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(order: u8, pixels: std::ops::Range<u64>) -> Vec<Partition> {
        pixels
            .map(|pixel| Partition {
                order,
                pixel,
                files: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn the_density_order_follows_the_sky_the_partitions_cover() {
        let whole_sky = Pushdown::default();
        // The whole sky, however partitioned: order 8, as for no catalog at all.
        assert_eq!(density_order(&whole_sky, &parts(0, 0..12)), 8);
        assert_eq!(density_order(&whole_sky, &parts(3, 0..768)), 8);
        assert_eq!(Area::depth_across(&whole_sky, 1024.0), 8);
        // 256 order-7 cells, ~constant 54 deg² (a survey patch of ~8°): cells of
        // ~8°/1024, as a cone of that size would ask.
        let patch = parts(7, 0..256);
        let cone = Pushdown {
            cone: Some((0.0, 0.0, 4.15)),
            ..Default::default()
        };
        assert_eq!(density_order(&whole_sky, &patch), 13);
        assert_eq!(
            density_order(&whole_sky, &patch),
            density_order(&cone, &patch)
        );
        // One order-1 partition (a twelfth of a face, ~860 deg²): order 11.
        assert_eq!(density_order(&whole_sky, &parts(1, 0..1)), 11);
        // An area asked for decides, whatever the partitions.
        assert_eq!(density_order(&cone, &parts(0, 0..12)), 13);
    }
}
