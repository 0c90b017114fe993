//! VOTable 1.x catalogs as VizieR, TAP services, TOPCAT and astropy write them: rows in
//! TABLEDATA, BINARY or BINARY2 (base64 streams inside the file). The table read is the
//! first one with data, or the one `--hdu` names (a 1-based position or its name/ID).
//! gzip-compressed files are inflated in memory first.
//! A TAP error document (QUERY_STATUS ERROR) is reported as the service's message.

pub mod binary;
pub mod fields;
pub mod walk;
pub mod write;

use std::path::Path;

use crate::data::Catalog;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::table_load::TableLoad;
use crate::error::{Error, Result};

/// Reads the catalog of a VOTable file.
pub fn read_votable(path: &Path, name: &str, opts: &LoadOptions) -> Result<(Catalog, LoadReport)> {
    let mapped = crate::data::tables::map_file(path)?;
    // `.vot.gz`, as VizieR and TAP services serve them, inflated in memory.
    let inflated;
    let bytes: &[u8] = if crate::data::gzip::is_gzip(&mapped) {
        inflated = crate::data::gzip::inflate(path, &mapped)?;
        &inflated
    } else {
        &mapped
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Error::file(path, format!("VOTable is not UTF-8 ({e})")))?;
    let table = walk::read_table(text, opts.hdu.as_ref())
        .map_err(|m| Error::file(path, format!("VOTable: {m}")))?;
    if table.overflow {
        report!(
            "warning: {}: the service truncated this result (QUERY_STATUS OVERFLOW): {} rows",
            path.display(),
            table.rows
        );
    }
    let (metas, data): (Vec<_>, Vec<_>) = table
        .cells
        .into_iter()
        .zip(&table.fields)
        .map(|(c, f)| c.into_column(f))
        .unzip();
    let load = TableLoad::start(path, name, &metas, opts, table.rows as u64)?;
    Ok(load.push_columns(&data))
}
