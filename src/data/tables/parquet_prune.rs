//! What a filter rules out of a Parquet file before its rows are decoded: row groups
//! whose statistics show that no row can pass (a redshift or SNR range, the area's
//! HEALPix cells against the `_healpix_29` column's), and, in a row group sorted by
//! `_healpix_29` (hats-import writes its partitions so), the rows outside the area's
//! cells. Conservative: only rows the filter would drop are left out; the rows read are
//! filtered exactly as before, so the result is the same as a full read.

use std::borrow::Cow;
use std::fs::File;
use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::{Array, types};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReaderBuilder, RowSelection,
};
use parquet::file::metadata::RowGroupMetaData;
use parquet::file::statistics::Statistics;

use crate::data::catalog::Roles;
use crate::data::load_options::Pushdown;
use crate::data::sky_area::Area;

/// The HATS column of each row's HEALPix cell at order 29.
const CELL_COLUMN: &str = "_healpix_29";
const CELL_ORDER: u8 = 29;
/// The area's cells are about this many times finer than its extent: finer leaves fewer
/// rows at its edge to read and drop, coarser makes fewer ranges to look up.
const CELLS_ACROSS: f64 = 256.0;
/// Rows decoded at a time while looking for the area's rows; a file whose first batch is
/// out of cell order (clusterviz's spread order) costs no more than that batch.
const CELL_BATCH: usize = 1 << 13;

/// A file's statistics and cell column, against one filter.
pub struct Pruner<'a> {
    meta: &'a ArrowReaderMetadata,
    /// (leaf column, lowest, highest): a row whose value lies outside is dropped.
    bounds: Vec<(usize, f64, f64)>,
    /// The `_healpix_29` leaf and the area's cells at order 29, sorted and disjoint.
    cells: Option<(usize, Cow<'a, [Range<u64>]>)>,
}

impl<'a> Pruner<'a> {
    /// What `filter` can rule out of the file described by `meta`, whose columns play
    /// `roles`; without an area in `filter`, rows outside `read_cells` (order 29, sorted,
    /// disjoint) are left unread in the same way.
    pub fn new(
        meta: &'a ArrowReaderMetadata,
        roles: &Roles,
        filter: &Pushdown,
        read_cells: Option<&'a [Range<u64>]>,
    ) -> Pruner<'a> {
        let mut bounds = Vec::new();
        let mut bound = |name: &Option<String>, lo: Option<f64>, hi: Option<f64>| {
            if lo.is_none() && hi.is_none() {
                return;
            }
            if let Some(leaf) = name.as_deref().and_then(|n| signed_leaf(meta, n)) {
                let lo = lo.unwrap_or(f64::NEG_INFINITY);
                bounds.push((leaf, lo, hi.unwrap_or(f64::INFINITY)));
            }
        };
        bound(&roles.z, filter.z_min, filter.z_max);
        bound(&roles.snr, filter.snr_min, None);
        let cells = cell_leaf(meta).and_then(|leaf| {
            let cells = match Area::of(filter, Area::depth_across(filter, CELLS_ACROSS)) {
                Some(area) => Cow::Owned(area.ranges_at(CELL_ORDER)),
                None => Cow::Borrowed(read_cells?),
            };
            Some((leaf, cells))
        });
        Pruner {
            meta,
            bounds,
            cells,
        }
    }

    /// Whether rows may be left out for their cells (an area, or cells to read).
    pub fn narrows_by_cell(&self) -> bool {
        self.cells.is_some()
    }

    /// Whether row group `g` can hold a row the filter keeps, by its statistics.
    pub fn may_keep(&self, g: usize) -> bool {
        let group = self.meta.metadata().row_group(g);
        let values_fit = self.bounds.iter().all(|&(leaf, lo, hi)| {
            // NaN bounds compare false: such statistics rule nothing out.
            value_range(group, leaf).is_none_or(|(min, max)| !(max < lo || min > hi))
        });
        let cells_fit = self.cells.as_ref().is_none_or(|(leaf, area)| {
            cell_range(group, *leaf).is_none_or(|cells| overlapping(area, &cells).next().is_some())
        });
        values_fit && cells_fit
    }

    /// The rows of row group `g` (of the file open as `file`) in the area's cells, when
    /// its rows are sorted by `_healpix_29` and not all of them are in the area; `None`
    /// when every row must be read.
    pub fn rows_in_area(
        &self,
        g: usize,
        file: File,
    ) -> Result<Option<RowSelection>, parquet::errors::ParquetError> {
        let Some((leaf, area)) = &self.cells else {
            return Ok(None);
        };
        let group = self.meta.metadata().row_group(g);
        // All the group's cells in one of the area's ranges: every row is in the area.
        if let Some(cells) = cell_range(group, *leaf)
            && area
                .iter()
                .any(|r| r.start <= cells.start && cells.end <= r.end)
        {
            return Ok(None);
        }
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
            .with_row_groups(vec![g])
            .with_projection(ProjectionMask::leaves(self.meta.parquet_schema(), [*leaf]))
            .with_batch_size(CELL_BATCH)
            .build()?;
        let rows = group.num_rows().max(0) as usize;
        let mut cells: Vec<u64> = Vec::with_capacity(rows);
        for batch in reader {
            let batch = batch?;
            let column = batch.column(0);
            if column.null_count() > 0 {
                return Ok(None);
            }
            let start = cells.len();
            match column.data_type() {
                DataType::Int64 => cells.extend(
                    column
                        .as_primitive::<types::Int64Type>()
                        .values()
                        .iter()
                        .map(|&c| c as u64),
                ),
                DataType::UInt64 => cells.extend(
                    column
                        .as_primitive::<types::UInt64Type>()
                        .values()
                        .iter()
                        .copied(),
                ),
                _ => return Ok(None),
            }
            // Out of cell order (a spread order, or a file sorted otherwise): every row.
            let checked = start.saturating_sub(1);
            if cells[checked..].windows(2).any(|w| w[0] > w[1]) {
                return Ok(None);
            }
        }
        if cells.len() != rows {
            return Ok(None);
        }
        let (Some(&first), Some(&last)) = (cells.first(), cells.last()) else {
            return Ok(None);
        };
        let ranges = overlapping(area, &(first..last + 1)).map(|r| {
            cells.partition_point(|&c| c < r.start)..cells.partition_point(|&c| c < r.end)
        });
        Ok(Some(RowSelection::from_consecutive_ranges(ranges, rows)))
    }
}

/// The area's ranges that overlap `cells`.
fn overlapping<'r>(
    area: &'r [Range<u64>],
    cells: &Range<u64>,
) -> impl Iterator<Item = &'r Range<u64>> + use<'r> {
    let from = area.partition_point(|r| r.end <= cells.start);
    let end = cells.end;
    area[from..].iter().take_while(move |r| r.start < end)
}

/// The leaf of the top-level column `name`, if its values compare as signed numbers
/// (floats and signed integers; unsigned statistics are not compared here).
fn signed_leaf(meta: &ArrowReaderMetadata, name: &str) -> Option<usize> {
    let field = meta.schema().field_with_name(name).ok()?;
    let signed = matches!(
        field.data_type(),
        DataType::Float32
            | DataType::Float64
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
    );
    signed.then(|| leaf_of(meta, name)).flatten()
}

/// The leaf of the `_healpix_29` column, if the file has one of 64-bit integers.
fn cell_leaf(meta: &ArrowReaderMetadata) -> Option<usize> {
    let field = meta.schema().field_with_name(CELL_COLUMN).ok()?;
    matches!(field.data_type(), DataType::Int64 | DataType::UInt64)
        .then(|| leaf_of(meta, CELL_COLUMN))
        .flatten()
}

fn leaf_of(meta: &ArrowReaderMetadata, name: &str) -> Option<usize> {
    let schema = meta.parquet_schema();
    (0..schema.num_columns()).find(|&j| schema.column(j).path().string() == name)
}

/// The lowest and highest value the statistics give for a numeric leaf.
fn value_range(group: &RowGroupMetaData, leaf: usize) -> Option<(f64, f64)> {
    Some(match group.column(leaf).statistics()? {
        Statistics::Double(s) => (*s.min_opt()?, *s.max_opt()?),
        Statistics::Float(s) => (f64::from(*s.min_opt()?), f64::from(*s.max_opt()?)),
        Statistics::Int32(s) => (f64::from(*s.min_opt()?), f64::from(*s.max_opt()?)),
        Statistics::Int64(s) => (*s.min_opt()? as f64, *s.max_opt()? as f64),
        _ => return None,
    })
}

/// The cells the statistics give for the `_healpix_29` leaf, as a half-open range.
fn cell_range(group: &RowGroupMetaData, leaf: usize) -> Option<Range<u64>> {
    match group.column(leaf).statistics()? {
        Statistics::Int64(s) => {
            let (min, max) = (*s.min_opt()?, *s.max_opt()?);
            (0 <= min && min <= max).then(|| min as u64..max as u64 + 1)
        }
        _ => None,
    }
}
