//! HATS catalogs: HEALPix-partitioned Parquet as `hats-import` writes it and LSDB reads
//! it (HATS v1.0). A catalog is a folder with `hats.properties` (or `properties`),
//! `partition_info.csv`, `skymap.fits` and `dataset/Norder=K/Dir=D/Npix=N.parquet` (or
//! `Npix=N/` folders of files); a collection (`collection.properties`) names its primary
//! catalog. Reading opens only the partitions that overlap the area asked for, decodes
//! only the columns kept, and reads a catalog bigger than the rows wanted as an even
//! sample, the whole catalog's counts then coming from its skymap; a sample of the whole
//! sky comes from the one file `clusterviz import` writes beside the partitions, where
//! there is one. A viewer keeps the partitions it read in a [`PartitionCache`]. Rows near
//! given places come from the places' partitions and a collection's [`MarginCache`] where
//! it is wide enough and that reads less than the neighbouring partitions.

mod area_summary;
mod layout;
mod margin;
mod near;
mod partition_cache;
mod partitions;
mod properties;
mod read;
mod sample_file;

pub use area_summary::{AreaSummary, area_summary};
pub use layout::{HatsCatalog, SPREAD_KEY, is_hats};
pub use margin::MarginCache;
pub use near::{MarginUse, NearReads, visit_partitions_near};
pub use partition_cache::{CacheStats, PartitionCache};
pub use partitions::{Partition, partitions};
pub use read::{DensityOnly, HatsRead, read_hats, read_hats_cached};
pub use sample_file::{SAMPLE_FILE, SampleBlock, SampleFile, write_sample};
