//! Turning the command line's input files into a [`Survey`].

use crate::cli::args::{ColumnArgs, RenderArgs};
use crate::cli::config::ColumnConfig;
use crate::data::cache::DiskCache;
use crate::data::catalog_fits::{LoadOptions, LoadReport, Pushdown, read_catalog};
use crate::data::fits_table::HduSelect;
use crate::data::healpix_fits::read_healpix_map;
use crate::data::inputs::{algorithm_of, expand_paths, read_stacked};
use crate::data::progress::Progress;
use crate::data::roles::RoleNames;
use crate::data::tiles_fits::read_tiles;
use crate::data::{Catalog, Survey};
use crate::error::{Error, Result};

/// `--hdu` (or the column file's) as an HDU choice: a number or an EXTNAME.
pub fn hdu_select(hdu: Option<&String>) -> Option<HduSelect> {
    hdu.map(|h| match h.parse::<usize>() {
        Ok(i) => HduSelect::Index(i),
        Err(_) => HduSelect::Name(h.clone()),
    })
}

/// Column roles and HDUs for (clusters, galaxies): the flags, else the `--config` file.
pub fn column_choices(c: &ColumnArgs) -> Result<[(RoleNames, Option<HduSelect>); 2]> {
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

fn report(what: &str, r: &LoadReport) {
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

/// The disk cache the flags ask for: `--cache-dir`, else the default folder; none with
/// `--no-cache`.
pub fn disk_cache(c: &ColumnArgs) -> Option<DiskCache> {
    if c.no_cache {
        return None;
    }
    let mut cache = DiskCache::new(c.cache_dir.clone().or_else(DiskCache::default_dir)?);
    if let Some(mb) = c.memory_budget {
        cache.memory_budget = mb << 20;
    }
    Some(cache)
}

/// Adds the files named on the command line to `survey` (replacing demo parts), telling
/// `progress` how catalog reads advance.
pub fn load_files(
    a: &RenderArgs,
    survey: &mut Survey,
    progress: Option<Progress>,
) -> Result<Vec<String>> {
    let mut sources = Vec::new();
    let c = &a.columns;
    let [(cluster_roles, cluster_hdu), (galaxy_roles, galaxy_hdu)] = column_choices(c)?;
    let area = Pushdown {
        cone: c.cone,
        sky_box: c.sky_box,
        ..Default::default()
    };
    if !a.clusters.is_empty() {
        let opts = LoadOptions {
            hdu: cluster_hdu,
            roles: cluster_roles,
            filter: Pushdown {
                snr_min: a.style.snr_min.map(f64::from),
                z_min: a.style.z_min.map(f64::from),
                z_max: a.style.z_max.map(f64::from),
                ..area.clone()
            },
            progress: progress.clone(),
            verbatim: false,
            cache: disk_cache(c),
        };
        let files = expand_paths(&a.clusters)?;
        let mut unassigned: Vec<(std::path::PathBuf, Catalog)> = Vec::new();
        for path in &files {
            let alg = algorithm_of(path);
            let (cat, r) = read_catalog(path, alg.unwrap_or("merged"), &opts)?;
            report(&path.display().to_string(), &r);
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
                .is_some_and(|m| m.name == "merged" && !a.demo)
            {
                return Err(Error::file(
                    &path,
                    "cannot tell which detection algorithm it holds: put pzwav, amico or merged in its name",
                ));
            }
            survey.merged = Some(cat);
        }
    }
    if !a.galaxy_files.is_empty() {
        let files = expand_paths(&a.galaxy_files)?;
        let opts = LoadOptions {
            hdu: galaxy_hdu,
            roles: galaxy_roles,
            filter: area,
            progress: progress.clone(),
            verbatim: false,
            cache: disk_cache(c),
        };
        let t0 = std::time::Instant::now();
        let (cat, r) = read_stacked(&files, "galaxies", &opts)?;
        report(
            &format!(
                "galaxies ({} files, {:.2} s)",
                files.len(),
                t0.elapsed().as_secs_f64()
            ),
            &r,
        );
        sources.push(format!("{} galaxy files", files.len()));
        survey.galaxies = Some(cat);
    }
    if let Some(path) = &a.tiles {
        survey.tiles = Some(read_tiles(path)?);
        sources.push(path.display().to_string());
    }
    if let Some(path) = &a.mask {
        let map = read_healpix_map(path, a.mask_column.as_deref())?;
        report!(
            "{}: {} cells at nside {} ({}, column {})",
            path.display(),
            map.cells.len(),
            map.nside(),
            map.frame.name(),
            map.value_name
        );
        survey.mask = Some(map);
        sources.push(path.display().to_string());
    }
    Ok(sources)
}
