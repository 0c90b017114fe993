//! The viewer driven from Python (the notebook widget): the native viewer's frames,
//! panels and input handling, offscreen; pointer, wheel and key events in, PNG frames
//! out, and the view, the selection and the controls readable and settable.

use std::sync::{Mutex, MutexGuard};

use glam::DVec2;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use clusterviz::app::headless::HeadlessViewer;
use clusterviz::app::loader::SceneOptions;
use clusterviz::app::scene_controls::SceneControls;
use clusterviz::app::state::ViewerState;
use clusterviz::cli::embedded::render_spec;
use clusterviz::data::ColumnData;
use clusterviz::export::wcs::wcs_cards;
use clusterviz::scene::{SceneSpec, marker_budget};
use clusterviz::view::SubRect;

use crate::arrays::{PyMap, PyTable, array_inputs};
use crate::errors::to_py;
use crate::gpu::shared_gpu;
use crate::messages::Collected;

/// One viewer: a window of `size` pixels that is never shown, only read back.
#[pyclass(module = "clusterviz._native")]
pub struct Session {
    /// Locked for each call: Python may hand the session to any thread.
    viewer: Mutex<HeadlessViewer>,
}

impl Session {
    fn v(&self) -> MutexGuard<'_, HeadlessViewer> {
        self.viewer.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[pymethods]
impl Session {
    /// Opens a viewer of `size` on render's `flags` with `tables` and `mask` from memory,
    /// and waits until the data are loaded; returns the session and the load's messages.
    #[staticmethod]
    #[pyo3(signature = (flags, tables, mask, size))]
    fn open(
        py: Python<'_>,
        flags: Vec<String>,
        tables: Vec<PyTable<'_>>,
        mask: Option<PyMap<'_>>,
        size: (u32, u32),
    ) -> PyResult<(Session, Vec<String>)> {
        let collected = Collected::start();
        if size.0 < 64 || size.1 < 64 || size.0 > 8192 || size.1 > 8192 {
            return Err(PyValueError::new_err(format!(
                "size {}x{}: a viewer is 64 to 8192 pixels a side",
                size.0, size.1
            )));
        }
        let (spec, backend) = render_spec(&flags).map_err(to_py)?;
        let arrays = array_inputs(tables, mask)?;
        let viewer = py
            .detach(|| -> clusterviz::Result<HeadlessViewer> {
                let spec = SceneSpec {
                    inputs: spec.inputs.expanded()?,
                    ..spec
                };
                let ctx = shared_gpu(backend)?;
                let view = spec.view.initial_view(&[], size);
                let still_budget = marker_budget(&ctx, &spec.style);
                let mut viewer = HeadlessViewer::new(ctx, size, view, still_budget)?;
                viewer.frame.state = ViewerState::new(view, &spec.style);
                viewer.frame.frame_on_load = spec.view.frames_data().then(|| spec.view.clone());
                let options = SceneOptions::new(spec.view.theme, spec.style.clone());
                viewer.load_with(spec.inputs.clone(), arrays, options)?;
                viewer.step()?;
                Ok(viewer)
            })
            .map_err(to_py)?;
        Ok((
            Session {
                viewer: Mutex::new(viewer),
            },
            collected.take(),
        ))
    }

    /// The pointer moved to (x, y) pixels of the window.
    fn pointer_move(&mut self, x: f64, y: f64) {
        self.v().pointer_move(DVec2::new(x, y));
    }

    /// The primary button went down or up at (x, y).
    fn pointer_button(&mut self, x: f64, y: f64, pressed: bool) {
        self.v().pointer_button(DVec2::new(x, y), pressed);
    }

    /// The pointer left the window.
    fn pointer_gone(&mut self) {
        self.v().push(egui::Event::PointerGone);
    }

    /// Wheel notches at (x, y); positive zooms in.
    fn wheel(&mut self, x: f64, y: f64, notches: f32) {
        self.v().pointer_move(DVec2::new(x, y));
        self.v().wheel(notches);
    }

    /// A key pressed and released, by its browser name ("ArrowLeft", "+", "r", ...).
    fn key(&mut self, name: &str) -> PyResult<()> {
        let key = match name {
            "+" | "=" => Some(egui::Key::Plus),
            "-" | "_" => Some(egui::Key::Minus),
            " " => Some(egui::Key::Space),
            n if n.chars().count() == 1 => egui::Key::from_name(&n.to_uppercase()),
            n => egui::Key::from_name(n),
        };
        match key {
            Some(k) => {
                self.v().key(k);
                Ok(())
            }
            None => Err(PyValueError::new_err(format!("unknown key {name:?}"))),
        }
    }

    /// Text typed into the focused field (the panels' "go to").
    fn text(&mut self, text: String) {
        self.v().push(egui::Event::Text(text));
    }

    /// A new window size.
    fn resize(&mut self, py: Python<'_>, width: u32, height: u32) -> PyResult<()> {
        let w = width.clamp(64, 8192);
        let h = height.clamp(64, 8192);
        py.detach(|| self.v().resize((w, h))).map_err(to_py)
    }

    /// Runs a frame with the input given since the last, without reading it back (input
    /// that needs frames between its events: a press, moves, a release).
    fn step(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.v().step().map(|_| ())).map_err(to_py)
    }

    /// Draws a frame with the input given since the last, and returns it as PNG bytes
    /// with the seconds after which it asks to be drawn again (`None`: only on input).
    fn frame<'py>(&mut self, py: Python<'py>) -> PyResult<(Bound<'py, PyBytes>, Option<f64>)> {
        let (png, again) = py
            .detach(|| -> clusterviz::Result<(Vec<u8>, Option<f64>)> {
                let mut v = self.v();
                v.step()?;
                let png = v.screenshot()?.encode_png(&[])?;
                Ok((png, v.repaint_after().map(|d| d.as_secs_f64())))
            })
            .map_err(to_py)?;
        Ok((PyBytes::new(py, &png), again))
    }

    /// The view: centre, field, projection, frame, rotation, and where the sky's canvas
    /// lies in the window.
    fn view<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let guard = self.v();
        let f = &guard.frame;
        let v = &f.state.view;
        let d = PyDict::new(py);
        d.set_item("center", v.center_deg)?;
        d.set_item("fov", v.fov_deg)?;
        d.set_item("projection", v.projection.code())?;
        d.set_item("frame", v.frame.name())?;
        d.set_item("rotation", v.rotation_deg)?;
        d.set_item("canvas_origin", f.sky_origin)?;
        d.set_item("canvas_size", v.canvas)?;
        Ok(d)
    }

    /// The selected object's layer and columns (`None` when nothing is selected).
    fn selected<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let guard = self.v();
        let f = &guard.frame;
        let (Some(sel), Some(data)) = (f.state.selection, f.data.as_deref()) else {
            return Ok(None);
        };
        let Some(cat) = data.catalog(sel.layer) else {
            return Ok(None);
        };
        let row = sel.row as usize;
        let d = PyDict::new(py);
        d.set_item("layer", sel.layer.legend_label())?;
        d.set_item("row", row)?;
        let columns = PyDict::new(py);
        for c in &cat.columns {
            match (&c.data, c.integer(row)) {
                (_, Some(i)) => columns.set_item(&c.name, i)?,
                (ColumnData::F32(v), None) => columns.set_item(&c.name, v[row] as f64)?,
                (data, None) => columns.set_item(&c.name, data.get_f64(row))?,
            }
        }
        d.set_item("columns", columns)?;
        Ok(Some(d))
    }

    /// Layers, filters and colours, as JSON (what the panels set).
    fn controls(&self) -> PyResult<String> {
        serde_json::to_string(&self.v().frame.state.controls)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Sets the layers, filters and colours from JSON in the form `controls` returns.
    fn set_controls(&mut self, json: &str) -> PyResult<()> {
        let controls: SceneControls = serde_json::from_str(json)
            .map_err(|e| PyValueError::new_err(format!("controls: {e}")))?;
        let mut guard = self.v();
        let state = &mut guard.frame.state;
        state.controls = controls;
        state.generation += 1;
        Ok(())
    }

    /// The celestial WCS of the frame's pixels (its sky canvas placed in the frame), as
    /// FITS header cards `(key, value)`; an error for a rotated all-sky view.
    fn wcs_cards(&self) -> PyResult<Vec<(String, String)>> {
        let guard = self.v();
        let f = &guard.frame;
        let view = f.state.view;
        let plot = SubRect {
            x: f.sky_origin.0.round() as u32,
            y: f.sky_origin.1.round() as u32,
            width: view.canvas.0,
            height: view.canvas.1,
        };
        wcs_cards(&view, plot, guard.size()).map_err(to_py)
    }

    /// The last status message (go-to results, errors), if any.
    fn message(&self) -> Option<String> {
        self.v().frame.state.message.clone()
    }
}
