//! Celestial reference frames: ICRS (equatorial) and Galactic.

use glam::{DMat3, DVec3};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Frame {
    #[default]
    Icrs,
    Galactic,
}

/// Rows are the Galactic x, y, z axes expressed in ICRS: the Hipparcos definition
/// (ESA 1997, The Hipparcos and Tycho Catalogues, vol. 1, sect. 1.5.3, matrix A_G transposed).
#[allow(clippy::excessive_precision)] // the published digits
const ICRS_TO_GALACTIC_ROWS: [[f64; 3]; 3] = [
    [
        -0.054_875_560_416_215_4,
        -0.873_437_090_234_885_0,
        -0.483_835_015_548_713_2,
    ],
    [
        0.494_109_427_875_583_7,
        -0.444_829_629_960_011_2,
        0.746_982_244_497_218_9,
    ],
    [
        -0.867_666_149_019_004_7,
        -0.198_076_373_431_201_5,
        0.455_983_776_175_066_9,
    ],
];

impl Frame {
    /// Rotation taking an ICRS vector into this frame.
    pub fn from_icrs(self) -> DMat3 {
        match self {
            Frame::Icrs => DMat3::IDENTITY,
            Frame::Galactic => {
                let r = ICRS_TO_GALACTIC_ROWS;
                DMat3::from_cols(
                    DVec3::new(r[0][0], r[1][0], r[2][0]),
                    DVec3::new(r[0][1], r[1][1], r[2][1]),
                    DVec3::new(r[0][2], r[1][2], r[2][2]),
                )
            }
        }
    }

    /// Rotation taking a vector of this frame into ICRS.
    pub fn to_icrs(self) -> DMat3 {
        self.from_icrs().transpose()
    }

    pub fn name(self) -> &'static str {
        match self {
            Frame::Icrs => "ICRS",
            Frame::Galactic => "Galactic",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{angular_distance_deg, lonlat_deg, unit_vector};

    /// (ra, dec) -> (l, b) from astropy 8.0 `SkyCoord(ra, dec, frame="icrs").galactic`.
    const ASTROPY_GALACTIC: [((f64, f64), (f64, f64)); 4] = [
        ((266.40498829, -28.93617776), (0.0, 0.0)), // Galactic centre
        ((0.0, 0.0), (96.33728337, -60.18855195)),
        ((192.85948, 27.12825), (340.73759881, 89.99999694)), // north Galactic pole
        ((83.63308333, 22.0145), (184.55745788, -5.78435671)), // Crab
    ];

    #[test]
    fn icrs_to_galactic_matches_astropy() {
        for ((ra, dec), (l, b)) in ASTROPY_GALACTIC {
            let g = Frame::Galactic.from_icrs() * unit_vector(ra, dec);
            let sep = angular_distance_deg(g, unit_vector(l, b));
            // astropy goes through FK5; the Hipparcos matrix differs by well under 0.1".
            assert!(sep * 3600.0 < 0.1, "({ra},{dec}) off by {}\"", sep * 3600.0);
            let (gl, gb) = lonlat_deg(g);
            assert!((gb - b).abs() < 3e-5);
            if b.abs() < 89.9 {
                let dl = (gl - l + 180.0).rem_euclid(360.0) - 180.0;
                assert!(dl.abs() < 3e-5, "l {gl} vs {l}");
            }
        }
    }

    #[test]
    fn galactic_round_trip() {
        let v = unit_vector(12.3, -45.6);
        let back = Frame::Galactic.to_icrs() * (Frame::Galactic.from_icrs() * v);
        assert!((back - v).length() < 1e-14);
    }
}
