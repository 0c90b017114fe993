//! Catalog rows written as Parquet (snappy, as pyarrow writes by default): the columns
//! with their types (integers stay integers), their units in the Arrow fields' metadata.
//! HATS imports write their partitions with it; a file is written whole or not at all.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, Float32Array, Float64Array, Int16Array, Int64Array, RecordBatch, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::data::{Catalog, ColumnData};
use crate::error::{Error, Result};
use crate::fsutil::write_atomically;

/// Rows per data page (at most; pyarrow's pages hold ~1 MB, 128k doubles).
const PAGE_ROWS: usize = 8192;

/// Rows of the first row group when groups double ([`RowGroups::Doubling`]).
const FIRST_GROUP_ROWS: usize = 256;

/// How a file's rows are cut into row groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowGroups {
    /// As the writer cuts them (up to 1M rows a group).
    Default,
    /// Groups of 256, 512, 1024, ... rows. Parquet lays a group's columns side by side,
    /// so a file's first rows, every column of them, lie in one short stretch of the
    /// file: a reader sampling a prefix of thousands of files (clusterviz's HATS imports,
    /// whose every prefix is an even sample) makes one small read per file, not one
    /// page per column.
    Doubling,
}

/// A column to write before the catalog's own (HATS's `_healpix_29`).
pub struct LeadingColumn<'a> {
    pub name: &'a str,
    pub values: &'a [i64],
}

/// The Arrow schema of `cat`'s columns, after `leading` if given.
fn schema_of(cat: &Catalog, leading: Option<&str>) -> Arc<Schema> {
    let mut fields: Vec<Field> = leading
        .map(|name| Field::new(name, DataType::Int64, false))
        .into_iter()
        .collect();
    for c in &cat.columns {
        let ty = match c.data {
            ColumnData::F64(_) => DataType::Float64,
            ColumnData::F32(_) => DataType::Float32,
            ColumnData::I64(_) => DataType::Int64,
            ColumnData::I16(_) => DataType::Int16,
            ColumnData::U64(_) => DataType::UInt64,
        };
        let mut field = Field::new(c.name.as_str(), ty, false);
        if !c.unit.is_empty() {
            field = field.with_metadata(HashMap::from([("unit".to_string(), c.unit.clone())]));
        }
        fields.push(field);
    }
    Arc::new(Schema::new(fields))
}

/// Writes the rows `rows` of `cat` (in that order), after `leading`'s values (one per
/// row of `rows`), to `path` as Parquet, in row groups cut as `groups` says.
pub fn write_parquet_rows(
    cat: &Catalog,
    rows: &[usize],
    leading: Option<LeadingColumn>,
    groups: RowGroups,
    path: &Path,
) -> Result<()> {
    write_noted_parquet_rows(cat, rows, leading, groups, HashMap::new(), path)
}

/// As [`write_parquet_rows`], with `notes` in the file's key-value metadata (what a
/// reader of the file needs to know about its rows).
pub fn write_noted_parquet_rows(
    cat: &Catalog,
    rows: &[usize],
    leading: Option<LeadingColumn>,
    groups: RowGroups,
    notes: HashMap<String, String>,
    path: &Path,
) -> Result<()> {
    let schema = schema_of(cat, leading.as_ref().map(|l| l.name));
    let schema = if notes.is_empty() {
        schema
    } else {
        Arc::new(schema.as_ref().clone().with_metadata(notes))
    };
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    if let Some(l) = &leading {
        arrays.push(Arc::new(Int64Array::from(l.values.to_vec())));
    }
    for c in &cat.columns {
        arrays.push(match c.data.gather(rows) {
            ColumnData::F64(v) => Arc::new(Float64Array::from(v.into_vec())) as ArrayRef,
            ColumnData::F32(v) => Arc::new(Float32Array::from(v.into_vec())),
            ColumnData::I64(v) => Arc::new(Int64Array::from(v.into_vec())),
            ColumnData::I16(v) => Arc::new(Int16Array::from(v.into_vec())),
            ColumnData::U64(v) => Arc::new(UInt64Array::from(v.into_vec())),
        });
    }
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| Error::file(path, format!("Parquet write failed: {e}")))?;
    let batches: Vec<RecordBatch> = match groups {
        RowGroups::Default => vec![batch],
        RowGroups::Doubling => doubling_spans(batch.num_rows())
            .map(|(start, len)| batch.slice(start, len))
            .collect(),
    };
    write_batches(&schema, batches.into_iter(), path)
}

/// (first row, rows) of row groups doubling from [`FIRST_GROUP_ROWS`] over `n` rows.
fn doubling_spans(n: usize) -> impl Iterator<Item = (usize, usize)> {
    let mut start = 0;
    let mut size = FIRST_GROUP_ROWS;
    std::iter::from_fn(move || {
        (start < n).then(|| {
            let span = (start, size.min(n - start));
            start += span.1;
            size *= 2;
            span
        })
    })
}

/// Writes a Parquet file holding `schema` and no rows (HATS's `_common_metadata`).
pub fn write_parquet_schema(schema: &Arc<Schema>, path: &Path) -> Result<()> {
    write_batches(schema, std::iter::empty(), path)
}

/// Writes `batches` to `path`, each batch a row group of its own (the writer cuts one
/// further when it holds over 1M rows).
fn write_batches(
    schema: &Arc<Schema>,
    batches: impl Iterator<Item = RecordBatch>,
    path: &Path,
) -> Result<()> {
    write_atomically(path, |tmp| {
        let err = |e: parquet::errors::ParquetError| {
            Error::file(path, format!("Parquet write failed: {e}"))
        };
        let file =
            File::create(tmp).map_err(|e| Error::file(path, format!("cannot write: {e}")))?;
        // Small pages and no dictionary (a dictionary page comes first and fills to
        // 1 MB on measured values): a reader wanting a file's first rows reads little.
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(false)
            .set_data_page_row_count_limit(PAGE_ROWS)
            .build();
        let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(err)?;
        for batch in batches {
            writer.write(&batch).map_err(err)?;
            writer.flush().map_err(err)?;
        }
        writer.close().map_err(err)?;
        Ok(())
    })
}
