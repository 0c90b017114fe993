//! A VOTable FIELD: its datatype and arraysize (how many bytes a value takes in a BINARY
//! stream), its unit and UCD, and the values its cells decode into.

use crate::data::ColumnData;
use crate::data::catalog::Storage;
use crate::data::tables::table_load::{ColumnMeta, integers_or_nan};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Datatype {
    Boolean,
    Bit,
    UnsignedByte,
    Short,
    Int,
    Long,
    Char,
    UnicodeChar,
    Float,
    Double,
    FloatComplex,
    DoubleComplex,
}

impl Datatype {
    pub fn parse(s: &str) -> Option<Datatype> {
        Some(match s {
            "boolean" => Datatype::Boolean,
            "bit" => Datatype::Bit,
            "unsignedByte" => Datatype::UnsignedByte,
            "short" => Datatype::Short,
            "int" => Datatype::Int,
            "long" => Datatype::Long,
            "char" => Datatype::Char,
            "unicodeChar" => Datatype::UnicodeChar,
            "float" => Datatype::Float,
            "double" => Datatype::Double,
            "floatComplex" => Datatype::FloatComplex,
            "doubleComplex" => Datatype::DoubleComplex,
            _ => return None,
        })
    }

    /// Bytes per element in a BINARY stream (bits are counted apart).
    pub fn width(self) -> usize {
        match self {
            Datatype::Boolean | Datatype::Bit | Datatype::UnsignedByte | Datatype::Char => 1,
            Datatype::Short | Datatype::UnicodeChar => 2,
            Datatype::Int | Datatype::Float => 4,
            Datatype::Long | Datatype::Double | Datatype::FloatComplex => 8,
            Datatype::DoubleComplex => 16,
        }
    }

    fn storage(self) -> Option<Storage> {
        Some(match self {
            Datatype::UnsignedByte => Storage::U8,
            Datatype::Short => Storage::I16,
            Datatype::Int => Storage::I32,
            Datatype::Long => Storage::I64,
            Datatype::Float => Storage::F32,
            Datatype::Double => Storage::F64,
            _ => return None,
        })
    }
}

/// How many elements a value holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Fixed(usize),
    /// `*` or `n*`: a 4-byte count precedes the elements in BINARY streams.
    Variable,
}

/// `arraysize` as written: absent or `1` is one element, `8` or `3x4` fixed, `*`, `8*`
/// or `3x*` variable.
pub fn parse_arraysize(a: Option<&str>) -> Result<Count, String> {
    let Some(a) = a.map(str::trim) else {
        return Ok(Count::Fixed(1));
    };
    if a.ends_with('*') {
        return Ok(Count::Variable);
    }
    a.split('x')
        .map(|d| d.trim().parse::<usize>())
        .try_fold(1usize, |acc, d| d.ok().and_then(|d| acc.checked_mul(d)))
        .map(Count::Fixed)
        .ok_or_else(|| format!("arraysize '{a}' is not a size"))
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub datatype: Datatype,
    pub count: Count,
    pub unit: String,
    pub ucd: String,
    /// The VALUES null, as text: integers equal to it are missing.
    pub null: Option<String>,
}

impl Field {
    /// A numeric scalar, kept as a column; anything else is skipped, with the reason.
    pub fn kept(&self) -> Result<Storage, String> {
        let storage = self
            .datatype
            .storage()
            .ok_or_else(|| format!("VOTable type {:?} is not numeric", self.datatype))?;
        match self.count {
            Count::Fixed(1) => Ok(storage),
            _ => Err("an array, not a scalar".to_string()),
        }
    }

    pub fn null_integer(&self) -> Option<i64> {
        self.null.as_deref().and_then(|n| parse_integer(n.trim()))
    }
}

/// Integers as TABLEDATA writes them: decimal or hexadecimal (`0x1F`).
pub fn parse_integer(s: &str) -> Option<i64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok().map(|u| u as i64),
        None => s.parse().ok(),
    }
}

/// The decoded cells of one field.
pub enum Cells {
    Integers {
        values: Vec<i64>,
        missing: Vec<bool>,
        storage: Storage,
        null: Option<i64>,
    },
    F32(Vec<f32>),
    F64(Vec<f64>),
    Skipped(String),
}

impl Cells {
    pub fn for_field(f: &Field) -> Cells {
        match f.kept() {
            Ok(Storage::F32) => Cells::F32(Vec::new()),
            Ok(Storage::F64) => Cells::F64(Vec::new()),
            Ok(storage) => Cells::Integers {
                values: Vec::new(),
                missing: Vec::new(),
                storage,
                null: f.null_integer(),
            },
            Err(why) => Cells::Skipped(why),
        }
    }

    /// Adds an integer cell (missing if flagged or equal to the field's null).
    pub fn push_integer(&mut self, x: i64, flagged_missing: bool) {
        if let Cells::Integers {
            values,
            missing,
            null,
            ..
        } = self
        {
            values.push(x);
            missing.push(flagged_missing || *null == Some(x));
        }
    }

    /// Adds a cell from TABLEDATA text; empty is missing. Errors name the bad value.
    pub fn push_text(&mut self, text: &str) -> Result<(), String> {
        let t = text.trim();
        match self {
            Cells::Skipped(_) => {}
            Cells::F32(v) => v.push(parse_float(t)? as f32),
            Cells::F64(v) => v.push(parse_float(t)?),
            Cells::Integers { .. } => {
                if t.is_empty() {
                    self.push_integer(0, true);
                } else {
                    let x = parse_integer(t).ok_or_else(|| format!("'{t}' is not an integer"))?;
                    self.push_integer(x, false);
                }
            }
        }
        Ok(())
    }

    pub fn into_column(self, f: &Field) -> (ColumnMeta, ColumnData) {
        let meta = |storage| ColumnMeta {
            name: f.name.clone(),
            unit: f.unit.clone(),
            ucd: f.ucd.clone(),
            storage,
        };
        match self {
            Cells::F32(v) => (meta(Ok(Storage::F32)), ColumnData::F32(v.into())),
            Cells::F64(v) => (meta(Ok(Storage::F64)), ColumnData::F64(v.into())),
            Cells::Integers {
                values,
                missing,
                storage,
                ..
            } => {
                let (data, storage) = integers_or_nan(values, &missing, storage);
                (meta(Ok(storage)), data)
            }
            Cells::Skipped(why) => (meta(Err(why)), ColumnData::F64(Vec::new().into())),
        }
    }
}

fn parse_float(t: &str) -> Result<f64, String> {
    if t.is_empty() {
        return Ok(f64::NAN);
    }
    // Rust reads NaN, Inf, +Inf and -Inf as TABLEDATA writes them.
    t.parse::<f64>()
        .map_err(|_| format!("'{t}' is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arraysizes_and_integers() {
        assert_eq!(parse_arraysize(None), Ok(Count::Fixed(1)));
        assert_eq!(parse_arraysize(Some("3x4")), Ok(Count::Fixed(12)));
        assert_eq!(parse_arraysize(Some("8*")), Ok(Count::Variable));
        assert!(parse_arraysize(Some("x")).is_err());
        assert_eq!(parse_integer("0x1F"), Some(31));
        assert_eq!(parse_integer("-7"), Some(-7));
    }
}
