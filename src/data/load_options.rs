//! How a catalog is to be read: the roles named, the rows wanted (filters pushed into
//! the read), the HDU, and where big catalogs are cached.

use std::path::Path;

use crate::data::cache::DiskCache;
use crate::data::catalog::Roles;
use crate::data::fits_table::HduSelect;
use crate::data::progress::Progress;
use crate::data::roles::RoleNames;
use crate::error::{Error, Result};
use crate::sky::unit_vector;

/// Row filters applied while reading.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pushdown {
    pub snr_min: Option<f64>,
    pub z_min: Option<f64>,
    pub z_max: Option<f64>,
    /// (RA, Dec, radius), degrees.
    pub cone: Option<(f64, f64, f64)>,
    /// (RA min, RA max, Dec min, Dec max), degrees; RA min > RA max wraps through 0.
    pub sky_box: Option<(f64, f64, f64, f64)>,
}

impl Pushdown {
    /// Whether it keeps rows by redshift or SNR (which a skymap, counting every row,
    /// cannot tell apart).
    pub fn by_value(&self) -> bool {
        self.z_min.is_some() || self.z_max.is_some() || self.snr_min.is_some()
    }

    /// Whether a row passes every filter: (RA, Dec) in degrees in the area, its redshift
    /// and SNR (`None`: the catalog has none, or the row's is missing) in range.
    pub fn keeps(&self, ra: f64, dec: f64, z: Option<f64>, snr: Option<f64>) -> bool {
        let snr_ok = self.snr_min.is_none_or(|m| snr.is_some_and(|s| s >= m));
        let z_ok = self.z_min.is_none_or(|m| z.is_some_and(|z| z >= m))
            && self.z_max.is_none_or(|m| z.is_some_and(|z| z <= m));
        snr_ok && z_ok && self.in_area(ra, dec)
    }

    /// Whether (RA, Dec) in degrees lies in the cone and the box (where given).
    pub fn in_area(&self, ra: f64, dec: f64) -> bool {
        let in_cone = self.cone.is_none_or(|(ra0, dec0, r)| {
            unit_vector(ra, dec).dot(unit_vector(ra0, dec0)) >= r.to_radians().cos()
        });
        in_cone && in_box(self.sky_box, ra, dec)
    }
}

/// Whether (RA, Dec) lies in the (RA min, RA max, Dec min, Dec max) box, if one is given.
pub fn in_box(sky_box: Option<(f64, f64, f64, f64)>, ra: f64, dec: f64) -> bool {
    sky_box.is_none_or(|(a0, a1, d0, d1)| {
        let a = ra.rem_euclid(360.0);
        let in_ra = if a0 <= a1 {
            a >= a0 && a <= a1
        } else {
            a >= a0 || a <= a1
        };
        in_ra && dec >= d0 && dec <= d1
    })
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadOptions {
    pub hdu: Option<HduSelect>,
    pub roles: RoleNames,
    pub filter: Pushdown,
    /// Told about rows read (single files) or files read (stacks).
    pub progress: Option<Progress>,
    /// A conversion: every row kept (invalid coordinates too) and coordinates left in
    /// their file's unit; conversions must not lose or change data.
    pub verbatim: bool,
    /// Where big catalogs are cached after their first load (none: always parse).
    pub cache: Option<DiskCache>,
    /// Out-of-core catalogs (HATS) holding more rows than this in the area are read as
    /// an even sample of about this many rows; other readers read every row.
    pub sample_rows: Option<u64>,
    /// Only these rows of the file (`import` reads big files a piece at a time). FITS,
    /// HDF5 and Parquet read just the window; other formats refuse one.
    pub rows: Option<std::ops::Range<u64>>,
    /// The filter's redshift range applies only where the catalog has a redshift
    /// (galaxies: a range given for the clusters does not empty a catalog without one).
    /// Not in [`result_key`](Self::result_key): a catalog with a redshift reads the same
    /// either way, and one without it fails to read otherwise.
    pub redshift_optional: bool,
    /// Rows of Parquet files sorted by `_healpix_29` (hats-import's partitions) outside
    /// these order-29 cells (sorted, disjoint) are left unread: a narrowing, not a filter,
    /// for readers that test every row themselves (files in another order give every
    /// row). `--cone`/`--box` narrow the same way and take precedence.
    pub read_cells: Option<std::sync::Arc<[std::ops::Range<u64>]>>,
}

impl LoadOptions {
    /// Everything in these options that a load's rows depend on, as text: the cache
    /// keys its entries by it (progress and the cache itself change no row).
    pub fn result_key(&self) -> String {
        let key = format!(
            "{:?}|{:?}|{:?}|{}",
            self.hdu, self.roles, self.filter, self.verbatim
        );
        // Keys without a sample or window stay those of earlier versions (their entries
        // valid).
        let key = match self.sample_rows {
            Some(n) => format!("{key}|sample {n}"),
            None => key,
        };
        let key = match &self.rows {
            Some(r) => format!("{key}|rows {}..{}", r.start, r.end),
            None => key,
        };
        match &self.read_cells {
            Some(cells) => {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                cells.hash(&mut h);
                format!("{key}|cells {} {:x}", cells.len(), h.finish())
            }
            None => key,
        }
    }

    /// The filter as it applies to a catalog whose columns play `roles`: an optional
    /// redshift range is dropped when the catalog has no redshift.
    pub fn filter_for(&self, roles: &Roles) -> Pushdown {
        if self.redshift_optional && roles.z.is_none() {
            Pushdown {
                z_min: None,
                z_max: None,
                ..self.filter.clone()
            }
        } else {
            self.filter.clone()
        }
    }
}

/// Filters need the columns they filter on (`f`: [`LoadOptions::filter_for`] the roles).
pub fn check_filter_roles(
    path: &Path,
    roles: &Roles,
    f: &Pushdown,
    names: &[String],
) -> Result<()> {
    if f.snr_min.is_some() && roles.snr.is_none() {
        return Err(Error::file(
            path,
            format!(
                "an SNR filter needs an SNR column (name one with --snr); columns: {}",
                names.join(", ")
            ),
        ));
    }
    if (f.z_min.is_some() || f.z_max.is_some()) && roles.z.is_none() {
        return Err(Error::file(
            path,
            format!(
                "a redshift filter needs a redshift column (name one with --z); columns: {}",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}
