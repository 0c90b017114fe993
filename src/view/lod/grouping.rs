//! How level of detail groups a catalog: each object's count cell and draw priority, a
//! counting sort of objects into their groups' runs, and the per-cell counts under a
//! group. Shared by the full order ([`super::LodOrder`]) and the one-view pick
//! ([`super::LodPick`]), so that both see the same groups and priorities.

use std::ops::Range;

use rayon::prelude::*;

use super::{GROUP_DEPTH, hash_priority};
use crate::data::catalog::RoleView;
use crate::data::{Catalog, Column, HealpixMap};
use crate::sky::Frame;

/// The cell of objects without a finite position while ordering: they sit in the first
/// group and are not counted.
pub(super) const NO_CELL: u32 = u32::MAX;

/// The sub-cell of objects left out of the counts.
pub(super) const NOT_COUNTED: u16 = u16::MAX;

/// Each object's cell at `depth` ([`NO_CELL`] without a finite position) and its draw
/// priority ([`Priorities`]).
pub(super) fn cells_and_priorities(cat: &Catalog, depth: u8) -> (Vec<u32>, Vec<u32>) {
    let priority = Priorities::new(cat);
    let priorities = (0..cat.len())
        .into_par_iter()
        .map(|r| priority.of(r))
        .collect();
    (cells_at(cat, depth), priorities)
}

/// Each object's cell at `depth` ([`NO_CELL`] without a finite position).
pub(super) fn cells_at(cat: &Catalog, depth: u8) -> Vec<u32> {
    let roles = cat.role_view();
    match roles.positions_f64() {
        Some((ra, dec)) => cells_of(cat.len(), depth, |r| (ra[r], dec[r])),
        None => cells_of(cat.len(), depth, |r| (roles.ra(r), roles.dec(r))),
    }
}

/// The cells at `depth` of `n` positions (degrees) given by `position(row)`.
fn cells_of(n: usize, depth: u8, position: impl Fn(usize) -> (f64, f64) + Sync) -> Vec<u32> {
    let layer = cdshealpix::nested::get(depth);
    // Written in place, a chunk of rows per task (a parallel unzip of cells and
    // priorities cost ten times the hashing at 100M rows).
    let mut cells = vec![0u32; n];
    const CHUNK: usize = 1 << 16;
    cells
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(k, cells)| {
            for (j, cell) in cells.iter_mut().enumerate() {
                let (ra, dec) = position(k * CHUNK + j);
                *cell = if ra.is_finite() && dec.is_finite() {
                    layer.hash(ra.to_radians(), dec.to_radians()) as u32
                } else {
                    NO_CELL
                };
            }
        });
    cells
}

/// Objects' draw priorities, smaller first: highest SNR for catalogs with an SNR, else
/// a hash of the ID (of the row without one). Cheap enough to compute again rather than
/// keep (400 MB at 100M rows).
pub(super) struct Priorities<'a> {
    roles: RoleView<'a>,
    by_snr: bool,
    id: Option<&'a Column>,
}

impl<'a> Priorities<'a> {
    pub(super) fn new(cat: &'a Catalog) -> Self {
        Priorities {
            roles: cat.role_view(),
            by_snr: cat.roles.snr.is_some(),
            id: cat.roles.id.as_deref().and_then(|n| cat.column(n)),
        }
    }

    pub(super) fn of(&self, row: usize) -> u32 {
        if self.by_snr {
            snr_priority(self.roles.snr(row))
        } else {
            let id = self.id.map_or(row as u64, |c| c.data.get_f64(row) as u64);
            (hash_priority(id) >> 32) as u32
        }
    }
}

/// Highest SNR first (smallest key); a missing SNR last.
pub(super) fn snr_priority(snr: f64) -> u32 {
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

/// Where a counting sort by group puts every object: the groups' runs, and each chunk of
/// rows' first slot in every run. Chunks follow each other within a run, so rows stay in
/// file order there (ties of priority resolve by row).
pub(super) struct GroupLayout {
    /// The group cells sit `shift` bits above the count cells.
    shift: u32,
    /// Rows per chunk (the last may be shorter).
    chunk: usize,
    /// Per chunk, per group: the next slot it fills.
    first_slots: Vec<Vec<u32>>,
    /// Where each group's run starts (and, last, the number of objects).
    starts: Vec<u32>,
}

impl GroupLayout {
    /// Counts the objects of each group (cells at the count depth `shift / 2` levels
    /// below [`GROUP_DEPTH`]), a chunk of rows per task on all cores.
    pub(super) fn new(cells: &[u32], shift: u32) -> GroupLayout {
        let n_groups = 12usize << (2 * GROUP_DEPTH as usize);
        let chunk = cells
            .len()
            .div_ceil(2 * rayon::current_num_threads())
            .max(1);
        let mut first_slots: Vec<Vec<u32>> = cells
            .par_chunks(chunk)
            .map(|part| {
                let mut h = vec![0u32; n_groups];
                for &c in part {
                    h[group_of(c, shift)] += 1;
                }
                h
            })
            .collect();
        // Counts become each chunk's first slot per group.
        let mut starts = vec![0u32; n_groups + 1];
        for g in 0..n_groups {
            let mut at = starts[g];
            for h in first_slots.iter_mut() {
                let k = h[g];
                h[g] = at;
                at += k;
            }
            starts[g + 1] = at;
        }
        GroupLayout {
            shift,
            chunk,
            first_slots,
            starts,
        }
    }

    /// (group cell, range of positions in the order) of the groups holding objects.
    pub(super) fn groups(&self) -> Vec<(u64, Range<u32>)> {
        self.starts
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[1] > w[0])
            .map(|(g, w)| (g as u64, w[0]..w[1]))
            .collect()
    }

    /// Calls `place(position, row, cell)` for every object, each position once, on all
    /// cores: the counting sort's second pass.
    pub(super) fn scatter(mut self, cells: &[u32], place: impl Fn(usize, usize, u32) + Sync) {
        let (chunk, shift) = (self.chunk, self.shift);
        cells
            .par_chunks(chunk)
            .zip(self.first_slots.par_iter_mut())
            .enumerate()
            .for_each(|(k, (cs, next))| {
                for (j, &c) in cs.iter().enumerate() {
                    let g = group_of(c, shift);
                    place(next[g] as usize, k * chunk + j, c);
                    next[g] += 1;
                }
            });
    }
}

/// The group of a count cell (objects without a position go to the first).
pub(super) fn group_of(cell: u32, shift: u32) -> usize {
    if cell == NO_CELL {
        0
    } else {
        (cell >> shift) as usize
    }
}

/// An object's sub-cell within its group ([`NOT_COUNTED`] without a position).
pub(super) fn sub_cell(cell: u32, shift: u32) -> u16 {
    if cell == NO_CELL {
        NOT_COUNTED
    } else {
        (cell & ((1u32 << shift) - 1)) as u16
    }
}

/// The count map at the depth `shift / 2` levels below [`GROUP_DEPTH`], from every
/// group's sub-cells (in group order, reordered here), each group on its own.
pub(super) fn count_map(
    sub_cells: &mut [u16],
    groups: &[(u64, Range<u32>)],
    shift: u32,
) -> HealpixMap {
    // A group's count cells are at most its objects and its sub-cells: each group writes
    // them to its own slots, compacted afterwards.
    let n_sub = 1usize << shift;
    let slots: Vec<usize> = groups.iter().map(|(_, r)| r.len().min(n_sub)).collect();
    let n_slots = slots.iter().sum();
    let mut map_cells = vec![0u64; n_slots];
    let mut values = vec![0f32; n_slots];
    let lens: Vec<usize> = groups.iter().map(|(_, r)| r.len()).collect();
    let used: Vec<usize> = split_runs(sub_cells, &lens)
        .into_par_iter()
        .zip(split_runs(&mut map_cells, &slots))
        .zip(split_runs(&mut values, &slots))
        .zip(groups.par_iter())
        .map(|(((subs, out_cells), out_values), (group, _))| {
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
    HealpixMap {
        depth: GROUP_DEPTH + (shift / 2) as u8,
        frame: Frame::Icrs,
        value_name: "COUNT".into(),
        cells: map_cells,
        values,
    }
}

/// `all` cut into consecutive runs of `lens`.
pub(super) fn split_runs<'a, T>(all: &'a mut [T], lens: &[usize]) -> Vec<&'a mut [T]> {
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

/// A slice written from several threads at positions that never coincide.
pub(super) struct DisjointSlots<'a, T> {
    ptr: *mut T,
    len: usize,
    _slice: std::marker::PhantomData<&'a mut [T]>,
}

// SAFETY: callers of `write` guarantee that no two threads write the same position, and
// nothing reads the slice while it is borrowed here.
unsafe impl<T: Send> Sync for DisjointSlots<'_, T> {}

impl<'a, T: Copy> DisjointSlots<'a, T> {
    pub(super) fn new(slice: &'a mut [T]) -> Self {
        DisjointSlots {
            ptr: slice.as_mut_ptr(),
            len: slice.len(),
            _slice: std::marker::PhantomData,
        }
    }

    /// # Safety
    /// No other thread writes position `at` while this borrow lasts.
    pub(super) unsafe fn write(&self, at: usize, value: T) {
        assert!(at < self.len, "slot {at} beyond {}", self.len);
        // SAFETY: in bounds (checked); exclusive per the caller's promise.
        unsafe { self.ptr.add(at).write(value) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
