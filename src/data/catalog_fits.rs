//! Catalogs from FITS binary tables: roles recognised or named, every other numeric
//! scalar column kept, rows filtered while they are decoded (rejected rows are never
//! stored), invalid coordinates dropped and counted.

use std::path::Path;

use crate::data::cache::DiskCache;
use crate::data::catalog::{Catalog, Roles, Storage};
use crate::data::catalog_builder::{CatalogBuilder, WantedColumn};
use crate::data::fits_table::{ColumnKind, FitsTable, HduSelect};
use crate::data::progress::Progress;
use crate::data::roles::{RoleNames, resolve_roles};
use crate::error::{Error, Result};

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
    /// A conversion: every row kept (invalid coordinates too) and coordinates left in
    /// their file's unit; conversions must not lose or change data.
    pub verbatim: bool,
    /// Where big catalogs are cached after their first load (none: always parse).
    pub cache: Option<DiskCache>,
}

/// What a load did, for messages and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub rows_in_file: u64,
    pub kept: u64,
    /// NaN/inf coordinates or |Dec| > 90.
    pub invalid_coordinates: u64,
    pub filtered_out: u64,
    /// Columns not kept (not numeric scalars), each with what it holds, e.g.
    /// `NAME (text, 16A)`: catalogs hold numeric columns only. (Not kept in the cache.)
    pub skipped_columns: Vec<String>,
}

/// Reads a catalog from a FITS table or HDF5 file; `name` labels it (e.g. "merged",
/// "galaxies"). With a cache in `opts`, a valid cached copy is mapped instead, and big
/// sources are cached after they are parsed.
pub fn read_catalog(path: &Path, name: &str, opts: &LoadOptions) -> Result<(Catalog, LoadReport)> {
    let Some(cache) = &opts.cache else {
        return parse_catalog(path, name, opts);
    };
    let tag = crate::data::cache::CacheTag(
        crate::data::cache::cache_key(path, name, opts).map(|k| (cache.dir.clone(), k)),
    );
    if let Some(mut hit) = cache.load(path, name, opts) {
        if let Some(p) = &opts.progress {
            p.report(name, hit.1.rows_in_file, hit.1.rows_in_file);
        }
        hit.0.cache_tag = tag;
        return Ok(hit);
    }
    // Shared columns: the memory cache keeps the catalog without a second copy.
    let (cat, report) = parse_catalog(path, name, opts)?;
    let cat = cat.into_shared();
    // A cache that cannot be written costs speed, not correctness.
    if let Err(e) = cache.store(path, name, opts, &cat, &report) {
        report!("warning: not cached: {e}");
    }
    let mut cat = cat;
    cat.cache_tag = tag;
    Ok((cat, report))
}

/// Reads a catalog from its source file, without the cache.
pub fn parse_catalog(path: &Path, name: &str, opts: &LoadOptions) -> Result<(Catalog, LoadReport)> {
    if is_hdf5(path) {
        return crate::data::hdf5_io::read_catalog_h5(path, name, opts);
    }
    let mut t = FitsTable::open(path, opts.hdu.as_ref().unwrap_or(&HduSelect::FirstTable))?;
    let names = t.column_names();
    let roles = resolve_roles(&names, &opts.roles).map_err(|m| Error::file(path, m))?;
    for role in roles.numeric() {
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
    check_filter_roles(path, &roles, &opts.filter, &names)?;
    // Every numeric scalar column, roles first.
    let mut order: Vec<String> = vec![roles.ra.clone(), roles.dec.clone()];
    for c in &t.columns {
        if c.kind.is_numeric()
            && c.repeat == 1
            && !order.iter().any(|w| w.eq_ignore_ascii_case(&c.name))
        {
            order.push(c.name.clone());
        }
    }
    let wanted: Vec<WantedColumn> = order
        .iter()
        .map(|n| {
            let c = t.column(n).expect("listed from the table");
            // Scaled columns, and integers with a TNULL (missing values become NaN), are
            // kept and written as doubles. Integers stored with a TZERO offset (unsigned
            // 16/32/64-bit, signed bytes) stay integers, in a type that holds their range.
            let plain = c.scale == 1.0 && c.zero == 0.0 && c.null.is_none();
            let offset = c.integer_offset().filter(|_| c.null.is_none());
            let storage = match (c.kind, offset) {
                (ColumnKind::I64, _) if c.is_u64() && c.null.is_none() => Storage::U64,
                (ColumnKind::U8, Some(0)) => Storage::U8,
                (ColumnKind::I16, Some(0)) | (ColumnKind::U8, Some(_)) => Storage::I16,
                (ColumnKind::I16, Some(_)) | (ColumnKind::I32, Some(0)) => Storage::I32,
                (ColumnKind::I32 | ColumnKind::I64, Some(_)) => Storage::I64,
                (ColumnKind::F32, _) if plain => Storage::F32,
                _ => Storage::F64,
            };
            WantedColumn {
                name: c.name.clone(),
                unit: c.unit.clone(),
                storage,
            }
        })
        .collect();
    let mut builder = CatalogBuilder::new(name, roles, wanted, opts, t.nrows)
        .map_err(|m| Error::file(path, m))?;
    builder.skipped_columns(
        t.columns
            .iter()
            .filter(|c| !(c.kind.is_numeric() && c.repeat == 1))
            .map(|c| {
                let what = if c.kind.is_numeric() {
                    "vector"
                } else {
                    c.kind.describe()
                };
                format!("{} ({what}, {}{})", c.name, c.repeat, c.kind.code())
            })
            .collect(),
    );
    let refs: Vec<&str> = order.iter().map(String::as_str).collect();
    t.read_blocks(&refs, true, |cols| {
        builder.push_block(cols);
        Ok(())
    })?;
    Ok(builder.finish())
}

/// HDF5 files, by extension.
pub fn is_hdf5(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "h5" | "hdf5" | "hdf" | "he5"
        )
    })
}

/// Filters need the columns they filter on.
pub fn check_filter_roles(
    path: &Path,
    roles: &Roles,
    f: &Pushdown,
    names: &[String],
) -> Result<()> {
    if f.snr_min.is_some() && roles.snr.is_none() {
        return Err(Error::file(
            path,
            format!(
                "an SNR filter needs an SNR column (name one with --snr); columns: {}",
                names.join(", ")
            ),
        ));
    }
    if (f.z_min.is_some() || f.z_max.is_some()) && roles.z.is_none() {
        return Err(Error::file(
            path,
            format!(
                "a redshift filter needs a redshift column (name one with --z); columns: {}",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}
