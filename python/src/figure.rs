//! One figure from Python: `render`'s flags, tables and a map in memory, and the output
//! files, drawn by the same pipeline as `clusterviz render` on a GPU context kept for the
//! whole session (opening a device costs more than a small figure).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;

use clusterviz::cli::embedded::{render_flags as flags_of_render, render_spec};
use clusterviz::data::arrays::ArrayInputs;
use clusterviz::export::pipeline::{
    FigureGpu, FigureRequest, check_outputs, render_figures_on, software,
};
use clusterviz::render::{BackendChoice, Image};
use clusterviz::scene::{SceneSpec, load_prepared_with};

use crate::arrays::{PyMap, PyTable, array_inputs};
use crate::errors::to_py;
use crate::gpu::with_gpu;
use crate::messages::Collected;

/// Draws the figure of `flags` (render's, as `--name value` words) with `tables` and
/// `mask` from memory into every one of `outputs`; returns the messages of the run.
/// `call` says how the figure was made, for the files' metadata.
#[pyfunction]
#[pyo3(signature = (flags, tables, mask, outputs, call))]
pub fn render(
    py: Python<'_>,
    flags: Vec<String>,
    tables: Vec<PyTable<'_>>,
    mask: Option<PyMap<'_>>,
    outputs: Vec<PathBuf>,
    call: String,
) -> PyResult<Vec<String>> {
    let collected = Collected::start();
    let (spec, backend) = render_spec(&flags).map_err(to_py)?;
    let arrays = array_inputs(tables, mask)?;
    py.detach(|| draw(spec, backend, arrays, &outputs, call))
        .map_err(to_py)?;
    Ok(collected.take())
}

fn draw(
    spec: SceneSpec,
    backend: BackendChoice,
    arrays: ArrayInputs,
    outputs: &[PathBuf],
    call: String,
) -> clusterviz::Result<()> {
    check_outputs(outputs, &spec.figure)?;
    let spec = SceneSpec {
        inputs: spec.inputs.expanded()?,
        ..spec
    };
    with_gpu(backend, |ctx| {
        let survey = load_prepared_with(&spec, arrays, Some(ctx), None)?;
        let metadata = vec![
            software(),
            ("clusterviz call", call),
            ("Description", format!("data: {}", survey.source)),
        ];
        let req = FigureRequest {
            metadata,
            ..FigureRequest::new(&spec.view, &spec.style, &spec.figure, outputs)
        };
        render_figures_on(FigureGpu::on(ctx.clone()), &survey, &req).map(|_| ())
    })
}

/// `render`'s flags: `(name, takes a value, takes several, help)` each.
#[pyfunction]
pub fn render_flags() -> Vec<(String, bool, bool, String)> {
    flags_of_render()
        .into_iter()
        .map(|f| (f.name, f.takes_value, f.multiple, f.help))
        .collect()
}

/// A PNG's pixels: `(width, height, RGBA bytes)`.
#[pyfunction]
pub fn decode_png<'py>(py: Python<'py>, png: &[u8]) -> PyResult<(u32, u32, Bound<'py, PyBytes>)> {
    let img = Image::from_png(png).map_err(|e| PyValueError::new_err(format!("PNG: {e}")))?;
    Ok((img.width, img.height, PyBytes::new(py, &img.rgba)))
}

/// The adapter figures are drawn on, e.g. "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan)".
#[pyfunction]
#[pyo3(signature = (backend = "auto"))]
pub fn gpu_info(py: Python<'_>, backend: &str) -> PyResult<String> {
    let flags = vec!["--backend".to_string(), backend.to_string()];
    let (_, backend) = render_spec(&flags).map_err(to_py)?;
    py.detach(|| {
        with_gpu(backend, |ctx| {
            Ok(format!("{} ({:?})", ctx.info.name, ctx.info.backend))
        })
    })
    .map_err(to_py)
}
