//! A HEALPix map kept sparse: sorted NESTED cell indices at one depth with a value each.

use rayon::prelude::*;

use crate::sky::Frame;

/// healpy's marker for cells without data.
pub const UNSEEN: f64 = -1.6375e30;

/// Whether a map value means "no data": NaN, infinite, or healpy's UNSEEN.
pub fn is_missing(v: f64) -> bool {
    !v.is_finite() || (v - UNSEEN).abs() < 1e25
}

#[derive(Clone, Debug, PartialEq)]
pub struct HealpixMap {
    /// HEALPix depth (order): nside = 2^depth.
    pub depth: u8,
    pub frame: Frame,
    /// Name of the value column, e.g. "WEIGHT".
    pub value_name: String,
    /// NESTED indices, strictly increasing.
    pub cells: Vec<u64>,
    pub values: Vec<f32>,
}

impl HealpixMap {
    /// A full-sky map from one value per cell (12 NSIDE² of them, NSIDE a power of two),
    /// in RING or NESTED order as healpy holds it; missing cells (NaN, UNSEEN) are left
    /// out. The error says what is wrong with the length.
    pub fn from_full_sky<T: Copy + Into<f64> + Sync>(
        values: &[T],
        nested: bool,
        frame: Frame,
        value_name: &str,
    ) -> Result<HealpixMap, String> {
        Self::from_full_sky_with(
            values.len(),
            |i| values[i].into(),
            nested,
            frame,
            value_name,
        )
    }

    /// As [`from_full_sky`](Self::from_full_sky), with value `i` (in the file's order)
    /// from `value_at`: read in place, e.g. from a mapped FITS column.
    pub fn from_full_sky_with(
        len: usize,
        value_at: impl Fn(usize) -> f64 + Sync,
        nested: bool,
        frame: Frame,
        value_name: &str,
    ) -> Result<HealpixMap, String> {
        let n = len as u64;
        let depth = (0..=29u8).find(|&d| 12u64 << (2 * d) == n).ok_or_else(|| {
            format!(
                "a full-sky map has 12·NSIDE² values (NSIDE a power of two: 12, 48, 192, ..., 12582912 for NSIDE 1024); this one has {n}"
            )
        })?;
        let ring = cdshealpix::nested::get(depth);
        // Each NESTED cell fetches its value (from its RING index), in parallel, so no
        // sort is needed.
        let dense: Vec<f32> = (0..n)
            .into_par_iter()
            .map(|c| {
                let v = value_at(if nested { c } else { ring.to_ring(c) } as usize);
                if is_missing(v) { f32::NAN } else { v as f32 }
            })
            .collect();
        // Most full-sky maps (Planck, survey depth maps) miss no cell: keep their values as
        // they are. Others drop their missing cells, in parallel.
        let (cells, values): (Vec<u64>, Vec<f32>) = if dense.par_iter().any(|v| v.is_nan()) {
            dense
                .par_iter()
                .enumerate()
                .filter(|(_, v)| !v.is_nan())
                .map(|(c, &v)| (c as u64, v))
                .unzip()
        } else {
            ((0..n).into_par_iter().collect(), dense)
        };
        Ok(HealpixMap {
            depth,
            frame,
            value_name: value_name.to_string(),
            cells,
            values,
        })
    }

    /// Keeps only the cells `keep` accepts (tested on all cores).
    pub fn keep_cells(&mut self, keep: impl Fn(u64) -> bool + Sync) {
        let kept: Vec<(u64, f32)> = self
            .cells
            .par_iter()
            .zip(&self.values)
            .filter(|(c, _)| keep(**c))
            .map(|(&c, &v)| (c, v))
            .collect();
        if kept.len() != self.cells.len() {
            (self.cells, self.values) = kept.into_iter().unzip();
        }
    }

    /// The sum of the values (a count map's number of objects).
    pub fn total(&self) -> f64 {
        self.values.iter().map(|&v| f64::from(v)).sum()
    }

    pub fn nside(&self) -> u64 {
        1u64 << self.depth
    }

    /// The value of the cell holding NESTED index `cell`, if the map covers it.
    pub fn get(&self, cell: u64) -> Option<f32> {
        self.cells.binary_search(&cell).ok().map(|i| self.values[i])
    }

    /// Value at a direction given in degrees in the map's frame.
    pub fn value_at(&self, lon_deg: f64, lat_deg: f64) -> Option<f32> {
        let cell = cdshealpix::nested::hash(self.depth, lon_deg.to_radians(), lat_deg.to_radians());
        self.get(cell)
    }

    /// Covered sky area in square degrees.
    pub fn area_deg2(&self) -> f64 {
        let full_sky = 4.0 * std::f64::consts::PI * (180.0 / std::f64::consts::PI).powi(2);
        full_sky * self.cells.len() as f64 / (12 * self.nside() * self.nside()) as f64
    }
}

/// One level of a map's pyramid: for each cell present at `depth`, the mean value of the
/// covered native cells beneath it and the fraction of them covered.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLevel {
    pub depth: u8,
    /// NESTED indices of the cells present, strictly increasing; `None` when every cell of
    /// the depth is present and `values[c]` is cell c's (full-sky maps: no index to keep,
    /// sort or search).
    pub cells: Option<Vec<u64>>,
    /// (mean, coverage in [0, 1])
    pub values: Vec<[f32; 2]>,
}

impl MapLevel {
    /// Number of cells the level holds.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A parent's (mean, coverage) from its present children's: the coverage-weighted mean and
/// the covered fraction of its four children.
fn merge_children(children: impl Iterator<Item = [f32; 2]>) -> [f32; 2] {
    let (mut sum, mut cov) = (0.0f64, 0.0f64);
    for [m, c] in children {
        sum += m as f64 * c as f64;
        cov += c as f64;
    }
    [(sum / cov) as f32, (cov / 4.0) as f32]
}

/// One pyramid step: parents of sorted `cells` with the coverage-weighted mean and the
/// covered fraction. Runs on all cores, in chunks cut where the parent changes.
fn coarsen(cells: &[u64], value: impl Fn(usize) -> [f32; 2] + Sync) -> (Vec<u64>, Vec<[f32; 2]>) {
    let chunks = rayon::current_num_threads() * 4;
    let mut bounds = vec![0];
    for k in 1..chunks {
        let mut i = cells.len() * k / chunks;
        // Children of one parent are contiguous: move the cut to a parent change.
        while i > 0 && i < cells.len() && cells[i] >> 2 == cells[i - 1] >> 2 {
            i += 1;
        }
        if i > *bounds.last().unwrap() && i < cells.len() {
            bounds.push(i);
        }
    }
    bounds.push(cells.len());
    let parts: Vec<(Vec<u64>, Vec<[f32; 2]>)> = bounds
        .par_windows(2)
        .map(|w| {
            let (first, cells) = (w[0], &cells[w[0]..w[1]]);
            let mut out_c = Vec::with_capacity(cells.len() / 4 + 1);
            let mut out_v: Vec<[f32; 2]> = Vec::with_capacity(cells.len() / 4 + 1);
            let mut i = 0;
            while i < cells.len() {
                let parent = cells[i] >> 2;
                let start = i;
                while i < cells.len() && cells[i] >> 2 == parent {
                    i += 1;
                }
                out_c.push(parent);
                out_v.push(merge_children((start..i).map(|k| value(first + k))));
            }
            (out_c, out_v)
        })
        .collect();
    let mut out_c = Vec::with_capacity(cells.len() / 4 + 1);
    let mut out_v = Vec::with_capacity(cells.len() / 4 + 1);
    for (c, v) in parts {
        out_c.extend(c);
        out_v.extend(v);
    }
    (out_c, out_v)
}

/// One pyramid step of a complete level: each parent's four children are consecutive.
fn coarsen_complete(n: usize, value: impl Fn(usize) -> [f32; 2] + Sync) -> Vec<[f32; 2]> {
    (0..n / 4)
        .into_par_iter()
        .map(|p| merge_children((4 * p..4 * p + 4).map(&value)))
        .collect()
}

impl MapLevel {
    /// The map's own cells, each fully covered.
    pub fn native(map: &HealpixMap) -> MapLevel {
        MapLevel {
            depth: map.depth,
            cells: (!map.is_complete()).then(|| map.cells.clone()),
            values: map.values.par_iter().map(|&v| [v, 1.0]).collect(),
        }
    }

    /// The level one step coarser than the map's own, read from the map directly (its
    /// native level need not exist).
    pub fn below_native(map: &HealpixMap) -> MapLevel {
        let cells = (!map.is_complete()).then_some(&map.cells[..]);
        Self::coarser(map.depth, cells, map.values.len(), |i| [map.values[i], 1.0])
    }

    /// The next coarser level.
    pub fn coarsened(&self) -> MapLevel {
        Self::coarser(self.depth, self.cells.as_deref(), self.values.len(), |i| {
            self.values[i]
        })
    }

    /// The level above one at `depth` holding `n` cells (`cells`, or all of the depth).
    fn coarser(
        depth: u8,
        cells: Option<&[u64]>,
        n: usize,
        value: impl Fn(usize) -> [f32; 2] + Sync,
    ) -> MapLevel {
        let (cells, values) = match cells {
            None => (None, coarsen_complete(n, value)),
            Some(cells) => {
                let (c, v) = coarsen(cells, value);
                (Some(c), v)
            }
        };
        MapLevel {
            depth: depth - 1,
            cells,
            values,
        }
    }
}

impl HealpixMap {
    /// Levels from depth 0 to the map's own depth (index = depth), built once at load so
    /// zoomed-out views show means instead of aliasing.
    pub fn pyramid(&self) -> Vec<MapLevel> {
        let mut levels = vec![MapLevel::native(self)];
        for _ in 0..self.depth {
            let child = levels.last().expect("at least the native level");
            levels.push(child.coarsened());
        }
        levels.reverse();
        levels
    }

    /// Whether the map holds every cell of its depth (cells are distinct and below
    /// 12·4^depth: as many as that means all of them).
    pub fn is_complete(&self) -> bool {
        self.cells.len() as u64 == 12u64 << (2 * self.depth)
    }

    /// A map of counts summed into the cells of `depth` (no deeper than the map's): one
    /// pass over the cells, which are in NESTED order so that siblings are neighbours.
    pub fn counts_summed_to(&self, depth: u8) -> HealpixMap {
        let shift = 2 * u32::from(self.depth - depth.min(self.depth));
        let mut cells: Vec<u64> = Vec::new();
        let mut sums: Vec<f64> = Vec::new();
        for (&cell, &v) in self.cells.iter().zip(&self.values) {
            let parent = cell >> shift;
            if cells.last() == Some(&parent) {
                *sums.last_mut().expect("one sum per cell") += f64::from(v);
            } else {
                cells.push(parent);
                sums.push(f64::from(v));
            }
        }
        HealpixMap {
            depth: depth.min(self.depth),
            frame: self.frame,
            value_name: self.value_name.clone(),
            cells,
            values: sums.into_iter().map(|v| v as f32).collect(),
        }
    }

    /// (min, max) of the finite values; `None` for a map without any.
    pub fn value_range(&self) -> Option<(f32, f32)> {
        let (lo, hi) = self
            .values
            .par_iter()
            .filter(|v| v.is_finite())
            .fold(
                || (f32::INFINITY, f32::NEG_INFINITY),
                |(lo, hi), &v| (lo.min(v), hi.max(v)),
            )
            .reduce(
                || (f32::INFINITY, f32::NEG_INFINITY),
                |a, b| (a.0.min(b.0), a.1.max(b.1)),
            );
        (lo <= hi).then_some((lo, hi))
    }

    /// The colour range a map gets by default: weights and coverage fractions in [0, 1]
    /// keep their absolute meaning (0 to 1); other maps span their values.
    pub fn default_color_range(&self) -> (f32, f32) {
        match self.value_range() {
            None => (0.0, 1.0),
            Some((lo, hi)) if lo >= 0.0 && hi <= 1.0 => (0.0, 1.0),
            Some((lo, hi)) if lo == hi => (lo - 0.5, hi + 0.5),
            Some(r) => r,
        }
    }
}

impl HealpixMap {
    /// A cap (unit-vector centre in the map's frame, cosine of its radius) holding every
    /// cell of the map, or `None` when it would cover more than a hemisphere.
    pub fn bounding_cap(&self) -> Option<(glam::DVec3, f64)> {
        // Maps covering more than half the sky cannot fit in a hemisphere.
        if self.cells.len() as u64 * 2 > 12u64 << (2 * self.depth as u64) {
            return None;
        }
        let coarse_depth = self.depth.min(6);
        let shift = 2 * (self.depth - coarse_depth) as u32;
        let mut coarse: Vec<u64> = self.cells.iter().map(|&c| c >> shift).collect();
        coarse.dedup();
        let layer = cdshealpix::nested::get(coarse_depth);
        let centres: Vec<glam::DVec3> = coarse
            .iter()
            .map(|&c| {
                let (l, b) = layer.center(c);
                crate::sky::unit_vector(l.to_degrees(), b.to_degrees())
            })
            .collect();
        let sum: glam::DVec3 = centres.iter().copied().sum();
        if sum.length() < 1e-9 {
            return None;
        }
        let centre = sum.normalize();
        // Farthest cell centre plus a cell's half-diagonal (depth-6 cells are < 1.3°).
        let far = centres
            .iter()
            .map(|c| c.dot(centre))
            .fold(1.0f64, f64::min)
            .acos();
        let radius = far + (1.3f64 / 2f64.powi(coarse_depth as i32 - 6)).to_radians();
        (radius < std::f64::consts::FRAC_PI_2).then(|| (centre, radius.cos()))
    }
}

impl HealpixMap {
    /// The edges between covered cells and uncovered neighbours, as short ICRS paths
    /// following the true (curved) HEALPix cell sides: the outline of the coverage (MOC).
    pub fn outline_paths(&self) -> Vec<Vec<glam::DVec3>> {
        use cdshealpix::compass_point::{Cardinal, MainWind};
        let layer = cdshealpix::nested::get(self.depth);
        let to_icrs = self.frame.to_icrs();
        let covered = |c: u64| self.cells.binary_search(&c).is_ok();
        let sides = [
            (MainWind::NE, Cardinal::N, Cardinal::E),
            (MainWind::NW, Cardinal::N, Cardinal::W),
            (MainWind::SE, Cardinal::S, Cardinal::E),
            (MainWind::SW, Cardinal::S, Cardinal::W),
        ];
        let mut paths = Vec::new();
        for &cell in &self.cells {
            let neighbours = layer.neighbours(cell, false);
            for (wind, from, to) in &sides {
                let outside = neighbours.get(*wind).is_none_or(|&n| !covered(n));
                if outside {
                    let pts = layer.path_along_cell_side(cell, from, to, true, 4);
                    paths.push(
                        pts.iter()
                            .map(|&(l, b)| {
                                to_icrs * crate::sky::unit_vector(l.to_degrees(), b.to_degrees())
                            })
                            .collect(),
                    );
                }
            }
        }
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_summed_to_a_coarser_depth_equal_a_brute_force_tally() {
        // Every third cell of depth 6 holding its index modulo 7.
        let cells: Vec<u64> = (0..12 * 4u64.pow(6)).step_by(3).collect();
        let values: Vec<f32> = cells.iter().map(|c| (c % 7) as f32).collect();
        let map = HealpixMap {
            depth: 6,
            frame: Frame::Icrs,
            value_name: "COUNT".into(),
            cells: cells.clone(),
            values: values.clone(),
        };
        let mut tally = std::collections::BTreeMap::new();
        for (c, v) in cells.iter().zip(&values) {
            *tally.entry(c >> 4).or_insert(0.0) += v;
        }
        let coarse = map.counts_summed_to(4);
        assert_eq!(coarse.depth, 4);
        assert_eq!(coarse.cells, tally.keys().copied().collect::<Vec<_>>());
        assert_eq!(coarse.values, tally.values().copied().collect::<Vec<f32>>());
        // Its own depth (or deeper) changes nothing.
        assert_eq!(map.counts_summed_to(9), map);
    }

    #[test]
    fn pyramid_means_and_coverage() {
        // Depth 2: cells 0..3 (parent 0, all four) and 4, 5 (parent 1, two of four).
        let map = HealpixMap {
            depth: 2,
            frame: Frame::Icrs,
            value_name: "V".into(),
            cells: vec![0, 1, 2, 3, 4, 5],
            values: vec![1.0, 2.0, 3.0, 6.0, 10.0, 20.0],
        };
        let p = map.pyramid();
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].cells, Some(vec![0, 1]));
        assert_eq!(p[1].values, vec![[3.0, 1.0], [15.0, 0.5]]);
        // Depth 0: one cell holding all six, weighted by coverage: (12 + 30) / 6 = 7.
        assert_eq!(p[0].cells, Some(vec![0]));
        assert_eq!(p[0].values[0][0], 7.0);
        assert!((p[0].values[0][1] - 6.0 / 16.0).abs() < 1e-6);
    }

    #[test]
    fn a_complete_map_coarsens_as_a_sparse_one() {
        // Every cell of depth 4, values varying over the sky.
        let n = 12 * 4u64.pow(4);
        let map = HealpixMap {
            depth: 4,
            frame: Frame::Icrs,
            value_name: "V".into(),
            cells: (0..n).collect(),
            values: (0..n).map(|c| ((c * 7919) % 1000) as f32 / 7.0).collect(),
        };
        let p = map.pyramid();
        assert_eq!(p.len(), 5);
        // The same steps through the sparse path, every cell listed.
        let mut cells: Vec<u64> = map.cells.clone();
        let mut values: Vec<[f32; 2]> = map.values.iter().map(|&v| [v, 1.0]).collect();
        for level in p.iter().rev() {
            assert_eq!(level.cells, None, "depth {}", level.depth);
            assert_eq!(level.len(), 12 << (2 * level.depth));
            assert!(level.values == values, "depth {}", level.depth);
            if level.depth > 0 {
                let parents = coarsen(&cells, |i| values[i]);
                (cells, values) = parents;
                assert_eq!(cells, (0..cells.len() as u64).collect::<Vec<_>>());
            }
        }
        // One cell fewer and every level lists its cells.
        let mut partial = map.clone();
        partial.cells.pop();
        partial.values.pop();
        assert!(partial.pyramid().iter().all(|l| l.cells.is_some()));
        // Read from the map, the level below its own is the pyramid's.
        for m in [&map, &partial] {
            let p = m.pyramid();
            assert_eq!(MapLevel::below_native(m), p[3]);
        }
    }

    #[test]
    fn outline_follows_the_coverage_edge() {
        let map = |cells: Vec<u64>| HealpixMap {
            depth: 3,
            frame: Frame::Icrs,
            value_name: "MOC".into(),
            values: vec![1.0; cells.len()],
            cells,
        };
        // One cell: its four sides. Its four children at depth 3 (a 2x2 block): the
        // parent's perimeter, two child sides per parent side.
        assert_eq!(map(vec![100]).outline_paths().len(), 4);
        let block = map((20..24).collect());
        let paths = block.outline_paths();
        assert_eq!(paths.len(), 8);
        // Every outline point lies on the parent cell's edge: nudged towards the parent's
        // centre it is inside the block, nudged away from it, outside.
        let layer = cdshealpix::nested::get(2);
        let (cl, cb) = layer.center(5);
        let centre = crate::sky::unit_vector(cl.to_degrees(), cb.to_degrees());
        let l3 = cdshealpix::nested::get(3);
        for p in paths.iter().flatten() {
            for (t, inside) in [(0.02, true), (-0.02, false)] {
                let q = (*p + (centre - *p) * t).normalize();
                let (l, b) = crate::sky::lonlat_deg(q);
                let cell = l3.hash(l.to_radians(), b.to_radians());
                assert_eq!(block.cells.contains(&cell), inside, "{p} nudged by {t}");
            }
        }
    }
}
