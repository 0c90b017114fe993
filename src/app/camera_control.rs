//! Camera moves of the viewer, as pure functions of a [`View`]: panning rotates the
//! sphere (the point grabbed stays under the cursor, through the poles and across RA 0),
//! zooming keeps the point under the cursor fixed.

use glam::{DQuat, DVec2, DVec3};

use crate::sky::{lonlat_deg, unit_vector};
use crate::view::View;

/// The view centre as an ICRS unit vector.
pub fn center_direction(view: &View) -> DVec3 {
    let (lon, lat) = view.center_deg;
    view.frame.to_icrs() * unit_vector(lon, lat)
}

/// Moves the view centre to an ICRS direction (north stays up).
pub fn set_center_direction(view: &mut View, icrs: DVec3) {
    view.center_deg = lonlat_deg(view.frame.from_icrs() * icrs);
}

/// Turns the camera rigidly by the rotation taking `from` to `to` (ICRS unit vectors):
/// centre and up direction turn together, so a pan over the pole continues to the other
/// side (and shows it upside down, as a turned globe would) instead of stopping there.
fn rotate_camera(view: &mut View, from: DVec3, to: DVec3) {
    let q = DQuat::from_rotation_arc(from.normalize(), to.normalize());
    let to_icrs = view.rotation().transpose();
    let center = q * (to_icrs * DVec3::X);
    let up = q * (to_icrs * DVec3::Z);
    set_center_direction(view, center);
    // Position angle of the turned up direction at the new centre, in the view's frame.
    let f = view.frame.from_icrs();
    let (lon, _) = view.center_deg;
    let (sl, cl) = lon.to_radians().sin_cos();
    let east = DVec3::new(-sl, cl, 0.0);
    let north = (f * center).cross(east);
    let up = f * up;
    view.rotation_deg = up.dot(east).atan2(up.dot(north)).to_degrees();
}

/// Drag from canvas pixel `from` to `to`: the sky point under `from` follows the cursor.
/// Outside the projection's domain nothing moves.
pub fn drag(view: &mut View, from: DVec2, to: DVec2) {
    if let (Some(grabbed), Some(now_under)) = (view.unproject(from), view.unproject(to)) {
        // The camera turns so that what lies under `to` becomes the grabbed point.
        rotate_camera(view, now_under, grabbed);
    }
}

/// Multiplies the field of view by `factor` (< 1 zooms in), keeping the sky point under
/// `cursor` where it is; about the centre when the cursor is off the sky.
pub fn zoom_at(view: &mut View, cursor: DVec2, factor: f64) {
    let anchor = view.unproject(cursor);
    view.fov_deg = (view.fov_deg * factor).clamp(1e-5, view.projection.max_fov_deg());
    if let (Some(before), Some(after)) = (anchor, view.unproject(cursor)) {
        rotate_camera(view, after, before);
    }
}

/// Centres the view on the sky point under `cursor` (double-click).
pub fn center_on(view: &mut View, cursor: DVec2) {
    if let Some(d) = view.unproject(cursor) {
        set_center_direction(view, d);
    }
}

/// Pans by a fraction of the canvas (arrow keys): (1, 0) moves the view one canvas width
/// to the right, i.e. shows what was to the right.
pub fn pan_by_fraction(view: &mut View, fx: f64, fy: f64) {
    let c = view.center_px();
    let d = DVec2::new(fx * view.canvas.0 as f64, fy * view.canvas.1 as f64);
    // Moving the view right is dragging the sky left.
    drag(view, c + d, c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{Frame, Projection, angular_distance_deg};

    fn view(p: Projection, center: (f64, f64), fov: f64) -> View {
        View::new(p, Frame::Icrs, center, fov, (800, 600))
    }

    #[test]
    fn dragged_point_follows_the_cursor() {
        for p in Projection::ALL {
            let mut v = view(p, (30.0, 20.0), 40.0);
            let (a, b) = (DVec2::new(300.0, 250.0), DVec2::new(360.0, 330.0));
            let grabbed = v.unproject(a).unwrap();
            drag(&mut v, a, b);
            let now = v.unproject(b).unwrap();
            assert!(angular_distance_deg(grabbed, now) < 0.05, "{p:?}");
        }
    }

    #[test]
    fn panning_crosses_ra_zero_and_the_pole_without_clamping() {
        let mut v = view(Projection::Tan, (1.0, 0.0), 10.0);
        for _ in 0..10 {
            pan_by_fraction(&mut v, 0.1, 0.0);
        }
        // Showing what is to the right is moving west: RA decreases through 0 to ~351.
        assert!((v.center_deg.0 - 351.0).abs() < 0.2, "{:?}", v.center_deg);
        let mut v = view(Projection::Tan, (120.0, 80.0), 10.0);
        // 40 steps of 60 px at 0.0125°/px: 30 degrees.
        for _ in 0..40 {
            pan_by_fraction(&mut v, 0.0, -0.1);
        }
        // Thirty degrees "up" from +80 goes over the pole to +70 on the other side, where
        // the turned globe shows north down.
        assert!((v.center_deg.1 - 70.0).abs() < 0.5, "{:?}", v.center_deg);
        assert!((v.center_deg.0 - 300.0).abs() < 0.5, "{:?}", v.center_deg);
        assert!(
            (v.rotation_deg.abs() - 180.0).abs() < 0.5,
            "{}",
            v.rotation_deg
        );
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        for p in Projection::ALL {
            let mut v = view(p, (200.0, -30.0), 60.0);
            let cursor = DVec2::new(610.0, 170.0);
            let before = v.unproject(cursor).unwrap();
            zoom_at(&mut v, cursor, 0.5);
            assert!((v.fov_deg - 30.0).abs() < 1e-9);
            let after = v.unproject(cursor).unwrap();
            assert!(angular_distance_deg(before, after) < 0.05, "{p:?}");
        }
    }

    #[test]
    fn zoom_out_stops_at_the_projection_limit() {
        let mut v = view(Projection::Mol, (0.0, 0.0), 300.0);
        zoom_at(&mut v, DVec2::new(400.0, 300.0), 4.0);
        assert_eq!(v.fov_deg, Projection::Mol.max_fov_deg());
    }

    #[test]
    fn double_click_centres() {
        let mut v = view(Projection::Sin, (10.0, 10.0), 20.0);
        let target = v.unproject(DVec2::new(100.0, 500.0)).unwrap();
        center_on(&mut v, DVec2::new(100.0, 500.0));
        assert!(angular_distance_deg(center_direction(&v), target) < 1e-9);
    }
}
