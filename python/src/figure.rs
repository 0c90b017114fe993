//! One figure from Python: `render`'s flags, tables and a map in memory, and the output
//! files, drawn by the same pipeline as `clusterviz render` on a GPU context kept for the
//! whole session (opening a device costs more than a small figure).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use clusterviz::cli::embedded::{render_flags as flags_of_render, render_spec};
use clusterviz::data::arrays::ArrayInputs;
use clusterviz::export::pipeline::{
    FigureGpu, FigureRequest, check_outputs, render_figures_on, software,
};
use clusterviz::render::{BackendChoice, GpuContext, Image};
use clusterviz::scene::{SceneSpec, load_prepared_with};

use crate::arrays::{PyTable, full_sky_map};
use crate::errors::to_py;
use crate::messages::Collected;

/// The session's GPU context, per backend asked for; held while a figure is drawn, so
/// figures from several Python threads take turns.
static GPU: Mutex<Option<(BackendChoice, Arc<GpuContext>)>> = Mutex::new(None);

fn with_gpu<T>(
    backend: BackendChoice,
    f: impl FnOnce(&Arc<GpuContext>) -> clusterviz::Result<T>,
) -> clusterviz::Result<T> {
    let mut held = GPU.lock().unwrap_or_else(|e| e.into_inner());
    if held.as_ref().is_none_or(|(b, _)| *b != backend) {
        *held = Some((backend, Arc::new(GpuContext::new(backend)?)));
    }
    let (_, ctx) = held.as_ref().expect("made above");
    f(ctx)
}

/// A full-sky map handed over: `(values, kind, nested, frame, name)`.
type PyMap<'py> = (Bound<'py, PyAny>, String, bool, String, String);

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
    let mut arrays = ArrayInputs::default();
    for t in tables {
        match t.role() {
            "clusters" => {
                let algorithm = t.algorithm().to_string();
                arrays.clusters.push((algorithm, t.into_table()?));
            }
            "galaxies" => arrays.galaxies = Some(t.into_table()?),
            other => {
                let msg = format!("unknown table role {other}");
                return Err(PyValueError::new_err(msg));
            }
        }
    }
    if let Some((values, kind, nested, frame, name)) = mask {
        arrays.mask = Some(full_sky_map(&values, &kind, nested, &frame, &name)?);
    }
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
