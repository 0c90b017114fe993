//! Loading a 10M-row FITS catalog (the demo galaxies: OBJECT_ID K, RIGHT_ASCENSION D,
//! DECLINATION D, PHZ_MEDIAN E, MAG_VIS E; 32 bytes a row) with all columns.
//! `cargo bench --bench load_catalog`; the file is made once in target/bench-data.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use clusterviz::data::cache::DiskCache;
use clusterviz::data::catalog_reader::read_catalog;
use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::data::fits_write::write_catalog;
use clusterviz::data::load_options::LoadOptions;

pub fn catalog_10m() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("galaxies_10m.fits");
    if !path.exists() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 1,
            galaxies: 10_000_000,
        });
        write_catalog(&s.galaxies, None, "CATRED", &path).unwrap();
    }
    path
}

/// Reads every RA value (as a slice, the way hot loops do).
fn sum_ra(cat: &clusterviz::data::Catalog) -> f64 {
    match &cat.column("RIGHT_ASCENSION").unwrap().data {
        clusterviz::data::ColumnData::F64(v) => v.iter().sum(),
        _ => unreachable!("RA is stored as doubles"),
    }
}

fn bench(c: &mut Criterion) {
    let path = catalog_10m();
    let mut g = c.benchmark_group("load_fits_10m_rows");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("all_columns", |b| {
        b.iter(|| {
            read_catalog(&path, "galaxies", &LoadOptions::default())
                .unwrap()
                .0
                .len()
        })
    });
    // The same load through the disk cache (memory tier off): the entry is written once,
    // then each reload maps it (checksum over all 320 MB included) and sums the RA
    // column, so the data are really read.
    let cache_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/cache");
    let mut disk = DiskCache::new(cache_dir);
    disk.memory_budget = 0;
    let cached = LoadOptions {
        cache: Some(disk.clone()),
        ..LoadOptions::default()
    };
    read_catalog(&path, "galaxies", &cached).unwrap();
    g.bench_function("disk_cache_reload_and_sum_ra", |b| {
        b.iter(|| {
            let (cat, _) = read_catalog(&path, "galaxies", &cached).unwrap();
            sum_ra(&cat)
        })
    });
    // And from the memory tier: the catalog loaded before, handed out again.
    let in_memory = LoadOptions {
        cache: Some(DiskCache {
            memory_budget: 8 << 30,
            ..disk
        }),
        ..LoadOptions::default()
    };
    read_catalog(&path, "galaxies", &in_memory).unwrap();
    g.bench_function("memory_cache_reload_and_sum_ra", |b| {
        b.iter(|| {
            let (cat, _) = read_catalog(&path, "galaxies", &in_memory).unwrap();
            sum_ra(&cat)
        })
    });
    g.bench_function("parse_and_sum_ra", |b| {
        b.iter(|| {
            let (cat, _) = read_catalog(&path, "galaxies", &LoadOptions::default()).unwrap();
            sum_ra(&cat)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
