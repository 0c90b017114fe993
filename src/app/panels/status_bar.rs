//! The status bar: cursor position, field of view, frame time, budget, memory.

use super::*;
use crate::app::goto::{format_dec_dms, format_ra_hms};
use crate::app::state::ViewerState;
use crate::sky::{Frame, lonlat_deg};

pub(super) fn status_bar(ui: &mut egui::Ui, state: &ViewerState, shown: &Shown<'_>) {
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
        if shown.data.is_some_and(|d| d.indexing()) {
            ui.separator();
            ui.label("indexing for picking…");
        }
        if let Some(m) = &state.message {
            ui.separator();
            ui.label(m);
        }
    });
}

/// An angle in degrees, arcminutes or arcseconds, whichever reads best.
pub(super) fn angle(deg: f64) -> String {
    if deg >= 1.0 {
        format!("{deg:.2}°")
    } else if deg * 60.0 >= 1.0 {
        format!("{:.2}′", deg * 60.0)
    } else {
        format!("{:.2}″", deg * 3600.0)
    }
}
