//! Catalogs in HDF5: one group holding one 1-D dataset per column (chunked, deflate
//! compressed), each with a `unit` attribute. Read with the same roles and load-time
//! filters as FITS tables; written by `clusterviz convert`.

use std::path::Path;

use hdf5::types::{FixedUnicode, FloatSize, IntSize, TypeDescriptor};

use crate::data::ColumnData;
use crate::data::catalog::{Catalog, Storage};
use crate::data::fits_table::HduSelect;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::table_load::{ColumnMeta, TableLoad};
use crate::error::{Error, Result};
use crate::fsutil::write_atomically;

/// Rows read per block.
const BLOCK: usize = 1 << 20;

fn storage_of(t: &TypeDescriptor) -> Option<Storage> {
    Some(match t {
        // Each integer type in one that holds its whole range.
        TypeDescriptor::Unsigned(IntSize::U1) => Storage::U8,
        TypeDescriptor::Integer(IntSize::U1) | TypeDescriptor::Integer(IntSize::U2) => Storage::I16,
        TypeDescriptor::Integer(IntSize::U4) | TypeDescriptor::Unsigned(IntSize::U2) => {
            Storage::I32
        }
        TypeDescriptor::Integer(IntSize::U8) | TypeDescriptor::Unsigned(IntSize::U4) => {
            Storage::I64
        }
        TypeDescriptor::Unsigned(IntSize::U8) => Storage::U64,
        TypeDescriptor::Float(FloatSize::U4) => Storage::F32,
        TypeDescriptor::Float(FloatSize::U8) => Storage::F64,
        _ => return None,
    })
}

/// The group holding the columns: `--hdu NAME`, else the root if it has datasets, else
/// the first group that has.
fn table_group(file: &hdf5::File, path: &Path, select: Option<&HduSelect>) -> Result<hdf5::Group> {
    let err = |e: hdf5::Error| Error::file(path, format!("HDF5: {e}"));
    if let Some(HduSelect::Name(n)) = select {
        return file
            .group(n)
            .map_err(|_| Error::file(path, format!("has no group named {n}")));
    }
    if !file.datasets().map_err(err)?.is_empty() {
        return file.group("/").map_err(err);
    }
    for g in file.groups().map_err(err)? {
        if !g.datasets().map_err(err)?.is_empty() {
            return Ok(g);
        }
    }
    Err(Error::file(
        path,
        "holds no datasets (expected one 1-D dataset per column)",
    ))
}

/// Name of the group a catalog would be read from (for conversions).
pub fn table_name(path: &Path, select: Option<&HduSelect>) -> Result<String> {
    let file = hdf5::File::open(path)
        .map_err(|e| Error::file(path, format!("not a readable HDF5 file ({e})")))?;
    let g = table_group(&file, path, select)?;
    Ok(g.name().trim_start_matches('/').to_string())
}

/// The table's rows and the bytes a row takes in its numeric 1-D datasets (the columns),
/// without reading them.
pub fn table_shape(path: &Path, select: Option<&HduSelect>) -> Result<(u64, u64)> {
    let err = |e: hdf5::Error| Error::file(path, format!("HDF5: {e}"));
    let file = hdf5::File::open(path)
        .map_err(|e| Error::file(path, format!("not a readable HDF5 file ({e})")))?;
    let group = table_group(&file, path, select)?;
    let (mut rows, mut row_bytes) = (0u64, 0u64);
    for ds in group.datasets().map_err(err)? {
        let numeric = ds
            .dtype()
            .and_then(|t| t.to_descriptor())
            .ok()
            .as_ref()
            .and_then(storage_of)
            .is_some();
        if numeric && ds.ndim() == 1 {
            rows = rows.max(ds.size() as u64);
            row_bytes += ds.dtype().map_or(8, |t| t.size() as u64);
        }
    }
    Ok((rows, row_bytes))
}

pub fn read_catalog_h5(
    path: &Path,
    name: &str,
    opts: &LoadOptions,
) -> Result<(Catalog, LoadReport)> {
    if !path.exists() {
        return Err(Error::file(path, "no such file"));
    }
    let err = |e: hdf5::Error| Error::file(path, format!("HDF5: {e}"));
    let file = hdf5::File::open(path)
        .map_err(|e| Error::file(path, format!("not a readable HDF5 file ({e})")))?;
    let group = table_group(&file, path, opts.hdu.as_ref())?;
    // Numeric 1-D datasets of one length are the columns.
    let mut columns: Vec<(String, hdf5::Dataset, Storage)> = Vec::new();
    // Datasets that cannot be columns, and why: named if a role needs one of them.
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut nrows = None;
    for ds in group.datasets().map_err(err)? {
        let short = ds.name().rsplit('/').next().unwrap_or_default().to_string();
        let descriptor = ds.dtype().and_then(|t| t.to_descriptor());
        let Some(storage) = descriptor.as_ref().ok().and_then(storage_of) else {
            let what = match &descriptor {
                Ok(d) => format!("HDF5 type {d} is not numeric"),
                Err(e) => format!("HDF5 type cannot be read ({e})"),
            };
            skipped.push((short, what));
            continue;
        };
        if ds.ndim() != 1 {
            skipped.push((
                short,
                format!("has shape {:?}; a column is a 1-D dataset", ds.shape()),
            ));
            continue;
        }
        let n = ds.size();
        if *nrows.get_or_insert(n) != n {
            return Err(Error::file(
                path,
                format!("column {short} has {n} rows, others {}", nrows.unwrap_or(0)),
            ));
        }
        columns.push((short, ds, storage));
    }
    let units = crate::data::hdf5_attributes::column_units(
        path,
        &group,
        columns.iter().map(|(n, ds, _)| (n, ds)),
    )?;
    // Usable datasets first (their indices are `columns`'), then the skipped ones.
    let metas: Vec<ColumnMeta> = columns
        .iter()
        .map(|(n, _, storage)| ColumnMeta {
            name: n.clone(),
            unit: units.get(n).cloned().unwrap_or_default(),
            ucd: String::new(),
            storage: Ok(*storage),
        })
        .chain(skipped.iter().map(|(n, why)| ColumnMeta {
            name: n.clone(),
            unit: String::new(),
            ucd: String::new(),
            storage: Err(why.clone()),
        }))
        .collect();
    let all = nrows.unwrap_or(0);
    let window = opts.rows.clone().unwrap_or(0..all as u64);
    let n = (window.end as usize).min(all);
    let mut start = (window.start as usize).min(n);
    let mut load = TableLoad::start(path, name, &metas, opts, (n - start) as u64)?;
    let order = load.order.clone();
    while start < n {
        let end = (start + BLOCK).min(n);
        let mut block = Vec::with_capacity(order.len());
        for &i in &order {
            let (_, ds, storage) = &columns[i];
            block.push(match storage {
                Storage::F64 => ColumnData::F64(
                    (ds.read_slice_1d::<f64, _>(start..end)
                        .map_err(err)?
                        .to_vec())
                    .into(),
                ),
                Storage::F32 => ColumnData::F32(
                    (ds.read_slice_1d::<f32, _>(start..end)
                        .map_err(err)?
                        .to_vec())
                    .into(),
                ),
                Storage::U64 => ColumnData::U64(
                    (ds.read_slice_1d::<u64, _>(start..end)
                        .map_err(err)?
                        .to_vec())
                    .into(),
                ),
                _ => ColumnData::I64(
                    (ds.read_slice_1d::<i64, _>(start..end)
                        .map_err(err)?
                        .to_vec())
                    .into(),
                ),
            });
        }
        load.push_block(&block);
        start = end;
    }
    Ok(load.finish())
}

/// Writes `cat` into `group` of a new HDF5 file, each column as its stored type.
pub fn write_catalog_h5(cat: &Catalog, group: &str, path: &Path) -> Result<()> {
    write_atomically(path, |tmp| {
        let err = |e: hdf5::Error| Error::file(path, format!("HDF5 write failed: {e}"));
        let file = hdf5::File::create(tmp).map_err(err)?;
        let g = if group.is_empty() || group == "/" {
            file.group("/").map_err(err)?
        } else {
            file.create_group(group).map_err(err)?
        };
        for c in &cat.columns {
            let n = c.data.len();
            let chunk = n.clamp(1, 1 << 16);
            macro_rules! write_as {
                ($t:ty, $values:expr) => {{
                    let values: Vec<$t> = $values;
                    let ds = g
                        .new_dataset::<$t>()
                        .chunk(chunk)
                        .deflate(4)
                        .shape(n)
                        .create(c.name.as_str())
                        .map_err(err)?;
                    ds.write(&values).map_err(err)?;
                    ds
                }};
            }
            let f64s = || (0..n).map(|i| c.data.get_f64(i)).collect::<Vec<f64>>();
            let ints = || {
                c.integers()
                    .unwrap_or_else(|| (0..n).map(|i| c.data.get_f64(i) as i64).collect())
            };
            let ds = match (c.storage(), &c.data) {
                (Storage::F32, ColumnData::F32(v)) => write_as!(f32, v.to_vec()),
                (Storage::F32, _) => write_as!(f32, f64s().into_iter().map(|x| x as f32).collect()),
                (Storage::F64, _) => write_as!(f64, f64s()),
                (Storage::U8, _) => write_as!(u8, ints().into_iter().map(|x| x as u8).collect()),
                (Storage::I16, _) => write_as!(i16, ints().into_iter().map(|x| x as i16).collect()),
                (Storage::I32, _) => write_as!(i32, ints().into_iter().map(|x| x as i32).collect()),
                (Storage::I64, _) => write_as!(i64, ints()),
                (Storage::U64, ColumnData::U64(v)) => write_as!(u64, v.to_vec()),
                (Storage::U64, _) => write_as!(u64, ints().into_iter().map(|x| x as u64).collect()),
            };
            if !c.unit.is_empty() {
                // Fixed-length text: read back without the global heap, which libhdf5
                // cannot read safely from a damaged file (see hdf5_attributes).
                let unit = c
                    .unit
                    .parse::<FixedUnicode<256>>()
                    .map_err(|e| Error::file(path, format!("unit {}: {e:?}", c.unit)))?;
                ds.new_attr::<FixedUnicode<256>>()
                    .create("unit")
                    .map_err(err)?
                    .write_scalar(&unit)
                    .map_err(err)?;
            }
        }
        Ok(())
    })
}
