//! CSV (comma-, tab- or space-separated, as TOPCAT, pandas and spreadsheets write it) and
//! ECSV (astropy's CSV with a YAML header giving each column's type and unit).
//!
//! Plain CSV says nothing of types: a column whose values all read as integers is kept
//! as integers, one whose values all read as numbers as f64, and any other is text (not
//! kept; named in the load's report, and in the error if a role needs it). Empty fields
//! are missing values (NaN; integers with missing values become f64).

use std::path::Path;

use crate::data::catalog::Storage;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::ecsv_header::{EcsvColumn, parse_header, split_header};
use crate::data::tables::table_load::{ColumnMeta, TableLoad, integers_or_nan};
use crate::data::{Catalog, ColumnData};
use crate::error::{Error, Result};

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
    let bytes = std::fs::read(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
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
    let table = parse_rows(path, body, delimiter, declared.as_deref(), header_lines)?;
    let load = TableLoad::start(path, name, &table.metas, opts, table.rows as u64)?;
    Ok(load.push_columns(&table.data))
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

struct ParsedTable {
    metas: Vec<ColumnMeta>,
    data: Vec<ColumnData>,
    rows: usize,
}

/// The values of one column as they are read.
enum Values {
    Ints(Vec<i64>),
    Floats(Vec<f64>),
    /// Not numbers: the first such value, for messages.
    Text(String),
}

struct ColumnParse {
    values: Values,
    missing: Vec<bool>,
    /// ECSV's declared type, which the values must honour.
    declared: Option<Declared>,
}

#[derive(Clone, Copy)]
enum Declared {
    Int(Storage),
    Float(Storage),
    Other,
}

fn declared_kind(c: &EcsvColumn) -> (Declared, Option<String>) {
    if c.subtype.is_some() {
        return (
            Declared::Other,
            Some(format!(
                "an array column ({})",
                c.subtype.as_deref().unwrap_or("")
            )),
        );
    }
    let kind = match c.datatype.as_str() {
        "float16" | "float32" => Declared::Float(Storage::F32),
        "float64" | "float128" => Declared::Float(Storage::F64),
        "int8" | "int16" => Declared::Int(Storage::I16),
        "uint8" => Declared::Int(Storage::U8),
        "int32" | "uint16" => Declared::Int(Storage::I32),
        "int64" | "uint32" => Declared::Int(Storage::I64),
        "uint64" => Declared::Int(Storage::U64),
        t => {
            return (
                Declared::Other,
                Some(format!("ECSV type {t} is not numeric")),
            );
        }
    };
    (kind, None)
}

fn is_missing(field: &str) -> bool {
    matches!(field, "" | "--" | "NA" | "N/A" | "null" | "NULL" | "None")
}

impl ColumnParse {
    fn push(&mut self, field: &str) -> std::result::Result<(), String> {
        let field = field.trim();
        let missing = is_missing(field);
        self.missing.push(missing);
        match &mut self.values {
            Values::Text(_) => {}
            Values::Ints(v) => {
                if missing {
                    v.push(0);
                } else if let Ok(x) = field.parse::<i64>() {
                    v.push(x);
                } else if let (Ok(x), false) = (
                    field.parse::<f64>(),
                    matches!(self.declared, Some(Declared::Int(_))),
                ) {
                    let mut f: Vec<f64> = v
                        .iter()
                        .zip(&self.missing)
                        .map(|(&i, &m)| if m { f64::NAN } else { i as f64 })
                        .collect();
                    f.push(x);
                    self.values = Values::Floats(f);
                } else if self.declared.is_some() {
                    return Err(format!("'{field}' is not an integer"));
                } else {
                    self.values = Values::Text(field.to_string());
                }
            }
            Values::Floats(v) => {
                if missing {
                    v.push(f64::NAN);
                } else if let Ok(x) = field.parse::<f64>() {
                    v.push(x);
                } else if self.declared.is_some() {
                    return Err(format!("'{field}' is not a number"));
                } else {
                    self.values = Values::Text(field.to_string());
                }
            }
        }
        Ok(())
    }

    fn finish(
        self,
        name: &str,
        unit: &str,
        ucd: &str,
        why_not: Option<String>,
    ) -> (ColumnMeta, ColumnData) {
        let meta = |storage| ColumnMeta {
            name: name.to_string(),
            unit: unit.to_string(),
            ucd: ucd.to_string(),
            storage,
        };
        let empty = ColumnData::F64(Vec::new().into());
        if let Some(why) = why_not {
            return (meta(Err(why)), empty);
        }
        match self.values {
            Values::Text(example) => (
                meta(Err(format!("text (e.g. '{example}'), not numbers"))),
                empty,
            ),
            Values::Ints(v) => {
                let storage = match self.declared {
                    Some(Declared::Int(s)) => s,
                    _ => Storage::I64,
                };
                if storage == Storage::U64 && !self.missing.contains(&true) {
                    let u: Vec<u64> = v.iter().map(|&x| x as u64).collect();
                    return (meta(Ok(Storage::U64)), ColumnData::U64(u.into()));
                }
                let (data, storage) = integers_or_nan(v, &self.missing, storage);
                (meta(Ok(storage)), data)
            }
            Values::Floats(v) => match self.declared {
                Some(Declared::Float(Storage::F32)) => {
                    let f: Vec<f32> = v.iter().map(|&x| x as f32).collect();
                    (meta(Ok(Storage::F32)), ColumnData::F32(f.into()))
                }
                _ => (meta(Ok(Storage::F64)), ColumnData::F64(v.into())),
            },
        }
    }
}

fn parse_rows(
    path: &Path,
    body: &str,
    delimiter: u8,
    declared: Option<&[EcsvColumn]>,
    header_lines: usize,
) -> Result<ParsedTable> {
    let header_lines = header_lines as u64;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let at = |pos: Option<&csv::Position>| {
        pos.map_or(String::new(), |p| {
            format!("line {}: ", header_lines + p.line())
        })
    };
    let headers: Vec<String> = if delimiter == b' ' {
        // Space-separated headers may be aligned with runs of spaces.
        body.lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    } else {
        reader
            .headers()
            .map_err(|e| Error::file(path, format!("{}{e}", at(e.position()))))?
            .iter()
            .map(str::to_string)
            .collect()
    };
    if headers.is_empty() || headers.iter().all(|h| h.is_empty()) {
        return Err(Error::file(path, "has no header line naming its columns"));
    }
    let mut why_not: Vec<Option<String>> = vec![None; headers.len()];
    let mut columns: Vec<ColumnParse> = Vec::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        let declared_kind = match declared {
            Some(d) => {
                let c = d.iter().find(|c| &c.name == h).ok_or_else(|| {
                    Error::file(
                        path,
                        format!("ECSV: column {h} of the data is not in the header"),
                    )
                })?;
                let (k, why) = declared_kind(c);
                why_not[i] = why;
                Some(k)
            }
            None => None,
        };
        let values = match declared_kind {
            Some(Declared::Float(_)) => Values::Floats(Vec::new()),
            Some(Declared::Other) => Values::Text(String::new()),
            _ => Values::Ints(Vec::new()),
        };
        columns.push(ColumnParse {
            values,
            missing: Vec::new(),
            declared: declared_kind.filter(|k| !matches!(k, Declared::Other)),
        });
    }
    if let Some(d) = declared
        && d.len() != headers.len()
    {
        return Err(Error::file(
            path,
            format!(
                "ECSV: the header declares {} columns, the data have {}",
                d.len(),
                headers.len()
            ),
        ));
    }
    let mut rows = 0usize;
    let mut push_row = |fields: Vec<&str>, line: u64| -> Result<()> {
        if fields.len() != headers.len() {
            return Err(Error::file(
                path,
                format!(
                    "line {line}: {} fields where the header names {}",
                    fields.len(),
                    headers.len()
                ),
            ));
        }
        for ((c, f), h) in columns.iter_mut().zip(fields).zip(&headers) {
            c.push(f)
                .map_err(|m| Error::file(path, format!("line {line}, column {h}: {m}")))?;
        }
        rows += 1;
        Ok(())
    };
    if delimiter == b' ' {
        for (k, line) in body.lines().enumerate().skip(1) {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            push_row(split_spaces(line), header_lines + k as u64 + 1)?;
        }
    } else {
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = header_lines + record.position().map_or(0, |p| p.line());
                    push_row(record.iter().collect(), line)?;
                }
                Err(e) => {
                    let msg = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            pos,
                            expected_len,
                            len,
                        } => format!(
                            "{}{len} fields where the header names {expected_len}",
                            at(pos.as_ref())
                        ),
                        _ => format!("{}{e}", at(e.position())),
                    };
                    return Err(Error::file(path, msg));
                }
            }
        }
    }
    let units: Vec<(String, String)> = headers
        .iter()
        .map(|h| {
            declared
                .and_then(|d| d.iter().find(|c| &c.name == h))
                .map_or((String::new(), String::new()), |c| {
                    (c.unit.clone(), c.ucd.clone())
                })
        })
        .collect();
    let (metas, data) = columns
        .into_iter()
        .zip(&headers)
        .zip(units)
        .zip(why_not)
        .map(|(((c, h), (unit, ucd)), why)| c.finish(h, &unit, &ucd, why))
        .unzip();
    Ok(ParsedTable { metas, data, rows })
}

/// Fields of a space-separated line: runs of spaces separate, double quotes group
/// (ECSV quotes text holding spaces, and writes "" for an empty value).
fn split_spaces(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            out.push(&quoted[..end]);
            rest = quoted.get(end + 1..).unwrap_or("").trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = rest[end..].trim_start();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_integers_numbers_and_text() {
        let t = parse_rows(
            Path::new("t.csv"),
            "ra,n,name,z\n1.5,3,a,\n2,4,b,0.5\n",
            b',',
            None,
            0,
        )
        .unwrap();
        assert_eq!(t.rows, 2);
        assert_eq!(t.data[0], ColumnData::F64(vec![1.5, 2.0].into()));
        assert_eq!(t.data[1], ColumnData::I64(vec![3, 4].into()));
        assert!(t.metas[2].storage.as_ref().err().unwrap().contains("'a'"));
        let ColumnData::F64(z) = &t.data[3] else {
            panic!("z is f64")
        };
        assert!(z[0].is_nan() && z[1] == 0.5);
        let e = parse_rows(Path::new("t.csv"), "a,b\n1,2\n3\n", b',', None, 0)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("t.csv")
                && e.contains("line 3")
                && e.contains("1 fields where the header names 2"),
            "{e}"
        );
        assert_eq!(
            split_spaces(r#"1.5  "two words" """#),
            ["1.5", "two words", ""]
        );
    }
}
