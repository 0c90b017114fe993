//! NumPy arrays (and anything with the buffer protocol) as clusterviz columns, read in
//! place: the array is held for as long as the column lives, and its memory is never
//! copied. The Python side hands over contiguous arrays of native byte order in one of
//! the types below (it converts others, which is the only copy made).

use std::sync::Arc;

use pyo3::buffer::{Element, PyBuffer};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use clusterviz::data::arrays::{ArrayInputs, ArrayTable};
use clusterviz::data::column_buffer::{ColumnBuffer, ExternalValues};
use clusterviz::data::{Column, ColumnData, HealpixMap};
use clusterviz::sky::Frame;

/// A Python buffer's values, held (so neither freed nor resized) while this lives.
struct BufferValues<T: Element> {
    buffer: PyBuffer<T>,
}

impl<T: Element + Send + Sync> ExternalValues<T> for BufferValues<T> {
    fn values(&self) -> &[T] {
        let len = self.buffer.item_count();
        if len == 0 {
            return &[];
        }
        // Checked contiguous and of T's layout when made; the buffer pins the memory.
        unsafe { std::slice::from_raw_parts(self.buffer.buf_ptr() as *const T, len) }
    }
}

fn buffer_of<T: Element + Send + Sync + 'static>(
    obj: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<ColumnBuffer<T>> {
    let buffer = PyBuffer::<T>::get(obj).map_err(|e| {
        PyValueError::new_err(format!(
            "column {name}: not a buffer of the declared type: {e}"
        ))
    })?;
    if buffer.dimensions() != 1 || !buffer.is_c_contiguous() {
        return Err(PyValueError::new_err(format!(
            "column {name}: expected a contiguous one-dimensional array"
        )));
    }
    Ok(ColumnBuffer::External(Arc::new(BufferValues { buffer })))
}

/// A column from `(name, unit, kind, array)`, kind being NumPy's type code (f8, f4, i8,
/// i2, u8).
pub fn column(name: &str, unit: &str, kind: &str, obj: &Bound<'_, PyAny>) -> PyResult<Column> {
    let data = match kind {
        "f8" => ColumnData::F64(buffer_of(obj, name)?),
        "f4" => ColumnData::F32(buffer_of(obj, name)?),
        "i8" => ColumnData::I64(buffer_of(obj, name)?),
        "i2" => ColumnData::I16(buffer_of(obj, name)?),
        "u8" => ColumnData::U64(buffer_of(obj, name)?),
        other => {
            return Err(PyValueError::new_err(format!(
                "column {name}: type {other} is not one of f8, f4, i8, i2, u8"
            )));
        }
    };
    Ok(Column::new(name, unit, data))
}

/// One table handed over by Python, a tuple `(role, algorithm, label, columns,
/// skipped)`: role "clusters" or "galaxies", the columns as `(name, unit, ucd, kind,
/// array)`, the columns left out as `(name, what they hold)`.
#[derive(FromPyObject)]
pub struct PyTable<'py>(
    pub String,
    pub String,
    pub String,
    pub Vec<(String, String, String, String, Bound<'py, PyAny>)>,
    pub Vec<(String, String)>,
);

impl PyTable<'_> {
    pub fn role(&self) -> &str {
        &self.0
    }

    pub fn algorithm(&self) -> &str {
        &self.1
    }

    pub fn into_table(self) -> PyResult<ArrayTable> {
        let PyTable(_, _, label, given, skipped) = self;
        let mut columns = Vec::with_capacity(given.len());
        let mut ucds = Vec::with_capacity(given.len());
        for (name, unit, ucd, kind, obj) in &given {
            columns.push(column(name, unit, kind, obj)?);
            ucds.push(ucd.clone());
        }
        Ok(ArrayTable {
            label,
            columns,
            ucds,
            skipped,
        })
    }
}

/// A full-sky HEALPix map as healpy holds it: `(values, kind, nested, frame, name)`.
pub fn full_sky_map(
    values: &Bound<'_, PyAny>,
    kind: &str,
    nested: bool,
    frame: &str,
    name: &str,
) -> PyResult<HealpixMap> {
    let frame = match frame.to_ascii_lowercase().as_str() {
        "icrs" | "c" | "equatorial" | "fk5" => Frame::Icrs,
        "galactic" | "g" => Frame::Galactic,
        other => {
            return Err(PyValueError::new_err(format!(
                "mask_frame '{other}': expected 'icrs' (equatorial) or 'galactic'"
            )));
        }
    };
    let bad = |m: String| PyValueError::new_err(format!("mask: {m}"));
    match kind {
        "f8" => HealpixMap::from_full_sky(&buffer_of::<f64>(values, "mask")?, nested, frame, name),
        "f4" => HealpixMap::from_full_sky(&buffer_of::<f32>(values, "mask")?, nested, frame, name),
        other => return Err(bad(format!("values of type {other}: expected floats"))),
    }
    .map_err(bad)
}

/// A full-sky map handed over: `(values, kind, nested, frame, name)`.
pub type PyMap<'py> = (Bound<'py, PyAny>, String, bool, String, String);

/// The tables and map of one call, read in place.
pub fn array_inputs(tables: Vec<PyTable<'_>>, mask: Option<PyMap<'_>>) -> PyResult<ArrayInputs> {
    let mut arrays = ArrayInputs::default();
    for t in tables {
        match t.role() {
            "clusters" => {
                let algorithm = t.algorithm().to_string();
                arrays.clusters.push((algorithm, t.into_table()?));
            }
            "galaxies" => arrays.galaxies = Some(t.into_table()?),
            other => {
                let msg = format!("unknown table role {other}");
                return Err(PyValueError::new_err(msg));
            }
        }
    }
    if let Some((values, kind, nested, frame, name)) = mask {
        arrays.mask = Some(full_sky_map(&values, &kind, nested, &frame, &name)?);
    }
    Ok(arrays)
}

/// Where the renderer reads each column of `table` from: `(name, address)`. The tests
/// compare the addresses with the arrays' own, which proves no copy was made.
#[pyfunction]
pub fn column_addresses(table: PyTable<'_>) -> PyResult<Vec<(String, usize)>> {
    let table = table.into_table()?;
    Ok(table
        .columns
        .iter()
        .map(|c| {
            let at = match &c.data {
                ColumnData::F64(v) => v.as_ptr() as usize,
                ColumnData::F32(v) => v.as_ptr() as usize,
                ColumnData::I64(v) => v.as_ptr() as usize,
                ColumnData::I16(v) => v.as_ptr() as usize,
                ColumnData::U64(v) => v.as_ptr() as usize,
            };
            (c.name.clone(), at)
        })
        .collect())
}
