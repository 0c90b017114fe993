//! A quick first look at a survey whose galaxies take long to prepare: ordering millions
//! of galaxies for level of detail takes seconds (1.3 s for 10M on two cores), while an
//! even sample of them over the density of them all is ready in a fraction of that. The
//! viewer shows this preview while it builds the full scene, which then replaces it.

use crate::data::Survey;
use crate::scene::SceneStyle;
use crate::scene::survey_layers::{DENSITY_DEPTH, SMOOTH_MEAN, stored_counts};
use crate::view::lod::LodPick;

/// Fewer galaxies than this are ordered quickly enough to need no preview.
const PREVIEW_ABOVE: usize = 2_000_000;

/// The survey with its galaxies replaced by an even sample of about `rows` of them (every
/// k-th row) and the counts of every galaxy, for the density layer. A sample of the marker
/// budget's size is ready soonest and fills the screen as the full scene does (level of
/// detail measures the area it covers at the screen's scale). The galaxies of a HATS
/// catalog are a sample already, with the skymap's counts of every row: their preview is
/// a sample of that sample (at a billion rows, the 800k read are ordered and uploaded in
/// ~0.2 s after the read, while a quarter of them shows at once). An order stored by an
/// earlier run comes with its counts, but its millions of instances still take seconds to
/// upload (10M: 1.7 s here): its preview takes those counts. `None` where no preview is
/// worth making: few galaxies (without counts at hand), or a style the sample would draw
/// wrongly (proximity marks and a density column need every galaxy).
pub fn sampled_preview(survey: &Survey, style: &SceneStyle, rows: usize) -> Option<Survey> {
    let galaxies = survey.galaxies.as_ref()?;
    let n = galaxies.len();
    let drawn_alike =
        !style.no_galaxies && style.proximity.is_none() && style.density_column.is_none();
    if !drawn_alike || n <= 2 * rows {
        return None;
    }
    let counts = match &survey.galaxy_counts {
        Some(all) => all.clone(),
        None => match stored_counts(galaxies) {
            Some(stored) => stored,
            None if n > PREVIEW_ABOVE => {
                LodPick::with_counts(galaxies, DENSITY_DEPTH, SMOOTH_MEAN).1
            }
            None => return None,
        },
    };
    let stride = n.div_ceil(rows.max(1));
    let sample: Vec<usize> = (0..n).step_by(stride).collect();
    let mut preview = survey.without_galaxies();
    preview.galaxies = Some(galaxies.with_rows(&sample));
    preview.galaxy_counts = Some(counts);
    // A sample of a sample keeps one row in the product of both strides.
    preview.galaxy_source = survey.galaxy_source.clone().map(|mut s| {
        s.stride = s.stride.saturating_mul(stride as u64);
        s
    });
    Some(preview)
}
