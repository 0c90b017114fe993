//! A minimal SVG writer: the elements figures use, numbers with fixed precision, text
//! escaped. Coordinates are figure pixels.

use std::fmt::Write;

use glam::DVec2;

use crate::view::Rgba;

/// An SVG colour and opacity pair for `fill`/`stroke` attributes.
pub fn color(c: Rgba) -> (String, f32) {
    let [r, g, b, _] = c.to_rgba8();
    (format!("#{r:02x}{g:02x}{b:02x}"), c.0[3])
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            // XML 1.0 allows no other C0 control, not even as a reference: show it as
            // its control picture (U+2400 + code; DEL as U+2421).
            '\0'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            // Noncharacters XML also forbids.
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}

/// Path data of polylines: `M x y L x y …` per polyline, 2 decimals.
pub fn path_data<'a>(lines: impl IntoIterator<Item = &'a [DVec2]>, offset: DVec2) -> String {
    let mut d = String::new();
    for line in lines {
        for (i, p) in line.iter().enumerate() {
            let p = *p + offset;
            let _ = write!(d, "{}{:.2} {:.2}", if i == 0 { "M" } else { "L" }, p.x, p.y);
        }
    }
    d
}

/// An SVG document under construction.
pub struct Svg {
    pub body: String,
    defs: String,
    next_id: usize,
}

/// How text is anchored horizontally at its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

impl Default for Svg {
    fn default() -> Self {
        Self::new()
    }
}

impl Svg {
    pub fn new() -> Svg {
        Svg {
            body: String::new(),
            defs: String::new(),
            next_id: 0,
        }
    }

    /// A fresh id for a definition.
    pub fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    pub fn def(&mut self, element: &str) {
        self.defs.push_str(element);
        self.defs.push('\n');
    }

    pub fn raw(&mut self, element: &str) {
        self.body.push_str(element);
        self.body.push('\n');
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: Rgba) {
        let (c, a) = color(fill);
        self.raw(&format!(
            r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{c}" fill-opacity="{a}"/>"#
        ));
    }

    /// A stroked path; `dash` in pixels; `extra` more attributes (e.g. a clip-path).
    pub fn stroke_path(
        &mut self,
        d: &str,
        stroke: Rgba,
        width: f64,
        dash: Option<(f64, f64)>,
        extra: &str,
    ) {
        if d.is_empty() {
            return;
        }
        let (c, a) = color(stroke);
        let dash = dash
            .map(|(on, off)| format!(r#" stroke-dasharray="{on:.2} {off:.2}""#))
            .unwrap_or_default();
        self.raw(&format!(
            r#"<path d="{d}" fill="none" stroke="{c}" stroke-opacity="{a}" stroke-width="{width:.3}" stroke-linejoin="round" stroke-linecap="butt"{dash} {extra}/>"#
        ));
    }

    /// Text with its baseline at `at`; `rotate` in degrees (clockwise) about `at`.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        at: DVec2,
        text: &str,
        size_px: f64,
        fill: Rgba,
        anchor: Anchor,
        rotate: f64,
        halo: Option<Rgba>,
    ) {
        let (c, a) = color(fill);
        let transform = if rotate != 0.0 {
            format!(r#" transform="rotate({rotate} {:.2} {:.2})""#, at.x, at.y)
        } else {
            String::new()
        };
        let base = format!(
            r#"x="{:.2}" y="{:.2}" font-size="{size_px:.2}" text-anchor="{}"{transform}"#,
            at.x,
            at.y,
            anchor.name()
        );
        let text = escape(text);
        // A halo under the text keeps labels legible over the sky.
        if let Some(h) = halo {
            let (hc, ha) = color(h);
            self.raw(&format!(
                r#"<text {base} fill="none" stroke="{hc}" stroke-opacity="{ha}" stroke-width="{:.2}" stroke-linejoin="round">{text}</text>"#,
                size_px * 0.22
            ));
        }
        self.raw(&format!(
            r#"<text {base} fill="{c}" fill-opacity="{a}">{text}</text>"#
        ));
    }

    /// The document: `width` × `height` pixels shown as `width_in` × `height_in` inches.
    pub fn finish(
        self,
        (width, height): (u32, u32),
        (width_in, height_in): (f64, f64),
        font_stack: &str,
        title: &str,
        desc: &str,
    ) -> String {
        format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "\n",
                r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" "#,
                r#"width="{wi:.4}in" height="{hi:.4}in" viewBox="0 0 {w} {h}" font-family="{font}">"#,
                "\n<title>{title}</title>\n<desc>{desc}</desc>\n<defs>\n{defs}</defs>\n{body}</svg>\n"
            ),
            wi = width_in,
            hi = height_in,
            w = width,
            h = height,
            font = escape(font_stack),
            title = escape(title),
            desc = escape(desc),
            defs = self.defs,
            body = self.body,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_paths_and_escapes_text() {
        let d = path_data(
            [&[DVec2::new(0.0, 1.0), DVec2::new(2.5, 3.0)][..]],
            DVec2::new(10.0, 20.0),
        );
        assert_eq!(d, "M10.00 21.00L12.50 23.00");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        // Controls XML forbids become visible symbols; tabs and newlines stay.
        assert_eq!(escape("a\u{1b}b\u{7f}\tc\n"), "a\u{241b}b\u{2421}\tc\n");
        assert_eq!(color(Rgba::rgb8(255, 0, 16)).0, "#ff0010");
    }
}
