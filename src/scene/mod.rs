//! The scene under every front end: what a survey's picture is made of, as plain data
//! (inputs, view, style: [`SceneSpec`]), the layer registry ([`layers`]), and the survey
//! uploaded to the GPU with its level of detail per view ([`survey_layers`]). The command
//! line, figure and wall files, the viewer and walls build on it; none of it knows them.
//!
//! Uses `sky`, `data`, `view` and `render`; never `export` (which builds on it) or a
//! front end (`cli`, `app`).

pub mod layers;
pub mod prepare;
pub mod preview;
pub mod spec;
pub mod style;
pub mod survey_layers;
pub mod view_spec;

pub use layers::{LayerKind, LayerSettings};
pub use prepare::{mark_proximity, prepare_survey};
pub use spec::{FigureOptions, SceneSpec};
pub use style::{AlgorithmChoice, ColorRole, SceneStyle};
pub use survey_layers::{
    LodLayer, LodPlan, SurveyLayers, UploadPlan, marker_budget, upload_survey,
};
pub use view_spec::{PageSize, ViewSpec};

use crate::data::Survey;
use crate::data::arrays::{ArrayInputs, add_arrays};
use crate::data::hats::is_hats;
use crate::data::load::load_survey;
use crate::data::progress::Progress;
use crate::data::read_bounds::ReadBounds;
use crate::error::Result;
use crate::render::GpuContext;

/// The survey of `spec`: its inputs loaded within the style's filters, then prepared
/// for the style (proximity marks, density column checked).
pub fn load_prepared(spec: &SceneSpec, progress: Option<Progress>) -> Result<Survey> {
    let t0 = std::time::Instant::now();
    let mut survey = load_survey(&spec.inputs, spec.style.read_bounds(), progress)?;
    crate::reporting::trace_phase("scene: loaded", t0);
    prepare_survey(&mut survey, &spec.style)?;
    crate::reporting::trace_phase("scene: prepared", t0);
    Ok(survey)
}

/// As [`load_prepared`] for one figure: out-of-core galaxies (HATS) read only in the
/// view (when its centre and field are given) and sampled for what `ctx` draws: four
/// times its marker budget, unless the style names one.
pub fn load_prepared_on(
    spec: &SceneSpec,
    ctx: &GpuContext,
    progress: Option<Progress>,
) -> Result<Survey> {
    load_prepared_with(spec, ArrayInputs::default(), Some(ctx), progress)
}

/// The survey of `spec` with tables and maps handed over in memory (the Python
/// package's) added to its files; with `ctx`, read for one figure as
/// [`load_prepared_on`] reads.
pub fn load_prepared_with(
    spec: &SceneSpec,
    arrays: ArrayInputs,
    ctx: Option<&GpuContext>,
    progress: Option<Progress>,
) -> Result<Survey> {
    let bounds = match ctx {
        Some(ctx) => ReadBounds {
            galaxy_cone: spec.view.enclosing_cone(),
            ..read_bounds_on(&spec.style, ctx)
        },
        None => spec.style.read_bounds(),
    };
    let mut survey = if spec.inputs.is_empty() && !arrays.is_empty() {
        Survey::default()
    } else {
        load_survey(&spec.inputs, bounds, progress)?
    };
    if !arrays.is_empty() {
        let added = add_arrays(
            &mut survey,
            arrays,
            &spec.inputs.columns,
            bounds,
            spec.inputs.demo.is_some(),
        )?;
        let mut sources: Vec<String> = vec![std::mem::take(&mut survey.source)];
        sources.extend(added);
        sources.retain(|s| !s.is_empty());
        survey.source = sources.join("; ");
    }
    prepare_survey(&mut survey, &spec.style)?;
    Ok(survey)
}

/// As [`load_prepared`], out-of-core galaxies (HATS) read only in `galaxy_cone` (RA, Dec,
/// radius in degrees) when one is given: e.g. the sky a wall process's displays show.
pub fn load_prepared_in(
    spec: &SceneSpec,
    galaxy_cone: Option<(f64, f64, f64)>,
    progress: Option<Progress>,
) -> Result<Survey> {
    let bounds = ReadBounds {
        galaxy_cone,
        ..spec.style.read_bounds()
    };
    let mut survey = load_survey(&spec.inputs, bounds, progress)?;
    prepare_survey(&mut survey, &spec.style)?;
    Ok(survey)
}

/// The style's read bounds, galaxies from HATS sampled to four times `ctx`'s budget.
pub fn read_bounds_on(style: &SceneStyle, ctx: &GpuContext) -> ReadBounds {
    let mut bounds = style.read_bounds();
    bounds
        .galaxy_rows
        .get_or_insert(4 * marker_budget(ctx, style) as u64);
    bounds
}

/// Whether galaxies come from an out-of-core catalog, whose read depends on the GPU.
pub fn has_out_of_core_galaxies(spec: &SceneSpec) -> bool {
    spec.inputs.galaxies.iter().any(|p| is_hats(p))
}
