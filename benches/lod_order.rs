//! Level of detail's preparation: ordering a catalog by cell and priority with its count
//! map ([`LodOrder::with_counts`]), on the demo's galaxies (10M; CLUSTERVIZ_BENCH_GALAXIES
//! changes it), against sorting every object by (cell, priority) at once.
//! `cargo bench --bench lod_order`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rayon::prelude::*;

use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::scene::survey_layers::DENSITY_DEPTH;
use clusterviz::view::lod::{LodOrder, hash_priority};

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
