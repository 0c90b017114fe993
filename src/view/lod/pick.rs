//! What one view draws at a budget, picked without ordering the whole catalog: a figure
//! of one view needs the leading objects of the groups it shows, not every group's full
//! order. The groups, the ranges a view draws and the objects drawn are the same as
//! [`super::LodOrder`]'s, so a figure looks the same whichever made it.
//!
//! The cost is one hashing pass, one count per group and one pass that keeps, per drawn
//! group, the objects whose priority falls under an estimate of the needed quantile
//! (priorities hashed from IDs are uniform): about the budget's objects are then sorted,
//! not the catalog. A group whose estimate fell short is read again whole.

use std::ops::{Deref, Range};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::grouping::{
    DisjointSlots, GroupLayout, NO_CELL, NOT_COUNTED, Priorities, cells_at, count_map, group_of,
    sub_cell,
};
use super::{GROUP_DEPTH, LodGroups, MAX_COUNT_DEPTH};
use crate::data::cache::MappedBlob;
use crate::data::column_buffer::ColumnBuffer;
use crate::data::{Catalog, HealpixMap};
use crate::sky::Frame;

/// A catalog's level-of-detail groups and each object's cell, from which the objects of
/// any drawn ranges are picked (their priorities computed again then).
pub struct LodPick {
    groups: LodGroups,
    /// Per row: its cell at the count depth ([`NO_CELL`] without a position); made here
    /// or used in place from a stored pick.
    cells: ColumnBuffer<u32>,
    /// Count cells sit this many bits below their group's cell.
    shift: u32,
}

/// A pick draws as its groups do.
impl Deref for LodPick {
    type Target = LodGroups;
    fn deref(&self) -> &LodGroups {
        &self.groups
    }
}

impl LodPick {
    /// The groups, and the objects counted per cell as a map: at the finest depth from
    /// [`GROUP_DEPTH`] to `count_depth` whose occupied cells hold `finer_from` objects
    /// on average (at [`GROUP_DEPTH`] when none does). A density map coarsened until its
    /// cells reach that mean is then this map, summed further only when it is sparse,
    /// and a map deeper than needed (100M objects over the whole sky fill 94M cells at
    /// depth 13, 1.1 GB) is never made.
    pub fn with_counts(cat: &Catalog, count_depth: u8, finer_from: f64) -> (LodPick, HealpixMap) {
        let count_depth = count_depth.clamp(GROUP_DEPTH, MAX_COUNT_DEPTH);
        Self::from_cells(cells_at(cat, count_depth).into(), count_depth, finer_from)
    }

    /// As [`with_counts`](Self::with_counts), from each row's cell at `count_depth`
    /// (hashing the rows is most of a pick's cost, so a warm run reads them back).
    fn from_cells(
        cells: ColumnBuffer<u32>,
        count_depth: u8,
        finer_from: f64,
    ) -> (LodPick, HealpixMap) {
        let shift = 2 * (count_depth - GROUP_DEPTH) as u32;
        let layout = GroupLayout::new(&cells, shift);
        let groups = layout.groups();
        let unplaced = cells.par_iter().filter(|&&c| c == NO_CELL).count() as u32;
        // Per group, its objects with a position (those without sit in the first group).
        let (map_cells, values): (Vec<u64>, Vec<f32>) = groups
            .iter()
            .map(|(g, r)| (*g, r.len() as u32 - if *g == 0 { unplaced } else { 0 }))
            .filter(|&(_, n)| n > 0)
            .map(|(g, n)| (g, n as f32))
            .unzip();
        let total: f64 = values.iter().map(|&v| f64::from(v)).sum();
        let counts = if shift == 0 || total < finer_from * map_cells.len() as f64 {
            HealpixMap {
                depth: GROUP_DEPTH,
                frame: Frame::Icrs,
                value_name: "COUNT".into(),
                cells: map_cells,
                values,
            }
        } else {
            let levels = finest_levels_with_mean(&cells, shift, total, finer_from);
            if levels <= TALLIED_LEVELS {
                tally_at(&cells, shift, levels)
            } else {
                // Deeper (a dense patch): each group's sub-cells counted on their own.
                let up = shift - 2 * levels;
                let mut subs = vec![0u16; cells.len()];
                let slots = DisjointSlots::new(&mut subs);
                layout.scatter(&cells, |at, _, cell| {
                    let sub = sub_cell(cell, shift);
                    let sub = if sub == NOT_COUNTED { sub } else { sub >> up };
                    // SAFETY: the layout gives every object its own position.
                    unsafe { slots.write(at, sub) }
                });
                count_map(&mut subs, &groups, 2 * levels)
            }
        };
        let pick = LodPick {
            groups: LodGroups::new(groups),
            cells,
            shift,
        };
        (pick, counts)
    }

    /// The bytes [`from_blob`](Self::from_blob) reads back: rows and count depth (u64
    /// each, little-endian), then each row's cell (u32).
    pub fn to_bytes(&self) -> Vec<u8> {
        let depth = GROUP_DEPTH as u32 + self.shift / 2;
        let mut b = Vec::with_capacity(16 + 4 * self.cells.len());
        b.extend_from_slice(&(self.cells.len() as u64).to_le_bytes());
        b.extend_from_slice(&u64::from(depth).to_le_bytes());
        b.extend_from_slice(bytemuck::cast_slice(&self.cells));
        b
    }

    /// A pick stored by [`to_bytes`](Self::to_bytes) for a catalog of `rows` rows at
    /// `count_depth`, its cells used in place; `None` when the blob does not fit them.
    pub fn from_blob(
        blob: &MappedBlob,
        rows: usize,
        count_depth: u8,
        finer_from: f64,
    ) -> Option<(LodPick, HealpixMap)> {
        let count_depth = count_depth.clamp(GROUP_DEPTH, MAX_COUNT_DEPTH);
        let u64_at = |at: usize| Some(u64::from_le_bytes(blob.get(at..at + 8)?.try_into().ok()?));
        if u64_at(0)? != rows as u64 || u64_at(8)? != u64::from(count_depth) {
            return None;
        }
        if blob.len() != 16 + 4 * rows {
            return None;
        }
        let cells = blob.values::<u32>(16, rows)?;
        // Checksummed, but a cell out of range would index past the counts: refuse it.
        let n_cells = 12u64 << (2 * count_depth);
        if !cells
            .par_iter()
            .all(|&c| c == NO_CELL || u64::from(c) < n_cells)
        {
            return None;
        }
        Some(Self::from_cells(cells, count_depth, finer_from))
    }

    /// The rows of `cat` (the catalog this pick was made from) at the order's positions
    /// `ranges` (each within one group's run, as [`LodGroups::draw_ranges`] gives
    /// them), in the order's order: by range, and within a group by priority, then row.
    pub fn rows_drawn(&self, cat: &Catalog, ranges: &[Range<u32>]) -> Vec<u32> {
        let n_groups = 12usize << (2 * GROUP_DEPTH as usize);
        // Per group: how many of its leading objects are needed, and under which
        // priority they are looked for.
        let mut needed = vec![0u32; n_groups];
        let mut size = vec![0u32; n_groups];
        let mut at = Vec::with_capacity(ranges.len());
        let mut g = 0;
        for r in ranges.iter().filter(|r| !r.is_empty()) {
            g = self.group_at(r.start, g);
            let (cell, run) = &self.groups.cells()[g];
            let (from, to) = (r.start - run.start, r.end.min(run.end) - run.start);
            needed[*cell as usize] = needed[*cell as usize].max(to);
            size[*cell as usize] = run.len() as u32;
            at.push((*cell, from..to));
        }
        let limit: Vec<u32> = needed
            .par_iter()
            .zip(&size)
            .map(|(&k, &n)| priority_limit(k, n))
            .collect();
        let priority = Priorities::new(cat);
        let mut picked = self.candidates(&priority, &needed, &limit);
        // Groups whose estimate fell short (priorities not uniform, e.g. by SNR) are
        // read again whole.
        let mut found = vec![0u32; n_groups];
        for &(g, _) in &picked {
            found[g as usize] += 1;
        }
        let short: Vec<u32> = found
            .iter()
            .zip(&needed)
            .map(|(&f, &k)| if f < k { k } else { 0 })
            .collect();
        if short.iter().any(|&k| k > 0) {
            picked.retain(|p| short[p.0 as usize] == 0);
            let everything = vec![u32::MAX; n_groups];
            picked.extend(self.candidates(&priority, &short, &everything));
            picked.par_sort_unstable();
        }
        at.iter()
            .flat_map(|(cell, ranks)| {
                let first = picked.partition_point(|p| u64::from(p.0) < *cell);
                picked[first + ranks.start as usize..first + ranks.end as usize]
                    .iter()
                    // The low half of a key is its row.
                    .map(|&(_, key)| key as u32)
            })
            .collect()
    }

    /// The group (index in the groups) whose run holds order position `pos`, looked
    /// for onwards from group `hint` when that starts at or before `pos`: ranges come in
    /// the groups' order, so each takes a short gallop, not a search of every group.
    fn group_at(&self, pos: u32, hint: usize) -> usize {
        let cells = self.groups.cells();
        let before = |(_, r): &(u64, Range<u32>)| r.end <= pos;
        if cells.get(hint).is_none_or(|(_, r)| r.start > pos) {
            return cells.partition_point(before);
        }
        let (mut from, mut step) = (hint, 1);
        while cells.get(from + step).is_some_and(before) {
            from += step;
            step *= 2;
        }
        let to = (from + step + 1).min(cells.len());
        from + cells[from..to].partition_point(before)
    }

    /// (group, priority and row), sorted, of the objects of the groups with a `needed`
    /// count: a group needing one object its first (the minimum), one needing more
    /// every object whose priority is at most its `limit`.
    ///
    /// One pass over the rows, a share per core. A row of a group not needed costs a
    /// look at a bit map that stays in cache (most rows of a full-sky figure: it draws
    /// one object of a quarter of the groups). Each share keeps its own groups' minima,
    /// merged at the end: shared atomics would serialise, since a group of a dozen
    /// objects takes a new first from one object in four.
    fn candidates(&self, priority: &Priorities, needed: &[u32], limit: &[u32]) -> Vec<(u32, u64)> {
        let shift = self.shift;
        let classes = GroupClasses::new(needed);
        let any_first = needed.contains(&1);
        let chunk = self
            .cells
            .len()
            .div_ceil(rayon::current_num_threads())
            .max(1);
        const BLOCK: usize = 1024;
        let (firsts, mut picked) = self
            .cells
            .par_chunks(chunk)
            .enumerate()
            .map(|(k, cells)| {
                let mut firsts = vec![u64::MAX; if any_first { needed.len() } else { 0 }];
                let mut picked = Vec::new();
                // A block's firsts are gathered, then folded in a loop of nothing else,
                // so that the CPU waits on many of their cache misses at once.
                let mut block: Vec<(u32, u64)> = Vec::with_capacity(BLOCK);
                for (b, cells) in cells.chunks(BLOCK).enumerate() {
                    for (j, &c) in cells.iter().enumerate() {
                        let g = group_of(c, shift);
                        let class = classes.of(g);
                        if class == GroupClasses::SKIP {
                            continue;
                        }
                        let row = k * chunk + b * BLOCK + j;
                        let p = priority.of(row);
                        let key = u64::from(p) << 32 | row as u64;
                        if class == GroupClasses::FIRST {
                            block.push((g as u32, key));
                        } else if p <= limit[g] {
                            picked.push((g as u32, key));
                        }
                    }
                    for &(g, key) in &block {
                        let first = &mut firsts[g as usize];
                        *first = (*first).min(key);
                    }
                    block.clear();
                }
                (firsts, picked)
            })
            .reduce_with(|(mut firsts, mut picked), (f, p)| {
                firsts.iter_mut().zip(f).for_each(|(a, b)| *a = (*a).min(b));
                picked.extend(p);
                (firsts, picked)
            })
            .unwrap_or_default();
        picked.extend(
            firsts
                .into_iter()
                .enumerate()
                .filter(|&(g, _)| needed[g] == 1)
                .map(|(g, first)| (g as u32, first)),
        );
        picked.par_sort_unstable();
        picked
    }
}

/// What a pass over the rows does with a row of each group, two bits a group: 192 KB for
/// the 786k groups, so it stays in cache where a count per group would not.
struct GroupClasses(Vec<u64>);

impl GroupClasses {
    const SKIP: u8 = 0;
    const FIRST: u8 = 1;
    const UNDER_LIMIT: u8 = 2;

    /// Groups needing no object are skipped, one its first, more those under a limit.
    fn new(needed: &[u32]) -> Self {
        let mut words = vec![0u64; needed.len().div_ceil(32)];
        for (g, &k) in needed.iter().enumerate() {
            let class = match k {
                0 => Self::SKIP,
                1 => Self::FIRST,
                _ => Self::UNDER_LIMIT,
            };
            words[g / 32] |= u64::from(class) << (2 * (g % 32));
        }
        GroupClasses(words)
    }

    fn of(&self, g: usize) -> u8 {
        (self.0[g / 32] >> (2 * (g % 32)) & 3) as u8
    }
}

/// Levels below [`GROUP_DEPTH`] down to which a count map is tallied in one array of
/// every cell (12.6M at depth 10, 50 MB); deeper maps are counted group by group.
const TALLIED_LEVELS: u32 = 2;

/// How many levels below [`GROUP_DEPTH`] (at most `shift / 2`) lies the finest count
/// map whose occupied cells hold `finer_from` of the `total` objects on average (the
/// groups' cells already do). Each finer depth is tried while the last one did: a bit
/// per cell of that depth marks the occupied ones, in one pass over the objects' cells
/// (uniform all-sky data stop within two levels; a patch touches only its part of the
/// deeper bitmaps).
fn finest_levels_with_mean(cells: &[u32], shift: u32, total: f64, finer_from: f64) -> u32 {
    let mut finest = 0;
    for levels in 1..=shift / 2 {
        let up = shift - 2 * levels;
        let n_cells = 12usize << (2 * (GROUP_DEPTH as usize + levels as usize));
        let occupied: Vec<AtomicU64> = (0..n_cells.div_ceil(64))
            .map(|_| AtomicU64::new(0))
            .collect();
        cells.par_iter().filter(|&&c| c != NO_CELL).for_each(|&c| {
            let c = (c >> up) as usize;
            let bit = 1u64 << (c % 64);
            // Most objects find their cell marked already: no write then.
            if occupied[c / 64].load(Ordering::Relaxed) & bit == 0 {
                occupied[c / 64].fetch_or(bit, Ordering::Relaxed);
            }
        });
        let n: u64 = occupied
            .par_iter()
            .map(|w| u64::from(w.load(Ordering::Relaxed).count_ones()))
            .sum();
        if total < finer_from * n as f64 {
            break;
        }
        finest = levels;
    }
    finest
}

/// The count map `levels` below [`GROUP_DEPTH`] (at most [`TALLIED_LEVELS`]), tallied
/// in arrays of every cell there: one per share of the rows, summed at the end (an
/// atomic add per row stalls the core on each cache miss: 0.4 s at 100M rows). As many
/// shares as cores, while their arrays together weigh no more than the rows' cells.
fn tally_at(cells: &[u32], shift: u32, levels: u32) -> HealpixMap {
    let up = shift - 2 * levels;
    let depth = GROUP_DEPTH + levels as u8;
    let n_cells = 12usize << (2 * depth as usize);
    let shares = rayon::current_num_threads()
        .min(cells.len() / n_cells)
        .max(1);
    let tally = cells
        .par_chunks(cells.len().div_ceil(shares).max(1))
        .map(|share| {
            let mut tally = vec![0u32; n_cells];
            for &c in share.iter().filter(|&&c| c != NO_CELL) {
                tally[(c >> up) as usize] += 1;
            }
            tally
        })
        .reduce_with(|mut a, b| {
            a.par_iter_mut().zip(b).for_each(|(a, b)| *a += b);
            a
        })
        .unwrap_or_default();
    let (cells, values) = tally
        .into_par_iter()
        .enumerate()
        .map(|(c, n)| (c as u64, n))
        .filter(|&(_, n)| n > 0)
        .map(|(c, n)| (c, n as f32))
        .unzip();
    HealpixMap {
        depth,
        frame: Frame::Icrs,
        value_name: "COUNT".into(),
        cells,
        values,
    }
}

/// A priority under which a group of `n` objects with uniform priorities almost always
/// holds its leading `k` (about four standard deviations more are expected); everything
/// when all are needed.
fn priority_limit(k: u32, n: u32) -> u32 {
    if k == 0 || k >= n {
        return u32::MAX;
    }
    let k = f64::from(k);
    let share = (k + 4.0 * k.sqrt() + 4.0) / f64::from(n);
    if share >= 1.0 {
        u32::MAX
    } else {
        (share * 4_294_967_296.0) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::catalog::Roles;
    use crate::data::demo::{DemoConfig, DemoSurvey};
    use crate::data::{Column, ColumnData};
    use crate::sky::Projection;
    use crate::view::View;
    use crate::view::lod::LodOrder;

    /// `n` objects uniform over the sphere, every 97th without a position, with an SNR
    /// column when `snr` makes one from the row.
    fn sky(n: usize, snr: Option<fn(usize) -> f64>) -> Catalog {
        let mut rng = crate::data::rng::Rng::new(5);
        let (ra, dec): (Vec<f64>, Vec<f64>) = (0..n)
            .map(|r| {
                let z: f64 = 2.0 * rng.uniform() - 1.0;
                let ra = if r % 97 == 3 {
                    f64::NAN
                } else {
                    360.0 * rng.uniform()
                };
                (ra, z.asin().to_degrees())
            })
            .unzip();
        let mut columns = vec![
            Column::new("RA", "deg", ColumnData::F64(ra.into())),
            Column::new("DEC", "deg", ColumnData::F64(dec.into())),
        ];
        if let Some(f) = snr {
            let v: Vec<f64> = (0..n).map(f).collect();
            columns.push(Column::new("SNR", "", ColumnData::F64(v.into())));
        }
        Catalog {
            name: "sky".into(),
            columns,
            roles: Roles {
                ra: "RA".into(),
                dec: "DEC".into(),
                snr: snr.map(|_| "SNR".into()),
                ..Default::default()
            },
            cache_tag: Default::default(),
        }
    }

    fn views() -> Vec<View> {
        let mut views = Vec::new();
        for (proj, fov, center) in [
            (Projection::Ait, 360.0, (0.0, 0.0)),
            (Projection::Mol, 200.0, (80.0, 30.0)),
            (Projection::Tan, 40.0, (123.4, -61.0)),
            (Projection::Tan, 3.0, (0.5, -30.0)),
            (Projection::Sin, 0.4, (359.8, -29.9)),
        ] {
            views.push(View::new(proj, Frame::Icrs, center, fov, (640, 400)));
        }
        views
    }

    /// For every view and budget, the pick draws the order's ranges and, in them, the
    /// order's rows in the order's sequence.
    fn assert_draws_as_the_order(cat: &Catalog, what: &str) {
        let order = LodOrder::new(cat);
        let (pick, _) = LodPick::with_counts(cat, GROUP_DEPTH, 20.0);
        for view in views() {
            for budget in [1, 50, 2_000, 40_000, usize::MAX] {
                let (ranges, total) = order.draw_ranges(&view, budget);
                assert_eq!(
                    pick.draw_ranges(&view, budget),
                    (ranges.clone(), total),
                    "{what}"
                );
                let rows: Vec<u32> = ranges
                    .iter()
                    .flat_map(|r| order.rows[r.start as usize..r.end as usize].to_vec())
                    .collect();
                assert_eq!(
                    pick.rows_drawn(cat, &ranges),
                    rows,
                    "{what}: {view:?} at {budget}"
                );
            }
        }
    }

    #[test]
    fn a_pick_draws_what_the_order_draws() {
        // Sparse all-sky objects, some without a position (hashed priorities).
        assert_draws_as_the_order(&sky(300_000, None), "all sky");
        // A dense patch: groups of hundreds, many objects each.
        let demo = DemoSurvey::generate(DemoConfig {
            seed: 2,
            galaxies: 200_000,
        });
        assert_draws_as_the_order(&demo.galaxies, "patch");
        // Priorities by SNR: skewed, with ties (broken by row), and all alike (every
        // estimate falls short and groups are read again whole).
        assert_draws_as_the_order(&sky(100_000, Some(|r| (r % 50) as f64)), "SNR");
        assert_draws_as_the_order(&sky(50_000, Some(|_| f64::NAN)), "no SNR");
    }

    #[test]
    fn a_pick_counts_at_the_finest_depth_dense_enough() {
        let patch = |galaxies| DemoSurvey::generate(DemoConfig { seed: 6, galaxies }).galaxies;
        // A sparse sky (under 20 objects a group: the groups' depth), a patch at a few
        // densities (finer as it fills), and a denser sky.
        for (cat, what) in [
            (sky(300_000, None), "sparse sky"),
            (patch(100_000), "patch 100k"),
            (patch(1_000_000), "patch 1M"),
            // Dense enough for depth 11: counted group by group.
            (patch(4_000_000), "patch 4M"),
            (sky(40_000_000 / 1000, None), "tiny sky"),
            (sky(20_000_000, None), "dense sky"),
        ] {
            let (_, reference) = LodOrder::with_counts(&cat, 13);
            let total: f32 = reference.values.iter().sum();
            let finest = (GROUP_DEPTH..=13)
                .filter(|&d| {
                    let m = reference.counts_summed_to(d);
                    f64::from(total) >= 20.0 * m.cells.len() as f64
                })
                .max()
                .unwrap_or(GROUP_DEPTH);
            let expected = reference.counts_summed_to(finest);
            let (_, picked) = LodPick::with_counts(&cat, 13, 20.0);
            assert!(
                (picked.depth, &picked.cells) == (finest, &expected.cells),
                "{what}: {} cells at depth {}, not {} at {finest}",
                picked.cells.len(),
                picked.depth,
                expected.cells.len()
            );
            assert!(picked.values == expected.values, "{what}: other counts");
        }
    }
}
