//! Demo tiles: Dec bands of square CORE cells with overlapping LEV1 footprints.

use super::{DEC_MAX, DEC_MIN, RA_MAX, RA_MIN, TILE_MARGIN_DEG, TILE_SIDE_DEG, wrap_ra};
use crate::data::{Tile, TileSet};

pub fn make_tiles() -> TileSet {
    let mut tiles = Vec::new();
    let bands = ((DEC_MAX - DEC_MIN) / TILE_SIDE_DEG).round() as usize;
    for band in 0..bands {
        let dec0 = DEC_MIN + band as f64 * TILE_SIDE_DEG;
        let dec1 = dec0 + TILE_SIDE_DEG;
        // Tiles are about square on the sky: fewer per band away from the equator.
        let cos_dec = ((dec0 + dec1) / 2.0).to_radians().cos();
        let n = ((RA_MAX - RA_MIN) * cos_dec / TILE_SIDE_DEG)
            .round()
            .max(1.0) as usize;
        let step = (RA_MAX - RA_MIN) / n as f64;
        let margin_ra = TILE_MARGIN_DEG / cos_dec;
        for i in 0..n {
            let ra0 = RA_MIN + i as f64 * step;
            let rect = |a0: f64, a1: f64, d0: f64, d1: f64| {
                vec![vec![
                    (wrap_ra(a0), d0),
                    (wrap_ra(a1), d0),
                    (wrap_ra(a1), d1),
                    (wrap_ra(a0), d1),
                ]]
            };
            tiles.push(Tile {
                // Euclid-style 9-digit tile IDs.
                id: format!("1020{:02}{:03}", band, i),
                core: rect(ra0, ra0 + step, dec0, dec1),
                lev1: rect(
                    ra0 - margin_ra,
                    ra0 + step + margin_ra,
                    dec0 - TILE_MARGIN_DEG,
                    dec1 + TILE_MARGIN_DEG,
                ),
            });
        }
    }
    TileSet { tiles }
}
