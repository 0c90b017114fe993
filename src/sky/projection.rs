//! The five map projections, forward and inverse, in the view frame.
//!
//! Formulas follow Calabretta & Greisen (2002), "Representations of celestial coordinates
//! in FITS", A&A 395, 1077 (WCSLIB), with plane coordinates in radians. The WGSL twin of
//! every function lives in `shaders/sky.wgsl`; keep the two in step.

use glam::{DVec2, DVec3};
use std::f64::consts::{FRAC_PI_2, PI, SQRT_2};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Projection {
    /// Gnomonic (TAN): great circles are straight lines; for small fields.
    Tan,
    /// Orthographic (SIN): the sphere as seen from afar; one hemisphere.
    Sin,
    /// Plate carrée (CAR): longitude and latitude as x and y.
    Car,
    /// Mollweide (MOL): equal-area all-sky ellipse.
    Mol,
    /// Hammer-Aitoff (AIT): equal-area all-sky ellipse.
    Ait,
}

/// Directions closer than this to the TAN horizon (cos of 85°) are not drawn: their
/// plane coordinates run off to infinity.
pub const TAN_MIN_COS: f64 = 0.087_155_742_747_658_2;

impl Projection {
    pub const ALL: [Projection; 5] = [
        Projection::Tan,
        Projection::Sin,
        Projection::Car,
        Projection::Mol,
        Projection::Ait,
    ];

    /// The index the shaders use for this projection.
    pub fn shader_id(self) -> u32 {
        self as u32
    }

    pub fn code(self) -> &'static str {
        match self {
            Projection::Tan => "TAN",
            Projection::Sin => "SIN",
            Projection::Car => "CAR",
            Projection::Mol => "MOL",
            Projection::Ait => "AIT",
        }
    }

    /// Whole-sky projections show the sphere inside a bounded domain with a seam at
    /// longitude ±180° of the view centre.
    pub fn is_all_sky(self) -> bool {
        matches!(self, Projection::Car | Projection::Mol | Projection::Ait)
    }

    /// The largest field of view (degrees, measured along the horizontal through the
    /// centre) this projection can show.
    pub fn max_fov_deg(self) -> f64 {
        match self {
            Projection::Tan => 160.0,
            Projection::Sin => 180.0,
            _ => 360.0,
        }
    }

    /// Plane coordinates of a view-frame unit vector, or `None` where the projection
    /// does not show it (the far hemisphere for TAN and SIN).
    pub fn forward(self, d: DVec3) -> Option<DVec2> {
        match self {
            Projection::Tan => (d.x >= TAN_MIN_COS).then(|| DVec2::new(d.y / d.x, d.z / d.x)),
            Projection::Sin => (d.x >= 0.0).then(|| DVec2::new(d.y, d.z)),
            // Hammer-Aitoff from the direction itself, with square roots only: level of
            // detail tests every cell of an all-sky view this way each frame, and the
            // trigonometry of going through longitude and latitude was most of it.
            Projection::Ait => {
                let rho = (d.x * d.x + d.y * d.y).sqrt(); // cos(lat): d is a unit vector
                // cos(lat)·cos(lon/2) and cos(lat)·sin(lon/2), lon in [-π, π]; the sign of
                // a zero y picks the seam's side as atan2 does.
                let half_cos = (0.5 * rho * (rho + d.x)).max(0.0).sqrt();
                let half_sin = (0.5 * rho * (rho - d.x)).max(0.0).sqrt().copysign(d.y);
                let gamma = (2.0 / (1.0 + half_cos)).sqrt();
                Some(DVec2::new(2.0 * gamma * half_sin, gamma * d.z))
            }
            _ => {
                let lon = d.y.atan2(d.x);
                let lat = d.z.clamp(-1.0, 1.0).asin();
                Some(self.forward_lonlat(lon, lat))
            }
        }
    }

    /// Plane coordinates from view-frame longitude (east positive, in [-π, π]) and
    /// latitude, radians. Used directly at the seam, where the side matters.
    pub fn forward_lonlat(self, lon: f64, lat: f64) -> DVec2 {
        match self {
            Projection::Car => DVec2::new(lon, lat),
            Projection::Ait => {
                let gamma = (2.0 / (1.0 + lat.cos() * (lon / 2.0).cos())).sqrt();
                DVec2::new(
                    2.0 * gamma * lat.cos() * (lon / 2.0).sin(),
                    gamma * lat.sin(),
                )
            }
            Projection::Mol => {
                let theta = mollweide_auxiliary_angle(lat);
                DVec2::new(2.0 * SQRT_2 / PI * lon * theta.cos(), SQRT_2 * theta.sin())
            }
            Projection::Tan | Projection::Sin => {
                let (sl, cl) = lon.sin_cos();
                let (sb, cb) = lat.sin_cos();
                self.forward(DVec3::new(cb * cl, cb * sl, sb))
                    .unwrap_or(DVec2::NAN)
            }
        }
    }

    /// View-frame unit vector at plane coordinates, or `None` outside the domain.
    pub fn inverse(self, p: DVec2) -> Option<DVec3> {
        let (u, v) = (p.x, p.y);
        match self {
            Projection::Tan => {
                let x = 1.0 / (1.0 + u * u + v * v).sqrt();
                Some(DVec3::new(x, u * x, v * x))
            }
            Projection::Sin => {
                let r2 = u * u + v * v;
                (r2 <= 1.0).then(|| DVec3::new((1.0 - r2).sqrt(), u, v))
            }
            Projection::Car => {
                (u.abs() <= PI + 1e-12 && v.abs() <= FRAC_PI_2 + 1e-12).then(|| from_lonlat(u, v))
            }
            Projection::Ait => {
                if ellipse_radius2(p) > 1.0 + 1e-12 {
                    return None;
                }
                let z = (1.0 - (u / 4.0).powi(2) - (v / 2.0).powi(2))
                    .max(0.0)
                    .sqrt();
                let lon = 2.0 * (z * u).atan2(2.0 * (2.0 * z * z - 1.0));
                let lat = (z * v).clamp(-1.0, 1.0).asin();
                Some(from_lonlat(lon, lat))
            }
            Projection::Mol => {
                if ellipse_radius2(p) > 1.0 + 1e-12 {
                    return None;
                }
                let s = (v / SQRT_2).clamp(-1.0, 1.0);
                let theta = s.asin();
                let c = theta.cos();
                let lon = if c > 0.0 {
                    PI * u / (2.0 * SQRT_2 * c)
                } else {
                    0.0
                };
                let lat = ((2.0 * theta + (2.0 * theta).sin()) / PI)
                    .clamp(-1.0, 1.0)
                    .asin();
                (lon.abs() <= PI + 1e-12).then(|| from_lonlat(lon, lat))
            }
        }
    }

    /// Half the plane width (in plane units) that a field of view `fov_deg` spans along the
    /// horizontal through the centre.
    pub fn half_width_for_fov(self, fov_deg: f64) -> f64 {
        let half = (fov_deg.min(self.max_fov_deg()) / 2.0).to_radians();
        match self {
            Projection::Tan => half.tan(),
            Projection::Sin => half.sin(),
            _ => self.forward_lonlat(half, 0.0).x,
        }
    }

    /// The field of view whose half width is `half_width` plane units (the inverse of
    /// [`Projection::half_width_for_fov`]), capped at the projection's widest.
    pub fn fov_for_half_width(self, half_width: f64) -> f64 {
        let max = self.max_fov_deg();
        if half_width >= self.half_width_for_fov(max) {
            return max;
        }
        // The half width grows monotonically with the field of view: bisect.
        let (mut lo, mut hi) = (0.0, max);
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if self.half_width_for_fov(mid) < half_width {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

/// The all-sky ellipses (MOL and AIT) both have semi-axes 2√2 and √2.
fn ellipse_radius2(p: DVec2) -> f64 {
    (p.x / (2.0 * SQRT_2)).powi(2) + (p.y / SQRT_2).powi(2)
}

fn from_lonlat(lon: f64, lat: f64) -> DVec3 {
    let (sl, cl) = lon.sin_cos();
    let (sb, cb) = lat.sin_cos();
    DVec3::new(cb * cl, cb * sl, sb)
}

/// Solves 2θ + sin 2θ = π sin(lat) by Newton's method (converges in a few steps; the
/// poles are handled exactly).
pub fn mollweide_auxiliary_angle(lat: f64) -> f64 {
    if (FRAC_PI_2 - lat.abs()) < 1e-12 {
        return lat.signum() * FRAC_PI_2;
    }
    let target = PI * lat.sin();
    let mut t = lat;
    for _ in 0..50 {
        let f = 2.0 * t + (2.0 * t).sin() - target;
        let df = 2.0 + 2.0 * (2.0 * t).cos();
        if df.abs() < 1e-15 {
            break;
        }
        let step = f / df;
        t -= step;
        if step.abs() < 1e-15 {
            break;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::unit_vector;
    use glam::DMat3;

    /// Rotation from ICRS into the view frame of a north-up view centred at (ra0, dec0).
    fn view_rotation(ra0: f64, dec0: f64) -> DMat3 {
        let c = unit_vector(ra0, dec0);
        let east = DVec3::new(-ra0.to_radians().sin(), ra0.to_radians().cos(), 0.0);
        let north = c.cross(east);
        DMat3::from_cols(c, east, north).transpose()
    }

    /// Aitoff straight from the direction agrees with the formula in longitude and latitude
    /// everywhere, the seam's two sides and the poles included.
    #[test]
    fn aitoff_from_a_direction_equals_aitoff_from_its_angles() {
        let mut dirs = vec![
            DVec3::new(-1.0, 0.0, 0.0),
            DVec3::new(-1.0, -0.0, 0.0),
            DVec3::new(-0.6, 1e-300, 0.8),
            DVec3::new(-0.6, -1e-300, -0.8),
            DVec3::Z,
            -DVec3::Z,
            DVec3::X,
        ];
        // A Fibonacci lattice: 20k directions spread evenly over the sphere.
        let n = 20_000;
        let golden = 180.0 * (3.0 - 5f64.sqrt());
        dirs.extend((0..n).map(|i| {
            let z = 1.0 - (2 * i + 1) as f64 / n as f64;
            unit_vector((i as f64 * golden) % 360.0, z.asin().to_degrees())
        }));
        for d in dirs {
            let lon = d.y.atan2(d.x);
            let lat = d.z.clamp(-1.0, 1.0).asin();
            let by_angles = Projection::Ait.forward_lonlat(lon, lat);
            let direct = Projection::Ait
                .forward(d)
                .expect("Aitoff shows the whole sphere");
            assert!(
                (direct - by_angles).length() < 1e-12,
                "{d}: {direct} vs {by_angles}"
            );
        }
    }

    /// (projection, CRVAL1, CRVAL2, ra, dec, x, y): x, y in degrees are WCSLIB's intermediate
    /// world coordinates from astropy 8.0 `WCS.wcs_world2pix` (CDELT 1, CRPIX 1, origin 1,
    /// minus 1), e.g. `WCS(ctype=["RA---TAN","DEC--TAN"], crval=[30,-40])`.
    const WCSLIB_REFERENCE: [(Projection, f64, f64, f64, f64, f64, f64); 21] = [
        (
            Projection::Tan,
            30.0,
            -40.0,
            31.0,
            -39.5,
            0.7716842649,
            0.4957289331,
        ),
        (
            Projection::Tan,
            30.0,
            -40.0,
            29.0,
            -41.2,
            -0.7526078374,
            -1.2045026519,
        ),
        (
            Projection::Tan,
            30.0,
            -40.0,
            35.0,
            -35.0,
            4.1160550679,
            4.9092595282,
        ),
        (
            Projection::Sin,
            30.0,
            -40.0,
            31.0,
            -39.5,
            0.7715854089,
            0.4956654281,
        ),
        (
            Projection::Sin,
            30.0,
            -40.0,
            60.0,
            -10.0,
            28.2126639397,
            23.7886979203,
        ),
        (
            Projection::Sin,
            30.0,
            -40.0,
            350.0,
            -60.0,
            -18.4145085792,
            -23.9044873304,
        ),
        (Projection::Car, 0.0, 0.0, 10.0, 20.0, 10.0, 20.0),
        (Projection::Car, 0.0, 0.0, 350.0, -45.0, -10.0, -45.0),
        (Projection::Car, 0.0, 0.0, 179.0, 80.0, 179.0, 80.0),
        (
            Projection::Mol,
            0.0,
            0.0,
            10.0,
            20.0,
            8.6636816773,
            22.0409369906,
        ),
        (
            Projection::Mol,
            0.0,
            0.0,
            350.0,
            -45.0,
            -7.2557148606,
            -47.9722362498,
        ),
        (
            Projection::Mol,
            0.0,
            0.0,
            179.0,
            80.0,
            52.5264103274,
            76.6037104644,
        ),
        (Projection::Mol, 0.0, 0.0, 90.0, 0.0, 81.0284684541, 0.0),
        (
            Projection::Ait,
            0.0,
            0.0,
            10.0,
            20.0,
            9.5385788303,
            19.9169823007,
        ),
        (
            Projection::Ait,
            0.0,
            0.0,
            350.0,
            -45.0,
            -7.6499893725,
            -43.8868921960,
        ),
        (
            Projection::Ait,
            0.0,
            0.0,
            179.0,
            80.0,
            28.1185236583,
            79.7370721523,
        ),
        (Projection::Ait, 0.0, 0.0, 90.0, 0.0, 87.7045822564, 0.0),
        (Projection::Car, 120.0, 0.0, 130.0, 20.0, 10.0, 20.0),
        (Projection::Car, 120.0, 0.0, 290.5, -45.0, 170.5, -45.0),
        (
            Projection::Ait,
            266.4,
            -28.9,
            270.0,
            -20.0,
            3.3926607445,
            8.8402242061,
        ),
        (
            Projection::Ait,
            266.4,
            -28.9,
            200.0,
            10.0,
            -69.1269661776,
            20.9765492228,
        ),
    ];

    #[test]
    fn forward_matches_wcslib() {
        for (proj, ra0, dec0, ra, dec, x, y) in WCSLIB_REFERENCE {
            let d = view_rotation(ra0, dec0) * unit_vector(ra, dec);
            let p = proj.forward(d).expect("inside the domain") * (180.0 / PI);
            assert!(
                (p.x - x).abs() < 1e-8 && (p.y - y).abs() < 1e-8,
                "{proj:?} at ({ra},{dec}) about ({ra0},{dec0}): got ({}, {}), WCSLIB ({x}, {y})",
                p.x,
                p.y
            );
        }
    }

    #[test]
    fn inverse_undoes_forward() {
        // A deterministic spread of directions over the whole sphere.
        for proj in Projection::ALL {
            for i in 0..2000 {
                let lon = (i as f64 * 137.507_764) % 360.0 - 180.0;
                let lat = ((2.0 * (i as f64 + 0.5) / 2000.0) - 1.0)
                    .asin()
                    .to_degrees();
                let d = unit_vector(lon, lat);
                let Some(p) = proj.forward(d) else { continue };
                let back = proj
                    .inverse(p)
                    .expect("forward's image is inside the domain");
                assert!(
                    (back - d).length() < 1e-9,
                    "{proj:?} ({lon},{lat}): {back} vs {d}"
                );
            }
        }
    }

    #[test]
    fn east_is_positive_u() {
        for proj in Projection::ALL {
            let p = proj.forward(unit_vector(1.0, 0.0)).unwrap();
            assert!(p.x > 0.0 && p.y.abs() < 1e-12, "{proj:?}");
            let p = proj.forward(unit_vector(0.0, 1.0)).unwrap();
            assert!(p.y > 0.0 && p.x.abs() < 1e-12, "{proj:?}");
        }
    }

    #[test]
    fn domains() {
        assert!(Projection::Sin.inverse(DVec2::new(0.8, 0.8)).is_none());
        assert!(Projection::Mol.inverse(DVec2::new(2.9, 0.0)).is_none());
        assert!(Projection::Ait.inverse(DVec2::new(0.0, 1.5)).is_none());
        assert!(Projection::Car.inverse(DVec2::new(3.2, 0.0)).is_none());
        assert!(Projection::Tan.forward(unit_vector(180.0, 0.0)).is_none());
        // The full-sky width of the ellipses is 4√2.
        let w = Projection::Mol.half_width_for_fov(360.0);
        assert!((w - 2.0 * SQRT_2).abs() < 1e-12);
        assert!((Projection::Ait.half_width_for_fov(360.0) - 2.0 * SQRT_2).abs() < 1e-12);
    }
}
