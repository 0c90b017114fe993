//! What a style asks of a loaded survey before it is drawn, done and checked in one place
//! for figures, the viewer and walls.

use std::sync::atomic::{AtomicBool, Ordering};

use glam::DVec3;

use crate::data::hats::visit_partitions_near;
use crate::data::survey::GalaxySource;
use crate::data::{Catalog, Column, ColumnData, Survey};
use crate::error::{Error, Result};
use crate::scene::layers::NEAR_GALAXIES;
use crate::scene::style::SceneStyle;
use crate::view::index::{SkyIndex, near_any};

/// For each of `places`, whether a galaxy of the out-of-core catalog `source` lies
/// within `radius_deg`: every row of the partitions near the places is looked at.
fn near_in_catalog(source: &GalaxySource, places: &[DVec3], radius_deg: f64) -> Result<Vec<bool>> {
    let t0 = std::time::Instant::now();
    let marks: Vec<AtomicBool> = places.iter().map(|_| AtomicBool::new(false)).collect();
    let (read, all) = visit_partitions_near(
        &source.path,
        &source.opts,
        places,
        radius_deg,
        |galaxies, near| -> Result<()> {
            let index = SkyIndex::build(galaxies.directions())?;
            let queries: Vec<DVec3> = near.iter().map(|&k| places[k]).collect();
            for (&k, hit) in near.iter().zip(near_any(&index, &queries, radius_deg)) {
                if hit {
                    marks[k].store(true, Ordering::Relaxed);
                }
            }
            Ok(())
        },
    )?;
    report!(
        "proximity: every galaxy of the {read} of {all} partitions near the clusters looked at ({:.2} s)",
        t0.elapsed().as_secs_f64()
    );
    Ok(marks.into_iter().map(AtomicBool::into_inner).collect())
}

/// The proximity marks (NEAR_GALAXIES), and a density column that the galaxies must have.
pub fn prepare_survey(survey: &mut Survey, style: &SceneStyle) -> Result<()> {
    if let Some(r) = style.proximity {
        mark_proximity(survey, r)?;
    }
    if let Some(col) = &style.density_column {
        let Some(galaxies) = &survey.galaxies else {
            return Err(Error::user(format!(
                "--density-column {col} needs galaxies (--galaxies or --demo)"
            )));
        };
        if galaxies.column(col).is_none() {
            let names: Vec<&str> = galaxies.columns.iter().map(|c| c.name.as_str()).collect();
            return Err(Error::user(format!(
                "--density-column: the galaxies have no column '{col}' to average (columns: {})",
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// The seed app's proximity feature: adds NEAR_GALAXIES (1 or 0) to every cluster
/// catalog, from a k-d tree of the galaxies, in O((N + M) log M). Galaxies sampled from
/// an out-of-core catalog are not enough: every galaxy of the partitions near the
/// clusters is read for it, a few partitions at a time.
pub fn mark_proximity(survey: &mut Survey, radius_arcmin: f64) -> Result<()> {
    let Some(galaxies) = &survey.galaxies else {
        return Err(Error::user(
            "--proximity needs galaxies (--galaxies or --demo)",
        ));
    };
    let radius_deg = radius_arcmin / 60.0;
    let catalogs = [&mut survey.merged, &mut survey.pzwav, &mut survey.amico];
    let mut catalogs: Vec<&mut Catalog> = catalogs.into_iter().flatten().collect();
    let clusters: Vec<Vec<DVec3>> = catalogs.iter().map(|c| c.directions()).collect();
    let marks: Vec<Vec<bool>> = match &survey.galaxy_source {
        Some(source) => {
            let all: Vec<DVec3> = clusters.concat();
            let near = near_in_catalog(source, &all, radius_deg)?;
            let mut rest = near.as_slice();
            clusters
                .iter()
                .map(|c| {
                    let (mine, others) = rest.split_at(c.len());
                    rest = others;
                    mine.to_vec()
                })
                .collect()
        }
        None => {
            let index = SkyIndex::cached(galaxies.directions(), &galaxies.cache_tag)?;
            clusters
                .iter()
                .map(|c| near_any(&index, c, radius_deg))
                .collect()
        }
    };
    for (cat, near) in catalogs.iter_mut().zip(marks) {
        cat.columns.retain(|c| c.name != NEAR_GALAXIES);
        cat.columns.push(Column::new(
            NEAR_GALAXIES,
            "",
            ColumnData::I16(near.iter().map(|&b| b as i16).collect()),
        ));
    }
    Ok(())
}
