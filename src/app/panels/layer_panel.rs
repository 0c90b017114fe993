//! The layer panel: each layer's visibility, opacity, size and shape; the detections
//! shown; the SNR and redshift filters; what colours the clusters.

use super::*;
use crate::app::state::{Range32, ViewerState};
use crate::scene::layers::LayerKind;
use crate::scene::{AlgorithmChoice, ColorRole};
use crate::view::{Colormap, MarkerShape};

/// Shown under the galaxies when the catalog's density alone is read where the view is.
pub const DENSITY_ONLY_LABEL: &str = "density only here: zoom in for markers";

pub(super) fn layer_panel(ui: &mut egui::Ui, state: &mut ViewerState, shown: &Shown<'_>) {
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
                .on_hover_text(
                    "drawn / in view / loaded (galaxies sampled from a larger catalog: the \
                     catalog's own numbers, from its counts)",
                );
            }
        });
        // Why an out-of-core catalog shows no marker here (else only the terminal says).
        let density_only = shown
            .data
            .and_then(|d| d.survey.galaxy_source.as_ref())
            .and_then(|s| s.density_only)
            .filter(|_| kind == LayerKind::Galaxies);
        if let Some(d) = density_only {
            ui.weak(DENSITY_ONLY_LABEL).on_hover_text(d.reason());
        }
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
    let mut alg = state.controls.algorithm;
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
    if alg != state.controls.algorithm {
        state.controls.algorithm = alg;
        state.generation += 1;
    }
    ui.separator();
    ui.heading("Filters");
    if let Some(extent) = shown.data.and_then(|d| d.snr_extent) {
        range_slider(
            ui,
            "SNR",
            extent,
            &mut state.controls.snr,
            &mut state.generation,
        );
    }
    if let Some(extent) = shown.data.and_then(|d| d.z_extent) {
        range_slider(
            ui,
            "z",
            extent,
            &mut state.controls.z,
            &mut state.generation,
        );
    }
    ui.separator();
    ui.heading("Colour (merged)");
    let (mut by, mut cmap) = (state.controls.color_by, state.controls.colormap);
    // A role, or (Some) any other numeric column of the merged catalog.
    let mut column = state.controls.color_column.as_ref().map(|c| c.0.clone());
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
    if column.as_ref() != state.controls.color_column.as_ref().map(|c| &c.0) {
        state.controls.color_column = column.and_then(|name| {
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
    if (by, cmap) != (state.controls.color_by, state.controls.colormap) {
        state.controls.color_by = by;
        state.controls.colormap = cmap;
        state.generation += 1;
    }
}

/// Two sliders for a filter range over the data's extent; the full extent means no filter.
pub(super) fn range_slider(
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

pub(super) fn short(n: usize) -> String {
    match n {
        0..1_000 => n.to_string(),
        1_000..1_000_000 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

pub(super) fn shape_name(s: MarkerShape) -> &'static str {
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

pub(super) fn color_role_name(r: ColorRole) -> &'static str {
    match r {
        ColorRole::Z => "redshift",
        ColorRole::Snr => "SNR",
        ColorRole::Near => "galaxies nearby",
        ColorRole::None => "none",
    }
}
