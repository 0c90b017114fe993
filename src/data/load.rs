//! A survey's input files, as plain data ([`SurveyInputs`]), and their loading into a
//! [`Survey`]: every front end (command line, figure and wall files, the viewer's
//! loader) reads its files here.

use std::path::PathBuf;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::data::cache::DiskCache;
use crate::data::catalog_reader::read_catalog;
use crate::data::column_config::ColumnConfig;
use crate::data::demo::{DemoConfig, DemoSurvey};
use crate::data::fits_table::HduSelect;
use crate::data::hats::{is_hats, read_hats};
use crate::data::healpix_fits::read_healpix_map;
use crate::data::inputs::{algorithm_of, expand_paths, read_stacked};
use crate::data::load_options::{LoadOptions, Pushdown};
use crate::data::load_report::LoadReport;
use crate::data::progress::Progress;
use crate::data::read_bounds::{ReadBounds, memory_budget_bytes};
use crate::data::roles::RoleNames;
use crate::data::survey::GalaxySource;
use crate::data::tiles_fits::read_tiles;
use crate::data::{Catalog, Survey};
use crate::error::{Error, Result};

/// What to read: the demo survey and/or files (files replace the demo's parts).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SurveyInputs {
    pub demo: Option<DemoConfig>,
    /// Cluster catalogs, one per algorithm and/or merged (files, globs or folders).
    pub clusters: Vec<PathBuf>,
    /// Galaxy catalogs (files, globs or folders), read as one catalog.
    pub galaxies: Vec<PathBuf>,
    pub tiles: Option<PathBuf>,
    pub mask: Option<PathBuf>,
    /// The map's value column (default: the first that is not the pixel index).
    pub mask_column: Option<String>,
    pub columns: ColumnChoices,
}

/// Which columns play which role, which HDU holds the table, which rows are read, and
/// the cache's place and size.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColumnChoices {
    /// A TOML file naming columns and HDUs for `[clusters]` and `[galaxies]`.
    pub config: Option<PathBuf>,
    pub ra: Option<String>,
    pub dec: Option<String>,
    pub z: Option<String>,
    pub snr: Option<String>,
    pub id: Option<String>,
    pub galaxy_ra: Option<String>,
    pub galaxy_dec: Option<String>,
    pub galaxy_z: Option<String>,
    /// A number (1 = first extension) or an EXTNAME.
    pub hdu: Option<String>,
    pub cache_dir: Option<PathBuf>,
    pub no_cache: bool,
    /// Megabytes of loaded catalogs kept in memory for reuse.
    pub memory_budget: Option<u64>,
    /// (RA, Dec, radius) in degrees.
    pub cone: Option<(f64, f64, f64)>,
    /// (RA min, RA max, Dec min, Dec max) in degrees.
    pub sky_box: Option<(f64, f64, f64, f64)>,
}

impl ColumnChoices {
    /// The area `--cone` and `--box` cut out, as a read's filter (none: the whole sky).
    pub fn area(&self) -> Pushdown {
        Pushdown {
            cone: self.cone,
            sky_box: self.sky_box,
            ..Default::default()
        }
    }
}

impl SurveyInputs {
    /// Whether any file is named.
    pub fn has_files(&self) -> bool {
        !self.clusters.is_empty()
            || !self.galaxies.is_empty()
            || self.tiles.is_some()
            || self.mask.is_some()
    }

    /// Whether there is anything to load at all.
    pub fn is_empty(&self) -> bool {
        self.demo.is_none() && !self.has_files()
    }

    /// These inputs with their globs and folders expanded into the files the loader will
    /// read; loading them reads the same files (expanding again changes nothing), so a
    /// front end can look at the files (checksums) while the loader reads them.
    pub fn expanded(&self) -> Result<SurveyInputs> {
        Ok(SurveyInputs {
            clusters: expand_paths(&self.clusters)?,
            galaxies: expand_paths(&self.galaxies)?,
            ..self.clone()
        })
    }

    /// Every file named, globs and folders expanded as the loader reads them.
    pub fn files(&self) -> Result<Vec<PathBuf>> {
        let mut files = expand_paths(&self.clusters)?;
        files.extend(self.tiles.iter().cloned());
        files.extend(self.mask.iter().cloned());
        if !self.galaxies.is_empty() {
            files.extend(expand_paths(&self.galaxies)?);
        }
        Ok(files)
    }

    /// These inputs without their galaxies, or with nothing but them.
    pub fn split_galaxies(&self) -> (SurveyInputs, SurveyInputs) {
        let rest = SurveyInputs {
            galaxies: Vec::new(),
            ..self.clone()
        };
        let galaxies = SurveyInputs {
            demo: None,
            galaxies: self.galaxies.clone(),
            columns: self.columns.clone(),
            ..SurveyInputs::default()
        };
        (rest, galaxies)
    }
}

/// An HDU choice: a number or an EXTNAME.
pub fn hdu_select(hdu: Option<&String>) -> Option<HduSelect> {
    hdu.map(|h| match h.parse::<usize>() {
        Ok(i) => HduSelect::Index(i),
        Err(_) => HduSelect::Name(h.clone()),
    })
}

/// Column roles and HDUs for (clusters, galaxies): those named, else the column file's.
pub fn column_choices(c: &ColumnChoices) -> Result<[(RoleNames, Option<HduSelect>); 2]> {
    let file = match &c.config {
        Some(path) => ColumnConfig::read(path)?,
        None => ColumnConfig::default(),
    };
    let clusters = file.clusters.merged_with(&RoleNames {
        ra: c.ra.clone(),
        dec: c.dec.clone(),
        z: c.z.clone(),
        snr: c.snr.clone(),
        id: c.id.clone(),
    });
    let galaxies = file.galaxies.merged_with(&RoleNames {
        ra: c.galaxy_ra.clone(),
        dec: c.galaxy_dec.clone(),
        z: c.galaxy_z.clone(),
        ..Default::default()
    });
    Ok([
        (
            clusters,
            hdu_select(c.hdu.as_ref().or(file.clusters.hdu.as_ref())),
        ),
        (
            galaxies,
            hdu_select(c.hdu.as_ref().or(file.galaxies.hdu.as_ref())),
        ),
    ])
}

/// Says when a redshift range could not keep galaxies out: they have no redshift.
pub(crate) fn warn_without_redshift(galaxies: &Catalog, filter: &Pushdown, what: &str) {
    if (filter.z_min.is_some() || filter.z_max.is_some()) && galaxies.roles.z.is_none() {
        report!(
            "warning: {what}: no redshift column (name one with --galaxy-z), so the redshift range keeps none of them out"
        );
    }
}

/// The load's rows kept and dropped, and a warning for invalid coordinates.
pub(crate) fn report_load(what: &str, r: &LoadReport) {
    let mut msg = format!("{what}: {} of {} rows", r.kept, r.rows_in_file);
    if r.filtered_out > 0 {
        msg += &format!(", {} left out by the filters", r.filtered_out);
    }
    report!("{msg}");
    if r.invalid_coordinates > 0 {
        report!(
            "warning: {what}: {} rows with NaN, infinite or out-of-range coordinates were dropped",
            r.invalid_coordinates
        );
    }
}

/// The disk cache asked for: its folder, else the default one; none with `no_cache`.
pub fn disk_cache(c: &ColumnChoices) -> Option<DiskCache> {
    if c.no_cache {
        return None;
    }
    let mut cache = DiskCache::new(c.cache_dir.clone().or_else(DiskCache::default_dir)?);
    if c.memory_budget.is_some() {
        cache.memory_budget = memory_budget_bytes(c.memory_budget);
    }
    Some(cache)
}

/// The demo survey (if asked for) and the files of `inputs`, the clusters read within
/// `bounds`; `survey.source` names what was read.
pub fn load_survey(
    inputs: &SurveyInputs,
    bounds: ReadBounds,
    progress: Option<Progress>,
) -> Result<Survey> {
    if inputs.is_empty() {
        return Err(Error::user(
            "nothing to draw: give --demo, or files with --clusters, --galaxies, --tiles, --mask",
        ));
    }
    let t0 = Instant::now();
    let mut survey = match inputs.demo {
        Some(config) => Survey::from(DemoSurvey::generate(config)),
        None => Survey::default(),
    };
    let mut sources = vec![survey.source.clone()];
    sources.extend(load_files(inputs, bounds, &mut survey, progress)?);
    survey.source = sources
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    report!("loaded in {:.2} s", t0.elapsed().as_secs_f64());
    Ok(survey)
}

/// Adds the files of `inputs` to `survey` (replacing demo parts), telling `progress` how
/// catalog reads advance; returns what was read, for the survey's source.
pub fn load_files(
    inputs: &SurveyInputs,
    bounds: ReadBounds,
    survey: &mut Survey,
    progress: Option<Progress>,
) -> Result<Vec<String>> {
    let mut sources = Vec::new();
    let c = &inputs.columns;
    let [(cluster_roles, cluster_hdu), (galaxy_roles, galaxy_hdu)] = column_choices(c)?;
    let area = c.area();
    if !inputs.clusters.is_empty() {
        let opts = LoadOptions {
            hdu: cluster_hdu,
            roles: cluster_roles,
            filter: Pushdown {
                snr_min: bounds.snr_min,
                z_min: bounds.z_min,
                z_max: bounds.z_max,
                ..area.clone()
            },
            progress: progress.clone(),
            verbatim: false,
            cache: disk_cache(c),
            sample_rows: None,
            rows: None,
            redshift_optional: false,
            read_cells: None,
        };
        let files = expand_paths(&inputs.clusters)?;
        let mut unassigned: Vec<(PathBuf, Catalog)> = Vec::new();
        for path in &files {
            let alg = algorithm_of(path);
            let (cat, r) = read_catalog(path, alg.unwrap_or("merged"), &opts)?;
            report_load(&path.display().to_string(), &r);
            sources.push(path.display().to_string());
            let slot = match alg {
                Some("pzwav") => &mut survey.pzwav,
                Some("amico") => &mut survey.amico,
                Some(_) => &mut survey.merged,
                None => {
                    unassigned.push((path.clone(), cat));
                    continue;
                }
            };
            *slot = Some(cat);
        }
        // A file whose name names no algorithm is the merged catalog, if that is free.
        for (path, cat) in unassigned {
            if survey
                .merged
                .as_ref()
                .is_some_and(|m| m.name == "merged" && inputs.demo.is_none())
            {
                return Err(Error::file(
                    &path,
                    "cannot tell which detection algorithm it holds: put pzwav, amico or merged in its name",
                ));
            }
            survey.merged = Some(cat);
        }
    }
    if !inputs.galaxies.is_empty() {
        let files = expand_paths(&inputs.galaxies)?;
        let opts = LoadOptions {
            hdu: galaxy_hdu,
            roles: galaxy_roles,
            filter: Pushdown {
                z_min: bounds.galaxy_z_min,
                z_max: bounds.galaxy_z_max,
                ..area
            },
            progress: progress.clone(),
            verbatim: false,
            cache: disk_cache(c),
            sample_rows: Some(bounds.galaxy_sample(c.memory_budget)),
            rows: None,
            redshift_optional: true,
            read_cells: None,
        };
        if let Some(hats) = files.iter().find(|f| is_hats(f)) {
            let opts = LoadOptions {
                filter: Pushdown {
                    cone: c.cone.or(bounds.galaxy_cone),
                    ..opts.filter.clone()
                },
                ..opts.clone()
            };
            if files.len() > 1 {
                return Err(Error::file(
                    hats,
                    "is a HATS catalog: give it as the only --galaxies input",
                ));
            }
            let t0 = Instant::now();
            let read = read_hats(hats, "galaxies", &opts)?;
            let sample = match (read.density_only, read.stride) {
                (Some(d), _) => format!(", {}", d.reason()),
                (None, 1) => String::new(),
                (None, k) if read.counts.is_some() => {
                    format!(", 1 row in {k} (the density counts all)")
                }
                // A redshift filter: the skymap would count every redshift.
                (None, k) => format!(", 1 row in {k} (the density is the sample's)"),
            };
            report_load(
                &format!(
                    "galaxies (HATS, {} of {} partitions in the area{sample}, {:.2} s)",
                    read.partitions_read,
                    read.partitions,
                    t0.elapsed().as_secs_f64()
                ),
                &read.report,
            );
            sources.push(hats.display().to_string());
            warn_without_redshift(&read.catalog, &opts.filter, "galaxies");
            survey.galaxy_source = GalaxySource::of_read(hats, &opts, &read);
            survey.galaxies = Some(read.catalog);
            survey.galaxy_counts = read.counts;
            return load_rest(inputs, survey, sources);
        }
        let t0 = Instant::now();
        let (cat, r) = read_stacked(&files, "galaxies", &opts)?;
        report_load(
            &format!(
                "galaxies ({} files, {:.2} s)",
                files.len(),
                t0.elapsed().as_secs_f64()
            ),
            &r,
        );
        sources.push(format!("{} galaxy files", files.len()));
        warn_without_redshift(&cat, &opts.filter, "galaxies");
        survey.galaxies = Some(cat);
    }
    load_rest(inputs, survey, sources)
}

/// The tiles and the mask of `inputs`, after the catalogs.
fn load_rest(
    inputs: &SurveyInputs,
    survey: &mut Survey,
    mut sources: Vec<String>,
) -> Result<Vec<String>> {
    if let Some(path) = &inputs.tiles {
        survey.tiles = Some(read_tiles(path)?);
        sources.push(path.display().to_string());
    }
    if let Some(path) = &inputs.mask {
        let map = read_healpix_map(path, inputs.mask_column.as_deref())?;
        report!(
            "{}: {} cells at nside {} ({}, column {})",
            path.display(),
            map.cells.len(),
            map.nside(),
            map.frame.name(),
            map.value_name
        );
        survey.mask = Some(map.into());
        sources.push(path.display().to_string());
    }
    Ok(sources)
}
