//! Directions on the sphere as unit vectors.

use glam::DVec3;

/// Unit vector of a direction given as longitude and latitude in degrees.
pub fn unit_vector(lon_deg: f64, lat_deg: f64) -> DVec3 {
    let (sl, cl) = lon_deg.to_radians().sin_cos();
    let (sb, cb) = lat_deg.to_radians().sin_cos();
    DVec3::new(cb * cl, cb * sl, sb)
}

/// Longitude in [0, 360) and latitude in [-90, 90] (degrees) of a vector of any length.
pub fn lonlat_deg(v: DVec3) -> (f64, f64) {
    let lon = v.y.atan2(v.x).to_degrees().rem_euclid(360.0);
    let lat = v.z.atan2((v.x * v.x + v.y * v.y).sqrt()).to_degrees();
    // rem_euclid can round up to exactly 360.
    (if lon >= 360.0 { 0.0 } else { lon }, lat)
}

/// Angle between two directions in degrees, accurate at all separations.
pub fn angular_distance_deg(a: DVec3, b: DVec3) -> f64 {
    a.cross(b).length().atan2(a.dot(b)).to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_lonlat() {
        for &(lon, lat) in &[(0.0, 0.0), (359.5, -89.0), (123.4, 56.7), (180.0, 90.0)] {
            let (l, b) = lonlat_deg(unit_vector(lon, lat));
            assert!((b - lat).abs() < 1e-12);
            if lat.abs() < 90.0 {
                assert!((l - lon).abs() < 1e-9, "{l} vs {lon}");
            }
        }
    }

    #[test]
    fn small_separations_are_accurate() {
        // 1 milliarcsecond apart along the equator.
        let mas = 1.0 / 3.6e6;
        let d = angular_distance_deg(unit_vector(10.0, 0.0), unit_vector(10.0 + mas, 0.0));
        assert!((d - mas).abs() < 1e-12);
    }
}
