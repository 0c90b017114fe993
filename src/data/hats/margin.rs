//! A collection's margin cache, as hats-import writes it (`margin_threshold`): for each
//! partition, the rows of the other partitions within the threshold of its edge. Rows
//! within that distance of a place then lie in the place's own partition or in its
//! margin, so the neighbouring partitions need not be read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::data::hats::layout::HatsCatalog;
use crate::data::hats::partitions::partitions;
use crate::data::hats::properties::Properties;
use crate::error::{Error, Result};

/// A margin cache's files by partition, and how far past a partition's edge it reaches.
#[derive(Clone, Debug)]
pub struct MarginCache {
    pub dir: PathBuf,
    pub threshold_deg: f64,
    files: HashMap<(u8, u64), Vec<PathBuf>>,
}

impl MarginCache {
    /// The margin cache of the collection at `path` (its `default_margin`, else the first
    /// of `all_margins`); `None` for a catalog that is not a collection, or a collection
    /// without margins.
    pub fn of_collection(path: &Path) -> Result<Option<MarginCache>> {
        let file = path.join("collection.properties");
        if !file.is_file() {
            return Ok(None);
        }
        let props = Properties::read(&file)?;
        let first_listed = props
            .get("all_margins")
            .and_then(|list| list.split([';', ' ', ',', '\n']).find(|s| !s.is_empty()));
        let Some(name) = props.get("default_margin").or(first_listed) else {
            return Ok(None);
        };
        let dir = path.join(name.strip_prefix("file://").unwrap_or(name));
        if !dir.is_dir() {
            return Err(Error::file(
                &file,
                format!(
                    "names the margin cache {name}, but {} is not a folder",
                    dir.display()
                ),
            ));
        }
        let (cat, threshold_deg) = HatsCatalog::open_margin(&dir)?;
        let files = partitions(&cat)?
            .into_iter()
            .map(|p| ((p.order, p.pixel), p.files))
            .collect();
        Ok(Some(MarginCache {
            dir,
            threshold_deg,
            files,
        }))
    }

    /// The files holding the margin of partition (order, pixel): none when no row lies
    /// within the threshold outside it (hats-import writes no empty margin partitions).
    pub fn files_of(&self, order: u8, pixel: u64) -> &[PathBuf] {
        self.files.get(&(order, pixel)).map_or(&[], Vec::as_slice)
    }
}
