//! What is painted over the sky: the legend and the colour scales, from the layer
//! registry's symbols and colours.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2};

use super::*;
use crate::app::state::ViewerState;
use crate::scene::ColorRole;
use crate::scene::layers::LayerKind;
use crate::view::{Colormap, MarkerShape};

pub(super) fn legend(painter: &egui::Painter, rect: Rect, state: &ViewerState, shown: &Shown<'_>) {
    // The registry's symbols and colours, in panel order (maps have no swatch).
    let entries: Vec<(LayerKind, Color32)> = LayerKind::ALL
        .into_iter()
        .filter(|&k| (shown.has_layer)(k) && state.shows(k))
        .filter_map(|k| {
            let c = k.swatch(shown.theme)?.to_rgba8();
            Some((k, Color32::from_rgb(c[0], c[1], c[2])))
        })
        .collect();
    if entries.is_empty() {
        return;
    }
    let row_h = 18.0;
    let box_rect = Rect::from_min_size(
        rect.min + Vec2::new(10.0, 10.0),
        Vec2::new(130.0, 8.0 + row_h * entries.len() as f32),
    );
    painter.rect_filled(box_rect, 4.0, Color32::from_black_alpha(150));
    for (i, (kind, color)) in entries.into_iter().enumerate() {
        let y = box_rect.min.y + 4.0 + row_h * (i as f32 + 0.5);
        let c = Pos2::new(box_rect.min.x + 14.0, y);
        match kind.marker_shape() {
            Some(MarkerShape::OpenCircle) => painter.circle_stroke(c, 6.0, Stroke::new(1.3, color)),
            Some(MarkerShape::OpenSquare) => painter.rect_stroke(
                Rect::from_center_size(c, Vec2::splat(11.0)),
                0.0,
                Stroke::new(1.3, color),
                egui::StrokeKind::Middle,
            ),
            Some(_) => painter.circle_filled(c, 4.5, color),
            None => painter.line_segment(
                [c - Vec2::new(8.0, 0.0), c + Vec2::new(8.0, 0.0)],
                Stroke::new(1.5, color),
            ),
        };
        painter.text(
            Pos2::new(box_rect.min.x + 28.0, y),
            Align2::LEFT_CENTER,
            kind.label(),
            FontId::proportional(13.0),
            Color32::WHITE,
        );
    }
}

/// The colour scales along the bottom of the view: the merged clusters' on the right,
/// the map's on the left.
pub(super) fn color_bar(
    painter: &egui::Painter,
    rect: Rect,
    state: &ViewerState,
    shown: &Shown<'_>,
) {
    // The range the merged layer's colours span, as the scene uploaded them (and figures
    // draw them).
    let range = |role| {
        let (lo, hi) = shown.color_ranges.map_or((0.0, 1.0), |r| r.of(role));
        (lo as f64, hi as f64)
    };
    // Colouring by a role the merged clusters have no column for draws them in one colour.
    let role = state.controls.color_by;
    let shows = shown.color_ranges.is_none_or(|r| r.shows(role));
    let role = if shows { role } else { ColorRole::None };
    let merged = match (&state.controls.color_column, role) {
        (Some((name, lo, hi)), _) => Some((name.as_str(), (*lo as f64, *hi as f64))),
        (None, ColorRole::Z) => Some(("redshift", range(ColorRole::Z))),
        (None, ColorRole::Snr) => Some(("SNR", range(ColorRole::Snr))),
        (None, ColorRole::Near) => Some(("galaxies near the cluster", range(ColorRole::Near))),
        (None, ColorRole::None) => None,
    }
    .map(|(label, (lo, hi))| (label, lo, hi));
    let merged =
        merged.filter(|_| (shown.has_layer)(LayerKind::Merged) && state.shows(LayerKind::Merged));
    let map = shown
        .map_scale
        .as_ref()
        .filter(|_| state.shows(LayerKind::Mask));
    // The merged clusters' bar bottom right, the map's bottom left; in a sky too narrow
    // for both side by side (a bar and its frame take 288 points), the map's goes above.
    let side_by_side = rect.width() >= 30.0 + 288.0 + 16.0 + 300.0;
    let bottom = rect.max.y - 52.0;
    if let Some((label, lo, hi)) = merged {
        let at = Pos2::new(rect.max.x - 300.0, bottom);
        let flag = state.controls.color_column.is_none() && role == ColorRole::Near;
        if flag {
            let flag_colors = [0.0, 1.0].map(|v| state.controls.colormap.at((v - lo) / (hi - lo)));
            let label = match shown.proximity_arcmin {
                // egui's font has no prime sign.
                Some(r) => format!("galaxies within {r} arcmin of the cluster"),
                None => label.to_string(),
            };
            draw_flag(painter, at, flag_colors, ["no", "yes"], &label);
        } else {
            draw_scale(painter, at, state.controls.colormap, (lo, hi), true, label);
        }
    }
    if let Some(m) = map {
        let (x, y) = if side_by_side || merged.is_none() {
            (rect.min.x + 30.0, bottom)
        } else {
            (rect.max.x - 300.0, bottom - 56.0)
        };
        draw_scale(
            painter,
            Pos2::new(x, y),
            m.colormap,
            m.range,
            m.linear,
            &m.label,
        );
    }
}

/// A map's colour scale for the legend.
pub struct MapScale {
    pub label: String,
    pub colormap: Colormap,
    pub range: (f64, f64),
    /// Linear stretch: a middle tick is meaningful.
    pub linear: bool,
}

/// A 260-point-wide colour bar with its top-left corner at `at`, end ticks (and a middle
/// one for linear scales) and a label.
/// A scale's dark backing and title at `at`; returns where its colours go.
fn scale_frame(painter: &egui::Painter, at: Pos2, label: &str) -> Rect {
    let bar = Rect::from_min_size(at, Vec2::new(260.0, 12.0));
    let bg = bar
        .expand2(Vec2::new(14.0, 6.0))
        .with_max_y(bar.max.y + 34.0);
    painter.rect_filled(bg, 4.0, Color32::from_black_alpha(150));
    painter.text(
        Pos2::new(bar.center().x, bar.max.y + 20.0),
        Align2::CENTER_TOP,
        label,
        FontId::proportional(12.0),
        Color32::WHITE,
    );
    bar
}

/// A yes/no scale: its two colours side by side, each named.
fn draw_flag(
    painter: &egui::Painter,
    at: Pos2,
    colors: [[u8; 3]; 2],
    names: [&str; 2],
    label: &str,
) {
    let bar = scale_frame(painter, at, label);
    for (k, (name, [r, g, b])) in names.iter().zip(colors).enumerate() {
        let half = bar.width() / 2.0;
        let x0 = bar.min.x + k as f32 * half;
        let swatch = Rect::from_min_size(Pos2::new(x0, bar.min.y), Vec2::new(half, bar.height()));
        painter.rect_filled(swatch, 0.0, Color32::from_rgb(r, g, b));
        painter.text(
            Pos2::new(swatch.center().x, bar.max.y + 5.0),
            Align2::CENTER_TOP,
            *name,
            FontId::proportional(11.0),
            Color32::WHITE,
        );
    }
}

pub(super) fn draw_scale(
    painter: &egui::Painter,
    at: Pos2,
    colormap: Colormap,
    (lo, hi): (f64, f64),
    linear: bool,
    label: &str,
) {
    let bar = scale_frame(painter, at, label);
    let mut mesh = egui::Mesh::default();
    let steps = 64;
    for i in 0..=steps {
        let t = i as f32 / steps as f32;
        let [r, g, b] = colormap.at(t as f64);
        let x = bar.min.x + t * bar.width();
        let c = Color32::from_rgb(r, g, b);
        mesh.colored_vertex(Pos2::new(x, bar.min.y), c);
        mesh.colored_vertex(Pos2::new(x, bar.max.y), c);
        if i > 0 {
            let k = 2 * i;
            mesh.add_triangle(k - 2, k - 1, k);
            mesh.add_triangle(k - 1, k + 1, k);
        }
    }
    painter.add(mesh);
    let ticks: &[f32] = if linear {
        &[0.0, 0.5, 1.0]
    } else {
        &[0.0, 1.0]
    };
    for &t in ticks {
        let x = bar.min.x + t * bar.width();
        painter.line_segment(
            [Pos2::new(x, bar.max.y), Pos2::new(x, bar.max.y + 4.0)],
            Stroke::new(1.0, Color32::WHITE),
        );
        let v = lo + (hi - lo) * t as f64;
        painter.text(
            Pos2::new(x, bar.max.y + 5.0),
            Align2::CENTER_TOP,
            format!("{v:.3}")
                .trim_end_matches('0')
                .trim_end_matches('.'),
            FontId::proportional(11.0),
            Color32::WHITE,
        );
    }
}
