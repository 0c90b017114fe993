//! HEALPix maps end to end, FITS file → PNG 2048 px wide, on whatever adapter is found:
//! read + pyramid + upload + compute rasterization + readback + PNG encoding.
//! `cargo bench --bench render_mask`; the map files are made once in target/bench-maps
//! (also used for the command-line and healpy timings in BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use clusterviz::data::HealpixMap;
use clusterviz::data::fits_write::{write_healpix_full_ring, write_healpix_partial};
use clusterviz::data::healpix_fits::read_healpix_map;
use clusterviz::render::{BackendChoice, GpuContext, SceneRenderer};
use clusterviz::sky::{Frame, Projection};
use clusterviz::view::{Colormap, MapStyle, View};

/// A disc of `area_deg2` around (ra, dec) at `depth`, with smoothly varying weights.
fn disc_map(depth: u8, ra: f64, dec: f64, area_deg2: f64) -> HealpixMap {
    let radius = (1.0
        - area_deg2 / (2.0 * std::f64::consts::PI * (180.0 / std::f64::consts::PI).powi(2)))
    .acos();
    let bmoc =
        clusterviz::sky::coverage::cone_coverage(depth, ra.to_radians(), dec.to_radians(), radius);
    let cells: Vec<u64> = bmoc.flat_iter().collect();
    let layer = cdshealpix::nested::get(depth);
    let values = cells
        .iter()
        .map(|&c| {
            let (l, b) = layer.center(c);
            (0.6 + 0.4 * (7.0 * l).sin() * (5.0 * b).cos()) as f32
        })
        .collect();
    HealpixMap {
        depth,
        frame: Frame::Icrs,
        value_name: "WEIGHT".into(),
        cells,
        values,
    }
}

fn full_sky(depth: u8) -> HealpixMap {
    let n = 12u64 << (2 * depth);
    let layer = cdshealpix::nested::get(depth);
    let values = (0..n)
        .map(|c| {
            let (l, b) = layer.center(c);
            ((3.0 * b).cos() + (2.0 * l).sin()) as f32
        })
        .collect();
    HealpixMap {
        depth,
        frame: Frame::Galactic,
        value_name: "I_STOKES".into(),
        cells: (0..n).collect(),
        values,
    }
}

/// The bench maps, written once.
pub fn bench_maps() -> Vec<(&'static str, PathBuf)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-maps");
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        (
            "nside4096_1000deg2",
            dir.join("partial_n4096_1000deg2.fits"),
        ),
        (
            "nside16384_100deg2",
            dir.join("partial_n16384_100deg2.fits"),
        ),
        ("nside1024_fullsky", dir.join("fullsky_n1024_ring.fits")),
    ];
    if !files[0].1.exists() {
        write_healpix_partial(&disc_map(12, 150.0, 2.0, 1000.0), &files[0].1).unwrap();
    }
    if !files[1].1.exists() {
        write_healpix_partial(&disc_map(14, 150.0, 2.0, 100.0), &files[1].1).unwrap();
    }
    if !files[2].1.exists() {
        write_healpix_full_ring(&full_sky(10), &files[2].1).unwrap();
    }
    files.to_vec()
}

fn render(ctx: &GpuContext, path: &Path, view: &View) -> Vec<u8> {
    let map = read_healpix_map(path, None).unwrap();
    let mut r = SceneRenderer::new(ctx);
    let range = map.default_color_range();
    r.add_map(ctx, "map", map, MapStyle::new(Colormap::Viridis, range))
        .unwrap();
    r.render_image(ctx, view).unwrap().encode_png(&[]).unwrap()
}

fn bench(c: &mut Criterion) {
    let ctx = GpuContext::new(BackendChoice::Auto).expect("GPU adapter");
    eprintln!("adapter: {} ({:?})", ctx.info.name, ctx.info.backend);
    let maps = bench_maps();
    let mut g = c.benchmark_group("map_fits_to_png");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15));
    let mol = View::new(
        Projection::Mol,
        Frame::Icrs,
        (150.0, 0.0),
        360.0,
        (2048, 1024),
    );
    let tan = |fov| {
        View::new(
            Projection::Tan,
            Frame::Icrs,
            (150.0, 2.0),
            fov,
            (2048, 2048),
        )
    };
    let cases = [
        ("nside4096_1000deg2/mol", &maps[0].1, mol),
        ("nside4096_1000deg2/tan_zoom_5deg", &maps[0].1, tan(5.0)),
        ("nside16384_100deg2/tan_12deg", &maps[1].1, tan(12.0)),
        ("nside1024_fullsky/mol", &maps[2].1, mol),
    ];
    for (name, path, view) in cases {
        g.bench_function(name, |b| b.iter(|| render(&ctx, path, &view)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
