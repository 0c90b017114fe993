//! The WGSL HEALPix hash against cdshealpix: ≥ 1M directions per tested depth, uniform
//! over the sphere plus directions crowded at the poles, at the equatorial/polar zone
//! boundary (|z| = 2/3) and on base-cell edges. Every mismatch is listed.

mod common;

use clusterviz::data::rng::Rng;
use clusterviz::render::healpix::HealpixPrecision;
use clusterviz::render::healpix::hasher::GpuHasher;
use glam::DVec3;

fn from_lonlat(lon: f64, lat: f64) -> DVec3 {
    DVec3::new(lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin())
}

/// 1M directions: 40% uniform, 20% within 0.1° of a pole, 20% near |z| = 2/3, 20% near
/// the base-cell edges (meridians at multiples of 45° and the cells' diagonal edges).
fn directions(seed: u64) -> Vec<(f64, f64)> {
    let mut rng = Rng::new(seed);
    let n = 1_000_000;
    let mut out = Vec::with_capacity(n);
    let tiny = |rng: &mut Rng| rng.range(-1.0, 1.0) * 10f64.powf(rng.range(-12.0, -3.0));
    for i in 0..n {
        let (lon, lat) = match i % 5 {
            0 | 1 => (
                rng.range(0.0, std::f64::consts::TAU),
                rng.range(-1.0, 1.0).asin(),
            ),
            2 => {
                let s = if rng.uniform() < 0.5 { 1.0 } else { -1.0 };
                (
                    rng.range(0.0, std::f64::consts::TAU),
                    s * (std::f64::consts::FRAC_PI_2 - rng.range(0.0, 0.1f64.to_radians())),
                )
            }
            3 => {
                let s = if rng.uniform() < 0.5 { 1.0 } else { -1.0 };
                (
                    rng.range(0.0, std::f64::consts::TAU),
                    (s * 2.0 / 3.0 + tiny(&mut rng)).clamp(-1.0, 1.0).asin(),
                )
            }
            _ => {
                let k = (rng.uniform() * 8.0).floor();
                let z: f64 = rng.range(-1.0, 1.0);
                (k * std::f64::consts::FRAC_PI_4 + tiny(&mut rng), z.asin())
            }
        };
        out.push((lon.rem_euclid(std::f64::consts::TAU), lat));
    }
    out
}

/// True when a direction within `e` rad of (l, b) lies in cell `cell`: the point sits on
/// an edge closer than the shader's arithmetic can resolve (a few ulps of a unit vector:
/// 2e-16 in f64, 5e-7 in f32).
fn on_edge(layer: &cdshealpix::nested::Layer, l: f64, b: f64, cell: u64, e: f64) -> bool {
    [
        (e, 0.0),
        (-e, 0.0),
        (0.0, e),
        (0.0, -e),
        (e, e),
        (-e, -e),
        (e, -e),
        (-e, e),
    ]
    .iter()
    .any(|&(dl, db)| {
        layer.hash(
            l + dl / b.cos().max(1e-300),
            (b + db).clamp(-std::f64::consts::FRAC_PI_2, std::f64::consts::FRAC_PI_2),
        ) == cell
    })
}

#[test]
fn gpu_hash_equals_cdshealpix() {
    let ctx = common::gpu();
    let hasher = GpuHasher::new(&ctx);
    let depths: &[u8] = match hasher.precision {
        HealpixPrecision::Exact64 => &[0, 1, 3, 6, 10, 12, 14, 18, 22, 26, 29],
        HealpixPrecision::Float32 => {
            eprintln!(
                "NOTE: no 64-bit shader types on {}: checking depths ≤ 8 only, where f32 is exact enough",
                ctx.info.name
            );
            &[0, 2, 5, 8]
        }
    };
    let tie = match hasher.precision {
        HealpixPrecision::Exact64 => 2e-16,
        HealpixPrecision::Float32 => 5e-7,
    };
    let lonlat = directions(99);
    let dirs: Vec<DVec3> = lonlat.iter().map(|&(l, b)| from_lonlat(l, b)).collect();
    let mut report = Vec::new();
    for &depth in depths {
        let gpu = hasher.hash(&ctx, &dirs, depth).unwrap();
        let layer = cdshealpix::nested::get(depth);
        let mut bad = 0;
        let mut ties = 0;
        for (i, (&(lon, lat), &g)) in lonlat.iter().zip(&gpu).enumerate() {
            // cdshealpix from the same vector the GPU saw.
            let d = dirs[i];
            // atan2 keeps the latitude exact near the poles, where asin(z) does not.
            let (l, b) = (
                d.y.atan2(d.x).rem_euclid(std::f64::consts::TAU),
                d.z.atan2(d.x.hypot(d.y)),
            );
            let want = layer.hash(l, b);
            if g != want && on_edge(layer, l, b, g, tie) {
                // Within f64 rounding of a cell edge the input itself cannot decide.
                ties += 1;
                continue;
            }
            if g != want {
                bad += 1;
                if bad <= 20 {
                    report.push(format!(
                        "depth {depth}: ({lon:.15}, {lat:.15}) GPU {g} cdshealpix {want}"
                    ));
                }
            }
        }
        eprintln!(
            "depth {depth}: {bad} mismatches, {ties} ties on cell edges, in {}",
            dirs.len()
        );
        if bad > 20 {
            report.push(format!("depth {depth}: ... {bad} mismatches in all"));
        }
    }
    assert!(report.is_empty(), "mismatches:\n{}", report.join("\n"));
}
