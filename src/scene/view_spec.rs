//! Where a survey is seen from, as plain data: projection, centre, field, page size and
//! resolution, frame and theme; and the one rule that turns it into the first [`View`].

use glam::DVec3;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::sky::{Frame, Projection};
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewSpec {
    pub projection: Projection,
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
            projection: Projection::Tan,
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

    /// Whether the first data to arrive should choose the centre or the field.
    pub fn frames_data(&self) -> bool {
        self.center.is_none() || self.fov.is_none()
    }

    /// The first view on a canvas of `size`: the centre and field given, the rest chosen
    /// to frame `data` (directions of the survey's outline); with no data, the centre
    /// (0, 0) and the projection's widest field. Figures, the viewer (at start and when
    /// the data arrive) and walls all begin here.
    pub fn initial_view(&self, data: &[DVec3], size: (u32, u32)) -> View {
        let (center, fov) = match (self.center, self.fov) {
            (Some(c), Some(f)) => (c, f),
            (c, f) => {
                let (fit_c, fit_f) = frame_directions(data, self.projection, self.frame, size);
                (c.unwrap_or(fit_c), f.unwrap_or(fit_f))
            }
        };
        let mut v = View::new(self.projection, self.frame, center, fov, size);
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
            projection: Projection::Ait,
            ..ViewSpec::default()
        }
        .initial_view(&[], (800, 400));
        assert_eq!(empty.center_deg, (0.0, 0.0));
        assert_eq!(empty.fov_deg, Projection::Ait.max_fov_deg());
    }
}
