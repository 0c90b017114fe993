//! Catalogs in the interchange formats the astronomer's other tools write: VOTable (as
//! VizieR, TAP services, TOPCAT and astropy write it), CSV and ECSV, and single Parquet
//! files. Each reader describes the file's columns ([`table_load::ColumnMeta`]) and hands
//! blocks of rows to the same [`crate::data::catalog_builder::CatalogBuilder`] that FITS
//! and HDF5 use, so roles, units, filters and bad coordinates behave alike everywhere.

pub mod delimited;
pub mod ecsv_header;
pub mod format;
pub mod parquet_bytes;
pub mod parquet_file;
pub mod parquet_prune;
pub mod parquet_write;
pub mod table_load;
pub mod votable;

/// The bytes of `path`, mapped (not copied: the text formats are read in place).
pub fn map_file(path: &std::path::Path) -> crate::error::Result<memmap2::Mmap> {
    let err = |e: std::io::Error| crate::error::Error::file(path, format!("cannot read: {e}"));
    let file = std::fs::File::open(path).map_err(err)?;
    // Safety: the map is read only; a file changed while it is read gives wrong values
    // or a parse error, as a file changed during a read() would.
    unsafe { memmap2::Mmap::map(&file) }.map_err(err)
}
