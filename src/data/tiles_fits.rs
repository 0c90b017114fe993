//! Survey tiles as a FITS table, the alternative to the JSON form: BINTABLE `TILES`
//! with `TILE_ID` (integer) and vector columns `LEV1_RA`, `LEV1_DEC`, `CORE_RA`,
//! `CORE_DEC` (degrees; one polygon each, shorter polygons padded with NaN).

use std::path::Path;

use fitsio::FitsFile;
use fitsio::tables::{ColumnDataType, ColumnDescription};

use crate::data::ColumnData;
use crate::data::fits_table::{FitsTable, HduSelect};
use crate::data::tiles::{Polygon, Tile, TileSet};
use crate::error::{Error, Result};
use crate::fsutil::write_atomically;

const COLUMNS: [&str; 4] = ["LEV1_RA", "LEV1_DEC", "CORE_RA", "CORE_DEC"];

/// Reads tiles from JSON (`.json`) or a FITS table (anything else).
pub fn read_tiles(path: &Path) -> Result<TileSet> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
        return TileSet::from_json(&text, path);
    }
    let mut t = FitsTable::open(path, &HduSelect::FirstTable)?;
    let mut wanted = vec!["TILE_ID"];
    wanted.extend(COLUMNS);
    for w in &wanted {
        if t.column(w).is_none() {
            return Err(Error::file(
                path,
                format!(
                    "not a tile table: no column {w} (needs {}); columns: {}",
                    wanted.join(", "),
                    t.column_names().join(", ")
                ),
            ));
        }
    }
    let repeat: Vec<usize> = COLUMNS
        .iter()
        .map(|c| t.column(c).map_or(0, |c| c.repeat))
        .collect();
    // Checked before any row is read: the vertices of a ring are taken pairwise.
    for pair in [[0, 1], [2, 3]] {
        let [ra, dec] = pair.map(|k| (COLUMNS[k], repeat[k]));
        if ra.1 != dec.1 {
            return Err(Error::file(
                path,
                format!(
                    "vertex columns {} and {} differ in length ({} and {} values a row)",
                    ra.0, dec.0, ra.1, dec.1
                ),
            ));
        }
    }
    for col in COLUMNS.iter().filter_map(|c| t.column(c)) {
        if !col.kind.is_numeric() {
            return Err(Error::file(
                path,
                format!(
                    "column {} holds {} values (TFORM {}{}), not vertex coordinates",
                    col.name,
                    col.kind.describe(),
                    col.repeat,
                    col.kind.code()
                ),
            ));
        }
    }
    let mut tiles = Vec::new();
    t.read_blocks(&wanted, true, |cols| {
        let ids: Vec<String> = match &cols[0] {
            ColumnData::I64(v) => v.iter().map(|x| x.to_string()).collect(),
            other => (0..other.len())
                .map(|i| format!("{}", other.get_f64(i)))
                .collect(),
        };
        let vals = |k: usize| -> Vec<f64> {
            (0..cols[k + 1].len())
                .map(|i| cols[k + 1].get_f64(i))
                .collect()
        };
        let (lra, ldec, cra, cdec) = (vals(0), vals(1), vals(2), vals(3));
        for (row, id) in ids.into_iter().enumerate() {
            let ring =
                |ra: &[f64], dec: &[f64], n: usize| -> std::result::Result<Polygon, String> {
                    let pts: Vec<(f64, f64)> = ra[row * n..(row + 1) * n]
                        .iter()
                        .zip(&dec[row * n..(row + 1) * n])
                        .filter(|(a, d)| a.is_finite() && d.is_finite())
                        .map(|(&a, &d)| (a, d))
                        .collect();
                    if pts.len() < 3 || pts.iter().any(|p| p.1.abs() > 90.0) {
                        return Err(format!(
                            "tile {id} needs at least 3 vertices with |Dec| <= 90"
                        ));
                    }
                    Ok(vec![pts])
                };
            let lev1 = ring(&lra, &ldec, repeat[0]).map_err(|m| Error::file(path, m))?;
            let core = ring(&cra, &cdec, repeat[2]).map_err(|m| Error::file(path, m))?;
            tiles.push(Tile { id, lev1, core });
        }
        Ok(())
    })?;
    Ok(TileSet { tiles })
}

/// Writes the first ring of each tile's polygons as a FITS tile table.
pub fn write_tiles_fits(set: &TileSet, path: &Path) -> Result<()> {
    let ids: Vec<i64> = set
        .tiles
        .iter()
        .map(|t| {
            t.id.parse().map_err(|_| {
                Error::user(format!(
                    "tile ID '{}' is not an integer; FITS tile tables need integer IDs",
                    t.id
                ))
            })
        })
        .collect::<Result<_>>()?;
    let width =
        |f: fn(&Tile) -> &Polygon| set.tiles.iter().map(|t| f(t)[0].len()).max().unwrap_or(3);
    let (n_lev1, n_core) = (width(|t| &t.lev1), width(|t| &t.core));
    let flat = |f: fn(&Tile) -> &Polygon, n: usize, dec: bool| -> Vec<f64> {
        set.tiles
            .iter()
            .flat_map(|t| {
                let ring = &f(t)[0];
                (0..n).map(move |i| {
                    ring.get(i)
                        .map_or(f64::NAN, |p| if dec { p.1 } else { p.0 })
                })
            })
            .collect()
    };
    write_atomically(path, |tmp| {
        let err = |e: fitsio::errors::Error| Error::file(path, format!("FITS write failed: {e}"));
        let mut f = FitsFile::create(tmp).open().map_err(err)?;
        let mut descs = vec![
            ColumnDescription::new("TILE_ID")
                .with_type(ColumnDataType::LongLong)
                .create()
                .map_err(err)?,
        ];
        for (name, n) in COLUMNS.iter().zip([n_lev1, n_lev1, n_core, n_core]) {
            descs.push(
                ColumnDescription::new(*name)
                    .with_type(ColumnDataType::Double)
                    .that_repeats(n)
                    .create()
                    .map_err(err)?,
            );
        }
        let hdu = f.create_table("TILES", &descs).map_err(err)?;
        hdu.write_col(&mut f, "TILE_ID", &ids).map_err(err)?;
        hdu.write_col(&mut f, "LEV1_RA", &flat(|t| &t.lev1, n_lev1, false))
            .map_err(err)?;
        hdu.write_col(&mut f, "LEV1_DEC", &flat(|t| &t.lev1, n_lev1, true))
            .map_err(err)?;
        hdu.write_col(&mut f, "CORE_RA", &flat(|t| &t.core, n_core, false))
            .map_err(err)?;
        hdu.write_col(&mut f, "CORE_DEC", &flat(|t| &t.core, n_core, true))
            .map_err(err)?;
        for (i, _) in COLUMNS.iter().enumerate() {
            hdu.write_key(&mut f, &format!("TUNIT{}", i + 2), "deg")
                .map_err(err)?;
        }
        Ok(())
    })
}
