//! Survey data in memory: columnar catalogs, tile polygons, HEALPix maps, the built-in
//! demo survey, and writers for the formats users bring (FITS tables, JSON tiles).
//!
//! Uses only [`crate::sky`] (and the shared error and file helpers); knows nothing of
//! views, GPUs or front ends.

pub mod arrays;
pub mod cache;
pub mod catalog;
pub mod catalog_builder;
pub mod catalog_fits;
pub mod catalog_reader;
pub mod column_buffer;
pub mod column_config;
pub mod column_stretch;
pub mod decoder_guard;
pub mod demo;
pub mod density;
pub mod fits_header;
pub mod fits_table;
pub mod fits_write;
pub mod gzip;
pub mod hats;
pub mod hats_import;
pub mod hdf5_attributes;
pub mod hdf5_io;
pub mod healpix_fits;
pub mod healpix_map;
pub mod inputs;
pub mod load;
pub mod load_options;
pub mod load_report;
pub mod moc_text;
pub mod multi_order;
pub mod progress;
pub mod read_bounds;
pub mod rng;
pub mod roles;
pub mod sky_area;
pub mod survey;
pub mod tables;
pub mod tiles;
pub mod tiles_fits;
pub mod units;

pub use catalog::{Catalog, Column, ColumnData};
pub use healpix_map::HealpixMap;
pub use survey::Survey;
pub use tiles::{Tile, TileSet};
