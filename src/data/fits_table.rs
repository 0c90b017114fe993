//! FITS binary tables read fast and safely: cfitsio parses the header (and inflates
//! gzip files), then the rows are fetched in blocks of raw bytes and only the wanted
//! columns are decoded (big-endian, TSCAL/TZERO, TNULL). cfitsio's per-column reads walk
//! the whole table once per column; this walks it once.

use std::path::{Path, PathBuf};

use fitsio::FitsFile;
use fitsio::hdu::{FitsHdu, HduInfo};

use crate::data::ColumnData;
use crate::error::{Error, Result};

/// Which HDU holds the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HduSelect {
    /// The first binary table after the primary HDU.
    FirstTable,
    /// By position, 0 = primary.
    Index(usize),
    /// By EXTNAME (case-insensitive).
    Name(String),
}

/// Numeric storage types of binary-table columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    U8,
    I16,
    I32,
    I64,
    F32,
    F64,
    /// Strings, logicals, bits, complex, variable-length: not readable as numbers.
    Other(char),
}

impl ColumnKind {
    fn from_code(c: char) -> Self {
        match c {
            'B' => ColumnKind::U8,
            'I' => ColumnKind::I16,
            'J' => ColumnKind::I32,
            'K' => ColumnKind::I64,
            'E' => ColumnKind::F32,
            'D' => ColumnKind::F64,
            other => ColumnKind::Other(other),
        }
    }

    /// Bytes per element in the row (bits for X are rounded up by the caller).
    fn width(self) -> usize {
        match self {
            ColumnKind::U8 => 1,
            ColumnKind::I16 => 2,
            ColumnKind::I32 | ColumnKind::F32 => 4,
            ColumnKind::I64 | ColumnKind::F64 => 8,
            ColumnKind::Other('L') | ColumnKind::Other('A') | ColumnKind::Other('S') => 1,
            ColumnKind::Other('C') | ColumnKind::Other('P') => 8,
            ColumnKind::Other('M') | ColumnKind::Other('Q') => 16,
            ColumnKind::Other(_) => 1,
        }
    }

    pub fn is_numeric(self) -> bool {
        !matches!(self, ColumnKind::Other(_))
    }

    /// The FITS TFORM letter.
    pub fn code(self) -> char {
        match self {
            ColumnKind::U8 => 'B',
            ColumnKind::I16 => 'I',
            ColumnKind::I32 => 'J',
            ColumnKind::I64 => 'K',
            ColumnKind::F32 => 'E',
            ColumnKind::F64 => 'D',
            ColumnKind::Other(c) => c,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TableColumn {
    pub name: String,
    pub unit: String,
    pub kind: ColumnKind,
    /// Elements per row (e.g. 1024 for a healpy `1024E` column).
    pub repeat: usize,
    /// Byte offset of the column within a row.
    pub offset: usize,
    pub scale: f64,
    pub zero: f64,
    pub null: Option<i64>,
}

pub struct FitsTable {
    file: FitsFile,
    hdu: FitsHdu,
    pub path: PathBuf,
    pub nrows: u64,
    pub row_bytes: usize,
    pub columns: Vec<TableColumn>,
}

/// Parses a TFORM value such as `1024E`, `D`, `16A` into (repeat, type letter).
pub fn parse_tform(tform: &str) -> Option<(usize, char)> {
    let t = tform.trim();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let code = t[digits.len()..].chars().next()?;
    let repeat = if digits.is_empty() {
        1
    } else {
        digits.parse().ok()?
    };
    Some((repeat, code.to_ascii_uppercase()))
}

impl FitsTable {
    pub fn open(path: &Path, select: &HduSelect) -> Result<FitsTable> {
        if !path.exists() {
            return Err(Error::file(path, "no such file"));
        }
        let fits_err =
            |e: fitsio::errors::Error| Error::file(path, format!("not a readable FITS file ({e})"));
        let mut file = FitsFile::open(path).map_err(fits_err)?;
        let hdu = match select {
            HduSelect::Index(i) => file
                .hdu(*i)
                .map_err(|_| Error::file(path, format!("has no HDU {i}")))?,
            HduSelect::Name(n) => file
                .hdu(n.as_str())
                .map_err(|_| Error::file(path, format!("has no HDU named {n}")))?,
            HduSelect::FirstTable => {
                let mut found = None;
                for i in 1..1000 {
                    match file.hdu(i) {
                        Ok(h) if matches!(h.info, HduInfo::TableInfo { .. }) => {
                            found = Some(h);
                            break;
                        }
                        Ok(_) => continue,
                        Err(_) => break,
                    }
                }
                found.ok_or_else(|| {
                    Error::file(path, "has no table HDU (expected a BINTABLE extension)")
                })?
            }
        };
        let xtension: String = hdu.read_key(&mut file, "XTENSION").unwrap_or_default();
        if xtension.trim() != "BINTABLE" {
            return Err(Error::file(
                path,
                format!(
                    "the selected HDU is not a binary table (XTENSION = '{}')",
                    xtension.trim()
                ),
            ));
        }
        let key_i64 =
            |file: &mut FitsFile, k: &str| -> Option<i64> { hdu.read_key::<i64>(file, k).ok() };
        let row_bytes = key_i64(&mut file, "NAXIS1")
            .filter(|&n| n >= 0)
            .ok_or_else(|| Error::file(path, "bad or missing NAXIS1"))?
            as usize;
        let nrows = key_i64(&mut file, "NAXIS2")
            .filter(|&n| n >= 0)
            .ok_or_else(|| Error::file(path, "bad or missing NAXIS2"))? as u64;
        let tfields = key_i64(&mut file, "TFIELDS")
            .filter(|&n| (0..=999).contains(&n))
            .ok_or_else(|| Error::file(path, "bad or missing TFIELDS"))?
            as usize;
        // A header may claim more rows than the file holds; check before any allocation.
        // (Compressed files are inflated by cfitsio, so their size on disk says nothing.)
        let compressed = path
            .extension()
            .is_some_and(|e| e == "gz" || e == "fz" || e == "Z");
        let on_disk = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let claimed = (row_bytes as u128) * (nrows as u128);
        if !compressed && claimed > on_disk as u128 {
            return Err(Error::file(
                path,
                format!(
                    "truncated or corrupt: the header claims {nrows} rows of {row_bytes} bytes ({claimed} bytes) but the file has {on_disk} bytes"
                ),
            ));
        }
        let mut columns = Vec::with_capacity(tfields);
        let mut offset = 0usize;
        for i in 1..=tfields {
            let s = |file: &mut FitsFile, k: String| -> Option<String> {
                hdu.read_key::<String>(file, &k)
                    .ok()
                    .map(|v| v.trim().to_string())
            };
            let tform = s(&mut file, format!("TFORM{i}"))
                .ok_or_else(|| Error::file(path, format!("column {i} has no TFORM")))?;
            let (repeat, code) = parse_tform(&tform).ok_or_else(|| {
                Error::file(path, format!("column {i} has a bad TFORM '{tform}'"))
            })?;
            let kind = ColumnKind::from_code(code);
            let width = if code == 'X' {
                repeat.div_ceil(8)
            } else {
                repeat * kind.width()
            };
            columns.push(TableColumn {
                name: s(&mut file, format!("TTYPE{i}")).unwrap_or_else(|| format!("COL{i}")),
                unit: s(&mut file, format!("TUNIT{i}")).unwrap_or_default(),
                kind,
                repeat,
                offset,
                scale: hdu
                    .read_key::<f64>(&mut file, &format!("TSCAL{i}"))
                    .unwrap_or(1.0),
                zero: hdu
                    .read_key::<f64>(&mut file, &format!("TZERO{i}"))
                    .unwrap_or(0.0),
                null: key_i64(&mut file, &format!("TNULL{i}")),
            });
            offset += width;
        }
        if offset != row_bytes {
            return Err(Error::file(
                path,
                format!(
                    "corrupt table header: the columns add up to {offset} bytes a row but NAXIS1 is {row_bytes}"
                ),
            ));
        }
        Ok(FitsTable {
            file,
            hdu,
            path: path.to_path_buf(),
            nrows,
            row_bytes,
            columns,
        })
    }

    pub fn column(&self, name: &str) -> Option<&TableColumn> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// A header keyword as text (numbers too), if present.
    pub fn key_text(&mut self, key: &str) -> Option<String> {
        self.hdu
            .read_key::<String>(&mut self.file, key)
            .ok()
            .map(|v| v.trim().trim_matches('\'').trim().to_string())
    }

    /// Reads the named numeric columns in blocks of rows; for each block `sink` gets one
    /// Vec per column (`repeat` values a row, row-major) with scaling applied and TNULL
    /// values as NaN.
    pub fn read_f64_blocks(
        &mut self,
        names: &[&str],
        mut sink: impl FnMut(&[Vec<f64>]) -> Result<()>,
    ) -> Result<()> {
        let mut as_f64: Vec<Vec<f64>> = Vec::new();
        self.read_blocks(names, false, |cols| {
            as_f64.clear();
            as_f64.extend(cols.iter().map(|c| match c {
                ColumnData::F64(v) => v.to_vec(),
                other => (0..other.len()).map(|i| other.get_f64(i)).collect(),
            }));
            sink(&as_f64)
        })
    }

    /// Like [`FitsTable::read_f64_blocks`], but with `keep_types` integer columns without
    /// scaling or TNULL come as exact i64 (IDs above 2^53 survive) and unscaled E columns
    /// as f32.
    pub fn read_blocks(
        &mut self,
        names: &[&str],
        keep_types: bool,
        mut sink: impl FnMut(&[ColumnData]) -> Result<()>,
    ) -> Result<()> {
        let cols: Vec<TableColumn> = names
            .iter()
            .map(|n| {
                let c = self.column(n).cloned().ok_or_else(|| {
                    Error::file(
                        &self.path,
                        format!(
                            "has no column {n}; columns: {}",
                            self.column_names().join(", ")
                        ),
                    )
                })?;
                if !c.kind.is_numeric() {
                    return Err(Error::file(
                        &self.path,
                        format!(
                            "column {} is not numeric (TFORM type {})",
                            c.name,
                            c.kind.code()
                        ),
                    ));
                }
                Ok(c)
            })
            .collect::<Result<_>>()?;
        if self.row_bytes == 0 || self.nrows == 0 {
            return Ok(());
        }
        let kinds: Vec<OutKind> = cols.iter().map(|c| OutKind::of(c, keep_types)).collect();
        // Uncompressed files are decoded straight from a memory map; compressed ones
        // through cfitsio's buffers.
        let mapped = self.memory_map()?;
        let rows_per_block = ((16 << 20) / self.row_bytes).max(1) as u64;
        let mut raw = if mapped.is_some() {
            Vec::new()
        } else {
            vec![0u8; rows_per_block as usize * self.row_bytes]
        };
        let mut out: Vec<ColumnData> = kinds.iter().map(|k| k.empty()).collect();
        let mut row = 0u64;
        while row < self.nrows {
            let n = rows_per_block.min(self.nrows - row);
            let bytes = n as usize * self.row_bytes;
            let block: &[u8] = match &mapped {
                Some((map, start)) => {
                    let from = *start + row as usize * self.row_bytes;
                    &map[from..from + bytes]
                }
                None => {
                    self.read_raw(row, n, &mut raw[..bytes])?;
                    &raw[..bytes]
                }
            };
            for (c, o) in cols.iter().zip(out.iter_mut()) {
                decode_parallel(c, block, self.row_bytes, o);
            }
            if let Some((map, start)) = &mapped {
                // Decoded pages leave our resident set (they stay in the page cache), so
                // a load peaks near the size of its columns, not columns plus file.
                let from = *start + row as usize * self.row_bytes;
                let page = 4096;
                let (a, b) = (from.div_ceil(page) * page, (from + bytes) / page * page);
                if b > a {
                    // SAFETY: the map is a shared, read-only file mapping: dropped pages
                    // are read back from the file if touched again.
                    unsafe {
                        let _ = map.unchecked_advise_range(
                            memmap2::UncheckedAdvice::DontNeed,
                            a,
                            b - a,
                        );
                    }
                }
            }
            sink(&out)?;
            row += n;
        }
        Ok(())
    }

    /// The file mapped into memory with the byte offset of this table's rows, for
    /// uncompressed files whose size covers the table; `None` otherwise.
    fn memory_map(&mut self) -> Result<Option<(memmap2::Mmap, usize)>> {
        if self
            .path
            .extension()
            .is_some_and(|e| e == "gz" || e == "fz" || e == "Z")
        {
            return Ok(None);
        }
        // Make this HDU current, then ask cfitsio where its data start.
        let _ = self.hdu.read_key::<String>(&mut self.file, "XTENSION");
        let (mut head, mut data, mut end, mut status) = (0i64, 0i64, 0i64, 0);
        // SAFETY: the handle is open; the out-pointers are valid locals.
        unsafe {
            fitsio::sys::ffghadll(
                self.file.as_raw(),
                &mut head,
                &mut data,
                &mut end,
                &mut status,
            );
        }
        if status != 0 || data < 0 {
            return Ok(None);
        }
        let file = std::fs::File::open(&self.path).map_err(|e| Error::file(&self.path, e))?;
        // SAFETY: the mapping is read-only; a file changed by another process while we
        // read gives wrong values, not memory unsafety in safe code that copies out.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .map_err(|e| Error::file(&self.path, format!("cannot map: {e}")))?;
        let _ = map.advise(memmap2::Advice::Sequential);
        let need = data as u128 + self.nrows as u128 * self.row_bytes as u128;
        if need > map.len() as u128 {
            return Err(Error::file(
                &self.path,
                format!(
                    "truncated: the table needs {need} bytes but the file has {}",
                    map.len()
                ),
            ));
        }
        Ok(Some((map, data as usize)))
    }

    /// Rows `row..row + n` (0-based) through cfitsio into `raw`.
    fn read_raw(&mut self, row: u64, n: u64, raw: &mut [u8]) -> Result<()> {
        let _ = self.hdu.read_key::<String>(&mut self.file, "XTENSION");
        let mut status = 0;
        // SAFETY: `raw` holds exactly the requested bytes; the handle is open and its
        // current HDU is this table.
        unsafe {
            fitsio::sys::ffgtbb(
                self.file.as_raw(),
                (row + 1) as i64,
                1,
                raw.len() as i64,
                raw.as_mut_ptr(),
                &mut status,
            );
        }
        if status != 0 {
            return Err(Error::file(
                &self.path,
                format!(
                    "cannot read rows {}..{} (cfitsio status {status}): the file is truncated or corrupt",
                    row + 1,
                    row + n
                ),
            ));
        }
        Ok(())
    }
}

/// What a column decodes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OutKind {
    F64,
    F32,
    I64,
}

impl OutKind {
    /// Typed output keeps integers without scaling or TNULL exact (IDs above 2^53) and
    /// unscaled E columns as f32; everything else (and untyped output) is f64, TNULL NaN.
    fn of(c: &TableColumn, typed: bool) -> OutKind {
        let plain = c.scale == 1.0 && c.zero == 0.0;
        match c.kind {
            ColumnKind::U8 | ColumnKind::I16 | ColumnKind::I32 | ColumnKind::I64
                if typed && plain && c.null.is_none() =>
            {
                OutKind::I64
            }
            ColumnKind::F32 if typed && plain => OutKind::F32,
            _ => OutKind::F64,
        }
    }

    fn empty(self) -> ColumnData {
        match self {
            OutKind::F64 => ColumnData::F64((Vec::new()).into()),
            OutKind::F32 => ColumnData::F32((Vec::new()).into()),
            OutKind::I64 => ColumnData::I64((Vec::new()).into()),
        }
    }
}

/// Decodes column `c` of the whole rows in `rows` into `out` (resized to fit), on all cores.
fn decode_parallel(c: &TableColumn, rows: &[u8], row_bytes: usize, out: &mut ColumnData) {
    use rayon::prelude::*;
    let n = rows.len() / row_bytes;
    let per_chunk = 1 << 15;
    match out {
        ColumnData::F64(v) => {
            let v = v.vec_mut();
            v.resize(n * c.repeat, 0.0);
            v.par_chunks_mut(per_chunk * c.repeat)
                .zip(rows.par_chunks(per_chunk * row_bytes))
                .for_each(|(o, r)| decode_f64(c, r, row_bytes, o));
        }
        ColumnData::F32(v) => {
            let v = v.vec_mut();
            v.resize(n * c.repeat, 0.0);
            v.par_chunks_mut(per_chunk * c.repeat)
                .zip(rows.par_chunks(per_chunk * row_bytes))
                .for_each(|(o, r)| {
                    decode_plain(c, r, row_bytes, o, |e| {
                        f32::from_be_bytes(e.try_into().unwrap())
                    })
                });
        }
        ColumnData::I16(_) => unreachable!("decoded integers are i64"),
        ColumnData::I64(v) => {
            let v = v.vec_mut();
            v.resize(n * c.repeat, 0);
            v.par_chunks_mut(per_chunk * c.repeat)
                .zip(rows.par_chunks(per_chunk * row_bytes))
                .for_each(|(o, r)| match c.kind {
                    ColumnKind::U8 => decode_plain(c, r, row_bytes, o, |e| e[0] as i64),
                    ColumnKind::I16 => decode_plain(c, r, row_bytes, o, |e| {
                        i16::from_be_bytes([e[0], e[1]]) as i64
                    }),
                    ColumnKind::I32 => decode_plain(c, r, row_bytes, o, |e| {
                        i32::from_be_bytes(e.try_into().unwrap()) as i64
                    }),
                    _ => decode_plain(c, r, row_bytes, o, |e| {
                        i64::from_be_bytes(e.try_into().unwrap())
                    }),
                });
        }
    }
}

/// Element-by-element copy of a column without scaling.
fn decode_plain<T>(
    c: &TableColumn,
    rows: &[u8],
    row_bytes: usize,
    out: &mut [T],
    conv: impl Fn(&[u8]) -> T,
) {
    let w = c.kind.width();
    let mut k = 0;
    for row in rows.chunks_exact(row_bytes) {
        for e in row[c.offset..c.offset + w * c.repeat].chunks_exact(w) {
            out[k] = conv(e);
            k += 1;
        }
    }
}

/// Values of column `c` as f64 with TSCAL/TZERO applied and TNULL as NaN.
fn decode_f64(c: &TableColumn, rows: &[u8], row_bytes: usize, out: &mut [f64]) {
    let scaled = c.scale != 1.0 || c.zero != 0.0;
    let finish = |raw_int: Option<i64>, v: f64| match (raw_int, c.null) {
        (Some(x), Some(null)) if x == null => f64::NAN,
        _ if scaled => v * c.scale + c.zero,
        _ => v,
    };
    match c.kind {
        ColumnKind::U8 => decode_plain(c, rows, row_bytes, out, |e| {
            finish(Some(e[0] as i64), e[0] as f64)
        }),
        ColumnKind::I16 => decode_plain(c, rows, row_bytes, out, |e| {
            let x = i16::from_be_bytes([e[0], e[1]]) as i64;
            finish(Some(x), x as f64)
        }),
        ColumnKind::I32 => decode_plain(c, rows, row_bytes, out, |e| {
            let x = i32::from_be_bytes(e.try_into().unwrap()) as i64;
            finish(Some(x), x as f64)
        }),
        ColumnKind::I64 => decode_plain(c, rows, row_bytes, out, |e| {
            let x = i64::from_be_bytes(e.try_into().unwrap());
            finish(Some(x), x as f64)
        }),
        ColumnKind::F32 => decode_plain(c, rows, row_bytes, out, |e| {
            finish(None, f32::from_be_bytes(e.try_into().unwrap()) as f64)
        }),
        ColumnKind::F64 => decode_plain(c, rows, row_bytes, out, |e| {
            finish(None, f64::from_be_bytes(e.try_into().unwrap()))
        }),
        ColumnKind::Other(_) => out.fill(f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tform_parsing() {
        assert_eq!(parse_tform("1024E"), Some((1024, 'E')));
        assert_eq!(parse_tform("D"), Some((1, 'D')));
        assert_eq!(parse_tform(" 1K "), Some((1, 'K')));
        assert_eq!(parse_tform(""), None);
    }

    #[test]
    fn decodes_big_endian_with_scaling_and_nulls() {
        let c = TableColumn {
            name: "X".into(),
            unit: String::new(),
            kind: ColumnKind::I16,
            repeat: 2,
            offset: 1,
            scale: 0.5,
            zero: 10.0,
            null: Some(-1),
        };
        // Row: 1 pad byte, then i16 4 and i16 -1 (null).
        let row = [0u8, 0, 4, 0xff, 0xff];
        let mut out = vec![0.0; 2];
        decode_f64(&c, &row, 5, &mut out);
        assert_eq!(out[0], 12.0);
        assert!(out[1].is_nan());
    }
}
