//! The rows of a CSV or ECSV body (from its column-name line on), parsed in blocks of
//! lines on all cores. Fields are split per line: a quoted field may hold the delimiter
//! (and doubled quotes), not a line break.

use std::path::Path;

use rayon::prelude::*;

use crate::data::ColumnData;
use crate::data::catalog::Storage;
use crate::data::tables::delimited::column_parse::{ColumnParse, declared_kind};
use crate::data::tables::ecsv_header::EcsvColumn;
use crate::data::tables::table_load::ColumnMeta;
use crate::error::{Error, Result};

pub struct ParsedTable {
    pub metas: Vec<ColumnMeta>,
    /// Each block's columns, in file order (taken as they are pushed).
    pub blocks: Vec<Vec<ColumnParse>>,
    pub rows: usize,
}

impl ParsedTable {
    /// Block `b`'s values of the file's columns `order`, kept as `storages` say (taken:
    /// the block keeps none of them).
    pub fn take_block(
        &mut self,
        b: usize,
        order: &[usize],
        storages: &[Storage],
    ) -> Vec<ColumnData> {
        order
            .iter()
            .zip(storages)
            .map(|(&k, &storage)| {
                std::mem::replace(&mut self.blocks[b][k], ColumnParse::new(None))
                    .into_block(storage)
            })
            .collect()
    }
}

/// Parses `body`; `header_lines` lines of the file come before it (for line numbers).
pub fn parse_rows(
    path: &Path,
    body: &str,
    delimiter: u8,
    declared: Option<&[EcsvColumn]>,
    header_lines: usize,
) -> Result<ParsedTable> {
    let (header, data) = body.split_once('\n').unwrap_or((body, ""));
    let header = header.strip_suffix('\r').unwrap_or(header);
    let mut headers: Vec<&str> = Vec::new();
    split_line(header, delimiter, &mut headers)
        .map_err(|m| Error::file(path, format!("line {}: {m}", header_lines + 1)))?;
    let headers: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(Error::file(path, "has no header line naming its columns"));
    }
    let mut kinds = Vec::with_capacity(headers.len());
    let mut why_not: Vec<Option<String>> = vec![None; headers.len()];
    let mut described = Vec::with_capacity(headers.len());
    if let Some(d) = declared {
        if d.len() != headers.len() {
            return Err(Error::file(
                path,
                format!(
                    "ECSV: the header declares {} columns, the data have {}",
                    d.len(),
                    headers.len()
                ),
            ));
        }
        for (i, h) in headers.iter().enumerate() {
            let c = d.iter().find(|c| &c.name == h).ok_or_else(|| {
                Error::file(
                    path,
                    format!("ECSV: column {h} of the data is not in the header"),
                )
            })?;
            let (kind, why) = declared_kind(c);
            kinds.push(Some(kind));
            why_not[i] = why;
            described.push((c.unit.clone(), c.ucd.clone()));
        }
    } else {
        kinds.resize(headers.len(), None);
        described.resize(headers.len(), (String::new(), String::new()));
    }
    // Blocks of whole lines, a few per core, each knowing its first line's number.
    let blocks = line_blocks(data, rayon::current_num_threads() * 4);
    let line_counts: Vec<u64> = blocks
        .par_iter()
        .map(|b| memchr::memchr_iter(b'\n', b.as_bytes()).count() as u64 + 1)
        .collect();
    let first_lines: Vec<u64> = line_counts
        .iter()
        .scan(header_lines as u64 + 2, |next, n| {
            let first = *next;
            *next += n - 1;
            Some(first)
        })
        .collect();
    let parsed: Vec<Result<Vec<ColumnParse>>> = blocks
        .par_iter()
        .zip(first_lines.par_iter().zip(&line_counts))
        .map(|(block, (&first, &lines))| {
            let mut columns: Vec<ColumnParse> = kinds
                .iter()
                .map(|&k| ColumnParse::with_capacity(k, lines as usize))
                .collect();
            parse_block(path, block, first, delimiter, &headers, &mut columns)?;
            Ok(columns)
        })
        .collect();
    let blocks: Vec<Vec<ColumnParse>> = parsed.into_iter().collect::<Result<_>>()?;
    let rows = blocks
        .iter()
        .map(|b| b.first().map_or(0, |c| c.missing.len()))
        .sum();
    let metas = headers
        .iter()
        .enumerate()
        .zip(described)
        .zip(why_not)
        .map(|(((k, h), (unit, ucd)), why)| {
            let parts: Vec<&ColumnParse> = blocks.iter().map(|b| &b[k]).collect();
            ColumnMeta {
                name: h.clone(),
                unit,
                ucd,
                storage: match why {
                    Some(why) => Err(why),
                    None => ColumnParse::storage_of_blocks(&parts),
                },
            }
        })
        .collect();
    Ok(ParsedTable {
        metas,
        blocks,
        rows,
    })
}

/// About `n` slices of `text`, each ending after a line break (the last at the end).
fn line_blocks(text: &str, n: usize) -> Vec<&str> {
    let target = (text.len() / n.max(1)).max(1 << 20);
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cut = if rest.len() <= target {
            rest.len()
        } else {
            rest[target..]
                .find('\n')
                .map_or(rest.len(), |i| target + i + 1)
        };
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out
}

fn parse_block(
    path: &Path,
    block: &str,
    first_line: u64,
    delimiter: u8,
    headers: &[String],
    columns: &mut [ColumnParse],
) -> Result<()> {
    let mut fields: Vec<&str> = Vec::with_capacity(headers.len());
    // Lines are split the quick way unless the block holds a quote somewhere.
    let quotes = memchr::memchr(b'"', block.as_bytes()).is_some();
    for (k, line) in block.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let number = first_line + k as u64;
        if quotes || delimiter == b' ' {
            split_line(line, delimiter, &mut fields)
                .map_err(|m| Error::file(path, format!("line {number}: {m}")))?;
        } else {
            fields.clear();
            fields.extend(line.split(delimiter as char));
        }
        if fields.len() != headers.len() {
            return Err(Error::file(
                path,
                format!(
                    "line {number}: {} fields where the header names {}",
                    fields.len(),
                    headers.len()
                ),
            ));
        }
        for ((c, f), h) in columns.iter_mut().zip(&fields).zip(headers) {
            c.push(f)
                .map_err(|m| Error::file(path, format!("line {number}, column {h}: {m}")))?;
        }
    }
    Ok(())
}

/// The fields of one line into `out`. With a space delimiter, runs of spaces separate.
/// A field in double quotes may hold the delimiter; `""` inside stands for a quote (kept
/// doubled: only numbers are read from fields, text is not kept).
pub fn split_line<'a>(
    line: &'a str,
    delimiter: u8,
    out: &mut Vec<&'a str>,
) -> std::result::Result<(), String> {
    out.clear();
    if delimiter == b' ' {
        return split_spaces(line, out);
    }
    let d = delimiter as char;
    if !line.contains('"') {
        out.extend(line.split(d));
        return Ok(());
    }
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        if let Some(quoted) = trimmed.strip_prefix('"') {
            let end = closing_quote(quoted)?;
            out.push(&quoted[..end]);
            let after = quoted[end + 1..].trim_start_matches(' ');
            match after.strip_prefix(d) {
                Some(next) => rest = next,
                None if after.is_empty() => return Ok(()),
                None => return Err("text after a closing quote".into()),
            }
        } else {
            match rest.find(d) {
                Some(i) => {
                    out.push(&rest[..i]);
                    rest = &rest[i + 1..];
                }
                None => {
                    out.push(rest);
                    return Ok(());
                }
            }
        }
    }
}

/// Where the quote closing a quoted field is, `""` being a quote inside it.
fn closing_quote(quoted: &str) -> std::result::Result<usize, String> {
    let b = quoted.as_bytes();
    let mut i = 0;
    while let Some(k) = quoted[i..].find('"') {
        let at = i + k;
        if b.get(at + 1) == Some(&b'"') {
            i = at + 2;
        } else {
            return Ok(at);
        }
    }
    Err("a quoted field does not end on its line".into())
}

/// Space-separated fields: runs of spaces separate, double quotes group (ECSV quotes text
/// holding spaces, and writes "" for an empty value).
fn split_spaces<'a>(line: &'a str, out: &mut Vec<&'a str>) -> std::result::Result<(), String> {
    let mut rest = line.trim();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = closing_quote(quoted)?;
            out.push(&quoted[..end]);
            rest = quoted[end + 1..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = rest[end..].trim_start();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str, d: u8) -> std::result::Result<Vec<&str>, String> {
        let mut out = Vec::new();
        split_line(line, d, &mut out).map(|_| out)
    }

    #[test]
    fn fields_with_quotes_delimiters_and_runs_of_spaces() {
        assert_eq!(split("1,,2,", b','), Ok(vec!["1", "", "2", ""]));
        assert_eq!(split(r#"1,"a, b",3"#, b','), Ok(vec!["1", "a, b", "3"]));
        assert_eq!(
            split(r#""say ""hi""",2"#, b','),
            Ok(vec![r#"say ""hi"""#, "2"])
        );
        assert_eq!(split("1\t2", b'\t'), Ok(vec!["1", "2"]));
        assert_eq!(
            split(r#"1.5  "two words" """#, b' '),
            Ok(vec!["1.5", "two words", ""])
        );
        assert!(
            split(r#"1,"open"#, b',')
                .unwrap_err()
                .contains("does not end")
        );
        assert!(
            split(r#""a"b,1"#, b',')
                .unwrap_err()
                .contains("after a closing quote")
        );
    }

    #[test]
    fn infers_integers_numbers_and_text_across_blocks() {
        let mut t = parse_rows(
            Path::new("t.csv"),
            "ra,n,name,z\n1.5,3,a,\n2,4,b,0.5\n",
            b',',
            None,
            0,
        )
        .unwrap();
        assert_eq!(t.rows, 2);
        assert!(t.metas[2].storage.as_ref().err().unwrap().contains("'a'"));
        let kept = [0, 1, 3];
        let storages: Vec<Storage> = kept
            .iter()
            .map(|&k| *t.metas[k].storage.as_ref().unwrap())
            .collect();
        let cols = t.take_block(0, &kept, &storages);
        assert_eq!(cols[0], ColumnData::F64(vec![1.5, 2.0].into()));
        assert_eq!(cols[1], ColumnData::I64(vec![3, 4].into()));
        let ColumnData::F64(z) = &cols[2] else {
            panic!("z is f64")
        };
        assert!(z[0].is_nan() && z[1] == 0.5);
        // Blocks parsed apart agree: integers in one, numbers in another give numbers.
        let a = ColumnParse::new(None);
        let mut b = ColumnParse::new(None);
        let mut c = ColumnParse::new(None);
        b.push("7").unwrap();
        b.push("").unwrap();
        c.push("0.25").unwrap();
        let storage = ColumnParse::storage_of_blocks(&[&a, &b, &c]).unwrap();
        assert_eq!(storage, Storage::F64);
        let ColumnData::F64(v) = b.into_block(storage) else {
            panic!()
        };
        assert!(v[0] == 7.0 && v[1].is_nan());
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
    }

    #[test]
    fn line_blocks_end_at_line_breaks() {
        let text = "a,b\n".repeat(1 << 19);
        let blocks = line_blocks(&text, 4);
        assert!(blocks.len() >= 2);
        assert!(blocks.iter().all(|b| b.ends_with('\n')));
        assert_eq!(blocks.concat(), text);
    }
}
