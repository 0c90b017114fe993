//! Reading a HATS catalog (issue 16): 10M rows uniform over the sky (RA, DEC f64; Z,
//! MAG f32), imported once by `clusterviz import` into target/bench-data: every row;
//! the sample a software-rendered figure asks for (800 000 rows: four times its
//! 200 000 markers, read as the first rows of each partition); a 1° cone.
//! `cargo bench --bench hats_catalog`. Figures at 100M and 1B rows are in BENCHMARKS.md.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use clusterviz::data::catalog::{Catalog, Column, ColumnData, Roles};
use clusterviz::data::fits_write::write_catalog;
use clusterviz::data::hats::read_hats;
use clusterviz::data::hats_import::{ImportOptions, import_hats};
use clusterviz::data::load_options::{LoadOptions, Pushdown};
use clusterviz::data::rng::Rng;

fn catalog_10m() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let hats = dir.join("hats_bench_uniform_10m");
    if hats.exists() {
        return hats;
    }
    let n = 10_000_000;
    let mut rng = Rng::new(7);
    let mut cols = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        cols.0.push(rng.range(0.0, 360.0));
        cols.1.push(rng.range(-1.0, 1.0).asin().to_degrees());
        cols.2.push(rng.range(0.0, 2.0) as f32);
        cols.3.push(rng.range(18.0, 25.0) as f32);
    }
    let cat = Catalog {
        name: "uniform".into(),
        columns: vec![
            Column::new("RA", "deg", ColumnData::F64(cols.0.into())),
            Column::new("DEC", "deg", ColumnData::F64(cols.1.into())),
            Column::new("Z", "", ColumnData::F32(cols.2.into())),
            Column::new("MAG", "", ColumnData::F32(cols.3.into())),
        ],
        roles: Roles {
            ra: "RA".into(),
            dec: "DEC".into(),
            z: Some("Z".into()),
            snr: None,
            id: None,
        },
        cache_tag: Default::default(),
    };
    let fits = dir.join("uniform_10m_for_hats.fits");
    write_catalog(&cat, None, "GALAXIES", &fits).unwrap();
    let opts = ImportOptions {
        roles: Default::default(),
        hdu: None,
        max_rows: 1_000_000,
        highest_order: 10,
        lowest_order: 0,
        name: "uniform".into(),
        replace: false,
        piece_rows: None,
        progress: None,
    };
    import_hats(std::slice::from_ref(&fits), &hats, &opts).unwrap();
    std::fs::remove_file(fits).ok();
    hats
}

fn bench(c: &mut Criterion) {
    let hats = catalog_10m();
    let mut g = c.benchmark_group("hats_uniform_10m");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("every_row", |b| {
        b.iter(|| {
            read_hats(&hats, "g", &LoadOptions::default())
                .unwrap()
                .catalog
                .len()
        })
    });
    let sample = LoadOptions {
        sample_rows: Some(800_000),
        ..Default::default()
    };
    g.bench_function("sample_800k", |b| {
        b.iter(|| read_hats(&hats, "g", &sample).unwrap().catalog.len())
    });
    let cone = LoadOptions {
        filter: Pushdown {
            cone: Some((150.0, 2.0, 1.0)),
            ..Default::default()
        },
        ..Default::default()
    };
    g.bench_function("cone_1deg", |b| {
        b.iter(|| read_hats(&hats, "g", &cone).unwrap().catalog.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
