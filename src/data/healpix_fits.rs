//! HEALPix maps from FITS files as healpy and HEALPix tools write them: full-sky maps
//! (INDXSCHM IMPLICIT, one value per cell, possibly in vector columns such as `1024E`)
//! and partial-sky maps (INDXSCHM EXPLICIT: a PIXEL column plus values), in RING or
//! NESTED ordering, with COORDSYS C or G. Kept as sorted NESTED cells.

use std::path::Path;

use rayon::prelude::*;

use crate::data::HealpixMap;
use crate::data::fits_table::{FitsTable, HduSelect};
use crate::error::{Error, Result};
use crate::sky::Frame;

/// healpy's marker for cells without data.
const UNSEEN: f64 = -1.6375e30;

fn is_missing(v: f64) -> bool {
    !v.is_finite() || (v - UNSEEN).abs() < 1e25
}

/// Reads a HEALPix map; `column` picks the value column (default: the first that is not
/// the pixel index).
pub fn read_healpix_map(path: &Path, column: Option<&str>) -> Result<HealpixMap> {
    let mut t = FitsTable::open(path, &HduSelect::FirstTable)?;
    let bad = |msg: String| Error::file(path, format!("not a HEALPix map: {msg}"));

    let ordering = t
        .key_text("ORDERING")
        .ok_or_else(|| bad("no ORDERING keyword (RING or NESTED)".into()))?;
    let nested = match ordering.to_ascii_uppercase().as_str() {
        "NESTED" | "NEST" => true,
        "RING" => false,
        other => {
            return Err(bad(format!(
                "ORDERING is '{other}', expected RING or NESTED"
            )));
        }
    };
    let nside_text = t
        .key_text("NSIDE")
        .ok_or_else(|| bad("no NSIDE keyword".into()))?;
    let nside: u64 = nside_text
        .parse::<f64>()
        .ok()
        .filter(|n| n.fract() == 0.0 && *n >= 1.0)
        .map(|n| n as u64)
        .ok_or_else(|| {
            bad(format!(
                "NSIDE '{nside_text}' is not a positive whole number"
            ))
        })?;
    if !nside.is_power_of_two() || nside > 1 << 29 {
        return Err(bad(format!(
            "NSIDE {nside} is not a power of two up to 2^29"
        )));
    }
    let depth = nside.trailing_zeros() as u8;
    let n_cells = 12 * nside * nside;
    let frame = match t.key_text("COORDSYS").map(|c| c.to_ascii_uppercase()) {
        None => Frame::Icrs,
        Some(c) if c.starts_with('C') || c.starts_with('Q') || c == "ICRS" || c == "EQUATORIAL" => {
            Frame::Icrs
        }
        Some(c) if c.starts_with('G') => Frame::Galactic,
        Some(c) => {
            return Err(bad(format!(
                "COORDSYS '{c}' is not supported (C for equatorial/ICRS, G for Galactic)"
            )));
        }
    };
    let pixel_col = t
        .columns
        .iter()
        .find(|c| {
            c.name.eq_ignore_ascii_case("PIXEL")
                || c.name.eq_ignore_ascii_case("PIX")
                || c.name.eq_ignore_ascii_case("IPIX")
        })
        .map(|c| c.name.clone());
    let explicit = match t.key_text("INDXSCHM").map(|s| s.to_ascii_uppercase()) {
        Some(s) if s == "EXPLICIT" => true,
        Some(s) if s == "IMPLICIT" => false,
        Some(s) => {
            return Err(bad(format!(
                "INDXSCHM '{s}', expected IMPLICIT or EXPLICIT"
            )));
        }
        None => pixel_col.is_some(),
    };
    let value_name = match column {
        Some(name) => t.column(name).map(|c| c.name.clone()).ok_or_else(|| {
            Error::file(
                path,
                format!(
                    "has no column {name}; columns: {}",
                    t.column_names().join(", ")
                ),
            )
        })?,
        None => t
            .columns
            .iter()
            .find(|c| Some(&c.name) != pixel_col.as_ref() && c.kind.is_numeric())
            .map(|c| c.name.clone())
            .ok_or_else(|| bad("no numeric value column".into()))?,
    };

    let mut cells: Vec<u64> = Vec::new();
    let mut values: Vec<f32> = Vec::new();
    let ring = cdshealpix::nested::get(depth);
    if explicit {
        let pix_name = pixel_col
            .ok_or_else(|| bad("INDXSCHM is EXPLICIT but there is no PIXEL column".into()))?;
        let mut bad_pixel = None;
        t.read_f64_blocks(&[&pix_name, &value_name], |cols| {
            for (&p, &v) in cols[0].iter().zip(&cols[1]) {
                if !(p >= 0.0 && p < n_cells as f64 && p.fract() == 0.0) {
                    bad_pixel.get_or_insert(p);
                    continue;
                }
                if !is_missing(v) {
                    cells.push(if nested {
                        p as u64
                    } else {
                        ring.from_ring(p as u64)
                    });
                    values.push(v as f32);
                }
            }
            Ok(())
        })?;
        if let Some(p) = bad_pixel {
            return Err(bad(format!(
                "pixel index {p} is outside 0..{n_cells} for NSIDE {nside}"
            )));
        }
    } else {
        let col = t.column(&value_name).expect("chosen above").clone();
        let total = t.nrows as u128 * col.repeat as u128;
        if total != n_cells as u128 {
            return Err(bad(format!(
                "an IMPLICIT map at NSIDE {nside} needs {n_cells} values, the file has {total} ({} rows × {})",
                t.nrows, col.repeat
            )));
        }
        // Full-sky: read the values in file order, then build the NESTED array in parallel
        // (each NESTED cell fetches its RING value), so no sort is needed.
        let mut file_order: Vec<f32> = Vec::with_capacity(n_cells as usize);
        t.read_f64_blocks(&[&value_name], |cols| {
            file_order.extend(
                cols[0]
                    .iter()
                    .map(|&v| if is_missing(v) { f32::NAN } else { v as f32 }),
            );
            Ok(())
        })?;
        let dense: Vec<f32> = if nested {
            file_order
        } else {
            (0..n_cells)
                .into_par_iter()
                .map(|c| file_order[ring.to_ring(c) as usize])
                .collect()
        };
        for (c, &v) in dense.iter().enumerate() {
            if !v.is_nan() {
                cells.push(c as u64);
                values.push(v);
            }
        }
    }
    // Sort by NESTED index (RING input, or unsorted explicit maps); a repeated cell keeps
    // its last value.
    let mut order: Vec<u32> = (0..cells.len() as u32).collect();
    if !cells.windows(2).all(|w| w[0] < w[1]) {
        order.sort_by_key(|&i| (cells[i as usize], std::cmp::Reverse(i)));
        order.dedup_by_key(|i| cells[*i as usize]);
        let sorted_cells = order.iter().map(|&i| cells[i as usize]).collect();
        let sorted_values = order.iter().map(|&i| values[i as usize]).collect();
        cells = sorted_cells;
        values = sorted_values;
    }
    Ok(HealpixMap {
        depth,
        frame,
        value_name,
        cells,
        values,
    })
}
