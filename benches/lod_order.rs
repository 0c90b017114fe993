//! Level of detail's preparation: ordering a catalog by cell and priority with its count
//! map ([`LodOrder::with_counts`]), on the demo's galaxies (10M; CLUSTERVIZ_BENCH_GALAXIES
//! changes it), against sorting every object by (cell, priority) at once; and on a HATS
//! catalog's sample as the viewer reads it (800k rows uniform over the whole sky, about
//! one per level-of-detail group), and a panning frame's draw ranges over that sample;
//! and a one-view figure's pick ([`LodPick`]) of an all-sky catalog (10M rows uniform
//! over the sphere; CLUSTERVIZ_BENCH_SKY changes it): its groups and counts, then the
//! rows a full-sky view draws at the software budget. `cargo bench --bench lod_order`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

use clusterviz::data::Catalog;
use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::data::rng::Rng;
use clusterviz::scene::survey_layers::{DENSITY_DEPTH, SMOOTH_MEAN, SOFTWARE_MARKER_BUDGET};
use clusterviz::sky::{Frame, Projection};
use clusterviz::view::View;
use clusterviz::view::lod::{LodOrder, LodPick, hash_priority};

fn bench(c: &mut Criterion) {
    let galaxies = std::env::var("CLUSTERVIZ_BENCH_GALAXIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let demo = DemoSurvey::generate(DemoConfig { seed: 1, galaxies });
    let cat = demo.galaxies;
    let mut g = c.benchmark_group(format!("lod_order_{galaxies}"));
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("order_and_counts", |b| {
        b.iter(|| LodOrder::with_counts(&cat, DENSITY_DEPTH).0.rows.len())
    });
    // The plain way: hash, then one parallel sort of all objects.
    let layer = cdshealpix::nested::get(DENSITY_DEPTH);
    g.bench_function("hash_and_sort_all", |b| {
        b.iter(|| {
            let mut keys: Vec<(u64, u64)> = (0..cat.len())
                .into_par_iter()
                .map(|r| {
                    let cell = layer.hash(cat.ra(r).to_radians(), cat.dec(r).to_radians());
                    (cell, hash_priority(r as u64))
                })
                .collect();
            keys.par_sort_unstable();
            keys.len()
        })
    });
    g.finish();
    let sample = uniform_sky(800_000, 7);
    let mut g = c.benchmark_group("lod_order_all_sky_800k");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("order_and_counts", |b| {
        b.iter(|| LodOrder::with_counts(&sample, DENSITY_DEPTH).0.rows.len())
    });
    // The viewer's sample of a HATS catalog, whose density shows the skymap's counts.
    g.bench_function("order_alone", |b| {
        b.iter(|| LodOrder::new(&sample).rows.len())
    });
    // A viewer frame's level of detail while panning the all-sky view: the sky's edge
    // shows, so every group cell is tested against the view.
    let order = LodOrder::new(&sample);
    let view = View::new(
        Projection::Ait,
        Frame::Icrs,
        (40.0, 10.0),
        250.0,
        (1030, 750),
    );
    g.bench_function("draw_ranges_ait_panned", |b| {
        b.iter(|| order.draw_ranges(&view, 20_000).0.len())
    });
    g.finish();
    let n_sky = std::env::var("CLUSTERVIZ_BENCH_SKY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let sky = uniform_sky(n_sky, 11);
    let mut g = c.benchmark_group(format!("lod_pick_all_sky_{n_sky}"));
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("pick_with_counts", |b| {
        b.iter(|| {
            LodPick::with_counts(&sky, DENSITY_DEPTH, SMOOTH_MEAN)
                .1
                .cells
                .len()
        })
    });
    // The figure's view: the whole sky in Aitoff on a 2048x1024 page.
    let (pick, _) = LodPick::with_counts(&sky, DENSITY_DEPTH, SMOOTH_MEAN);
    let view = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, (1800, 900));
    let (ranges, _) = pick.draw_ranges(&view, SOFTWARE_MARKER_BUDGET);
    g.bench_function("rows_drawn_full_sky", |b| {
        b.iter(|| pick.rows_drawn(&sky, &ranges).len())
    });
    g.finish();
}

/// `n` rows uniform over the sphere.
fn uniform_sky(n: usize, seed: u64) -> Catalog {
    let mut rng = Rng::new(seed);
    let (ra, dec): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|_| {
            let z = 2.0 * rng.uniform() - 1.0;
            (360.0 * rng.uniform(), z.asin().to_degrees())
        })
        .unzip();
    Catalog::of_positions("sky", ra, dec)
}

criterion_group!(benches, bench);
criterion_main!(benches);
