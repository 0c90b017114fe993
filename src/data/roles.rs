//! Which column plays which role (RA, Dec, redshift, SNR, ID), recognised from the names
//! surveys use, case-insensitively; the user can name them instead.

use crate::data::catalog::Roles;

/// Names tried for each role, in order of preference.
pub const RA_NAMES: &[&str] = &[
    "RA_CLUSTER",
    "RA",
    "RAJ2000",
    "RA_ICRS",
    "RADEG",
    "RA_DEG",
    "ALPHA_J2000",
    "ALPHAWIN_J2000",
    "RIGHT_ASCENSION",
    "RAJ2000_DEG",
];
pub const DEC_NAMES: &[&str] = &[
    "DEC_CLUSTER",
    "DEC",
    "DEJ2000",
    "DECJ2000",
    "DE_ICRS",
    "DECDEG",
    "DEC_DEG",
    "DELTA_J2000",
    "DELTAWIN_J2000",
    "DECLINATION",
];
pub const Z_NAMES: &[&str] = &[
    "Z_CLUSTER",
    "Z",
    "REDSHIFT",
    "Z_PHOT",
    "ZPHOT",
    "PHOTOZ",
    "PHZ_MEDIAN",
    "Z_BEST",
    "Z_SPEC",
    "ZSPEC",
    "Z_LAMBDA",
];
pub const SNR_NAMES: &[&str] = &[
    "SNR_CLUSTER",
    "SNR",
    "S_N",
    "S/N",
    "SN",
    "SIGNAL_TO_NOISE",
    "DET_SNR",
];
pub const ID_NAMES: &[&str] = &[
    "ID",
    "ID_CLUSTER",
    "ID_UNIQUE",
    "OBJECT_ID",
    "OBJID",
    "SOURCE_ID",
    "ID_DET",
];

/// Roles the user named explicitly (`--ra COL` ...).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoleNames {
    pub ra: Option<String>,
    pub dec: Option<String>,
    pub z: Option<String>,
    pub snr: Option<String>,
    pub id: Option<String>,
}

fn find(
    columns: &[String],
    wanted: &Option<String>,
    aliases: &[&str],
) -> Result<Option<String>, String> {
    if let Some(w) = wanted {
        return columns
            .iter()
            .find(|c| c.eq_ignore_ascii_case(w))
            .cloned()
            .map(Some)
            .ok_or_else(|| format!("has no column {w}"));
    }
    Ok(aliases
        .iter()
        .find_map(|a| columns.iter().find(|c| c.eq_ignore_ascii_case(a)))
        .cloned())
}

/// The roles among `columns`. RA and Dec are required; the error lists what exists.
pub fn resolve_roles(columns: &[String], names: &RoleNames) -> Result<Roles, String> {
    let listing = || format!("columns: {}", columns.join(", "));
    let ra = find(columns, &names.ra, RA_NAMES)
        .map_err(|e| format!("{e}; {}", listing()))?
        .ok_or_else(|| {
            format!(
                "no right-ascension column (tried {}; name one with --ra); {}",
                RA_NAMES.join(", "),
                listing()
            )
        })?;
    let dec = find(columns, &names.dec, DEC_NAMES)
        .map_err(|e| format!("{e}; {}", listing()))?
        .ok_or_else(|| {
            format!(
                "no declination column (tried {}; name one with --dec); {}",
                DEC_NAMES.join(", "),
                listing()
            )
        })?;
    let z = find(columns, &names.z, Z_NAMES).map_err(|e| format!("{e}; {}", listing()))?;
    let snr = find(columns, &names.snr, SNR_NAMES).map_err(|e| format!("{e}; {}", listing()))?;
    let id = find(columns, &names.id, ID_NAMES).map_err(|e| format!("{e}; {}", listing()))?;
    Ok(Roles {
        ra,
        dec,
        z,
        snr,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn recognises_common_names_case_insensitively() {
        let r = resolve_roles(
            &cols(&[
                "ra_cluster",
                "Dec_Cluster",
                "Z_CLUSTER",
                "snr_cluster",
                "ID",
            ]),
            &RoleNames::default(),
        )
        .unwrap();
        assert_eq!(
            (r.ra.as_str(), r.dec.as_str()),
            ("ra_cluster", "Dec_Cluster")
        );
        assert_eq!(r.z.as_deref(), Some("Z_CLUSTER"));
        let r = resolve_roles(
            &cols(&["ALPHA_J2000", "DELTA_J2000", "Z_PHOT"]),
            &RoleNames::default(),
        )
        .unwrap();
        assert_eq!(
            (r.ra.as_str(), r.z.as_deref(), r.snr),
            ("ALPHA_J2000", Some("Z_PHOT"), None)
        );
        let r =
            resolve_roles(&cols(&["RAJ2000", "DEJ2000", "S_N"]), &RoleNames::default()).unwrap();
        assert_eq!(r.snr.as_deref(), Some("S_N"));
    }

    #[test]
    fn overrides_and_errors() {
        let names = RoleNames {
            ra: Some("x".into()),
            dec: Some("Y".into()),
            ..Default::default()
        };
        let r = resolve_roles(&cols(&["X", "Y", "RA", "DEC"]), &names).unwrap();
        assert_eq!((r.ra.as_str(), r.dec.as_str()), ("X", "Y"));
        let e = resolve_roles(&cols(&["FOO", "BAR"]), &RoleNames::default()).unwrap_err();
        assert!(
            e.contains("no right-ascension column") && e.contains("columns: FOO, BAR"),
            "{e}"
        );
        let e = resolve_roles(
            &cols(&["RA", "DEC"]),
            &RoleNames {
                z: Some("ZZ".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.contains("has no column ZZ"), "{e}");
    }
}
