//! A catalog's objects ordered once for level of detail: grouped by cell, by priority
//! within a cell, so that every view draws leading runs of one upload. Stored in the
//! disk cache with the count map made on the way.

use std::ops::Deref;
use std::ops::DerefMut;
use std::ops::Range;

use rayon::prelude::*;

use super::grouping::{
    DisjointSlots, GroupLayout, cells_and_priorities, count_map, split_runs, sub_cell,
};
use super::{GROUP_DEPTH, LodGroups, MAX_COUNT_DEPTH};
use crate::data::cache::MappedBlob;
use crate::data::column_buffer::ColumnBuffer;
use crate::data::{Catalog, HealpixMap};
use crate::sky::Frame;

/// Where the rows start in [`LodOrder::to_bytes`]: after three counts and the count
/// depth, padded so that rows in a blob (payload 8-aligned) can be used in place.
const ROWS_AT: usize = 32;

/// A catalog's objects ordered for level of detail, and where each cell's run starts.
pub struct LodOrder {
    /// Catalog rows in upload order (read in place from the disk cache when it had them).
    pub rows: ColumnBuffer<u32>,
    /// The groups: each cell's run of positions in `rows`.
    pub groups: LodGroups,
}

/// An order draws as its groups do.
impl Deref for LodOrder {
    type Target = LodGroups;
    fn deref(&self) -> &LodGroups {
        &self.groups
    }
}

impl DerefMut for LodOrder {
    fn deref_mut(&mut self) -> &mut LodGroups {
        &mut self.groups
    }
}

impl LodOrder {
    /// The order alone, hashed at [`GROUP_DEPTH`]: for layers whose counts come from
    /// elsewhere (a HATS catalog's skymap counts every row, not the sample ordered).
    pub fn new(cat: &Catalog) -> LodOrder {
        Self::ordered(cat, GROUP_DEPTH, false).0
    }

    /// The order, and the objects counted per cell at `count_depth` (between
    /// [`GROUP_DEPTH`] and [`MAX_COUNT_DEPTH`]) as a map, from one hashing pass and one
    /// counting sort on all cores: a group's run is then sorted by priority and its
    /// sub-cells tallied.
    pub fn with_counts(cat: &Catalog, count_depth: u8) -> (LodOrder, HealpixMap) {
        let count_depth = count_depth.clamp(GROUP_DEPTH, MAX_COUNT_DEPTH);
        let (order, mut sub_cells) = Self::ordered(cat, count_depth, true);
        let shift = 2 * (count_depth - GROUP_DEPTH) as u32;
        let counts = count_map(&mut sub_cells, order.cells(), shift);
        (order, counts)
    }

    /// The order of objects hashed at `count_depth`, and (if `counted`; else none) each
    /// object's sub-cell within its group, in the order's positions.
    fn ordered(cat: &Catalog, count_depth: u8, counted: bool) -> (LodOrder, Vec<u16>) {
        let shift = 2 * (count_depth - GROUP_DEPTH) as u32;
        let (cells, priorities) = cells_and_priorities(cat, count_depth);
        let layout = GroupLayout::new(&cells, shift);
        let groups = layout.groups();
        // Per object, in group order: priority in the high 32 bits, row in the low; and
        // its sub-cell within the group.
        let mut keys = vec![0u64; cells.len()];
        let mut sub_cells = vec![0u16; if counted { cells.len() } else { 0 }];
        {
            let key_slots = DisjointSlots::new(&mut keys);
            let sub_slots = counted.then(|| DisjointSlots::new(&mut sub_cells));
            layout.scatter(&cells, |at, row, cell| {
                // SAFETY: the layout gives every object its own position.
                unsafe {
                    key_slots.write(at, (priorities[row] as u64) << 32 | row as u64);
                    if let Some(subs) = &sub_slots {
                        subs.write(at, sub_cell(cell, shift));
                    }
                }
            });
        }
        drop((cells, priorities));
        let lens: Vec<usize> = groups.iter().map(|(_, r)| r.len()).collect();
        split_runs(&mut keys, &lens)
            .into_par_iter()
            .for_each(|run| run.sort_unstable());
        let order = LodOrder {
            // The low half of a key is its row.
            rows: keys
                .par_iter()
                .map(|&k| k as u32)
                .collect::<Vec<_>>()
                .into(),
            groups: LodGroups::new(groups),
        };
        (order, sub_cells)
    }

    /// The order and counts as bytes, for the disk cache.
    pub fn to_bytes(&self, counts: &HealpixMap) -> Vec<u8> {
        let mut out = Vec::new();
        for n in [self.rows.len(), self.cells().len(), counts.cells.len()] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        out.push(counts.depth);
        out.resize(ROWS_AT, 0);
        out.extend_from_slice(bytemuck::cast_slice(&self.rows[..]));
        for (cell, r) in self.cells() {
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
            groups: LodGroups::new(cells),
        };
        Some((order, counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::demo::{DemoConfig, DemoSurvey};

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
        for (cell, r) in lod.cells().iter().step_by(97) {
            for p in r.clone() {
                let row = lod.rows[p as usize] as usize;
                let (ra, dec) = (s.galaxies.ra(row), s.galaxies.dec(row));
                assert_eq!(layer.hash(ra.to_radians(), dec.to_radians()), *cell);
            }
        }
        // Without counts (a HATS sample's order), the same order and groups.
        let alone = LodOrder::new(&s.galaxies);
        assert_eq!(alone.rows[..], lod.rows[..]);
        assert_eq!(alone.cells(), lod.cells());
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
        assert_eq!(lod2.cells(), lod.cells());
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
        let first = &lod.cells()[0];
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
        for (_, r) in lod.cells() {
            let snrs: Vec<f64> = (r.start..r.end)
                .map(|p| s.merged.snr(lod.rows[p as usize] as usize))
                .collect();
            assert!(snrs.windows(2).all(|w| w[0] >= w[1]), "{snrs:?}");
        }
    }
}
