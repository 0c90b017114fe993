//! The selected object's window: its columns, and what identifies it.

use crate::app::goto::{format_dec_dms, format_ra_hms};
use crate::app::scene_data::{ObjectRef, SceneData};
use crate::app::state::ViewerState;

pub(super) fn selection_panel(
    ui: &mut egui::Ui,
    state: &mut ViewerState,
    data: &SceneData,
    sel: ObjectRef,
) {
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

/// One line per identifying value of a picked object.
pub(super) fn describe(data: &SceneData, o: ObjectRef) -> String {
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
