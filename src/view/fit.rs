//! Choosing a view that frames the data when the user gives no centre or field of view.

use crate::sky::{Frame, Projection, lonlat_deg};
use glam::{DVec2, DVec3};

/// Centre (lon, lat in `frame`, degrees) and horizontal field of view (degrees) that show
/// all `dirs` (ICRS unit vectors) with a margin, keeping the canvas aspect ratio.
/// All-sky projections always show the whole sky.
pub fn frame_directions(
    dirs: &[DVec3],
    projection: Projection,
    frame: Frame,
    canvas: (u32, u32),
) -> ((f64, f64), f64) {
    let to_frame = frame.from_icrs();
    let sum: DVec3 = dirs.iter().map(|d| to_frame * *d).sum();
    let center = if sum.length() > 1e-9 * dirs.len().max(1) as f64 {
        lonlat_deg(sum)
    } else {
        (0.0, 0.0)
    };
    if projection.is_all_sky() || dirs.is_empty() {
        // All-sky maps keep the equator level and put the data's longitude in the middle,
        // away from the seam.
        // Data spread over the whole sky have no middle: centre on longitude 0, as
        // all-sky maps usually are.
        let spread = sum.length() < 0.2 * dirs.len() as f64;
        let c = match (projection.is_all_sky(), spread) {
            (true, true) => (0.0, 0.0),
            (true, false) => (center.0, 0.0),
            (false, _) => center,
        };
        return (c, projection.max_fov_deg());
    }
    // Extent in the plane of the projection about that centre.
    let probe = crate::view::View::new(projection, frame, center, 1.0, canvas);
    let rot = probe.rotation();
    let mut max = DVec2::ZERO;
    for d in dirs {
        match projection.forward(rot * *d) {
            Some(p) => max = max.max(p.abs()),
            None => return (center, projection.max_fov_deg()),
        }
    }
    let aspect = canvas.0 as f64 / canvas.1.max(1) as f64;
    let half_width = (max.x.max(max.y * aspect) * 1.05).max(1e-6);
    let half_angle = match projection {
        Projection::Tan => half_width.atan(),
        Projection::Sin => half_width.min(1.0).asin(),
        _ => unreachable!("all-sky projections returned above"),
    };
    (
        center,
        (2.0 * half_angle.to_degrees()).min(projection.max_fov_deg()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::unit_vector;
    use crate::view::View;

    #[test]
    fn framed_points_fall_inside_the_canvas() {
        let dirs: Vec<DVec3> = [(355.0, -30.0), (5.0, -25.0), (358.0, -35.0)]
            .iter()
            .map(|&(a, b)| unit_vector(a, b))
            .collect();
        for proj in [Projection::Tan, Projection::Sin] {
            let (c, fov) = frame_directions(&dirs, proj, Frame::Icrs, (800, 600));
            assert!(c.0 > 350.0 || c.0 < 10.0, "centre straddles RA 0: {c:?}");
            let v = View::new(proj, Frame::Icrs, c, fov, (800, 600));
            for d in &dirs {
                let p = v.project(*d).unwrap();
                assert!(
                    p.x > 0.0 && p.x < 800.0 && p.y > 0.0 && p.y < 600.0,
                    "{proj:?} {p}"
                );
            }
        }
    }
}
