//! A figure's composition: where the plot goes on the page, its frame, coordinate grid,
//! tick labels and axis labels, the legend and colour bars, the title. Everything but
//! the sky itself is written as one SVG document in figure pixels; PNG output rasterises
//! it over the GPU's sky, SVG and PDF output embed the sky as an image under it.
//!
//! The layout is measured from the labels it will draw: a first pass places the plot with
//! guessed margins, the grid of that view gives the real labels, and a second pass sizes
//! the margins to them.

use glam::{DVec2, DVec3};

use crate::error::{Error, Result};
use crate::export::font::{SVG_FONT_STACK, text_width};
use crate::export::graticule::{Coord, Edge, Graticule, frame_crossings, graticule};
use crate::export::svg::{Anchor, Svg, color, path_data};
use crate::export::ticks::{AngleFormat, decimals_for, fixed_label, nice_ticks, number_label};
use crate::sky::great_circle::subdivide;
use crate::sky::{Frame, Projection, unit_vector};
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
}

/// Sizes derived from the DPI.
#[derive(Clone, Copy)]
struct Metrics {
    font: f64,
    pt: f64,
}

impl Metrics {
    /// The legend's sizes: a little smaller text under the plot, where it shares a row.
    fn legend(self, below: bool) -> Metrics {
        Metrics {
            font: if below { 0.8 * self.font } else { self.font },
            pt: self.pt,
        }
    }

    fn of(style: &FigureStyle) -> Metrics {
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

fn grid_color(theme: Theme) -> Rgba {
    match theme {
        Theme::Dark => Rgba([1.0, 1.0, 1.0, 0.32]),
        Theme::Light => Rgba([0.0, 0.0, 0.0, 0.28]),
    }
}

/// How far labels reach beyond each side of the plot (pixels).
#[derive(Clone, Copy, Debug, Default)]
struct Reach {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

fn reach(labels: &[Label], plot: SubRect) -> Reach {
    let (x0, y0) = (plot.x as f64, plot.y as f64);
    let (x1, y1) = (x0 + plot.width as f64, y0 + plot.height as f64);
    let mut r = Reach::default();
    for l in labels {
        let (lo, hi) = l.bounds();
        r.left = r.left.max(x0 - lo.x);
        r.right = r.right.max(hi.x - x1);
        r.top = r.top.max(y0 - lo.y);
        r.bottom = r.bottom.max(hi.y - y1);
    }
    r
}

impl Figure {
    /// Lays out a figure whose view, for a plot of a given size, `make_view` gives (it
    /// frames the data or keeps the requested field across the plot's width).
    pub fn compose(
        style: FigureStyle,
        deco: Decorations,
        outlines: Vec<VectorOutline>,
        make_view: impl Fn((u32, u32)) -> View,
    ) -> Result<Figure> {
        let m = Metrics::of(&style);
        let column = column_width(&deco, m);
        // A column that would squeeze the plot (single-column figures) moves below it.
        // (At the default DPI a page is 8 inches wide and the column takes ~29% of it:
        // the threshold keeps clear of that.)
        let below = column > 0.35 * style.size.0 as f64;
        let side = if below { 0.0 } else { column };
        // First pass: margins guessed for labels below and left of the plot.
        let guess = Reach {
            left: text_width("−00.00°", m.font) + 2.2 * m.font,
            right: 0.0,
            top: 0.6 * m.font,
            bottom: 2.8 * m.font,
        };
        let mut fig = Figure::place(style, deco, outlines, guess, side, below, &make_view)?;
        // Second pass: margins from the labels the first pass drew.
        let need = reach(&fig.labels, fig.plot);
        fig = Figure::place(
            fig.style,
            fig.deco,
            fig.outlines,
            need,
            side,
            below,
            &make_view,
        )?;
        Ok(fig)
    }

    fn place(
        style: FigureStyle,
        deco: Decorations,
        outlines: Vec<VectorOutline>,
        need: Reach,
        column: f64,
        below: bool,
        make_view: &impl Fn((u32, u32)) -> View,
    ) -> Result<Figure> {
        let m = Metrics::of(&style);
        let (w, h) = (style.size.0 as f64, style.size.1 as f64);
        let pad = 0.6 * m.font;
        let title_h = if style.title.is_some() {
            1.9 * m.font
        } else {
            0.0
        };
        let left = need.left + pad;
        let top = need.top + title_h + pad;
        let right = need.right
            + pad
            + if column > 0.0 {
                column + 1.2 * m.font
            } else {
                0.0
            };
        let under = if below {
            below_height(&deco, m, w - 2.0 * pad)
        } else {
            0.0
        };
        let bottom = need.bottom + pad + under;
        let (pw, ph) = (w - left - right, h - top - bottom);
        if pw < 32.0 || ph < 32.0 {
            return Err(Error::user(format!(
                "a {}x{} figure has no room for its plot beside the labels, legend and colour \
                 bars at {} dpi: give a larger --size, a smaller --dpi or --font-size, or --bare",
                style.size.0, style.size.1, style.dpi
            )));
        }
        let mut plot = SubRect {
            x: left.round() as u32,
            y: top.round() as u32,
            width: pw.floor() as u32,
            height: ph.floor() as u32,
        };
        let mut view = make_view((plot.width, plot.height));
        // Views of the whole domain fit the plot to it (2:1 for all-sky, 1:1 for SIN), so
        // the frame and labels hug the sky.
        if let Some(aspect) = domain_aspect(&view) {
            let (cw, ch) = (plot.width as f64, plot.height as f64);
            let (nw, nh) = if cw / ch > aspect {
                ((ch * aspect).floor(), ch)
            } else {
                (cw, (cw / aspect).floor())
            };
            plot.x += ((cw - nw) / 2.0).round() as u32;
            // With the legend below, the plot stays on top so the block follows it.
            if !below {
                plot.y += ((ch - nh) / 2.0).round() as u32;
            }
            (plot.width, plot.height) = (nw as u32, nh as u32);
            view = make_view((plot.width, plot.height));
        }
        let grid = graticule(&view, style.grid_format);
        // Ellipses and the whole SIN disc meet a frame in a few points only: they are
        // labelled along their outline instead.
        let outline_labelled = matches!(view.projection, Projection::Mol | Projection::Ait)
            || (view.projection == Projection::Sin && domain_aspect(&view).is_some());
        let framed = !outline_labelled;
        let mut fig = Figure {
            style,
            deco,
            plot,
            view,
            grid,
            outlines,
            markers: Vec::new(),
            labels: Vec::new(),
            ticks: Vec::new(),
            framed,
            below,
        };
        if framed {
            fig.plan_edge_labels(m);
        } else {
            fig.plan_all_sky_labels(m);
        }
        Ok(fig)
    }

    fn origin(&self) -> DVec2 {
        DVec2::new(self.plot.x as f64, self.plot.y as f64)
    }

    /// Tick marks on every side where grid lines meet the frame; longitudes labelled
    /// below (else above, right, left), latitudes left (else right, above, below); axis
    /// names beyond the labels.
    fn plan_edge_labels(&mut self, m: Metrics) {
        let (w, h) = (self.plot.width as f64, self.plot.height as f64);
        let o = self.origin();
        let crossings = frame_crossings(&self.grid, w, h);
        let tick = 3.5 * m.pt;
        for c in &crossings {
            let inward = match c.edge {
                Edge::Bottom => DVec2::new(0.0, -tick),
                Edge::Top => DVec2::new(0.0, tick),
                Edge::Left => DVec2::new(tick, 0.0),
                Edge::Right => DVec2::new(-tick, 0.0),
            };
            self.ticks.push((o + c.at, o + c.at + inward));
        }
        let count = |coord: Coord, edge: Edge| {
            crossings
                .iter()
                .filter(|c| c.edge == edge && self.grid.lines[c.line].coord == coord)
                .count()
        };
        let pick = |coord: Coord, prefs: [Edge; 4], taken: Option<Edge>| {
            let open = prefs.into_iter().filter(|&e| Some(e) != taken);
            open.clone()
                .find(|&e| count(coord, e) >= 2)
                .or_else(|| open.clone().find(|&e| count(coord, e) >= 1))
        };
        use Edge::*;
        let lon_edge = pick(Coord::Lon, [Bottom, Top, Right, Left], None);
        let lat_edge = pick(Coord::Lat, [Left, Right, Top, Bottom], lon_edge);
        let gap = 3.0 * m.pt;
        for (coord, edge) in [(Coord::Lon, lon_edge), (Coord::Lat, lat_edge)] {
            let Some(edge) = edge else { continue };
            let mut on_edge: Vec<(f64, Label)> = Vec::new();
            for c in crossings
                .iter()
                .filter(|c| c.edge == edge && self.grid.lines[c.line].coord == coord)
            {
                let text = self.grid.label(&self.grid.lines[c.line]);
                let p = o + c.at;
                let (at, anchor) = match edge {
                    Bottom => (DVec2::new(p.x, p.y + gap + 0.78 * m.font), Anchor::Middle),
                    Top => (DVec2::new(p.x, p.y - gap - 0.24 * m.font), Anchor::Middle),
                    Left => (DVec2::new(p.x - gap, p.y + 0.36 * m.font), Anchor::End),
                    Right => (DVec2::new(p.x + gap, p.y + 0.36 * m.font), Anchor::Start),
                };
                let along = if matches!(edge, Bottom | Top) {
                    p.x
                } else {
                    p.y
                };
                on_edge.push((
                    along,
                    Label {
                        at,
                        text,
                        size: m.font,
                        anchor,
                        rotate: 0.0,
                        halo: false,
                    },
                ));
            }
            on_edge.sort_by(|a, b| a.0.total_cmp(&b.0));
            let kept = drop_overlaps(on_edge.into_iter().map(|(_, l)| l), 0.5 * m.font);
            let axis_name = axis_name(self.view.frame, coord);
            let (lo, hi) = kept.iter().fold(
                (DVec2::splat(f64::INFINITY), DVec2::splat(f64::NEG_INFINITY)),
                |(lo, hi), l| {
                    let (a, b) = l.bounds();
                    (lo.min(a), hi.max(b))
                },
            );
            let mid = o + DVec2::new(w / 2.0, h / 2.0);
            let name_gap = 0.5 * m.font;
            let (bx0, by0, bx1, by1) = (o.x, o.y, o.x + w, o.y + h);
            let axis = match edge {
                Bottom => Label {
                    at: DVec2::new(mid.x, hi.y.max(by1) + name_gap + 0.76 * m.font),
                    text: axis_name.into(),
                    size: m.font,
                    anchor: Anchor::Middle,
                    rotate: 0.0,
                    halo: false,
                },
                Top => Label {
                    at: DVec2::new(mid.x, lo.y.min(by0) - name_gap - 0.24 * m.font),
                    text: axis_name.into(),
                    size: m.font,
                    anchor: Anchor::Middle,
                    rotate: 0.0,
                    halo: false,
                },
                Left => Label {
                    at: DVec2::new(lo.x.min(bx0) - name_gap - 0.24 * m.font, mid.y),
                    text: axis_name.into(),
                    size: m.font,
                    anchor: Anchor::Middle,
                    rotate: -90.0,
                    halo: false,
                },
                Right => Label {
                    at: DVec2::new(hi.x.max(bx1) + name_gap + 0.24 * m.font, mid.y),
                    text: axis_name.into(),
                    size: m.font,
                    anchor: Anchor::Middle,
                    rotate: 90.0,
                    halo: false,
                },
            };
            self.labels.extend(kept);
            self.labels.push(axis);
        }
    }

    /// All-sky ellipses: latitudes left of where each parallel meets the outline,
    /// longitudes along the grid's equator (with a halo over the sky), the frame's name
    /// in the corner.
    fn plan_all_sky_labels(&mut self, m: Metrics) {
        let o = self.origin();
        let gap = 3.0 * m.pt;
        let mut lat_labels = Vec::new();
        let mut lon_labels = Vec::new();
        for line in &self.grid.lines {
            let text = self.grid.label(line);
            match line.coord {
                Coord::Lat => {
                    let Some(p) = line
                        .paths
                        .iter()
                        .flatten()
                        .min_by(|a, b| a.x.total_cmp(&b.x))
                    else {
                        continue;
                    };
                    lat_labels.push((
                        p.y,
                        Label {
                            at: o + DVec2::new(p.x - gap, p.y + 0.36 * m.font),
                            text,
                            size: m.font,
                            anchor: Anchor::End,
                            rotate: 0.0,
                            halo: false,
                        },
                    ));
                }
                Coord::Lon => {
                    let d = self.view.frame.to_icrs() * unit_vector(line.value_deg, 0.0);
                    let Some(p) = self.view.project(d) else {
                        continue;
                    };
                    lon_labels.push((
                        p.x,
                        Label {
                            at: o + DVec2::new(p.x, p.y + 1.15 * m.font),
                            text,
                            size: 0.9 * m.font,
                            anchor: Anchor::Middle,
                            rotate: 0.0,
                            halo: true,
                        },
                    ));
                }
            }
        }
        for mut group in [lat_labels, lon_labels] {
            group.sort_by(|a, b| a.0.total_cmp(&b.0));
            let kept = drop_overlaps(group.into_iter().map(|(_, l)| l), 0.3 * m.font);
            self.labels.extend(kept);
        }
        self.labels.push(Label {
            at: o + DVec2::new(0.0, self.plot.height as f64 - 0.3 * m.font),
            text: self.view.frame.name().to_string(),
            size: 0.9 * m.font,
            anchor: Anchor::Start,
            rotate: 0.0,
            halo: false,
        });
    }

    /// The tick labels and axis names (figure pixels), for tests and layout.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// Page size in inches.
    pub fn inches(&self) -> (f64, f64) {
        (
            self.style.size.0 as f64 / self.style.dpi,
            self.style.size.1 as f64 / self.style.dpi,
        )
    }

    /// The colour bars' places: (bar rectangle in page pixels, bar).
    pub fn bar_rects(&self) -> Vec<(SubRectF, &ColorBar)> {
        let m = Metrics::of(&self.style);
        let n = self.deco.bars.len();
        if n == 0 {
            return Vec::new();
        }
        // Each bar has its label on a line above it.
        let label_h = 1.6 * m.font;
        if self.below {
            // Side by side across the block's width, under the plot's labels.
            let y = self.below_top(m) + label_h;
            let gap = 3.0 * m.font;
            let (x0, width) = self.below_span(m);
            let bw = (width - (n - 1) as f64 * gap) / n as f64;
            return self
                .deco
                .bars
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let r = SubRectF {
                        x: x0 + i as f64 * (bw + gap),
                        y,
                        w: bw,
                        h: 0.9 * m.font,
                    };
                    (r, b)
                })
                .collect();
        }
        let x0 = (self.plot.x + self.plot.width) as f64 + self.column_gap(m);
        let mut y = self.plot.y as f64;
        if !self.deco.legend.is_empty() {
            y += legend_height(&self.deco, m, 1) + 1.6 * m.font;
        }
        // Bars may reach below a short plot (all-sky ellipses), to the page's margin.
        let bottom =
            ((self.plot.y + self.plot.height) as f64).max(self.style.size.1 as f64 - 1.5 * m.font);
        let space = bottom - y - (n - 1) as f64 * 1.2 * m.font - n as f64 * label_h;
        let tallest = (0.5 * self.plot.height as f64).max(0.3 * self.style.size.1 as f64);
        let bar_h = (space / n as f64).min(tallest).max(2.0 * m.font);
        self.deco
            .bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                (
                    SubRectF {
                        x: x0 + 0.2 * m.font,
                        y: y + label_h + i as f64 * (bar_h + label_h + 1.2 * m.font),
                        w: 1.1 * m.font,
                        h: bar_h,
                    },
                    b,
                )
            })
            .collect()
    }

    /// Where the block below the plot starts (under its tick labels and axis name).
    fn below_top(&self, m: Metrics) -> f64 {
        (self.plot.y + self.plot.height) as f64 + reach(&self.labels, self.plot).bottom + m.font
    }

    /// Left end and width of the block below the plot: the plot's own span, or the page's
    /// when the plot is narrow (all-sky ellipses on tall pages).
    fn below_span(&self, m: Metrics) -> (f64, f64) {
        let page = self.style.size.0 as f64;
        if self.plot.width as f64 > 0.6 * page {
            (self.plot.x as f64, self.plot.width as f64)
        } else {
            let pad = 0.6 * m.font;
            (pad, page - 2.0 * pad)
        }
    }

    /// The legend's top-left corner and its number of columns.
    fn legend_place(&self, m: Metrics) -> (DVec2, usize) {
        if self.below {
            let mut y = self.below_top(m);
            if !self.deco.bars.is_empty() {
                y += BAR_BLOCK_FONTS * m.font + m.font;
            }
            // As many columns as the page holds, centred under the block.
            let lm = m.legend(true);
            let page = self.style.size.0 as f64;
            let pad = 0.6 * m.font;
            let cols = legend_columns(&self.deco, lm, page - 2.0 * pad);
            let width = legend_entry_width(&self.deco, lm) * cols as f64 + 0.5 * lm.font;
            let (x0, span) = self.below_span(m);
            let x = (x0 + (span - width) / 2.0).clamp(pad, (page - pad - width).max(pad));
            (DVec2::new(x, y), cols)
        } else {
            let x0 = (self.plot.x + self.plot.width) as f64 + self.column_gap(m);
            (DVec2::new(x0, self.plot.y as f64), 1)
        }
    }

    fn column_gap(&self, m: Metrics) -> f64 {
        let need = reach(&self.labels, self.plot);
        need.right + 1.2 * m.font
    }

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

    fn draw_legend(&self, svg: &mut Svg, m: Metrics) {
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

    fn draw_bars(&self, svg: &mut Svg, m: Metrics) {
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

/// A rectangle in page pixels (fractional).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SubRectF {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
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
fn short_number(v: f64) -> String {
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

fn axis_name(frame: Frame, coord: Coord) -> &'static str {
    match (frame, coord) {
        (Frame::Icrs, Coord::Lon) => "Right ascension",
        (Frame::Icrs, Coord::Lat) => "Declination",
        (Frame::Galactic, Coord::Lon) => "Galactic longitude",
        (Frame::Galactic, Coord::Lat) => "Galactic latitude",
    }
}

/// Keeps labels in order, dropping any whose box meets the last kept one's (plus `gap`).
fn drop_overlaps(labels: impl Iterator<Item = Label>, gap: f64) -> Vec<Label> {
    let mut kept: Vec<Label> = Vec::new();
    for l in labels {
        let (a, b) = l.bounds();
        let clash = kept.last().is_some_and(|k| {
            let (c, d) = k.bounds();
            a.x < d.x + gap && c.x < b.x + gap && a.y < d.y + gap && c.y < b.y + gap
        });
        if !clash {
            kept.push(l);
        }
    }
    kept
}

/// The plot's aspect when the view shows the projection's whole domain.
fn domain_aspect(view: &View) -> Option<f64> {
    let full = view.fov_deg >= view.projection.max_fov_deg() - 1e-9;
    match view.projection {
        Projection::Car | Projection::Mol | Projection::Ait if full => Some(2.0),
        Projection::Sin if full => Some(1.0),
        _ => None,
    }
}

/// Height of the colour-bar block under the plot, in font sizes: label line, bar, ticks
/// and their labels.
const BAR_BLOCK_FONTS: f64 = 1.6 + 0.9 + 1.4;

fn legend_height(deco: &Decorations, m: Metrics, cols: usize) -> f64 {
    deco.legend.len().div_ceil(cols.max(1)) as f64 * 1.5 * m.font + m.font
}

fn legend_entry_width(deco: &Decorations, m: Metrics) -> f64 {
    let text = deco
        .legend
        .iter()
        .map(|e| text_width(&e.label, m.font))
        .fold(0.0, f64::max);
    text + 3.2 * m.font
}

/// Legend columns that fit in `width`.
fn legend_columns(deco: &Decorations, m: Metrics, width: f64) -> usize {
    ((width / legend_entry_width(deco, m)).floor() as usize).clamp(1, deco.legend.len().max(1))
}

/// Height of the legend and colour bars placed under a plot `width` wide.
fn below_height(deco: &Decorations, m: Metrics, width: f64) -> f64 {
    let mut h = 0.0;
    if !deco.bars.is_empty() {
        h += m.font + BAR_BLOCK_FONTS * m.font;
    }
    if !deco.legend.is_empty() {
        let lm = m.legend(true);
        h += m.font + legend_height(deco, lm, legend_columns(deco, lm, width));
    }
    h
}

/// Width of the column right of the plot holding the legend and colour bars.
fn column_width(deco: &Decorations, m: Metrics) -> f64 {
    let legend = if deco.legend.is_empty() {
        0.0
    } else {
        legend_entry_width(deco, m) + 0.5 * m.font
    };
    let bars = deco
        .bars
        .iter()
        .map(|b| {
            let ticks = bar_ticks(b, 1e9, m.font)
                .iter()
                .map(|(_, t)| text_width(t, 0.9 * m.font))
                .fold(0.0, f64::max);
            let label = text_width(&b.label, m.font);
            (0.2 * m.font + 1.1 * m.font + 0.45 * m.font + ticks + 0.5 * m.font)
                .max(0.2 * m.font + label + 0.5 * m.font)
        })
        .fold(0.0, f64::max);
    legend.max(bars)
}

/// A colormap as an embedded 256-step image filling (x, y, w, h), low values at the
/// bottom (`vertical`) or left: every renderer shows the same colours, unlike gradients.
fn colormap_image(cmap: Colormap, vertical: bool, (x, y, w, h): (f64, f64, f64, f64)) -> String {
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

fn draw_symbol(svg: &mut Svg, s: &Symbol, c: DVec2, m: Metrics) {
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
