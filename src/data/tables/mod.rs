//! Catalogs in the interchange formats the astronomer's other tools write: VOTable (as
//! VizieR, TAP services, TOPCAT and astropy write it), CSV and ECSV, and single Parquet
//! files. Each reader describes the file's columns ([`table_load::ColumnMeta`]) and hands
//! blocks of rows to the same [`crate::data::catalog_builder::CatalogBuilder`] that FITS
//! and HDF5 use, so roles, units, filters and bad coordinates behave alike everywhere.

pub mod decoder_guard;
pub mod delimited;
pub mod ecsv_header;
pub mod format;
pub mod parquet_file;
pub mod table_load;
pub mod votable;
