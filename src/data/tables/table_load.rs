//! What every table reader shares: the roles found among a file's columns (by name, then
//! by UCD), a clear error when a role's column cannot be a number, and the builder fed in
//! the order it wants (RA and Dec first, then every other usable column).

use std::path::Path;

use crate::data::ColumnData;
use crate::data::catalog::{Catalog, Roles, Storage};
use crate::data::catalog_builder::{CatalogBuilder, WantedColumn};
use crate::data::load_options::{LoadOptions, check_filter_roles};
use crate::data::load_report::LoadReport;
use crate::data::roles::resolve_roles;
use crate::error::{Error, Result};

/// One column of a file, as its format describes it.
#[derive(Clone, Debug)]
pub struct ColumnMeta {
    pub name: String,
    /// Empty when the format gives none (CSV); degrees are then assumed for RA and Dec.
    pub unit: String,
    /// Empty when the format gives none.
    pub ucd: String,
    /// How the column is kept, or why it cannot be (text, arrays, ...).
    pub storage: std::result::Result<Storage, String>,
}

/// A catalog being assembled from a table: the builder, and which of the file's columns
/// feed each of the builder's slots.
pub struct TableLoad {
    builder: CatalogBuilder,
    /// `order[k]` is the index, among the file's columns, of the builder's slot `k`.
    pub order: Vec<usize>,
    /// How slot `k`'s column is kept.
    pub storages: Vec<Storage>,
}

impl TableLoad {
    /// Resolves the roles among `columns` and readies a builder for `rows` rows.
    pub fn start(
        path: &Path,
        name: &str,
        columns: &[ColumnMeta],
        opts: &LoadOptions,
        rows: u64,
    ) -> Result<TableLoad> {
        let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        let ucds: Vec<String> = columns.iter().map(|c| c.ucd.clone()).collect();
        let roles = resolve_roles(&names, &ucds, &opts.roles).map_err(|m| Error::file(path, m))?;
        let position = |n: &str| {
            names
                .iter()
                .position(|c| c == n)
                .ok_or_else(|| Error::file(path, format!("has no column {n}")))
        };
        for role in roles.numeric() {
            if let Err(why) = &columns[position(role)?].storage {
                return Err(Error::file(path, format!("column {role}: {why}")));
            }
        }
        let usable: Vec<String> = columns
            .iter()
            .filter(|c| c.storage.is_ok())
            .map(|c| c.name.clone())
            .collect();
        check_filter_roles(path, &roles, &opts.filter_for(&roles), &usable)?;
        let (ra, dec) = (position(&roles.ra)?, position(&roles.dec)?);
        // RA and Dec first (their storage was checked above), then every usable column;
        // a repeated name (a CSV header can hold one twice) is kept once.
        let first_of_its_name = |i: usize| names.iter().position(|c| c == &names[i]) == Some(i);
        let (order, storages): (Vec<usize>, Vec<Storage>) = [ra, dec]
            .into_iter()
            .chain((0..columns.len()).filter(|&i| i != ra && i != dec && first_of_its_name(i)))
            .filter_map(|i| columns[i].storage.as_ref().ok().map(|&s| (i, s)))
            .unzip();
        let wanted = order
            .iter()
            .zip(&storages)
            .map(|(&i, &storage)| WantedColumn {
                name: columns[i].name.clone(),
                unit: columns[i].unit.clone(),
                storage,
            })
            .collect();
        let mut builder = CatalogBuilder::new(name, roles, wanted, opts, rows)
            .map_err(|m| Error::file(path, m))?;
        builder.skipped_columns(
            columns
                .iter()
                .filter_map(|c| {
                    c.storage
                        .as_ref()
                        .err()
                        .map(|why| format!("{} ({why})", c.name))
                })
                .collect(),
        );
        Ok(TableLoad {
            builder,
            order,
            storages,
        })
    }

    /// The columns playing RA, Dec, redshift, SNR and ID.
    pub fn roles(&self) -> &Roles {
        self.builder.roles()
    }

    /// Takes one block of rows, one column per slot of [`TableLoad::order`].
    pub fn push_block(&mut self, cols: &[ColumnData]) {
        self.builder.push_block(cols);
    }

    /// Whether columns given whole to [`TableLoad::take_columns`] are kept as they are
    /// (see [`CatalogBuilder::keeps_whole_columns`]).
    pub fn keeps_whole_columns(&self) -> bool {
        self.builder.keeps_whole_columns()
    }

    /// Takes every row at once, one column per slot of [`TableLoad::order`].
    pub fn take_columns(&mut self, cols: Vec<ColumnData>) {
        self.builder.push_columns(cols);
    }

    /// Tells the progress bar (if any) that `done` of the file's rows were read.
    pub fn report_progress(&self, done: u64) {
        self.builder.report_progress(done);
    }

    /// Feeds whole decoded columns (indexed like the file's) in blocks, then finishes.
    pub fn push_columns(mut self, columns: &[ColumnData]) -> (Catalog, LoadReport) {
        const BLOCK: usize = 1 << 20;
        let n = self.order.first().map_or(0, |&i| columns[i].len());
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            let block: Vec<ColumnData> = self
                .order
                .iter()
                .map(|&i| slice(&columns[i], start, end))
                .collect();
            self.builder.push_block(&block);
            start = end;
        }
        self.finish()
    }

    pub fn finish(self) -> (Catalog, LoadReport) {
        self.builder.finish()
    }
}

/// Rows `start..end` of a column.
fn slice(c: &ColumnData, start: usize, end: usize) -> ColumnData {
    match c {
        ColumnData::F64(v) => ColumnData::F64(v[start..end].to_vec().into()),
        ColumnData::F32(v) => ColumnData::F32(v[start..end].to_vec().into()),
        ColumnData::I64(v) => ColumnData::I64(v[start..end].to_vec().into()),
        ColumnData::I16(v) => ColumnData::I16(v[start..end].to_vec().into()),
        ColumnData::U64(v) => ColumnData::U64(v[start..end].to_vec().into()),
    }
}

/// Integer values with their missing ones: kept exact when none is missing, else as f64
/// with NaN for the missing (as FITS integers with TNULL are).
pub fn integers_or_nan(
    values: Vec<i64>,
    missing: &[bool],
    storage: Storage,
) -> (ColumnData, Storage) {
    if missing.iter().any(|&m| m) {
        let v: Vec<f64> = values
            .iter()
            .zip(missing)
            .map(|(&x, &m)| if m { f64::NAN } else { x as f64 })
            .collect();
        (ColumnData::F64(v.into()), Storage::F64)
    } else {
        (ColumnData::I64(values.into()), storage)
    }
}
