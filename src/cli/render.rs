//! `clusterviz render`: a figure of the data given (or of a figure file) to PNG, SVG or PDF.

use std::path::PathBuf;

use crate::cli::args::RenderArgs;
use crate::data::load::disk_cache;
use crate::error::{Error, Result};
use crate::export::pipeline::{
    FigureGpu, FigureRequest, check_outputs, input_checksums, render_figures_on,
    reproduction_metadata,
};
use crate::render::BackendChoice;
use crate::scene::{SceneSpec, has_out_of_core_galaxies, load_prepared, load_prepared_on};

pub fn run(backend: BackendChoice, a: &RenderArgs) -> Result<()> {
    if a.samp {
        return Err(Error::user(
            "--samp joins a SAMP hub from the viewer: give it to `clusterviz view`",
        ));
    }
    if let Some(path) = &a.figure_file {
        let from_file = crate::cli::figure_file::load(path, a.output.as_deref())?;
        let spec = from_file.args.spec();
        spec.style.check().map_err(|e| Error::file(path, e))?;
        return render(backend, &spec, &from_file.outputs, Some(from_file.text));
    }
    let outputs: Vec<PathBuf> = a.output.iter().cloned().collect();
    if outputs.is_empty() {
        return Err(Error::user(
            "render needs an output file: -o FIGURE.png (or .svg, .pdf)",
        ));
    }
    if a.spec().inputs.is_empty() {
        return Err(Error::user(
            "nothing to render: give --demo, or files with --clusters, --galaxies, --tiles, --mask",
        ));
    }
    render(backend, &a.spec(), &outputs, None)
}

/// Loads the inputs of `spec` and writes its figure to every one of `outputs`.
fn render(
    backend: BackendChoice,
    spec: &SceneSpec,
    outputs: &[PathBuf],
    figure_file: Option<String>,
) -> Result<()> {
    spec.style.check()?;
    check_outputs(outputs, &spec.figure)?;
    spec.view.pixel_size()?;
    // Globs and folders expanded once: the checksums are of the files loaded.
    let spec = &SceneSpec {
        inputs: spec.inputs.expanded()?,
        ..spec.clone()
    };
    // Out-of-core galaxies are read for the GPU's budget: the GPU comes first.
    let (gpu, (survey, sources)) = if has_out_of_core_galaxies(spec) {
        let gpu = FigureGpu::new(backend)?;
        let survey = load_prepared_on(
            spec,
            gpu.context(),
            crate::data::progress::Progress::terminal(),
        )?;
        let sources = source_checksums(spec)?;
        (gpu, (survey, sources))
    } else {
        // The GPU is prepared, and the inputs' checksums read, while the data load.
        FigureGpu::start(backend, || {
            std::thread::scope(|s| {
                let sources = s.spawn(|| {
                    let t0 = std::time::Instant::now();
                    let sums = source_checksums(spec);
                    crate::reporting::trace_phase("render: inputs' checksums", t0);
                    sums
                });
                let survey = load_prepared(spec, crate::data::progress::Progress::terminal())?;
                let sources = sources
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
                Ok((survey, sources))
            })
        })?
    };
    let mut metadata = reproduction_metadata(&survey.source);
    metadata.extend(sources.map(|s| ("Source", s)));
    if let Some(text) = figure_file {
        metadata.push(("clusterviz figure file", text));
    }
    let req = FigureRequest {
        metadata,
        ..FigureRequest::new(&spec.view, &spec.style, &spec.figure, outputs)
    };
    render_figures_on(gpu, &survey, &req).map(|_| ())
}

/// The input files of `spec` with their sizes and checksums, for the figure's metadata.
fn source_checksums(spec: &SceneSpec) -> Result<Option<String>> {
    let inputs = spec.inputs.files()?;
    if inputs.is_empty() {
        return Ok(None);
    }
    let cache = disk_cache(&spec.inputs.columns);
    input_checksums(&inputs, cache.as_ref()).map(Some)
}
