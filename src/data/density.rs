//! Counts of objects per HEALPix cell: what a crowded layer shows instead of millions of
//! markers, and how a view estimates how many objects it holds.

use rayon::prelude::*;

use crate::data::{Catalog, HealpixMap};
use crate::sky::Frame;

/// Objects per NESTED cell at `depth` (ICRS), as a sparse map of counts.
pub fn count_map(cat: &Catalog, depth: u8) -> HealpixMap {
    count_map_where(cat, depth, |_| true)
}

/// As [`count_map`], of the rows `keep` accepts (e.g. those in a redshift range).
pub fn count_map_where(
    cat: &Catalog,
    depth: u8,
    keep: impl Fn(usize) -> bool + Sync,
) -> HealpixMap {
    let layer = cdshealpix::nested::get(depth);
    let roles = cat.role_view();
    let mut cells: Vec<u64> = (0..cat.len())
        .into_par_iter()
        .filter_map(|i| {
            let (ra, dec) = (roles.ra(i), roles.dec(i));
            (ra.is_finite() && dec.is_finite() && keep(i))
                .then(|| layer.hash(ra.to_radians(), dec.to_radians()))
        })
        .collect();
    cells.par_sort_unstable();
    let mut out_cells = Vec::new();
    let mut counts = Vec::new();
    for c in cells {
        if out_cells.last() == Some(&c) {
            *counts.last_mut().expect("pushed with the cell") += 1.0;
        } else {
            out_cells.push(c);
            counts.push(1.0f32);
        }
    }
    HealpixMap {
        depth,
        frame: Frame::Icrs,
        value_name: "COUNT".into(),
        cells: out_cells,
        values: counts,
    }
}

/// The mean of `column` per NESTED cell at `depth` (ICRS) over the rows where it is
/// finite: what a crowded layer shows when asked for a quantity rather than counts.
/// Hashing at the depth itself keeps coarse cells exact means of their objects.
pub fn mean_map(cat: &Catalog, column: &str, depth: u8) -> Result<HealpixMap, String> {
    mean_map_where(cat, column, depth, |_| true)
}

/// As [`mean_map`], over the rows `keep` accepts.
pub fn mean_map_where(
    cat: &Catalog,
    column: &str,
    depth: u8,
    keep: impl Fn(usize) -> bool + Sync,
) -> Result<HealpixMap, String> {
    let col = cat
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(column))
        .ok_or_else(|| {
            let names: Vec<&str> = cat.columns.iter().map(|c| c.name.as_str()).collect();
            format!(
                "{} has no column '{column}' to average (columns: {})",
                cat.name,
                names.join(", ")
            )
        })?;
    let layer = cdshealpix::nested::get(depth);
    let roles = cat.role_view();
    let mut rows: Vec<(u64, f64)> = (0..cat.len())
        .into_par_iter()
        .filter_map(|i| {
            let (ra, dec, v) = (roles.ra(i), roles.dec(i), col.data.get_f64(i));
            (ra.is_finite() && dec.is_finite() && v.is_finite() && keep(i))
                .then(|| (layer.hash(ra.to_radians(), dec.to_radians()), v))
        })
        .collect();
    rows.par_sort_unstable_by_key(|r| r.0);
    let (mut cells, mut sums, mut counts) = (Vec::new(), Vec::<f64>::new(), Vec::<u32>::new());
    for (c, v) in rows {
        if cells.last() == Some(&c) {
            *sums.last_mut().expect("pushed with the cell") += v;
            *counts.last_mut().expect("pushed with the cell") += 1;
        } else {
            cells.push(c);
            sums.push(v);
            counts.push(1);
        }
    }
    Ok(HealpixMap {
        depth,
        frame: Frame::Icrs,
        value_name: format!("mean {column}"),
        cells,
        values: sums
            .iter()
            .zip(&counts)
            .map(|(s, &n)| (s / n as f64) as f32)
            .collect(),
    })
}

/// The value below which `fraction` of the map's cells fall (e.g. 0.99 for a colour range
/// that outliers do not flatten).
pub fn quantile(map: &HealpixMap, fraction: f64) -> f32 {
    if map.values.is_empty() {
        return 1.0;
    }
    let mut v = map.values.clone();
    let k = ((v.len() - 1) as f64 * fraction.clamp(0.0, 1.0)) as usize;
    let (_, q, _) = v.select_nth_unstable_by(k, |a, b| a.total_cmp(b));
    *q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::demo::{DemoConfig, DemoSurvey};

    #[test]
    fn counts_sum_to_the_catalog_and_match_cdshealpix() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 2,
            galaxies: 30_000,
        });
        let m = count_map(&s.galaxies, 10);
        assert_eq!(
            m.values.iter().map(|&v| v as usize).sum::<usize>(),
            s.galaxies.len()
        );
        assert!(m.cells.windows(2).all(|w| w[0] < w[1]));
        let layer = cdshealpix::nested::get(10);
        let i = 1234;
        let c = layer.hash(
            s.galaxies.ra(i).to_radians(),
            s.galaxies.dec(i).to_radians(),
        );
        assert!(m.get(c).unwrap() >= 1.0);
        // The pyramid keeps the total: mean x coverage x 4^(depth difference) summed.
        let p = m.pyramid();
        let top: f64 = p[4]
            .values
            .iter()
            .map(|v| v[0] as f64 * v[1] as f64 * 4f64.powi(6))
            .sum();
        assert!((top - s.galaxies.len() as f64).abs() < 1e-3 * s.galaxies.len() as f64);
    }

    #[test]
    fn means_equal_a_brute_force_average_per_cell() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 4,
            galaxies: 20_000,
        });
        let g = &s.galaxies;
        let m = mean_map(g, "PHZ_MEDIAN", 9).unwrap();
        let layer = cdshealpix::nested::get(9);
        let mut by_cell: std::collections::BTreeMap<u64, (f64, u32)> = Default::default();
        for i in 0..g.len() {
            let c = layer.hash(g.ra(i).to_radians(), g.dec(i).to_radians());
            let e = by_cell.entry(c).or_default();
            e.0 += g.z(i);
            e.1 += 1;
        }
        assert_eq!(m.cells.len(), by_cell.len());
        for (k, (c, (sum, n))) in by_cell.iter().enumerate() {
            assert_eq!(m.cells[k], *c);
            assert!((m.values[k] as f64 - sum / *n as f64).abs() < 1e-5);
        }
        let e = mean_map(g, "NOPE", 9).unwrap_err();
        assert!(
            e.contains("no column 'NOPE'") && e.contains("PHZ_MEDIAN"),
            "{e}"
        );
    }
}
