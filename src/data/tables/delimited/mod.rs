//! CSV (comma-, tab- or space-separated, as TOPCAT, pandas and spreadsheets write it) and
//! ECSV (astropy's CSV with a YAML header giving each column's type and unit).
//!
//! Plain CSV says nothing of types: a column whose values all read as integers is kept
//! as integers, one whose values all read as numbers as f64, and any other is text (not
//! kept; named in the load's report, and in the error if a role needs it). Empty fields
//! are missing values (NaN; integers with missing values become f64).

use std::path::Path;

pub mod column_parse;
pub mod rows;

use crate::data::Catalog;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::ecsv_header::{parse_header, split_header};
use crate::data::tables::map_file;
use crate::data::tables::table_load::TableLoad;
use crate::error::{Error, Result};
use rows::parse_rows;

/// Reads a CSV file (`ecsv` false) or an ECSV file.
pub fn read_delimited(
    path: &Path,
    name: &str,
    opts: &LoadOptions,
    ecsv: bool,
) -> Result<(Catalog, LoadReport)> {
    if opts.hdu.is_some() {
        return Err(Error::file(
            path,
            "holds one table: --hdu does not apply to it",
        ));
    }
    let bytes = map_file(path)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| Error::file(path, format!("is not UTF-8 text ({e})")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (declared, delimiter, body) = if ecsv {
        let (yaml, body) =
            split_header(text).map_err(|m| Error::file(path, format!("ECSV: {m}")))?;
        let h = parse_header(&yaml).map_err(|m| Error::file(path, format!("ECSV: {m}")))?;
        (Some(h.columns), Some(h.delimiter), body)
    } else {
        (None, None, skip_comments(text))
    };
    let first_line = body.lines().next().unwrap_or("");
    let delimiter = delimiter.unwrap_or_else(|| guess_delimiter(first_line));
    // Lines are counted in the file, header included.
    let header_lines = text[..text.len() - body.len()].matches('\n').count();
    let mut table = parse_rows(path, body, delimiter, declared.as_deref(), header_lines)?;
    let mut load = TableLoad::start(path, name, &table.metas, opts, table.rows as u64)?;
    // Block by block, each converted to how its column is kept: no whole-column copies.
    let (order, storages) = (load.order.clone(), load.storages.clone());
    for b in 0..table.blocks.len() {
        load.push_block(&table.take_block(b, &order, &storages));
    }
    Ok(load.finish())
}

/// Lines starting with `#` before the header line are comments.
fn skip_comments(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with('#') || rest.starts_with('\n') || rest.starts_with("\r\n") {
        rest = rest.find('\n').map_or("", |i| &rest[i + 1..]);
    }
    rest
}

/// Comma unless the header line has none and has tabs (TSV) or only spaces.
fn guess_delimiter(header: &str) -> u8 {
    if header.contains(',') {
        b','
    } else if header.contains('\t') {
        b'\t'
    } else if header.trim().contains(' ') {
        b' '
    } else {
        b','
    }
}
