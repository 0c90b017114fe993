//! Render N catalog points to a 2048² PNG on whatever adapter is found (the software
//! Vulkan here): upload excluded, draw + readback + PNG encoding measured.
//! Also a level-of-detail draw of many short ranges against one range of as many points,
//! and galaxy markers with and without their rim.
//! `cargo bench --bench render_points` (see BENCHMARKS.md for the figures).

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

use clusterviz::data::rng::Rng;
use clusterviz::render::{BackendChoice, GpuContext, PointInstance, SceneRenderer};
use clusterviz::scene::SceneStyle;
use clusterviz::scene::layers::galaxy_style;
use clusterviz::sky::{Frame, Projection, unit_vector};
use clusterviz::view::{ColorBy, MarkerShape, PointStyle, Rgba, SizeBy, Theme, View};

fn points(n: usize) -> Vec<PointInstance> {
    let mut rng = Rng::new(42);
    (0..n)
        .map(|_| {
            let d = unit_vector(rng.range(-10.0, 10.0), rng.range(-10.0, 10.0));
            PointInstance {
                dir: [d.x as f32, d.y as f32, d.z as f32],
                attrs: [rng.range(0.0, 2.0) as f32, 0.0, 0.0, 0.0],
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let ctx = GpuContext::new(BackendChoice::Auto).expect("GPU adapter");
    eprintln!("adapter: {} ({:?})", ctx.info.name, ctx.info.backend);
    let view = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 30.0, (2048, 2048));
    let mut group = c.benchmark_group("render_points_2048");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    let sizes: Vec<usize> = std::env::var("CLUSTERVIZ_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000, 10_000_000]);
    for n in sizes {
        let inst = points(n);
        let mut r = SceneRenderer::new(&ctx);
        let style = PointStyle::new(
            MarkerShape::Circle,
            SizeBy::Fixed(1.6),
            ColorBy::Fixed(Rgba::rgb8(200, 210, 230).with_alpha(0.3)),
        );
        r.add_points(&ctx, "points", &inst, style).unwrap();
        group.measurement_time(Duration::from_secs_f64(3.0 + n as f64 * 2e-6 * 12.0));
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| {
                let img = r.render_image(&ctx, &view).unwrap();
                img.encode_png(&[]).unwrap()
            })
        });
    }
    group.finish();

    // Level of detail over the whole sky: one marker from each of 88,888 groups, as
    // many draw ranges (drawn by instance id), against the same count as one range.
    let mut group = c.benchmark_group("render_lod_ranges_2048");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    let inst = points(800_000);
    let mut r = SceneRenderer::new(&ctx);
    let style = PointStyle::new(
        MarkerShape::Circle,
        SizeBy::Fixed(1.6),
        ColorBy::Fixed(Rgba::rgb8(200, 210, 230).with_alpha(0.3)),
    );
    let id = r.add_points(&ctx, "points", &inst, style).unwrap();
    let drawn = inst.len() as u32 / 9;
    let scattered: Vec<_> = (0..drawn).map(|i| 9 * i..9 * i + 1).collect();
    for (name, ranges) in [
        ("88888_ranges", scattered),
        ("one_range", std::iter::once(0..drawn).collect()),
    ] {
        r.set_point_draw_ranges(&ctx, id, Some(ranges));
        group.bench_function(name, |b| {
            b.iter(|| {
                let img = r.render_image(&ctx, &view).unwrap();
                img.encode_png(&[]).unwrap()
            })
        });
    }
    group.finish();

    // The galaxies' rim (session 34): the same crowded markers (galaxy style at opacity
    // 0.2) with and without their 0.7 px halo, over a 25° field, so its cost is read as a
    // ratio measured in the same minute.
    let mut group = c.benchmark_group("galaxy_rim_2048");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    let inst = points(300_000);
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 25.0, (2048, 2048));
    let with_rim = galaxy_style(Theme::Dark, &SceneStyle::default(), 300_000);
    let without_rim = PointStyle {
        halo: None,
        ..with_rim
    };
    let mut r = SceneRenderer::new(&ctx);
    let id = r.add_points(&ctx, "galaxies", &inst, with_rim).unwrap();
    for (name, style) in [("with_rim", with_rim), ("without_rim", without_rim)] {
        r.set_point_style(&ctx, id, style);
        group.bench_function(name, |b| {
            b.iter(|| {
                let img = r.render_image(&ctx, &view).unwrap();
                img.encode_png(&[]).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
