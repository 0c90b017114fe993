//! A figure's composition: where the plot goes on the page, its frame, coordinate grid,
//! tick labels and axis labels, the legend and colour bars, the title. Everything but
//! the sky itself is written as one SVG document in figure pixels; PNG output rasterises
//! it over the GPU's sky, SVG and PDF output embed the sky as an image under it.
//!
//! The layout is measured from the labels it will draw: a first pass places the plot with
//! guessed margins, the grid of that view gives the real labels, and a second pass sizes
//! the margins to them.

mod layout;
mod legend;
mod paint;

use glam::DVec2;
pub use legend::{bar_position, bar_ticks};
pub use paint::outline_paths;

use crate::export::font::text_width;
use crate::export::graticule::Graticule;
use crate::export::svg::Anchor;
use crate::export::ticks::AngleFormat;
use crate::view::{Colormap, LineStyle, MarkerShape, Rgba, Stretch, SubRect, Theme, View};

/// What the user asked of the figure as a whole.
#[derive(Clone, Debug)]
pub struct FigureStyle {
    /// Page size in pixels.
    pub size: (u32, u32),
    /// Pixels per inch: sets the printed size and the size of text and lines.
    pub dpi: f64,
    /// Text size in points.
    pub font_pt: f64,
    pub title: Option<String>,
    pub grid_format: AngleFormat,
    /// Draw grid lines over the sky (ticks and labels are drawn either way).
    pub grid_lines: bool,
    pub theme: Theme,
}

/// The marker-size and line-width scale of the sky layers at this DPI: their pixel sizes
/// are meant for 200 pixels per inch, so every size prints the same.
pub fn style_scale(dpi: f64) -> f32 {
    (dpi / 200.0) as f32
}

#[derive(Clone, Debug, PartialEq)]
pub enum Symbol {
    Marker { shape: MarkerShape, color: Rgba },
    Line { color: Rgba, dashed: bool },
    Dots(Rgba),
    Colormap(Colormap),
}

#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub symbol: Symbol,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ColorBar {
    pub label: String,
    pub colormap: Colormap,
    pub range: (f64, f64),
    pub stretch: Stretch,
}

/// The legend's entries and the colour bars, from the visible layers.
#[derive(Clone, Debug, Default)]
pub struct Decorations {
    pub legend: Vec<LegendEntry>,
    pub bars: Vec<ColorBar>,
}

/// Survey tiles drawn as vectors in SVG and PDF (in PNG the GPU draws them).
#[derive(Clone, Debug)]
pub struct VectorOutline {
    pub style: LineStyle,
    /// Closed rings of (RA, Dec) in degrees, joined by great circles.
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// A label placed in figure pixels, its baseline at `at`.
#[derive(Clone, Debug)]
pub struct Label {
    pub at: DVec2,
    pub text: String,
    pub size: f64,
    pub anchor: Anchor,
    /// Degrees clockwise (−90: reads upwards).
    pub rotate: f64,
    pub halo: bool,
}

impl Label {
    /// (min, max) corners of the label's box.
    pub fn bounds(&self) -> (DVec2, DVec2) {
        let w = text_width(&self.text, self.size);
        let x0 = match self.anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => -w / 2.0,
            Anchor::End => -w,
        };
        // Ascent and descent of the font, roughly; then turned as SVG turns it.
        let corners = [
            DVec2::new(x0, -0.76 * self.size),
            DVec2::new(x0 + w, -0.76 * self.size),
            DVec2::new(x0, 0.24 * self.size),
            DVec2::new(x0 + w, 0.24 * self.size),
        ];
        let (s, c) = self.rotate.to_radians().sin_cos();
        corners.iter().fold(
            (DVec2::splat(f64::INFINITY), DVec2::splat(f64::NEG_INFINITY)),
            |(lo, hi), p| {
                let q = self.at + DVec2::new(p.x * c - p.y * s, p.x * s + p.y * c);
                (lo.min(q), hi.max(q))
            },
        )
    }
}

/// A composed figure: the page, the plot's place on it and the view it shows.
pub struct Figure {
    pub style: FigureStyle,
    pub deco: Decorations,
    /// The plot in page pixels; the view's canvas is its size.
    pub plot: SubRect,
    pub view: View,
    pub grid: Graticule,
    pub outlines: Vec<VectorOutline>,
    /// Cluster markers written as vectors (SVG, PDF) above the outlines; empty when they
    /// are part of the sky image.
    pub markers: Vec<crate::export::markers::VectorMarker>,
    labels: Vec<Label>,
    ticks: Vec<(DVec2, DVec2)>,
    /// Edge-labelled projections get a frame; all-sky ellipses are their own outline.
    framed: bool,
    /// Legend and colour bars below the plot (narrow pages) instead of beside it.
    below: bool,
    /// Page rows left empty because the plot keeps its domain's aspect (an all-sky
    /// ellipse on a page taller than it needs): what a page sized to the plot saves.
    pub slack: u32,
}

/// Sizes derived from the DPI.
#[derive(Clone, Copy)]
pub(super) struct Metrics {
    font: f64,
    pt: f64,
}

impl Metrics {
    /// The legend's sizes: a little smaller text under the plot, where it shares a row.
    pub(super) fn legend(self, below: bool) -> Metrics {
        Metrics {
            font: if below { 0.8 * self.font } else { self.font },
            pt: self.pt,
        }
    }

    pub(super) fn of(style: &FigureStyle) -> Metrics {
        let pt = style.dpi / 72.0;
        Metrics {
            font: style.font_pt * pt,
            pt,
        }
    }
}

pub fn ink(theme: Theme) -> Rgba {
    match theme {
        Theme::Dark => Rgba::rgb8(0xe6, 0xe9, 0xef),
        Theme::Light => Rgba::rgb8(0x11, 0x11, 0x11),
    }
}

/// The page colour (the renderer's colour outside the projection's domain).
pub fn page_color(theme: Theme) -> Rgba {
    theme.colors().0
}

pub(super) fn grid_color(theme: Theme) -> Rgba {
    match theme {
        Theme::Dark => Rgba([1.0, 1.0, 1.0, 0.32]),
        Theme::Light => Rgba([0.0, 0.0, 0.0, 0.28]),
    }
}

/// A rectangle in page pixels (fractional).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SubRectF {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_ticks_keep_round_values_that_fit_and_write_them_plainly() {
        let bar = ColorBar {
            label: "w".into(),
            colormap: Colormap::Viridis,
            range: (0.0, 1.0),
            stretch: Stretch::Linear,
        };
        let labels = |len: f64| -> Vec<String> {
            bar_ticks(&bar, len, 30.0)
                .into_iter()
                .map(|(_, t)| t)
                .collect()
        };
        // A short bar has room for its ends and the middle only, written "0.5".
        assert_eq!(labels(100.0), ["0", "0.5", "1"]);
        // A long one for every 0.2.
        assert_eq!(labels(1000.0), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
        // Ends that are not round keep three significant digits.
        let odd = ColorBar {
            range: (0.4626, 1.846),
            ..bar.clone()
        };
        let t = bar_ticks(&odd, 1000.0, 30.0);
        assert_eq!(t.first().unwrap().1, "0.463");
        assert_eq!(t.last().unwrap().1, "1.85");
    }
}
