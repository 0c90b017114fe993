//! Catalogs from FITS binary tables: roles recognised or named, every other numeric
//! scalar column kept, rows filtered while they are decoded (rejected rows are never
//! stored), invalid coordinates dropped and counted.

use std::path::Path;

use glam::DVec3;

use crate::data::catalog::Catalog;
use crate::data::fits_table::{BlockValues, FitsTable, HduSelect};
use crate::data::progress::Progress;
use crate::data::roles::{RoleNames, resolve_roles};
use crate::data::{Column, ColumnData};
use crate::error::{Error, Result};
use crate::sky::unit_vector;

/// Row filters applied while reading.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pushdown {
    pub snr_min: Option<f64>,
    pub z_min: Option<f64>,
    pub z_max: Option<f64>,
    /// (RA, Dec, radius), degrees.
    pub cone: Option<(f64, f64, f64)>,
    /// (RA min, RA max, Dec min, Dec max), degrees; RA min > RA max wraps through 0.
    pub sky_box: Option<(f64, f64, f64, f64)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadOptions {
    pub hdu: Option<HduSelect>,
    pub roles: RoleNames,
    pub filter: Pushdown,
    /// Told about rows read (single files) or files read (stacks).
    pub progress: Option<Progress>,
}

/// What a load did, for messages and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub rows_in_file: u64,
    pub kept: u64,
    /// NaN/inf coordinates or |Dec| > 90.
    pub invalid_coordinates: u64,
    pub filtered_out: u64,
}

/// Appends the rows `keep` (all rows if `None`) of one decoded block to a column,
/// creating it with capacity `cap` on first use.
fn append_rows(
    slot: &mut Option<ColumnData>,
    col: &BlockValues,
    keep: Option<&[usize]>,
    cap: usize,
) {
    fn take<T: Copy>(dst: &mut Vec<T>, src: &[T], keep: Option<&[usize]>) {
        match keep {
            None => dst.extend_from_slice(src),
            Some(k) => dst.extend(k.iter().map(|&i| src[i])),
        }
    }
    let data = slot.get_or_insert_with(|| match col {
        BlockValues::F64(_) => ColumnData::F64(Vec::with_capacity(cap)),
        BlockValues::F32(_) => ColumnData::F32(Vec::with_capacity(cap)),
        BlockValues::I64(_) => ColumnData::I64(Vec::with_capacity(cap)),
    });
    match (col, data) {
        (BlockValues::F64(v), ColumnData::F64(d)) => take(d, v, keep),
        (BlockValues::F32(v), ColumnData::F32(d)) => take(d, v, keep),
        (BlockValues::I64(v), ColumnData::I64(d)) => take(d, v, keep),
        _ => unreachable!("a column keeps its type across blocks"),
    }
}

/// Reads a catalog; `name` labels it (e.g. "merged", "galaxies").
pub fn read_catalog(path: &Path, name: &str, opts: &LoadOptions) -> Result<(Catalog, LoadReport)> {
    let mut t = FitsTable::open(path, opts.hdu.as_ref().unwrap_or(&HduSelect::FirstTable))?;
    let names = t.column_names();
    let roles = resolve_roles(&names, &opts.roles).map_err(|m| Error::file(path, m))?;
    for role in [
        Some(&roles.ra),
        Some(&roles.dec),
        roles.z.as_ref(),
        roles.snr.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        let c = t.column(role).expect("resolved from the table's columns");
        if !c.kind.is_numeric() || c.repeat != 1 {
            return Err(Error::file(
                path,
                format!(
                    "column {} is not a numeric scalar (TFORM {}{})",
                    c.name,
                    c.repeat,
                    c.kind.code()
                ),
            ));
        }
    }
    if opts.filter.snr_min.is_some() && roles.snr.is_none() {
        return Err(Error::file(
            path,
            format!(
                "an SNR filter needs an SNR column (name one with --snr); columns: {}",
                names.join(", ")
            ),
        ));
    }
    if (opts.filter.z_min.is_some() || opts.filter.z_max.is_some()) && roles.z.is_none() {
        return Err(Error::file(
            path,
            format!(
                "a redshift filter needs a redshift column (name one with --z); columns: {}",
                names.join(", ")
            ),
        ));
    }
    // Every numeric scalar column, roles first.
    let mut wanted: Vec<String> = vec![roles.ra.clone(), roles.dec.clone()];
    for c in &t.columns {
        if c.kind.is_numeric()
            && c.repeat == 1
            && !wanted.iter().any(|w| w.eq_ignore_ascii_case(&c.name))
        {
            wanted.push(c.name.clone());
        }
    }
    let index_of = |n: &Option<String>| n.as_ref().and_then(|n| wanted.iter().position(|w| w == n));
    let (z_i, snr_i) = (index_of(&roles.z), index_of(&roles.snr));
    let units: Vec<String> = wanted
        .iter()
        .map(|w| t.column(w).map(|c| c.unit.clone()).unwrap_or_default())
        .collect();
    let f = &opts.filter;
    let cone = f
        .cone
        .map(|(ra, dec, r)| (unit_vector(ra, dec), r.to_radians().cos()));
    let mut report = LoadReport {
        rows_in_file: t.nrows,
        ..Default::default()
    };
    let mut out: Vec<Option<ColumnData>> = vec![None; wanted.len()];
    let unfiltered = *f == Pushdown::default();
    let rows_in_file = t.nrows as usize;
    let wanted_refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
    t.read_blocks(&wanted_refs, true, |cols| {
        let as_f64 = |c: &BlockValues, i: usize| c.get_f64(i);
        let n = cols[0].len();
        let valid = |i: usize| {
            let (ra, dec) = (as_f64(&cols[0], i), as_f64(&cols[1], i));
            ra.is_finite() && dec.is_finite() && dec.abs() <= 90.0
        };
        // The common case, no filter and clean coordinates, keeps whole blocks.
        if unfiltered && (0..n).all(valid) {
            report.kept += n as u64;
            for (slot, col) in out.iter_mut().zip(cols) {
                append_rows(slot, col, None, rows_in_file);
            }
            return Ok(());
        }
        let mut keep = Vec::with_capacity(n);
        for i in 0..n {
            let (ra, dec) = (as_f64(&cols[0], i), as_f64(&cols[1], i));
            if !ra.is_finite() || !dec.is_finite() || dec.abs() > 90.0 {
                report.invalid_coordinates += 1;
                continue;
            }
            let snr_ok = f
                .snr_min
                .is_none_or(|m| snr_i.is_some_and(|k| as_f64(&cols[k], i) >= m));
            let z = z_i.map(|k| as_f64(&cols[k], i));
            let z_ok = f.z_min.is_none_or(|m| z.is_some_and(|z| z >= m))
                && f.z_max.is_none_or(|m| z.is_some_and(|z| z <= m));
            let cone_ok =
                cone.is_none_or(|(c, cos_r): (DVec3, f64)| unit_vector(ra, dec).dot(c) >= cos_r);
            let box_ok = f.sky_box.is_none_or(|(a0, a1, d0, d1)| {
                let a = ra.rem_euclid(360.0);
                let in_ra = if a0 <= a1 {
                    a >= a0 && a <= a1
                } else {
                    a >= a0 || a <= a1
                };
                in_ra && dec >= d0 && dec <= d1
            });
            if snr_ok && z_ok && cone_ok && box_ok {
                keep.push(i);
            } else {
                report.filtered_out += 1;
            }
        }
        report.kept += keep.len() as u64;
        if let Some(p) = &opts.progress {
            p.report(
                name,
                report.kept + report.filtered_out + report.invalid_coordinates,
                report.rows_in_file,
            );
        }
        for (slot, col) in out.iter_mut().zip(cols) {
            append_rows(
                slot,
                col,
                Some(&keep),
                if unfiltered { rows_in_file } else { 0 },
            );
        }
        Ok(())
    })?;
    let columns = wanted
        .iter()
        .zip(units)
        .zip(out)
        .map(|((n, unit), data)| Column::new(n, &unit, data.unwrap_or(ColumnData::F64(Vec::new()))))
        .collect();
    let cat = Catalog {
        name: name.to_string(),
        columns,
        roles,
    };
    Ok((cat, report))
}
