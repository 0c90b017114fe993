//! FITS binary tables read fast and safely: the headers are parsed by us
//! ([`crate::data::fits_header`]: every HDU walked by its declared size, every TFORM
//! described, none fatal), the file is memory-mapped (gzip files are inflated into
//! memory first, as cfitsio does), and only the wanted columns are decoded, in parallel
//! blocks of rows (big-endian, TSCAL/TZERO, TNULL; unsigned integers stored with the
//! FITS offsets stay exact integers).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::data::ColumnData;
use crate::data::fits_header::{Hdu, walk_hdus};
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

/// Storage types of binary-table columns.
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

/// The TFORM type letters of the FITS standard.
const TFORM_LETTERS: &str = "LXBIJKAEDCMPQ";

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
            ColumnKind::Other('C') | ColumnKind::Other('P') => 8,
            ColumnKind::Other('M') | ColumnKind::Other('Q') => 16,
            ColumnKind::Other(_) => 1,
        }
    }

    pub fn is_numeric(self) -> bool {
        !matches!(self, ColumnKind::Other(_))
    }

    pub fn is_integer(self) -> bool {
        matches!(
            self,
            ColumnKind::U8 | ColumnKind::I16 | ColumnKind::I32 | ColumnKind::I64
        )
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

    /// What a column of this type holds, in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ColumnKind::Other('A') => "text",
            ColumnKind::Other('L') => "logical",
            ColumnKind::Other('X') => "bits",
            ColumnKind::Other('C') | ColumnKind::Other('M') => "complex",
            ColumnKind::Other('P') | ColumnKind::Other('Q') => "variable-length array",
            ColumnKind::Other(_) => "unknown",
            _ => "numeric",
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
    /// TUCD, where the writer gave one (VOTable-minded tools do).
    pub ucd: String,
    /// TCOMM, the column's description, where the writer gave one.
    pub comment: String,
}

impl TableColumn {
    /// The exact integer offset of an integer column stored with TSCAL = 1 and a whole
    /// TZERO (how FITS stores unsigned integers: TZERO = 32768, 2^31, 2^63), if it is one.
    pub fn integer_offset(&self) -> Option<i128> {
        (self.kind.is_integer()
            && self.scale == 1.0
            && self.zero.fract() == 0.0
            && self.zero.abs() <= 2f64.powi(63))
        .then_some(self.zero as i128)
    }

    /// An unsigned 64-bit column (`K` with TZERO = 2^63).
    pub fn is_u64(&self) -> bool {
        self.kind == ColumnKind::I64 && self.integer_offset() == Some(1i128 << 63)
    }
}

/// The bytes of a FITS file: mapped, or inflated from gzip.
enum Bytes {
    Mapped(memmap2::Mmap),
    Inflated(Vec<u8>),
}

impl Bytes {
    fn get(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Inflated(v) => v,
        }
    }
}

pub struct FitsTable {
    bytes: Arc<Bytes>,
    hdu: Hdu,
    pub path: PathBuf,
    pub nrows: u64,
    pub row_bytes: usize,
    pub columns: Vec<TableColumn>,
    /// About how many bytes of rows are decoded at a time.
    block_bytes: usize,
}

/// A float column's values in the file's bytes (see [`FitsTable::float_elements`]).
pub struct FloatElements<'a> {
    data: &'a [u8],
    row_bytes: usize,
    offset: usize,
    repeat: usize,
    width: usize,
}

impl FloatElements<'_> {
    /// Number of values (rows × repeat).
    pub fn len(&self) -> usize {
        self.data
            .len()
            .checked_div(self.row_bytes)
            .map_or(0, |rows| rows * self.repeat)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `k` as the file's type holds it (an E value exactly), widened to f64.
    pub fn get(&self, k: usize) -> f64 {
        let at = k / self.repeat * self.row_bytes + self.offset + k % self.repeat * self.width;
        let mut raw = [0u8; 8];
        raw[..self.width].copy_from_slice(&self.data[at..at + self.width]);
        match self.width {
            4 => f64::from(f32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]])),
            _ => f64::from_be_bytes(raw),
        }
    }
}

/// Parses a TFORM value such as `1024E`, `D`, `16A`, `1PE(100)` into (repeat, type letter).
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

/// The file's bytes: memory-mapped, or inflated when it is gzip (by its magic bytes,
/// whatever its name).
fn file_bytes(path: &Path) -> Result<Bytes> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::file(path, "no such file"),
        _ => Error::file(path, format!("cannot open: {e}")),
    })?;
    let meta = file
        .metadata()
        .map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(Error::file(path, "is a folder, not a FITS file"));
    }
    if meta.len() == 0 {
        return Err(Error::file(path, "not a readable FITS file: it is empty"));
    }
    // SAFETY: the mapping is read-only; a file changed by another process while we
    // read gives wrong values, not memory unsafety in safe code that copies out.
    let map = unsafe { memmap2::Mmap::map(&file) }
        .map_err(|e| Error::file(path, format!("cannot map: {e}")))?;
    if crate::data::gzip::is_gzip(&map) {
        return Ok(Bytes::Inflated(crate::data::gzip::inflate(path, &map)?));
    }
    if map.starts_with(&[0x1f, 0x9d]) || map.starts_with(b"BZh") {
        return Err(Error::file(
            path,
            "is compressed with compress or bzip2; decompress it, or compress it with gzip",
        ));
    }
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(Bytes::Mapped(map))
}

/// A binary table's row size, row count and columns, checked against each other.
fn table_layout(hdu: &Hdu) -> std::result::Result<(usize, u64, Vec<TableColumn>), String> {
    let h = &hdu.header;
    let required = |k: &str| -> std::result::Result<i64, String> {
        h.integer(k)?.ok_or_else(|| format!("no {k} keyword"))
    };
    let bitpix = required("BITPIX")?;
    let naxis = required("NAXIS")?;
    if bitpix != 8 || naxis != 2 {
        return Err(format!(
            "a binary table needs BITPIX = 8 and NAXIS = 2, the header has BITPIX = {bitpix} and NAXIS = {naxis}"
        ));
    }
    let gcount = h.integer("GCOUNT")?.unwrap_or(1);
    if gcount != 1 {
        return Err(format!(
            "GCOUNT = {gcount}, but a binary table must have GCOUNT = 1"
        ));
    }
    if h.get("ZTABLE") == Some(&crate::data::fits_header::Value::Logical(true)) {
        return Err(
            "a tile-compressed table (fpack): uncompress it first (funpack) to read it".into(),
        );
    }
    let row_bytes = required("NAXIS1")?;
    let nrows = required("NAXIS2")?;
    let tfields = required("TFIELDS")?;
    if row_bytes < 0 || nrows < 0 {
        return Err(format!(
            "NAXIS1 = {row_bytes} and NAXIS2 = {nrows} must not be negative"
        ));
    }
    if !(0..=999).contains(&tfields) {
        return Err(format!("TFIELDS = {tfields} is not between 0 and 999"));
    }
    let mut columns = Vec::with_capacity(tfields as usize);
    let mut offset = 0u64;
    for i in 1..=tfields {
        let name = h
            .text(&format!("TTYPE{i}"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("COL{i}"));
        let tform = h
            .text(&format!("TFORM{i}"))
            .ok_or_else(|| format!("column {i} ({name}) has no TFORM{i} (TFIELDS = {tfields})"))?;
        let (repeat, code) = parse_tform(&tform)
            .filter(|(_, c)| TFORM_LETTERS.contains(*c))
            .ok_or_else(|| {
                format!("column {i} ({name}): TFORM{i} = '{tform}' is not a binary-table format (rT with T one of {TFORM_LETTERS})")
            })?;
        let kind = ColumnKind::from_code(code);
        let width = if code == 'X' {
            repeat.div_ceil(8) as u64
        } else {
            (repeat as u64).saturating_mul(kind.width() as u64)
        };
        let real = |k: String, default: f64| -> std::result::Result<f64, String> {
            match h.real(&k)? {
                Some(v) if v.is_finite() => Ok(v),
                Some(v) => Err(format!("{k} = {v} is not a finite number")),
                None => Ok(default),
            }
        };
        columns.push(TableColumn {
            unit: h.text(&format!("TUNIT{i}")).unwrap_or_default(),
            ucd: h.text(&format!("TUCD{i}")).unwrap_or_default(),
            comment: h.text(&format!("TCOMM{i}")).unwrap_or_default(),
            kind,
            repeat,
            offset: offset as usize,
            scale: real(format!("TSCAL{i}"), 1.0)?,
            zero: real(format!("TZERO{i}"), 0.0)?,
            null: h.integer(&format!("TNULL{i}")).ok().flatten(),
            name,
        });
        offset = offset.saturating_add(width);
    }
    if offset != row_bytes as u64 {
        return Err(format!(
            "NAXIS1 = {row_bytes} but the columns' TFORMs need {offset} bytes a row"
        ));
    }
    Ok((row_bytes as usize, nrows as u64, columns))
}

impl FitsTable {
    pub fn open(path: &Path, select: &HduSelect) -> Result<FitsTable> {
        let bytes = file_bytes(path)?;
        let hdus = walk_hdus(bytes.get(), path)?;
        let listing = || {
            hdus.iter()
                .map(Hdu::describe)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let hdu = match select {
            HduSelect::Index(i) => hdus
                .get(*i)
                .ok_or_else(|| Error::file(path, format!("has no HDU {i}; HDUs: {}", listing())))?,
            HduSelect::Name(n) => hdus
                .iter()
                .find(|h| h.extname().is_some_and(|e| e.eq_ignore_ascii_case(n)))
                .ok_or_else(|| {
                    Error::file(path, format!("has no HDU named {n}; HDUs: {}", listing()))
                })?,
            HduSelect::FirstTable => hdus
                .iter()
                .skip(1)
                .find(|h| h.kind() == "BINTABLE")
                .ok_or_else(|| {
                    Error::file(
                        path,
                        format!(
                            "has no binary table (expected a BINTABLE extension); HDUs: {}",
                            listing()
                        ),
                    )
                })?,
        }
        .clone();
        if hdu.kind() != "BINTABLE" {
            return Err(Error::file(
                path,
                format!(
                    "HDU {} is not a binary table (it is {})",
                    hdu.index,
                    hdu.describe()
                ),
            ));
        }
        let (row_bytes, nrows, columns) =
            table_layout(&hdu).map_err(|m| Error::file(path, format!("HDU {}: {m}", hdu.index)))?;
        let available = bytes.get().len().saturating_sub(hdu.data_start) as u128;
        let claimed = row_bytes as u128 * nrows as u128;
        if claimed > available {
            return Err(Error::file(
                path,
                format!(
                    "truncated or corrupt: HDU {} claims {nrows} rows of {row_bytes} bytes ({claimed} bytes) but the file has {available} bytes after its header",
                    hdu.index
                ),
            ));
        }
        Ok(FitsTable {
            bytes: Arc::new(bytes),
            hdu,
            path: path.to_path_buf(),
            nrows,
            row_bytes,
            columns,
            block_bytes: 16 << 20,
        })
    }

    /// Whether the file is mapped (read in place), not inflated from gzip into memory.
    pub fn is_mapped(&self) -> bool {
        matches!(*self.bytes, Bytes::Mapped(_))
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
        self.hdu.header.text(key)
    }

    /// The values of an unscaled floating-point column (E or D), read in place by index
    /// (row-major over its `repeat` elements a row); `None` for any other column. Made for
    /// readers that visit values out of file order (a RING map read in NESTED order).
    pub fn float_elements(&self, name: &str) -> Option<FloatElements<'_>> {
        let c = self.column(name)?;
        let width = match c.kind {
            ColumnKind::F32 => 4,
            ColumnKind::F64 => 8,
            _ => return None,
        };
        if c.scale != 1.0 || c.zero != 0.0 {
            return None;
        }
        let data = &self.bytes.get()[self.hdu.data_start..];
        Some(FloatElements {
            data: &data[..self.row_bytes * self.nrows as usize],
            row_bytes: self.row_bytes,
            offset: c.offset,
            repeat: c.repeat,
            width,
        })
    }

    /// Reads the named numeric columns in blocks of rows; for each block `sink` gets one
    /// column per name (`repeat` values a row, row-major). Without `keep_types` every
    /// column is f64 with scaling applied and TNULL values as NaN; with it, integer
    /// columns without TNULL come as exact integers (i64, or u64 for unsigned 64-bit;
    /// IDs above 2^53 survive) and unscaled E columns as f32.
    pub fn read_blocks(
        &mut self,
        names: &[&str],
        keep_types: bool,
        sink: impl FnMut(&[ColumnData]) -> Result<()>,
    ) -> Result<()> {
        self.read_blocks_in(names, keep_types, 0..self.nrows, sink)
    }

    /// [`read_blocks`](Self::read_blocks) over the rows `window` only (clipped to the
    /// table).
    pub fn read_blocks_in(
        &mut self,
        names: &[&str],
        keep_types: bool,
        window: std::ops::Range<u64>,
        mut sink: impl FnMut(&[ColumnData]) -> Result<()>,
    ) -> Result<()> {
        let cols = self.numeric_columns(names)?;
        let mut out: Vec<ColumnData> = cols
            .iter()
            .map(|c| OutKind::of(c, keep_types).empty())
            .collect();
        self.for_each_block(window, |_, block, row_bytes| {
            for (c, o) in cols.iter().zip(out.iter_mut()) {
                o.resize_zeroed(block.len() / row_bytes * c.repeat);
                decode_parallel(c, block, row_bytes, o, 0);
            }
            sink(&out)
        })
    }

    /// The named numeric columns over the rows `window` (clipped to the table), each
    /// decoded straight into one vector as [`read_blocks`](Self::read_blocks) types it:
    /// no block is copied again. `progress` gets the rows decoded so far.
    pub fn read_columns_in(
        &mut self,
        names: &[&str],
        keep_types: bool,
        window: std::ops::Range<u64>,
        mut progress: impl FnMut(u64),
    ) -> Result<Vec<ColumnData>> {
        let cols = self.numeric_columns(names)?;
        let end = window.end.min(self.nrows);
        let start = window.start.min(end);
        let rows = if self.row_bytes == 0 { 0 } else { end - start };
        let mut out: Vec<ColumnData> = cols
            .iter()
            .map(|c| {
                let mut o = OutKind::of(c, keep_types).empty();
                o.resize_zeroed(rows as usize * c.repeat);
                o
            })
            .collect();
        self.for_each_block(start..end, |row, block, row_bytes| {
            let at = (row - start) as usize;
            for (c, o) in cols.iter().zip(out.iter_mut()) {
                decode_parallel(c, block, row_bytes, o, at);
            }
            progress((row - start) + (block.len() / row_bytes) as u64);
            Ok(())
        })?;
        Ok(out)
    }

    /// The table's columns `names`, each checked to exist and be numeric.
    fn numeric_columns(&self, names: &[&str]) -> Result<Vec<TableColumn>> {
        names
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
            .collect()
    }

    /// Calls `f(first row, rows' bytes, bytes a row)` for blocks of about `block_bytes`
    /// (16 MB) of the rows in `window` (clipped to the table), in order.
    fn for_each_block(
        &self,
        window: std::ops::Range<u64>,
        mut f: impl FnMut(u64, &[u8], usize) -> Result<()>,
    ) -> Result<()> {
        if self.row_bytes == 0 || self.nrows == 0 {
            return Ok(());
        }
        let bytes = Arc::clone(&self.bytes);
        let data = &bytes.get()[self.hdu.data_start..];
        let rows_per_block = (self.block_bytes / self.row_bytes).max(1) as u64;
        let end = window.end.min(self.nrows);
        let mut row = window.start.min(end);
        while row < end {
            let n = rows_per_block.min(end - row);
            let from = row as usize * self.row_bytes;
            let block = &data[from..from + n as usize * self.row_bytes];
            f(row, block, self.row_bytes)?;
            if let Bytes::Mapped(map) = &*bytes {
                // Decoded pages leave our resident set (they stay in the page cache), so
                // a load peaks near the size of its columns, not columns plus file.
                let start = self.hdu.data_start + from;
                let page = 4096;
                let (a, b) = (
                    start.div_ceil(page) * page,
                    (start + block.len()) / page * page,
                );
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
            row += n;
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
    U64,
}

impl OutKind {
    /// Typed output keeps integers without TNULL exact (IDs above 2^53; unsigned ones
    /// stored with TZERO too) and unscaled E columns as f32; everything else (and untyped
    /// output) is f64, TNULL NaN.
    fn of(c: &TableColumn, typed: bool) -> OutKind {
        let plain = c.scale == 1.0 && c.zero == 0.0;
        match c.kind {
            ColumnKind::I64 if typed && c.null.is_none() && c.is_u64() => OutKind::U64,
            _ if typed && c.null.is_none() && c.integer_offset().is_some() => OutKind::I64,
            ColumnKind::F32 if typed && plain => OutKind::F32,
            _ => OutKind::F64,
        }
    }

    fn empty(self) -> ColumnData {
        match self {
            OutKind::F64 => ColumnData::F64((Vec::new()).into()),
            OutKind::F32 => ColumnData::F32((Vec::new()).into()),
            OutKind::I64 => ColumnData::I64((Vec::new()).into()),
            OutKind::U64 => ColumnData::U64((Vec::new()).into()),
        }
    }
}

/// Decodes column `c` of the whole rows in `rows` into `out` from row `at` (`out` holds
/// room for them), on all cores.
fn decode_parallel(
    c: &TableColumn,
    rows: &[u8],
    row_bytes: usize,
    out: &mut ColumnData,
    at: usize,
) {
    use rayon::prelude::*;
    let n = rows.len() / row_bytes;
    let per_chunk = 1 << 15;
    let span = at * c.repeat..(at + n) * c.repeat;
    match out {
        ColumnData::F64(v) => {
            v.vec_mut()[span.clone()]
                .par_chunks_mut(per_chunk * c.repeat)
                .zip(rows.par_chunks(per_chunk * row_bytes))
                .for_each(|(o, r)| decode_f64(c, r, row_bytes, o));
        }
        ColumnData::F32(v) => {
            v.vec_mut()[span.clone()]
                .par_chunks_mut(per_chunk * c.repeat)
                .zip(rows.par_chunks(per_chunk * row_bytes))
                .for_each(|(o, r)| decode_plain(c, r, row_bytes, o, |e| f32::from_be_bytes(be(e))));
        }
        ColumnData::I16(_) => unreachable!("decoded integers are i64 or u64"),
        ColumnData::U64(v) => {
            // TZERO = 2^63: the stored i64 plus 2^63 is the sign bit flipped.
            v.vec_mut()[span.clone()]
                .par_chunks_mut(per_chunk * c.repeat)
                .zip(rows.par_chunks(per_chunk * row_bytes))
                .for_each(|(o, r)| {
                    decode_plain(c, r, row_bytes, o, |e| {
                        u64::from_be_bytes(be(e)) ^ (1u64 << 63)
                    })
                });
        }
        ColumnData::I64(v) => {
            // TZERO offsets (unsigned 16/32-bit, signed bytes) are whole numbers.
            let zero = c.integer_offset().unwrap_or(0) as i64;
            v.vec_mut()[span.clone()]
                .par_chunks_mut(per_chunk * c.repeat)
                .zip(rows.par_chunks(per_chunk * row_bytes))
                .for_each(|(o, r)| match c.kind {
                    ColumnKind::U8 => decode_plain(c, r, row_bytes, o, |e| e[0] as i64 + zero),
                    ColumnKind::I16 => decode_plain(c, r, row_bytes, o, |e| {
                        i16::from_be_bytes([e[0], e[1]]) as i64 + zero
                    }),
                    ColumnKind::I32 => decode_plain(c, r, row_bytes, o, |e| {
                        i32::from_be_bytes(be(e)) as i64 + zero
                    }),
                    _ => decode_plain(c, r, row_bytes, o, |e| {
                        i64::from_be_bytes(be(e)).wrapping_add(zero)
                    }),
                });
        }
    }
}

/// The first `N` bytes of a big-endian element (elements come from `chunks_exact` of
/// their width, so `e` always holds them; shorter input is zero-padded, not a panic).
fn be<const N: usize>(e: &[u8]) -> [u8; N] {
    // The fixed-size read is one load; the padded copy only for short input.
    if let Some(a) = e.first_chunk::<N>() {
        return *a;
    }
    let mut a = [0u8; N];
    a[..e.len()].copy_from_slice(e);
    a
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
    if c.repeat == 1 {
        // Scalars (nearly every catalog column): one element a row, no bounds checks.
        for (o, row) in out.iter_mut().zip(rows.chunks_exact(row_bytes)) {
            *o = conv(&row[c.offset..c.offset + w]);
        }
        return;
    }
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
            let x = i32::from_be_bytes(be(e)) as i64;
            finish(Some(x), x as f64)
        }),
        ColumnKind::I64 => decode_plain(c, rows, row_bytes, out, |e| {
            let x = i64::from_be_bytes(be(e));
            finish(Some(x), x as f64)
        }),
        ColumnKind::F32 => decode_plain(c, rows, row_bytes, out, |e| {
            finish(None, f32::from_be_bytes(be(e)) as f64)
        }),
        ColumnKind::F64 => decode_plain(c, rows, row_bytes, out, |e| {
            finish(None, f64::from_be_bytes(be(e)))
        }),
        ColumnKind::Other(_) => out.fill(f64::NAN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Catalog, Column};

    /// Columns read whole (decoded block by block into place) hold what blocks read one
    /// at a time hold, and the values written, over a window crossing many blocks.
    #[test]
    fn columns_read_whole_equal_the_blocks_and_the_rows_written() {
        let n = 1000usize;
        let ra: Vec<f64> = (0..n).map(|i| i as f64 * 0.36).collect();
        let z: Vec<f32> = (0..n).map(|i| i as f32 / 1000.0).collect();
        let id: Vec<i64> = (0..n).map(|i| 1 << 40 | i as i64).collect();
        let cat = Catalog {
            name: "t".into(),
            columns: vec![
                Column::new("RA", "deg", ColumnData::F64(ra.clone().into())),
                Column::new("Z", "", ColumnData::F32(z.clone().into())),
                Column::new("ID", "", ColumnData::I64(id.clone().into())),
            ],
            roles: Default::default(),
            cache_tag: Default::default(),
        };
        let dir =
            std::env::temp_dir().join(format!("clusterviz-fits-whole-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.fits");
        crate::data::fits_write::write_catalog(&cat, None, "T", &path).unwrap();
        let mut t = FitsTable::open(&path, &HduSelect::FirstTable).unwrap();
        // 7 rows a block: the window below spans 125 blocks, starting inside one.
        t.block_bytes = 7 * t.row_bytes;
        let names = ["RA", "Z", "ID"];
        let window = 37..911;
        let mut progress = Vec::new();
        let whole = t
            .read_columns_in(&names, true, window.clone(), |done| progress.push(done))
            .unwrap();
        let mut blocks: Vec<Vec<f64>> = vec![Vec::new(); 3];
        t.read_blocks_in(&names, true, window.clone(), |cols| {
            for (b, c) in blocks.iter_mut().zip(cols) {
                b.extend((0..c.len()).map(|i| c.get_f64(i)));
            }
            Ok(())
        })
        .unwrap();
        std::fs::remove_dir_all(&dir).ok();
        let w = window.start as usize..window.end as usize;
        assert_eq!(whole[0], ColumnData::F64(ra[w.clone()].to_vec().into()));
        assert_eq!(whole[1], ColumnData::F32(z[w.clone()].to_vec().into()));
        assert_eq!(whole[2], ColumnData::I64(id[w.clone()].to_vec().into()));
        for (b, c) in blocks.iter().zip(&whole) {
            assert_eq!(b.len(), c.len());
            assert!(b.iter().enumerate().all(|(i, &v)| v == c.get_f64(i)));
        }
        // Progress counts rows of the window, rising to all of them.
        assert!(progress.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(progress.last(), Some(&(w.len() as u64)));
    }

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
            ucd: String::new(),
            comment: String::new(),
        };
        // Row: 1 pad byte, then i16 4 and i16 -1 (null).
        let row = [0u8, 0, 4, 0xff, 0xff];
        let mut out = vec![0.0; 2];
        decode_f64(&c, &row, 5, &mut out);
        assert_eq!(out[0], 12.0);
        assert!(out[1].is_nan());
    }
}
