//! `clusterviz.view(...)`: the native viewer window from a script, on the calling
//! thread until it closes (the session's event loop is kept for the next call).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use clusterviz::app::{ViewerLaunch, display_available};
use clusterviz::cli::embedded::render_spec;

use crate::arrays::{PyMap, PyTable, array_inputs};
use crate::errors::to_py;

/// Opens the viewer on render's `flags` with `tables` and `mask` from memory, and
/// returns when its window is closed. Its messages go to standard error, as the
/// command line's do (a session can last hours).
#[pyfunction]
#[pyo3(signature = (flags, tables, mask, title, samp))]
pub fn view(
    py: Python<'_>,
    flags: Vec<String>,
    tables: Vec<PyTable<'_>>,
    mask: Option<PyMap<'_>>,
    title: String,
    samp: bool,
) -> PyResult<()> {
    let (spec, backend) = render_spec(&flags).map_err(to_py)?;
    if !display_available() {
        return Err(PyRuntimeError::new_err(
            "no display (DISPLAY and WAYLAND_DISPLAY are unset): the viewer needs a window; \
             in a notebook use clusterviz.Viewer, in a script clusterviz.figure",
        ));
    }
    let arrays = array_inputs(tables, mask)?;
    let inputs = spec.inputs.expanded().map_err(to_py)?;
    py.detach(move || {
        clusterviz::app::run(ViewerLaunch {
            backend,
            inputs,
            arrays,
            view: spec.view,
            style: spec.style,
            screenshot: None,
            title,
            wall: None,
            samp,
        })
    })
    .map_err(to_py)
}
