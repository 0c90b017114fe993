//! The viewer's real frames (egui panels, input, sky, overlays), rendered offscreen from
//! synthetic input: what a user's drag, wheel, click, keys and sliders do, checked on the
//! state and on the pixels.

mod common;

use std::sync::Arc;
use std::time::Duration;

use glam::DVec2;

use clusterviz::app::headless::HeadlessViewer;
use clusterviz::app::loader::SceneOptions;
use clusterviz::app::state::Range32;
use clusterviz::data::demo::DemoConfig;
use clusterviz::data::load::SurveyInputs;
use clusterviz::export::pipeline::{FigureRequest, render_figures};
use clusterviz::render::BackendChoice;
use clusterviz::scene::layers::LayerKind;
use clusterviz::scene::{FigureOptions, PageSize, SceneStyle, ViewSpec};
use clusterviz::sky::{Frame, Projection, angular_distance_deg};
use clusterviz::view::{Theme, View};

const SIZE: (u32, u32) = (1100, 700);

fn viewer(galaxies: u64) -> HeadlessViewer {
    let ctx = Arc::new(common::gpu());
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 60.0, SIZE);
    let mut v = HeadlessViewer::new(ctx, SIZE, view, 200_000).unwrap();
    v.frame.frame_on_load = Some(ViewSpec::default());
    let options = SceneOptions::new(Theme::Dark, SceneStyle::default());
    v.load(demo_inputs(DemoConfig { seed: 2, galaxies }), options)
        .unwrap();
    for _ in 0..3 {
        v.step().unwrap();
    }
    v
}

/// Window position of a canvas pixel of the sky view.
fn window_px(v: &HeadlessViewer, canvas: DVec2) -> DVec2 {
    let (x, y) = v.frame.sky_origin;
    canvas + DVec2::new(x as f64, y as f64)
}

/// A merged cluster well inside the sky view: (row, canvas pixel).
fn cluster_in_view(v: &HeadlessViewer) -> (usize, DVec2) {
    let data = v.frame.data.as_ref().unwrap();
    let merged = data.survey.merged.as_ref().unwrap();
    let view = v.frame.state.view;
    let (w, h) = (view.canvas.0 as f64, view.canvas.1 as f64);
    (0..merged.len())
        .filter(|&r| merged.snr(r) > 8.0)
        .find_map(|r| {
            let p = view.project(merged.role_view().direction(r))?;
            (p.x > 0.35 * w && p.x < 0.65 * w && p.y > 0.35 * h && p.y < 0.65 * h).then_some((r, p))
        })
        .expect("a bright cluster mid-view")
}

#[test]
fn the_first_stage_frames_the_survey_and_the_sky_is_drawn() {
    let v = viewer(20_000);
    // The demo survey straddles RA 0 around Dec -30: the view was framed on it.
    let (ra, dec) = v.frame.state.view.center_deg;
    assert!(
        !(3.0..=357.0).contains(&ra) && (dec + 30.0).abs() < 3.0,
        "{ra} {dec}"
    );
    assert!(v.frame.state.view.fov_deg < 30.0);
    let img = v.screenshot().unwrap();
    // The sky view shows colour (markers, tiles, mask) inside the window's sky area.
    let (ox, oy) = v.frame.sky_origin;
    let c = v.frame.state.view.canvas;
    let mut lit = 0;
    for y in (oy as u32..oy as u32 + c.1).step_by(7) {
        for x in (ox as u32..ox as u32 + c.0).step_by(7) {
            let p = img.pixel(x, y);
            if p[0].max(p[1]).max(p[2]) > 90 {
                lit += 1;
            }
        }
    }
    assert!(lit > 500, "only {lit} lit samples in the sky view");
    assert!(
        v.frame
            .counts_for(LayerKind::Merged)
            .is_some_and(|(_, visible, total)| visible > 100 && total >= visible)
    );
}

/// New data (a load stage, an area read again) show at once at the moving budget, even
/// on a view at rest, then fill in at the still budget on the next frame; the moving
/// budget does not learn from that first frame (it also pays the scene's uploads).
#[test]
fn new_data_show_first_at_the_moving_budget_then_fill_in_at_rest() {
    use clusterviz::app::budget::AdaptiveBudget;
    let mut v = viewer(20_000);
    let moving = 1000;
    v.frame.budget = AdaptiveBudget::new(moving, 500, 200_000, Duration::from_millis(30));
    let rest = || std::thread::sleep(Duration::from_millis(300));
    rest();
    v.step().unwrap();
    let still = v.frame.lod.drawn;
    assert!(still > 4 * moving, "a view at rest draws {still} markers");
    // The same survey loaded again: a new scene.
    let options = SceneOptions::new(Theme::Dark, SceneStyle::default());
    v.load(
        demo_inputs(DemoConfig {
            seed: 2,
            galaxies: 20_000,
        }),
        options,
    )
    .unwrap();
    rest();
    v.step().unwrap();
    let first = v.frame.lod.drawn;
    assert!(
        first > 0 && first <= moving,
        "first frame of new data: {first}"
    );
    assert_eq!(v.frame.budget.budget(), moving);
    assert_eq!(
        v.repaint_after(),
        Some(Duration::ZERO),
        "the still frame comes next"
    );
    v.step().unwrap();
    assert_eq!(v.frame.lod.drawn, still);
    // The panel's count follows the still frame's markers, shown by the frame after.
    let drawn = |v: &HeadlessViewer| v.frame.counts_for(LayerKind::Galaxies).map(|c| c.0);
    assert_eq!(drawn(&v), Some(still));
    assert_eq!(
        v.repaint_after(),
        Some(Duration::ZERO),
        "new counts shown next"
    );
    // Nothing more to draw once at rest.
    v.step().unwrap();
    assert_eq!(v.frame.lod.drawn, still);
    assert_eq!(drawn(&v), Some(still));
    assert_ne!(v.repaint_after(), Some(Duration::ZERO), "at rest");
}

#[test]
fn dragging_moves_the_grabbed_point_with_the_pointer() {
    let mut v = viewer(20_000);
    let start = DVec2::new(300.0, 250.0);
    let grabbed = v.frame.state.view.unproject(start).unwrap();
    let w0 = window_px(&v, start);
    v.pointer_move(w0);
    v.step().unwrap();
    v.pointer_button(w0, true);
    v.step().unwrap();
    // Steps 1-3 one per frame, 4 and 5 in one frame, and the last move in the frame
    // that releases the button, as slow frames gather events.
    for k in 1..=3 {
        v.pointer_move(w0 + DVec2::new(20.0 * k as f64, 8.0 * k as f64));
        v.step().unwrap();
    }
    v.pointer_move(w0 + DVec2::new(80.0, 32.0));
    v.pointer_move(w0 + DVec2::new(100.0, 40.0));
    v.step().unwrap();
    let end = start + DVec2::new(120.0, 48.0);
    v.pointer_move(w0 + DVec2::new(120.0, 48.0));
    v.pointer_button(w0 + DVec2::new(120.0, 48.0), false);
    v.step().unwrap();
    let under = v.frame.state.view.unproject(end).unwrap();
    let px = v.frame.state.view.pixel_scale_deg();
    assert!(
        angular_distance_deg(grabbed, under) < 1.5 * px,
        "grabbed point is {:.2} px from the pointer",
        angular_distance_deg(grabbed, under) / px
    );
}

#[test]
fn wheel_zooms_about_the_pointer_and_keys_pan_and_reset() {
    let mut v = viewer(20_000);
    let fov0 = v.frame.state.view.fov_deg;
    let at = DVec2::new(500.0, 300.0);
    let under = v.frame.state.view.unproject(at).unwrap();
    v.pointer_move(window_px(&v, at));
    v.step().unwrap();
    v.wheel(1.0);
    v.step().unwrap();
    let fov1 = v.frame.state.view.fov_deg;
    assert!(fov1 < fov0 * 0.95, "{fov0} -> {fov1}");
    let now = v.frame.state.view.unproject(at).unwrap();
    assert!(angular_distance_deg(under, now) < 2.0 * v.frame.state.view.pixel_scale_deg());
    let centre = v.frame.state.view.center_deg;
    v.key(egui::Key::ArrowRight);
    v.step().unwrap();
    assert_ne!(v.frame.state.view.center_deg, centre);
    v.key(egui::Key::R);
    v.step().unwrap();
    assert_eq!(v.frame.state.view.fov_deg, v.frame.state.home.fov_deg);
}

#[test]
fn clicking_a_cluster_selects_it_and_opens_its_columns() {
    let mut v = viewer(20_000);
    let before = v.screenshot().unwrap();
    let (row, p) = cluster_in_view(&v);
    let w = window_px(&v, p);
    v.pointer_move(w);
    v.step().unwrap();
    v.pointer_button(w, true);
    v.step().unwrap();
    v.pointer_button(w, false);
    // egui sizes a new window in one frame and shows it in the next.
    for _ in 0..3 {
        v.step().unwrap();
    }
    let sel = v.frame.state.selection.expect("a selection");
    // The nearest object under the pointer: the cluster itself or a detection of it.
    let data = v.frame.data.as_ref().unwrap();
    let cat = data.catalog(sel.layer).unwrap();
    let at = v
        .frame
        .state
        .view
        .project(cat.role_view().direction(sel.row as usize))
        .unwrap();
    assert!(
        at.distance(p) < 8.0,
        "selected {:?} {} px away",
        sel,
        at.distance(p)
    );
    if sel.layer == LayerKind::Merged {
        assert_eq!(sel.row as usize, row);
    }
    // The selection panel opened on the right: the window's right edge changed.
    let after = v.screenshot().unwrap();
    let x = SIZE.0 - 60;
    let changed = (60..SIZE.1 - 60)
        .step_by(4)
        .filter(|&y| before.pixel(x, y) != after.pixel(x, y))
        .count();
    assert!(
        changed > 20,
        "right panel not drawn ({changed} rows changed)"
    );
}

#[test]
fn filters_hide_markers_by_uniform_without_uploading_anything() {
    let mut v = viewer(20_000);
    let (row, p) = cluster_in_view(&v);
    let w = window_px(&v, p);
    let shown = v.screenshot().unwrap().pixel(w.x as u32, w.y as u32);
    let uploads = v.frame.ctx.data_upload_count();
    let snr = common::merged_clusters(&v).snr(row) as f32;
    // Only clusters above this one's SNR stay; hide the per-algorithm rings too.
    v.frame.state.controls.snr = Some(Range32 {
        min: snr + 0.5,
        max: f32::INFINITY,
    });
    v.frame.state.controls.algorithm = clusterviz::scene::AlgorithmChoice::Merged;
    v.frame.state.generation += 1;
    v.step().unwrap();
    let hidden = v.screenshot().unwrap().pixel(w.x as u32, w.y as u32);
    assert_ne!(shown, hidden, "the filtered cluster is still drawn");
    assert_eq!(
        v.frame.ctx.data_upload_count(),
        uploads,
        "a filter re-uploaded data"
    );
}

#[test]
fn the_screenshot_key_saves_the_view_at_the_chosen_size() {
    let mut v = viewer(20_000);
    let dir = std::env::temp_dir().join(format!("clusterviz-shot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("view.png");
    v.frame.screenshot_path = Some(path.clone());
    v.frame.panel.screenshot_size = (640, 400);
    v.pointer_move(window_px(&v, DVec2::new(200.0, 200.0)));
    v.key(egui::Key::S);
    v.step().unwrap();
    let img = clusterviz::render::Image::load_png(&path).unwrap();
    assert_eq!((img.width, img.height), (640, 400));
    assert!(
        v.frame
            .state
            .message
            .as_deref()
            .unwrap()
            .starts_with("saved")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn colouring_by_any_column_reuploads_only_the_merged_layer() {
    let mut v = viewer(20_000);
    let (row, p) = cluster_in_view(&v);
    let w = window_px(&v, p);
    // Only the merged clusters, so that the pixel is theirs.
    v.frame.state.controls.algorithm = clusterviz::scene::AlgorithmChoice::Merged;
    v.frame.state.generation += 1;
    v.step().unwrap();
    let by_z = v.screenshot().unwrap().pixel(w.x as u32, w.y as u32);
    let (uploads, _) = v.frame.ctx.data_upload_count();
    let merged = common::merged_clusters(&v);
    let code = merged.column("DET_CODE_NB").unwrap().data.get_f64(row);
    v.frame.state.controls.color_column = Some(("DET_CODE_NB".into(), 1.0, 3.0));
    v.frame.state.generation += 1;
    v.step().unwrap();
    let by_code = v.screenshot().unwrap().pixel(w.x as u32, w.y as u32);
    assert_eq!(
        v.frame.ctx.data_upload_count().0,
        uploads + 1,
        "one layer re-uploaded"
    );
    // The marker now shows the colormap at the code's place in 1..3 (viridis ends
    // differ from the redshift colour of most clusters).
    let expect = clusterviz::view::Colormap::Viridis.at((code - 1.0) / 2.0);
    let close = (0..3).all(|c| (by_code[c] as i32 - expect[c] as i32).abs() <= 40);
    assert!(
        close,
        "pixel {by_code:?}, colormap gives {expect:?} (code {code}); by z it was {by_z:?}"
    );
    // Choosing it again uploads nothing more.
    v.frame.state.generation += 1;
    v.step().unwrap();
    assert_eq!(v.frame.ctx.data_upload_count().0, uploads + 1);
}

#[test]
fn the_figure_key_saves_the_view_as_a_composed_figure_of_what_is_shown() {
    let mut v = viewer(20_000);
    let dir = std::env::temp_dir().join(format!("clusterviz-figkey-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    v.frame.screenshot_path = Some(dir.join("view.png"));
    v.frame.panel.screenshot_size = (900, 600);
    // Galaxies switched off and an SNR filter set in the panels: the figure follows.
    v.frame.state.settings_mut(LayerKind::Galaxies).visible = false;
    v.frame.state.controls.snr = Some(clusterviz::app::state::Range32 {
        min: 6.0,
        max: f32::INFINITY,
    });
    v.frame.state.generation += 1;
    v.pointer_move(window_px(&v, DVec2::new(200.0, 200.0)));
    v.step().unwrap();
    let (uploads, _) = v.frame.ctx.data_upload_count();
    let shown = v.frame.state.view;
    v.key(egui::Key::F);
    v.step().unwrap();
    // Drawn on the viewer's own device (its upload count moved), not a second context.
    assert!(v.frame.ctx.data_upload_count().0 > uploads);
    let path = dir.join("view-figure.png");
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(message.starts_with("saved"), "{message}");
    let img = clusterviz::render::Image::load_png(&path).unwrap();
    assert_eq!((img.width, img.height), (900, 600));
    // A figure, not the bare sky: the page around the plot (left of the declination
    // labels, below the axis name) is the page colour, the plot inside its frame is sky.
    let page = img.pixel(20, 20);
    assert_eq!(page, img.pixel(30, 560));
    assert_ne!(page, img.pixel(150, 30), "no framed plot in the figure");
    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    assert!(text.contains("clusterviz view"));
    // The legend lists what is shown: clusters, not galaxies.
    let style = v.frame.state.controls.figure_style(&SceneStyle::default());
    assert!(style.no_galaxies);
    assert_eq!(style.snr_min, Some(6.0));
    // The same pixels as the figure pipeline gives for that view and style, as `render`
    // draws it.
    let spec = ViewSpec {
        projection: Some(shown.projection),
        center: Some(shown.center_deg),
        fov: Some(shown.fov_deg),
        rotation: shown.rotation_deg,
        size: Some(PageSize::Pixels(900, 600)),
        frame: shown.frame,
        ..ViewSpec::default()
    };
    let expected = dir.join("render.png");
    let outputs = [expected.clone()];
    let figure = FigureOptions::default();
    let req = FigureRequest::new(&spec, &style, &figure, &outputs);
    let survey = &v.frame.data.as_ref().unwrap().survey;
    let backend = BackendChoice::from_env().unwrap_or(BackendChoice::Vulkan);
    render_figures(backend, survey, &req).unwrap();
    let rendered = clusterviz::render::Image::load_png(&expected).unwrap();
    assert!(
        rendered.rgba == img.rgba,
        "the viewer's figure differs from render's"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The built-in demo survey as the viewer's input.
fn demo_inputs(demo: DemoConfig) -> SurveyInputs {
    SurveyInputs {
        demo: Some(demo),
        ..SurveyInputs::default()
    }
}

#[test]
fn view_with_proximity_marks_and_colours_clusters_as_render_does() {
    use clusterviz::app::state::ViewerState;
    use clusterviz::data::Survey;
    use clusterviz::data::catalog::ColumnData;
    use clusterviz::data::demo::DemoSurvey;
    use clusterviz::scene::layers::NEAR_GALAXIES;
    use clusterviz::scene::{ColorRole, prepare_survey};
    let style = SceneStyle {
        proximity: Some(1.0),
        color_by: ColorRole::Near,
        no_galaxies: true,
        ..SceneStyle::default()
    };
    let demo = DemoConfig {
        seed: 2,
        galaxies: 20_000,
    };
    let ctx = Arc::new(common::gpu());
    let start = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 60.0, SIZE);
    let mut v = HeadlessViewer::new(ctx, SIZE, start, 200_000).unwrap();
    v.frame.state = ViewerState::new(start, &style);
    v.frame.frame_on_load = Some(ViewSpec::default());
    v.load(
        demo_inputs(demo),
        SceneOptions::new(Theme::Dark, style.clone()),
    )
    .unwrap();
    for _ in 0..3 {
        v.step().unwrap();
    }
    // The marks `render` computes (the figure pipeline's preparation of the same survey).
    let mut prepared = Survey::from(DemoSurvey::generate(demo));
    prepare_survey(&mut prepared, &style).unwrap();
    let marks = |s: &Survey| -> Vec<i16> {
        let c = s.merged.as_ref().unwrap().column(NEAR_GALAXIES);
        match &c.expect("merged clusters marked NEAR_GALAXIES").data {
            ColumnData::I16(v) => v.to_vec(),
            other => panic!("NEAR_GALAXIES is {other:?}"),
        }
    };
    let viewer_marks = marks(&v.frame.data.as_ref().unwrap().survey);
    assert_eq!(viewer_marks, marks(&prepared));
    assert!(viewer_marks.contains(&0) && viewer_marks.contains(&1));
    // And colours them alike: the viewer's figure of its view equals render's of it.
    let dir = common::tempdir("proximity-figure");
    v.frame.screenshot_path = Some(dir.join("view.png"));
    v.frame.panel.screenshot_size = (800, 560);
    v.frame.state.controls.algorithm = clusterviz::scene::AlgorithmChoice::Merged;
    v.frame.state.generation += 1;
    v.pointer_move(window_px(&v, DVec2::new(200.0, 200.0)));
    v.step().unwrap();
    // The galaxies were loaded for the marks only: not drawn, so not picked either.
    for x in (0..800).step_by(7) {
        v.pointer_move(window_px(&v, DVec2::new(x as f64, 200.0 + (x % 50) as f64)));
        v.step().unwrap();
        let hover = v.frame.state.hover.map(|o| o.layer);
        assert_ne!(
            hover,
            Some(LayerKind::Galaxies),
            "an undrawn galaxy was picked"
        );
    }
    let shown = v.frame.state.view;
    v.key(egui::Key::F);
    v.step().unwrap();
    let from_viewer = clusterviz::render::Image::load_png(&dir.join("view-figure.png")).unwrap();
    let spec = ViewSpec {
        projection: Some(shown.projection),
        center: Some(shown.center_deg),
        fov: Some(shown.fov_deg),
        size: Some(PageSize::Pixels(800, 560)),
        ..ViewSpec::default()
    };
    let figure_style = SceneStyle {
        algorithm: clusterviz::scene::AlgorithmChoice::Merged,
        ..style
    };
    let outputs = [dir.join("render.png")];
    let figure = FigureOptions::default();
    let req = FigureRequest::new(&spec, &figure_style, &figure, &outputs);
    let backend = BackendChoice::from_env().unwrap_or(BackendChoice::Vulkan);
    render_figures(backend, &prepared, &req).unwrap();
    let from_render = clusterviz::render::Image::load_png(&outputs[0]).unwrap();
    assert!(
        from_viewer.rgba == from_render.rgba,
        "view --proximity and render --proximity draw different figures"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn galaxies_alone_over_the_whole_sky_open_in_an_all_sky_projection() {
    use clusterviz::data::catalog::Roles;
    use clusterviz::data::{Catalog, Column, ColumnData};
    // 30 000 galaxies on a Fibonacci sphere: the first stage has nothing to frame, the
    // galaxies' stage frames them.
    let dir = common::tempdir("viewer-allsky");
    let n = 30_000;
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let (ra, dec): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|i| {
            let z = 1.0 - 2.0 * (i as f64 + 0.5) / n as f64;
            (
                (i as f64 * golden).to_degrees().rem_euclid(360.0),
                z.asin().to_degrees(),
            )
        })
        .unzip();
    let cat = Catalog {
        name: "galaxies".into(),
        columns: vec![
            Column::new("RA", "deg", ColumnData::F64(ra.into())),
            Column::new("DEC", "deg", ColumnData::F64(dec.into())),
        ],
        roles: Roles::default(),
        cache_tag: Default::default(),
    };
    let file = dir.join("sky.fits");
    clusterviz::data::fits_write::write_catalog(&cat, None, "GALAXIES", &file).unwrap();
    let ctx = Arc::new(common::gpu());
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 60.0, SIZE);
    let mut v = HeadlessViewer::new(ctx, SIZE, view, 200_000).unwrap();
    v.frame.frame_on_load = Some(ViewSpec::default());
    let inputs = SurveyInputs {
        galaxies: vec![file],
        ..Default::default()
    };
    let options = SceneOptions::new(Theme::Dark, SceneStyle::default());
    v.load(inputs, options).unwrap();
    v.step().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let view = v.frame.state.view;
    assert_eq!(view.projection, Projection::Ait, "{view:?}");
    assert_eq!(view.center_deg.0, 0.0, "{view:?}");
    assert!(view.fov_deg >= 300.0, "{view:?}");
    // The index was built on a worker; the load returned with it ready.
    let data = v.frame.data.as_ref().unwrap();
    assert!(!data.indexing());
    assert!(
        v.frame
            .counts_for(LayerKind::Galaxies)
            .is_some_and(|(_, _, total)| total == n)
    );
}

#[test]
fn the_table_key_saves_the_clusters_in_view_that_pass_the_filters() {
    use clusterviz::data::catalog_reader::read_catalog;
    use clusterviz::data::load_options::LoadOptions;
    let mut v = viewer(2_000);
    let dir = std::env::temp_dir().join(format!("clusterviz-tablekey-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    v.frame.screenshot_path = Some(dir.join("view.png"));
    // Zoomed in on the survey (some clusters out of view), an SNR filter set.
    v.pointer_move(window_px(&v, DVec2::new(200.0, 150.0)));
    v.wheel(3.0);
    v.step().unwrap();
    v.frame.state.controls.snr = Some(clusterviz::app::state::Range32 {
        min: 6.0,
        max: f32::INFINITY,
    });
    v.frame.state.generation += 1;
    v.step().unwrap();
    v.key(egui::Key::T);
    v.step().unwrap();
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(
        message.starts_with("saved") && message.contains("view-clusters-merged.fits"),
        "{message}"
    );
    // The rows written are exactly the merged clusters inside the view with SNR >= 6.
    let view = v.frame.state.view;
    let (w, h) = (view.canvas.0 as f64, view.canvas.1 as f64);
    let merged = common::merged_clusters(&v);
    let expected: Vec<(f64, f64)> = (0..merged.len())
        .filter(|&r| merged.snr(r) >= 6.0)
        .filter(|&r| {
            view.project_radec(merged.ra(r), merged.dec(r))
                .is_some_and(|p| p.x >= 0.0 && p.x <= w && p.y >= 0.0 && p.y <= h)
        })
        .map(|r| (merged.ra(r), merged.dec(r)))
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < merged.len(),
        "{} of {}",
        expected.len(),
        merged.len()
    );
    let (saved, _) = read_catalog(
        &dir.join("view-clusters-merged.fits"),
        "merged",
        &LoadOptions::default(),
    )
    .unwrap();
    let got: Vec<(f64, f64)> = (0..saved.len())
        .map(|r| (saved.ra(r), saved.dec(r)))
        .collect();
    assert_eq!(got, expected);
    // Every column of the catalog (the reader puts RA and Dec first).
    let names = |c: &clusterviz::data::Catalog| {
        let mut n: Vec<String> = c.columns.iter().map(|c| c.name.clone()).collect();
        n.sort();
        n
    };
    assert_eq!(names(&saved), names(&merged));
    assert!(
        message.contains(&format!("({} rows)", expected.len())),
        "{message}"
    );
    // Every catalog shown is written (all three by default); once only the merged
    // catalog is shown, only it.
    let file = |a: &str| dir.join(format!("view-clusters-{a}.fits"));
    for a in ["pzwav", "amico"] {
        let (cat, _) = read_catalog(&file(a), a, &LoadOptions::default()).unwrap();
        assert!(!cat.is_empty(), "{a}");
        std::fs::remove_file(file(a)).unwrap();
    }
    v.frame.state.controls.algorithm = clusterviz::scene::AlgorithmChoice::Merged;
    v.frame.state.generation += 1;
    v.key(egui::Key::T);
    v.step().unwrap();
    assert!(file("merged").exists() && !file("pzwav").exists() && !file("amico").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn millions_of_galaxies_show_first_as_a_sample_over_the_density_of_them_all() {
    use clusterviz::app::loader::{self, LoadEvent};
    use clusterviz::app::scene_data::{ObjectRef, SceneData};
    let n = 2_500_000;
    let style = SceneStyle {
        max_markers: Some(40_000),
        ..SceneStyle::default()
    };
    let ctx = Arc::new(common::gpu());
    let inputs = demo_inputs(DemoConfig {
        seed: 4,
        galaxies: n,
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let options = SceneOptions::new(Theme::Dark, style);
    let worker = loader::spawn(ctx, inputs, Default::default(), options, None, move |e| {
        let _ = tx.send(e);
    });
    let stages: Vec<(Box<SceneData>, bool)> = rx
        .into_iter()
        .filter_map(|e| match e {
            LoadEvent::Loaded { data, complete, .. } => Some((data, complete)),
            LoadEvent::Failed(m) => panic!("{m}"),
            LoadEvent::Progress { .. } => None,
        })
        .collect();
    worker.join().unwrap();
    // Clusters first, then the sample, then every galaxy.
    assert_eq!(stages.len(), 3);
    assert!(stages[0].0.survey.galaxies.is_none());
    let (preview, full) = (&stages[1].0.survey, &stages[2].0.survey);
    assert!(!stages[1].1 && stages[2].1);
    let all = full.galaxies.as_ref().unwrap();
    assert_eq!(all.len(), n as usize);
    assert!(full.galaxy_counts.is_none());
    // The sample: every k-th galaxy, about the budget's number.
    let sample = preview.galaxies.as_ref().unwrap();
    let k = (n as usize).div_ceil(40_000);
    assert_eq!(sample.len(), (n as usize).div_ceil(k));
    for r in [0, 1, 777, sample.len() - 1] {
        assert_eq!(
            (sample.ra(r), sample.dec(r), sample.z(r)),
            (all.ra(r * k), all.dec(r * k), all.z(r * k)),
            "sample row {r}"
        );
    }
    // Its density counts every galaxy, cell by cell as a count of the full catalog.
    let counts = preview.galaxy_counts.as_ref().expect("counts of all");
    let total: f64 = counts.values.iter().map(|&v| f64::from(v)).sum();
    assert_eq!(total, n as f64);
    let depth = counts.depth;
    let mut expected = std::collections::HashMap::<u64, f64>::new();
    let layer = cdshealpix::nested::get(depth);
    for r in (0..all.len()).step_by(997) {
        let cell = layer.hash(all.ra(r).to_radians(), all.dec(r).to_radians());
        expected.entry(cell).or_default();
    }
    for r in 0..all.len() {
        let cell = layer.hash(all.ra(r).to_radians(), all.dec(r).to_radians());
        if let Some(c) = expected.get_mut(&cell) {
            *c += 1.0;
        }
    }
    for (cell, count) in expected {
        assert_eq!(counts.get(cell).map(f64::from), Some(count), "cell {cell}");
    }
    // A galaxy selected in the sample is the same galaxy once every galaxy is loaded.
    let picked = ObjectRef {
        layer: LayerKind::Galaxies,
        row: 1234,
    };
    let again = stages[2].0.same_object(&stages[1].0, picked).unwrap();
    assert_eq!(again.row as usize, 1234 * k);
}

#[test]
fn the_redshift_range_recounts_the_galaxies_density_as_a_figure_counts_it() {
    let mut v = viewer(300_000);
    let sky = |v: &HeadlessViewer| -> Vec<[u8; 4]> {
        let image = v.screenshot().unwrap();
        let (x0, y0) = (v.frame.sky_origin.0 as u32, v.frame.sky_origin.1 as u32);
        let (w, h) = v.frame.state.view.canvas;
        (y0..y0 + h)
            .flat_map(|y| (x0..x0 + w).map(move |x| (x, y)))
            .map(|(x, y)| image.pixel(x, y))
            .collect()
    };
    // Frames until the count on the worker is swapped in and drawn.
    let settle = |v: &mut HeadlessViewer, z: Option<Range32>| {
        v.frame.state.controls.z = z;
        v.frame.state.generation += 1;
        v.step().unwrap();
        for _ in 0..600 {
            if !v.frame.counting_density() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
            v.step().unwrap();
        }
        assert!(!v.frame.counting_density(), "the count never ended");
        v.step().unwrap();
    };
    // The galaxies alone (the redshift range filters clusters too).
    let show_galaxies = |v: &mut HeadlessViewer, shown: bool| {
        for kind in LayerKind::ALL {
            let galaxy = matches!(kind, LayerKind::Galaxies | LayerKind::GalaxyDensity);
            v.frame
                .state
                .controls
                .layers
                .get_mut(&kind)
                .unwrap()
                .visible = galaxy && shown;
        }
        v.frame.state.generation += 1;
        v.step().unwrap();
    };
    let galaxies = v
        .frame
        .data
        .as_ref()
        .unwrap()
        .survey
        .galaxies
        .clone()
        .unwrap();
    let uploaded = shown_density(&v);
    assert_eq!(uploaded.total(), galaxies.len() as f64);
    show_galaxies(&mut v, false);
    let without = sky(&v);
    show_galaxies(&mut v, true);
    let all = sky(&v);
    let differ = |a: &[[u8; 4]], b: &[[u8; 4]]| a.iter().zip(b).filter(|(p, q)| p != q).count();
    assert!(
        differ(&all, &without) > all.len() / 10,
        "the galaxies' density does not show: {} pixels differ",
        differ(&all, &without)
    );
    // The map shown counts exactly the galaxies in the range (as the panel keeps it
    // within the data's), cell by cell; returns how many.
    let counted_exactly = |v: &HeadlessViewer| -> usize {
        let range = v.frame.state.controls.z.expect("a range");
        let counted = shown_density(v);
        assert_eq!(counted.depth, uploaded.depth);
        let layer = cdshealpix::nested::get(counted.depth);
        let mut expected = std::collections::BTreeMap::<u64, f32>::new();
        let inside: Vec<usize> = (0..galaxies.len())
            .filter(|&r| range.contains(galaxies.z(r)))
            .collect();
        for &r in &inside {
            let cell = layer.hash(galaxies.ra(r).to_radians(), galaxies.dec(r).to_radians());
            *expected.entry(cell).or_default() += 1.0;
        }
        let shown: std::collections::BTreeMap<u64, f32> = counted
            .cells
            .iter()
            .copied()
            .zip(counted.values.iter().copied())
            .collect();
        assert_eq!(shown, expected, "{range:?}");
        inside.len()
    };
    settle(&mut v, Some(Range32 { min: 0.3, max: 0.6 }));
    let n = counted_exactly(&v);
    assert!(n > 1000 && n < galaxies.len() / 2, "{n} galaxies in range");
    assert!(differ(&sky(&v), &all) > 0, "the sky did not change");
    // The highest redshift alone (the panel clamps a range beyond the data to it): the
    // sky as without galaxies, but for that galaxy's cell, marker and legend entry.
    settle(
        &mut v,
        Some(Range32 {
            min: 100.0,
            max: 200.0,
        }),
    );
    assert!(counted_exactly(&v) <= 3);
    let few = differ(&sky(&v), &without);
    assert!(
        few < all.len() / 100,
        "{few} pixels differ from the sky without galaxies"
    );
    // The range cleared: the density of them all, as first drawn.
    settle(&mut v, None);
    assert_eq!(
        differ(&sky(&v), &all),
        0,
        "the first density did not come back"
    );
}

/// A wall rank shows the galaxies' density rank 0 shows: a count it finished first is
/// held until rank 0 shows it, one it has not counted is waited for, and a cleared range
/// brings back the density of them all on both.
#[test]
fn a_wall_rank_shows_the_density_count_rank_0_shows() {
    let (mut lead, mut follow) = (viewer(300_000), viewer(300_000));
    let until_counted = |v: &mut HeadlessViewer, lead: Option<Option<Range32>>| {
        for _ in 0..600 {
            match lead {
                None => v.frame.recount_density().unwrap(),
                Some(shown) => v.frame.recount_density_following(shown).unwrap(),
            }
            if !v.frame.counting_density() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the count never ended");
    };
    let cells = |v: &HeadlessViewer| {
        let m = shown_density(v);
        (m.depth, m.cells.clone(), m.values.clone())
    };
    let everything = cells(&lead);
    assert_eq!(cells(&follow), everything);
    let first = Some(Range32 { min: 0.3, max: 0.6 });
    lead.frame.state.controls.z = first;
    follow.frame.state.controls.z = first;
    // The follower counts first; rank 0 still shows every galaxy, and so does it.
    until_counted(&mut follow, Some(None));
    assert_eq!(follow.frame.density_range_shown(), None);
    assert_eq!(cells(&follow), everything);
    until_counted(&mut lead, None);
    assert_eq!(lead.frame.density_range_shown(), first);
    assert_ne!(cells(&lead), everything);
    // Rank 0's frame says it shows the range: the follower shows its held count.
    follow
        .frame
        .recount_density_following(lead.frame.density_range_shown())
        .unwrap();
    assert_eq!(follow.frame.density_range_shown(), first);
    assert_eq!(cells(&follow), cells(&lead));
    // A range the follower has not begun to count: it counts it before going on.
    let second = Some(Range32 { min: 0.6, max: 1.0 });
    lead.frame.state.controls.z = second;
    until_counted(&mut lead, None);
    assert_eq!(lead.frame.density_range_shown(), second);
    follow.frame.state.controls.z = second;
    follow.frame.recount_density_following(second).unwrap();
    assert_eq!(follow.frame.density_range_shown(), second);
    assert_eq!(cells(&follow), cells(&lead));
    // The range cleared: the density of them all on both.
    lead.frame.state.controls.z = None;
    until_counted(&mut lead, None);
    follow.frame.state.controls.z = None;
    follow
        .frame
        .recount_density_following(lead.frame.density_range_shown())
        .unwrap();
    assert_eq!(cells(&lead), everything);
    assert_eq!(cells(&follow), everything);
}

/// The galaxies' density map the viewer's scene shows.
fn shown_density(v: &HeadlessViewer) -> Arc<clusterviz::data::HealpixMap> {
    let scene = v.frame.scene.as_ref().expect("a scene");
    scene.galaxy_density().expect("a galaxy density").clone()
}
