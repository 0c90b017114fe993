//! Level of detail for crowded layers. Objects are uploaded once, grouped by coarse
//! HEALPix cell and, within a cell, by a fixed priority (SNR for clusters, a hash of the
//! ID for galaxies). A view draws, in each cell it shows, the first objects of that
//! cell's range, as many as keep about a budget of markers on screen. Zooming in only
//! raises the share drawn per cell, so what was drawn stays drawn (no flicker), and cells
//! off screen cost nothing. What is not drawn shows as a density map.

use std::ops::Range;

use rayon::prelude::*;

use crate::data::{Catalog, HealpixMap};
use crate::sky::Frame;
use crate::sky::unit_vector;
use crate::view::View;

/// Depth of the cells objects are grouped by (cells of about 14').
pub const GROUP_DEPTH: u8 = 8;

/// Screen area per marker below which a crowded view switches to density (galaxy dots;
/// bigger markers set their own, see [`LodOrder::pixels_per_marker`]).
pub const PIXELS_PER_MARKER: f64 = 4.0;

/// Tags rows without a finite position while ordering (rows fit in 31 bits).
const NO_POSITION: u32 = 1 << 31;

/// A stable pseudo-random priority for object `id` (SplitMix64 finaliser).
pub fn hash_priority(id: u64) -> u64 {
    let mut z = id.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A catalog's objects ordered for level of detail, and where each cell's run starts.
pub struct LodOrder {
    /// Catalog rows in upload order.
    pub rows: Vec<u32>,
    /// (cell at [`GROUP_DEPTH`], range of positions in `rows`), by cell.
    pub cells: Vec<(u64, Range<u32>)>,
    /// Screen pixels each drawn marker needs: the budget never exceeds the visible cells'
    /// area over this, so markers stay sparse enough for the density under them to show.
    pub pixels_per_marker: f64,
}

impl LodOrder {
    pub fn new(cat: &Catalog) -> LodOrder {
        Self::with_counts(cat, GROUP_DEPTH).0
    }

    /// The order, and the objects counted per cell at `count_depth` (at least
    /// [`GROUP_DEPTH`]) as a map, from one hashing pass and one sort: the counts of a
    /// group's sub-cells are tallied within its run.
    pub fn with_counts(cat: &Catalog, count_depth: u8) -> (LodOrder, HealpixMap) {
        let count_depth = count_depth.max(GROUP_DEPTH);
        let shift = 2 * (count_depth - GROUP_DEPTH) as u32;
        let layer = cdshealpix::nested::get(count_depth);
        let id = cat.roles.id.as_deref().and_then(|n| cat.column(n));
        let has_snr = cat.roles.snr.is_some();
        let roles = cat.role_view();
        // (cell at count_depth, priority key: smaller first, row)
        let keys: Vec<(u64, u64, u32)> = (0..cat.len() as u32)
            .into_par_iter()
            .map(|i| {
                let r = i as usize;
                let (ra, dec) = (roles.ra(r), roles.dec(r));
                // Objects without a position (kept only by conversions) go to cell 0 and
                // are tagged so that they are not counted.
                let finite = ra.is_finite() && dec.is_finite();
                let cell = if finite {
                    layer.hash(ra.to_radians(), dec.to_radians())
                } else {
                    0
                };
                let key = if has_snr {
                    // Highest SNR first: flip the float's order-preserving bits.
                    !(roles.snr(r) as f32).to_bits() as u64
                        ^ if roles.snr(r) < 0.0 { u64::MAX } else { 0 }
                } else {
                    hash_priority(id.map_or(r as u64, |c| c.data.get_f64(r) as u64))
                };
                (cell, key, if finite { i } else { i | NO_POSITION })
            })
            .collect();
        // Grouped by a counting sort (groups are few: 12 * 4^8), then each group's run
        // sorted by priority on all cores: much faster than sorting all objects at once.
        let n_groups = 12usize << (2 * GROUP_DEPTH as usize);
        let mut starts = vec![0u32; n_groups + 1];
        for &(cell, _, _) in &keys {
            starts[(cell >> shift) as usize + 1] += 1;
        }
        for g in 0..n_groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut grouped = vec![(0u64, 0u64, 0u32); keys.len()];
        for k in keys {
            let g = (k.0 >> shift) as usize;
            grouped[next[g] as usize] = k;
            next[g] += 1;
        }
        let cells: Vec<(u64, Range<u32>)> = (0..n_groups)
            .filter(|&g| starts[g + 1] > starts[g])
            .map(|g| (g as u64, starts[g]..starts[g + 1]))
            .collect();
        let mut runs: Vec<&mut [(u64, u64, u32)]> = Vec::with_capacity(cells.len());
        let mut rest = grouped.as_mut_slice();
        for (_, r) in &cells {
            let (run, tail) = rest.split_at_mut(r.len());
            runs.push(run);
            rest = tail;
        }
        runs.par_iter_mut()
            .for_each(|run| run.sort_unstable_by_key(|&(_, key, i)| (key, i)));
        let keys = grouped;
        let sub_cells = 1usize << shift;
        let counted: Vec<Vec<(u64, f32)>> = cells
            .par_iter()
            .map(|(group, r)| {
                let mut tally = vec![0u32; sub_cells];
                for &(cell, _, i) in &keys[r.start as usize..r.end as usize] {
                    if i & NO_POSITION == 0 {
                        tally[(cell & (sub_cells as u64 - 1)) as usize] += 1;
                    }
                }
                tally
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(sub, &n)| ((group << shift) | sub as u64, n as f32))
                    .collect()
            })
            .collect();
        let (map_cells, values) = counted.into_iter().flatten().unzip();
        let counts = HealpixMap {
            depth: count_depth,
            frame: Frame::Icrs,
            value_name: "COUNT".into(),
            cells: map_cells,
            values,
        };
        let order = LodOrder {
            rows: keys.par_iter().map(|k| k.2 & !NO_POSITION).collect(),
            cells,
            pixels_per_marker: PIXELS_PER_MARKER,
        };
        (order, counts)
    }

    /// The order and counts as bytes, for the disk cache.
    pub fn to_bytes(&self, counts: &HealpixMap) -> Vec<u8> {
        let mut out = Vec::new();
        for n in [self.rows.len(), self.cells.len(), counts.cells.len()] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        out.push(counts.depth);
        out.extend_from_slice(bytemuck::cast_slice(&self.rows));
        for (cell, r) in &self.cells {
            out.extend_from_slice(&cell.to_le_bytes());
            out.extend_from_slice(&r.start.to_le_bytes());
            out.extend_from_slice(&r.end.to_le_bytes());
        }
        out.extend_from_slice(bytemuck::cast_slice(&counts.cells));
        out.extend_from_slice(bytemuck::cast_slice(&counts.values));
        out
    }

    /// Reads what [`LodOrder::to_bytes`] wrote for a catalog of `rows` objects, checking
    /// that it fits one (`None` otherwise).
    pub fn from_bytes(b: &[u8], rows: usize) -> Option<(LodOrder, HealpixMap)> {
        let u64_at = |at: usize| -> Option<u64> {
            Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
        };
        let (n, g, c) = (
            u64_at(0)? as usize,
            u64_at(8)? as usize,
            u64_at(16)? as usize,
        );
        let depth = *b.get(24)?;
        if n != rows || !(GROUP_DEPTH..=29).contains(&depth) {
            return None;
        }
        let rows_at: usize = 25;
        let cells_at = rows_at.checked_add(n.checked_mul(4)?)?;
        let counts_at = cells_at.checked_add(g.checked_mul(16)?)?;
        let values_at = counts_at.checked_add(c.checked_mul(8)?)?;
        if b.len() != values_at.checked_add(c.checked_mul(4)?)? {
            return None;
        }
        let le32 = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"));
        let le64 = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
        let order_rows: Vec<u32> = (0..n).map(|i| le32(rows_at + 4 * i)).collect();
        let cells: Vec<(u64, Range<u32>)> = (0..g)
            .map(|i| {
                let at = cells_at + 16 * i;
                (le64(at), le32(at + 8)..le32(at + 12))
            })
            .collect();
        // Every row once; runs contiguous and in bounds.
        let mut seen = vec![false; n];
        for &r in &order_rows {
            let slot = seen.get_mut(r as usize)?;
            if *slot {
                return None;
            }
            *slot = true;
        }
        let mut end = 0;
        for (_, r) in &cells {
            if r.start != end || r.end < r.start || r.end as usize > n {
                return None;
            }
            end = r.end;
        }
        if end as usize != n {
            return None;
        }
        let map_cells: Vec<u64> = (0..c).map(|i| le64(counts_at + 8 * i)).collect();
        let values: Vec<f32> = (0..c)
            .map(|i| f32::from_bits(le32(values_at + 4 * i)))
            .collect();
        let counts = HealpixMap {
            depth,
            frame: Frame::Icrs,
            value_name: "COUNT".into(),
            cells: map_cells,
            values,
        };
        let order = LodOrder {
            rows: order_rows,
            cells,
            pixels_per_marker: PIXELS_PER_MARKER,
        };
        Some((order, counts))
    }

    /// The instance ranges `view` draws so that about `budget` markers are on screen (in
    /// every cell the view may show, the same leading share of its objects), and how many
    /// objects those cells hold in all.
    pub fn draw_ranges(&self, view: &View, budget: usize) -> (Vec<Range<u32>>, usize) {
        self.draw_ranges_with_room(view, budget, self.pixels_per_marker)
    }

    /// As [`Self::draw_ranges`], with markers needing `pixels_per_marker` of screen each
    /// (markers drawn larger than uploaded need more).
    pub fn draw_ranges_with_room(
        &self,
        view: &View,
        budget: usize,
        pixels_per_marker: f64,
    ) -> (Vec<Range<u32>>, usize) {
        let layer = cdshealpix::nested::get(GROUP_DEPTH);
        let rot = view.rotation();
        let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
        let (x1, y1) = (x0 + view.sub.width as f64, y0 + view.sub.height as f64);
        // A cell is kept if any of its corners or its centre falls on (or near) the view.
        let margin =
            0.6 * (std::f64::consts::PI / 3.0).sqrt() / (1u64 << GROUP_DEPTH) as f64 * view.scale();
        let on_screen = |lon: f64, lat: f64| {
            let d = rot * unit_vector(lon.to_degrees(), lat.to_degrees());
            view.projection
                .forward(d)
                .map(|p| view.plane_to_px(p))
                .is_some_and(|p| {
                    p.x >= x0 - margin
                        && p.x < x1 + margin
                        && p.y >= y0 - margin
                        && p.y < y1 + margin
                })
        };
        let visible: Vec<&(u64, Range<u32>)> = self
            .cells
            .iter()
            .filter(|(c, _)| {
                let (l, b) = layer.center(*c);
                on_screen(l, b) || layer.vertices(*c).iter().any(|&(l, b)| on_screen(l, b))
            })
            .collect();
        let total: usize = visible.iter().map(|(_, r)| r.len()).sum();
        // Markers beyond one per few pixels of the area they cover only pile up: cap the
        // budget by the screen area of the visible cells.
        let cell_sr = 4.0 * std::f64::consts::PI / (12u64 << (2 * GROUP_DEPTH as u64)) as f64;
        let area_px = visible.len() as f64 * cell_sr * view.scale() * view.scale();
        let budget = budget.min((area_px / pixels_per_marker) as usize).max(1);
        let share = if total == 0 {
            1.0
        } else {
            (budget as f64 / total as f64).min(1.0)
        };
        let ranges = visible
            .into_iter()
            .map(|(cell, r)| {
                // The cell's share, rounded up or down by a fixed per-cell offset so that
                // the total matches the budget even when cells get less than one marker
                // each; it only grows with the share, so zooming in never drops a marker.
                let offset = (hash_priority(*cell) >> 11) as f64 / (1u64 << 53) as f64;
                let k = ((r.len() as f64 * share + offset).floor() as u32).min(r.len() as u32);
                r.start..r.start + k
            })
            .filter(|r| !r.is_empty())
            .collect();
        (ranges, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::demo::{DemoConfig, DemoSurvey};
    use crate::sky::{Frame, Projection};

    fn drawn(ranges: &[Range<u32>]) -> std::collections::HashSet<u32> {
        ranges.iter().flat_map(|r| r.clone()).collect()
    }

    #[test]
    fn what_a_coarse_view_draws_stays_drawn_when_zooming_in() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 4,
            galaxies: 60_000,
        });
        let lod = LodOrder::new(&s.galaxies);
        assert_eq!(lod.rows.len(), s.galaxies.len());
        let budget = 5_000;
        let wide = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 14.0, (800, 600));
        let (coarse, in_view) = lod.draw_ranges(&wide, budget);
        assert!(in_view > budget);
        let n_coarse: usize = coarse.iter().map(|r| r.len()).sum();
        assert!(
            n_coarse >= budget / 2 && n_coarse < budget * 2,
            "{n_coarse}"
        );
        for (fov, center) in [
            (4.0, (1.0, -31.0)),
            (1.0, (359.0, -28.0)),
            (0.2, (0.3, -30.2)),
        ] {
            let fine = View::new(Projection::Tan, Frame::Icrs, center, fov, (800, 600));
            let fine_set = drawn(&lod.draw_ranges(&fine, budget).0);
            // Every object drawn in the wide view that falls inside the fine view is
            // drawn in the fine view too.
            for &pos in &drawn(&coarse) {
                let row = lod.rows[pos as usize] as usize;
                let on_screen = fine
                    .project_radec(s.galaxies.ra(row), s.galaxies.dec(row))
                    .is_some_and(|p| p.x >= 0.0 && p.y >= 0.0 && p.x < 800.0 && p.y < 600.0);
                assert!(
                    !on_screen || fine_set.contains(&pos),
                    "fov {fov}: object {row} vanished when zooming in"
                );
            }
        }
    }

    #[test]
    fn one_pass_counts_equal_the_count_map() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 8,
            galaxies: 50_000,
        });
        let (lod, counts) = LodOrder::with_counts(&s.galaxies, 13);
        let reference = crate::data::density::count_map(&s.galaxies, 13);
        assert_eq!(counts.cells, reference.cells);
        assert_eq!(counts.values, reference.values);
        let mut rows = lod.rows.clone();
        rows.sort_unstable();
        assert!(
            rows.iter().enumerate().all(|(i, &r)| r as usize == i),
            "a permutation"
        );
        // Every object sits in its group's run.
        let layer = cdshealpix::nested::get(GROUP_DEPTH);
        for (cell, r) in lod.cells.iter().step_by(97) {
            for p in r.clone() {
                let row = lod.rows[p as usize] as usize;
                let (ra, dec) = (s.galaxies.ra(row), s.galaxies.dec(row));
                assert_eq!(layer.hash(ra.to_radians(), dec.to_radians()), *cell);
            }
        }
    }

    #[test]
    fn order_and_counts_survive_bytes_and_damage_is_refused() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 9,
            galaxies: 20_000,
        });
        let (lod, counts) = LodOrder::with_counts(&s.galaxies, 13);
        let b = lod.to_bytes(&counts);
        let (lod2, counts2) = LodOrder::from_bytes(&b, s.galaxies.len()).unwrap();
        assert_eq!(lod2.rows, lod.rows);
        assert_eq!(lod2.cells, lod.cells);
        assert_eq!(
            (counts2.cells, counts2.values),
            (counts.cells, counts.values)
        );
        assert!(
            LodOrder::from_bytes(&b, s.galaxies.len() + 1).is_none(),
            "other row count"
        );
        assert!(LodOrder::from_bytes(&b[..b.len() - 1], s.galaxies.len()).is_none());
        let mut dup = b.clone();
        dup[29..33].copy_from_slice(&b[25..29]); // the second row repeats the first
        assert!(LodOrder::from_bytes(&dup, s.galaxies.len()).is_none());
    }

    #[test]
    fn clusters_go_highest_snr_first_within_a_cell() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 4,
            galaxies: 0,
        });
        let lod = LodOrder::new(&s.merged);
        for (_, r) in &lod.cells {
            let snrs: Vec<f64> = (r.start..r.end)
                .map(|p| s.merged.snr(lod.rows[p as usize] as usize))
                .collect();
            assert!(snrs.windows(2).all(|w| w[0] >= w[1]), "{snrs:?}");
        }
    }
}
