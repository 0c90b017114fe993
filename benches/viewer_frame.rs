//! The viewer's real render loop (egui panels, input handling, level of detail, sky and
//! overlays) at 1280×800 on the demo survey, driven offscreen by synthetic input:
//! frame time while panning (a drag step per frame) and while zooming (a wheel notch per
//! frame). `cargo bench --bench viewer_frame` (figures in BENCHMARKS.md);
//! CLUSTERVIZ_BENCH_GALAXIES sets the demo's galaxy count (default 1M).

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use glam::DVec2;

use clusterviz::app::headless::HeadlessViewer;
use clusterviz::app::loader::SceneOptions;
use clusterviz::data::demo::DemoConfig;
use clusterviz::data::load::SurveyInputs;
use clusterviz::render::{BackendChoice, GpuContext};
use clusterviz::scene::marker_budget;
use clusterviz::scene::{SceneStyle, ViewSpec};
use clusterviz::sky::{Frame, Projection};
use clusterviz::view::{Theme, View};

fn viewer(galaxies: u64) -> HeadlessViewer {
    let ctx = Arc::new(GpuContext::new(BackendChoice::Auto).expect("GPU adapter"));
    eprintln!("adapter: {} ({:?})", ctx.info.name, ctx.info.backend);
    let style = SceneStyle::default();
    let budget = marker_budget(&ctx, &style);
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 10.0, (1280, 800));
    let mut v = HeadlessViewer::new(ctx, (1280, 800), view, budget).expect("viewer");
    v.frame.frame_on_load = Some(ViewSpec::default());
    let options = SceneOptions::new(Theme::Dark, style);
    v.load(demo_inputs(DemoConfig { seed: 1, galaxies }), options)
        .expect("demo loads");
    // Settle the layout and the adaptive budget.
    for _ in 0..5 {
        v.step().unwrap();
    }
    v
}

fn bench(c: &mut Criterion) {
    let galaxies = std::env::var("CLUSTERVIZ_BENCH_GALAXIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut v = viewer(galaxies);
    let mut group = c.benchmark_group(format!("viewer_1280x800_{galaxies}"));
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    // A point inside the sky view (right of the layer panel, under the menu bar).
    let at = DVec2::new(760.0, 400.0);
    v.pointer_move(at);
    v.pointer_button(at, true);
    v.step().unwrap();
    let mut x = 0.0;
    let mut dir = 1.0;
    group.bench_function("pan_frame", |b| {
        b.iter(|| {
            // Back and forth over 200 px so the view stays on the survey.
            if !(-100.0..=100.0).contains(&(x + dir * 6.0)) {
                dir = -dir;
            }
            x += dir * 6.0;
            v.pointer_move(at + DVec2::new(x, 0.3 * x));
            v.step().unwrap()
        })
    });
    v.pointer_button(at + DVec2::new(x, 0.3 * x), false);
    v.step().unwrap();
    let mut notch = 1.0;
    let mut steps = 0;
    group.bench_function("zoom_frame", |b| {
        b.iter(|| {
            steps += 1;
            if steps % 8 == 0 {
                notch = -notch;
            }
            v.wheel(notch);
            v.step().unwrap()
        })
    });
    eprintln!(
        "settled marker budget {}, map step while moving {}, resident {:.0} MiB",
        v.frame.budget.budget(),
        v.frame.moving_map_step,
        clusterviz::app::frame::resident_mib()
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// The built-in demo survey as the viewer's input.
fn demo_inputs(demo: DemoConfig) -> SurveyInputs {
    SurveyInputs {
        demo: Some(demo),
        ..SurveyInputs::default()
    }
}
