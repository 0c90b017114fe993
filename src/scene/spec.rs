//! A whole scene as plain data: the inputs, the view, the style and, for figures, how the
//! page is composed. The command line parses its flags into one, figure and wall files
//! become one, the viewer saves its figures from one, and the Python package will build
//! one from keyword arguments.

use serde::{Deserialize, Serialize};

use crate::data::load::SurveyInputs;
use crate::data::read_bounds::ReadBounds;
use crate::scene::style::SceneStyle;
use crate::scene::view_spec::ViewSpec;
use crate::view::AngleFormat;

/// How a figure is composed around the sky.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FigureOptions {
    pub title: Option<String>,
    /// Text size in points.
    pub font_size: f64,
    pub grid_format: AngleFormat,
    /// No grid lines over the sky (ticks and labels stay).
    pub no_grid: bool,
    /// Only the sky: no frame, grid, labels, legend or colour bars.
    pub bare: bool,
    /// Also write each PNG's celestial WCS as a FITS header beside it.
    pub wcs: bool,
    /// Also write the sky each figure shows as a MOC file beside it.
    pub moc: bool,
}

impl Default for FigureOptions {
    fn default() -> Self {
        FigureOptions {
            title: None,
            font_size: 10.0,
            grid_format: AngleFormat::Deg,
            no_grid: false,
            bare: false,
            wcs: false,
            moc: false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SceneSpec {
    pub inputs: SurveyInputs,
    pub view: ViewSpec,
    pub style: SceneStyle,
    pub figure: FigureOptions,
}

impl SceneStyle {
    /// The bounds the readers apply as they read: the clusters' SNR minimum and
    /// redshift range, the galaxies' redshift range, and galaxies read from a HATS
    /// catalog (four times the marker budget, so that level of detail has room to
    /// choose).
    pub fn read_bounds(&self) -> ReadBounds {
        ReadBounds {
            snr_min: self.snr_min.map(f64::from),
            z_min: self.z_min.map(f64::from),
            z_max: self.z_max.map(f64::from),
            galaxy_rows: self.max_markers.map(|m| 4 * m as u64),
            galaxy_cone: None,
            galaxy_z_min: self.z_min.map(f64::from),
            galaxy_z_max: self.z_max.map(f64::from),
        }
    }
}
