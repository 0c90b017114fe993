//! `clusterviz render`: one figure to a PNG.

use std::path::Path;
use std::time::Instant;

use glam::DVec3;

use crate::cli::args::{RenderArgs, StyleArgs, ViewArgs};
use crate::cli::scene::add_demo_layers;
use crate::data::demo::{DemoConfig, DemoSurvey};
use crate::data::tiles::TilePart;
use crate::error::{Error, Result};
use crate::render::{BackendChoice, GpuContext, SceneRenderer};
use crate::sky::unit_vector;
use crate::view::View;
use crate::view::fit::frame_directions;

pub fn run(backend: BackendChoice, a: &RenderArgs) -> Result<()> {
    let has_files = !a.clusters.is_empty()
        || a.tiles.is_some()
        || a.mask.is_some()
        || !a.galaxy_files.is_empty();
    if has_files {
        return Err(Error::user(
            "reading --clusters/--tiles/--mask/--galaxies files is not implemented yet \
             (issue 3); use --demo for the built-in survey",
        ));
    }
    if !a.demo {
        return Err(Error::user(
            "nothing to render: give --demo (input files come with issue 3)",
        ));
    }
    check_output_path(&a.output)?;
    let t0 = Instant::now();
    let survey = DemoSurvey::generate(DemoConfig {
        seed: a.seed,
        galaxies: a.demo_galaxies,
    });
    eprintln!(
        "demo survey: {} tiles, {} merged clusters, {} galaxies ({:.2} s)",
        survey.tiles.tiles.len(),
        survey.merged.len(),
        survey.galaxies.len(),
        t0.elapsed().as_secs_f64()
    );
    render_survey_png(backend, &survey, &a.view, &a.style, &a.output)
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

/// The camera for `args`, framing the survey's tiles and clusters where not given.
pub fn survey_view(survey: &DemoSurvey, args: &ViewArgs) -> View {
    let (center, fov) = match (args.center, args.fov) {
        (Some(c), Some(f)) => (c, f),
        (c, f) => {
            let mut dirs: Vec<DVec3> = survey
                .tiles
                .rings(TilePart::Lev1)
                .flatten()
                .map(|&(ra, dec)| unit_vector(ra, dec))
                .collect();
            dirs.extend(survey.merged.directions());
            let (fit_c, fit_f) = frame_directions(&dirs, args.projection, args.frame, args.size);
            (c.unwrap_or(fit_c), f.unwrap_or(fit_f))
        }
    };
    let mut v = View::new(args.projection, args.frame, center, fov, args.size);
    v.rotation_deg = args.rotation;
    v
}

pub fn render_survey_png(
    backend: BackendChoice,
    survey: &DemoSurvey,
    view_args: &ViewArgs,
    style: &StyleArgs,
    out: &Path,
) -> Result<()> {
    let t0 = Instant::now();
    let ctx = GpuContext::new(backend)?;
    let mut renderer = SceneRenderer::new(&ctx);
    renderer.set_theme(&ctx, view_args.theme);
    add_demo_layers(&ctx, &mut renderer, survey, view_args.theme, style)?;
    let view = survey_view(survey, view_args);
    let t1 = Instant::now();
    let image = renderer.render_tiled(&ctx, &view, 8192)?;
    let t2 = Instant::now();
    let (lon, lat) = view.center_deg;
    let text = [
        (
            "Software",
            format!("clusterviz {}", env!("CARGO_PKG_VERSION")),
        ),
        (
            "Description",
            format!(
                "{} {} centre ({lon:.6}, {lat:.6}) fov {:.6} deg rotation {} size {}x{}; demo seed {} galaxies {}",
                view.projection.code(),
                view.frame.name(),
                view.fov_deg,
                view.rotation_deg,
                view.canvas.0,
                view.canvas.1,
                survey.config.seed,
                survey.config.galaxies
            ),
        ),
    ];
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
