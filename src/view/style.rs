//! How layers look: marker shapes, sizes and colours (fixed or driven by a column),
//! line styles, filters and the page theme. Plain data; the renderer turns it into uniforms.

use crate::view::Colormap;

/// An sRGB colour with straight (not premultiplied) alpha, components in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rgba(pub [f32; 4]);

impl Rgba {
    pub const fn rgb8(r: u8, g: u8, b: u8) -> Rgba {
        Rgba([r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0, 1.0])
    }

    /// The colour as 8-bit sRGB components, alpha last.
    pub fn to_rgba8(self) -> [u8; 4] {
        self.0.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8)
    }

    pub fn with_alpha(self, a: f32) -> Rgba {
        let [r, g, b, _] = self.0;
        Rgba([r, g, b, a])
    }

    /// Parses `#rrggbb`, `#rrggbbaa` or one of a few colour names.
    pub fn parse(s: &str) -> Option<Rgba> {
        let named = match s.to_ascii_lowercase().as_str() {
            "white" => Some("#ffffff"),
            "black" => Some("#000000"),
            "red" => Some("#e6194b"),
            "green" => Some("#3cb44b"),
            "blue" => Some("#4363d8"),
            "orange" => Some("#f58231"),
            "cyan" => Some("#42d4f4"),
            "magenta" => Some("#f032e6"),
            "yellow" => Some("#ffe119"),
            "gray" | "grey" => Some("#808080"),
            _ => None,
        };
        let hex = named.unwrap_or(s).strip_prefix('#')?;
        if !(hex.len() == 6 || hex.len() == 8) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        let a = if hex.len() == 8 { byte(6)? } else { 255 };
        Some(Rgba::rgb8(byte(0)?, byte(2)?, byte(4)?).with_alpha(a as f32 / 255.0))
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
pub enum MarkerShape {
    Circle,
    OpenCircle,
    Square,
    OpenSquare,
    Diamond,
    OpenDiamond,
    Cross,
    Plus,
}

impl MarkerShape {
    pub const ALL: [MarkerShape; 8] = [
        MarkerShape::Circle,
        MarkerShape::OpenCircle,
        MarkerShape::Square,
        MarkerShape::OpenSquare,
        MarkerShape::Diamond,
        MarkerShape::OpenDiamond,
        MarkerShape::Cross,
        MarkerShape::Plus,
    ];

    /// The number the point shader switches on.
    pub fn shader_id(self) -> u32 {
        self as u32
    }
}

/// Which attribute slot of a point instance a style reads (see `render::points`).
pub type AttrSlot = u32;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SizeBy {
    /// Diameter in pixels.
    Fixed(f32),
    /// Diameter from `min_px` to `max_px` as the attribute goes from `lo` to `hi`
    /// (square-root scaling, so marker area follows the value).
    Column {
        attr: AttrSlot,
        lo: f32,
        hi: f32,
        min_px: f32,
        max_px: f32,
    },
}

impl SizeBy {
    /// The same sizing with every diameter multiplied by `factor`.
    pub fn scaled(self, factor: f32) -> SizeBy {
        match self {
            SizeBy::Fixed(px) => SizeBy::Fixed(px * factor),
            SizeBy::Column {
                attr,
                lo,
                hi,
                min_px,
                max_px,
            } => SizeBy::Column {
                attr,
                lo,
                hi,
                min_px: min_px * factor,
                max_px: max_px * factor,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColorBy {
    Fixed(Rgba),
    Column {
        attr: AttrSlot,
        lo: f32,
        hi: f32,
        colormap: Colormap,
    },
}

/// Keeps objects whose attribute lies in [min, max].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RangeFilter {
    pub attr: AttrSlot,
    pub min: f32,
    pub max: f32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointStyle {
    pub shape: MarkerShape,
    pub size: SizeBy,
    pub color: ColorBy,
    pub opacity: f32,
    /// Line width of open markers, crosses and pluses, pixels.
    pub stroke_px: f32,
    /// A rim around each marker, so that it shows over whatever lies beneath.
    pub halo: Option<Halo>,
    pub filters: [Option<RangeFilter>; 2],
    pub visible: bool,
}

impl PointStyle {
    pub fn new(shape: MarkerShape, size: SizeBy, color: ColorBy) -> Self {
        PointStyle {
            shape,
            size,
            color,
            opacity: 1.0,
            stroke_px: 1.5,
            halo: None,
            filters: [None, None],
            visible: true,
        }
    }
}

/// A rim of `color`, `width_px` wide, around a marker: small pale markers keep their
/// contrast over the palest colours of a density or mask drawn beneath (and dark ones
/// over the darkest), where one colour alone would vanish.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Halo {
    pub color: Rgba,
    pub width_px: f32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineStyle {
    pub color: Rgba,
    pub width_px: f32,
    /// Dash and gap lengths in pixels; `None` for a solid line.
    pub dash: Option<(f32, f32)>,
    pub visible: bool,
}

impl LineStyle {
    /// Width and dashes `k` times as large.
    pub fn scaled(self, k: f32) -> LineStyle {
        LineStyle {
            width_px: self.width_px * k,
            dash: self.dash.map(|(a, b)| (a * k, b * k)),
            ..self
        }
    }
}

/// Page and sky colours.
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
pub enum Theme {
    /// Dark sky, for screens and walls.
    #[default]
    Dark,
    /// White sky and page, for print.
    Light,
}

impl Theme {
    /// (outside the projection's domain, inside it, domain outline)
    pub fn colors(self) -> (Rgba, Rgba, Rgba) {
        match self {
            Theme::Dark => (
                Rgba::rgb8(0x0b, 0x0d, 0x12),
                Rgba::rgb8(0x16, 0x1b, 0x26),
                Rgba::rgb8(0x9a, 0xa4, 0xb5),
            ),
            Theme::Light => (
                Rgba::rgb8(0xff, 0xff, 0xff),
                Rgba::rgb8(0xfb, 0xfb, 0xf8),
                Rgba::rgb8(0x30, 0x30, 0x30),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_colours() {
        assert_eq!(Rgba::parse("#ff0000"), Some(Rgba::rgb8(255, 0, 0)));
        assert_eq!(Rgba::parse("#00ff0080").unwrap().0[3], 128.0 / 255.0);
        assert!(Rgba::parse("white").is_some());
        assert!(Rgba::parse("#12345").is_none());
        assert!(Rgba::parse("nonsense").is_none());
    }
}

/// How coordinate labels are written.
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
pub enum AngleFormat {
    /// Decimal degrees: 350.5°, −30.25°.
    #[default]
    Deg,
    /// Sexagesimal: right ascension in hours (23h20m), latitudes as −30°15′.
    Hms,
}
