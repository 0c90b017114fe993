//! The interactive viewer: a winit window with egui panels over the sky drawn by the
//! same renderer as figures. State and input handling ([`state`]) know nothing of
//! windows, so they are tested directly; [`frame`] runs one frame into any target, so
//! benches drive the real loop offscreen.

pub mod budget;
pub mod camera_control;
pub mod density_recount;
pub mod frame;
pub mod goto;
pub mod hats_refine;
pub mod headless;
pub mod live_scene;
pub mod loader;
mod os_hints;
pub mod panels;
pub mod samp_link;
pub mod scene_controls;
pub mod scene_data;
pub mod state;
pub mod wall_displays;
pub mod wall_frame;
pub mod wall_stills;
mod window;

pub use wall_displays::WallPlan;
pub use wall_stills::{WallPace, WallStills, render_wall_stills};

use std::sync::Arc;

use crate::app::frame::ViewerFrame;
use crate::app::loader::SceneOptions;
use crate::app::state::ViewerState;
use crate::data::arrays::ArrayInputs;
use crate::data::load::SurveyInputs;
use crate::error::Result;
use crate::render::{BackendChoice, GpuContext};
use crate::scene::{SceneStyle, ViewSpec, marker_budget};

/// Window size when `--size` is not given.
pub const DEFAULT_WINDOW: (u32, u32) = (1280, 800);

/// Whether a window can be opened here (an X11 or Wayland display is named).
pub fn display_available() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Everything a viewer session starts from.
pub struct ViewerLaunch {
    pub backend: BackendChoice,
    pub inputs: SurveyInputs,
    /// Tables and a map handed over in memory (the Python package's), beside the files.
    pub arrays: ArrayInputs,
    pub view: ViewSpec,
    pub style: SceneStyle,
    /// Where the screenshot key saves (default: a numbered file in the working folder).
    pub screenshot: Option<std::path::PathBuf>,
    pub title: String,
    /// A display wall driven by this viewer (`clusterviz wall` without `--out`).
    pub wall: Option<WallPlan>,
    /// Join the SAMP hub the environment names.
    pub samp: bool,
}

/// Opens the viewer and blocks until its window closes.
pub fn run(launch: ViewerLaunch) -> Result<()> {
    let event_loop = window::event_loop(launch.wall.as_ref())?;
    let ctx = Arc::new(GpuContext::new(launch.backend)?);
    // A wall's console is one display's size (the operator's screen beside the wall), but
    // not smaller than its panels need.
    let size = match (&launch.wall, launch.view.size) {
        (Some(w), _) => (w.layout.display.0.max(960), w.layout.display.1.max(600)),
        (None, None) => DEFAULT_WINDOW,
        (None, Some(_)) => launch.view.size(),
    };
    // Nothing to frame yet: the data frame the view when they arrive.
    let view = launch.view.initial_view(&[], size);
    let state = ViewerState::new(view, &launch.style);
    let still_budget = marker_budget(&ctx, &launch.style);
    let options = SceneOptions {
        format: window::SURFACE_FORMAT,
        ..SceneOptions::new(launch.view.theme, launch.style.clone())
    };
    let trace = crate::reporting::tracing();
    report!("viewer on {} ({:?})", ctx.info.name, ctx.info.backend);
    let mut frame = ViewerFrame::new(ctx, window::SURFACE_FORMAT, state, still_budget);
    // Without --center and --fov, the first data to arrive choose the view.
    frame.frame_on_load = launch.view.frames_data().then(|| launch.view.clone());
    // The processes following a wall's rank 0 keep quiet.
    frame.trace = trace && launch.wall.as_ref().is_none_or(|w| w.sync.rank() == 0);
    frame.screenshot_path = launch.screenshot.clone();
    if launch.samp {
        // Joined at the first frame, and again whenever a hub (re)appears.
        frame.samp_wanted = Some(samp_link::SampWanted::environment());
    }
    let wall = launch.wall.map(|mut w| {
        // Both start with the same field: the wall's width over the viewer's first canvas.
        w.ratio = w.layout.canvas().0 as f64 / size.0.max(1) as f64;
        w
    });
    window::run(
        event_loop,
        frame,
        launch.title,
        size,
        (launch.inputs, launch.arrays),
        options,
        wall,
    )
}
