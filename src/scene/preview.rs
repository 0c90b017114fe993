//! A quick first look at a survey whose galaxies take long to prepare: ordering millions
//! of galaxies for level of detail takes seconds (1.3 s for 10M on two cores), while an
//! even sample of them over the density of them all is ready in a fraction of that. The
//! viewer shows this preview while it builds the full scene, which then replaces it.

use crate::data::Survey;
use crate::scene::SceneStyle;
use crate::scene::survey_layers::{DENSITY_DEPTH, SMOOTH_MEAN, has_stored_order};
use crate::view::lod::LodPick;

/// Fewer galaxies than this are ordered quickly enough to need no preview.
const PREVIEW_ABOVE: usize = 2_000_000;

/// The survey with its galaxies replaced by an even sample of about `rows` of them (every
/// k-th row) and the counts of every galaxy, for the density layer. A sample of the marker
/// budget's size is ready soonest and fills the screen as the full scene does (level of
/// detail measures the area it covers at the screen's scale). `None` where no preview is
/// worth making: few galaxies, galaxies already a sample (a HATS catalog), an order
/// stored by an earlier run, or a style the sample would draw wrongly (proximity marks
/// and a density column need every galaxy).
pub fn sampled_preview(survey: &Survey, style: &SceneStyle, rows: usize) -> Option<Survey> {
    let galaxies = survey.galaxies.as_ref()?;
    let n = galaxies.len();
    let wanted = !style.no_galaxies
        && style.proximity.is_none()
        && style.density_column.is_none()
        && survey.galaxy_counts.is_none()
        && n > PREVIEW_ABOVE.max(2 * rows);
    if !wanted || has_stored_order(galaxies) {
        return None;
    }
    let stride = n.div_ceil(rows.max(1));
    let sample: Vec<usize> = (0..n).step_by(stride).collect();
    let (_, counts) = LodPick::with_counts(galaxies, DENSITY_DEPTH, SMOOTH_MEAN);
    let mut preview = survey.without_galaxies();
    preview.galaxies = Some(galaxies.with_rows(&sample));
    preview.galaxy_counts = Some(counts);
    Some(preview)
}
