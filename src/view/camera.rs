//! The camera: a projection of the sky onto a virtual canvas, of which one sub-rectangle
//! is rendered. The viewer renders the whole canvas, a big export renders it tile by
//! tile, and a display wall renders one tile per screen; all see the same pixels.

use crate::sky::{Frame, Projection, unit_vector};
use glam::{DMat3, DVec2, DVec3};

/// A pixel rectangle of the canvas: x to the right, y down, origin top-left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct View {
    pub projection: Projection,
    pub frame: Frame,
    /// Centre longitude and latitude in `frame`, degrees.
    pub center_deg: (f64, f64),
    /// Angular width along the horizontal through the centre, degrees.
    pub fov_deg: f64,
    /// Position angle of the view's up direction, degrees from north towards east.
    pub rotation_deg: f64,
    /// Size of the whole virtual canvas in pixels.
    pub canvas: (u32, u32),
    /// The part of the canvas this view renders.
    pub sub: SubRect,
}

impl View {
    /// A view rendering its whole canvas.
    pub fn new(
        projection: Projection,
        frame: Frame,
        center_deg: (f64, f64),
        fov_deg: f64,
        canvas: (u32, u32),
    ) -> Self {
        View {
            projection,
            frame,
            center_deg,
            fov_deg: fov_deg.clamp(1e-6, projection.max_fov_deg()),
            rotation_deg: 0.0,
            canvas,
            sub: SubRect {
                x: 0,
                y: 0,
                width: canvas.0,
                height: canvas.1,
            },
        }
    }

    /// The same sky on a canvas of another size: centre, rotation and angular width kept,
    /// so the scale follows the width (a wall showing what the viewer shows).
    pub fn on_canvas(&self, canvas: (u32, u32)) -> View {
        let mut v = View::new(
            self.projection,
            self.frame,
            self.center_deg,
            self.fov_deg,
            canvas,
        );
        v.rotation_deg = self.rotation_deg;
        v
    }

    /// The same camera restricted to a sub-rectangle of its canvas.
    pub fn with_sub(mut self, sub: SubRect) -> Self {
        self.sub = sub;
        self
    }

    /// The canvas cut into a grid of `cols` × `rows` sub-views covering it exactly.
    pub fn tiles(&self, cols: u32, rows: u32) -> Vec<View> {
        let (w, h) = self.canvas;
        let mut out = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let (x0, x1) = (w * c / cols, w * (c + 1) / cols);
                let (y0, y1) = (h * r / rows, h * (r + 1) / rows);
                if x1 > x0 && y1 > y0 {
                    out.push(self.with_sub(SubRect {
                        x: x0,
                        y: y0,
                        width: x1 - x0,
                        height: y1 - y0,
                    }));
                }
            }
        }
        out
    }

    /// Rotation taking an ICRS unit vector into the view frame (centre on +x, up on +z,
    /// east-of-up on +y).
    pub fn rotation(&self) -> DMat3 {
        let (lon, lat) = self.center_deg;
        let c = unit_vector(lon, lat);
        let (sl, cl) = lon.to_radians().sin_cos();
        let east = DVec3::new(-sl, cl, 0.0);
        let north = c.cross(east);
        let (sr, cr) = self.rotation_deg.to_radians().sin_cos();
        let up = north * cr + east * sr;
        let right_on_sky = east * cr - north * sr;
        DMat3::from_cols(c, right_on_sky, up).transpose() * self.frame.from_icrs()
    }

    /// Pixels per plane unit (radian near the centre).
    pub fn scale(&self) -> f64 {
        self.canvas.0 as f64 / (2.0 * self.projection.half_width_for_fov(self.fov_deg))
    }

    /// Canvas pixel (x right, y down; pixel centres at i + 0.5) of the view centre.
    pub fn center_px(&self) -> DVec2 {
        DVec2::new(self.canvas.0 as f64 / 2.0, self.canvas.1 as f64 / 2.0)
    }

    /// Canvas pixel of plane coordinates: east (positive u) is to the left.
    pub fn plane_to_px(&self, p: DVec2) -> DVec2 {
        let c = self.center_px();
        let s = self.scale();
        DVec2::new(c.x - p.x * s, c.y - p.y * s)
    }

    pub fn px_to_plane(&self, px: DVec2) -> DVec2 {
        let c = self.center_px();
        let s = self.scale();
        DVec2::new((c.x - px.x) / s, (c.y - px.y) / s)
    }

    /// Canvas pixel of an ICRS direction, if the projection shows it.
    pub fn project(&self, icrs: DVec3) -> Option<DVec2> {
        self.projection
            .forward(self.rotation() * icrs)
            .map(|p| self.plane_to_px(p))
    }

    /// Canvas pixel of a (RA, Dec) in degrees.
    pub fn project_radec(&self, ra: f64, dec: f64) -> Option<DVec2> {
        self.project(unit_vector(ra, dec))
    }

    /// ICRS direction under a canvas pixel position, if inside the projection's domain.
    pub fn unproject(&self, px: DVec2) -> Option<DVec3> {
        self.projection
            .inverse(self.px_to_plane(px))
            .map(|d| self.rotation().transpose() * d)
    }

    /// Angular size of one canvas pixel at the centre, degrees.
    pub fn pixel_scale_deg(&self) -> f64 {
        (1.0 / self.scale()).to_degrees()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centre_lands_mid_canvas_and_east_is_left() {
        let v = View::new(Projection::Tan, Frame::Icrs, (150.0, 2.0), 2.0, (400, 300));
        let c = v.project_radec(150.0, 2.0).unwrap();
        assert!((c - DVec2::new(200.0, 150.0)).length() < 1e-9);
        let east = v.project_radec(150.5, 2.0).unwrap();
        assert!(east.x < 200.0);
        let north = v.project_radec(150.0, 2.5).unwrap();
        assert!(north.y < 150.0);
    }

    #[test]
    fn fov_spans_the_canvas_width() {
        for proj in [Projection::Tan, Projection::Sin, Projection::Car] {
            let v = View::new(proj, Frame::Icrs, (10.0, 0.0), 20.0, (1000, 500));
            let left = v.project_radec(20.0, 0.0).unwrap();
            let right = v.project_radec(0.0, 0.0).unwrap();
            assert!(
                left.x.abs() < 1e-6 && (right.x - 1000.0).abs() < 1e-6,
                "{proj:?}"
            );
        }
    }

    #[test]
    fn unproject_inverts_project() {
        for proj in Projection::ALL {
            let mut v = View::new(proj, Frame::Galactic, (40.0, -20.0), 60.0, (800, 600));
            v.rotation_deg = 25.0;
            for &(ra, dec) in &[(280.0, -10.0), (300.0, 5.0), (270.0, -30.0)] {
                let d = unit_vector(ra, dec);
                if let Some(px) = v.project(d) {
                    let back = v.unproject(px).unwrap();
                    assert!((back - d).length() < 1e-9, "{proj:?}");
                }
            }
        }
    }

    #[test]
    fn rotation_turns_north_towards_east() {
        let mut v = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 10.0, (100, 100));
        v.rotation_deg = 90.0;
        // With up pointing east, north points to the right (east stays on the left of up).
        let north = v.project_radec(0.0, 1.0).unwrap();
        assert!(north.x > 50.0 + 5.0 && (north.y - 50.0).abs() < 1e-6);
    }

    #[test]
    fn tiles_cover_the_canvas_exactly() {
        let v = View::new(Projection::Ait, Frame::Icrs, (0.0, 0.0), 360.0, (1001, 503));
        let tiles = v.tiles(3, 2);
        let area: u32 = tiles.iter().map(|t| t.sub.width * t.sub.height).sum();
        assert_eq!(area, 1001 * 503);
    }
}
