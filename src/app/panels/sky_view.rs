//! The sky view: the rendered sky, input on it, the hover tooltip and selection ring.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};
use glam::DVec2;

use super::overlays::{color_bar, legend};
use super::selection::describe;
use super::*;
use crate::app::scene_data::ObjectRef;
use crate::app::state::{Input, ViewerState};

pub(super) fn sky_view(
    ui: &mut egui::Ui,
    state: &mut ViewerState,
    panel: &mut PanelState,
    shown: &Shown<'_>,
    req: &mut UiRequests,
) {
    let ppp = ui.ctx().pixels_per_point();
    let rect = ui.available_rect_before_wrap();
    let px = (
        (rect.width() * ppp).round().max(1.0) as u32,
        (rect.height() * ppp).round().max(1.0) as u32,
    );
    req.scene_px = px;
    req.scene_origin = (rect.min.x * ppp, rect.min.y * ppp);
    if px != state.view.canvas {
        state.apply(
            Input::Resize {
                width: px.0,
                height: px.1,
            },
            shown.data,
        );
    }
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    let to_canvas = |p: Pos2| {
        DVec2::new(
            ((p.x - rect.min.x) * ppp) as f64,
            ((p.y - rect.min.y) * ppp) as f64,
        )
    };
    let to_screen =
        |c: DVec2| Pos2::new(rect.min.x + c.x as f32 / ppp, rect.min.y + c.y as f32 / ppp);

    // Input first, so that the overlays below are drawn for the view this frame shows.
    let mut inputs = Vec::new();
    // Drags move from where the pointer was last applied (the press point at first) to
    // where it is, including in the frame that releases the button, so no motion is lost
    // while egui tells a drag from a click, or when slow frames gather several events.
    let dragging = response.dragged_by(egui::PointerButton::Primary)
        || response.drag_stopped_by(egui::PointerButton::Primary);
    let pointer = response
        .interact_pointer_pos()
        .or_else(|| ui.input(|i| i.pointer.latest_pos()));
    if dragging && let Some(p) = pointer {
        let from = panel
            .drag_from
            .or_else(|| ui.input(|i| i.pointer.press_origin()))
            .unwrap_or(p);
        if from != p {
            inputs.push(Input::Drag {
                from: to_canvas(from),
                to: to_canvas(p),
            });
        }
        panel.drag_from = Some(p);
    }
    if !response.dragged_by(egui::PointerButton::Primary) {
        panel.drag_from = None;
    }
    if response.double_clicked() {
        if let Some(p) = response.interact_pointer_pos() {
            inputs.push(Input::DoubleClick(to_canvas(p)));
        }
    } else if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        inputs.push(Input::Click(to_canvas(p)));
    }
    if let Some(p) = response.hover_pos() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta().y, i.zoom_delta()));
        if scroll != 0.0 {
            // One wheel notch scrolls ~50 points.
            inputs.push(Input::Wheel {
                at: to_canvas(p),
                notches: scroll as f64 / 50.0,
            });
        }
        if zoom != 1.0 {
            inputs.push(Input::Pinch {
                at: to_canvas(p),
                factor: zoom as f64,
            });
        }
    }
    if !ui.ctx().egui_wants_keyboard_input() {
        ui.input(|i| {
            use egui::Key;
            for (key, dx, dy) in [
                (Key::ArrowLeft, -1, 0),
                (Key::ArrowRight, 1, 0),
                (Key::ArrowUp, 0, -1),
                (Key::ArrowDown, 0, 1),
            ] {
                if i.key_pressed(key) {
                    inputs.push(Input::PanKey { dx, dy });
                }
            }
            if i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals) {
                inputs.push(Input::ZoomKey { zoom_in: true });
            }
            if i.key_pressed(Key::Minus) {
                inputs.push(Input::ZoomKey { zoom_in: false });
            }
            if i.key_pressed(Key::R) || i.key_pressed(Key::Home) {
                inputs.push(Input::Reset);
            }
            if i.key_pressed(Key::S) {
                req.screenshot = true;
            }
            if i.key_pressed(Key::F) {
                req.figure = true;
            }
            if i.key_pressed(Key::T) {
                req.table = true;
            }
            if i.key_pressed(Key::Escape) {
                req.quit = true;
            }
        });
    }
    req.interacting = !inputs.is_empty();
    for input in inputs {
        state.apply(input, shown.data);
    }
    let hover = response.hover_pos().map(to_canvas);
    if hover != state.cursor || response.dragged() {
        state.apply(Input::Hover(hover), shown.data);
    }

    // The sky itself is copied under this area by the frame; overlays go on top.
    let painter = ui.painter_at(rect);
    // Selection ring and hover tooltip.
    let position_of = |o: ObjectRef| {
        shown
            .data
            .and_then(|d| d.catalog(o.layer))
            .and_then(|c| state.view.project(c.role_view().direction(o.row as usize)))
    };
    // Rows another application marked (a SAMP row list): thin amber rings, as many as a
    // frame can afford to outline.
    const MAX_RINGS: usize = 20_000;
    for p in state
        .highlighted
        .iter()
        .filter_map(|&o| position_of(o))
        .filter(|p| rect.contains(to_screen(*p)))
        .take(MAX_RINGS)
    {
        outlined_ring(
            &painter,
            to_screen(p),
            9.0,
            1.4,
            Color32::from_rgb(0xff, 0xc0, 0x20),
        );
    }
    if let Some(p) = state.selection.and_then(position_of) {
        outlined_ring(
            &painter,
            to_screen(p),
            14.0,
            1.8,
            Color32::from_rgb(0x40, 0xff, 0x80),
        );
    }
    if let (Some(o), Some(data)) = (state.hover, shown.data)
        && let Some(p) = position_of(o)
    {
        let text = describe(data, o);
        let at = to_screen(p) + Vec2::new(12.0, 12.0);
        let galley = painter.layout_no_wrap(text, FontId::monospace(12.0), Color32::WHITE);
        let bg = Rect::from_min_size(at, galley.size()).expand(4.0);
        painter.rect_filled(bg, 3.0, Color32::from_black_alpha(210));
        painter.galley(at, galley, Color32::WHITE);
    }
    legend(&painter, rect, state, shown);
    color_bar(&painter, rect, state, shown);
    if let Some((what, frac)) = &shown.loading {
        let r = Rect::from_center_size(
            rect.center_top() + Vec2::new(0.0, 30.0),
            Vec2::new(360.0, 36.0),
        );
        painter.rect_filled(r, 4.0, Color32::from_black_alpha(200));
        painter.text(
            r.center_top() + Vec2::new(0.0, 4.0),
            Align2::CENTER_TOP,
            what,
            FontId::proportional(13.0),
            Color32::WHITE,
        );
        let bar = Rect::from_min_size(
            r.left_bottom() + Vec2::new(8.0, -12.0),
            Vec2::new(344.0 * frac.clamp(0.0, 1.0), 6.0),
        );
        painter.rect_filled(bar, 2.0, Color32::from_rgb(0x60, 0xa0, 0xff));
    }
}

/// A ring of `color` with a black edge 0.6 px wide each side, seen on any sky.
fn outlined_ring(painter: &egui::Painter, at: Pos2, radius: f32, width: f32, color: Color32) {
    painter.circle_stroke(at, radius, Stroke::new(width + 1.2, Color32::BLACK));
    painter.circle_stroke(at, radius, Stroke::new(width, color));
}
