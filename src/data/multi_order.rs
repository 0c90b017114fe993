//! Cells of several depths (multi-order maps, MOCs) as one map at the deepest depth whose
//! expansion fits in memory; finer cells merge into their parents, weighted by area.

use crate::data::HealpixMap;
use crate::sky::Frame;

/// Cells a multi-order map may expand to (67M: 268 MB of values).
pub const MAX_EXPANDED_CELLS: u64 = 1 << 26;

/// The map of `entries` (depth, NESTED index, value).
pub fn multi_order_map(entries: &[(u8, u64, f32)], frame: Frame, value_name: String) -> HealpixMap {
    let max_depth = entries.iter().map(|e| e.0).max().unwrap_or(0);
    // The deepest depth whose expansion fits.
    let mut depth = max_depth;
    while depth > 0
        && entries
            .iter()
            .map(|e| 1u64 << (2 * depth.saturating_sub(e.0) as u64))
            .sum::<u64>()
            > MAX_EXPANDED_CELLS
    {
        depth -= 1;
    }
    let mut acc: std::collections::BTreeMap<u64, (f64, f64)> = std::collections::BTreeMap::new();
    let mut cells = Vec::new();
    let mut values = Vec::new();
    for &(d, index, v) in entries {
        if d <= depth {
            let shift = 2 * (depth - d) as u64;
            for c in (index << shift)..((index + 1) << shift) {
                cells.push(c);
                values.push(v);
            }
        } else {
            // Finer than the chosen depth: merge into the parent, weighted by area.
            let w = 1.0 / (1u64 << (2 * (d - depth) as u64)) as f64;
            let e = acc
                .entry(index >> (2 * (d - depth) as u64))
                .or_insert((0.0, 0.0));
            e.0 += v as f64 * w;
            e.1 += w;
        }
    }
    for (c, (sum, w)) in acc {
        cells.push(c);
        values.push((sum / w) as f32);
    }
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by_key(|&i| cells[i]);
    order.dedup_by_key(|i| cells[*i]);
    HealpixMap {
        depth,
        frame,
        value_name,
        cells: order.iter().map(|&i| cells[i]).collect(),
        values: order.iter().map(|&i| values[i]).collect(),
    }
}
