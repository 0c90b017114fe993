//! `clusterviz convert IN OUT`: catalogs from any format read (FITS, HDF5, VOTable,
//! Parquet, CSV/ECSV) into FITS, HDF5 or VOTable (by the output's extension), keeping
//! column names, units, types and every row (of the `--cone` or `--box` area, when
//! given).

use std::time::Instant;

use crate::cli::args::ConvertArgs;
use crate::data::catalog_reader::{is_hdf5, read_catalog};
use crate::data::fits_table::{FitsTable, HduSelect};
use crate::data::fits_write::write_catalog;
use crate::data::hdf5_io::{table_name, write_catalog_h5};
use crate::data::load::column_choices;
use crate::data::load_options::LoadOptions;
use crate::data::tables::format::TableFormat;
use crate::data::tables::votable::write::write_votable;
use crate::error::{Error, Result};

pub fn run(a: &ConvertArgs) -> Result<()> {
    let out_ext = a
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let to_hdf5 = is_hdf5(&a.output);
    let to_votable = matches!(out_ext.as_deref(), Some("vot" | "votable" | "xml"));
    if !to_hdf5 && !to_votable && !matches!(out_ext.as_deref(), Some("fits" | "fit")) {
        return Err(Error::file(
            &a.output,
            "the output must end in .fits, .fit, .h5, .hdf5, .vot, .votable or .xml",
        ));
    }
    crate::fsutil::ensure_parent_dir(&a.output)?;
    if a.output.exists() && !a.force {
        return Err(Error::file(
            &a.output,
            "exists already (give --force to replace it)",
        ));
    }
    let [(roles, hdu), _] = column_choices(&a.columns.spec())?;
    let t0 = Instant::now();
    let name = match TableFormat::of(&a.input) {
        TableFormat::Hdf5 => table_name(&a.input, hdu.as_ref())?,
        TableFormat::Fits => {
            let mut t = FitsTable::open(&a.input, hdu.as_ref().unwrap_or(&HduSelect::FirstTable))?;
            t.key_text("EXTNAME").unwrap_or_default()
        }
        // VOTable, Parquet and CSV tables are written under the default name.
        _ => String::new(),
    };
    // --cone and --box cut an area out (of a HATS catalog, only its partitions there
    // are read).
    let opts = LoadOptions {
        hdu,
        roles,
        verbatim: true,
        filter: a.columns.spec().area(),
        ..Default::default()
    };
    let (cat, report) = read_catalog(&a.input, &name, &opts)?;
    let table = if name.is_empty() {
        "CATALOG".to_string()
    } else {
        name
    };
    if to_hdf5 {
        write_catalog_h5(&cat, &table, &a.output)?;
    } else if to_votable {
        write_votable(&cat, None, &table, &a.output)?;
    } else {
        write_catalog(&cat, None, &table, &a.output)?;
    }
    let total = cat.columns.len() + report.skipped_columns.len();
    if !report.skipped_columns.is_empty() {
        report!(
            "warning: {}: {} of {total} columns not converted (clusterviz keeps numeric scalar columns): {}",
            a.input.display(),
            report.skipped_columns.len(),
            report.skipped_columns.join(", ")
        );
    }
    report!(
        "{} -> {}: {} rows, {} of {total} columns (table {table}) in {:.2} s",
        a.input.display(),
        a.output.display(),
        report.kept,
        cat.columns.len(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
