//! Where a HATS catalog keeps what: its properties, partition list, skymaps and the
//! Parquet files of its partitions; a collection's primary catalog.

use std::path::{Path, PathBuf};

use crate::data::hats::properties::Properties;
use crate::error::{Error, Result};

/// The property telling that partitions' rows are in spread order (prefixes sample).
pub const SPREAD_KEY: &str = "clusterviz_row_order";

/// Whether `path` is a HATS catalog or collection folder (told where every reader's
/// format is told).
pub use crate::data::tables::format::is_hats_folder as is_hats;

/// A HATS catalog's folder and what its properties say about reading it.
#[derive(Clone, Debug)]
pub struct HatsCatalog {
    /// The catalog's folder (a collection's primary catalog, for a collection).
    pub dir: PathBuf,
    /// `obs_collection`, else the folder's name.
    pub name: String,
    pub ra_column: String,
    pub dec_column: String,
    /// The column of each row's HEALPix cell and its order (`_healpix_29`, 29), which
    /// decided its partition.
    pub healpix_column: Option<(String, u8)>,
    /// `object` or `source`.
    pub product_type: String,
    /// Rows the properties announce (`hats_nrows`).
    pub rows: Option<u64>,
    /// `.parquet` (one file a partition) or `/` (a folder of files a partition).
    pub npix_suffix: String,
    /// The depth of `skymap.fits`, if the catalog has one.
    pub skymap_order: Option<u8>,
    /// Other depths written as `skymap.K.fits`.
    pub skymap_alt_orders: Vec<u8>,
    /// Whether every prefix of a partition's rows is an even sample of it
    /// (`clusterviz_row_order=spread`, as `clusterviz import` writes), so that a sample
    /// is read as a prefix; hats-import's partitions are sorted by `_healpix_29` instead.
    pub spread_rows: bool,
    /// Who wrote it (`hats_builder`), for `info`.
    pub builder: String,
    pub version: String,
}

impl HatsCatalog {
    /// Opens the catalog at `path`, or the primary catalog of the collection at `path`.
    pub fn open(path: &Path) -> Result<HatsCatalog> {
        let collection = path.join("collection.properties");
        if collection.is_file() {
            let props = Properties::read(&collection)?;
            let primary = props.get("hats_primary_table_url").ok_or_else(|| {
                Error::file(
                    &collection,
                    "names no primary catalog (hats_primary_table_url)",
                )
            })?;
            // Relative to the collection (absolute paths and file:// URLs also work).
            let primary = primary.strip_prefix("file://").unwrap_or(primary);
            let dir = path.join(primary);
            if !dir.is_dir() {
                return Err(Error::file(
                    &collection,
                    format!(
                        "names the primary catalog {primary}, but {} is not a folder",
                        dir.display()
                    ),
                ));
            }
            return Self::open_catalog(&dir);
        }
        Self::open_catalog(path)
    }

    fn open_catalog(dir: &Path) -> Result<HatsCatalog> {
        let (cat, props, file) = Self::open_any(dir)?;
        if !matches!(cat.product_type.as_str(), "object" | "source") {
            let hint = match props.get("hats_primary_table_url") {
                Some(p) => format!(": give its primary catalog ({p})"),
                None => String::new(),
            };
            return Err(Error::file(
                &file,
                format!(
                    "is a HATS {} catalog, not one of objects or sources{hint}",
                    cat.product_type
                ),
            ));
        }
        Ok(cat)
    }

    /// The margin cache at `dir` (`dataproduct_type=margin`) and its threshold in degrees
    /// (`hats_margin_threshold`, given in arcseconds).
    pub(super) fn open_margin(dir: &Path) -> Result<(HatsCatalog, f64)> {
        let (cat, props, file) = Self::open_any(dir)?;
        if cat.product_type != "margin" {
            return Err(Error::file(
                &file,
                format!("is a HATS {} catalog, not a margin cache", cat.product_type),
            ));
        }
        let threshold_arcsec = props
            .get("hats_margin_threshold")
            .ok_or_else(|| Error::file(&file, "names no hats_margin_threshold"))?;
        match threshold_arcsec.parse::<f64>() {
            Ok(t) if t.is_finite() && t > 0.0 => Ok((cat, t / 3600.0)),
            _ => Err(Error::file(
                &file,
                format!(
                    "hats_margin_threshold={threshold_arcsec} is not a positive number of arcseconds"
                ),
            )),
        }
    }

    /// The catalog at `dir`, whatever its product type, with its properties and their file.
    fn open_any(dir: &Path) -> Result<(HatsCatalog, Properties, PathBuf)> {
        let file = ["hats.properties", "properties"]
            .into_iter()
            .map(|m| dir.join(m))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                Error::file(
                    dir,
                    "is not a HATS catalog: it holds no hats.properties (nor properties)",
                )
            })?;
        let props = Properties::read(&file)?;
        let bad = |m: String| Error::file(&file, m);
        let product_type = props
            .get("dataproduct_type")
            .unwrap_or("object")
            .to_string();
        let column = |key: &str| {
            props.get(key).map(str::to_string).ok_or_else(|| {
                bad(format!(
                    "names no {key} (the column of the partitioning coordinate)"
                ))
            })
        };
        let order = |key: &str| -> Result<Option<u8>> {
            match props.number::<u8>(key).map_err(bad)? {
                Some(k) if k > 29 => Err(bad(format!("{key}={k} is deeper than HEALPix order 29"))),
                k => Ok(k),
            }
        };
        let skymap_alt_orders = match props.get("hats_skymap_alt_orders") {
            None => Vec::new(),
            Some(list) => list
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<u8>().ok().filter(|&k| k <= 29).ok_or_else(|| {
                        bad(format!("hats_skymap_alt_orders: '{s}' is not an order"))
                    })
                })
                .collect::<Result<_>>()?,
        };
        let cat = HatsCatalog {
            dir: dir.to_path_buf(),
            name: props
                .get("obs_collection")
                .map(str::to_string)
                .unwrap_or_else(|| {
                    dir.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                }),
            ra_column: column("hats_col_ra")?,
            dec_column: column("hats_col_dec")?,
            healpix_column: props.get("hats_col_healpix").map(|c| {
                let order = props
                    .number::<u8>("hats_col_healpix_order")
                    .ok()
                    .flatten()
                    .filter(|&k| k <= 29)
                    .unwrap_or(29);
                (c.to_string(), order)
            }),
            product_type,
            rows: props.number("hats_nrows").map_err(bad)?,
            npix_suffix: props
                .get("hats_npix_suffix")
                .unwrap_or(".parquet")
                .to_string(),
            skymap_order: order("hats_skymap_order")?,
            skymap_alt_orders,
            spread_rows: props.get(SPREAD_KEY) == Some("spread"),
            builder: props.get("hats_builder").unwrap_or("unknown").to_string(),
            version: props.get("hats_version").unwrap_or("unknown").to_string(),
        };
        Ok((cat, props, file))
    }

    pub fn dataset(&self) -> PathBuf {
        self.dir.join("dataset")
    }

    /// Where the partition (order, pixel) is: `dataset/Norder=K/Dir=D/Npix=N` plus the
    /// suffix (a file, or a folder when the suffix is `/`).
    pub fn partition_path(&self, order: u8, pixel: u64) -> PathBuf {
        let dir = pixel / 10_000 * 10_000;
        let base = self
            .dataset()
            .join(format!("Norder={order}"))
            .join(format!("Dir={dir}"));
        if self.npix_suffix == "/" {
            base.join(format!("Npix={pixel}"))
        } else {
            base.join(format!("Npix={pixel}{}", self.npix_suffix))
        }
    }

    /// The skymap nearest in depth to `want` without being deeper than needed: the
    /// deepest at or below `want`, else the shallowest (path and order).
    pub fn skymap(&self, want: u8) -> Option<(PathBuf, u8)> {
        let main = self
            .skymap_order
            .map(|k| (self.dir.join("skymap.fits"), k))
            .into_iter();
        let alts = self
            .skymap_alt_orders
            .iter()
            .map(|&k| (self.dir.join(format!("skymap.{k}.fits")), k));
        let maps: Vec<(PathBuf, u8)> = main.chain(alts).filter(|(p, _)| p.is_file()).collect();
        maps.iter()
            .filter(|(_, k)| *k <= want)
            .max_by_key(|(_, k)| *k)
            .or_else(|| maps.iter().min_by_key(|(_, k)| *k))
            .cloned()
    }
}
