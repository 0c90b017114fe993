//! Demo galaxies: members around the true clusters (Plummer profiles whose angular size
//! shrinks with redshift) plus a uniform field population. Generated in parallel chunks,
//! each with its own random stream, so the result does not depend on the thread count.

use rayon::prelude::*;

use super::{TILE_SIDE_DEG, random_in_patch};
use crate::data::catalog::Roles;
use crate::data::rng::Rng;
use crate::data::{Catalog, Column, ColumnData, TileSet};

/// Share of galaxies that belong to clusters.
const MEMBER_FRACTION: f64 = 0.2;
const CHUNK: u64 = 1 << 18;

struct Chunk {
    ra: Vec<f64>,
    dec: Vec<f64>,
    z: Vec<f32>,
    mag: Vec<f32>,
}

pub fn make_galaxies(truth: &Catalog, _tiles: &TileSet, cfg: super::DemoConfig) -> Catalog {
    let richness = truth
        .column("RICHNESS")
        .map(|c| {
            (0..truth.len())
                .map(|i| c.data.get_f64(i))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    // Members are shared out in proportion to richness.
    let mut cdf = Vec::with_capacity(richness.len());
    let mut acc = 0.0;
    for r in &richness {
        acc += r;
        cdf.push(acc);
    }
    let n_chunks = cfg.galaxies.div_ceil(CHUNK);
    let chunks: Vec<Chunk> = (0..n_chunks)
        .into_par_iter()
        .map(|k| {
            let n = CHUNK.min(cfg.galaxies - k * CHUNK) as usize;
            let mut rng = Rng::stream(cfg.seed, 1000 + k);
            let mut c = Chunk {
                ra: Vec::with_capacity(n),
                dec: Vec::with_capacity(n),
                z: Vec::with_capacity(n),
                mag: Vec::with_capacity(n),
            };
            for _ in 0..n {
                let member = !cdf.is_empty() && rng.uniform() < MEMBER_FRACTION;
                let (ra, dec, z, mag) = if member {
                    let target = rng.uniform() * acc;
                    let i = cdf.partition_point(|&x| x < target).min(cdf.len() - 1);
                    let zc = truth.z(i);
                    // Core radius about 150 kpc: ~0.6' at z = 0.5, smaller further away.
                    let core_deg = 0.012 * (0.5 / zc.max(0.15)).powf(0.8);
                    let u = rng.uniform().min(0.995);
                    let r = core_deg * (u / (1.0 - u)).sqrt();
                    let phi = rng.range(0.0, std::f64::consts::TAU);
                    let dec = truth.dec(i) + r * phi.sin();
                    let ra = truth.ra(i) + r * phi.cos() / dec.to_radians().cos();
                    let z = zc + 0.04 * (1.0 + zc) * rng.normal();
                    let mag = 19.0 + 2.5 * zc + 3.0 * rng.uniform().powf(0.6);
                    (ra, dec, z, mag)
                } else {
                    let (ra, dec) = random_in_patch(&mut rng);
                    let z = 0.05 + 2.5 * rng.uniform().powf(1.3);
                    let mag = 24.5 - 4.5 * rng.uniform().powf(2.2);
                    (ra, dec, z, mag)
                };
                c.ra.push(ra.rem_euclid(360.0));
                c.dec.push(dec.clamp(-90.0, 90.0));
                c.z.push(z.max(0.01) as f32);
                c.mag.push(mag as f32);
            }
            c
        })
        .collect();
    let total = cfg.galaxies as usize;
    let (mut ra, mut dec, mut z, mut mag) = (
        Vec::with_capacity(total),
        Vec::with_capacity(total),
        Vec::with_capacity(total),
        Vec::with_capacity(total),
    );
    for c in chunks {
        ra.extend(c.ra);
        dec.extend(c.dec);
        z.extend(c.z);
        mag.extend(c.mag);
    }
    Catalog {
        name: "galaxies".into(),
        columns: vec![
            Column::new(
                "OBJECT_ID",
                "",
                ColumnData::I64((1..=total as i64).collect()),
            ),
            Column::new("RIGHT_ASCENSION", "deg", ColumnData::F64(ra.into())),
            Column::new("DECLINATION", "deg", ColumnData::F64(dec.into())),
            Column::new("PHZ_MEDIAN", "", ColumnData::F32(z.into())),
            Column::new("MAG_VIS", "mag", ColumnData::F32(mag.into())),
        ],
        roles: Roles {
            ra: "RIGHT_ASCENSION".into(),
            dec: "DECLINATION".into(),
            z: Some("PHZ_MEDIAN".into()),
            snr: None,
            id: Some("OBJECT_ID".into()),
        },
        cache_tag: Default::default(),
    }
}

/// Index into the demo's tile list of the tile whose CORE holds (ra, dec), if any.
pub fn core_tile_index(ra: f64, dec: f64) -> Option<usize> {
    use super::{DEC_MAX, DEC_MIN, RA_MAX, RA_MIN};
    if !(DEC_MIN..DEC_MAX).contains(&dec) {
        return None;
    }
    let mut a = ra;
    if a < RA_MIN {
        a += 360.0;
    }
    if !(RA_MIN..RA_MAX).contains(&a) {
        return None;
    }
    let bands = ((DEC_MAX - DEC_MIN) / TILE_SIDE_DEG).round() as usize;
    let band = (((dec - DEC_MIN) / TILE_SIDE_DEG) as usize).min(bands - 1);
    let mut first = 0;
    for b in 0..=band {
        let dec0 = DEC_MIN + b as f64 * TILE_SIDE_DEG;
        let cos_dec = (dec0 + TILE_SIDE_DEG / 2.0).to_radians().cos();
        let n = ((RA_MAX - RA_MIN) * cos_dec / TILE_SIDE_DEG)
            .round()
            .max(1.0) as usize;
        if b == band {
            let i = (((a - RA_MIN) / (RA_MAX - RA_MIN) * n as f64) as usize).min(n - 1);
            return Some(first + i);
        }
        first += n;
    }
    None
}
