//! Which partitions an import writes, from the rows' counts at the deepest order: cells
//! holding at most the row limit, as hats-import aligns them, no shallower than the
//! lowest order asked; a deepest-order cell over the limit is one partition all the
//! same (hats-import refuses it), and empty cells are in none.

/// Rows per cell at `order` (NESTED), filled as rows are mapped.
pub struct Histogram {
    pub order: u8,
    pub counts: Vec<u64>,
}

impl Histogram {
    pub fn new(order: u8) -> Histogram {
        Histogram {
            order,
            counts: vec![0; 12 << (2 * u32::from(order))],
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// The partitions (order, pixel), sorted by order then pixel, and the rows of each.
///
/// As hats-import aligns them (with its defaults): partitions are no deeper than the
/// shallowest order whose every cell fits the limit; from there, bottom-up, the four
/// children of a cell are merged into it when together they hold at most `max_rows` and
/// more than one of them holds rows, so an isolated clump keeps a small partition
/// instead of a big, mostly empty one.
pub fn plan_partitions(h: &Histogram, max_rows: u64, lowest_order: u8) -> Vec<(u8, u64, u64)> {
    let deepest = h.order;
    let lowest = lowest_order.min(deepest);
    // Rows per cell at every order from the lowest to the deepest.
    // (The deepest order's are the histogram's own, not copied.)
    let mut coarser: Vec<Vec<u64>> = vec![Vec::new(); usize::from(deepest)];
    for order in (lowest..deepest).rev() {
        let finer: &[u64] = if order + 1 == deepest {
            &h.counts
        } else {
            &coarser[usize::from(order) + 1]
        };
        let sums = finer.chunks(4).map(|q| q.iter().sum()).collect();
        coarser[usize::from(order)] = sums;
    }
    let sums = |order: u8| -> &[u64] {
        if order == h.order {
            &h.counts
        } else {
            &coarser[usize::from(order)]
        }
    };
    // Partitions go no deeper than needed: down from the deepest order, as long as
    // every cell at an order fits the limit, its cells can be the deepest partitions.
    let mut effective = deepest;
    for order in (lowest + 1..=deepest).rev() {
        if sums(order).iter().any(|&n| n > max_rows) {
            break;
        }
        effective = order;
    }
    let deepest = effective;
    // The order each deepest cell's partition has (-1: an empty cell, in none).
    let mut order_of: Vec<i8> = sums(deepest)
        .iter()
        .map(|&n| if n > 0 { deepest as i8 } else { -1 })
        .collect();
    for order in (lowest..deepest).rev() {
        let finer = sums(order + 1);
        let span = 1usize << (2 * u32::from(deepest - order));
        for (cell, &sum) in sums(order).iter().enumerate() {
            let max = finer[cell * 4..cell * 4 + 4]
                .iter()
                .copied()
                .max()
                .unwrap_or(0);
            if sum != max && sum <= max_rows {
                order_of[cell * span..(cell + 1) * span].fill(order as i8);
            }
        }
    }
    let mut out: Vec<(u8, u64, u64)> = Vec::new();
    for (cell, &k) in order_of.iter().enumerate() {
        let Ok(order) = u8::try_from(k) else { continue };
        let pixel = (cell as u64) >> (2 * u32::from(deepest - order));
        if out
            .last()
            .is_some_and(|&(o, p, _)| (o, p) == (order, pixel))
        {
            continue;
        }
        out.push((order, pixel, sums(order)[pixel as usize]));
    }
    out.sort_by_key(|&(k, p, _)| (k, p));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_merge_up_to_the_limit_unless_only_one_holds_rows() {
        let mut h = Histogram::new(2);
        // Base cell 0: 10 rows spread over its 16 children; cell 5: 100 rows in one
        // order-2 cell (more than the limit, but as deep as the plan goes).
        for c in 0..10 {
            h.counts[c] = 1;
        }
        h.counts[5 * 16 + 3] = 100;
        let plan = plan_partitions(&h, 10, 0);
        assert_eq!(plan, vec![(0, 0, 10), (2, 83, 100)]);
        // A limit of 4: cell 0 splits into children 0 (4 rows: cells 0-3), 1 (4 rows)
        // and 2 (2 rows); cell 5 goes down to its full order-2 cell.
        let plan = plan_partitions(&h, 4, 0);
        assert_eq!(plan, vec![(1, 0, 4), (1, 1, 4), (1, 2, 2), (2, 83, 100)]);
        // The lowest order keeps partitions at least that deep; cell 83 is the only one
        // of its siblings with rows, so it stays as small as it is.
        let plan = plan_partitions(&h, 1000, 1);
        assert_eq!(plan, vec![(1, 0, 4), (1, 1, 4), (1, 2, 2), (2, 83, 100)]);
        // A generous limit: every order-1 cell fits, so none goes deeper than order 1.
        let plan = plan_partitions(&h, 1000, 0);
        assert_eq!(plan, vec![(0, 0, 10), (1, 20, 100)]);
        let total: u64 = plan.iter().map(|p| p.2).sum();
        assert_eq!(total, h.total());
    }
}
