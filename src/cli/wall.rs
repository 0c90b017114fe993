//! `clusterviz wall`: one view over a grid of displays. Headless so far: each display's
//! part of the view (bezels hidden) is written as a PNG, for all displays or one process's
//! (`--rank`). Windowed and MPI walls are still to come.

use crate::cli::args::{PageSize, WallArgs};
use crate::cli::figure::view_description;
use crate::cli::figure_file::{parse_toml, render_args_of};
use crate::cli::render::{load_survey, survey_view};
use crate::cli::scene::{add_survey_layers, apply_level_of_detail};
use crate::error::{Error, Result};
use crate::render::{BackendChoice, GpuContext, SceneRenderer};
use crate::wall::WallLayout;

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
    let displays = layout.displays(a.rank)?;
    let (args, _) = render_args_of(path, &table)?;
    let Some(out) = &a.out else {
        return Err(Error::user(
            "windowed walls are not available yet: give --out DIR to write each display's part \
             of the view as a PNG",
        ));
    };
    if out.exists() && !out.is_dir() {
        return Err(Error::file(out, "exists and is not a folder"));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::file(out, format!("cannot create: {e}")))?;
    let survey = load_survey(&args)?;
    let ctx = GpuContext::new(backend)?;
    let mut renderer = SceneRenderer::new(&ctx);
    renderer.set_theme(&ctx, args.view.theme);
    let layers = add_survey_layers(&ctx, &mut renderer, &survey, args.view.theme, &args.style)?;
    // One camera for the whole canvas: every display draws its part of the same view, with
    // the same level of detail.
    let canvas = layout.canvas();
    let mut view_args = args.view.clone();
    view_args.size = Some(PageSize::Pixels(canvas.0, canvas.1));
    let view = survey_view(&survey, &view_args);
    apply_level_of_detail(&mut renderer, &layers, &view);
    let description = view_description(&view, &survey.source);
    for d in displays {
        let image = renderer.render_tiled(&ctx, &view.with_sub(d.rect), 8192)?;
        let file = out.join(format!("display_c{}_r{}.png", d.column, d.row));
        let r = d.rect;
        let meta = [
            (
                "Software",
                format!("clusterviz {}", env!("CARGO_PKG_VERSION")),
            ),
            ("clusterviz view", description.clone()),
            (
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
            ),
        ];
        image.save_png(&file, &meta)?;
        eprintln!("{}: display ({}, {})", file.display(), d.column, d.row);
    }
    Ok(())
}
