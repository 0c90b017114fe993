//! Loading a 10M-row FITS catalog (the demo galaxies: OBJECT_ID K, RIGHT_ASCENSION D,
//! DECLINATION D, PHZ_MEDIAN E, MAG_VIS E; 32 bytes a row) with all columns.
//! `cargo bench --bench load_catalog`; the file is made once in target/bench-data.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use clusterviz::data::catalog_fits::{LoadOptions, read_catalog};
use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::data::fits_write::write_catalog;

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
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
