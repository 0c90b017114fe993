//! Catalogs from FITS binary tables (see `catalog_reader` for any format): roles recognised or named, every other numeric
//! scalar column kept, rows filtered while they are decoded (rejected rows are never
//! stored), invalid coordinates dropped and counted.

use std::path::Path;

use crate::data::catalog::{Catalog, Storage};
use crate::data::catalog_builder::{CatalogBuilder, WantedColumn};
use crate::data::fits_table::{ColumnKind, FitsTable, HduSelect};
use crate::data::load_options::{LoadOptions, check_filter_roles};
use crate::data::load_report::LoadReport;
use crate::data::roles::resolve_roles;
use crate::error::{Error, Result};

/// Reads a catalog from a FITS binary table (the HDU `opts` names, else the first).
pub fn parse_catalog_fits(
    path: &Path,
    name: &str,
    opts: &LoadOptions,
) -> Result<(Catalog, LoadReport)> {
    let mut t = FitsTable::open(path, opts.hdu.as_ref().unwrap_or(&HduSelect::FirstTable))?;
    let names = t.column_names();
    let ucds: Vec<String> = t.columns.iter().map(|c| c.ucd.clone()).collect();
    let roles = resolve_roles(&names, &ucds, &opts.roles).map_err(|m| Error::file(path, m))?;
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
    check_filter_roles(path, &roles, &opts.filter_for(&roles), &names)?;
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
    let window = opts.rows.clone().unwrap_or(0..t.nrows);
    let window = window.start.min(t.nrows)..window.end.min(t.nrows);
    let mut builder = CatalogBuilder::new(name, roles, wanted, opts, window.end - window.start)
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
    let t0 = std::time::Instant::now();
    if builder.keeps_whole_columns() {
        // Every row kept as read: decoded straight into the catalog's columns.
        let cols = t.read_columns_in(&refs, true, window, |done| builder.report_progress(done))?;
        crate::reporting::trace_phase("FITS: columns decoded", t0);
        builder.push_columns(cols);
    } else {
        t.read_blocks_in(&refs, true, window, |cols| {
            builder.push_block(cols);
            Ok(())
        })?;
    }
    crate::reporting::trace_phase("FITS: catalog read", t0);
    Ok(builder.finish())
}
