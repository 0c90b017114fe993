//! `clusterviz wall`: one view over a grid of displays. In windows on one machine (a
//! full-screen window per monitor, driven by the viewer), or headless: each display's part
//! of the view (bezels hidden) written as a PNG, for all displays, one process's
//! (`--rank`), or each MPI rank's own (`--mpi`, frames locked by a barrier).

use crate::app::{WallPace, WallPlan, render_wall_stills};
use crate::cli::args::WallArgs;
use crate::cli::figure_file::{parse_toml, render_args_of};
use crate::error::{Error, Result};
use crate::export::pipeline::{reproduction_metadata, view_description};
use crate::render::BackendChoice;
use crate::scene::{SceneSpec, load_prepared_in};
use crate::wall::{Display, Solo, WallLayout, WallSync, bounding_rect};
use std::time::Duration;

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
    let spec = args.spec();
    spec.style.check().map_err(|e| Error::file(path, e))?;
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
    // Each rank loads the data itself (from shared storage), out-of-core galaxies only
    // where its displays look.
    let cone = displays_cone(&spec, &layout, &displays, a.frames);
    let survey = load_prepared_in(&spec, cone, crate::data::progress::Progress::terminal())?;
    let pace = WallPace {
        frames: a.frames,
        timeout: Duration::from_secs_f64(a.timeout),
    };
    let stills = render_wall_stills(backend, &spec, &survey, (&layout, &displays), &*sync, pace)?;
    let (images, view, canvas) = (&stills.images, stills.view, layout.canvas());
    let description = view_description(&view, &survey.source);
    for (d, image) in images {
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
        per(stills.drawing),
        per(stills.waiting)
    );
    Ok(())
}

/// The sky `displays` show over `frames` stills (each pans a hundredth of the field), as
/// (RA, Dec, radius) in degrees: where this process reads out-of-core galaxies. `None`
/// when the view is framed on the data, or shows the sky's edge or a hemisphere.
fn displays_cone(
    spec: &SceneSpec,
    layout: &WallLayout,
    displays: &[Display],
    frames: u64,
) -> Option<(f64, f64, f64)> {
    if spec.view.frames_data() {
        return None;
    }
    let view = spec.view.initial_view(&[], layout.canvas());
    let part = view.with_sub(bounding_rect(displays)?);
    // A few pixels more, for markers centred just outside that still show.
    let (centre, radius) = crate::view::cell_culling::view_cone(&part, 8.0)?;
    let (ra, dec) = crate::sky::lonlat_deg(centre);
    let panned = frames.saturating_sub(1) as f64 * view.fov_deg / 100.0;
    let radius = radius.to_degrees() + panned;
    (radius < 90.0).then_some((ra, dec, radius))
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
