//! How a HEALPix map layer looks.

use crate::view::{Colormap, Rgba};

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Stretch {
    #[default]
    Linear,
    /// log10(1 + 1000 t) / log10(1001), as in ds9.
    Log,
    Sqrt,
    /// asinh(10 t) / asinh(10).
    Asinh,
}

impl Stretch {
    /// Position along the colormap (0–1) of a value at fraction `t` of the range; the CPU
    /// twin of `stretch` in `shaders/map_raster.wgsl` (colour bars place ticks with it).
    pub fn apply(self, t: f64) -> f64 {
        let t = t.clamp(0.0, 1.0);
        match self {
            Stretch::Linear => t,
            Stretch::Log => (1.0 + 1000.0 * t).ln() / 1001f64.ln(),
            Stretch::Sqrt => t.sqrt(),
            Stretch::Asinh => (10.0 * t).asinh() / 10f64.asinh(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapStyle {
    pub colormap: Colormap,
    /// Values mapped to the colormap's ends.
    pub range: (f32, f32),
    pub stretch: Stretch,
    pub opacity: f32,
    /// Colour of sky the map does not cover (alpha 0: transparent).
    pub nodata: Rgba,
    pub visible: bool,
    /// Counts (density maps): a coarse cell shows the average count of the cells beneath
    /// it, uncovered ones counting as zero, instead of the mean of the covered ones.
    pub counts: bool,
}

impl MapStyle {
    pub fn new(colormap: Colormap, range: (f32, f32)) -> Self {
        MapStyle {
            colormap,
            range,
            stretch: Stretch::Linear,
            opacity: 1.0,
            nodata: Rgba([0.0; 4]),
            visible: true,
            counts: false,
        }
    }
}
