//! One catalog, whatever its format (FITS, HDF5, VOTable, Parquet, CSV/ECSV files, HATS
//! folders), through the cache.

use std::path::Path;

use crate::data::cache::cache_key;
use crate::data::catalog::{CacheTag, Catalog};
use crate::data::catalog_fits::parse_catalog_fits;
use crate::data::hats::read_hats;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::delimited::read_delimited;
use crate::data::tables::format::TableFormat;
use crate::data::tables::parquet_file::read_parquet;
use crate::data::tables::votable::read_votable;
use crate::error::Result;

/// Reads a catalog from a FITS table or HDF5 file; `name` labels it (e.g. "merged",
/// "galaxies"). With a cache in `opts`, a valid cached copy is mapped instead, and big
/// sources are cached after they are parsed.
pub fn read_catalog(path: &Path, name: &str, opts: &LoadOptions) -> Result<(Catalog, LoadReport)> {
    // HATS catalogs are read in part (the area, a sample): columnar and fast already.
    let Some(cache) = opts
        .cache
        .as_ref()
        .filter(|_| TableFormat::of(path) != TableFormat::Hats)
    else {
        return parse_catalog(path, name, opts);
    };
    let key = opts.result_key();
    let tag = CacheTag(cache_key(path, name, &key).map(|k| (cache.dir.clone(), k)));
    if let Some(mut hit) = cache.load(path, name, &key) {
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
    if let Err(e) = cache.store(path, name, &key, &cat, &report) {
        report!("warning: not cached: {e}");
    }
    let mut cat = cat;
    cat.cache_tag = tag;
    Ok((cat, report))
}

/// Reads a catalog from its source file, without the cache.
pub fn parse_catalog(path: &Path, name: &str, opts: &LoadOptions) -> Result<(Catalog, LoadReport)> {
    let format = TableFormat::of(path);
    if opts.rows.is_some() && !format.reads_row_windows() {
        return Err(crate::error::Error::file(
            path,
            "its format is read whole: a window of its rows cannot be read",
        ));
    }
    match format {
        TableFormat::Fits => parse_catalog_fits(path, name, opts),
        TableFormat::Hdf5 => crate::data::hdf5_io::read_catalog_h5(path, name, opts),
        TableFormat::VoTable => read_votable(path, name, opts),
        TableFormat::Parquet => read_parquet(path, name, opts),
        TableFormat::Ecsv => read_delimited(path, name, opts, true),
        TableFormat::Csv => read_delimited(path, name, opts, false),
        TableFormat::Hats => read_hats(path, name, opts).map(|r| (r.catalog, r.report)),
    }
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
