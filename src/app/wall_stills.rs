//! A display wall without windows: each display's part of the view drawn to an image, for
//! `clusterviz wall --out`. It runs the viewer's scene, state and wall protocol (so a
//! headless wall shows what the windowed wall shows: the same level of detail, filters
//! and styles; a figure's differ), with rank 0 panning steadily east.

use std::time::{Duration, Instant};

use crate::app::live_scene::{LiveScene, SceneOptions};
use crate::app::state::ViewerState;
use crate::app::wall_frame::WallFrame;
use crate::data::Survey;
use crate::error::Result;
use crate::render::{BackendChoice, GpuContext, Image};
use crate::scene::{SceneSpec, marker_budget};
use crate::view::View;
use crate::wall::sync::test_hang;
use crate::wall::{Display, WallLayout, WallSync};

/// What a headless wall session drew.
pub struct WallStills {
    /// The last frame's image of each display of this process.
    pub images: Vec<(Display, Image)>,
    /// The last frame's view of the whole canvas.
    pub view: View,
    /// Time spent drawing and waiting for the other ranks, over all frames.
    pub drawing: Duration,
    pub waiting: Duration,
}

/// How many frames a headless wall draws, and how long a rank waits for the others.
#[derive(Clone, Copy, Debug)]
pub struct WallPace {
    pub frames: u64,
    pub timeout: Duration,
}

/// Draws `pace.frames` frames of `survey` (loaded and prepared from `spec`) on
/// `displays`, in lockstep with the other processes of `sync`.
pub fn render_wall_stills(
    backend: BackendChoice,
    spec: &SceneSpec,
    survey: &Survey,
    (layout, displays): (&WallLayout, &[Display]),
    sync: &dyn WallSync,
    pace: WallPace,
) -> Result<WallStills> {
    let ctx = GpuContext::new(backend)?;
    let options = SceneOptions::new(spec.view.theme, spec.style.clone());
    let mut scene = LiveScene::build(&ctx, survey, &options)?;
    let budget = marker_budget(&ctx, &spec.style);
    // One camera for the whole canvas: every display draws its part of the same view, with
    // the same level of detail.
    let start = spec
        .view
        .initial_view(&survey.outline_directions(), layout.canvas());
    let mut viewer = ViewerState::new(start, &spec.style);
    let hang = test_hang(sync.rank());
    let mut out = WallStills {
        images: Vec::new(),
        view: start,
        drawing: Duration::ZERO,
        waiting: Duration::ZERO,
    };
    for frame in 0..pace.frames {
        // Rank 0 owns the camera and sends the frame, as the windowed wall's viewer does;
        // the others take it.
        let mut panned = start;
        panned.center_deg.0 =
            (start.center_deg.0 + frame as f64 * start.fov_deg / 100.0).rem_euclid(360.0);
        let mut message = WallFrame::new(panned, &viewer, budget, true, 1).encode();
        sync.broadcast(&mut message);
        let shared = WallFrame::decode(&message)?;
        shared.apply_to(&mut viewer);
        out.view = shared.view;
        let t = Instant::now();
        scene.sync(&ctx, &viewer, &out.view, shared.budget);
        out.images.clear();
        for d in displays {
            let part = out.view.with_sub(d.rect);
            out.images
                .push((*d, scene.renderer.render_tiled(&ctx, &part, 8192)?));
        }
        out.drawing += t.elapsed();
        if hang {
            // A hung process, for testing how the session ends.
            std::thread::sleep(Duration::from_secs(3600));
        }
        let t = Instant::now();
        sync.barrier(frame, pace.timeout);
        out.waiting += t.elapsed();
    }
    Ok(out)
}
