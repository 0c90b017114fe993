//! A column cut into disjoint stretches, one for each piece of a file decoded on its own
//! core (a Parquet row group): each piece writes its rows where they belong, so the
//! column is filled in place, never assembled from copies of decoded blocks.

use crate::data::ColumnData;

/// The rows of one column a piece writes: a typed window into the column.
pub enum Stretch<'a> {
    F64(&'a mut [f64]),
    F32(&'a mut [f32]),
    I64(&'a mut [i64]),
    I16(&'a mut [i16]),
    U64(&'a mut [u64]),
}

/// `v` made `len` long, new values zero. An empty vector is allocated zeroed (`vec!` of
/// zeros): fresh pages are then faulted in by whichever thread first writes them, not
/// all by this one writing zeros (`resize` does; 17 % of a cold 10M-row figure).
fn grow_zeroed<T: Copy + Default>(v: &mut Vec<T>, len: usize) {
    if v.is_empty() {
        *v = vec![T::default(); len];
    } else {
        v.resize(len, T::default());
    }
}

impl ColumnData {
    /// Makes the column `len` rows long, the new rows zero (fresh memory, which the
    /// allocator hands out zeroed, is then touched only by the rows written).
    pub fn resize_zeroed(&mut self, len: usize) {
        match self {
            ColumnData::F64(v) => grow_zeroed(v.vec_mut(), len),
            ColumnData::F32(v) => grow_zeroed(v.vec_mut(), len),
            ColumnData::I64(v) => grow_zeroed(v.vec_mut(), len),
            ColumnData::I16(v) => grow_zeroed(v.vec_mut(), len),
            ColumnData::U64(v) => grow_zeroed(v.vec_mut(), len),
        }
    }

    /// The column cut into consecutive stretches of `lens` rows, from its first row
    /// (rows past their sum are in none; a length past the column's end is cut short).
    pub fn stretches(&mut self, lens: &[usize]) -> Vec<Stretch<'_>> {
        fn cut<'a, T>(
            mut rest: &'a mut [T],
            lens: &[usize],
            wrap: fn(&'a mut [T]) -> Stretch<'a>,
        ) -> Vec<Stretch<'a>> {
            lens.iter()
                .map(|&n| {
                    let k = n.min(rest.len());
                    let (head, tail) = std::mem::take(&mut rest).split_at_mut(k);
                    rest = tail;
                    wrap(head)
                })
                .collect()
        }
        match self {
            ColumnData::F64(v) => cut(v.vec_mut(), lens, Stretch::F64),
            ColumnData::F32(v) => cut(v.vec_mut(), lens, Stretch::F32),
            ColumnData::I64(v) => cut(v.vec_mut(), lens, Stretch::I64),
            ColumnData::I16(v) => cut(v.vec_mut(), lens, Stretch::I16),
            ColumnData::U64(v) => cut(v.vec_mut(), lens, Stretch::U64),
        }
    }
}

impl Stretch<'_> {
    /// Rows the stretch holds.
    pub fn len(&self) -> usize {
        match self {
            Stretch::F64(s) => s.len(),
            Stretch::F32(s) => s.len(),
            Stretch::I64(s) => s.len(),
            Stretch::I16(s) => s.len(),
            Stretch::U64(s) => s.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes `rows` from row `at` of the stretch: false (nothing written) when they are
    /// of another type or run past its end.
    pub fn write(&mut self, at: usize, rows: &ColumnData) -> bool {
        fn put<T: Copy>(dst: &mut [T], at: usize, src: &[T]) -> bool {
            let end = at.checked_add(src.len());
            match end.and_then(|end| dst.get_mut(at..end)) {
                Some(window) => {
                    window.copy_from_slice(src);
                    true
                }
                None => false,
            }
        }
        match (self, rows) {
            (Stretch::F64(d), ColumnData::F64(s)) => put(d, at, s),
            (Stretch::F32(d), ColumnData::F32(s)) => put(d, at, s),
            (Stretch::I64(d), ColumnData::I64(s)) => put(d, at, s),
            (Stretch::I16(d), ColumnData::I16(s)) => put(d, at, s),
            (Stretch::U64(d), ColumnData::U64(s)) => put(d, at, s),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn pieces_written_in_parallel_fill_their_own_rows() {
        let mut col = ColumnData::F64(Vec::new().into());
        col.resize_zeroed(10);
        let lens = [3, 0, 4, 3];
        let starts = [0.0, 3.0, 3.0, 7.0];
        col.stretches(&lens)
            .into_par_iter()
            .zip(starts)
            .for_each(|(mut s, first)| {
                // Each piece in two blocks, as batches come.
                let n = s.len();
                let rows: Vec<f64> = (0..n).map(|i| first + i as f64).collect();
                let (a, b) = rows.split_at(n / 2);
                assert!(s.write(0, &ColumnData::F64(a.to_vec().into())));
                assert!(s.write(a.len(), &ColumnData::F64(b.to_vec().into())));
            });
        let ColumnData::F64(v) = &col else {
            panic!("f64")
        };
        assert_eq!(&v[..], &(0..10).map(f64::from).collect::<Vec<_>>()[..]);
    }

    #[test]
    fn rows_of_another_type_or_past_the_end_are_refused() {
        let mut col = ColumnData::I64(Vec::new().into());
        col.resize_zeroed(4);
        let mut parts = col.stretches(&[2, 2]);
        assert!(!parts[0].write(0, &ColumnData::F64(vec![1.0].into())));
        assert!(!parts[0].write(1, &ColumnData::I64(vec![1, 2].into())));
        assert!(!parts[1].write(usize::MAX, &ColumnData::I64(vec![1].into())));
        assert!(parts[1].write(1, &ColumnData::I64(vec![7].into())));
        drop(parts);
        assert_eq!(col.get_f64(3), 7.0);
        assert_eq!(col.get_f64(0), 0.0);
        // Lengths past the end are cut short.
        assert_eq!(
            col.stretches(&[3, 3])
                .iter()
                .map(Stretch::len)
                .collect::<Vec<_>>(),
            [3, 1]
        );
    }
}
