//! What a style asks of a loaded survey before it is drawn, done and checked in one place
//! for figures, the viewer and walls.

use std::sync::atomic::AtomicBool;

use glam::DVec3;

use crate::data::hats::{MarginUse, visit_partitions_near};
use crate::data::survey::GalaxySource;
use crate::data::{Catalog, Column, ColumnData, Survey};
use crate::error::{Error, Result};
use crate::scene::layers::NEAR_GALAXIES;
use crate::scene::style::SceneStyle;
use crate::view::index::{SkyIndex, mark_items_near, near_any};

/// `n` marks, none set.
fn unmarked(n: usize) -> Vec<AtomicBool> {
    (0..n).map(|_| AtomicBool::new(false)).collect()
}

/// Marks each cluster of `clusters` (their tree) with a galaxy of `galaxies` within
/// `radius_deg`: the galaxies are streamed through the clusters' tree.
fn mark_clusters_near(
    clusters: &SkyIndex,
    galaxies: &Catalog,
    radius_deg: f64,
    marks: &[AtomicBool],
) {
    let rows = galaxies.role_view();
    mark_items_near(
        clusters,
        galaxies.len(),
        |i| rows.direction(i),
        radius_deg,
        marks,
    );
}

/// One catalog's marks after another's, cut back into one list per catalog.
fn split_marks(marks: Vec<AtomicBool>, clusters: &[Vec<DVec3>]) -> Vec<Vec<bool>> {
    let mut marks = marks.into_iter().map(AtomicBool::into_inner);
    clusters
        .iter()
        .map(|c| marks.by_ref().take(c.len()).collect())
        .collect()
}

/// For each of `places`, whether a galaxy of the out-of-core catalog `source` lies
/// within `radius_deg`: every row of the partitions near the places is looked at.
fn near_in_catalog(
    source: &GalaxySource,
    places: &[DVec3],
    radius_deg: f64,
) -> Result<Vec<AtomicBool>> {
    let t0 = std::time::Instant::now();
    let index = SkyIndex::build(places.to_vec())?;
    let marks = unmarked(places.len());
    let reads = visit_partitions_near(
        &source.path,
        &source.opts,
        places,
        radius_deg,
        MarginUse::WhereCheaper,
        |galaxies| {
            mark_clusters_near(&index, galaxies, radius_deg, &marks);
            Ok(())
        },
    )?;
    if let Some(why) = &reads.margin_unused {
        report!(
            "note: {}: {why}; the partitions around the clusters are read instead",
            source.path.display()
        );
    }
    let size = |b: u64| match b {
        0..1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        _ => format!("{:.1} MB", b as f64 / 1e6),
    };
    let (from, other) = match reads.margin_threshold_deg {
        Some(t) => (
            format!(
                "the {} of {} partitions holding them and {} files of their {}\" margin cache",
                reads.partitions_read,
                reads.partitions,
                reads.margin_files,
                (t * 36000.0).round() / 10.0
            ),
            "the neighbouring partitions",
        ),
        None => (
            format!(
                "the {} of {} partitions near them",
                reads.partitions_read, reads.partitions
            ),
            "through the margin cache",
        ),
    };
    let other = reads
        .other_way_bytes
        .map_or(String::new(), |b| format!("; {other}: {}", size(b)));
    report!(
        "proximity: the galaxies near the clusters read from {from} ({} of files{other}; {:.2} s)",
        size(reads.bytes_read),
        t0.elapsed().as_secs_f64()
    );
    Ok(marks)
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
        Some(source) => split_marks(
            near_in_catalog(source, &clusters.concat(), radius_deg)?,
            &clusters,
        ),
        // Many more galaxies than clusters: the clusters' tree, the galaxies streamed
        // through it (a tree of 50M galaxies took 37 s and 5 GB, this ~2 s).
        None if galaxies.len() > 4 * clusters.iter().map(Vec::len).sum::<usize>() => {
            let index = SkyIndex::build(clusters.concat())?;
            let marks = unmarked(index.len());
            mark_clusters_near(&index, galaxies, radius_deg, &marks);
            split_marks(marks, &clusters)
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
