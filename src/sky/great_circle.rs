//! Great-circle arcs cut into short pieces, so edges stay right in every projection.

use glam::DVec3;

/// Points along the shorter great-circle arc from `a` to `b` (both included), spaced at
/// most `max_step_deg` apart. Antipodal or identical endpoints give just the endpoints.
pub fn subdivide(a: DVec3, b: DVec3, max_step_deg: f64) -> Vec<DVec3> {
    let angle = a.cross(b).length().atan2(a.dot(b));
    let n = ((angle.to_degrees() / max_step_deg).ceil() as usize).clamp(1, 100_000);
    let sin_angle = angle.sin();
    if sin_angle < 1e-12 {
        return vec![a, b];
    }
    (0..=n)
        .map(|i| {
            // Spherical linear interpolation: exact points on the arc.
            let t = i as f64 / n as f64;
            let wa = ((1.0 - t) * angle).sin() / sin_angle;
            let wb = (t * angle).sin() / sin_angle;
            (a * wa + b * wb).normalize()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{angular_distance_deg, unit_vector};

    #[test]
    fn pieces_lie_on_the_arc_and_are_short() {
        let a = unit_vector(359.0, -30.0);
        let b = unit_vector(2.0, -28.0);
        let pts = subdivide(a, b, 0.5);
        let normal = a.cross(b).normalize();
        assert!(pts.len() >= 8);
        for w in pts.windows(2) {
            assert!(angular_distance_deg(w[0], w[1]) <= 0.5 + 1e-9);
            assert!(w[1].dot(normal).abs() < 1e-12);
        }
        assert_eq!(pts[0], a.normalize());
        assert!((pts[pts.len() - 1] - b).length() < 1e-12);
    }
}
