//! The order an import writes a partition's rows in: taken from their order along the
//! HEALPix curve (sorted by `_healpix_29`) by bit-reversed rank, so that the first 2^j
//! rows are every (n/2^j)-th along the curve. Any prefix of the file is then an even
//! sample of the partition's sky, and a reader wanting k rows reads the first pages only.

/// Ranks 0..n in spread order: a permutation of 0..n.
pub fn spread_order(n: usize) -> Vec<usize> {
    if n <= 1 {
        return (0..n).collect();
    }
    let bits = usize::BITS - (n - 1).leading_zeros();
    (0..1usize << bits)
        .map(|i| i.reverse_bits() >> (usize::BITS - bits))
        .filter(|&r| r < n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_is_spread_over_the_ranks() {
        assert_eq!(spread_order(8), vec![0, 4, 2, 6, 1, 5, 3, 7]);
        for n in [1, 2, 5, 1000, 4097] {
            let order = spread_order(n);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "a permutation of {n}");
        }
        // The first 64 of 100 000 ranks: no gap between them over twice the even one.
        let order = spread_order(100_000);
        let mut head = order[..64].to_vec();
        head.sort_unstable();
        let widest = head.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(widest <= 2 * 100_000 / 64, "gap {widest}");
    }
}
