//! What a style asks of a loaded survey before it is drawn, done and checked in one place
//! for figures, the viewer and walls.

use crate::data::{Column, ColumnData, Survey};
use crate::error::{Error, Result};
use crate::scene::layers::NEAR_GALAXIES;
use crate::scene::style::SceneStyle;
use crate::view::index::{SkyIndex, near_any};

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
/// catalog, from a k-d tree of the galaxies, in O((N + M) log M).
pub fn mark_proximity(survey: &mut Survey, radius_arcmin: f64) -> Result<()> {
    let Some(galaxies) = &survey.galaxies else {
        return Err(Error::user(
            "--proximity needs galaxies (--galaxies or --demo)",
        ));
    };
    if survey.galaxy_counts.is_some() {
        // Out of core, only a sample was read: a cluster may have neighbours not read.
        report!(
            "warning: --proximity looks at the {} galaxies read, a sample of the catalog's: \
             give --cone or --box around the clusters to read every galaxy there",
            galaxies.len()
        );
    }
    let index = SkyIndex::cached(galaxies.directions(), &galaxies.cache_tag)?;
    for cat in [&mut survey.merged, &mut survey.pzwav, &mut survey.amico]
        .into_iter()
        .flatten()
    {
        let near = near_any(&index, &cat.directions(), radius_arcmin / 60.0);
        cat.columns.retain(|c| c.name != NEAR_GALAXIES);
        cat.columns.push(Column::new(
            NEAR_GALAXIES,
            "",
            ColumnData::I16(near.iter().map(|&b| b as i16).collect()),
        ));
    }
    Ok(())
}
