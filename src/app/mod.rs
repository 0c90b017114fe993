//! The interactive viewer: a winit window with egui panels over the sky drawn by the
//! same renderer as figures. State and input handling ([`state`]) know nothing of
//! windows, so they are tested directly; [`frame`] runs one frame into any target, so
//! benches drive the real loop offscreen.

pub mod budget;
pub mod camera_control;
pub mod frame;
pub mod goto;
pub mod headless;
pub mod layers;
pub mod live_scene;
pub mod loader;
pub mod panels;
pub mod scene_data;
pub mod state;
pub mod wall_displays;
pub mod wall_frame;
mod window;

use std::sync::Arc;

use crate::app::frame::ViewerFrame;
use crate::app::loader::{SceneOptions, Source};
use crate::app::state::ViewerState;
use crate::cli::args::{StyleArgs, ViewArgs};
use crate::error::Result;
use crate::render::{BackendChoice, GpuContext};
use crate::view::View;
use crate::view::fit::frame_directions;

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
    pub source: Source,
    pub view: ViewArgs,
    pub style: StyleArgs,
    /// Where the screenshot key saves (default: a numbered file in the working folder).
    pub screenshot: Option<std::path::PathBuf>,
    pub title: String,
    /// A display wall driven by this viewer (`clusterviz wall` without `--out`).
    pub wall: Option<wall_displays::WallPlan>,
}

/// The first view: as given on the command line, else framing `hint`, else all sky.
pub fn initial_view(args: &ViewArgs, hint: Option<&[glam::DVec3]>, size: (u32, u32)) -> View {
    let (center, fov) = match (args.center, args.fov, hint) {
        (Some(c), Some(f), _) => (c, f),
        (c, f, Some(dirs)) if !dirs.is_empty() => {
            let (fc, ff) = frame_directions(dirs, args.projection, args.frame, size);
            (c.unwrap_or(fc), f.unwrap_or(ff))
        }
        (c, f, _) => (
            c.unwrap_or((0.0, 0.0)),
            f.unwrap_or(args.projection.max_fov_deg()),
        ),
    };
    let mut v = View::new(args.projection, args.frame, center, fov, size);
    v.rotation_deg = args.rotation;
    v
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
    let view = initial_view(&launch.view, None, size);
    let state = ViewerState::new(view, &launch.style);
    let still_budget = crate::cli::scene::marker_budget(&ctx, &launch.style);
    let options = SceneOptions {
        format: window::SURFACE_FORMAT,
        ..SceneOptions::new(launch.view.theme, launch.style.clone())
    };
    let trace = std::env::var_os("CLUSTERVIZ_TRACE").is_some();
    report!("viewer on {} ({:?})", ctx.info.name, ctx.info.backend);
    let mut frame = ViewerFrame::new(ctx, window::SURFACE_FORMAT, state, still_budget);
    // Without --center and --fov, the first data to arrive choose the view.
    frame.frame_on_load = launch.view.center.is_none() || launch.view.fov.is_none();
    // The processes following a wall's rank 0 keep quiet.
    frame.trace = trace && launch.wall.as_ref().is_none_or(|w| w.sync.rank() == 0);
    frame.screenshot_path = launch.screenshot.clone();
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
        launch.source,
        options,
        wall,
    )
}
