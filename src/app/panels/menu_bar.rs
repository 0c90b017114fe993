//! The menu bar: saving, projection and frame, reset, go-to, quit.

use super::*;
use crate::app::state::{Input, ViewerState};
use crate::sky::{Frame, Projection};

pub(super) fn menu_bar(
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
        if ui
            .button("Save clusters in view (T)")
            .on_hover_text(
                "the rows of each cluster catalog shown, in view and passing the filters, \
                 as tables (every column) for TOPCAT, Aladin, astropy or a cross-match",
            )
            .clicked()
        {
            req.table = true;
        }
        egui::ComboBox::from_id_salt("table format")
            .width(70.0)
            .selected_text(panel.table_format.name())
            .show_ui(ui, |ui| {
                for f in [TableFileFormat::Fits, TableFileFormat::VoTable] {
                    ui.selectable_value(&mut panel.table_format, f, f.name());
                }
            });
        if let Some(clients) = shown.samp_clients {
            send_to_menu(ui, panel, clients);
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

/// "Send to": the SAMP application saved tables go to, or all that take them. A client
/// that left the hub is forgotten.
fn send_to_menu(ui: &mut egui::Ui, panel: &mut PanelState, clients: &[(String, String)]) {
    if let Some(id) = &panel.send_to
        && !clients.iter().any(|(c, _)| c == id)
    {
        panel.send_to = None;
    }
    // Two clients of one name (two TOPCATs) are told apart by their IDs.
    let label = |id: &str, name: &str| {
        let twins = clients.iter().filter(|(_, n)| n == name).count();
        match (name.is_empty(), twins > 1) {
            (true, _) => id.to_string(),
            (false, true) => format!("{name} ({id})"),
            (false, false) => name.to_string(),
        }
    };
    let chosen = panel
        .send_to
        .as_deref()
        .and_then(|id| clients.iter().find(|(c, _)| c == id))
        .map_or("all".to_string(), |(id, name)| label(id, name));
    ui.label("send to");
    egui::ComboBox::from_id_salt("send to")
        .width(110.0)
        .selected_text(chosen)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut panel.send_to, None, "all");
            for (id, name) in clients {
                ui.selectable_value(&mut panel.send_to, Some(id.clone()), label(id, name));
            }
        });
}
