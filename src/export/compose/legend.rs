//! The legend (a symbol and a label per layer) and the colour bars (an embedded
//! colormap image, ticks on round values).

use glam::DVec2;

use crate::export::font::text_width;
use crate::export::svg::{Anchor, Svg, color};
use crate::export::ticks::{decimals_for, fixed_label, nice_ticks, number_label};
use crate::view::{Colormap, MarkerShape};

use super::layout::{legend_entry_width, legend_height};
use super::*;

impl Figure {
    pub(super) fn draw_legend(&self, svg: &mut Svg, m: Metrics) {
        if self.deco.legend.is_empty() {
            return;
        }
        let ink = ink(self.style.theme);
        let (o, cols) = self.legend_place(m);
        let m = m.legend(self.below);
        let row = 1.5 * m.font;
        let pad = 0.5 * m.font;
        let entry_w = legend_entry_width(&self.deco, m);
        let (c, a) = color(ink.with_alpha(0.45));
        svg.raw(&format!(
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="{c}" stroke-opacity="{a}" stroke-width="{:.3}"/>"#,
            o.x,
            o.y,
            entry_w * cols as f64 + pad,
            legend_height(&self.deco, m, cols),
            0.6 * m.pt
        ));
        let rows = self.deco.legend.len().div_ceil(cols);
        for (i, e) in self.deco.legend.iter().enumerate() {
            // Down the first column, then the next.
            let (col, r) = (i / rows, i % rows);
            let cy = o.y + pad + row * (r as f64 + 0.5);
            let x = o.x + col as f64 * entry_w;
            draw_symbol(svg, &e.symbol, DVec2::new(x + pad + 1.1 * m.font, cy), m);
            svg.text(
                DVec2::new(x + pad + 2.6 * m.font, cy + 0.36 * m.font),
                &e.label,
                m.font,
                ink,
                Anchor::Start,
                0.0,
                None,
            );
        }
    }

    pub(super) fn draw_bars(&self, svg: &mut Svg, m: Metrics) {
        let ink = ink(self.style.theme);
        let horizontal = self.below;
        for (r, bar) in self.bar_rects() {
            svg.raw(&colormap_image(
                bar.colormap,
                !horizontal,
                (r.x, r.y, r.w, r.h),
            ));
            let (c, a) = color(ink);
            svg.raw(&format!(
                r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="{c}" stroke-opacity="{a}" stroke-width="{:.3}"/>"#,
                r.x,
                r.y,
                r.w,
                r.h,
                0.6 * m.pt
            ));
            let mut ticks = String::new();
            let (length, gap) = if horizontal {
                let widest = [bar.range.0, bar.range.1]
                    .iter()
                    .map(|&v| text_width(&short_number(v), 0.9 * m.font))
                    .fold(0.0, f64::max);
                (r.w, widest + 0.8 * m.font)
            } else {
                (r.h, 1.2 * m.font)
            };
            for (v, text) in bar_ticks(bar, length, gap) {
                let t = bar_position(bar, v);
                let (tick, at, anchor) = if horizontal {
                    let x = r.x + r.w * t;
                    (
                        format!(
                            "M{x:.2} {:.2}L{x:.2} {:.2}",
                            r.y + r.h,
                            r.y + r.h + 0.3 * m.font
                        ),
                        DVec2::new(x, r.y + r.h + 1.1 * m.font),
                        Anchor::Middle,
                    )
                } else {
                    let y = r.y + r.h * (1.0 - t);
                    (
                        format!(
                            "M{:.2} {y:.2}L{:.2} {y:.2}",
                            r.x + r.w,
                            r.x + r.w + 0.3 * m.font
                        ),
                        DVec2::new(r.x + r.w + 0.45 * m.font, y + 0.33 * m.font),
                        Anchor::Start,
                    )
                };
                ticks.push_str(&tick);
                svg.text(at, &text, 0.9 * m.font, ink, anchor, 0.0, None);
            }
            svg.stroke_path(&ticks, ink, 0.6 * m.pt, None, "");
            svg.text(
                DVec2::new(r.x, r.y - 0.55 * m.font),
                &bar.label,
                m.font,
                ink,
                Anchor::Start,
                0.0,
                None,
            );
        }
    }
}

/// Where a value sits along a colour bar, 0 (bottom) to 1 (top), through its stretch.
pub fn bar_position(bar: &ColorBar, v: f64) -> f64 {
    let (lo, hi) = bar.range;
    bar.stretch.apply((v - lo) / (hi - lo))
}

/// The values labelled on a bar: both ends, and the finest round values between whose
/// labels all leave room (coarser steps are tried until they do).
pub fn bar_ticks(bar: &ColorBar, length_px: f64, min_gap_px: f64) -> Vec<(f64, String)> {
    let (lo, hi) = bar.range;
    let room = min_gap_px / length_px.max(1.0);
    let mut out = vec![(lo, short_number(lo)), (hi, short_number(hi))];
    for target in (1..=6).rev() {
        let (inner, _) = nice_ticks(lo, hi, target);
        let at = |v: f64| bar_position(bar, v);
        let inner: Vec<f64> = inner
            .into_iter()
            .filter(|&v| (at(v) - at(lo)).abs() > room && (at(hi) - at(v)).abs() > room)
            .collect();
        let spaced = inner.windows(2).all(|w| (at(w[1]) - at(w[0])).abs() > room);
        if spaced {
            // The decimals the kept values need (one kept tick of a 0.25 step is "0.5").
            let d = inner.iter().map(|&v| decimals_for(v)).max().unwrap_or(0);
            out.extend(inner.into_iter().map(|v| (v, fixed_label(v, d))));
            break;
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// A range end: as written when short, else to three significant digits.
pub(super) fn short_number(v: f64) -> String {
    if v == v.round() && v.abs() < 1e6 {
        return number_label(v, 1.0);
    }
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
    let s = format!("{:.*}", digits, v.abs());
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if v < 0.0 { format!("−{s}") } else { s }
}

/// A colormap as an embedded 256-step image filling (x, y, w, h), low values at the
/// bottom (`vertical`) or left: every renderer shows the same colours, unlike gradients.
pub(super) fn colormap_image(
    cmap: Colormap,
    vertical: bool,
    (x, y, w, h): (f64, f64, f64, f64),
) -> String {
    use base64::Engine;
    let steps: Vec<u8> = (0..256)
        .flat_map(|i| {
            let t = if vertical { 255 - i } else { i };
            let [r, g, b] = cmap.table()[t];
            [r, g, b, 255]
        })
        .collect();
    let (iw, ih) = if vertical { (1, 256) } else { (256, 1) };
    let img = crate::render::Image {
        width: iw,
        height: ih,
        rgba: steps,
    };
    let png = img.encode_png(&[]).unwrap_or_default();
    let data = base64::engine::general_purpose::STANDARD.encode(png);
    format!(
        r#"<image x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" preserveAspectRatio="none" image-rendering="optimizeSpeed" xlink:href="data:image/png;base64,{data}"/>"#
    )
}

pub(super) fn draw_symbol(svg: &mut Svg, s: &Symbol, c: DVec2, m: Metrics) {
    let r = 0.38 * m.font;
    let lw = 0.9 * m.pt;
    match s {
        Symbol::Marker { shape, color: col } => {
            let (c_hex, a) = color(*col);
            let filled = matches!(
                shape,
                MarkerShape::Circle | MarkerShape::Square | MarkerShape::Diamond
            );
            let paint = if filled {
                format!(r#"fill="{c_hex}" fill-opacity="{a}""#)
            } else {
                format!(
                    r#"fill="none" stroke="{c_hex}" stroke-opacity="{a}" stroke-width="{lw:.3}""#
                )
            };
            let el = match shape {
                MarkerShape::Circle | MarkerShape::OpenCircle => {
                    format!(
                        r#"<circle cx="{:.2}" cy="{:.2}" r="{r:.2}" {paint}/>"#,
                        c.x, c.y
                    )
                }
                MarkerShape::Square | MarkerShape::OpenSquare => format!(
                    r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" {paint}/>"#,
                    c.x - r,
                    c.y - r,
                    2.0 * r,
                    2.0 * r
                ),
                MarkerShape::Diamond | MarkerShape::OpenDiamond => format!(
                    r#"<path d="M{:.2} {:.2}L{:.2} {:.2}L{:.2} {:.2}L{:.2} {:.2}Z" {paint}/>"#,
                    c.x,
                    c.y - r,
                    c.x + r,
                    c.y,
                    c.x,
                    c.y + r,
                    c.x - r,
                    c.y
                ),
                MarkerShape::Cross => format!(
                    r#"<path d="M{:.2} {:.2}L{:.2} {:.2}M{:.2} {:.2}L{:.2} {:.2}" {paint}/>"#,
                    c.x - r,
                    c.y - r,
                    c.x + r,
                    c.y + r,
                    c.x - r,
                    c.y + r,
                    c.x + r,
                    c.y - r
                ),
                MarkerShape::Plus => format!(
                    r#"<path d="M{:.2} {:.2}L{:.2} {:.2}M{:.2} {:.2}L{:.2} {:.2}" {paint}/>"#,
                    c.x - r,
                    c.y,
                    c.x + r,
                    c.y,
                    c.x,
                    c.y - r,
                    c.x,
                    c.y + r
                ),
            };
            svg.raw(&el);
        }
        Symbol::Line { color: col, dashed } => {
            let d = format!(
                "M{:.2} {:.2}L{:.2} {:.2}",
                c.x - 1.0 * m.font,
                c.y,
                c.x + 1.0 * m.font,
                c.y
            );
            let dash = dashed.then_some((0.45 * m.font, 0.3 * m.font));
            svg.stroke_path(&d, *col, 1.2 * m.pt, dash, "");
        }
        Symbol::Dots(col) => {
            let (c_hex, a) = color(*col);
            for (dx, dy) in [
                (-0.6, -0.2),
                (-0.1, 0.25),
                (0.35, -0.3),
                (0.75, 0.15),
                (-0.85, 0.3),
            ] {
                svg.raw(&format!(
                    r#"<circle cx="{:.2}" cy="{:.2}" r="{:.2}" fill="{c_hex}" fill-opacity="{}"/>"#,
                    c.x + dx * m.font,
                    c.y + dy * m.font,
                    0.09 * m.font,
                    a.max(0.8)
                ));
            }
        }
        Symbol::Colormap(cmap) => {
            svg.raw(&colormap_image(
                *cmap,
                false,
                (
                    c.x - 1.0 * m.font,
                    c.y - 0.35 * m.font,
                    2.0 * m.font,
                    0.7 * m.font,
                ),
            ));
        }
    }
}
