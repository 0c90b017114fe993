//! Writing a catalog as a VOTable 1.4 document (BINARY2 rows in a base64 stream inside
//! the file), as TOPCAT, Aladin and astropy read it: every column with its name, type and
//! unit, and UCDs on the columns that play the position, redshift, SNR and ID roles, so
//! that TOPCAT finds the sky position unasked.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use quick_xml::escape::escape;

use crate::data::catalog::Storage;
use crate::data::{Catalog, Column, ColumnData};
use crate::error::{Error, Result};
use crate::fsutil::write_atomically;

/// Bytes of rows encoded per base64 line (57 bytes give the customary 76 characters).
const LINE_BYTES: usize = 57;

/// Writes `cat` (or its rows `rows`, in that order) as the table `name` of a VOTable.
pub fn write_votable(cat: &Catalog, rows: Option<&[usize]>, name: &str, path: &Path) -> Result<()> {
    let fields: Vec<Field> = cat.columns.iter().map(|c| Field::of(cat, c)).collect();
    write_atomically(path, |tmp| {
        let file = std::fs::File::create(tmp).map_err(|e| Error::file(path, e))?;
        let mut out = std::io::BufWriter::new(file);
        let io = |e: std::io::Error| Error::file(path, format!("writing: {e}"));
        write_header(&mut out, cat, &fields, name).map_err(io)?;
        let mut stream = Base64Lines::new(&mut out);
        let flag_bytes = fields.len().div_ceil(8);
        let mut row_bytes = Vec::new();
        let all = 0..cat.len();
        let order: Box<dyn Iterator<Item = usize>> = match rows {
            Some(r) => Box::new(r.iter().copied()),
            None => Box::new(all),
        };
        for row in order {
            row_bytes.clear();
            row_bytes.resize(flag_bytes, 0);
            for (k, (c, f)) in cat.columns.iter().zip(&fields).enumerate() {
                if f.push_value(c, row, &mut row_bytes) {
                    // BINARY2's null flags: the first column is the first byte's top bit.
                    row_bytes[k / 8] |= 0x80 >> (k % 8);
                }
            }
            stream.push(&row_bytes).map_err(io)?;
        }
        stream.finish().map_err(io)?;
        out.write_all(b"\n</STREAM></BINARY2>\n</DATA>\n</TABLE>\n</RESOURCE>\n</VOTABLE>\n")
            .map_err(io)?;
        out.flush().map_err(io)
    })
}

/// How one column is declared and encoded.
struct Field {
    datatype: &'static str,
    /// Unsigned 64-bit IDs beyond the signed range: written as text (VOTable has no
    /// unsigned long).
    as_text: bool,
    ucd: Option<&'static str>,
}

impl Field {
    fn of(cat: &Catalog, c: &Column) -> Field {
        // Floats stay floats (a scaled integer column is read as floats); integers keep
        // the width they were stored with.
        let datatype = match (&c.data, c.storage()) {
            (ColumnData::F32(_), _) | (ColumnData::F64(_), Storage::F32) => "float",
            (ColumnData::F64(_), _) => "double",
            (_, Storage::U8) => "unsignedByte",
            (_, Storage::I16) => "short",
            (_, Storage::I32) => "int",
            (_, Storage::I64 | Storage::U64) => "long",
            (_, Storage::F32) => "float",
            (_, Storage::F64) => "double",
        };
        let as_text = match &c.data {
            ColumnData::U64(v) => v.iter().any(|&x| x > i64::MAX as u64),
            _ => false,
        };
        let r = &cat.roles;
        let ucd = if c.name == r.ra {
            Some("pos.eq.ra;meta.main")
        } else if c.name == r.dec {
            Some("pos.eq.dec;meta.main")
        } else if r.z.as_deref() == Some(c.name.as_str()) {
            Some("src.redshift")
        } else if r.snr.as_deref() == Some(c.name.as_str()) {
            Some("stat.snr")
        } else if r.id.as_deref() == Some(c.name.as_str()) {
            Some("meta.id;meta.main")
        } else {
            None
        };
        Field {
            datatype: if as_text { "char" } else { datatype },
            as_text,
            ucd,
        }
    }

    /// Appends the value of `row` in BINARY2 form, in the declared type; true when it
    /// is null (NaN).
    fn push_value(&self, c: &Column, row: usize, out: &mut Vec<u8>) -> bool {
        if let Some(x) = c.integer(row) {
            match self.datatype {
                "char" => {
                    // A variable-length char array: its length, then its characters.
                    let t = x.to_string();
                    out.extend_from_slice(&(t.len() as u32).to_be_bytes());
                    out.extend_from_slice(t.as_bytes());
                }
                "unsignedByte" => out.push(x as u8),
                "short" => out.extend_from_slice(&(x as i16).to_be_bytes()),
                "int" => out.extend_from_slice(&(x as i32).to_be_bytes()),
                "long" => out.extend_from_slice(&(x as i64).to_be_bytes()),
                "float" => out.extend_from_slice(&(x as f32).to_be_bytes()),
                _ => out.extend_from_slice(&(x as f64).to_be_bytes()),
            }
            return false;
        }
        let v = c.data.get_f64(row);
        if self.datatype == "float" {
            out.extend_from_slice(&(v as f32).to_be_bytes());
        } else {
            out.extend_from_slice(&v.to_be_bytes());
        }
        v.is_nan()
    }
}

fn write_header(
    out: &mut impl Write,
    cat: &Catalog,
    fields: &[Field],
    name: &str,
) -> std::io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#
    )?;
    writeln!(out, "<RESOURCE>")?;
    writeln!(
        out,
        r#"<DESCRIPTION>Written by clusterviz {}</DESCRIPTION>"#,
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        out,
        r#"<TABLE name="{}" nrows="{}">"#,
        escape(name),
        cat.len()
    )?;
    for (c, f) in cat.columns.iter().zip(fields) {
        write!(
            out,
            r#"<FIELD name="{}" datatype="{}""#,
            escape(&c.name),
            f.datatype
        )?;
        if f.as_text {
            write!(out, r#" arraysize="*""#)?;
        }
        if !c.unit.is_empty() {
            write!(out, r#" unit="{}""#, escape(&c.unit))?;
        }
        if let Some(ucd) = f.ucd {
            write!(out, r#" ucd="{ucd}""#)?;
        }
        writeln!(out, "/>")?;
    }
    write!(out, "<DATA><BINARY2><STREAM encoding=\"base64\">")
}

/// Bytes to base64 in lines of 76 characters, as they come.
struct Base64Lines<'a, W: Write> {
    out: &'a mut W,
    pending: Vec<u8>,
}

impl<'a, W: Write> Base64Lines<'a, W> {
    fn new(out: &'a mut W) -> Self {
        Base64Lines {
            out,
            pending: Vec::with_capacity(LINE_BYTES * 1024),
        }
    }

    fn push(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= LINE_BYTES * 1024 {
            let whole = self.pending.len() / LINE_BYTES * LINE_BYTES;
            self.write_lines(whole)?;
            self.pending.drain(..whole);
        }
        Ok(())
    }

    fn write_lines(&mut self, n: usize) -> std::io::Result<()> {
        let engine = base64::engine::general_purpose::STANDARD;
        for line in self.pending[..n].chunks(LINE_BYTES) {
            self.out.write_all(b"\n")?;
            self.out.write_all(engine.encode(line).as_bytes())?;
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        let n = self.pending.len();
        self.write_lines(n)
    }
}
