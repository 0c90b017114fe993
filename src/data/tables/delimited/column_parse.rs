//! One column of a CSV or ECSV file as its values are read: integers while every value
//! is one, numbers once one is not, text once one is not a number (CSV); ECSV's declared
//! type instead, which the values must honour. Blocks of rows are parsed apart; how the
//! column is kept is decided over all of them.

use crate::data::ColumnData;
use crate::data::catalog::Storage;
use crate::data::tables::ecsv_header::EcsvColumn;

/// The values of one column as they are read.
pub enum Values {
    Ints(Vec<i64>),
    Floats(Vec<f64>),
    /// Not numbers: the first such value, for messages.
    Text(String),
}

pub struct ColumnParse {
    pub values: Values,
    pub missing: Vec<bool>,
    /// ECSV's declared type, which the values must honour.
    pub declared: Option<Declared>,
}

#[derive(Clone, Copy)]
pub enum Declared {
    Int(Storage),
    Float(Storage),
    Other,
}

pub fn declared_kind(c: &EcsvColumn) -> (Declared, Option<String>) {
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
    // Most fields start with a digit: they are not looked up.
    match field.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_digit() => false,
        _ => matches!(field, "--" | "NA" | "N/A" | "null" | "NULL" | "None"),
    }
}

impl ColumnParse {
    pub fn push(&mut self, field: &str) -> std::result::Result<(), String> {
        let bytes = field.as_bytes();
        let padded = bytes.first().is_some_and(u8::is_ascii_whitespace)
            || bytes.last().is_some_and(u8::is_ascii_whitespace);
        let field = if padded { field.trim() } else { field };
        let missing = is_missing(field);
        self.missing.push(missing);
        match &mut self.values {
            Values::Text(_) => {}
            Values::Ints(v) => {
                if missing {
                    v.push(0);
                } else if let Ok(x) = field.parse::<i64>() {
                    v.push(x);
                } else if let (Ok(x), Some(Declared::Int(Storage::U64))) =
                    (field.parse::<u64>(), self.declared)
                {
                    // Unsigned 64-bit values are kept by their bits (finish reads them back).
                    v.push(x as i64);
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
}

impl ColumnParse {
    pub fn new(declared: Option<Declared>) -> ColumnParse {
        Self::with_capacity(declared, 0)
    }

    /// Room for `rows` values (fresh memory is zeroed by the kernel page by page: growing
    /// a vector by doubling costs more than the parse).
    pub fn with_capacity(declared: Option<Declared>, rows: usize) -> ColumnParse {
        let values = match declared {
            Some(Declared::Float(_)) => Values::Floats(Vec::with_capacity(rows)),
            Some(Declared::Other) => Values::Text(String::new()),
            _ => Values::Ints(Vec::with_capacity(rows)),
        };
        ColumnParse {
            values,
            missing: Vec::with_capacity(rows),
            declared: declared.filter(|k| !matches!(k, Declared::Other)),
        }
    }

    /// How a column is kept, given its parses in every block: not at all if any block met
    /// text; as numbers if any met a non-integer; as integers if none is missing (f64
    /// with NaN otherwise).
    pub fn storage_of_blocks(parts: &[&ColumnParse]) -> Result<Storage, String> {
        if let Some(example) = parts.iter().find_map(|p| match &p.values {
            Values::Text(e) => Some(e),
            _ => None,
        }) {
            return Err(format!("text (e.g. '{example}'), not numbers"));
        }
        let declared = parts.first().and_then(|p| p.declared);
        if parts.iter().any(|p| matches!(p.values, Values::Floats(_))) {
            return Ok(match declared {
                Some(Declared::Float(Storage::F32)) => Storage::F32,
                _ => Storage::F64,
            });
        }
        if parts.iter().any(|p| p.missing.contains(&true)) {
            return Ok(Storage::F64);
        }
        Ok(match declared {
            Some(Declared::Int(s)) => s,
            _ => Storage::I64,
        })
    }

    /// This block's values, as the column is kept (see [`ColumnParse::storage_of_blocks`]).
    pub fn into_block(self, storage: Storage) -> ColumnData {
        match (self.values, storage) {
            (Values::Floats(v), Storage::F32) => {
                ColumnData::F32(v.iter().map(|&x| x as f32).collect::<Vec<f32>>().into())
            }
            (Values::Floats(v), _) => ColumnData::F64(v.into()),
            (Values::Ints(v), Storage::F64) => ColumnData::F64(
                v.iter()
                    .zip(&self.missing)
                    .map(|(&x, &m)| if m { f64::NAN } else { x as f64 })
                    .collect::<Vec<f64>>()
                    .into(),
            ),
            (Values::Ints(v), Storage::U64) => {
                ColumnData::U64(v.iter().map(|&x| x as u64).collect::<Vec<u64>>().into())
            }
            (Values::Ints(v), _) => ColumnData::I64(v.into()),
            (Values::Text(_), _) => ColumnData::F64(Vec::new().into()),
        }
    }
}
