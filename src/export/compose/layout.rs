//! Where everything goes: the plot on the page, measured from the labels it will carry
//! (edge or all-sky tick labels, axis names), the title, and the legend and colour-bar
//! blocks beside or under the plot.

use glam::DVec2;

use crate::error::{Error, Result};
use crate::export::font::text_width;
use crate::export::graticule::{Coord, Edge, frame_crossings, graticule};
use crate::export::svg::Anchor;
use crate::sky::{Frame, Projection, unit_vector};
use crate::view::{SubRect, View};

use super::*;

/// How far labels reach beyond each side of the plot (pixels).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Reach {
    pub(super) left: f64,
    pub(super) right: f64,
    pub(super) top: f64,
    pub(super) bottom: f64,
}

pub(super) fn reach(labels: &[Label], plot: SubRect) -> Reach {
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

    pub(super) fn place(
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
        let mut slack = 0;
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
            slack = (ch - nh) as u32;
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
            slack,
        };
        if framed {
            fig.plan_edge_labels(m);
        } else {
            fig.plan_all_sky_labels(m);
        }
        Ok(fig)
    }

    pub(super) fn origin(&self) -> DVec2 {
        DVec2::new(self.plot.x as f64, self.plot.y as f64)
    }

    /// Tick marks on every side where grid lines meet the frame; longitudes labelled
    /// below (else above, right, left), latitudes left (else right, above, below); axis
    /// names beyond the labels.
    pub(super) fn plan_edge_labels(&mut self, m: Metrics) {
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
    pub(super) fn plan_all_sky_labels(&mut self, m: Metrics) {
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

    /// Whether the colour bars end inside the page, each tall enough to read (five text
    /// heights: room for a middle tick between the ends).
    pub fn bars_fit(&self) -> bool {
        let m = Metrics::of(&self.style);
        self.bar_rects().iter().all(|(r, _)| {
            r.y + r.h <= self.style.size.1 as f64 - 0.5 * m.font && r.h >= 5.0 * m.font
        })
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
        let mut y = self.column_top(m);
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
    pub(super) fn below_top(&self, m: Metrics) -> f64 {
        (self.plot.y + self.plot.height) as f64 + reach(&self.labels, self.plot).bottom + m.font
    }

    /// Left end and width of the block below the plot: the plot's own span, or the page's
    /// when the plot is narrow (all-sky ellipses on tall pages).
    pub(super) fn below_span(&self, m: Metrics) -> (f64, f64) {
        let page = self.style.size.0 as f64;
        if self.plot.width as f64 > 0.6 * page {
            (self.plot.x as f64, self.plot.width as f64)
        } else {
            let pad = 0.6 * m.font;
            (pad, page - 2.0 * pad)
        }
    }

    /// The legend's top-left corner and its number of columns.
    pub(super) fn legend_place(&self, m: Metrics) -> (DVec2, usize) {
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
            (DVec2::new(x0, self.column_top(m)), 1)
        }
    }

    /// Where the column beside the plot (legend, then colour bars) starts: level with the
    /// plot's top, or, when the column needs more height than a short plot (an all-sky
    /// ellipse) has, centred on the plot as far as the page's top margin allows, so that
    /// the page is not cut with an empty band above both.
    fn column_top(&self, m: Metrics) -> f64 {
        let n = self.deco.bars.len() as f64;
        let legend = if self.deco.legend.is_empty() {
            0.0
        } else {
            legend_height(&self.deco, m, 1) + 1.6 * m.font
        };
        // Each bar's label line, five text heights of bar, and the gaps between bars.
        let need = legend + n * (1.6 + 5.0) * m.font + (n - 1.0).max(0.0) * 1.2 * m.font;
        let (top, height) = (self.plot.y as f64, self.plot.height as f64);
        if need <= height {
            return top;
        }
        (top + height / 2.0 - need / 2.0).max(top.min(1.5 * m.font))
    }

    pub(super) fn column_gap(&self, m: Metrics) -> f64 {
        let need = reach(&self.labels, self.plot);
        need.right + 1.2 * m.font
    }
}

pub(super) fn axis_name(frame: Frame, coord: Coord) -> &'static str {
    match (frame, coord) {
        (Frame::Icrs, Coord::Lon) => "Right ascension",
        (Frame::Icrs, Coord::Lat) => "Declination",
        (Frame::Galactic, Coord::Lon) => "Galactic longitude",
        (Frame::Galactic, Coord::Lat) => "Galactic latitude",
    }
}

/// Keeps labels in order, dropping any whose box meets the last kept one's (plus `gap`).
pub(super) fn drop_overlaps(labels: impl Iterator<Item = Label>, gap: f64) -> Vec<Label> {
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
pub(super) fn domain_aspect(view: &View) -> Option<f64> {
    let full = view.fov_deg >= view.projection.max_fov_deg() - 1e-9;
    match view.projection {
        Projection::Car | Projection::Mol | Projection::Ait if full => Some(2.0),
        Projection::Sin if full => Some(1.0),
        _ => None,
    }
}

/// Height of the colour-bar block under the plot, in font sizes: label line, bar, ticks
/// and their labels.
pub(super) const BAR_BLOCK_FONTS: f64 = 1.6 + 0.9 + 1.4;

pub(super) fn legend_height(deco: &Decorations, m: Metrics, cols: usize) -> f64 {
    deco.legend.len().div_ceil(cols.max(1)) as f64 * 1.5 * m.font + m.font
}

pub(super) fn legend_entry_width(deco: &Decorations, m: Metrics) -> f64 {
    let text = deco
        .legend
        .iter()
        .map(|e| text_width(&e.label, m.font))
        .fold(0.0, f64::max);
    text + 3.2 * m.font
}

/// Legend columns that fit in `width`.
pub(super) fn legend_columns(deco: &Decorations, m: Metrics, width: f64) -> usize {
    ((width / legend_entry_width(deco, m)).floor() as usize).clamp(1, deco.legend.len().max(1))
}

/// Height of the legend and colour bars placed under a plot `width` wide.
pub(super) fn below_height(deco: &Decorations, m: Metrics, width: f64) -> f64 {
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
pub(super) fn column_width(deco: &Decorations, m: Metrics) -> f64 {
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
