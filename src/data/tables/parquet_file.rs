//! Single Parquet files (as pyarrow, pandas, astropy, DuckDB or Spark write them): every
//! numeric top-level column, read row group by row group, several row groups at a time
//! on all cores, only the kept columns decoded (a projection mask). Units and UCDs come
//! from astropy's `table_meta_yaml` when the writer left it, and its `X.mask` columns
//! mark X's missing values.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow_array::{Array, ArrayRef, RecordBatch, cast::AsArray, types};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection,
    RowSelector,
};
use parquet::file::metadata::PageIndexPolicy;
use rayon::prelude::*;

use crate::data::catalog::Storage;
use crate::data::column_stretch::Stretch;
use crate::data::decoder_guard::guarded;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::ecsv_header::parse_header;
use crate::data::tables::parquet_bytes::{FileWindow, prefix_stretch, read_footer};
use crate::data::tables::parquet_prune::Pruner;
use crate::data::tables::table_load::{ColumnMeta, TableLoad};
use crate::data::{Catalog, ColumnData};
use crate::error::{Error, Result};

/// Reads the catalog of a Parquet file.
pub fn read_parquet(path: &Path, name: &str, opts: &LoadOptions) -> Result<(Catalog, LoadReport)> {
    let pick = match &opts.rows {
        Some(window) => RowPick::Window(window.start, window.end),
        None => RowPick::All,
    };
    read_parquet_rows(&ParquetFooter::open(path)?, name, opts, pick)
}

/// Which rows of a Parquet file to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowPick {
    All,
    /// Rows 0, k, 2k, ...: an even sample of rows sorted along a space-filling curve
    /// (hats-import's partitions, by `_healpix_29`). The rows left out are decoded from
    /// their pages but never made into columns.
    Every(u64),
    /// The first n rows: a sample of a file whose rows are in an order that spreads
    /// every prefix (clusterviz's imports); only the pages holding them are read.
    First(u64),
    /// Rows start..end (an import's piece of a big file): only the row groups and pages
    /// holding them are read.
    Window(u64, u64),
}

/// A Parquet file's footer, read once: what it says of the file (rows, columns), and
/// what its rows are then read with. The offset index is loaded where the writer left
/// one, so that a prefix skips the rest of each column without reading its pages.
#[derive(Clone, Debug)]
pub struct ParquetFooter {
    path: PathBuf,
    meta: ArrowReaderMetadata,
}

impl ParquetFooter {
    pub fn open(path: &Path) -> Result<ParquetFooter> {
        let file = open_file(path)?;
        let options = ArrowReaderOptions::new().with_offset_index_policy(PageIndexPolicy::Optional);
        let meta = guarded(|| {
            read_footer(&file).and_then(|m| ArrowReaderMetadata::try_new(Arc::new(m), options))
        })
        .map_err(|m| Error::file(path, format!("Parquet: the footer is corrupt ({m})")))?
        .map_err(|e| Error::file(path, format!("Parquet: {e}")))?;
        Ok(ParquetFooter {
            path: path.to_path_buf(),
            meta,
        })
    }

    pub fn rows(&self) -> u64 {
        self.meta.metadata().file_metadata().num_rows().max(0) as u64
    }

    /// The bytes its columns take decoded (as the writer counted them).
    pub fn uncompressed_bytes(&self) -> u64 {
        let groups = self.meta.metadata().row_groups();
        groups
            .iter()
            .map(|g| g.total_byte_size().max(0) as u64)
            .sum()
    }

    /// Name and Arrow type of each column.
    pub fn columns(&self) -> Vec<(String, String)> {
        self.schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().to_string()))
            .collect()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema(&self) -> &arrow_schema::SchemaRef {
        self.meta.schema()
    }

    /// The footer as Parquet gives it (row groups, offset index).
    pub fn metadata(&self) -> &parquet::file::metadata::ParquetMetaData {
        self.meta.metadata()
    }
}

/// Reads the rows `pick` names of the Parquet file whose footer is `footer`.
pub fn read_parquet_rows(
    footer: &ParquetFooter,
    name: &str,
    opts: &LoadOptions,
    pick: RowPick,
) -> Result<(Catalog, LoadReport)> {
    let path = footer.path.as_path();
    if opts.hdu.is_some() {
        return Err(Error::file(
            path,
            "holds one table: --hdu does not apply to it",
        ));
    }
    let open = || {
        let file = open_file(path)?;
        if matches!(pick, RowPick::First(_)) {
            without_readahead(&file);
        }
        Ok(file)
    };
    let parquet_err = |e: parquet::errors::ParquetError| Error::file(path, format!("Parquet: {e}"));
    let meta = &footer.meta;
    let schema = meta.schema().clone();
    let file_meta = meta.metadata().clone();
    let described = astropy_columns(&file_meta);
    let parquet_schema = meta.parquet_schema();
    // Integer columns with nulls in any row group become f64 with NaN, as FITS TNULL.
    let has_nulls = |field: &str| {
        let leaf = (0..parquet_schema.num_columns())
            .find(|&j| parquet_schema.column(j).path().string() == field);
        let Some(j) = leaf else { return true };
        file_meta.row_groups().iter().any(|rg| {
            rg.column(j)
                .statistics()
                .and_then(|s| s.null_count_opt())
                .is_none_or(|n| n > 0)
        })
    };
    // astropy writes a masked column X with its mask beside it, as a boolean "X.mask".
    let mask_of = |name: &str| {
        schema
            .index_of(&format!("{name}.mask"))
            .ok()
            .filter(|&m| schema.field(m).data_type() == &DataType::Boolean)
    };
    let is_mask = |name: &str| {
        name.strip_suffix(".mask")
            .is_some_and(|x| schema.index_of(x).is_ok() && mask_of(x).is_some())
    };
    // The table's columns (masks are part of theirs): schema index, mask's index.
    let sources: Vec<(usize, Option<usize>)> = (0..schema.fields().len())
        .filter(|&i| !is_mask(schema.field(i).name()))
        .map(|i| (i, mask_of(schema.field(i).name())))
        .collect();
    let metas: Vec<ColumnMeta> = sources
        .iter()
        .map(|&(i, mask)| {
            let f = schema.field(i);
            let (unit, ucd) = described
                .iter()
                .find(|c| c.name == *f.name())
                .map_or((String::new(), String::new()), |c| {
                    (c.unit.clone(), c.ucd.clone())
                });
            let mut storage = storage_of(f.data_type());
            if let Ok(s) = storage
                && is_integer(s)
                && (mask.is_some() || (f.is_nullable() && has_nulls(f.name())))
            {
                storage = Ok(Storage::F64);
            }
            ColumnMeta {
                name: f.name().clone(),
                unit,
                ucd,
                storage,
            }
        })
        .collect();
    let rows = file_meta.file_metadata().num_rows().max(0) as u64;
    let wanted = match pick {
        RowPick::All => rows,
        RowPick::Every(k) => rows.div_ceil(k.max(1)),
        RowPick::First(n) => rows.min(n),
        RowPick::Window(a, b) => b.min(rows).saturating_sub(a),
    };
    let mut load = TableLoad::start(path, name, &metas, opts, wanted)?;
    let projected = load.order.iter().flat_map(|&k| {
        let (i, mask) = sources[k];
        std::iter::once(i).chain(mask)
    });
    let mask = ProjectionMask::roots(parquet_schema, projected.collect::<Vec<_>>());
    let slots: Vec<(usize, Storage)> = load
        .order
        .iter()
        .zip(&load.storages)
        .map(|(&k, &s)| (sources[k].0, s))
        .collect();
    // Row groups decoded a few at a time (one per core), fed to the builder in order.
    let group_starts: Vec<u64> = file_meta
        .row_groups()
        .iter()
        .scan(0u64, |start, rg| {
            let first = *start;
            *start += rg.num_rows().max(0) as u64;
            Some(first)
        })
        .collect();
    // A prefix or a window needs only the row groups it overlaps.
    let (from, to) = match pick {
        RowPick::First(n) => (0, n),
        RowPick::Window(a, b) => (a, b),
        _ => (0, u64::MAX),
    };
    let group_rows = |g: usize| file_meta.row_group(g).num_rows().max(0) as u64;
    // The rows `pick` names in row group g.
    let picked_in = |g: usize| {
        let (start, end) = (group_starts[g], group_starts[g] + group_rows(g));
        match pick {
            RowPick::Every(k) => end.div_ceil(k.max(1)) - start.div_ceil(k.max(1)),
            _ => end.min(to).saturating_sub(start.max(from)),
        }
    };
    // Row groups and rows the filter rules out unread count as filtered out.
    let filter = opts.filter_for(load.roles());
    let pruner = Pruner::new(meta, load.roles(), &filter, opts.read_cells.as_deref());
    let mut pruned = 0u64;
    let groups: Vec<usize> = (0..file_meta.num_row_groups())
        .filter(|&g| group_starts[g] < to && group_starts[g] + group_rows(g) > from)
        .filter(|&g| {
            let keep = pruner.may_keep(g);
            if !keep {
                pruned += picked_in(g);
            }
            keep
        })
        .collect();
    // Every row of the file, kept as read: each row group writes its rows straight
    // into the catalog's columns.
    if pick == RowPick::All && load.keeps_whole_columns() && !pruner.narrows_by_cell() {
        let rows: Vec<usize> = groups.iter().map(|&g| group_rows(g) as usize).collect();
        let columns = read_groups_in_place(footer, &groups, &rows, &mask, &slots, &load)?;
        load.take_columns(columns);
        return Ok(load.finish());
    }
    // One open file for every group; a prefix's pages, where they lie together, read at
    // once.
    let mut window = window_on(path, open()?)?;
    if let RowPick::First(n) = pick {
        let wanted: Vec<(usize, u64)> = groups
            .iter()
            .map(|&g| (g, n.saturating_sub(group_starts[g]).min(group_rows(g))))
            .collect();
        if let Some(stretch) = prefix_stretch(meta.metadata(), &wanted, &mask) {
            window.read_ahead(stretch).map_err(parquet_err)?;
        }
    }
    let mut pushed_any = false;
    for chunk in groups.chunks(rayon::current_num_threads().max(1)) {
        let decoded: Vec<Result<(Vec<Vec<ColumnData>>, u64)>> = chunk
            .par_iter()
            .map(|&g| {
                guarded(|| {
                    let n = group_rows(g);
                    let picked = match pick {
                        RowPick::Every(k) if k > 1 => Some(every(k, group_starts[g], n)),
                        // A selection ending early: the pages after it are not read.
                        RowPick::First(want) if group_starts[g] + n > want => {
                            let take = (want - group_starts[g]) as usize;
                            Some(RowSelection::from(vec![RowSelector::select(take)]))
                        }
                        RowPick::Window(a, b) => {
                            let skip = a.saturating_sub(group_starts[g]).min(n);
                            let take = b.min(group_starts[g] + n) - group_starts[g] - skip;
                            (skip > 0 || skip + take < n).then(|| {
                                RowSelection::from(vec![
                                    RowSelector::skip(skip as usize),
                                    RowSelector::select(take as usize),
                                ])
                            })
                        }
                        _ => None,
                    };
                    // Rows sorted by cell keep only the area's (a prefix or window is
                    // read as asked: its files are in another order).
                    let in_area = match pick {
                        RowPick::All | RowPick::Every(_) => {
                            pruner.rows_in_area(g, open()?).map_err(parquet_err)?
                        }
                        _ => None,
                    };
                    let selection = match (picked, in_area) {
                        (Some(p), Some(a)) => Some(p.intersection(&a)),
                        (p, a) => p.or(a),
                    };
                    let left_out = selection
                        .as_ref()
                        .map_or(0, |s| picked_in(g).saturating_sub(s.row_count() as u64));
                    let blocks = group_batches(footer, window.clone(), g, &mask, selection)?
                        .map(|batch| {
                            columns_of(&batch?, &slots, &schema).map_err(|m| Error::file(path, m))
                        })
                        .collect::<Result<_>>()?;
                    Ok((blocks, left_out))
                })
                .unwrap_or_else(|m| Err(decoder_failed(path, g, &m)))
            })
            .collect();
        for group in decoded {
            let (blocks, left_out) = group?;
            pruned += left_out;
            for block in blocks {
                load.push_block(&block);
                pushed_any = true;
            }
        }
    }
    // No row read (all ruled out): the columns still get their types, as a read that
    // decoded and dropped every row gives them (catalogs of several files stack).
    if !pushed_any {
        load.push_block(
            &slots
                .iter()
                .map(|&(_, s)| empty_column(s))
                .collect::<Vec<_>>(),
        );
    }
    let (catalog, mut report) = load.finish();
    report.filtered_out += pruned;
    Ok((catalog, report))
}

/// Row groups `groups` (of `rows` rows each) decoded whole, on all cores, each straight
/// into its own stretch of one column a slot: no block is copied twice.
fn read_groups_in_place(
    footer: &ParquetFooter,
    groups: &[usize],
    rows: &[usize],
    mask: &ProjectionMask,
    slots: &[(usize, Storage)],
    load: &TableLoad,
) -> Result<Vec<ColumnData>> {
    let path = footer.path.as_path();
    let schema = footer.meta.schema();
    let mut columns: Vec<ColumnData> = slots
        .iter()
        .map(|&(_, storage)| {
            let mut c = empty_column(storage);
            c.resize_zeroed(rows.iter().sum());
            c
        })
        .collect();
    let mut per_group: Vec<Vec<Stretch>> = groups.iter().map(|_| Vec::new()).collect();
    for column in &mut columns {
        for (k, stretch) in column.stretches(rows).into_iter().enumerate() {
            per_group[k].push(stretch);
        }
    }
    let done = AtomicU64::new(0);
    let window = window_on(path, open_file(path)?)?;
    groups
        .par_iter()
        .zip(rows)
        .zip(per_group)
        .try_for_each(|((&g, &n), mut outs)| {
            guarded(|| {
                let wrong_count = || {
                    Error::file(
                        path,
                        format!(
                            "Parquet: row group {g} holds other than the {n} rows its footer gives"
                        ),
                    )
                };
                let mut at = 0;
                for batch in group_batches(footer, window.clone(), g, mask, None)? {
                    let batch = batch?;
                    let cols =
                        columns_of(&batch, slots, schema).map_err(|m| Error::file(path, m))?;
                    for (out, col) in outs.iter_mut().zip(&cols) {
                        if !out.write(at, col) {
                            return Err(wrong_count());
                        }
                    }
                    at += batch.num_rows();
                    let so_far = done.fetch_add(batch.num_rows() as u64, Ordering::Relaxed);
                    load.report_progress(so_far + batch.num_rows() as u64);
                }
                if at != n {
                    return Err(wrong_count());
                }
                Ok(())
            })
            .unwrap_or_else(|m| Err(decoder_failed(path, g, &m)))
        })?;
    Ok(columns)
}

/// The batches of row group `g` of `file` (its `selection` of rows, all when `None`),
/// the columns of `mask` only.
fn group_batches(
    footer: &ParquetFooter,
    file: FileWindow,
    g: usize,
    mask: &ProjectionMask,
    selection: Option<RowSelection>,
) -> Result<impl Iterator<Item = Result<RecordBatch>>> {
    let path = footer.path.as_path();
    let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, footer.meta.clone())
        .with_row_groups(vec![g])
        .with_projection(mask.clone())
        .with_batch_size(1 << 16);
    if let Some(selection) = selection {
        builder = builder.with_row_selection(selection);
    }
    let reader = builder
        .build()
        .map_err(|e| Error::file(path, format!("Parquet: {e}")))?;
    Ok(reader.map(move |batch| {
        batch.map_err(|e| Error::file(path, format!("Parquet: row group {g}: {e}")))
    }))
}

fn open_file(path: &Path) -> Result<File> {
    File::open(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))
}

/// `file` (opened from `path`) for row-group readers to share.
fn window_on(path: &Path, file: File) -> Result<FileWindow> {
    FileWindow::new(file).map_err(|e| Error::file(path, format!("cannot read: {e}")))
}

/// A row group whose decoding panicked (`m`): corrupt data the decoder did not expect.
fn decoder_failed(path: &Path, g: usize, m: &str) -> Error {
    Error::file(
        path,
        format!("Parquet: row group {g} is corrupt (the decoder failed: {m})"),
    )
}

/// Tells the kernel not to read ahead of what is asked: reading the first pages of
/// thousands of files, its readahead would read ten times what is used.
fn without_readahead(file: &File) {
    use std::os::fd::AsRawFd;
    // Advice only: a kernel that ignores it reads more, nothing else changes.
    // SAFETY: the descriptor is open for the lifetime of `file`.
    unsafe {
        libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_RANDOM);
    }
}

/// The rows of a row group of `n` rows starting at file row `first` whose file row is a
/// multiple of `stride`.
fn every(stride: u64, first: u64, n: u64) -> RowSelection {
    let lead = (stride - first % stride) % stride;
    let mut selectors = Vec::with_capacity((n / stride + 2) as usize);
    if lead >= n {
        return RowSelection::from(vec![RowSelector::skip(n as usize)]);
    }
    if lead > 0 {
        selectors.push(RowSelector::skip(lead as usize));
    }
    let mut at = lead;
    while at < n {
        selectors.push(RowSelector::select(1));
        let skip = (stride - 1).min(n - at - 1);
        if skip > 0 {
            selectors.push(RowSelector::skip(skip as usize));
        }
        at += stride;
    }
    RowSelection::from(selectors)
}

/// Units and UCDs astropy stores with a table it writes (`table_meta_yaml`).
fn astropy_columns(
    meta: &parquet::file::metadata::ParquetMetaData,
) -> Vec<crate::data::tables::ecsv_header::EcsvColumn> {
    meta.file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == "table_meta_yaml"))
        .and_then(|k| k.value.as_deref())
        .and_then(|yaml| {
            let lines: String = yaml
                .lines()
                .map(|l| {
                    l.strip_prefix("# ")
                        .or_else(|| l.strip_prefix('#'))
                        .unwrap_or(l)
                })
                .filter(|l| !l.starts_with("%ECSV") && l.trim() != "---")
                .flat_map(|l| [l, "\n"])
                .collect();
            parse_header(&lines).ok()
        })
        .map(|h| h.columns)
        .unwrap_or_default()
}

fn is_integer(s: Storage) -> bool {
    !matches!(s, Storage::F32 | Storage::F64)
}

fn storage_of(t: &DataType) -> std::result::Result<Storage, String> {
    Ok(match t {
        DataType::Float16 | DataType::Float32 => Storage::F32,
        DataType::Float64 => Storage::F64,
        DataType::Int8 | DataType::Int16 => Storage::I16,
        DataType::UInt8 => Storage::U8,
        DataType::Int32 | DataType::UInt16 => Storage::I32,
        DataType::Int64 | DataType::UInt32 => Storage::I64,
        DataType::UInt64 => Storage::U64,
        other => return Err(format!("Parquet type {other} is not a numeric scalar")),
    })
}

/// The batch's columns in the builder's slots, converted to how they are kept.
fn columns_of(
    batch: &RecordBatch,
    slots: &[(usize, Storage)],
    schema: &arrow_schema::Schema,
) -> std::result::Result<Vec<ColumnData>, String> {
    slots
        .iter()
        .map(|&(i, storage)| {
            let name = schema.field(i).name();
            let array = batch
                .column_by_name(name)
                .ok_or_else(|| format!("Parquet: column {name} missing from a row group"))?;
            let data =
                convert(array, storage).map_err(|m| format!("Parquet: column {name}: {m}"))?;
            match batch.column_by_name(&format!("{name}.mask")) {
                Some(mask) => apply_mask(data, mask.as_boolean_opt()),
                None => Ok(data),
            }
        })
        .collect()
}

/// NaN where astropy's mask column says a value is missing (a null mask masks too).
fn apply_mask(
    data: ColumnData,
    mask: Option<&arrow_array::BooleanArray>,
) -> std::result::Result<ColumnData, String> {
    let mask = mask.ok_or("its mask column is not boolean")?;
    let masked = |i: usize| mask.is_null(i) || mask.value(i);
    Ok(match data {
        ColumnData::F64(v) => ColumnData::F64(
            v.iter()
                .enumerate()
                .map(|(i, &x)| if masked(i) { f64::NAN } else { x })
                .collect::<Vec<f64>>()
                .into(),
        ),
        ColumnData::F32(v) => ColumnData::F32(
            v.iter()
                .enumerate()
                .map(|(i, &x)| if masked(i) { f32::NAN } else { x })
                .collect::<Vec<f32>>()
                .into(),
        ),
        other => other,
    })
}

/// No rows of a column kept as `storage`, of the type [`convert`] gives it.
fn empty_column(storage: Storage) -> ColumnData {
    match storage {
        Storage::F64 => ColumnData::F64(Vec::new().into()),
        Storage::F32 => ColumnData::F32(Vec::new().into()),
        Storage::U64 => ColumnData::U64(Vec::new().into()),
        _ => ColumnData::I64(Vec::new().into()),
    }
}

fn convert(a: &ArrayRef, storage: Storage) -> std::result::Result<ColumnData, String> {
    macro_rules! values {
        ($t:ty) => {
            a.as_primitive_opt::<$t>()
                .ok_or("type changed between row groups")?
        };
    }
    // f64 with NaN where null (floats of any width, and integers known to have nulls).
    macro_rules! as_f64 {
        ($t:ty) => {{
            let v = values!($t);
            (0..v.len())
                .map(|i| {
                    if v.is_null(i) {
                        f64::NAN
                    } else {
                        v.value(i) as f64
                    }
                })
                .collect::<Vec<f64>>()
        }};
    }
    let dt = a.data_type();
    Ok(match storage {
        Storage::F64 => ColumnData::F64(
            match dt {
                DataType::Float64 if a.null_count() == 0 => {
                    values!(types::Float64Type).values().to_vec()
                }
                DataType::Float64 => as_f64!(types::Float64Type),
                DataType::Int8 => as_f64!(types::Int8Type),
                DataType::Int16 => as_f64!(types::Int16Type),
                DataType::Int32 => as_f64!(types::Int32Type),
                DataType::Int64 => as_f64!(types::Int64Type),
                DataType::UInt8 => as_f64!(types::UInt8Type),
                DataType::UInt16 => as_f64!(types::UInt16Type),
                DataType::UInt32 => as_f64!(types::UInt32Type),
                DataType::UInt64 => as_f64!(types::UInt64Type),
                t => return Err(format!("{t} read as f64")),
            }
            .into(),
        ),
        Storage::F32 => ColumnData::F32(
            match dt {
                DataType::Float32 if a.null_count() == 0 => {
                    values!(types::Float32Type).values().to_vec()
                }
                DataType::Float32 => as_f64!(types::Float32Type)
                    .iter()
                    .map(|&x| x as f32)
                    .collect(),
                DataType::Float16 => {
                    let v = values!(types::Float16Type);
                    (0..v.len())
                        .map(|i| {
                            if v.is_null(i) {
                                f32::NAN
                            } else {
                                v.value(i).to_f32()
                            }
                        })
                        .collect()
                }
                t => return Err(format!("{t} read as f32")),
            }
            .into(),
        ),
        Storage::U64 => ColumnData::U64(values!(types::UInt64Type).values().to_vec().into()),
        _ => {
            macro_rules! ints {
                ($t:ty) => {
                    values!($t)
                        .values()
                        .iter()
                        .map(|&x| x as i64)
                        .collect::<Vec<i64>>()
                };
            }
            ColumnData::I64(
                match dt {
                    DataType::Int8 => ints!(types::Int8Type),
                    DataType::Int16 => ints!(types::Int16Type),
                    DataType::Int32 => ints!(types::Int32Type),
                    DataType::Int64 => values!(types::Int64Type).values().to_vec(),
                    DataType::UInt8 => ints!(types::UInt8Type),
                    DataType::UInt16 => ints!(types::UInt16Type),
                    DataType::UInt32 => ints!(types::UInt32Type),
                    t => return Err(format!("{t} read as an integer")),
                }
                .into(),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use arrow_array::{Float32Array, Float64Array, Int64Array};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::WriterProperties;

    use super::*;
    use crate::data::progress::Progress;

    /// 1000 rows in row groups of 7 (the last one shorter): RA, DEC (f64; row 500's
    /// position invalid), Z (f32) and ID (i64).
    fn write_groups(path: &Path) -> (Vec<f64>, Vec<f64>, Vec<f32>, Vec<i64>) {
        let n = 1000;
        let ra: Vec<f64> = (0..n).map(|i| i as f64 * 0.36).collect();
        let mut dec: Vec<f64> = (0..n)
            .map(|i| (i as f64 / n as f64 - 0.5) * 170.0)
            .collect();
        dec[500] = f64::NAN;
        let z: Vec<f32> = (0..n).map(|i| i as f32 / 500.0).collect();
        let id: Vec<i64> = (0..n as i64).map(|i| 1_000_000 + i).collect();
        let batch = RecordBatch::try_from_iter([
            ("RA", Arc::new(Float64Array::from(ra.clone())) as ArrayRef),
            ("DEC", Arc::new(Float64Array::from(dec.clone())) as ArrayRef),
            ("Z", Arc::new(Float32Array::from(z.clone())) as ArrayRef),
            ("ID", Arc::new(Int64Array::from(id.clone())) as ArrayRef),
        ])
        .unwrap();
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(7))
            .build();
        let file = File::create(path).unwrap();
        let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        (ra, dec, z, id)
    }

    #[test]
    fn row_groups_read_in_place_give_the_rows_written_in_order() {
        let dir = std::env::temp_dir().join(format!("cv-parquet-groups-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("groups.parquet");
        let (ra, dec, z, id) = write_groups(&path);
        assert_eq!(
            ParquetFooter::open(&path)
                .unwrap()
                .meta
                .metadata()
                .num_row_groups(),
            143
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let opts = LoadOptions {
            progress: Some(Progress::new(move |_, done, total| {
                log.lock().unwrap().push((done, total))
            })),
            ..Default::default()
        };
        let (cat, report) = read_parquet(&path, "groups", &opts).unwrap();
        // Every row but the one without a position, in the file's order.
        let kept: Vec<usize> = (0..1000).filter(|&i| i != 500).collect();
        assert_eq!(
            (cat.len(), report.kept, report.invalid_coordinates),
            (999, 999, 1)
        );
        for (row, &i) in kept.iter().enumerate() {
            assert_eq!((cat.ra(row), cat.dec(row)), (ra[i], dec[i]), "row {i}");
            assert_eq!(cat.column("Z").unwrap().data.get_f64(row), z[i] as f64);
            assert_eq!(cat.column("ID").unwrap().integer(row), Some(id[i] as i128));
        }
        // Progress counts up to every row of the file.
        let seen = seen.lock().unwrap();
        assert!(
            seen.len() > 1 && seen.iter().all(|&(d, t)| d <= t && t == 1000),
            "{seen:?}"
        );
        assert!(seen.iter().any(|&(d, _)| d == 1000), "{seen:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
