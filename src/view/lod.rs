//! Level of detail for crowded layers. Objects are uploaded once, grouped by coarse
//! HEALPix cell and, within a cell, by a fixed priority (SNR for clusters, a hash of the
//! ID for galaxies). A view draws, in each cell it shows, the first objects of that
//! cell's range, as many as keep about a budget of markers on screen. Zooming in only
//! raises the share drawn per cell, so what was drawn stays drawn (no flicker), and cells
//! off screen cost nothing. What is not drawn shows as a density map.

use std::ops::Range;

use rayon::prelude::*;

use crate::data::cache::MappedBlob;
use crate::data::column_buffer::ColumnBuffer;
use crate::data::{Catalog, HealpixMap};
use crate::sky::Frame;
use crate::sky::unit_vector;
use crate::view::View;
use crate::view::cell_culling::{cells_near_view, whole_sky_on_screen};

/// Depth of the cells objects are grouped by (cells of about 14').
pub const GROUP_DEPTH: u8 = 8;

/// Screen area per marker below which a crowded view switches to density (galaxy dots;
/// bigger markers set their own, see [`LodOrder::pixels_per_marker`]).
pub const PIXELS_PER_MARKER: f64 = 4.0;

/// The cell of objects without a finite position while ordering: they sit in the first
/// group and are not counted.
const NO_CELL: u32 = u32::MAX;

/// The deepest count map [`LodOrder::with_counts`] makes: its cells fit 32 bits.
pub const MAX_COUNT_DEPTH: u8 = 14;

/// A stable pseudo-random priority for object `id` (SplitMix64 finaliser).
pub fn hash_priority(id: u64) -> u64 {
    let mut z = id.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Where the rows start in [`LodOrder::to_bytes`]: after three counts and the count
/// depth, padded so that rows in a blob (payload 8-aligned) can be used in place.
const ROWS_AT: usize = 32;

/// A catalog's objects ordered for level of detail, and where each cell's run starts.
pub struct LodOrder {
    /// Catalog rows in upload order (read in place from the disk cache when it had them).
    pub rows: ColumnBuffer<u32>,
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

    /// The order, and the objects counted per cell at `count_depth` (between
    /// [`GROUP_DEPTH`] and [`MAX_COUNT_DEPTH`]) as a map, from one hashing pass and one
    /// counting sort on all cores: a group's run is then sorted by priority and its
    /// sub-cells tallied.
    pub fn with_counts(cat: &Catalog, count_depth: u8) -> (LodOrder, HealpixMap) {
        let count_depth = count_depth.clamp(GROUP_DEPTH, MAX_COUNT_DEPTH);
        let shift = 2 * (count_depth - GROUP_DEPTH) as u32;
        let (cells, priorities) = cells_and_priorities(cat, count_depth);
        let grouped = group_by_cell(&cells, &priorities, shift);
        drop((cells, priorities));
        let GroupedObjects {
            mut keys,
            mut sub_cells,
            groups,
        } = grouped;
        // A group's count cells are at most its objects and its sub-cells: each group
        // writes them to its own slots, compacted afterwards.
        let n_sub = 1usize << shift;
        let slots: Vec<usize> = groups.iter().map(|(_, r)| r.len().min(n_sub)).collect();
        let n_slots = slots.iter().sum();
        let mut map_cells = vec![0u64; n_slots];
        let mut values = vec![0f32; n_slots];
        let lens: Vec<usize> = groups.iter().map(|(_, r)| r.len()).collect();
        // Each group's run: sorted by priority (then row), its sub-cells counted.
        let used: Vec<usize> = split_runs(&mut keys, &lens)
            .into_par_iter()
            .zip(split_runs(&mut sub_cells, &lens))
            .zip(split_runs(&mut map_cells, &slots))
            .zip(split_runs(&mut values, &slots))
            .zip(groups.par_iter())
            .map(|((((run, subs), out_cells), out_values), (group, _))| {
                run.sort_unstable();
                let mut used = 0;
                count_sub_cells(subs, n_sub, |sub, n| {
                    out_cells[used] = (group << shift) | u64::from(sub);
                    out_values[used] = n as f32;
                    used += 1;
                });
                used
            })
            .collect();
        // Compacted in place: a group's cells never move right.
        let (mut from, mut to) = (0, 0);
        for (&k, &room) in used.iter().zip(&slots) {
            map_cells.copy_within(from..from + k, to);
            values.copy_within(from..from + k, to);
            from += room;
            to += k;
        }
        map_cells.truncate(to);
        values.truncate(to);
        let counts = HealpixMap {
            depth: count_depth,
            frame: Frame::Icrs,
            value_name: "COUNT".into(),
            cells: map_cells,
            values,
        };
        let order = LodOrder {
            // The low half of a key is its row.
            rows: keys
                .par_iter()
                .map(|&k| k as u32)
                .collect::<Vec<_>>()
                .into(),
            cells: groups,
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
        out.resize(ROWS_AT, 0);
        out.extend_from_slice(bytemuck::cast_slice(&self.rows[..]));
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
        Self::parse(b, rows, |at| {
            let v: Vec<u32> = b[at]
                .par_chunks_exact(4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                .collect();
            Some(v.into())
        })
    }

    /// As [`LodOrder::from_bytes`] from a mapped cache blob, the rows used in place (at
    /// 100M objects, 400 MB not copied).
    pub fn from_blob(blob: &MappedBlob, rows: usize) -> Option<(LodOrder, HealpixMap)> {
        Self::parse(blob, rows, |at| blob.values::<u32>(at.start, at.len() / 4))
    }

    /// Checks and reads the bytes of an order; `order_rows` makes the rows from their
    /// byte range.
    fn parse(
        b: &[u8],
        rows: usize,
        order_rows: impl FnOnce(Range<usize>) -> Option<ColumnBuffer<u32>>,
    ) -> Option<(LodOrder, HealpixMap)> {
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
        let cells_at = ROWS_AT.checked_add(n.checked_mul(4)?)?;
        let counts_at = cells_at.checked_add(g.checked_mul(16)?)?;
        let values_at = counts_at.checked_add(c.checked_mul(8)?)?;
        if b.len() != values_at.checked_add(c.checked_mul(4)?)? {
            return None;
        }
        let le32 = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"));
        let le64 = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
        let order_rows = order_rows(ROWS_AT..cells_at)?;
        let cells: Vec<(u64, Range<u32>)> = (0..g)
            .map(|i| {
                let at = cells_at + 16 * i;
                (le64(at), le32(at + 8)..le32(at + 12))
            })
            .collect();
        // Every row once (a bit per row: the set stays in the processor's cache); runs
        // contiguous and in bounds.
        let mut seen = vec![0u64; n.div_ceil(64)];
        for &r in order_rows.iter() {
            let (word, bit) = ((r / 64) as usize, 1u64 << (r % 64));
            let slot = seen.get_mut(word)?;
            if *slot & bit != 0 || r as usize >= n {
                return None;
            }
            *slot |= bit;
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
        let visible = self.visible_cells(view, false);
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

    /// The groups whose cells `view` shows: a cell shows if its centre or a corner falls
    /// on (or near) the view. Only the cells near the view are tested (and none when the
    /// whole sky shows), unless `every_cell` (the reference the shortcuts are tested
    /// against): a frame costs what the screen shows, not what the catalog covers.
    fn visible_cells(&self, view: &View, every_cell: bool) -> Vec<&(u64, Range<u32>)> {
        let layer = cdshealpix::nested::get(GROUP_DEPTH);
        let rot = view.rotation();
        let (x0, y0) = (view.sub.x as f64, view.sub.y as f64);
        let (x1, y1) = (x0 + view.sub.width as f64, y0 + view.sub.height as f64);
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
        let shows = |c: u64| {
            let (l, b) = layer.center(c);
            on_screen(l, b) || layer.vertices(c).iter().any(|&(l, b)| on_screen(l, b))
        };
        // On all cores: a view showing the sky's edge tests every cell.
        let test_all = || self.cells.par_iter().filter(|(c, _)| shows(*c)).collect();
        if every_cell {
            return test_all();
        }
        if whole_sky_on_screen(view, margin) {
            self.cells.iter().collect()
        } else {
            match cells_near_view(view, GROUP_DEPTH, 4.0 * margin) {
                Some(near) => near
                    .iter()
                    .flat_map(|r| {
                        let from = self.cells.partition_point(|(c, _)| *c < r.start);
                        let to = self.cells.partition_point(|(c, _)| *c < r.end);
                        &self.cells[from..to]
                    })
                    .filter(|(c, _)| shows(*c))
                    .collect(),
                None => test_all(),
            }
        }
    }
}

/// `all` cut into consecutive runs of `lens`.
fn split_runs<'a, T>(all: &'a mut [T], lens: &[usize]) -> Vec<&'a mut [T]> {
    let mut runs = Vec::with_capacity(lens.len());
    let mut rest = all;
    for &len in lens {
        let (run, tail) = rest.split_at_mut(len);
        runs.push(run);
        rest = tail;
    }
    runs
}

/// Calls `found(sub_cell, count)` for each sub-cell (of `n_sub`) that `subs` holds, in
/// ascending order ([`NOT_COUNTED`] left out; `subs` is reordered). A sparse group sorts
/// its few sub-cells, a dense one tallies them all: a tally of every sub-cell for each
/// of the sky's 786k groups cost more than the rest of the ordering.
fn count_sub_cells(subs: &mut [u16], n_sub: usize, mut found: impl FnMut(u16, u32)) {
    if subs.len() * 8 < n_sub {
        subs.sort_unstable();
        for run in subs.chunk_by(|a, b| a == b) {
            if run[0] != NOT_COUNTED {
                found(run[0], run.len() as u32);
            }
        }
    } else {
        let mut tally = vec![0u32; n_sub];
        for &sub in subs.iter().filter(|&&s| s != NOT_COUNTED) {
            tally[sub as usize] += 1;
        }
        for (sub, &n) in tally.iter().enumerate().filter(|(_, n)| **n > 0) {
            found(sub as u16, n);
        }
    }
}

/// A catalog's objects grouped by cell at [`GROUP_DEPTH`], in runs.
struct GroupedObjects {
    /// Per object, in group order: priority in the high 32 bits, row in the low.
    keys: Vec<u64>,
    /// Per object, aligned with `keys` before sorting: its sub-cell within the group at
    /// the count depth ([`NOT_COUNTED`] without a position).
    sub_cells: Vec<u16>,
    /// (group cell, range of positions in `keys`) of the groups holding objects.
    groups: Vec<(u64, Range<u32>)>,
}

/// The sub-cell of objects left out of the counts.
const NOT_COUNTED: u16 = u16::MAX;

/// Each object's cell at `depth` ([`NO_CELL`] without a finite position) and its draw
/// priority (smaller first: highest SNR for catalogs with an SNR, else a hash of the ID).
fn cells_and_priorities(cat: &Catalog, depth: u8) -> (Vec<u32>, Vec<u32>) {
    let layer = cdshealpix::nested::get(depth);
    let id = cat.roles.id.as_deref().and_then(|n| cat.column(n));
    let has_snr = cat.roles.snr.is_some();
    let roles = cat.role_view();
    (0..cat.len())
        .into_par_iter()
        .map(|r| {
            let (ra, dec) = (roles.ra(r), roles.dec(r));
            let cell = if ra.is_finite() && dec.is_finite() {
                layer.hash(ra.to_radians(), dec.to_radians()) as u32
            } else {
                NO_CELL
            };
            let priority = if has_snr {
                snr_priority(roles.snr(r))
            } else {
                (hash_priority(id.map_or(r as u64, |c| c.data.get_f64(r) as u64)) >> 32) as u32
            };
            (cell, priority)
        })
        .unzip()
}

/// Highest SNR first (smallest key); a missing SNR last.
fn snr_priority(snr: f64) -> u32 {
    let s = snr as f32;
    if s.is_nan() {
        return u32::MAX;
    }
    let bits = s.to_bits();
    // The float's order as an unsigned integer: negatives flipped, positives above them.
    let ascending = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    };
    !ascending
}

/// A counting sort of the objects by group (the cell `shift` bits above their count
/// cell), on all cores: each chunk of rows counts its groups, the counts give every
/// chunk its own slots in every group's run, and the chunks then fill their slots.
fn group_by_cell(cells: &[u32], priorities: &[u32], shift: u32) -> GroupedObjects {
    let n = cells.len();
    let n_groups = 12usize << (2 * GROUP_DEPTH as usize);
    let group_of = |c: u32| {
        if c == NO_CELL {
            0
        } else {
            (c >> shift) as usize
        }
    };
    let chunk = n.div_ceil(2 * rayon::current_num_threads()).max(1);
    let mut next: Vec<Vec<u32>> = cells
        .par_chunks(chunk)
        .map(|part| {
            let mut h = vec![0u32; n_groups];
            for &c in part {
                h[group_of(c)] += 1;
            }
            h
        })
        .collect();
    // Counts become each chunk's first slot per group; chunks follow each other in a run
    // so that rows stay in file order before the priority sort (ties resolve by row).
    let mut starts = vec![0u32; n_groups + 1];
    for g in 0..n_groups {
        let mut at = starts[g];
        for h in next.iter_mut() {
            let k = h[g];
            h[g] = at;
            at += k;
        }
        starts[g + 1] = at;
    }
    let mut keys = vec![0u64; n];
    let mut sub_cells = vec![0u16; n];
    let key_slots = DisjointSlots::new(&mut keys);
    let sub_slots = DisjointSlots::new(&mut sub_cells);
    let sub_mask = (1u32 << shift) - 1;
    cells
        .par_chunks(chunk)
        .zip(priorities.par_chunks(chunk))
        .zip(next.par_iter_mut())
        .enumerate()
        .for_each(|(k, ((cs, ps), next))| {
            for (j, (&c, &p)) in cs.iter().zip(ps).enumerate() {
                let row = (k * chunk + j) as u64;
                let g = group_of(c);
                let at = next[g] as usize;
                next[g] += 1;
                let sub = if c == NO_CELL {
                    NOT_COUNTED
                } else {
                    (c & sub_mask) as u16
                };
                // SAFETY: the prefix sums above give each (chunk, group) its own slots,
                // and a chunk takes each of its slots once.
                unsafe {
                    key_slots.write(at, (p as u64) << 32 | row);
                    sub_slots.write(at, sub);
                }
            }
        });
    let groups = (0..n_groups)
        .filter(|&g| starts[g + 1] > starts[g])
        .map(|g| (g as u64, starts[g]..starts[g + 1]))
        .collect();
    GroupedObjects {
        keys,
        sub_cells,
        groups,
    }
}

/// A slice written from several threads at positions that never coincide.
struct DisjointSlots<'a, T> {
    ptr: *mut T,
    len: usize,
    _slice: std::marker::PhantomData<&'a mut [T]>,
}

// SAFETY: callers of `write` guarantee that no two threads write the same position, and
// nothing reads the slice while it is borrowed here.
unsafe impl<T: Send> Sync for DisjointSlots<'_, T> {}

impl<'a, T: Copy> DisjointSlots<'a, T> {
    fn new(slice: &'a mut [T]) -> Self {
        DisjointSlots {
            ptr: slice.as_mut_ptr(),
            len: slice.len(),
            _slice: std::marker::PhantomData,
        }
    }

    /// # Safety
    /// No other thread writes position `at` while this borrow lasts.
    unsafe fn write(&self, at: usize, value: T) {
        assert!(at < self.len, "slot {at} beyond {}", self.len);
        // SAFETY: in bounds (checked); exclusive per the caller's promise.
        unsafe { self.ptr.add(at).write(value) }
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
    fn the_cells_a_view_shows_are_found_without_testing_the_whole_sky() {
        use crate::data::{Column, ColumnData};
        // 300k objects uniform over the sphere: all 786k group cells' worth of sky.
        let mut rng = crate::data::rng::Rng::new(11);
        let (ra, dec): (Vec<f64>, Vec<f64>) = (0..300_000)
            .map(|_| {
                let z: f64 = 2.0 * rng.uniform() - 1.0;
                (360.0 * rng.uniform(), z.asin().to_degrees())
            })
            .unzip();
        let cat = Catalog {
            name: "sky".into(),
            columns: vec![
                Column::new("RA", "deg", ColumnData::F64(ra.into())),
                Column::new("DEC", "deg", ColumnData::F64(dec.into())),
            ],
            roles: crate::data::catalog::Roles {
                ra: "RA".into(),
                dec: "DEC".into(),
                ..Default::default()
            },
            cache_tag: Default::default(),
        };
        let lod = LodOrder::new(&cat);
        let mut views = Vec::new();
        for (proj, fovs) in [
            (Projection::Tan, &[0.3, 4.0, 40.0, 120.0][..]),
            (Projection::Sin, &[10.0, 90.0, 170.0][..]),
            (Projection::Ait, &[20.0, 90.0, 360.0][..]),
            (Projection::Mol, &[30.0, 360.0][..]),
            (Projection::Car, &[15.0, 360.0][..]),
        ] {
            for &fov in fovs {
                for center in [(123.4, -61.0), (300.0, 89.5)] {
                    let mut v = View::new(proj, Frame::Icrs, center, fov, (640, 400));
                    v.rotation_deg = center.1 / 3.0;
                    views.push(v);
                    views.push(v.tiles(2, 2)[3]);
                    views.push(View {
                        frame: Frame::Galactic,
                        ..v
                    });
                }
            }
        }
        let mut shortcuts = 0;
        for v in &views {
            let fast = lod.visible_cells(v, false);
            let every = lod.visible_cells(v, true);
            assert!(
                fast == every,
                "{v:?}: {} cells, not {}",
                fast.len(),
                every.len()
            );
            shortcuts +=
                usize::from(whole_sky_on_screen(v, 0.0) || cells_near_view(v, 8, 0.0).is_some());
        }
        // Most views took a shortcut (the rest show the sky's edge or a hemisphere).
        assert!(
            shortcuts * 2 > views.len(),
            "{shortcuts} of {}",
            views.len()
        );
    }

    #[test]
    fn one_pass_counts_equal_the_count_map() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 8,
            galaxies: 50_000,
        });
        // Depth 9 tallies every group's 4 sub-cells; at depth 13, groups of ~26 objects
        // sort theirs, and the densest tally.
        for depth in [9, 13] {
            let (_, counts) = LodOrder::with_counts(&s.galaxies, depth);
            let reference = crate::data::density::count_map(&s.galaxies, depth);
            assert_eq!(counts.cells, reference.cells, "depth {depth}");
            assert_eq!(counts.values, reference.values, "depth {depth}");
        }
        let (lod, _) = LodOrder::with_counts(&s.galaxies, 13);
        let mut rows = lod.rows.to_vec();
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
        assert_eq!(lod2.rows[..], lod.rows[..]);
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
    fn snr_priority_orders_highest_first_and_missing_last() {
        let descending = [
            f64::INFINITY,
            1e30,
            12.5,
            3.0,
            1e-30,
            0.0,
            -0.0,
            -2.0,
            -1e30,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let keys: Vec<u32> = descending.iter().map(|&s| snr_priority(s)).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:x?}");
    }

    #[test]
    fn objects_without_a_position_are_ordered_but_not_counted() {
        use crate::data::{Column, ColumnData};
        let mut s = DemoSurvey::generate(DemoConfig {
            seed: 3,
            galaxies: 30_001, // not a multiple of any chunk size
        });
        let cat = s.galaxies.clone();
        let lost: Vec<usize> = (0..cat.len()).step_by(1_000).collect();
        let ra_name = cat.roles.ra.clone();
        let ra: Vec<f64> = (0..cat.len())
            .map(|r| {
                if lost.contains(&r) {
                    f64::NAN
                } else {
                    cat.ra(r)
                }
            })
            .collect();
        let col = s
            .galaxies
            .columns
            .iter_mut()
            .find(|c| c.name == ra_name)
            .unwrap();
        *col = Column::new(&ra_name, "deg", ColumnData::F64(ra.into()));
        let (lod, counts) = LodOrder::with_counts(&s.galaxies, 13);
        let total: f32 = counts.values.iter().sum();
        assert_eq!(total as usize, s.galaxies.len() - lost.len());
        let mut rows = lod.rows.to_vec();
        rows.sort_unstable();
        assert!(rows.iter().enumerate().all(|(i, &r)| r as usize == i));
        // They sit in the first group's run.
        let first = &lod.cells[0];
        assert_eq!(first.0, 0);
        let in_first: std::collections::HashSet<u32> =
            first.1.clone().map(|p| lod.rows[p as usize]).collect();
        assert!(lost.iter().all(|&r| in_first.contains(&(r as u32))));
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
