//! The spatial index on 10M random directions: build time, 0.1° cone queries against a
//! brute-force scan, and proximity marking. `cargo bench --bench sky_index`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use glam::DVec3;
use rayon::prelude::*;

use clusterviz::data::rng::Rng;
use clusterviz::sky::index::SkyIndex;
use clusterviz::sky::unit_vector;

fn dirs(n: usize, seed: u64) -> Vec<DVec3> {
    (0..n)
        .into_par_iter()
        .map(|i| {
            let mut r = Rng::stream(seed, i as u64);
            unit_vector(r.range(0.0, 360.0), r.range(-1.0, 1.0).asin().to_degrees())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let points = dirs(10_000_000, 1);
    let queries = dirs(100_000, 2);
    let mut g = c.benchmark_group("sky_index_10m");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("build", |b| {
        b.iter(|| SkyIndex::build(points.clone()).unwrap().len())
    });
    let index = SkyIndex::build(points.clone()).unwrap();
    g.bench_function("100k_cones_0.1deg", |b| {
        b.iter(|| {
            queries
                .par_iter()
                .map(|&q| index.cone(q, 0.1).len())
                .sum::<usize>()
        })
    });
    let cos_r = 0.1f64.to_radians().cos();
    g.bench_function("brute_force_1_cone_0.1deg", |b| {
        b.iter(|| {
            points
                .par_iter()
                .filter(|p| p.dot(queries[0]) >= cos_r)
                .count()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
