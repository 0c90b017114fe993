//! Writing catalogs and HEALPix maps as FITS binary tables (via cfitsio), atomically.

use std::path::Path;

use fitsio::FitsFile;
use fitsio::tables::{ColumnDataType, ColumnDescription};

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
        let descs = cat
            .columns
            .iter()
            .map(|c| {
                let ty = match c.data {
                    ColumnData::F64(_) => ColumnDataType::Double,
                    ColumnData::F32(_) => ColumnDataType::Float,
                    ColumnData::I64(_) => ColumnDataType::LongLong,
                    ColumnData::I16(_) => ColumnDataType::Short,
                };
                ColumnDescription::new(c.name.as_str())
                    .with_type(ty)
                    .create()
            })
            .collect::<fitsio::errors::Result<Vec<_>>>()
            .map_err(err)?;
        let hdu = f.create_table(extname, &descs).map_err(err)?;
        for (i, c) in cat.columns.iter().enumerate() {
            fn pick<T: Copy>(v: &[T], rows: Option<&[usize]>) -> Vec<T> {
                match rows {
                    Some(r) => r.iter().map(|&i| v[i]).collect(),
                    None => v.to_vec(),
                }
            }
            match &c.data {
                ColumnData::F64(v) => hdu.write_col(&mut f, &c.name, &pick(v, rows)),
                ColumnData::F32(v) => hdu.write_col(&mut f, &c.name, &pick(v, rows)),
                ColumnData::I64(v) => hdu.write_col(&mut f, &c.name, &pick(v, rows)),
                ColumnData::I16(v) => hdu.write_col(&mut f, &c.name, &pick(v, rows)),
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
    write_atomically(path, |tmp| {
        let err = |e: fitsio::errors::Error| Error::file(path, format!("FITS write failed: {e}"));
        let mut f = FitsFile::create(tmp).open().map_err(err)?;
        let descs = [
            ColumnDescription::new("PIXEL")
                .with_type(ColumnDataType::LongLong)
                .create()
                .map_err(err)?,
            ColumnDescription::new(map.value_name.as_str())
                .with_type(ColumnDataType::Float)
                .create()
                .map_err(err)?,
        ];
        let hdu = f.create_table("xtension", &descs).map_err(err)?;
        let pixels: Vec<i64> = map.cells.iter().map(|&c| c as i64).collect();
        hdu.write_col(&mut f, "PIXEL", &pixels).map_err(err)?;
        hdu.write_col(&mut f, &map.value_name, &map.values)
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
