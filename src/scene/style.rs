//! How a survey is drawn, as plain data: which layers, filters, colours and sizes. The
//! command line parses its flags into a [`SceneStyle`], figure and wall files go through
//! the same flags, the viewer starts from one and edits its own copy.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::view::limits;
use crate::view::{Colormap, Extent, Rgba, Stretch};

/// Which cluster catalogs are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum AlgorithmChoice {
    All,
    Merged,
    Pzwav,
    Amico,
}

/// The column role the merged clusters are coloured by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
pub enum ColorRole {
    Z,
    Snr,
    /// Whether galaxies lie within --proximity of the cluster (needs --proximity).
    Near,
    None,
}

/// The style of a survey's layers (see `clusterviz render --help` for each field, which
/// bears its flag's name).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneStyle {
    pub algorithm: AlgorithmChoice,
    pub color_by: ColorRole,
    pub colormap: Colormap,
    /// The merged clusters' colour range (default: the data's, rounded).
    pub color_range: Option<(f32, f32)>,
    pub snr_min: Option<f32>,
    pub snr_max: Option<f32>,
    pub z_min: Option<f32>,
    pub z_max: Option<f32>,
    /// Arcminutes within which a cluster counts as having galaxies (NEAR_GALAXIES).
    pub proximity: Option<f64>,
    /// The galaxies' column whose mean the density map shows instead of counts.
    pub density_column: Option<String>,
    /// Markers a crowded layer may draw in one view (default: by the adapter).
    pub max_markers: Option<usize>,
    pub marker_size: Option<Extent>,
    pub line_width: Option<Extent>,
    pub no_galaxies: bool,
    pub no_clusters: bool,
    pub no_tiles: bool,
    pub no_mask: bool,
    pub mask_colormap: Colormap,
    pub mask_range: Option<(f32, f32)>,
    pub mask_outline: Option<Rgba>,
    pub mask_opacity: Option<f32>,
    pub mask_nodata: Option<Rgba>,
    pub mask_stretch: Stretch,
}

impl Default for SceneStyle {
    /// The command line's defaults.
    fn default() -> Self {
        SceneStyle {
            algorithm: AlgorithmChoice::All,
            color_by: ColorRole::Z,
            colormap: Colormap::Viridis,
            color_range: None,
            snr_min: None,
            snr_max: None,
            z_min: None,
            z_max: None,
            proximity: None,
            density_column: None,
            max_markers: None,
            marker_size: None,
            line_width: None,
            no_galaxies: false,
            no_clusters: false,
            no_tiles: false,
            no_mask: false,
            mask_colormap: Colormap::Cividis,
            mask_range: None,
            mask_outline: None,
            mask_opacity: None,
            mask_nodata: None,
            mask_stretch: Stretch::Linear,
        }
    }
}

impl SceneStyle {
    /// The checks that involve several settings (each value alone was checked as it was
    /// parsed): filter ends that cross, a colour role that has nothing to show.
    pub fn check(&self) -> Result<()> {
        let f = |x: Option<f32>| x.map(f64::from);
        limits::ordered("--snr-min", f(self.snr_min), "--snr-max", f(self.snr_max))
            .and_then(|_| limits::ordered("--z-min", f(self.z_min), "--z-max", f(self.z_max)))
            .map_err(Error::user)?;
        if self.color_by == ColorRole::Near && self.proximity.is_none() {
            return Err(Error::user(
                "--color-by near colours clusters by the galaxies within --proximity ARCMIN: give --proximity (and --galaxies)",
            ));
        }
        Ok(())
    }

    /// Whether the cluster catalog of `algorithm` is drawn.
    pub fn shows_algorithm(&self, algorithm: AlgorithmChoice) -> bool {
        !self.no_clusters && (self.algorithm == AlgorithmChoice::All || self.algorithm == algorithm)
    }
}
