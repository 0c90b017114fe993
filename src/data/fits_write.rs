//! Writing catalogs and HEALPix maps as FITS binary tables (via cfitsio), atomically.

use std::path::Path;

use fitsio::FitsFile;
use fitsio::tables::{ColumnDataType, ColumnDescription};

use crate::data::catalog::Storage;
use crate::data::{Catalog, ColumnData, HealpixMap};
use crate::error::{Error, Result};
use crate::fsutil::write_atomically;

/// Writes `cat` (or the rows `rows` of it) as a BINTABLE HDU named `extname`.
pub fn write_catalog(
    cat: &Catalog,
    rows: Option<&[usize]>,
    extname: &str,
    path: &Path,
) -> Result<()> {
    write_atomically(path, |tmp| {
        let err = |e: fitsio::errors::Error| Error::file(path, format!("FITS write failed: {e}"));
        let mut f = FitsFile::create(tmp).open().map_err(err)?;
        // Each column as the type it was read as (integers are i64 in memory).
        let descs = cat
            .columns
            .iter()
            .map(|c| {
                let ty = match c.storage() {
                    Storage::F64 => ColumnDataType::Double,
                    Storage::F32 => ColumnDataType::Float,
                    Storage::I64 => ColumnDataType::LongLong,
                    // Written as K with TZERO = 2^63 by cfitsio, as FITS stores uint64.
                    Storage::U64 => ColumnDataType::UnsignedLongLong,
                    Storage::I32 => ColumnDataType::Int,
                    Storage::I16 => ColumnDataType::Short,
                    Storage::U8 => ColumnDataType::Byte,
                };
                ColumnDescription::new(c.name.as_str())
                    .with_type(ty)
                    .create()
            })
            .collect::<fitsio::errors::Result<Vec<_>>>()
            .map_err(err)?;
        let hdu = f.create_table(extname, &descs).map_err(err)?;
        let rows_of =
            |n: usize| -> Vec<usize> { rows.map_or_else(|| (0..n).collect(), |r| r.to_vec()) };
        for (i, c) in cat.columns.iter().enumerate() {
            let idx = rows_of(c.data.len());
            let ints = || -> Vec<i64> {
                let all = c.integers().unwrap_or_else(|| {
                    (0..c.data.len())
                        .map(|k| c.data.get_f64(k) as i64)
                        .collect()
                });
                idx.iter().map(|&k| all[k]).collect()
            };
            match (c.storage(), &c.data) {
                (Storage::F32, ColumnData::F32(v)) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &idx.iter().map(|&k| v[k]).collect::<Vec<f32>>(),
                ),
                (Storage::F32, _) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &idx.iter()
                        .map(|&k| c.data.get_f64(k) as f32)
                        .collect::<Vec<f32>>(),
                ),
                (Storage::F64, _) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &idx.iter().map(|&k| c.data.get_f64(k)).collect::<Vec<f64>>(),
                ),
                (Storage::I64, _) => hdu.write_col(&mut f, &c.name, &ints()),
                (Storage::U64, ColumnData::U64(v)) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &idx.iter().map(|&k| v[k]).collect::<Vec<u64>>(),
                ),
                (Storage::U64, _) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &ints().into_iter().map(|x| x as u64).collect::<Vec<u64>>(),
                ),
                (Storage::I32, _) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &ints().into_iter().map(|x| x as i32).collect::<Vec<i32>>(),
                ),
                (Storage::I16, _) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &ints().into_iter().map(|x| x as i16).collect::<Vec<i16>>(),
                ),
                (Storage::U8, _) => hdu.write_col(
                    &mut f,
                    &c.name,
                    &ints().into_iter().map(|x| x as u8).collect::<Vec<u8>>(),
                ),
            }
            .map_err(err)?;
            if !c.unit.is_empty() {
                hdu.write_key(&mut f, &format!("TUNIT{}", i + 1), c.unit.as_str())
                    .map_err(err)?;
            }
        }
        Ok(())
    })
}

/// Writes a partial-sky HEALPix map the way healpy does (INDXSCHM = EXPLICIT):
/// a PIXEL column of NESTED indices and one value column.
pub fn write_healpix_partial(map: &HealpixMap, path: &Path) -> Result<()> {
    let values = MapValues::F32(&map.values);
    write_explicit_map(map, &values, path)
}

/// Writes counts per NESTED cell as integers (as HATS skymaps hold them: PIXEL and
/// VALUE, both 64-bit), exact however big; `map` gives the cells, depth and frame.
pub fn write_healpix_counts(map: &HealpixMap, counts: &[i64], path: &Path) -> Result<()> {
    write_explicit_map(map, &MapValues::I64(counts), path)
}

enum MapValues<'a> {
    F32(&'a [f32]),
    I64(&'a [i64]),
}

fn write_explicit_map(map: &HealpixMap, values: &MapValues, path: &Path) -> Result<()> {
    write_atomically(path, |tmp| {
        let err = |e: fitsio::errors::Error| Error::file(path, format!("FITS write failed: {e}"));
        let mut f = FitsFile::create(tmp).open().map_err(err)?;
        let value_type = match values {
            MapValues::F32(_) => ColumnDataType::Float,
            MapValues::I64(_) => ColumnDataType::LongLong,
        };
        let descs = [
            ColumnDescription::new("PIXEL")
                .with_type(ColumnDataType::LongLong)
                .create()
                .map_err(err)?,
            ColumnDescription::new(map.value_name.as_str())
                .with_type(value_type)
                .create()
                .map_err(err)?,
        ];
        let hdu = f.create_table("xtension", &descs).map_err(err)?;
        let pixels: Vec<i64> = map.cells.iter().map(|&c| c as i64).collect();
        hdu.write_col(&mut f, "PIXEL", &pixels).map_err(err)?;
        match values {
            MapValues::F32(v) => hdu.write_col(&mut f, &map.value_name, v),
            MapValues::I64(v) => hdu.write_col(&mut f, &map.value_name, v),
        }
        .map_err(err)?;
        let coordsys = match map.frame {
            crate::sky::Frame::Icrs => "C",
            crate::sky::Frame::Galactic => "G",
        };
        for (key, value) in [
            ("PIXTYPE", "HEALPIX"),
            ("ORDERING", "NESTED"),
            ("INDXSCHM", "EXPLICIT"),
            ("OBJECT", "PARTIAL"),
            ("COORDSYS", coordsys),
        ] {
            hdu.write_key(&mut f, key, value).map_err(err)?;
        }
        hdu.write_key(&mut f, "NSIDE", map.nside() as i64)
            .map_err(err)?;
        hdu.write_key(&mut f, "ORDER", map.depth as i64)
            .map_err(err)?;
        hdu.write_key(&mut f, "FIRSTPIX", 0i64).map_err(err)?;
        hdu.write_key(
            &mut f,
            "LASTPIX",
            (12 * map.nside() * map.nside() - 1) as i64,
        )
        .map_err(err)?;
        Ok(())
    })
}

/// Writes a MOC (NUNIQ numbers, finest order `max_order`) as MOC 2.0 FITS, the way
/// mocpy and Aladin write and read it: a UNIQ column in NUNIQ ordering, ICRS.
pub fn write_moc_fits(uniq: &[u64], max_order: u8, path: &Path) -> Result<()> {
    write_atomically(path, |tmp| {
        let err = |e: fitsio::errors::Error| Error::file(path, format!("FITS write failed: {e}"));
        let mut f = FitsFile::create(tmp).open().map_err(err)?;
        let descs = [ColumnDescription::new("UNIQ")
            .with_type(ColumnDataType::LongLong)
            .create()
            .map_err(err)?];
        let hdu = f.create_table("MOC", &descs).map_err(err)?;
        let values: Vec<i64> = uniq.iter().map(|&u| u as i64).collect();
        hdu.write_col(&mut f, "UNIQ", &values).map_err(err)?;
        for (key, value) in [
            ("PIXTYPE", "HEALPIX"),
            ("ORDERING", "NUNIQ"),
            ("COORDSYS", "C"),
            ("MOCVERS", "2.0"),
            ("MOCDIM", "SPACE"),
            ("MOCTOOL", "clusterviz"),
        ] {
            hdu.write_key(&mut f, key, value).map_err(err)?;
        }
        // MOC 2.0 names the order MOCORD_S; 1.x readers look for MOCORDER.
        for key in ["MOCORD_S", "MOCORDER"] {
            hdu.write_key(&mut f, key, i64::from(max_order))
                .map_err(err)?;
        }
        Ok(())
    })
}

/// Writes a full-sky map the way healpy does (INDXSCHM = IMPLICIT, RING ordering, values
/// in 1024-element vector rows); cells the map lacks are written as healpy's UNSEEN.
pub fn write_healpix_full_ring(map: &HealpixMap, path: &Path) -> Result<()> {
    let n = 12 * map.nside() * map.nside();
    if !n.is_multiple_of(1024) {
        return Err(Error::user(
            "full-sky maps are written for nside >= 16 only",
        ));
    }
    let layer = cdshealpix::nested::get(map.depth);
    let mut values = vec![-1.6375e30f32; n as usize];
    for (&c, &v) in map.cells.iter().zip(&map.values) {
        values[layer.to_ring(c) as usize] = v;
    }
    write_atomically(path, |tmp| {
        let err = |e: fitsio::errors::Error| Error::file(path, format!("FITS write failed: {e}"));
        let mut f = FitsFile::create(tmp).open().map_err(err)?;
        let desc = ColumnDescription::new(map.value_name.as_str())
            .with_type(ColumnDataType::Float)
            .that_repeats(1024)
            .create()
            .map_err(err)?;
        let hdu = f.create_table("xtension", &[desc]).map_err(err)?;
        hdu.write_col(&mut f, &map.value_name, &values)
            .map_err(err)?;
        for (key, value) in [
            ("PIXTYPE", "HEALPIX"),
            ("ORDERING", "RING"),
            ("INDXSCHM", "IMPLICIT"),
            ("OBJECT", "FULLSKY"),
        ] {
            hdu.write_key(&mut f, key, value).map_err(err)?;
        }
        let coordsys = if map.frame == crate::sky::Frame::Galactic {
            "G"
        } else {
            "C"
        };
        hdu.write_key(&mut f, "COORDSYS", coordsys).map_err(err)?;
        hdu.write_key(&mut f, "NSIDE", map.nside() as i64)
            .map_err(err)?;
        Ok(())
    })
}
