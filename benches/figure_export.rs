//! Figure export of the demo survey (1M galaxies, clusters, tiles, mask) on whatever
//! adapter is found (the software Vulkan here): the composition alone (layout, grid,
//! labels, the SVG document), and whole 4000×3000 PNG and PDF figures (upload once, then
//! render + overlay + encode + write). `cargo bench --bench figure_export`; BENCHMARKS.md
//! has the figures and the 10M-galaxy command-line runs.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

use clusterviz::cli::args::parse_render_args;
use clusterviz::data::Survey;
use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::export::pipeline::{FigureRequest, render_figures};
use clusterviz::export::{Decorations, Figure, FigureStyle};
use clusterviz::render::BackendChoice;
use clusterviz::sky::{Frame, Projection};
use clusterviz::view::{Theme, View};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("figure_export");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.bench_function("compose_4000x3000_tan", |b| {
        b.iter(|| {
            let style = FigureStyle {
                size: (4000, 3000),
                dpi: 500.0,
                font_pt: 10.0,
                title: Some("Demo".into()),
                grid_format: Default::default(),
                grid_lines: true,
                theme: Theme::Light,
            };
            let fig = Figure::compose(style, Decorations::default(), Vec::new(), |s| {
                View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 13.0, s)
            })
            .unwrap();
            fig.svg(None, false, "")
        })
    });
    let survey = Survey::from(DemoSurvey::generate(DemoConfig {
        seed: 1,
        galaxies: 1_000_000,
    }));
    let dir = std::env::temp_dir().join(format!("clusterviz-bench-fig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    group.measurement_time(Duration::from_secs(20));
    for out in ["f.png", "f.pdf"] {
        let spec = parse_render_args(&[
            "--demo",
            "--theme",
            "light",
            "--size",
            "4000x3000",
            "--title",
            "Demo",
        ])
        .unwrap()
        .spec();
        let outputs = [dir.join(out)];
        let req = FigureRequest::new(&spec.view, &spec.style, &spec.figure, &outputs);
        group.bench_function(format!("demo_1m_4000x3000_{out}"), |b| {
            b.iter(|| render_figures(BackendChoice::Auto, &survey, &req).unwrap())
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
