//! FITS headers read by us, not by cfitsio: 80-character cards in 2880-byte blocks, the
//! HDUs of a file walked by the sizes their headers declare. A header we cannot use is
//! described in its own terms ("NAXIS2 = 'abc' is not an integer", "no END card"), and
//! no TFORM, however unusual, can crash the walk (fitsio's header reader panics on
//! complex and variable-length columns).

use std::path::Path;

use crate::error::{Error, Result};

pub const BLOCK: usize = 2880;
const CARD: usize = 80;

/// A header value as written in its card.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Text(String),
    Logical(bool),
    Integer(i64),
    Real(f64),
    /// A complex number, an integer beyond i64, or any other form we keep only as text.
    Other(String),
    /// `KEY     =` with nothing after it.
    Undefined,
}

impl Value {
    /// The value as it would read in a message.
    fn shown(&self) -> String {
        match self {
            Value::Text(s) => format!("'{s}'"),
            Value::Logical(b) => if *b { "T" } else { "F" }.to_string(),
            Value::Integer(i) => i.to_string(),
            Value::Real(r) => r.to_string(),
            Value::Other(s) => s.clone(),
            Value::Undefined => "(no value)".to_string(),
        }
    }
}

/// The keyword cards of one header (COMMENT, HISTORY and blank cards left out).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    cards: Vec<(String, Value)>,
}

impl Header {
    /// The first card with this keyword.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.cards
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    /// An integer keyword; an error names the keyword and what it holds instead.
    pub fn integer(&self, key: &str) -> std::result::Result<Option<i64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i)),
            Some(Value::Real(r)) if r.fract() == 0.0 && r.abs() < 9.0e15 => Ok(Some(*r as i64)),
            Some(v) => Err(format!("{key} = {} is not an integer", v.shown())),
        }
    }

    /// A number keyword (integers too).
    pub fn real(&self, key: &str) -> std::result::Result<Option<f64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(Value::Real(r)) => Ok(Some(*r)),
            Some(Value::Other(s)) if s.chars().all(|c| c.is_ascii_digit() || c == '-') => {
                // An integer beyond i64 (TZERO = 9223372036854775808 is how FITS marks
                // unsigned 64-bit columns).
                s.parse::<f64>()
                    .map(Some)
                    .map_err(|_| format!("{key} = {s} is not a number"))
            }
            Some(v) => Err(format!("{key} = {} is not a number", v.shown())),
        }
    }

    /// A keyword's value as text, whatever its type (strings without their quotes).
    pub fn text(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::Text(s) => Some(s.trim().to_string()),
            Value::Undefined => None,
            v => Some(v.shown()),
        }
    }

    /// A required non-negative integer.
    fn size_key(&self, key: &str) -> std::result::Result<u64, String> {
        match self.integer(key)? {
            Some(n) if n >= 0 => Ok(n as u64),
            Some(n) => Err(format!("{key} = {n} is negative")),
            None => Err(format!("no {key} keyword")),
        }
    }
}

/// One HDU: its header and where its data lie in the file.
#[derive(Clone, Debug)]
pub struct Hdu {
    /// Position in the file, 0 = primary.
    pub index: usize,
    pub header: Header,
    /// Byte offset of the data (just after the header's last block).
    pub data_start: usize,
    /// Bytes of data the header declares (without the padding to a whole block).
    pub data_len: u64,
}

impl Hdu {
    /// `BINTABLE`, `TABLE`, `IMAGE`, or `PRIMARY`.
    pub fn kind(&self) -> String {
        if self.index == 0 {
            "PRIMARY".to_string()
        } else {
            self.header
                .text("XTENSION")
                .unwrap_or_default()
                .to_ascii_uppercase()
        }
    }

    pub fn extname(&self) -> Option<String> {
        self.header.text("EXTNAME")
    }

    /// How the HDU reads in a list: `1 (BINTABLE 'CLUSTERS')`.
    pub fn describe(&self) -> String {
        match self.extname() {
            Some(n) => format!("{} ({} '{n}')", self.index, self.kind()),
            None => format!("{} ({})", self.index, self.kind()),
        }
    }
}

/// Parses the value field of a card (columns 11-80 after `= `).
fn parse_value(field: &str) -> Value {
    let f = field.trim_start();
    if let Some(rest) = f.strip_prefix('\'') {
        // A string: '' inside is a quote; trailing blanks are not significant.
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Value::Text(out.trim_end().to_string());
                }
            } else {
                out.push(c);
            }
        }
        // No closing quote: keep what there is (cfitsio does too).
        return Value::Text(out.trim_end().to_string());
    }
    let token = f.split('/').next().unwrap_or("").trim();
    if token.is_empty() {
        return Value::Undefined;
    }
    match token {
        "T" => return Value::Logical(true),
        "F" => return Value::Logical(false),
        _ => {}
    }
    if let Ok(i) = token.parse::<i64>() {
        return Value::Integer(i);
    }
    if let Ok(r) = token.replace(['D', 'd'], "E").parse::<f64>()
        && token.chars().any(|c| c.is_ascii_digit())
    {
        return Value::Real(r);
    }
    Value::Other(token.to_string())
}

/// Parses the header starting at byte `start`; returns it and the offset of its data.
fn parse_header(
    bytes: &[u8],
    start: usize,
    index: usize,
) -> std::result::Result<(Header, usize), String> {
    let mut cards = Vec::new();
    let mut pos = start;
    loop {
        let Some(card) = bytes.get(pos..pos + CARD) else {
            return Err(if pos == start && index == 0 {
                format!(
                    "not a readable FITS file: only {} bytes, less than one header card",
                    bytes.len()
                )
            } else if pos == start {
                format!("HDU {index}: the file ends where its header should start")
            } else {
                format!(
                    "HDU {index}: the header has no END card (the file ends after {} bytes of it)",
                    pos - start
                )
            });
        };
        pos += CARD;
        if let Some(bad) = card.iter().position(|&b| !(0x20..=0x7e).contains(&b)) {
            return Err(if cards.is_empty() && pos - start == CARD {
                format!(
                    "not a readable FITS file: HDU {index} starts with a byte 0x{:02x} that is not printable ASCII",
                    card[bad]
                )
            } else {
                format!(
                    "HDU {index}: the header has no END card before card {}, which holds a byte 0x{:02x} that is not printable ASCII (damaged header)",
                    (pos - start) / CARD,
                    card[bad]
                )
            });
        }
        // Printable ASCII: one byte a character.
        let text = std::str::from_utf8(card).unwrap_or("");
        let key = text[..8].trim_end();
        if key == "END" {
            break;
        }
        if cards.is_empty() {
            let expected = if index == 0 { "SIMPLE" } else { "XTENSION" };
            if key != expected {
                return Err(format!(
                    "not a readable FITS file: HDU {index}'s header starts with '{key}', not {expected}"
                ));
            }
        }
        if key.is_empty() || key == "COMMENT" || key == "HISTORY" {
            continue;
        }
        let value = if &text[8..10] == "= " {
            parse_value(&text[10..])
        } else if key == "CONTINUE" {
            // A long string's continuation: append it to the previous text value.
            if let (Some((_, Value::Text(prev))), Value::Text(more)) =
                (cards.last_mut(), parse_value(&text[8..]))
                && let Some(stripped) = prev.strip_suffix('&')
            {
                *prev = format!("{stripped}{more}");
            }
            continue;
        } else {
            Value::Undefined
        };
        cards.push((key.to_string(), value));
    }
    Ok((Header { cards }, pos.div_ceil(BLOCK) * BLOCK))
}

/// Bytes of data a header declares: |BITPIX|/8 × GCOUNT × (PCOUNT + NAXIS1 × … × NAXISn).
fn data_len(h: &Header, index: usize) -> std::result::Result<u64, String> {
    let at = |m: String| format!("HDU {index}: {m}");
    let bitpix = h
        .integer("BITPIX")
        .map_err(at)?
        .ok_or_else(|| at("no BITPIX keyword".into()))?;
    if ![8, 16, 32, 64, -32, -64].contains(&bitpix) {
        return Err(at(format!(
            "BITPIX = {bitpix} is not one of 8, 16, 32, 64, -32, -64"
        )));
    }
    let naxis = h.size_key("NAXIS").map_err(at)?;
    if naxis > 999 {
        return Err(at(format!("NAXIS = {naxis} is more than 999")));
    }
    let mut product: u128 = if naxis == 0 { 0 } else { 1 };
    for i in 1..=naxis {
        let n = h.size_key(&format!("NAXIS{i}")).map_err(at)?;
        // Random groups (primary, NAXIS1 = 0, GROUPS = T) leave NAXIS1 out of the product.
        if !(i == 1 && n == 0 && index == 0 && h.get("GROUPS") == Some(&Value::Logical(true))) {
            product = product.saturating_mul(n as u128);
        }
    }
    let pcount = h.integer("PCOUNT").map_err(at)?.unwrap_or(0);
    let gcount = h.integer("GCOUNT").map_err(at)?.unwrap_or(1);
    if pcount < 0 || gcount < 0 {
        return Err(at(format!(
            "PCOUNT = {pcount} and GCOUNT = {gcount} must not be negative"
        )));
    }
    let groups = product > 0 || pcount > 0;
    let total = if groups {
        (bitpix.unsigned_abs() as u128 / 8)
            .saturating_mul(gcount as u128)
            .saturating_mul(product.saturating_add(pcount as u128))
    } else {
        0
    };
    u64::try_from(total).map_err(|_| at(format!("declares an absurd data size ({total} bytes)")))
}

/// Every HDU of a FITS file held in `bytes`, in order. A damaged header is an error
/// that says which HDU and what is wrong; the walk stops at the end of the file (blank
/// or zero padding after the last HDU is allowed).
pub fn walk_hdus(bytes: &[u8], path: &Path) -> Result<Vec<Hdu>> {
    let mut hdus = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        // Trailing padding after the last HDU (some writers add zero blocks).
        if !hdus.is_empty() && bytes[pos..].iter().all(|&b| b == 0 || b == b' ') {
            break;
        }
        let index = hdus.len();
        let (header, data_start) =
            parse_header(bytes, pos, index).map_err(|m| Error::file(path, m))?;
        let len = data_len(&header, index).map_err(|m| Error::file(path, m))?;
        let end = (data_start as u128) + (len as u128).div_ceil(BLOCK as u128) * BLOCK as u128;
        hdus.push(Hdu {
            index,
            header,
            data_start,
            data_len: len,
        });
        if end >= bytes.len() as u128 {
            // The last HDU (a truncated one is found when its data are needed).
            break;
        }
        pos = end as usize;
        if hdus.len() >= 10_000 {
            return Err(Error::file(
                path,
                "more than 10000 HDUs: not a catalog file",
            ));
        }
    }
    if hdus.is_empty() {
        return Err(Error::file(path, "not a readable FITS file: it is empty"));
    }
    Ok(hdus)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(s: &str) -> String {
        format!("{s:<80}")
    }

    fn header(cards: &[&str]) -> Vec<u8> {
        let mut s: String = cards.iter().map(|c| card(c)).collect();
        s.push_str(&card("END"));
        while !s.len().is_multiple_of(BLOCK) {
            s.push(' ');
        }
        s.into_bytes()
    }

    #[test]
    fn values_of_every_form() {
        assert_eq!(parse_value(" 'ab''c '  / x"), Value::Text("ab'c".into()));
        assert_eq!(parse_value("                   T"), Value::Logical(true));
        assert_eq!(parse_value(" -42 / comment"), Value::Integer(-42));
        assert_eq!(parse_value(" 1.5D3"), Value::Real(1500.0));
        // TZERO of unsigned 64-bit columns: beyond i64, exact as f64 (2^63).
        assert_eq!(
            parse_value(" 9223372036854775808"),
            Value::Real(2f64.powi(63))
        );
        assert_eq!(parse_value("   / only a comment"), Value::Undefined);
        assert_eq!(
            parse_value(" (1.0, 2.0)"),
            Value::Other("(1.0, 2.0)".into())
        );
    }

    #[test]
    fn walks_primary_and_table() {
        let mut f = header(&["SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0"]);
        f.extend(header(&[
            "XTENSION= 'BINTABLE'",
            "BITPIX  = 8",
            "NAXIS   = 2",
            "NAXIS1  = 8",
            "NAXIS2  = 3",
            "PCOUNT  = 0",
            "GCOUNT  = 1",
            "TFIELDS = 1",
            "TFORM1  = 'D'",
            "EXTNAME = 'CAT'",
        ]));
        f.extend(vec![0u8; BLOCK]);
        let hdus = walk_hdus(&f, Path::new("t.fits")).unwrap();
        assert_eq!(hdus.len(), 2);
        assert_eq!(hdus[1].data_start, 2 * BLOCK);
        assert_eq!(hdus[1].data_len, 24);
        assert_eq!(hdus[1].describe(), "1 (BINTABLE 'CAT')");
    }

    #[test]
    fn damaged_headers_say_what_is_wrong() {
        let bad = header(&["SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 'two'"]);
        let e = walk_hdus(&bad, Path::new("t.fits"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("NAXIS = 'two' is not an integer"), "{e}");
        let mut no_end = header(&["SIMPLE  = T", "BITPIX  = 8", "NAXIS   = 0"]);
        no_end.truncate(CARD * 3);
        let e = walk_hdus(&no_end, Path::new("t.fits"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no END card"), "{e}");
        let e = walk_hdus(b"hello", Path::new("t.fits"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("only 5 bytes"), "{e}");
    }
}
