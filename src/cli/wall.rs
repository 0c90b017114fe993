//! `clusterviz wall`: one view over a grid of displays. In windows on one machine (a
//! full-screen window per monitor, driven by the viewer), or headless: each display's part
//! of the view (bezels hidden) written as a PNG, for all displays, one process's
//! (`--rank`), or each MPI rank's own (`--mpi`, frames locked by a barrier).

use crate::app::live_scene::{LiveScene, SceneOptions};
use crate::app::state::ViewerState;
use crate::app::wall_displays::WallPlan;
use crate::cli::args::{PageSize, WallArgs};
use crate::cli::figure::view_description;
use crate::cli::figure_file::{parse_toml, render_args_of};
use crate::cli::render::{load_survey, reproduction_metadata, survey_view};
use crate::cli::scene::marker_budget;
use crate::error::{Error, Result};
use crate::render::{BackendChoice, GpuContext};
use crate::wall::sync::test_hang;
use crate::wall::{Solo, WallLayout, WallSync};
use std::time::{Duration, Instant};

pub fn run(backend: BackendChoice, a: &WallArgs) -> Result<()> {
    let path = &a.config;
    let text = std::fs::read_to_string(path).map_err(|e| Error::file(path, e))?;
    let mut table = parse_toml(path, &text)?;
    let Some(toml::Value::Table(wall)) = table.remove("wall") else {
        return Err(Error::file(
            path,
            "has no [wall] section (columns, rows, display, bezel, ranks)",
        ));
    };
    for section in ["figure", "output"] {
        if table.contains_key(section) {
            return Err(Error::file(
                path,
                format!("a wall file has no [{section}] section: a wall shows the sky alone"),
            ));
        }
    }
    if table
        .get("view")
        .and_then(|v| v.as_table())
        .is_some_and(|v| v.contains_key("size"))
    {
        return Err(Error::file(
            path,
            "[view] size: the wall's displays and bezels set the canvas size",
        ));
    }
    let layout = WallLayout::from_table(path, &wall)?;
    let (args, _) = render_args_of(path, &table)?;
    args.style.check().map_err(|e| Error::file(path, e))?;
    if !(a.timeout > 0.0 && a.timeout.is_finite()) || a.frames == 0 {
        return Err(Error::user(
            "--timeout must be positive seconds and --frames at least 1",
        ));
    }
    if a.out.is_none() && !crate::app::display_available() {
        return Err(Error::user(
            "no display (DISPLAY and WAYLAND_DISPLAY are unset) for the wall's windows: give \
             --out DIR to write each display's part of the view as a PNG",
        ));
    }
    let sync = start_sync(a.mpi)?;
    let rank = if a.mpi { Some(sync.rank()) } else { a.rank };
    // Every rank checks the same things, so all of them stop together on a bad job.
    if a.mpi && sync.size() != layout.ranks.len() {
        return Err(Error::file(
            path,
            format!(
                "lists {} ranks but the MPI job has {} processes",
                layout.ranks.len(),
                sync.size()
            ),
        ));
    }
    let displays = layout.displays(rank)?;
    let Some(out) = &a.out else {
        return windowed(backend, a, layout, displays, sync, &args);
    };
    if out.exists() && !out.is_dir() {
        return Err(Error::file(out, "exists and is not a folder"));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::file(out, format!("cannot create: {e}")))?;
    // Each rank loads the data itself (from shared storage).
    let survey = load_survey(&args)?;
    let ctx = GpuContext::new(backend)?;
    // The viewer's scene and state, so that a headless wall shows what the windowed wall
    // shows: the same level of detail, filters and styles (a figure's differ).
    let options = SceneOptions::new(args.view.theme, args.style.clone());
    let mut scene = LiveScene::build(&ctx, &survey, &options)?;
    let budget = marker_budget(&ctx, &args.style);
    // One camera for the whole canvas: every display draws its part of the same view, with
    // the same level of detail.
    let canvas = layout.canvas();
    let mut view_args = args.view.clone();
    view_args.size = Some(PageSize::Pixels(canvas.0, canvas.1));
    let start = survey_view(&survey, &view_args);
    let mut viewer = ViewerState::new(start, &args.style);
    let timeout = Duration::from_secs_f64(a.timeout);
    let hang = test_hang(sync.rank());
    let (mut drawing, mut waiting) = (Duration::ZERO, Duration::ZERO);
    let mut images = Vec::new();
    let mut view = start;
    for frame in 0..a.frames {
        // Rank 0 owns the camera (here a steady pan east); the others take its state.
        let camera = [
            start.center_deg.0 + frame as f64 * start.fov_deg / 100.0,
            start.center_deg.1,
            start.fov_deg,
            start.rotation_deg,
        ];
        let mut message = bytemuck::cast_slice::<f64, u8>(&camera).to_vec();
        sync.broadcast(&mut message);
        let state: [f64; 4] = bytemuck::pod_read_unaligned(&message);
        view.center_deg = (state[0].rem_euclid(360.0), state[1]);
        view.fov_deg = state[2];
        view.rotation_deg = state[3];
        let t = Instant::now();
        viewer.view = view;
        scene.sync(&ctx, &mut viewer, budget);
        images.clear();
        for d in &displays {
            images.push((
                *d,
                scene
                    .renderer
                    .render_tiled(&ctx, &view.with_sub(d.rect), 8192)?,
            ));
        }
        drawing += t.elapsed();
        if hang {
            // A hung process, for testing how the session ends.
            std::thread::sleep(Duration::from_secs(3600));
        }
        let t = Instant::now();
        sync.barrier(frame, timeout);
        waiting += t.elapsed();
    }
    let description = view_description(&view, &survey.source);
    for (d, image) in &images {
        let file = out.join(format!("display_c{}_r{}.png", d.column, d.row));
        let r = d.rect;
        // As every figure: the tool, the command line, the data; then the view and the
        // display's place in it.
        let mut meta = reproduction_metadata(&survey.source);
        meta.push(("clusterviz view", description.clone()));
        meta.push((
            "clusterviz wall display",
            format!(
                "column {} row {} of {}x{}: canvas x {}..{}, y {}..{} of {}x{}",
                d.column,
                d.row,
                layout.columns,
                layout.rows,
                r.x,
                r.x + r.width,
                r.y,
                r.y + r.height,
                canvas.0,
                canvas.1
            ),
        ));
        image.save_png(&file, &meta)?;
        report!("{}: display ({}, {})", file.display(), d.column, d.row);
    }
    let per = |t: Duration| t.as_secs_f64() * 1e3 / a.frames as f64;
    report!(
        "rank {} of {}: {} frames, drawing {:.1} ms and waiting for the other ranks {:.1} ms per frame",
        sync.rank(),
        sync.size(),
        a.frames,
        per(drawing),
        per(waiting)
    );
    Ok(())
}

/// The wall in windows, driven by the viewer of this process (rank 0) or following it.
fn windowed(
    backend: BackendChoice,
    a: &WallArgs,
    layout: WallLayout,
    displays: Vec<crate::wall::Display>,
    sync: Box<dyn WallSync>,
    args: &crate::cli::args::RenderArgs,
) -> Result<()> {
    let mut launch = crate::cli::viewer_launch(backend, args)?;
    launch.title = format!("clusterviz wall — {}", a.config.display());
    launch.wall = Some(WallPlan {
        displays,
        layout,
        console: !a.no_console,
        ratio: 1.0,
        side_by_side: a.side_by_side,
        sync,
        timeout: Duration::from_secs_f64(a.timeout),
    });
    crate::app::run(launch)
}

/// The processes of this wall: MPI ranks with `--mpi`, else this process alone.
fn start_sync(mpi: bool) -> Result<Box<dyn WallSync>> {
    if !mpi {
        return Ok(Box::new(Solo));
    }
    #[cfg(feature = "mpi")]
    {
        Ok(Box::new(crate::wall::mpi::MpiSync::start()?))
    }
    #[cfg(not(feature = "mpi"))]
    {
        Err(Error::user(
            "this clusterviz was built without MPI: build it with `cargo build --release \
             --features mpi` (needs libopenmpi-dev and libclang-dev)",
        ))
    }
}
