//! Where a survey is seen from, as plain data: projection, centre, field, page size and
//! resolution, frame and theme; and the one rule that turns it into the first [`View`].

use glam::DVec3;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::sky::{Frame, Projection, angular_distance_deg, unit_vector};
use crate::view::fit::frame_directions;
use crate::view::{Theme, View};

/// A page size as given: pixels, or inches to multiply by the DPI.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum PageSize {
    Pixels(u32, u32),
    Inches(f64, f64),
}

/// The DPI of sizes given in inches when no DPI is.
pub const DEFAULT_PRINT_DPI: f64 = 300.0;

/// The largest output side accepted (PNG figures are written in strips, so memory stays
/// bounded; the limit keeps run times sane).
pub const MAX_OUTPUT_SIDE: u32 = 32768;

/// The page a figure takes when no size is given.
pub const DEFAULT_PAGE: (u32, u32) = (1600, 1200);

/// Data whose TAN framing would be wider than this many degrees are shown whole, in an
/// all-sky projection, when no projection is given (TAN that wide smears the sky).
pub const WIDEST_TAN_FRAMING: f64 = 120.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewSpec {
    /// `None`: TAN, or AIT when the data are too wide for it ([`WIDEST_TAN_FRAMING`]).
    pub projection: Option<Projection>,
    /// Centre as (longitude, latitude) in degrees in `frame`; `None`: frame the data.
    pub center: Option<(f64, f64)>,
    /// Horizontal field of view in degrees; `None`: frame the data.
    pub fov: Option<f64>,
    /// Position angle of the view's up direction, degrees east of north.
    pub rotation: f64,
    pub size: Option<PageSize>,
    pub dpi: Option<f64>,
    pub frame: Frame,
    pub theme: Theme,
}

impl Default for ViewSpec {
    fn default() -> Self {
        ViewSpec {
            projection: None,
            center: None,
            fov: None,
            rotation: 0.0,
            size: None,
            dpi: None,
            frame: Frame::Icrs,
            theme: Theme::Dark,
        }
    }
}

impl ViewSpec {
    /// Figure size in pixels (inches times the DPI, capped at the largest side).
    pub fn size(&self) -> (u32, u32) {
        match self.size {
            None => DEFAULT_PAGE,
            Some(PageSize::Pixels(w, h)) => (w, h),
            Some(PageSize::Inches(w, h)) => {
                let px = |v: f64| ((v * self.dpi()).round() as u32).clamp(1, MAX_OUTPUT_SIDE);
                (px(w), px(h))
            }
        }
    }

    /// Figure size in pixels, refusing sizes in inches that come out too large.
    pub fn pixel_size(&self) -> Result<(u32, u32)> {
        if let Some(PageSize::Inches(w, h)) = self.size {
            let (pw, ph) = (w * self.dpi(), h * self.dpi());
            if pw.round() > MAX_OUTPUT_SIDE as f64 || ph.round() > MAX_OUTPUT_SIDE as f64 {
                return Err(Error::user(format!(
                    "{w}x{h} inches at {} dpi is {pw:.0}x{ph:.0} pixels; each side must be at \
                     most {MAX_OUTPUT_SIDE}",
                    self.dpi()
                )));
            }
        }
        Ok(self.size())
    }

    /// Pixels per inch: as given, else 300 for sizes in inches, else an 8-inch-wide page.
    pub fn dpi(&self) -> f64 {
        match (self.dpi, self.size) {
            (Some(d), _) => d,
            (None, Some(PageSize::Inches(..))) => DEFAULT_PRINT_DPI,
            (None, Some(PageSize::Pixels(w, _))) => w as f64 / 8.0,
            (None, None) => DEFAULT_PAGE.0 as f64 / 8.0,
        }
    }

    /// Whether the DPI was asked for (a DPI or a size in inches).
    pub fn dpi_given(&self) -> bool {
        self.dpi.is_some() || matches!(self.size, Some(PageSize::Inches(..)))
    }

    /// A cone (ICRS RA, Dec, radius in degrees) holding everything this view shows, when
    /// its centre and field are given and narrower than a hemisphere: what a figure of
    /// an out-of-core catalog needs to read. The page's aspect and a margin are counted
    /// in; every projection stretches less than half again over such a field.
    pub fn enclosing_cone(&self) -> Option<(f64, f64, f64)> {
        let (lon, lat) = self.center?;
        let fov = self.fov?;
        if fov >= 90.0 || self.projection.is_some_and(|p| p.is_all_sky()) {
            return None;
        }
        let (w, h) = self.size();
        let half_diagonal = fov / 2.0 * (1.0f64).hypot(h as f64 / w.max(1) as f64);
        let radius = 1.5 * half_diagonal;
        let (ra, dec) =
            crate::sky::lonlat_deg(self.frame.to_icrs() * crate::sky::unit_vector(lon, lat));
        (radius < 90.0).then_some((ra, dec, radius))
    }

    /// Whether the first data to arrive should choose the projection, centre or field.
    pub fn frames_data(&self) -> bool {
        self.projection.is_none() || self.center.is_none() || self.fov.is_none()
    }

    /// The projection given, else TAN for data that fit a TAN view no wider than
    /// [`WIDEST_TAN_FRAMING`] (about what they would span, from the centre given or
    /// theirs), else AIT.
    pub fn projection_for(&self, data: &[DVec3], size: (u32, u32)) -> Projection {
        if let Some(p) = self.projection {
            return p;
        }
        if data.is_empty() {
            return Projection::Tan;
        }
        let wide = match self.center {
            // From a centre given, the data may reach further than from theirs.
            Some((lon, lat)) => {
                let c = self.frame.to_icrs() * unit_vector(lon, lat);
                data.iter()
                    .any(|d| angular_distance_deg(c, *d) > WIDEST_TAN_FRAMING / 2.0)
            }
            None => {
                frame_directions(data, Projection::Tan, self.frame, size).1 > WIDEST_TAN_FRAMING
            }
        };
        if wide {
            Projection::Ait
        } else {
            Projection::Tan
        }
    }

    /// The first view on a canvas of `size`: the centre and field given, the rest chosen
    /// to frame `data` (directions of the survey's outline); with no data, the centre
    /// (0, 0) and the projection's widest field. Figures, the viewer (at start and when
    /// the data arrive) and walls all begin here.
    pub fn initial_view(&self, data: &[DVec3], size: (u32, u32)) -> View {
        let projection = self.projection_for(data, size);
        let (center, fov) = match (self.center, self.fov) {
            (Some(c), Some(f)) => (c, f),
            (c, f) => {
                let (fit_c, fit_f) = frame_directions(data, projection, self.frame, size);
                (c.unwrap_or(fit_c), f.unwrap_or(fit_f))
            }
        };
        let mut v = View::new(projection, self.frame, center, fov, size);
        v.rotation_deg = self.rotation;
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_centre_and_field_win_and_the_rest_frames_the_data() {
        let data = [
            crate::sky::unit_vector(10.0, -5.0),
            crate::sky::unit_vector(12.0, -3.0),
        ];
        let spec = ViewSpec {
            fov: Some(30.0),
            ..ViewSpec::default()
        };
        let v = spec.initial_view(&data, (800, 600));
        assert_eq!(v.fov_deg, 30.0);
        assert!((v.center_deg.0 - 11.0).abs() < 0.1 && (v.center_deg.1 + 4.0).abs() < 0.1);
        // Nothing to frame: the centre (0, 0) and the projection's widest field.
        let empty = ViewSpec {
            projection: Some(Projection::Ait),
            ..ViewSpec::default()
        }
        .initial_view(&[], (800, 400));
        assert_eq!(empty.center_deg, (0.0, 0.0));
        assert_eq!(empty.fov_deg, Projection::Ait.max_fov_deg());
    }

    #[test]
    fn without_a_projection_a_patch_is_tan_and_the_whole_sky_aitoff() {
        use crate::sky::unit_vector;
        let spec = ViewSpec::default();
        let patch: Vec<DVec3> = (0..50)
            .map(|i| unit_vector(350.0 + (i % 10) as f64 * 2.0, -35.0 + (i / 10) as f64 * 2.0))
            .collect();
        assert_eq!(
            spec.initial_view(&patch, (800, 600)).projection,
            Projection::Tan
        );
        // A grid over the whole sphere.
        let sky: Vec<DVec3> = (0..36)
            .flat_map(|i| (-8..=8).map(move |j| unit_vector(i as f64 * 10.0, j as f64 * 10.0)))
            .collect();
        let v = spec.initial_view(&sky, (800, 400));
        assert_eq!(v.projection, Projection::Ait);
        assert_eq!(v.fov_deg, Projection::Ait.max_fov_deg());
        // A given projection is kept, and a band 150° wide is too wide for TAN.
        let tan = ViewSpec {
            projection: Some(Projection::Tan),
            ..ViewSpec::default()
        };
        assert_eq!(
            tan.initial_view(&sky, (800, 400)).projection,
            Projection::Tan
        );
        let band: Vec<DVec3> = (0..=15)
            .map(|i| unit_vector(i as f64 * 10.0, 0.0))
            .collect();
        assert_eq!(spec.projection_for(&band, (800, 400)), Projection::Ait);
        // Seen from a centre far from the patch, the patch is too wide for TAN.
        let off = ViewSpec {
            center: Some((180.0, 0.0)),
            ..ViewSpec::default()
        };
        assert_eq!(off.projection_for(&patch, (800, 600)), Projection::Ait);
    }
}
