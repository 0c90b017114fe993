//! The demo coverage mask: NESTED cells at nside 4096 over the tiles' CORE areas, with a
//! smoothly varying depth weight, holes around bright stars and one tile never observed.

use rayon::prelude::*;

use super::MASK_DEPTH;
use crate::data::rng::Rng;
use crate::data::{HealpixMap, TileSet};
use crate::sky::{Frame, unit_vector};

pub fn make_mask(tiles: &TileSet, seed: u64) -> HealpixMap {
    let mut rng = Rng::stream(seed, 21);
    // The CORE areas tile the patch without overlap, so their union is the footprint.
    let mut cells: Vec<u64> = tiles
        .tiles
        .par_iter()
        .flat_map_iter(|t| {
            let ring: Vec<(f64, f64)> = t.core[0]
                .iter()
                .map(|&(a, d)| (a.to_radians(), d.to_radians()))
                .collect();
            let bmoc = crate::sky::coverage::polygon_coverage(MASK_DEPTH, &ring, true);
            bmoc.flat_iter().collect::<Vec<u64>>()
        })
        .collect();
    cells.par_sort_unstable();
    cells.dedup();

    // Bright-star holes: 1' to 6' radius.
    let stars: Vec<(glam::DVec3, f64)> = (0..260)
        .map(|_| {
            let (a, d) = super::random_in_patch(&mut rng);
            let radius = (1.0 + 5.0 * rng.uniform().powi(3)) / 60.0;
            (unit_vector(a, d), radius.to_radians().cos())
        })
        .collect();
    // One tile with no data at all, as after a failed observation.
    let lost = &tiles.tiles[(rng.next_u64() % tiles.tiles.len() as u64) as usize].core[0];
    let (lo, hi) = bounds(lost);
    let phase: Vec<f64> = (0..4)
        .map(|_| rng.range(0.0, std::f64::consts::TAU))
        .collect();

    let layer = cdshealpix::nested::get(MASK_DEPTH);
    let kept: Vec<(u64, f32)> = cells
        .par_iter()
        .filter_map(|&cell| {
            let (lon, lat) = layer.center(cell);
            let (ra, dec) = (lon.to_degrees(), lat.to_degrees());
            let v = unit_vector(ra, dec);
            if stars.iter().any(|(c, cos_r)| v.dot(*c) > *cos_r) {
                return None;
            }
            let a = if ra < 180.0 { ra + 360.0 } else { ra };
            if a > lo.0 && a < hi.0 && dec > lo.1 && dec < hi.1 {
                return None;
            }
            // Depth varies smoothly between about 0.55 and 1.
            let w = 0.78
                + 0.12 * (a * 0.9 + phase[0]).sin() * (dec * 1.3 + phase[1]).cos()
                + 0.08 * (a * 3.1 + dec * 2.3 + phase[2]).sin()
                + 0.02 * (a * 17.0 + phase[3]).sin();
            Some((cell, w.clamp(0.0, 1.0) as f32))
        })
        .collect();
    HealpixMap {
        depth: MASK_DEPTH,
        frame: Frame::Icrs,
        value_name: "WEIGHT".into(),
        cells: kept.iter().map(|k| k.0).collect(),
        values: kept.iter().map(|k| k.1).collect(),
    }
}

/// Bounding box of a demo ring with RA unwrapped past 360.
fn bounds(ring: &[(f64, f64)]) -> ((f64, f64), (f64, f64)) {
    let unwrap = |a: f64| if a < 180.0 { a + 360.0 } else { a };
    let mut lo = (f64::MAX, f64::MAX);
    let mut hi = (f64::MIN, f64::MIN);
    for &(a, d) in ring {
        let a = unwrap(a);
        lo = (lo.0.min(a), lo.1.min(d));
        hi = (hi.0.max(a), hi.1.max(d));
    }
    (lo, hi)
}
