//! BINARY and BINARY2 streams (big-endian rows; variable-length values led by a 4-byte
//! count; BINARY2 rows led by one null flag per field, first field in the top bit).

use crate::data::tables::votable::fields::{Cells, Count, Datatype, Field};

/// Decodes every row of `bytes` into `cells` (one per field); returns the row count.
pub fn decode_rows(
    bytes: &[u8],
    fields: &[Field],
    cells: &mut [Cells],
    binary2: bool,
) -> Result<usize, String> {
    if fields.len() != cells.len() {
        return Err(format!(
            "{} FIELDs but {} columns of cells",
            fields.len(),
            cells.len()
        ));
    }
    let mask_len = if binary2 { fields.len().div_ceil(8) } else { 0 };
    let mut pos = 0usize;
    let mut rows = 0usize;
    let ends_inside = |row: usize| format!("the stream ends inside row {}", row + 1);
    while pos < bytes.len() {
        let row_start = pos;
        let mask = bytes
            .get(pos..pos + mask_len)
            .ok_or_else(|| ends_inside(rows))?;
        pos += mask_len;
        for (k, (f, c)) in fields.iter().zip(cells.iter_mut()).enumerate() {
            let elements = match f.count {
                Count::Fixed(n) => n,
                Count::Variable => {
                    let n = bytes.get(pos..pos + 4).ok_or_else(|| ends_inside(rows))?;
                    pos += 4;
                    u32::from_be_bytes(be(n, f)?) as usize
                }
            };
            let len = if f.datatype == Datatype::Bit {
                elements.div_ceil(8)
            } else {
                elements.checked_mul(f.datatype.width()).ok_or_else(|| {
                    format!(
                        "row {}: field {} claims {elements} elements",
                        rows + 1,
                        f.name
                    )
                })?
            };
            let end = pos
                .checked_add(len)
                .filter(|&e| e <= bytes.len())
                .ok_or_else(|| ends_inside(rows))?;
            let v = &bytes[pos..end];
            pos = end;
            let null = binary2 && mask[k / 8] & (0x80 >> (k % 8)) != 0;
            match c {
                Cells::Skipped(_) => {}
                Cells::F32(out) => out.push(if null {
                    f32::NAN
                } else {
                    f32::from_be_bytes(be(v, f)?)
                }),
                Cells::F64(out) => out.push(if null {
                    f64::NAN
                } else {
                    f64::from_be_bytes(be(v, f)?)
                }),
                Cells::Integers { .. } => {
                    let x = match f.datatype {
                        Datatype::UnsignedByte => be::<1>(v, f)?[0] as i64,
                        Datatype::Short => i16::from_be_bytes(be(v, f)?) as i64,
                        Datatype::Int => i32::from_be_bytes(be(v, f)?) as i64,
                        _ => i64::from_be_bytes(be(v, f)?),
                    };
                    c.push_integer(x, null);
                }
            }
        }
        if pos == row_start {
            // Every FIELD is empty (arraysize 0): the stream could never be read through.
            return Err("a row takes no bytes (its FIELDs are all empty)".into());
        }
        rows += 1;
    }
    Ok(rows)
}

/// A value's bytes as the array its type reads (a kept field holds one element of its
/// type's width, so this fails only on a layout error).
fn be<const N: usize>(v: &[u8], f: &Field) -> Result<[u8; N], String> {
    v.try_into().map_err(|_| {
        format!(
            "field {}: a value of {} bytes where {N} belong",
            f.name,
            v.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::tables::votable::fields::parse_arraysize;

    fn field(name: &str, t: &str, arraysize: Option<&str>) -> Field {
        Field {
            name: name.into(),
            datatype: Datatype::parse(t).unwrap(),
            count: parse_arraysize(arraysize).unwrap(),
            unit: String::new(),
            ucd: String::new(),
            null: None,
        }
    }

    #[test]
    fn binary2_rows_with_nulls_and_variable_text() {
        let fields = [
            field("ra", "double", None),
            field("name", "char", Some("*")),
            field("n", "int", None),
        ];
        let mut cells: Vec<Cells> = fields.iter().map(Cells::for_field).collect();
        let mut bytes = Vec::new();
        // Row 1: no nulls; row 2: n null (third field: bit 0x20).
        for (mask, ra, name, n) in [(0u8, 1.5f64, "ab", 7i32), (0x20, 2.5, "", 0)] {
            bytes.push(mask);
            bytes.extend(ra.to_be_bytes());
            bytes.extend((name.len() as u32).to_be_bytes());
            bytes.extend(name.as_bytes());
            bytes.extend(n.to_be_bytes());
        }
        assert_eq!(decode_rows(&bytes, &fields, &mut cells, true), Ok(2));
        let Cells::F64(ra) = &cells[0] else { panic!() };
        assert_eq!(ra, &[1.5, 2.5]);
        let Cells::Integers {
            values, missing, ..
        } = &cells[2]
        else {
            panic!()
        };
        assert_eq!(
            (values.as_slice(), missing.as_slice()),
            (&[7, 0][..], &[false, true][..])
        );
        let mut cells: Vec<Cells> = fields.iter().map(Cells::for_field).collect();
        let e = decode_rows(&bytes[..bytes.len() - 2], &fields, &mut cells, true).unwrap_err();
        assert_eq!(e, "the stream ends inside row 2");
        // Rows of no bytes could never be read through: refused, not looped on.
        let empty = [field("a", "char", Some("0"))];
        let mut cells: Vec<Cells> = empty.iter().map(Cells::for_field).collect();
        let e = decode_rows(&[1, 2, 3], &empty, &mut cells, false).unwrap_err();
        assert!(e.contains("takes no bytes"), "{e}");
    }
}
