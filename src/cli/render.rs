//! `clusterviz render`: a figure of the data given (or of a figure file) to PNG, SVG or PDF.

use std::path::PathBuf;
use std::time::Instant;

use crate::cli::args::{RenderArgs, ViewArgs};
use crate::cli::figure::{
    FigureGpu, FigureRequest, check_outputs, input_checksums, render_figures_on, view_description,
};
use crate::cli::load::load_files;
use crate::cli::scene::prepare_survey;
use crate::data::Survey;
use crate::data::demo::{DemoConfig, DemoSurvey};
use crate::error::{Error, Result};
use crate::render::BackendChoice;
use crate::view::View;
use crate::view::fit::frame_directions;

pub fn run(backend: BackendChoice, a: &RenderArgs) -> Result<()> {
    if let Some(path) = &a.figure_file {
        let from_file = crate::cli::figure_file::load(path, a.output.as_deref())?;
        from_file
            .args
            .style
            .check()
            .map_err(|e| Error::file(path, e))?;
        return render(
            backend,
            &from_file.args,
            &from_file.outputs,
            Some(from_file.text),
        );
    }
    let outputs: Vec<PathBuf> = a.output.iter().cloned().collect();
    if outputs.is_empty() {
        return Err(Error::user(
            "render needs an output file: -o FIGURE.png (or .svg, .pdf)",
        ));
    }
    render(backend, a, &outputs, None)
}

/// Loads the inputs of `a` and writes its figure to every one of `outputs`.
fn render(
    backend: BackendChoice,
    a: &RenderArgs,
    outputs: &[PathBuf],
    figure_file: Option<String>,
) -> Result<()> {
    a.style.check()?;
    check_outputs(outputs, &a.figure)?;
    a.view.pixel_size()?;
    // The GPU is prepared, and the inputs' checksums read, while the data load.
    let (gpu, (survey, sources)) = FigureGpu::start(backend, || {
        std::thread::scope(|s| {
            let sources = s.spawn(|| source_checksums(a));
            let survey = load_survey(a)?;
            let sources = sources
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            Ok((survey, sources))
        })
    })?;
    let mut metadata = reproduction_metadata(&survey.source);
    metadata.extend(sources.map(|s| ("Source", s)));
    if let Some(text) = figure_file {
        metadata.push(("clusterviz figure file", text));
    }
    let req = FigureRequest {
        metadata,
        ..FigureRequest::new(&a.view, &a.style, &a.figure, outputs)
    };
    render_figures_on(gpu, &survey, &req).map(|_| ())
}

/// The input files of `a` with their sizes and checksums, for the figure's metadata.
fn source_checksums(a: &RenderArgs) -> Result<Option<String>> {
    // Globs and folders name their files as the loader reads them.
    let mut inputs: Vec<PathBuf> = crate::data::inputs::expand_paths(&a.clusters)?;
    inputs.extend(a.tiles.iter().cloned());
    inputs.extend(a.mask.iter().cloned());
    if !a.galaxy_files.is_empty() {
        inputs.extend(crate::data::inputs::expand_paths(&a.galaxy_files)?);
    }
    if inputs.is_empty() {
        return Ok(None);
    }
    let cache = crate::cli::load::disk_cache(&a.columns);
    input_checksums(&inputs, cache.as_ref()).map(Some)
}

/// The demo survey and/or the files of `a`, loaded with its filters (and proximity).
pub fn load_survey(a: &RenderArgs) -> Result<Survey> {
    let has_files = !a.clusters.is_empty()
        || !a.galaxy_files.is_empty()
        || a.tiles.is_some()
        || a.mask.is_some();
    if !a.demo && !has_files {
        return Err(Error::user(
            "nothing to render: give --demo, or files with --clusters, --galaxies, --tiles, --mask",
        ));
    }
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
    prepare_survey(&mut survey, &a.style)?;
    report!("loaded in {:.2} s", t0.elapsed().as_secs_f64());
    Ok(survey)
}

/// Text chunks every figure carries: the tool, the exact command line, the data.
pub fn reproduction_metadata(source: &str) -> Vec<(&'static str, String)> {
    let command: Vec<String> = std::env::args_os()
        .map(|a| shell_quote(&a.to_string_lossy()))
        .collect();
    vec![
        software(),
        ("clusterviz command", command.join(" ")),
        ("Description", format!("data: {source}")),
    ]
}

/// The text chunk naming the tool and its version.
fn software() -> (&'static str, String) {
    (
        "Software",
        format!("clusterviz {}", env!("CARGO_PKG_VERSION")),
    )
}

/// `arg` as a POSIX shell word.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./,=:+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
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

/// PNG text chunks that say how a viewer screenshot was made, enough to make it again.
pub fn figure_metadata(view: &View, source: &str) -> [(&'static str, String); 2] {
    [software(), ("Description", view_description(view, source))]
}
