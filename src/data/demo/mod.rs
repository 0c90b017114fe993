//! The built-in demo survey: a Euclid-like patch of sky straddling RA = 0, deterministic
//! from a seed. Tiles, true clusters, two detection algorithms (PZWAV, AMICO) and their
//! merged catalog, galaxies around the clusters plus a field population, and a HEALPix
//! coverage mask with holes.

mod clusters;
pub(crate) mod galaxies;
mod mask;
mod tiles;
mod write;

use crate::data::{Catalog, HealpixMap, TileSet};

pub use galaxies::core_tile_index;
pub use write::{remove_written, write_survey};

/// The patch: RA from 354° through 0° to 6°, Dec from -34° to -26°.
pub const RA_MIN: f64 = 354.0;
pub const RA_MAX: f64 = 366.0;
pub const DEC_MIN: f64 = -34.0;
pub const DEC_MAX: f64 = -26.0;

/// Side of a tile's CORE square and the LEV1 margin around it, degrees.
pub const TILE_SIDE_DEG: f64 = 0.5;
pub const TILE_MARGIN_DEG: f64 = 0.05;

/// The coverage mask's HEALPix depth (nside 4096).
pub const MASK_DEPTH: u8 = 12;

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DemoConfig {
    pub seed: u64,
    pub galaxies: u64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 1,
            galaxies: 1_000_000,
        }
    }
}

pub struct DemoSurvey {
    pub config: DemoConfig,
    pub tiles: TileSet,
    /// The clusters the sky really holds (not written: detections are what users have).
    pub truth: Catalog,
    pub pzwav: Catalog,
    pub amico: Catalog,
    pub merged: Catalog,
    pub galaxies: Catalog,
    pub mask: HealpixMap,
}

impl DemoSurvey {
    pub fn generate(config: DemoConfig) -> DemoSurvey {
        let tiles = tiles::make_tiles();
        let truth = clusters::true_clusters(config.seed);
        let pzwav = clusters::detect(&truth, clusters::PZWAV, config.seed);
        let amico = clusters::detect(&truth, clusters::AMICO, config.seed);
        let merged = clusters::merge(&pzwav, &amico);
        let galaxies = galaxies::make_galaxies(&truth, &tiles, config);
        let mask = mask::make_mask(&tiles, config.seed);
        DemoSurvey {
            config,
            tiles,
            truth,
            pzwav,
            amico,
            merged,
            galaxies,
            mask,
        }
    }
}

/// Wraps an RA that may run past 360 (the patch is stored as 354..366) into [0, 360).
pub(crate) fn wrap_ra(ra: f64) -> f64 {
    ra.rem_euclid(360.0)
}

/// A uniformly random direction inside the patch (uniform on the sphere).
pub(crate) fn random_in_patch(rng: &mut crate::data::rng::Rng) -> (f64, f64) {
    let (s0, s1) = (DEC_MIN.to_radians().sin(), DEC_MAX.to_radians().sin());
    let dec = rng.range(s0, s1).asin().to_degrees();
    (wrap_ra(rng.range(RA_MIN, RA_MAX)), dec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_from_the_seed() {
        let cfg = DemoConfig {
            seed: 5,
            galaxies: 20_000,
        };
        let a = DemoSurvey::generate(cfg);
        let b = DemoSurvey::generate(cfg);
        assert_eq!(a.merged, b.merged);
        assert_eq!(a.galaxies, b.galaxies);
        assert_eq!(a.mask, b.mask);
        let c = DemoSurvey::generate(DemoConfig { seed: 6, ..cfg });
        assert_ne!(a.merged, c.merged);
    }

    #[test]
    fn shapes_are_plausible() {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 1,
            galaxies: 50_000,
        });
        assert_eq!(s.galaxies.len(), 50_000);
        assert!(s.tiles.tiles.len() > 200, "{} tiles", s.tiles.tiles.len());
        assert!(s.pzwav.len() > 300 && s.amico.len() > 300);
        assert!(s.merged.len() >= s.pzwav.len().max(s.amico.len()));
        for cat in [&s.pzwav, &s.amico, &s.merged] {
            for name in [
                "RA_CLUSTER",
                "DEC_CLUSTER",
                "Z_CLUSTER",
                "SNR_CLUSTER",
                "ID",
            ] {
                assert!(cat.column(name).is_some(), "{} lacks {name}", cat.name);
            }
            for i in 0..cat.len() {
                assert!(cat.snr(i) >= 3.0 && cat.z(i) > 0.0 && cat.dec(i) < -25.0);
            }
        }
        // nside 4096 over ~80 deg² is a few hundred thousand cells, with holes.
        assert_eq!(s.mask.depth, 12);
        assert!(s.mask.cells.len() > 300_000, "{} cells", s.mask.cells.len());
        assert!(s.mask.cells.windows(2).all(|w| w[0] < w[1]));
        assert!(s.mask.area_deg2() < (RA_MAX - RA_MIN) * (DEC_MAX - DEC_MIN) * 0.9);
    }
}
