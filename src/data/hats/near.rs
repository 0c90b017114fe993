//! Every row of a HATS catalog near some places (e.g. the clusters, for the proximity
//! marks), without reading the rest: only the partitions within the distance of a place
//! are read, whole, a few at a time, and each is handed over, then dropped. Memory holds
//! a few partitions whatever the catalog's size. A collection's margin cache at least as
//! wide as the distance spares the neighbours: a place's own partition and its margin
//! hold every row near it.

use std::ops::Range;
use std::path::{Path, PathBuf};

use glam::DVec3;
use rayon::prelude::*;

use crate::data::Catalog;
use crate::data::hats::layout::HatsCatalog;
use crate::data::hats::margin::MarginCache;
use crate::data::hats::partitions::{Partition, partitions};
use crate::data::hats::read::{io_pool, partition_options};
use crate::data::load_options::{LoadOptions, Pushdown};
use crate::data::sky_area::Area;
use crate::data::tables::parquet_file::{ParquetFooter, RowPick, read_parquet_rows};
use crate::error::Result;
use crate::sky::lonlat_deg;

/// What a visit read, for the user's report.
#[derive(Clone, Debug, PartialEq)]
pub struct NearReads {
    /// Partitions read, of all the catalog's.
    pub partitions_read: usize,
    pub partitions: usize,
    /// Margin-cache files read, and the cache's threshold (degrees) when it was used.
    pub margin_files: usize,
    pub margin_threshold_deg: Option<f64>,
    /// Why a margin cache the collection has could not be used (too narrow, unreadable).
    pub margin_unused: Option<String>,
    /// Bytes of the files read (a part of each may be decoded), and those of the other
    /// way (through the margin cache, or the neighbouring partitions), when both were
    /// possible.
    pub bytes_read: u64,
    pub other_way_bytes: Option<u64>,
}

/// Each place's own partition (its index in `parts`), if a partition holds its pixel.
fn home_partitions(parts: &[Partition], places: &[DVec3]) -> Vec<Option<usize>> {
    let (deepest, ranges) = partition_ranges(parts);
    let layer = cdshealpix::nested::get(deepest);
    places
        .iter()
        .map(|&d| {
            let (lon, lat) = lonlat_deg(d);
            let cell = layer.hash(lon.to_radians(), lat.to_radians());
            let k = ranges.partition_point(|(r, _)| r.end <= cell);
            ranges
                .get(k)
                .filter(|(r, _)| r.start <= cell)
                .map(|&(_, i)| i)
        })
        .collect()
}

/// Which partitions to read whole, and which of them with their margin: with a margin
/// at least `radius_deg` wide, a place's own partition and its margin; otherwise (and
/// for a place in a pixel no partition holds) every partition within the radius.
fn partitions_to_read(
    parts: &[Partition],
    places: &[DVec3],
    radius_deg: f64,
    margin_covers: bool,
) -> (Vec<bool>, Vec<bool>) {
    let mut whole = vec![false; parts.len()];
    let mut with_margin = vec![false; parts.len()];
    let mut elsewhere = Vec::new();
    if margin_covers {
        for (place, home) in places.iter().zip(home_partitions(parts, places)) {
            match home {
                Some(i) => {
                    whole[i] = true;
                    with_margin[i] = true;
                }
                None => elsewhere.push(*place),
            }
        }
    } else {
        elsewhere = places.to_vec();
    }
    for (w, near) in whole
        .iter_mut()
        .zip(places_by_partition(parts, &elsewhere, radius_deg))
    {
        *w |= !near.is_empty();
    }
    (whole, with_margin)
}

/// The partitions' cells at the deepest order among them (they tile the sky: disjoint
/// ranges), sorted, each with its index in `parts`; and that order.
fn partition_ranges(parts: &[Partition]) -> (u8, Vec<(Range<u64>, usize)>) {
    let deepest = parts.iter().map(|p| p.order).max().unwrap_or(0);
    let mut ranges: Vec<(Range<u64>, usize)> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.range_at(deepest), i))
        .collect();
    ranges.sort_by_key(|(r, _)| r.start);
    (deepest, ranges)
}

/// The cells at `depth` within `radius_deg` of `place` (and a few beyond), as ranges.
fn cone_ranges(place: DVec3, depth: u8, radius_deg: f64) -> Vec<Range<u64>> {
    let (lon, lat) = lonlat_deg(place);
    crate::sky::coverage::cone_coverage(
        depth,
        lon.to_radians(),
        lat.to_radians(),
        radius_deg.to_radians(),
    )
    .to_ranges()
    .to_vec()
}

/// For each partition of `parts`, the indices of `places` (ICRS unit vectors) within
/// `radius_deg` of its pixel.
fn places_by_partition(parts: &[Partition], places: &[DVec3], radius_deg: f64) -> Vec<Vec<usize>> {
    let (deepest, ranges) = partition_ranges(parts);
    let near: Vec<Vec<usize>> = places
        .par_iter()
        .map(|&d| {
            let mut hit = Vec::new();
            for cells in cone_ranges(d, deepest, radius_deg) {
                // The first partition ending after the cells start, then those that
                // start before they end.
                let first = ranges.partition_point(|(r, _)| r.end <= cells.start);
                for (r, i) in &ranges[first..] {
                    if r.start >= cells.end {
                        break;
                    }
                    if hit.last() != Some(i) {
                        hit.push(*i);
                    }
                }
            }
            hit
        })
        .collect();
    let mut by_partition = vec![Vec::new(); parts.len()];
    for (k, hit) in near.into_iter().enumerate() {
        for i in hit {
            if by_partition[i].last() != Some(&k) {
                by_partition[i].push(k);
            }
        }
    }
    by_partition
}

/// The order-29 cells within `radius_deg` of some place (a few cells more), sorted and
/// merged: the rows of hats-import's partitions (sorted by `_healpix_29`) outside them
/// are left unread.
fn cells_near(places: &[DVec3], radius_deg: f64) -> Vec<Range<u64>> {
    // Cells about a quarter of the radius: the cover reaches a little past each circle.
    let depth = Area::depth_for_extent(2.0 * radius_deg, 8.0);
    let shift = 2 * u32::from(29 - depth);
    let mut ranges: Vec<Range<u64>> = places
        .par_iter()
        .flat_map_iter(|&d| {
            cone_ranges(d, depth, radius_deg)
                .into_iter()
                .map(|r| (r.start << shift)..(r.end << shift))
        })
        .collect();
    ranges.par_sort_unstable_by_key(|r| r.start);
    let mut merged: Vec<Range<u64>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The collection's margin cache if it reaches `radius_deg` past each partition; else
/// why not (none, too narrow, unreadable: the neighbours are read instead).
fn usable_margin(path: &Path, radius_deg: f64) -> (Option<MarginCache>, Option<String>) {
    match MarginCache::of_collection(path) {
        Ok(Some(m)) if m.threshold_deg >= radius_deg => (Some(m), None),
        Ok(Some(m)) => {
            let why = format!(
                "its margin cache {} reaches {}\" past each partition, less than the radius ({}\")",
                m.dir.display(),
                (m.threshold_deg * 36000.0).round() / 10.0,
                (radius_deg * 36000.0).round() / 10.0
            );
            (None, Some(why))
        }
        Ok(None) => (None, None),
        Err(e) => (None, Some(format!("its margin cache cannot be used: {e}"))),
    }
}

/// Whether a margin cache wide enough for the radius is read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MarginUse {
    /// When the places' partitions and their margins are fewer bytes than the
    /// partitions within the radius (margins hold a third of a small partition's rows).
    WhereCheaper,
    Always,
    Never,
}

/// The files one way of reading needs.
struct ReadPlan<'a> {
    partitions: usize,
    files: Vec<&'a Path>,
    margin_files: usize,
    bytes: u64,
}

impl<'a> ReadPlan<'a> {
    fn new(
        parts: &'a [Partition],
        whole: &[bool],
        margins: impl Iterator<Item = &'a Path>,
    ) -> ReadPlan<'a> {
        let mut files: Vec<&Path> = parts
            .iter()
            .zip(whole)
            .filter(|(_, w)| **w)
            .flat_map(|(p, _)| p.files.iter().map(PathBuf::as_path))
            .collect();
        let partition_files = files.len();
        files.extend(margins);
        // A file that cannot be sized fails when it is read, with its name.
        let bytes = files
            .iter()
            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
            .sum();
        ReadPlan {
            partitions: whole.iter().filter(|w| **w).count(),
            margin_files: files.len() - partition_files,
            files,
            bytes,
        }
    }
}

/// Reads every row within `radius_deg` of one of `places` (the columns `opts` keeps,
/// no filter or sample) from the partitions within the radius of a place, or from each
/// place's partition and its margin where the collection's margin cache is wide enough
/// and `margin_use` asks for it, and calls `visit` with them, a partition or margin
/// file at a time. Rows farther away may come too (all of a file not sorted by cell),
/// and a row of a margin may also come in its own partition.
pub fn visit_partitions_near(
    path: &Path,
    opts: &LoadOptions,
    places: &[DVec3],
    radius_deg: f64,
    margin_use: MarginUse,
    visit: impl Fn(&Catalog) -> Result<()> + Sync,
) -> Result<NearReads> {
    let hats = HatsCatalog::open(path)?;
    let parts = partitions(&hats)?;
    let (margin, margin_unused) = match margin_use {
        MarginUse::Never => (None, None),
        _ => usable_margin(path, radius_deg),
    };
    let (near, _) = partitions_to_read(&parts, places, radius_deg, false);
    let neighbours = ReadPlan::new(&parts, &near, std::iter::empty());
    let with_margin = margin.as_ref().map(|m| {
        let (whole, with_margin) = partitions_to_read(&parts, places, radius_deg, true);
        let margin_files = parts
            .iter()
            .zip(with_margin)
            .filter(|(_, w)| *w)
            .flat_map(|(p, _)| m.files_of(p.order, p.pixel).iter().map(PathBuf::as_path));
        ReadPlan::new(&parts, &whole, margin_files)
    });
    let (plan, other_way_bytes, margin_threshold_deg) = match with_margin {
        Some(m) if margin_use == MarginUse::Always || m.bytes < neighbours.bytes => {
            let other = Some(neighbours.bytes);
            (m, other, margin.as_ref().map(|m| m.threshold_deg))
        }
        Some(m) => (neighbours, Some(m.bytes), None),
        None => (neighbours, None, None),
    };
    let whole = LoadOptions {
        filter: Pushdown::default(),
        sample_rows: None,
        progress: None,
        read_cells: Some(cells_near(places, radius_deg).into()),
        ..partition_options(&hats, opts)
    };
    io_pool()?.install(|| {
        plan.files.par_iter().try_for_each(|&file| {
            let footer = ParquetFooter::open(file)?;
            let (cat, _) = read_parquet_rows(&footer, "near", &whole, RowPick::All)?;
            visit(&cat)
        })
    })?;
    Ok(NearReads {
        partitions_read: plan.partitions,
        partitions: parts.len(),
        margin_files: plan.margin_files,
        margin_threshold_deg,
        margin_unused,
        bytes_read: plan.bytes,
        other_way_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::unit_vector;

    #[test]
    fn a_place_is_near_the_partitions_its_circle_touches() {
        // Order-1 partitions everywhere, order 2 in pixel 0's children.
        let mut parts: Vec<Partition> = (1..48)
            .map(|pixel| Partition {
                order: 1,
                pixel,
                files: Vec::new(),
            })
            .collect();
        parts.extend((0..4).map(|pixel| Partition {
            order: 2,
            pixel,
            files: Vec::new(),
        }));
        let layer = |depth| cdshealpix::nested::get(depth);
        // The centre of order-2 cell 3 (inside order-1 cell 0), and of order-1 cell 20.
        let at = |depth: u8, cell: u64| {
            let (lon, lat) = layer(depth).center(cell);
            unit_vector(lon.to_degrees(), lat.to_degrees())
        };
        let places = [at(2, 3), at(1, 20)];
        let near = places_by_partition(&parts, &places, 0.5);
        let with = |k: usize| -> Vec<(u8, u64)> {
            parts
                .iter()
                .zip(&near)
                .filter(|(_, n)| n.contains(&k))
                .map(|(p, _)| (p.order, p.pixel))
                .collect()
        };
        assert_eq!(with(0), vec![(2, 3)]);
        assert_eq!(with(1), vec![(1, 20)]);
        // A circle of 40° reaches many partitions, among them both places'.
        let wide = places_by_partition(&parts, &places[..1], 40.0);
        let n = wide.iter().filter(|n| !n.is_empty()).count();
        assert!(n > 5 && !wide[parts.len() - 1].is_empty(), "{n}");
    }

    #[test]
    fn with_a_wide_margin_a_place_needs_its_own_partition_else_its_neighbours() {
        // Order-1 partitions everywhere but pixel 0 (no rows there).
        let parts: Vec<Partition> = (1..48)
            .map(|pixel| Partition {
                order: 1,
                pixel,
                files: Vec::new(),
            })
            .collect();
        let centre = |cell: u64| {
            let (lon, lat) = cdshealpix::nested::get(1).center(cell);
            unit_vector(lon.to_degrees(), lat.to_degrees())
        };
        let read = |w: &[bool]| -> Vec<u64> {
            parts
                .iter()
                .zip(w)
                .filter(|(_, w)| **w)
                .map(|(p, _)| p.pixel)
                .collect()
        };
        // A place in pixel 20, 20° from anything else: its own partition and margin.
        let (whole, margin) = partitions_to_read(&parts, &[centre(20)], 20.0, true);
        assert_eq!((read(&whole), read(&margin)), (vec![20], vec![20]));
        // Without the margin, every partition the 20° circle reaches.
        let (whole, margin) = partitions_to_read(&parts, &[centre(20)], 20.0, false);
        assert!(read(&whole).len() > 4 && read(&whole).contains(&20));
        assert!(read(&margin).is_empty());
        // A place in pixel 0, which no partition holds: its neighbours, and no margins.
        let (whole, margin) = partitions_to_read(&parts, &[centre(0)], 20.0, true);
        let near = read(&whole);
        assert!(!near.is_empty() && near.iter().all(|&p| p != 0), "{near:?}");
        assert!(read(&margin).is_empty());
    }
}
