//! The spatial index on 10M random directions: build time, 0.1° cone queries against a
//! brute-force scan; and the tree of a cached 10M-galaxy catalog opened from the disk
//! cache (mapped, checksummed, validated) against building it. `cargo bench --bench sky_index`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use glam::DVec3;
use rayon::prelude::*;

use clusterviz::data::cache::DiskCache;
use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::data::fits_write::write_catalog;
use clusterviz::data::load_options::LoadOptions;
use clusterviz::data::rng::Rng;
use clusterviz::sky::unit_vector;
use clusterviz::view::index::SkyIndex;

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
    // A 10M-galaxy catalog in the disk cache, its tree stored beside it.
    let dir = std::env::temp_dir().join(format!("clusterviz-bench-index-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = DemoSurvey::generate(DemoConfig {
        seed: 1,
        galaxies: 10_000_000,
    });
    let source = dir.join("galaxies.fits");
    write_catalog(&demo.galaxies, None, "CATRED", &source).unwrap();
    let opts = LoadOptions {
        cache: Some(DiskCache::new(dir.join("cache"))),
        ..Default::default()
    };
    let (cat, _) = read_catalog(&source, "galaxies", &opts).unwrap();
    let cat_dirs = cat.directions();
    assert!(
        !SkyIndex::cached(cat_dirs.clone(), &cat.cache_tag)
            .unwrap()
            .is_mapped()
    );
    g.bench_function("catalog_tree_build", |b| {
        b.iter(|| SkyIndex::build(cat_dirs.clone()).unwrap().len())
    });
    g.bench_function("catalog_tree_open_cached", |b| {
        b.iter(|| {
            let index = SkyIndex::cached(cat_dirs.clone(), &cat.cache_tag).unwrap();
            assert!(index.is_mapped());
            index.len()
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
