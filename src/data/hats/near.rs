//! Every row of a HATS catalog near some places (e.g. the clusters, for the proximity
//! marks), without reading the rest: only the partitions within the distance of a place
//! are read, whole, a few at a time, and each is handed over, then dropped. Memory holds a few partitions whatever the catalog's size.

use std::path::{Path, PathBuf};

use glam::DVec3;
use rayon::prelude::*;

use crate::data::Catalog;
use crate::data::hats::layout::HatsCatalog;
use crate::data::hats::partitions::{Partition, partitions};
use crate::data::hats::read::{io_pool, partition_options};
use crate::data::load_options::{LoadOptions, Pushdown};
use crate::data::tables::parquet_file::{ParquetFooter, RowPick, read_parquet_rows};
use crate::error::Result;
use crate::sky::lonlat_deg;

/// For each partition of `parts`, the indices of `places` (ICRS unit vectors) within
/// `radius_deg` of its pixel.
fn places_by_partition(parts: &[Partition], places: &[DVec3], radius_deg: f64) -> Vec<Vec<usize>> {
    let deepest = parts.iter().map(|p| p.order).max().unwrap_or(0);
    // Partitions tile the sky: their cells at the deepest order are disjoint ranges.
    let mut ranges: Vec<(std::ops::Range<u64>, usize)> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.range_at(deepest), i))
        .collect();
    ranges.sort_by_key(|(r, _)| r.start);
    let near: Vec<Vec<usize>> = places
        .par_iter()
        .map(|&d| {
            let (lon, lat) = lonlat_deg(d);
            let cone = crate::sky::coverage::cone_coverage(
                deepest,
                lon.to_radians(),
                lat.to_radians(),
                radius_deg.to_radians(),
            );
            let mut hit = Vec::new();
            for cells in cone.to_ranges().iter() {
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

/// Reads every row of each partition of the catalog at `path` within `radius_deg` of
/// one of `places` (the columns `opts` keeps, no filter or sample) and calls `visit`
/// with it. Returns (partitions read, partitions).
pub fn visit_partitions_near(
    path: &Path,
    opts: &LoadOptions,
    places: &[DVec3],
    radius_deg: f64,
    visit: impl Fn(&Catalog) -> Result<()> + Sync,
) -> Result<(usize, usize)> {
    let hats = HatsCatalog::open(path)?;
    let parts = partitions(&hats)?;
    let near = places_by_partition(&parts, places, radius_deg);
    let whole = LoadOptions {
        filter: Pushdown::default(),
        sample_rows: None,
        progress: None,
        ..partition_options(&hats, opts)
    };
    let to_read: Vec<&Path> = parts
        .iter()
        .zip(&near)
        .filter(|(_, n)| !n.is_empty())
        .flat_map(|(p, _)| p.files.iter().map(PathBuf::as_path))
        .collect();
    io_pool()?.install(|| {
        to_read.par_iter().try_for_each(|&file| {
            let footer = ParquetFooter::open(file)?;
            let (cat, _) = read_parquet_rows(&footer, "near", &whole, RowPick::All)?;
            visit(&cat)
        })
    })?;
    let read = near.iter().filter(|n| !n.is_empty()).count();
    Ok((read, parts.len()))
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
}
