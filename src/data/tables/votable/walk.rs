//! The walk through a VOTable document to the chosen TABLE: its FIELDs, then its rows.

use base64::Engine;
use quick_xml::Reader;

use crate::xml_text::resolve_reference;
use quick_xml::events::{BytesStart, Event};
use rayon::prelude::*;

use crate::data::fits_table::HduSelect;
use crate::data::tables::votable::binary::decode_rows;
use crate::data::tables::votable::fields::{Cells, Datatype, Field, parse_arraysize};

/// The chosen table, decoded.
pub struct DecodedTable {
    pub fields: Vec<Field>,
    pub cells: Vec<Cells>,
    pub rows: usize,
    /// The service said it cut the result short (QUERY_STATUS OVERFLOW).
    pub overflow: bool,
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Where the walk is inside the chosen table.
#[derive(PartialEq)]
enum Place {
    Outside,
    /// Inside the chosen TABLE, before or between its rows.
    Table,
    Cell,
    Stream,
    /// In an INFO QUERY_STATUS=ERROR, collecting the message.
    ErrorInfo,
}

struct Walk<'s> {
    select: Option<&'s HduSelect>,
    tables_seen: usize,
    chosen: bool,
    has_data: bool,
    place: Place,
    fields: Vec<Field>,
    in_field: bool,
    cells: Vec<Cells>,
    rows: usize,
    cell: usize,
    text: String,
    binary2: bool,
    overflow: bool,
    /// The base64 text of a STREAM, without its whitespace.
    stream: Vec<u8>,
}

/// Reads the TABLE `select` names (the first with data when `None`).
pub fn read_table(text: &str, select: Option<&HduSelect>) -> Result<DecodedTable, String> {
    let select = select.filter(|s| !matches!(s, HduSelect::FirstTable));
    let mut reader = Reader::from_str(text);
    let mut w = Walk {
        select,
        tables_seen: 0,
        chosen: false,
        has_data: false,
        place: Place::Outside,
        fields: Vec::new(),
        in_field: false,
        cells: Vec::new(),
        rows: 0,
        cell: 0,
        text: String::new(),
        binary2: false,
        overflow: false,
        stream: Vec::new(),
    };
    let mut seen_votable = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML near byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "VOTABLE" => {
                seen_votable = true;
            }
            Event::Start(e) => w.start(&e, false)?,
            Event::Empty(e) => w.start(&e, true)?,
            Event::End(e) if w.end(e.local_name().as_ref())? => break,
            Event::Text(t) => w.take_text(&t),
            Event::CData(t) => w.take_text(&t),
            Event::GeneralRef(r) => w.take_text(&resolve_reference(&r)?),
            Event::Eof => {
                if !seen_votable {
                    return Err("the XML holds no VOTABLE element".into());
                }
                if !w.chosen {
                    return Err(match select {
                        Some(s) => {
                            format!("has no table {} (it holds {})", describe(s), w.tables_seen)
                        }
                        None if w.tables_seen == 0 => "holds no TABLE".into(),
                        None => "no TABLE holds DATA".into(),
                    });
                }
                return Err("the document ends inside the table".into());
            }
            _ => {}
        }
    }
    Ok(DecodedTable {
        fields: w.fields,
        cells: w.cells,
        rows: w.rows,
        overflow: w.overflow,
    })
}

fn describe(s: &HduSelect) -> String {
    match s {
        HduSelect::Index(i) => format!("number {i}"),
        HduSelect::Name(n) => format!("named {n}"),
        HduSelect::FirstTable => "with data".into(),
    }
}

impl Walk<'_> {
    fn start(&mut self, e: &BytesStart, empty: bool) -> Result<(), String> {
        let tag = e.local_name();
        let tag = tag.as_ref();
        if tag == "INFO" && attr(e, "name").as_deref() == Some("QUERY_STATUS") {
            match attr(e, "value").as_deref() {
                Some("ERROR") if empty => {
                    return Err("the service reported an error (QUERY_STATUS ERROR)".into());
                }
                Some("ERROR") => {
                    self.place = Place::ErrorInfo;
                    self.text.clear();
                }
                Some("OVERFLOW") => self.overflow = true,
                _ => {}
            }
            return Ok(());
        }
        if tag == "TABLE" && !self.chosen {
            self.tables_seen += 1;
            let n = self.tables_seen;
            self.chosen = match self.select {
                None => true,
                Some(HduSelect::Index(i)) => *i == n,
                Some(HduSelect::Name(name)) => [attr(e, "name"), attr(e, "ID")]
                    .iter()
                    .flatten()
                    .any(|v| v.eq_ignore_ascii_case(name)),
                Some(HduSelect::FirstTable) => true,
            };
            if self.chosen {
                self.place = Place::Table;
                self.fields.clear();
                self.has_data = false;
                if empty {
                    self.table_ended()?;
                }
            }
            return Ok(());
        }
        if self.place == Place::Outside {
            return Ok(());
        }
        match tag {
            "FIELD" => {
                let name = attr(e, "name")
                    .or_else(|| attr(e, "ID"))
                    .unwrap_or_else(|| format!("col{}", self.fields.len() + 1));
                let datatype =
                    attr(e, "datatype").ok_or_else(|| format!("FIELD {name} has no datatype"))?;
                let datatype = Datatype::parse(&datatype)
                    .ok_or_else(|| format!("FIELD {name} has an unknown datatype '{datatype}'"))?;
                let count = parse_arraysize(attr(e, "arraysize").as_deref())
                    .map_err(|m| format!("FIELD {name}: {m}"))?;
                self.fields.push(Field {
                    name,
                    datatype,
                    count,
                    unit: attr(e, "unit").unwrap_or_default(),
                    ucd: attr(e, "ucd").unwrap_or_default(),
                    null: None,
                });
                self.in_field = !empty;
            }
            "VALUES" if self.in_field => {
                if let Some(f) = self.fields.last_mut() {
                    f.null = attr(e, "null");
                }
            }
            "DATA" => {
                self.has_data = true;
                self.cells = self.fields.iter().map(Cells::for_field).collect();
            }
            "TR" => {
                self.ready_cells();
                self.cell = 0;
            }
            "TD" if empty => self.push_cell("")?,
            "TD" => {
                self.place = Place::Cell;
                self.text.clear();
            }
            "BINARY" => self.binary2 = false,
            "BINARY2" => self.binary2 = true,
            "STREAM" => {
                if let Some(href) = attr(e, "href") {
                    return Err(format!(
                        "its rows are in {href}: only streams inside the file are read"
                    ));
                }
                let encoding = attr(e, "encoding").unwrap_or_else(|| "none".into());
                if encoding != "base64" {
                    return Err(format!(
                        "STREAM encoding '{encoding}': only base64 streams inside the file are read"
                    ));
                }
                self.place = Place::Stream;
                self.stream.clear();
            }
            "FITS" => {
                return Err(
                    "the table's rows are an embedded FITS file: read that file instead".into(),
                );
            }
            _ => {}
        }
        Ok(())
    }

    fn take_text(&mut self, t: &str) {
        match self.place {
            Place::Cell | Place::ErrorInfo => self.text.push_str(t),
            Place::Stream => self
                .stream
                .extend(t.bytes().filter(|b| !b.is_ascii_whitespace())),
            _ => {}
        }
    }

    fn push_cell(&mut self, text: &str) -> Result<(), String> {
        let row = self.rows + 1;
        let fields = self.fields.len();
        let cell = self
            .cells
            .get_mut(self.cell)
            .ok_or_else(|| format!("row {row} has more cells than the table's {fields} fields"))?;
        cell.push_text(text)
            .map_err(|m| format!("row {row}, field {}: {m}", self.fields[self.cell].name))?;
        self.cell += 1;
        Ok(())
    }

    /// Handles an end tag; true when the chosen table is complete.
    fn end(&mut self, tag: &str) -> Result<bool, String> {
        match (tag, &self.place) {
            ("INFO", Place::ErrorInfo) => {
                let message = self.text.trim().to_string();
                return Err(if message.is_empty() {
                    "the service reported an error (QUERY_STATUS ERROR)".into()
                } else {
                    format!("the service reported an error: {message}")
                });
            }
            ("TD", Place::Cell) => {
                self.place = Place::Table;
                let text = std::mem::take(&mut self.text);
                self.push_cell(&text)?;
            }
            ("TR", Place::Table) if self.cell != self.fields.len() => {
                return Err(format!(
                    "row {} has {} cells for {} fields",
                    self.rows + 1,
                    self.cell,
                    self.fields.len()
                ));
            }
            ("TR", Place::Table) => self.rows += 1,
            ("FIELD", _) => self.in_field = false,
            ("STREAM", Place::Stream) => {
                self.place = Place::Table;
                let bytes = decode_base64(&std::mem::take(&mut self.stream))?;
                self.ready_cells();
                self.rows = decode_rows(&bytes, &self.fields, &mut self.cells, self.binary2)?;
            }
            ("TABLE", Place::Table) => return self.table_ended(),
            _ => {}
        }
        Ok(false)
    }

    /// Rows met without a DATA element (a damaged file) still go to one cell per field.
    fn ready_cells(&mut self) {
        if self.cells.len() != self.fields.len() {
            self.cells = self.fields.iter().map(Cells::for_field).collect();
        }
    }

    /// The chosen table closed: done, unless it had no data and none was named.
    fn table_ended(&mut self) -> Result<bool, String> {
        if self.has_data || self.select.is_some() {
            if !self.has_data {
                self.cells = self.fields.iter().map(Cells::for_field).collect();
            }
            return Ok(true);
        }
        self.chosen = false;
        self.place = Place::Outside;
        Ok(false)
    }
}

/// Decodes base64 on all cores (in runs of whole 4-character groups).
fn decode_base64(text: &[u8]) -> Result<Vec<u8>, String> {
    const RUN: usize = 4 << 20;
    let parts: Vec<Result<Vec<u8>, String>> = text
        .par_chunks(RUN)
        .map(|run| {
            base64::engine::general_purpose::STANDARD
                .decode(run)
                .map_err(|e| format!("the BINARY stream is not valid base64 ({e})"))
        })
        .collect();
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for p in parts {
        out.extend(p?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
 <RESOURCE type="results">
  <INFO name="QUERY_STATUS" value="OK"/>
  <TABLE name="meta"><FIELD name="x" datatype="int"/></TABLE>
  <TABLE name="clusters">
   <FIELD name="RAJ2000" datatype="double" unit="deg" ucd="pos.eq.ra;meta.main"/>
   <FIELD name="Name" datatype="char" arraysize="*"/>
   <FIELD name="N" datatype="short"><VALUES null="-1"/></FIELD>
   <DATA><TABLEDATA>
    <TR><TD>10.5</TD><TD>A&amp;B</TD><TD>3</TD></TR>
    <TR><TD/><TD>C</TD><TD>-1</TD></TR>
   </TABLEDATA></DATA>
  </TABLE>
 </RESOURCE>
</VOTABLE>"#;

    #[test]
    fn the_first_table_with_data_and_its_nulls() {
        let t = read_table(DOC, None).unwrap();
        assert_eq!(t.rows, 2);
        assert_eq!(t.fields[0].ucd, "pos.eq.ra;meta.main");
        let Cells::F64(ra) = &t.cells[0] else {
            panic!()
        };
        assert!(ra[0] == 10.5 && ra[1].is_nan());
        let Cells::Integers { missing, .. } = &t.cells[2] else {
            panic!()
        };
        assert_eq!(missing, &[false, true]);
        let e = read_table(DOC, Some(&HduSelect::Index(3))).err().unwrap();
        assert_eq!(e, "has no table number 3 (it holds 2)");
        assert_eq!(
            read_table(DOC, Some(&HduSelect::Name("META".into())))
                .unwrap()
                .rows,
            0
        );
    }

    #[test]
    fn faults_are_named() {
        let err = |doc: &str| read_table(doc, None).err().unwrap();
        assert!(err(&DOC.replace("<TD>C</TD>", "")).contains("row 2 has 2 cells for 3 fields"));
        assert!(
            err(&DOC.replace("<TD>3</TD>", "<TD>three</TD>"))
                .contains("row 1, field N: 'three' is not an integer")
        );
        assert!(err(&DOC.replace("</TABLEDATA>", "")).contains("malformed XML"));
        assert!(err("<?xml version=\"1.0\"?><html/>").contains("no VOTABLE"));
        let tap_error = r#"<VOTABLE><RESOURCE type="results"><INFO name="QUERY_STATUS" value="ERROR">syntax error near SELEC</INFO></RESOURCE></VOTABLE>"#;
        assert_eq!(
            err(tap_error),
            "the service reported an error: syntax error near SELEC"
        );
    }
}
