//! The figure font: DejaVu Sans, bundled (assets/fonts, with its licence) so that every
//! machine lays out and draws the same text.

use std::sync::OnceLock;

pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub const FONT_FAMILY: &str = "DejaVu Sans";
/// What SVG viewers use where they lack the bundled font.
pub const SVG_FONT_STACK: &str = "'DejaVu Sans', Verdana, Arial, sans-serif";

fn face() -> &'static ttf_parser::Face<'static> {
    static FACE: OnceLock<ttf_parser::Face<'static>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(FONT_BYTES, 0).expect("the bundled font parses"))
}

/// Advance width of `text` in pixels at a font size of `size_px` (no kerning: labels are
/// short and only need room).
pub fn text_width(text: &str, size_px: f64) -> f64 {
    let f = face();
    let units: u32 = text
        .chars()
        .map(|c| {
            f.glyph_index(c)
                .and_then(|g| f.glyph_hor_advance(g))
                .unwrap_or(f.units_per_em() / 2) as u32
        })
        .sum();
    units as f64 / f.units_per_em() as f64 * size_px
}

/// SVG parsing options whose only font is the bundled one.
pub fn svg_options() -> resvg::usvg::Options<'static> {
    let mut opt = resvg::usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_font_data(FONT_BYTES.to_vec());
    db.set_sans_serif_family(FONT_FAMILY);
    opt.font_family = FONT_FAMILY.to_string();
    opt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        let a = text_width("30°", 10.0);
        assert!(a > 10.0 && a < 30.0, "{a}");
        assert!((text_width("30°", 20.0) - 2.0 * a).abs() < 1e-9);
        assert!(text_width("−30.25°", 10.0) > a);
    }
}
