//! The viewer's egui interface: menu bar, layer and filter panel, selection panel,
//! status bar, and the sky view with its legend, colour bar, hover tooltip and selection
//! ring. Input on the sky view becomes [`Input`]s applied to the [`ViewerState`].

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};
use glam::DVec2;

use crate::app::goto::{format_dec_dms, format_ra_hms};
use crate::app::scene_data::{ObjectRef, SceneData};
use crate::app::state::{Input, Range32, ViewerState};
use crate::scene::layers::LayerKind;
use crate::scene::{AlgorithmChoice, ColorRole};
use crate::sky::{Frame, Projection, lonlat_deg};
use crate::view::{Colormap, MarkerShape, Theme};

/// What the window shows besides the state: data, frame figures, loading.
pub struct Shown<'a> {
    pub data: Option<&'a SceneData>,
    /// Layers the loaded scene has.
    pub has_layer: &'a dyn Fn(LayerKind) -> bool,
    /// Per layer: (drawn, in view, total).
    pub counts: &'a [(LayerKind, usize, usize, usize)],
    pub frame_ms: f64,
    pub budget: usize,
    pub memory_mib: f64,
    pub adapter: &'a str,
    /// (what, fraction done) while loading.
    pub loading: Option<(String, f32)>,
    /// The mask's colour scale, when there is a mask.
    pub map_scale: Option<MapScale>,
    /// The scene's theme (legend colours).
    pub theme: Theme,
}

/// Requests from the interface to the window.
#[derive(Default, Debug)]
pub struct UiRequests {
    /// Size of the sky view in physical pixels.
    pub scene_px: (u32, u32),
    /// Top-left corner of the sky view in the window, physical pixels.
    pub scene_origin: (f32, f32),
    pub screenshot: bool,
    /// Save the view as a composed figure (frame, grid, labels, legend, colour bars).
    pub figure: bool,
    pub quit: bool,
    /// The user interacted with the sky view this frame.
    pub interacting: bool,
}

/// Text fields and other widget state that lives between frames.
#[derive(Default)]
pub struct PanelState {
    pub goto_text: String,
    /// Where the pointer was when the last drag step was applied.
    pub drag_from: Option<egui::Pos2>,
    pub screenshot_size: (u32, u32),
}

pub fn draw(
    ui: &mut egui::Ui,
    state: &mut ViewerState,
    panel: &mut PanelState,
    shown: &Shown<'_>,
) -> UiRequests {
    let mut req = UiRequests::default();
    egui::Panel::top("menu").show(ui, |ui| menu_bar(ui, state, panel, shown, &mut req));
    egui::Panel::bottom("status").show(ui, |ui| status_bar(ui, state, shown));
    egui::Panel::left("layers")
        .resizable(true)
        .default_size(250.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| layer_panel(ui, state, shown));
        });
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE)
        .show(ui, |ui| sky_view(ui, state, panel, shown, &mut req));
    if let (Some(sel), Some(data)) = (state.selection, shown.data) {
        // A floating window, so that selecting does not resize (and shift) the sky.
        let ctx = ui.ctx().clone();
        egui::Window::new("Selected object")
            .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-10.0, 40.0))
            .default_width(300.0)
            .resizable(true)
            .collapsible(true)
            .show(&ctx, |ui| selection_panel(ui, state, data, sel));
    }
    req
}

fn menu_bar(
    ui: &mut egui::Ui,
    state: &mut ViewerState,
    panel: &mut PanelState,
    shown: &Shown<'_>,
    req: &mut UiRequests,
) {
    ui.horizontal(|ui| {
        if ui.button("Save screenshot (S)").clicked() {
            req.screenshot = true;
        }
        if ui
            .button("Save figure (F)")
            .on_hover_text("the view as a paper figure: frame, grid, labels, legend, colour bars")
            .clicked()
        {
            req.figure = true;
        }
        ui.label("size");
        let (w, h) = &mut panel.screenshot_size;
        ui.add(egui::DragValue::new(w).range(16..=65536));
        ui.label("×");
        ui.add(egui::DragValue::new(h).range(16..=65536));
        ui.separator();
        let mut projection = state.view.projection;
        egui::ComboBox::from_id_salt("projection")
            .selected_text(projection.code())
            .show_ui(ui, |ui| {
                for p in Projection::ALL {
                    ui.selectable_value(&mut projection, p, p.code());
                }
            });
        if projection != state.view.projection {
            state.apply(Input::SetProjection(projection), shown.data);
        }
        let mut frame = state.view.frame;
        egui::ComboBox::from_id_salt("frame")
            .selected_text(frame.name())
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut frame, Frame::Icrs, Frame::Icrs.name());
                ui.selectable_value(&mut frame, Frame::Galactic, Frame::Galactic.name());
            });
        if frame != state.view.frame {
            state.apply(Input::SetFrame(frame), shown.data);
        }
        if ui.button("Reset view").clicked() {
            state.apply(Input::Reset, shown.data);
        }
        ui.separator();
        ui.label("Go to");
        let edit = ui.add(
            egui::TextEdit::singleline(&mut panel.goto_text)
                .hint_text("RA Dec | hh:mm:ss ±dd:mm:ss | l=… b=… | ID")
                .desired_width(260.0),
        );
        if edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            state.apply(Input::GoTo(panel.goto_text.clone()), shown.data);
        }
        if ui.button("Quit").clicked() {
            req.quit = true;
        }
    });
}

fn layer_panel(ui: &mut egui::Ui, state: &mut ViewerState, shown: &Shown<'_>) {
    ui.heading("Layers");
    for kind in LayerKind::ALL {
        if !(shown.has_layer)(kind) {
            continue;
        }
        let mut set = state.settings(kind);
        ui.horizontal(|ui| {
            ui.checkbox(&mut set.visible, kind.label());
            if let Some(&(_, drawn, visible, total)) = shown.counts.iter().find(|c| c.0 == kind) {
                ui.weak(format!(
                    "{} / {} / {}",
                    short(drawn),
                    short(visible),
                    short(total)
                ))
                .on_hover_text("drawn / in view / loaded");
            }
        });
        ui.indent(kind.label(), |ui| {
            ui.add(egui::Slider::new(&mut set.opacity, 0.0..=1.0).text("opacity"));
            if kind.has_markers() {
                ui.add(
                    egui::Slider::new(&mut set.size, 0.25..=4.0)
                        .logarithmic(true)
                        .text("size"),
                );
                let mut shape = set.shape;
                egui::ComboBox::from_id_salt(("shape", kind.label()))
                    .selected_text(shape.map_or("default", shape_name))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut shape, None, "default");
                        for s in MarkerShape::ALL {
                            ui.selectable_value(&mut shape, Some(s), shape_name(s));
                        }
                    });
                set.shape = shape;
            }
        });
        if set != state.settings(kind) {
            *state.settings_mut(kind) = set;
        }
    }
    ui.separator();
    ui.heading("Detections");
    let mut alg = state.algorithm;
    ui.horizontal_wrapped(|ui| {
        for (a, label) in [
            (AlgorithmChoice::All, "all"),
            (AlgorithmChoice::Merged, "merged"),
            (AlgorithmChoice::Pzwav, "PZWAV"),
            (AlgorithmChoice::Amico, "AMICO"),
        ] {
            ui.radio_value(&mut alg, a, label);
        }
    });
    if alg != state.algorithm {
        state.algorithm = alg;
        state.generation += 1;
    }
    ui.separator();
    ui.heading("Filters");
    if let Some(extent) = shown.data.and_then(|d| d.snr_extent) {
        range_slider(ui, "SNR", extent, &mut state.snr, &mut state.generation);
    }
    if let Some(extent) = shown.data.and_then(|d| d.z_extent) {
        range_slider(ui, "z", extent, &mut state.z, &mut state.generation);
    }
    ui.separator();
    ui.heading("Colour (merged)");
    let (mut by, mut cmap) = (state.color_by, state.colormap);
    // A role, or (Some) any other numeric column of the merged catalog.
    let mut column = state.color_column.as_ref().map(|c| c.0.clone());
    let merged = shown.data.and_then(|d| d.catalog(LayerKind::Merged));
    let current = column
        .clone()
        .unwrap_or_else(|| color_role_name(by).to_string());
    egui::ComboBox::from_label("colour by")
        .selected_text(current)
        .show_ui(ui, |ui| {
            for r in [
                ColorRole::Z,
                ColorRole::Snr,
                ColorRole::Near,
                ColorRole::None,
            ] {
                if ui
                    .selectable_label(column.is_none() && by == r, color_role_name(r))
                    .clicked()
                {
                    by = r;
                    column = None;
                }
            }
            if let Some(cat) = merged {
                ui.separator();
                let roles = [&cat.roles.ra, &cat.roles.dec];
                for c in cat.columns.iter().filter(|c| !roles.contains(&&c.name)) {
                    if ui
                        .selectable_label(column.as_deref() == Some(&c.name), &c.name)
                        .clicked()
                    {
                        column = Some(c.name.clone());
                    }
                }
            }
        });
    // The column's range is scanned once, when it is chosen.
    if column.as_ref() != state.color_column.as_ref().map(|c| &c.0) {
        state.color_column = column.and_then(|name| {
            let c = merged?.column(&name)?;
            let (lo, hi) = (0..c.data.len())
                .map(|i| c.data.get_f64(i))
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
            (lo <= hi).then(|| (name, lo as f32, hi.max(lo + 1e-6) as f32))
        });
        state.generation += 1;
    }
    egui::ComboBox::from_label("colormap")
        .selected_text(cmap.name())
        .show_ui(ui, |ui| {
            for c in Colormap::ALL {
                ui.selectable_value(&mut cmap, c, c.name());
            }
        });
    if (by, cmap) != (state.color_by, state.colormap) {
        state.color_by = by;
        state.colormap = cmap;
        state.generation += 1;
    }
}

/// Two sliders for a filter range over the data's extent; the full extent means no filter.
fn range_slider(
    ui: &mut egui::Ui,
    name: &str,
    extent: (f32, f32),
    range: &mut Option<Range32>,
    generation: &mut u64,
) {
    // A filter from the command line may be open on one side: show it at the data's end.
    let r = range.map_or(
        Range32 {
            min: extent.0,
            max: extent.1,
        },
        |r| Range32 {
            min: r.min.max(extent.0),
            max: r.max.min(extent.1),
        },
    );
    let (mut lo, mut hi) = (r.min, r.max);
    ui.add(egui::Slider::new(&mut lo, extent.0..=extent.1).text(format!("{name} min")));
    ui.add(egui::Slider::new(&mut hi, extent.0..=extent.1).text(format!("{name} max")));
    if hi < lo {
        std::mem::swap(&mut lo, &mut hi);
    }
    let next = (lo > extent.0 || hi < extent.1).then_some(Range32 { min: lo, max: hi });
    if next != *range {
        *range = next;
        *generation += 1;
    }
}

fn selection_panel(ui: &mut egui::Ui, state: &mut ViewerState, data: &SceneData, sel: ObjectRef) {
    let Some(cat) = data.catalog(sel.layer) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.heading(format!("{} row {}", sel.layer.label(), sel.row));
        if ui
            .small_button("clear")
            .on_hover_text("clear the selection")
            .clicked()
        {
            state.selection = None;
        }
    });
    let row = sel.row as usize;
    let (ra, dec) = (cat.ra(row), cat.dec(row));
    ui.label(format!("{} {}", format_ra_hms(ra), format_dec_dms(dec)));
    egui::ScrollArea::vertical().show(ui, |ui| {
        egui::Grid::new("columns").striped(true).show(ui, |ui| {
            for c in &cat.columns {
                ui.label(&c.name);
                let value = match c.integer(row) {
                    Some(i) => i.to_string(),
                    None => format!("{:.6}", c.data.get_f64(row)),
                };
                ui.monospace(value);
                ui.weak(&c.unit);
                ui.end_row();
            }
        });
    });
}

fn status_bar(ui: &mut egui::Ui, state: &ViewerState, shown: &Shown<'_>) {
    ui.horizontal(|ui| {
        match state.cursor.and_then(|c| state.view.unproject(c)) {
            Some(d) => {
                let (ra, dec) = lonlat_deg(d);
                let (l, b) = lonlat_deg(Frame::Galactic.from_icrs() * d);
                ui.monospace(format!(
                    "RA {} Dec {} ({ra:9.5} {dec:+9.5})  l {l:8.4} b {b:+8.4}",
                    format_ra_hms(ra),
                    format_dec_dms(dec)
                ));
            }
            None => {
                ui.monospace("cursor off the sky");
            }
        }
        ui.separator();
        ui.label(format!("FOV {}", angle(state.view.fov_deg)));
        ui.separator();
        ui.label(format!("frame {:.0} ms", shown.frame_ms))
            .on_hover_text(format!(
                "marker budget {} on {}",
                shown.budget, shown.adapter
            ));
        ui.separator();
        ui.label(format!("memory {:.0} MiB", shown.memory_mib));
        if let Some(m) = &state.message {
            ui.separator();
            ui.label(m);
        }
    });
}

fn sky_view(
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
    if let Some(p) = state.selection.and_then(position_of) {
        let at = to_screen(p);
        painter.circle_stroke(at, 14.0, Stroke::new(3.0, Color32::BLACK));
        painter.circle_stroke(
            at,
            14.0,
            Stroke::new(1.8, Color32::from_rgb(0x40, 0xff, 0x80)),
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

/// One line per identifying value of a picked object.
fn describe(data: &SceneData, o: ObjectRef) -> String {
    let Some(cat) = data.catalog(o.layer) else {
        return String::new();
    };
    let row = o.row as usize;
    let roles = cat.role_view();
    let mut s = format!(
        "{} row {}\nRA {:.5} Dec {:+.5}",
        o.layer.label(),
        row,
        roles.ra(row),
        roles.dec(row)
    );
    if let Some(id) = cat.roles.id.as_deref().and_then(|n| cat.column(n)) {
        let v = id
            .integer(row)
            .map_or(format!("{}", id.data.get_f64(row)), |i| i.to_string());
        s = format!("{} {v}\n{s}", id.name);
    }
    if cat.roles.z.is_some() {
        s += &format!("\nz {:.4}", roles.z(row));
    }
    if cat.roles.snr.is_some() {
        s += &format!("  SNR {:.2}", roles.snr(row));
    }
    s
}

fn legend(painter: &egui::Painter, rect: Rect, state: &ViewerState, shown: &Shown<'_>) {
    // The registry's symbols and colours, in the order of the figures' legends.
    let entries: Vec<(LayerKind, Color32)> = [
        LayerKind::Merged,
        LayerKind::Pzwav,
        LayerKind::Amico,
        LayerKind::Core,
        LayerKind::Lev1,
        LayerKind::Galaxies,
    ]
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
fn color_bar(painter: &egui::Painter, rect: Rect, state: &ViewerState, shown: &Shown<'_>) {
    let merged = match (&state.color_column, state.color_by) {
        (Some((name, lo, hi)), _) => Some((name.as_str(), *lo as f64, *hi as f64)),
        (None, ColorRole::Z) => Some(("redshift", 0.0, 2.0)),
        (None, ColorRole::Snr) => Some(("SNR", 3.0, 30.0)),
        (None, ColorRole::Near) => Some(("galaxies nearby (0 no, 1 yes)", 0.0, 1.0)),
        (None, ColorRole::None) => None,
    };
    if let Some((label, lo, hi)) = merged
        && (shown.has_layer)(LayerKind::Merged)
        && state.shows(LayerKind::Merged)
    {
        let at = Pos2::new(rect.max.x - 300.0, rect.max.y - 52.0);
        draw_scale(painter, at, state.colormap, (lo, hi), true, label);
    }
    if let Some(m) = &shown.map_scale
        && state.shows(LayerKind::Mask)
    {
        let at = Pos2::new(rect.min.x + 30.0, rect.max.y - 52.0);
        draw_scale(painter, at, m.colormap, m.range, m.linear, &m.label);
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
fn draw_scale(
    painter: &egui::Painter,
    at: Pos2,
    colormap: Colormap,
    (lo, hi): (f64, f64),
    linear: bool,
    label: &str,
) {
    let bar = Rect::from_min_size(at, Vec2::new(260.0, 12.0));
    let bg = bar
        .expand2(Vec2::new(14.0, 6.0))
        .with_max_y(bar.max.y + 34.0);
    painter.rect_filled(bg, 4.0, Color32::from_black_alpha(150));
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
    painter.text(
        Pos2::new(bar.center().x, bar.max.y + 20.0),
        Align2::CENTER_TOP,
        label,
        FontId::proportional(12.0),
        Color32::WHITE,
    );
}

fn short(n: usize) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// An angle in degrees, arcminutes or arcseconds, whichever reads best.
fn angle(deg: f64) -> String {
    if deg >= 1.0 {
        format!("{deg:.2}°")
    } else if deg * 60.0 >= 1.0 {
        format!("{:.2}′", deg * 60.0)
    } else {
        format!("{:.2}″", deg * 3600.0)
    }
}

fn shape_name(s: MarkerShape) -> &'static str {
    match s {
        MarkerShape::Circle => "circle",
        MarkerShape::OpenCircle => "open circle",
        MarkerShape::Square => "square",
        MarkerShape::OpenSquare => "open square",
        MarkerShape::Diamond => "diamond",
        MarkerShape::OpenDiamond => "open diamond",
        MarkerShape::Cross => "cross",
        MarkerShape::Plus => "plus",
    }
}

fn color_role_name(r: ColorRole) -> &'static str {
    match r {
        ColorRole::Z => "redshift",
        ColorRole::Snr => "SNR",
        ColorRole::Near => "galaxies nearby",
        ColorRole::None => "none",
    }
}
