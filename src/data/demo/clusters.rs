//! True clusters and their detection by two algorithms, with scatter, misses and false
//! detections, then a merged catalog that matches detections across algorithms.

use super::random_in_patch;
use crate::data::catalog::Roles;
use crate::data::rng::Rng;
use crate::data::{Catalog, Column, ColumnData};
use crate::sky::{angular_distance_deg, unit_vector};

/// Surface density of true clusters (about Euclid's expectation).
const CLUSTERS_PER_DEG2: f64 = 13.0;

/// How one detection algorithm sees the sky.
pub struct Algorithm {
    pub name: &'static str,
    pub stream: u64,
    /// Log-normal SNR scatter and additive noise.
    pub snr_scatter: f64,
    pub position_error_arcmin: f64,
    pub z_error: f64,
    pub false_per_deg2: f64,
}

pub const PZWAV: Algorithm = Algorithm {
    name: "PZWAV",
    stream: 11,
    snr_scatter: 0.18,
    position_error_arcmin: 0.35,
    z_error: 0.03,
    false_per_deg2: 1.2,
};

pub const AMICO: Algorithm = Algorithm {
    name: "AMICO",
    stream: 12,
    snr_scatter: 0.14,
    position_error_arcmin: 0.25,
    z_error: 0.02,
    false_per_deg2: 0.8,
};

pub const SNR_THRESHOLD: f64 = 3.0;

fn patch_area_deg2() -> f64 {
    use super::{DEC_MAX, DEC_MIN, RA_MAX, RA_MIN};
    (RA_MAX - RA_MIN).to_radians()
        * (DEC_MAX.to_radians().sin() - DEC_MIN.to_radians().sin())
        * (180.0 / std::f64::consts::PI).powi(2)
}

fn cluster_catalog(name: &str, ra: Vec<f64>, dec: Vec<f64>, z: Vec<f32>, snr: Vec<f32>) -> Catalog {
    let n = ra.len() as i64;
    Catalog {
        name: name.to_string(),
        columns: vec![
            Column::new("ID", "", ColumnData::I64((1..=n).collect())),
            Column::new("RA_CLUSTER", "deg", ColumnData::F64(ra.into())),
            Column::new("DEC_CLUSTER", "deg", ColumnData::F64(dec.into())),
            Column::new("Z_CLUSTER", "", ColumnData::F32(z.into())),
            Column::new("SNR_CLUSTER", "", ColumnData::F32(snr.into())),
        ],
        roles: Roles {
            ra: "RA_CLUSTER".into(),
            dec: "DEC_CLUSTER".into(),
            z: Some("Z_CLUSTER".into()),
            snr: Some("SNR_CLUSTER".into()),
            id: Some("ID".into()),
        },
        cache_tag: Default::default(),
    }
}

/// The true clusters: positions, redshift, richness-driven SNR, and RICHNESS.
pub fn true_clusters(seed: u64) -> Catalog {
    let mut rng = Rng::stream(seed, 1);
    let n = rng.poisson(CLUSTERS_PER_DEG2 * patch_area_deg2()) as usize;
    let (mut ra, mut dec, mut z, mut snr, mut rich) = (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let (a, d) = random_in_patch(&mut rng);
        // Redshifts peak near 0.8 and run from 0.1 to 2.
        let zz = (0.1
            + 0.45 * (rng.uniform() + rng.uniform() + rng.uniform() + rng.uniform()) * 0.95)
            .min(2.0);
        let richness = (3.2 + 0.55 * rng.normal()).exp();
        let s = 0.9 * richness.powf(0.62) * (-0.45 * (zz - 0.5)).exp();
        ra.push(a);
        dec.push(d);
        z.push(zz as f32);
        snr.push(s as f32);
        rich.push(richness as f32);
    }
    let mut cat = cluster_catalog("truth", ra, dec, z, snr);
    cat.columns
        .push(Column::new("RICHNESS", "", ColumnData::F32(rich.into())));
    cat
}

/// What `alg` detects: true clusters above threshold after scatter, plus false ones.
pub fn detect(truth: &Catalog, alg: Algorithm, seed: u64) -> Catalog {
    let mut rng = Rng::stream(seed, alg.stream);
    let (mut ra, mut dec, mut z, mut snr) = (vec![], vec![], vec![], vec![]);
    for i in 0..truth.len() {
        let s = truth.snr(i) * (alg.snr_scatter * rng.normal()).exp() + 0.4 * rng.normal();
        // Draw every random number even for misses, so catalogs stay aligned across seeds.
        let (dx, dy) = (rng.normal(), rng.normal());
        let dz = rng.normal();
        if s < SNR_THRESHOLD {
            continue;
        }
        let err = alg.position_error_arcmin / 60.0;
        let d = truth.dec(i) + dy * err;
        ra.push((truth.ra(i) + dx * err / d.to_radians().cos()).rem_euclid(360.0));
        dec.push(d);
        z.push((truth.z(i) + alg.z_error * (1.0 + truth.z(i)) * dz).max(0.01) as f32);
        snr.push(s as f32);
    }
    let n_false = rng.poisson(alg.false_per_deg2 * patch_area_deg2());
    for _ in 0..n_false {
        let (a, d) = random_in_patch(&mut rng);
        ra.push(a);
        dec.push(d);
        z.push(rng.range(0.2, 1.8) as f32);
        // False detections crowd the threshold.
        snr.push((SNR_THRESHOLD - 0.7 * rng.uniform().max(1e-9).ln()) as f32);
    }
    cluster_catalog(alg.name, ra, dec, z, snr)
}

/// Matches detections of the two algorithms (within 1.5' and |Δz| < 0.05(1+z)),
/// highest SNR first; DET_CODE_NB is 1 for PZWAV only, 2 for AMICO only, 3 for both.
pub fn merge(pzwav: &Catalog, amico: &Catalog) -> Catalog {
    let dirs_a = amico.directions();
    let mut order: Vec<usize> = (0..pzwav.len()).collect();
    order.sort_by(|&i, &j| pzwav.snr(j).total_cmp(&pzwav.snr(i)));
    let mut taken = vec![false; amico.len()];
    let (mut ra, mut dec, mut z, mut snr, mut code) = (vec![], vec![], vec![], vec![], vec![]);
    for i in order {
        let d = unit_vector(pzwav.ra(i), pzwav.dec(i));
        let zi = pzwav.z(i);
        let best = (0..amico.len())
            .filter(|&j| !taken[j] && (amico.z(j) - zi).abs() < 0.05 * (1.0 + zi))
            .map(|j| (j, angular_distance_deg(d, dirs_a[j])))
            .filter(|&(_, sep)| sep < 1.5 / 60.0)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((j, _)) => {
                taken[j] = true;
                // Position and redshift from the better detection, as merged catalogs do.
                let (src, row) = if amico.snr(j) > pzwav.snr(i) {
                    (amico, j)
                } else {
                    (pzwav, i)
                };
                ra.push(src.ra(row));
                dec.push(src.dec(row));
                z.push(src.z(row) as f32);
                snr.push(pzwav.snr(i).max(amico.snr(j)) as f32);
                code.push(3i16);
            }
            None => {
                ra.push(pzwav.ra(i));
                dec.push(pzwav.dec(i));
                z.push(zi as f32);
                snr.push(pzwav.snr(i) as f32);
                code.push(1);
            }
        }
    }
    for j in (0..amico.len()).filter(|&j| !taken[j]) {
        ra.push(amico.ra(j));
        dec.push(amico.dec(j));
        z.push(amico.z(j) as f32);
        snr.push(amico.snr(j) as f32);
        code.push(2);
    }
    let mut cat = cluster_catalog("merged", ra, dec, z, snr);
    cat.columns
        .push(Column::new("DET_CODE_NB", "", ColumnData::I16(code.into())));
    cat
}
