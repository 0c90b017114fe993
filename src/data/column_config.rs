//! A column-role file (`--config FILE`, TOML), for catalogs whose names are not
//! recognised, so the flags need not be repeated:
//!
//! ```toml
//! [clusters]
//! ra = "RA_DEG"
//! dec = "DEC_DEG"
//! z = "ZB"
//! snr = "SN"
//! id = "CLUSTER_ID"
//! hdu = "CLUSTERS"
//!
//! [galaxies]
//! ra = "ALPHA"
//! dec = "DELTA"
//! z = "PHOTO_Z"
//! ```
//! Flags given on the command line win over the file.

use std::path::Path;

use serde::Deserialize;

use crate::data::roles::RoleNames;
use crate::error::{Error, Result};

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatalogColumns {
    pub ra: Option<String>,
    pub dec: Option<String>,
    pub z: Option<String>,
    pub snr: Option<String>,
    pub id: Option<String>,
    pub hdu: Option<String>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ColumnConfig {
    #[serde(default)]
    pub clusters: CatalogColumns,
    #[serde(default)]
    pub galaxies: CatalogColumns,
}

impl ColumnConfig {
    pub fn read(path: &Path) -> Result<ColumnConfig> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
        toml::from_str(&text)
            .map_err(|e| Error::file(path, format!("not a valid column file: {e}")))
    }
}

impl CatalogColumns {
    /// These roles, each replaced by the flag where one was given.
    pub fn merged_with(&self, flags: &RoleNames) -> RoleNames {
        let pick =
            |flag: &Option<String>, file: &Option<String>| flag.clone().or_else(|| file.clone());
        RoleNames {
            ra: pick(&flags.ra, &self.ra),
            dec: pick(&flags.dec, &self.dec),
            z: pick(&flags.z, &self.z),
            snr: pick(&flags.snr, &self.snr),
            id: pick(&flags.id, &self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_merges_with_flags() {
        let c: ColumnConfig =
            toml::from_str("[clusters]\nra = \"A\"\nz = \"ZB\"\n[galaxies]\ndec = \"D\"\n")
                .unwrap();
        let flags = RoleNames {
            ra: Some("FLAG_RA".into()),
            ..Default::default()
        };
        let r = c.clusters.merged_with(&flags);
        assert_eq!(
            (r.ra.as_deref(), r.z.as_deref()),
            (Some("FLAG_RA"), Some("ZB"))
        );
        assert_eq!(c.galaxies.dec.as_deref(), Some("D"));
        let e = toml::from_str::<ColumnConfig>("[clusters]\nrah = \"A\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("rah"), "{e}");
    }
}
