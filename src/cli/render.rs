//! `clusterviz render`: one figure to a PNG.

use std::path::Path;
use std::time::Instant;

use crate::cli::args::{RenderArgs, StyleArgs, ViewArgs};
use crate::cli::load::load_files;
use crate::cli::scene::{add_survey_layers, apply_level_of_detail, mark_proximity};
use crate::data::Survey;
use crate::data::demo::{DemoConfig, DemoSurvey};
use crate::error::{Error, Result};
use crate::render::{BackendChoice, GpuContext, SceneRenderer};
use crate::view::View;
use crate::view::fit::frame_directions;

pub fn run(backend: BackendChoice, a: &RenderArgs) -> Result<()> {
    let has_files = !a.clusters.is_empty()
        || !a.galaxy_files.is_empty()
        || a.tiles.is_some()
        || a.mask.is_some();
    if !a.demo && !has_files {
        return Err(Error::user(
            "nothing to render: give --demo, or files with --clusters, --galaxies, --tiles, --mask",
        ));
    }
    let Some(output) = &a.output else {
        return Err(Error::user("render needs an output file: -o FIGURE.png"));
    };
    check_output_path(output)?;
    let t0 = Instant::now();
    let mut survey = if a.demo {
        Survey::from(DemoSurvey::generate(DemoConfig {
            seed: a.seed,
            galaxies: a.demo_galaxies,
        }))
    } else {
        Survey::default()
    };
    let mut sources = vec![survey.source.clone()];
    sources.extend(load_files(
        a,
        &mut survey,
        crate::data::progress::Progress::terminal(),
    )?);
    survey.source = sources
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(r) = a.style.proximity {
        mark_proximity(&mut survey, r)?;
    }
    eprintln!("loaded in {:.2} s", t0.elapsed().as_secs_f64());
    render_survey_png(backend, &survey, &a.view, &a.style, output)
}

/// Refuses output names we would not write correctly, before any work is done.
pub fn check_output_path(out: &Path) -> Result<()> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() != Some("png") {
        return Err(Error::file(
            out,
            "the output must be a .png file (SVG and PDF come with issue 7)",
        ));
    }
    crate::fsutil::ensure_parent_dir(out)
}

/// The camera for `args`, framing the survey where centre or field of view are not given.
pub fn survey_view(survey: &Survey, args: &ViewArgs) -> View {
    let (center, fov) = match (args.center, args.fov) {
        (Some(c), Some(f)) => (c, f),
        (c, f) => {
            let dirs = survey.outline_directions();
            let (fit_c, fit_f) = frame_directions(&dirs, args.projection, args.frame, args.size());
            (c.unwrap_or(fit_c), f.unwrap_or(fit_f))
        }
    };
    let mut v = View::new(args.projection, args.frame, center, fov, args.size());
    v.rotation_deg = args.rotation;
    v
}

pub fn render_survey_png(
    backend: BackendChoice,
    survey: &Survey,
    view_args: &ViewArgs,
    style: &StyleArgs,
    out: &Path,
) -> Result<()> {
    let t0 = Instant::now();
    let ctx = GpuContext::new(backend)?;
    let mut renderer = SceneRenderer::new(&ctx);
    renderer.set_theme(&ctx, view_args.theme);
    let layers = add_survey_layers(&ctx, &mut renderer, survey, view_args.theme, style)?;
    let view = survey_view(survey, view_args);
    apply_level_of_detail(&mut renderer, &layers, &view);
    let t1 = Instant::now();
    let image = renderer.render_tiled(&ctx, &view, 8192)?;
    let t2 = Instant::now();
    let text = figure_metadata(&view, &survey.source);
    image.save_png(out, &text)?;
    eprintln!(
        "{}: {}x{} {} on {} ({:?}); GPU setup+upload {:.2} s, render {:.2} s, PNG {:.2} s",
        out.display(),
        image.width,
        image.height,
        view.projection.code(),
        ctx.info.name,
        ctx.info.backend,
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        t2.elapsed().as_secs_f64()
    );
    Ok(())
}

/// PNG text chunks that say how a figure was made, enough to make it again.
pub fn figure_metadata(view: &View, source: &str) -> [(&'static str, String); 2] {
    let (lon, lat) = view.center_deg;
    [
        (
            "Software",
            format!("clusterviz {}", env!("CARGO_PKG_VERSION")),
        ),
        (
            "Description",
            format!(
                "{} {} centre ({lon:.6}, {lat:.6}) fov {:.6} deg rotation {} size {}x{}; data: {}",
                view.projection.code(),
                view.frame.name(),
                view.fov_deg,
                view.rotation_deg,
                view.canvas.0,
                view.canvas.1,
                source
            ),
        ),
    ]
}
