//! HEALPix maps from FITS files as healpy and HEALPix tools write them: full-sky maps
//! (INDXSCHM IMPLICIT, one value per cell, possibly in vector columns such as `1024E`)
//! and partial-sky maps (INDXSCHM EXPLICIT: a PIXEL column plus values), in RING or
//! NESTED ordering, with COORDSYS C or G. Kept as sorted NESTED cells.

use std::ops::Range;
use std::path::Path;

use crate::data::fits_table::{FitsTable, HduSelect, TableColumn};
use crate::data::multi_order::multi_order_map;
use crate::data::{ColumnData, HealpixMap};
use crate::error::{Error, Result};
use crate::sky::Frame;

use crate::data::healpix_map::is_missing;

/// A cell index (or NUNIQ value) from an index column, exact: integers as they are,
/// floating-point values only when whole and below 2^53; `None` for anything else.
fn cell_index(col: &ColumnData, row: usize) -> Option<u64> {
    match col {
        ColumnData::I64(v) => u64::try_from(v[row]).ok(),
        ColumnData::U64(v) => Some(v[row]),
        ColumnData::I16(v) => u64::try_from(v[row]).ok(),
        other => {
            let x = other.get_f64(row);
            (x >= 0.0 && x.fract() == 0.0 && x < 2f64.powi(53)).then_some(x as u64)
        }
    }
}

/// An index value as the file holds it, for messages.
fn index_text(col: &ColumnData, row: usize) -> String {
    match col {
        ColumnData::I64(v) => v[row].to_string(),
        ColumnData::U64(v) => v[row].to_string(),
        other => other.get_f64(row).to_string(),
    }
}

/// Reads a HEALPix map; `column` picks the value column (default: the first that is not
/// the pixel index).
/// The column of a partial map's pixel indices: named PIXEL (PIX, IPIX) as HEALPix and
/// healpy write it; else the one with the UCD `pos.healpix` or a comment naming HEALPix
/// indices (STILTS and TOPCAT name it after the order, e.g. `hpx5`); else, in a map the
/// header calls EXPLICIT, its first integer column.
fn pixel_index_column(columns: &[TableColumn], explicit: bool) -> Option<String> {
    let scalar_integer = |c: &&TableColumn| c.kind.is_integer() && c.repeat == 1;
    let named = |c: &&TableColumn| {
        ["PIXEL", "PIX", "IPIX"]
            .iter()
            .any(|n| c.name.eq_ignore_ascii_case(n))
    };
    let described = |c: &&TableColumn| {
        let comment = c.comment.to_ascii_lowercase();
        c.ucd
            .split(';')
            .any(|u| u.trim().eq_ignore_ascii_case("pos.healpix"))
            || (comment.contains("healpix")
                && (comment.contains("index") || comment.contains("pixel")))
    };
    let integers = || columns.iter().filter(scalar_integer);
    columns
        .iter()
        .find(named)
        .or_else(|| integers().find(described))
        .or_else(|| integers().next().filter(|_| explicit))
        .map(|c| c.name.clone())
}

pub fn read_healpix_map(path: &Path, column: Option<&str>) -> Result<HealpixMap> {
    read_map(path, column, None)
}

/// The cells a read is limited to: sorted disjoint ranges of cells at the depth given.
pub type CellsAt<'a> = &'a dyn Fn(u8) -> Vec<Range<u64>>;

/// As [`read_healpix_map`], keeping only the cells `within(depth)` names at the map's
/// depth. A full-sky map in NESTED order with a value a row (as hats-import and healpy
/// write skymaps) is read only for those cells' rows, so a small area costs little
/// whatever the map's size; other maps are read whole and then limited.
pub fn read_healpix_map_within(
    path: &Path,
    column: Option<&str>,
    within: CellsAt<'_>,
) -> Result<HealpixMap> {
    let mut map = read_map(path, column, Some(within))?;
    let ranges = within(map.depth);
    map.keep_cells(|c| {
        let i = ranges.partition_point(|r| r.end <= c);
        ranges.get(i).is_some_and(|r| r.start <= c)
    });
    Ok(map)
}

fn read_map(path: &Path, column: Option<&str>, within: Option<CellsAt<'_>>) -> Result<HealpixMap> {
    // MOCs also come as text (IVOA MOC 2.0 ASCII and JSON, as mocpy and Aladin write).
    if let Some(moc) = crate::data::moc_text::read_text_moc(path)? {
        return Ok(moc);
    }
    let mut t = FitsTable::open(path, &HduSelect::FirstTable)?;
    let bad = |msg: String| Error::file(path, format!("not a HEALPix map: {msg}"));

    // Multi-order maps and MOCs: cells of several depths named by NUNIQ indices.
    let uniq_col = t
        .columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case("UNIQ") || c.name.eq_ignore_ascii_case("NUNIQ"))
        .map(|c| c.name.clone());
    let ordering_key = t.key_text("ORDERING");
    // MOC 2.0 as mocpy and the CDS MOC library write it: ranges of depth-29 indices.
    if ordering_key
        .as_deref()
        .is_some_and(|o| o.eq_ignore_ascii_case("RANGE"))
    {
        return read_range_moc(&mut t, path);
    }
    if let Some(uniq) = uniq_col.filter(|_| {
        ordering_key
            .as_deref()
            .is_none_or(|o| o.eq_ignore_ascii_case("NUNIQ"))
    }) {
        return read_multi_order(&mut t, path, &uniq, column);
    }
    let ordering =
        ordering_key.ok_or_else(|| bad("no ORDERING keyword (RING or NESTED)".into()))?;
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
    // HEALPix's letters: C or Q (HEALPix IDL's "eQuatorial") equatorial, G Galactic, E
    // ecliptic (not drawn: refused).
    let frame = match t.key_text("COORDSYS").map(|c| c.to_ascii_uppercase()) {
        None => {
            report!(
                "warning: {}: no COORDSYS keyword; the map is drawn as equatorial (ICRS)",
                path.display()
            );
            Frame::Icrs
        }
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
    let indxschm = t.key_text("INDXSCHM").map(|s| s.to_ascii_uppercase());
    let pixel_col = pixel_index_column(&t.columns, indxschm.as_deref() == Some("EXPLICIT"));
    let explicit = match indxschm {
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
            .ok_or_else(|| {
                bad("INDXSCHM is EXPLICIT but no column holds pixel indices (named PIXEL, or with UCD pos.healpix, or of integers)".into())
            })?;
        let mut bad_pixel: Option<String> = None;
        // Indices stay integers end to end: at NSIDE 2^29 they exceed f64's 2^53.
        t.read_blocks(&[&pix_name, &value_name], true, |cols| {
            for i in 0..cols[0].len() {
                let p = match cell_index(&cols[0], i) {
                    Some(p) if p < n_cells => p,
                    _ => {
                        bad_pixel.get_or_insert_with(|| index_text(&cols[0], i));
                        continue;
                    }
                };
                let v = cols[1].get_f64(i);
                if !is_missing(v) {
                    cells.push(if nested { p } else { ring.from_ring(p) });
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
        // Only some cells of a NESTED map with a value a row: only their rows are read.
        if let Some(within) = within.filter(|_| nested && col.repeat == 1) {
            let mut cells: Vec<u64> = Vec::new();
            let mut values: Vec<f32> = Vec::new();
            for r in within(depth) {
                let mut cell = r.start;
                t.read_blocks_in(&[&value_name], true, r.clone(), |cols| {
                    for i in 0..cols[0].len() {
                        let v = cols[0].get_f64(i);
                        if !is_missing(v) {
                            cells.push(cell + i as u64);
                            values.push(v as f32);
                        }
                    }
                    cell += cols[0].len() as u64;
                    Ok(())
                })?;
            }
            return Ok(HealpixMap {
                depth,
                frame,
                value_name,
                cells,
                values,
            });
        }
        // Float values are read in place, in NESTED order, with no copy in file order.
        if let Some(elements) = t.float_elements(&value_name) {
            // As the copy would hold them: f32 (missing where out of f32's range).
            let value_at = |k: usize| f64::from(elements.get(k) as f32);
            return HealpixMap::from_full_sky_with(
                elements.len(),
                value_at,
                nested,
                frame,
                &value_name,
            )
            .map_err(bad);
        }
        let mut file_order: Vec<f32> = Vec::with_capacity(n_cells as usize);
        t.read_blocks(&[&value_name], true, |cols| {
            match &cols[0] {
                crate::data::ColumnData::F32(v) => file_order.extend_from_slice(v),
                other => file_order.extend((0..other.len()).map(|i| other.get_f64(i) as f32)),
            }
            Ok(())
        })?;
        return HealpixMap::from_full_sky(&file_order, nested, frame, &value_name).map_err(bad);
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

/// Reads a MOC 2.0 in RANGE ordering: a column of depth-29 indices, read in pairs [start,
/// end), and its depth in MOCORD_S (MOCORDER in MOC 1.x files). Drawn at that depth, or
/// shallower where expanding would exceed [`crate::data::multi_order::MAX_EXPANDED_CELLS`]
/// (then a cell's value is the share of it the MOC covers).
fn read_range_moc(t: &mut FitsTable, path: &Path) -> Result<HealpixMap> {
    let bad = |msg: String| Error::file(path, format!("not a MOC: {msg}"));
    let column = t
        .columns
        .iter()
        .find(|c| c.kind.is_integer())
        .map(|c| c.name.clone())
        .ok_or_else(|| bad("ORDERING is RANGE but no integer column holds the ranges".into()))?;
    let max_depth = ["MOCORD_S", "MOCORDER"]
        .iter()
        .find_map(|k| t.key_text(k))
        .map_or(Ok(29), |d| {
            d.parse::<u8>()
                .ok()
                .filter(|d| *d <= 29)
                .ok_or_else(|| bad(format!("MOC depth '{d}' is not in 0..=29")))
        })?;
    let mut bounds: Vec<u64> = Vec::new();
    let mut problem = None;
    let end29 = 12u64 << 58;
    t.read_blocks(&[&column], true, |cols| {
        for i in 0..cols[0].len() {
            match cell_index(&cols[0], i).filter(|&v| v <= end29) {
                Some(v) => bounds.push(v),
                None => {
                    problem.get_or_insert(format!(
                        "range bound {} is not a depth-29 index",
                        index_text(&cols[0], i)
                    ));
                }
            }
        }
        Ok(())
    })?;
    if let Some(p) = problem {
        return Err(bad(p));
    }
    if !bounds.len().is_multiple_of(2) {
        return Err(bad(format!("{} range bounds: not pairs", bounds.len())));
    }
    let ranges: Vec<(u64, u64)> = bounds.chunks(2).map(|p| (p[0], p[1])).collect();
    if let Some((a, b)) = ranges.iter().find(|(a, b)| a >= b) {
        return Err(bad(format!("range {a}..{b} is empty or backwards")));
    }
    let cells_at = |d: u8| {
        let s = 2 * (29 - d as u64);
        ranges
            .iter()
            .map(|&(a, b)| ((b - 1) >> s) - (a >> s) + 1)
            .sum::<u64>()
    };
    let mut depth = max_depth;
    while depth > 0 && cells_at(depth) > crate::data::multi_order::MAX_EXPANDED_CELLS {
        depth -= 1;
    }
    // The share of each cell the ranges cover, in depth-29 cells.
    let shift = 2 * (29 - depth as u64);
    let mut covered: std::collections::BTreeMap<u64, u64> = std::collections::BTreeMap::new();
    for &(a, b) in &ranges {
        for c in (a >> shift)..=((b - 1) >> shift) {
            let (lo, hi) = (c << shift, (c + 1) << shift);
            *covered.entry(c).or_insert(0) += b.min(hi) - a.max(lo);
        }
    }
    let full = (1u64 << shift) as f64;
    Ok(HealpixMap {
        depth,
        frame: Frame::Icrs,
        value_name: "MOC".to_string(),
        values: covered
            .values()
            .map(|&n| (n as f64 / full) as f32)
            .collect(),
        cells: covered.into_keys().collect(),
    })
}

/// Reads a MOC or multi-order map (a UNIQ/NUNIQ column, uniq = 4·4^depth + index, and
/// optionally a value column; a MOC's value is 1) as one depth: the deepest present, or
/// shallower when expanding would exceed [`crate::data::multi_order::MAX_EXPANDED_CELLS`].
fn read_multi_order(
    t: &mut FitsTable,
    path: &Path,
    uniq: &str,
    column: Option<&str>,
) -> Result<HealpixMap> {
    let bad =
        |msg: String| Error::file(path, format!("not a HEALPix multi-order map or MOC: {msg}"));
    let value_name = match column {
        Some(name) => Some(t.column(name).map(|c| c.name.clone()).ok_or_else(|| {
            Error::file(
                path,
                format!(
                    "has no column {name}; columns: {}",
                    t.column_names().join(", ")
                ),
            )
        })?),
        None => t
            .columns
            .iter()
            .find(|c| !c.name.eq_ignore_ascii_case(uniq) && c.kind.is_numeric() && c.repeat == 1)
            .map(|c| c.name.clone()),
    };
    let frame = match t.key_text("COORDSYS").map(|c| c.to_ascii_uppercase()) {
        Some(c) if c.starts_with('G') => Frame::Galactic,
        Some(c) if !(c.starts_with('C') || c.starts_with('Q') || c == "ICRS") => {
            return Err(bad(format!("COORDSYS '{c}' is not supported (C or G)")));
        }
        _ => Frame::Icrs,
    };
    let mut names = vec![uniq];
    if let Some(v) = &value_name {
        names.push(v);
    }
    // (depth, index, value) of every cell.
    let mut entries: Vec<(u8, u64, f32)> = Vec::new();
    let mut problem = None;
    t.read_blocks(&names, true, |cols| {
        for i in 0..cols[0].len() {
            let Some(u) = cell_index(&cols[0], i).filter(|&u| u >= 4) else {
                problem.get_or_insert(format!(
                    "UNIQ value {} is not valid (a whole number of at least 4)",
                    index_text(&cols[0], i)
                ));
                continue;
            };
            let depth = ((63 - u.leading_zeros()) / 2 - 1) as u8;
            if depth > 29 {
                problem.get_or_insert(format!("UNIQ value {u} is deeper than depth 29"));
                continue;
            }
            let index = u - (4u64 << (2 * depth as u64));
            let v = cols.get(1).map_or(1.0, |c| c.get_f64(i));
            if !is_missing(v) {
                entries.push((depth, index, v as f32));
            }
        }
        Ok(())
    })?;
    if let Some(p) = problem {
        return Err(bad(p));
    }
    Ok(multi_order_map(
        &entries,
        frame,
        value_name.unwrap_or_else(|| "MOC".to_string()),
    ))
}
