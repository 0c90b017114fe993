//! The figure as one SVG document: page, sky image, frame, grid, labels, tile outlines
//! as vectors, then the legend and colour bars.

use glam::{DVec2, DVec3};

use crate::export::font::SVG_FONT_STACK;
use crate::export::svg::{Anchor, Svg, color, path_data};
use crate::sky::great_circle::subdivide;
use crate::sky::unit_vector;
use crate::view::View;

use super::layout::reach;
use super::*;

impl Figure {
    /// The figure as SVG: with `sky` the page background and the sky as an embedded image
    /// (and tile outlines as vectors when `vector_outlines`); without, only what goes over
    /// the GPU's pixels in a PNG.
    pub fn svg(&self, sky: Option<&[u8]>, vector_outlines: bool, desc: &str) -> String {
        let m = Metrics::of(&self.style);
        let theme = self.style.theme;
        let mut svg = Svg::new();
        let o = self.origin();
        let (w, h) = (self.plot.width as f64, self.plot.height as f64);
        if let Some(png) = sky {
            svg.rect(
                0.0,
                0.0,
                self.style.size.0 as f64,
                self.style.size.1 as f64,
                page_color(theme),
            );
            use base64::Engine;
            let data = base64::engine::general_purpose::STANDARD.encode(png);
            svg.raw(&format!(
                r#"<image x="{}" y="{}" width="{w}" height="{h}" preserveAspectRatio="none" xlink:href="data:image/png;base64,{data}"/>"#,
                o.x, o.y
            ));
        }
        let clip = svg.id("plot");
        svg.def(&format!(
            r#"<clipPath id="{clip}"><rect x="{}" y="{}" width="{w}" height="{h}"/></clipPath>"#,
            o.x, o.y
        ));
        let clip_attr = format!(r#"clip-path="url(#{clip})""#);
        if vector_outlines {
            let scale = style_scale(self.style.dpi) as f64;
            for outline in &self.outlines {
                let paths = outline_paths(&self.view, &outline.rings);
                let d = path_data(paths.iter().map(|p| p.as_slice()), o);
                let st = outline.style;
                svg.stroke_path(
                    &d,
                    st.color,
                    st.width_px as f64 * scale,
                    st.dash.map(|(a, b)| (a as f64 * scale, b as f64 * scale)),
                    &clip_attr,
                );
            }
        }
        if vector_outlines && !self.markers.is_empty() {
            svg.raw(&format!("<g {clip_attr}>"));
            for m in &self.markers {
                svg.raw(&crate::export::markers::marker_svg(m, o));
            }
            svg.raw("</g>");
        }
        if self.style.grid_lines {
            let d = path_data(
                self.grid
                    .lines
                    .iter()
                    .flat_map(|l| l.paths.iter().map(|p| p.as_slice())),
                o,
            );
            svg.stroke_path(&d, grid_color(theme), 0.6 * m.pt, None, &clip_attr);
        }
        let ink = ink(theme);
        if self.framed {
            let (c, a) = color(ink);
            svg.raw(&format!(
                r#"<rect x="{}" y="{}" width="{w}" height="{h}" fill="none" stroke="{c}" stroke-opacity="{a}" stroke-width="{:.3}"/>"#,
                o.x,
                o.y,
                0.8 * m.pt
            ));
            let d: String = self
                .ticks
                .iter()
                .map(|(a, b)| format!("M{:.2} {:.2}L{:.2} {:.2}", a.x, a.y, b.x, b.y))
                .collect();
            svg.stroke_path(&d, ink, 0.8 * m.pt, None, "");
        }
        let halo = theme.colors().1.with_alpha(0.85);
        for l in &self.labels {
            svg.text(
                l.at,
                &l.text,
                l.size,
                ink,
                l.anchor,
                l.rotate,
                l.halo.then_some(halo),
            );
        }
        if let Some(t) = &self.style.title {
            svg.text(
                DVec2::new(
                    o.x + w / 2.0,
                    o.y - reach(&self.labels, self.plot).top - 0.7 * m.font,
                ),
                t,
                1.2 * m.font,
                ink,
                Anchor::Middle,
                0.0,
                None,
            );
        }
        self.draw_legend(&mut svg, m);
        self.draw_bars(&mut svg, m);
        svg.finish(
            self.style.size,
            self.inches(),
            SVG_FONT_STACK,
            self.style.title.as_deref().unwrap_or("clusterviz figure"),
            desc,
        )
    }
}

/// Tile rings projected into canvas polylines: great-circle edges cut into pieces of a
/// few pixels, broken where the projection hides them or jumps across a seam.
pub fn outline_paths(view: &View, rings: &[Vec<(f64, f64)>]) -> Vec<Vec<DVec2>> {
    let step = (view.pixel_scale_deg() * 3.0).clamp(1e-5, 0.25);
    let mut out = Vec::new();
    for ring in rings {
        if ring.len() < 2 {
            continue;
        }
        let mut dirs: Vec<DVec3> = Vec::new();
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            let pts = subdivide(unit_vector(a.0, a.1), unit_vector(b.0, b.1), step);
            // Each edge's first point is the previous edge's last.
            let skip = usize::from(!dirs.is_empty());
            dirs.extend(pts.into_iter().skip(skip));
        }
        out.extend(crate::export::graticule::trace_directions(
            view,
            dirs.into_iter(),
        ));
    }
    out
}
