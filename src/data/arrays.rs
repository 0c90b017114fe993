//! Catalogs and maps handed over in memory (the Python package's NumPy arrays, astropy
//! tables, DataFrames): roles recognised, units honoured and rows checked as the file
//! readers do, and the columns read in place where nothing in them needs changing.

use crate::data::catalog_builder::{CatalogBuilder, WantedColumn, all_valid};
use crate::data::load::{ColumnChoices, column_choices, report_load, warn_without_redshift};
use crate::data::load_options::{LoadOptions, Pushdown};
use crate::data::load_report::LoadReport;
use crate::data::read_bounds::ReadBounds;
use crate::data::roles::resolve_roles;
use crate::data::units::{Axis, degrees_per_unit};
use crate::data::{Catalog, Column, HealpixMap, Survey};
use crate::error::{Error, Result};

/// A table of columns already in memory.
#[derive(Clone, Debug, Default)]
pub struct ArrayTable {
    /// How messages name the table, e.g. "clusters (astropy Table)".
    pub label: String,
    /// The numeric columns, all of one length.
    pub columns: Vec<Column>,
    /// Each column's UCD where the table carries one, else empty (or shorter).
    pub ucds: Vec<String>,
    /// Columns that are not numbers, with what they hold (e.g. `("NAME", "str")`): left
    /// out, and named if a role points at one.
    pub skipped: Vec<(String, String)>,
}

/// What a front end hands over in memory besides the files of a scene.
#[derive(Clone, Debug, Default)]
pub struct ArrayInputs {
    /// Cluster catalogs with their algorithm ("merged", "pzwav" or "amico").
    pub clusters: Vec<(String, ArrayTable)>,
    pub galaxies: Option<ArrayTable>,
    pub mask: Option<HealpixMap>,
}

impl ArrayInputs {
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty() && self.galaxies.is_none() && self.mask.is_none()
    }
}

/// `table` as the catalog `name`, read with `opts`' roles and filters. Columns are
/// taken as they are (no copy) when RA and Dec are in degrees, every row has valid
/// coordinates and no filter applies; otherwise the rows are built as a file's are.
pub fn catalog_from_arrays(
    name: &str,
    table: ArrayTable,
    opts: &LoadOptions,
) -> Result<(Catalog, LoadReport)> {
    let label = table.label.clone();
    let bad = |msg: String| Error::user(format!("{label}: {msg}"));
    let Some(first) = table.columns.first() else {
        return Err(bad(if table.skipped.is_empty() {
            "has no columns".to_string()
        } else {
            format!("has no numeric columns ({})", describe(&table.skipped))
        }));
    };
    let n = first.data.len();
    if let Some(other) = table.columns.iter().find(|c| c.data.len() != n) {
        return Err(bad(format!(
            "columns differ in length: {} has {n} rows, {} has {}",
            first.name,
            other.name,
            other.data.len()
        )));
    }
    let mut names: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    names.extend(table.skipped.iter().map(|(n, _)| n.clone()));
    let mut ucds = table.ucds.clone();
    ucds.resize(names.len(), String::new());
    let roles = resolve_roles(&names, &ucds, &opts.roles).map_err(bad)?;
    for role in roles.numeric() {
        if let Some((col, what)) = table.skipped.iter().find(|(c, _)| c == role) {
            return Err(bad(format!(
                "column {col} holds {what}, not numbers; coordinates, redshifts and SNRs must be numeric"
            )));
        }
    }
    if n == 0 {
        return Err(bad("has no rows".to_string()));
    }
    // RA and Dec first, as the builder wants them.
    let mut columns = table.columns;
    for (k, role) in [&roles.ra, &roles.dec].into_iter().enumerate() {
        let at = columns
            .iter()
            .position(|c| &c.name == role)
            .expect("resolved among them");
        let c = columns.remove(at);
        columns.insert(k, c);
    }
    let factor = |k: usize, axis| {
        degrees_per_unit(&columns[k].unit, axis)
            .map_err(|m| bad(format!("column {}: {m}", columns[k].name)))
    };
    let in_degrees = factor(0, Axis::Longitude)? == 1.0 && factor(1, Axis::Latitude)? == 1.0;
    let (catalog, mut report) = if in_degrees
        && opts.filter == Pushdown::default()
        && all_valid(&columns[0].data, &columns[1].data)
    {
        let report = LoadReport {
            rows_in_file: n as u64,
            kept: n as u64,
            ..LoadReport::default()
        };
        let catalog = Catalog {
            name: name.to_string(),
            columns,
            roles,
            cache_tag: Default::default(),
        };
        (catalog, report)
    } else {
        let wanted = columns
            .iter()
            .map(|c| WantedColumn {
                name: c.name.clone(),
                unit: c.unit.clone(),
                storage: c.storage(),
            })
            .collect();
        let mut builder = CatalogBuilder::new(name, roles, wanted, opts, n as u64).map_err(bad)?;
        let data: Vec<_> = columns.into_iter().map(|c| c.data).collect();
        builder.push_block(&data);
        builder.finish()
    };
    if report.kept == 0 && report.invalid_coordinates > 0 {
        return Err(bad(format!(
            "none of its {n} rows has valid coordinates (NaN, infinite, or |Dec| > 90)"
        )));
    }
    report.skipped_columns = table
        .skipped
        .iter()
        .map(|(c, what)| format!("{c} ({what})"))
        .collect();
    Ok((catalog, report))
}

fn describe(skipped: &[(String, String)]) -> String {
    skipped
        .iter()
        .map(|(c, what)| format!("{c}: {what}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds `arrays` to `survey` (after its files): clusters and galaxies within `bounds`'
/// filters and the area. A part that a file already gave is an error; one the
/// demo gave is replaced, as files replace it. Returns what was added, for the source.
pub fn add_arrays(
    survey: &mut Survey,
    arrays: ArrayInputs,
    choices: &ColumnChoices,
    bounds: ReadBounds,
    demo: bool,
) -> Result<Vec<String>> {
    let [(cluster_roles, _), (galaxy_roles, _)] = column_choices(choices)?;
    let area = choices.area();
    let mut sources = Vec::new();
    let taken = |slot: &Option<Catalog>, what: &str, label: &str| {
        if slot.is_some() && !demo {
            Err(Error::user(format!(
                "{label}: the {what} were given twice (as a file and in memory)"
            )))
        } else {
            Ok(())
        }
    };
    for (algorithm, table) in arrays.clusters {
        let opts = LoadOptions {
            roles: cluster_roles.clone(),
            filter: Pushdown {
                snr_min: bounds.snr_min,
                z_min: bounds.z_min,
                z_max: bounds.z_max,
                ..area.clone()
            },
            ..LoadOptions::default()
        };
        let slot = match algorithm.as_str() {
            "merged" => &mut survey.merged,
            "pzwav" => &mut survey.pzwav,
            "amico" => &mut survey.amico,
            other => {
                return Err(Error::user(format!(
                    "{}: unknown detection algorithm '{other}' (merged, pzwav or amico)",
                    table.label
                )));
            }
        };
        taken(slot, &format!("{algorithm} clusters"), &table.label)?;
        let label = table.label.clone();
        let (cat, r) = catalog_from_arrays(&algorithm, table, &opts)?;
        report_load(&label, &r);
        *slot = Some(cat);
        sources.push(label);
    }
    if let Some(table) = arrays.galaxies {
        taken(&survey.galaxies, "galaxies", &table.label)?;
        let opts = LoadOptions {
            roles: galaxy_roles,
            filter: Pushdown {
                z_min: bounds.galaxy_z_min,
                z_max: bounds.galaxy_z_max,
                ..area
            },
            redshift_optional: true,
            ..LoadOptions::default()
        };
        let label = table.label.clone();
        let (cat, r) = catalog_from_arrays("galaxies", table, &opts)?;
        report_load(&label, &r);
        warn_without_redshift(&cat, &opts.filter, &label);
        survey.galaxies = Some(cat);
        survey.galaxy_counts = None;
        sources.push(label);
    }
    if let Some(map) = arrays.mask {
        if survey.mask.is_some() && !demo {
            return Err(Error::user(
                "the mask was given twice (as a file and in memory)",
            ));
        }
        sources.push(format!("a HEALPix map in memory (NSIDE {})", map.nside()));
        survey.mask = Some(map.into());
    }
    Ok(sources)
}
