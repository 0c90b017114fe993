//! Which column plays which role (RA, Dec, redshift, SNR, ID), recognised from the names
//! surveys use, case-insensitively, else from the columns' UCDs (as VizieR, TAP services
//! and TOPCAT write them); the user can name them instead.

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

/// The column whose UCD's primary word (its first atom) is `word` or a narrower one
/// (`src.redshift.phot` for `src.redshift`), the one marked `meta.main` first: so the
/// position's RA is taken, not a proper motion in RA (`pos.pm;pos.eq.ra`).
fn find_by_ucd(columns: &[String], ucds: &[String], word: &str) -> Option<String> {
    let atoms = |u: &str| -> Vec<String> {
        u.split(';')
            .map(|a| a.trim().to_ascii_lowercase())
            .collect()
    };
    let fits = |u: &str| {
        let primary = atoms(u).into_iter().next().unwrap_or_default();
        primary == word || primary.starts_with(&format!("{word}."))
    };
    let candidates: Vec<(&String, &String)> =
        columns.iter().zip(ucds).filter(|(_, u)| fits(u)).collect();
    candidates
        .iter()
        .find(|(_, u)| atoms(u).iter().any(|a| a == "meta.main"))
        .or(candidates.first())
        .map(|(c, _)| (*c).clone())
}

/// The roles among `columns`, whose UCDs are `ucds` (empty where the format has none):
/// named by the user, else by a known name, else by UCD. RA and Dec are required; the
/// error lists what exists.
pub fn resolve_roles(
    columns: &[String],
    ucds: &[String],
    names: &RoleNames,
) -> Result<Roles, String> {
    let listing = || format!("columns: {}", columns.join(", "));
    let role = |wanted: &Option<String>, aliases: &[&str], ucd: &str| {
        find(columns, wanted, aliases)
            .map(|found| found.or_else(|| find_by_ucd(columns, ucds, ucd)))
            .map_err(|e| format!("{e}; {}", listing()))
    };
    let ra = role(&names.ra, RA_NAMES, "pos.eq.ra")?.ok_or_else(|| {
        format!(
            "no right-ascension column (tried {} and the UCD pos.eq.ra; name one with --ra); {}",
            RA_NAMES.join(", "),
            listing()
        )
    })?;
    let dec = role(&names.dec, DEC_NAMES, "pos.eq.dec")?.ok_or_else(|| {
        format!(
            "no declination column (tried {} and the UCD pos.eq.dec; name one with --dec); {}",
            DEC_NAMES.join(", "),
            listing()
        )
    })?;
    let z = role(&names.z, Z_NAMES, "src.redshift")?;
    let snr = role(&names.snr, SNR_NAMES, "stat.snr")?;
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
            &[],
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
            &[],
            &RoleNames::default(),
        )
        .unwrap();
        assert_eq!(
            (r.ra.as_str(), r.z.as_deref(), r.snr),
            ("ALPHA_J2000", Some("Z_PHOT"), None)
        );
        let r = resolve_roles(
            &cols(&["RAJ2000", "DEJ2000", "S_N"]),
            &[],
            &RoleNames::default(),
        )
        .unwrap();
        assert_eq!(r.snr.as_deref(), Some("S_N"));
    }

    #[test]
    fn overrides_and_errors() {
        let names = RoleNames {
            ra: Some("x".into()),
            dec: Some("Y".into()),
            ..Default::default()
        };
        let r = resolve_roles(&cols(&["X", "Y", "RA", "DEC"]), &[], &names).unwrap();
        assert_eq!((r.ra.as_str(), r.dec.as_str()), ("X", "Y"));
        let e = resolve_roles(&cols(&["FOO", "BAR"]), &[], &RoleNames::default()).unwrap_err();
        assert!(
            e.contains("no right-ascension column") && e.contains("columns: FOO, BAR"),
            "{e}"
        );
        let e = resolve_roles(
            &cols(&["RA", "DEC"]),
            &[],
            &RoleNames {
                z: Some("ZZ".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.contains("has no column ZZ"), "{e}");
    }

    #[test]
    fn ucds_name_roles_that_no_known_name_does() {
        let columns = cols(&["RA_B", "ALPHA", "DELTA", "RA_PM", "ZBEST", "SIGNIF"]);
        let ucds = cols(&[
            "pos.eq.ra",
            "pos.eq.ra;meta.main",
            "POS.EQ.DEC; meta.main",
            "pos.pm;pos.eq.ra",
            "src.redshift.phot",
            "stat.snr",
        ]);
        let r = resolve_roles(&columns, &ucds, &RoleNames::default()).unwrap();
        assert_eq!((r.ra.as_str(), r.dec.as_str()), ("ALPHA", "DELTA"));
        assert_eq!(
            (r.z.as_deref(), r.snr.as_deref()),
            (Some("ZBEST"), Some("SIGNIF"))
        );
        // A known name wins over a UCD; a proper motion is never a position.
        let r = resolve_roles(
            &cols(&["RA_PM", "RA", "DEC"]),
            &ucds[3..6],
            &RoleNames::default(),
        );
        assert_eq!(r.unwrap().ra, "RA");
        let e = resolve_roles(&cols(&["RA_PM", "DEC"]), &ucds[3..5], &RoleNames::default())
            .unwrap_err();
        assert!(e.contains("UCD pos.eq.ra"), "{e}");
    }
}
