//! The viewer's egui interface: menu bar, layer and filter panel, selection panel,
//! status bar, and the sky view with its legend, colour bar, hover tooltip and selection
//! ring. Input on the sky view becomes [`Input`]s applied to the [`ViewerState`].

use crate::app::scene_data::SceneData;
use crate::app::state::ViewerState;
use crate::scene::layers::{ClusterColorRanges, LayerKind};
use crate::view::Theme;

mod layer_panel;
mod menu_bar;
mod overlays;
mod selection;
mod sky_view;
mod status_bar;

pub use layer_panel::DENSITY_ONLY_LABEL;
use layer_panel::layer_panel;
use menu_bar::menu_bar;
pub use overlays::MapScale;
use selection::selection_panel;
use sky_view::sky_view;
use status_bar::status_bar;

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
    /// The ranges the merged clusters' colours span (as uploaded; the registry's before).
    pub color_ranges: Option<ClusterColorRanges>,
    /// The proximity radius (arcmin) the clusters' NEAR_GALAXIES marks were made with.
    pub proximity_arcmin: Option<f64>,
    /// On a SAMP hub: the other applications there, (client ID, name).
    pub samp_clients: Option<&'a [(String, String)]>,
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
    /// Save the cluster catalogs' rows in view (and passing the filters) as FITS tables.
    pub table: bool,
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
    /// The format "Save clusters in view" writes.
    pub table_format: TableFileFormat,
    /// The SAMP client saved tables go to (its ID); `None`: every one that takes them.
    pub send_to: Option<String>,
}

/// Files the viewer writes tables as: FITS (TOPCAT, astropy, cfitsio tools) or VOTable
/// (Aladin, VO tools; UCDs mark the position).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TableFileFormat {
    #[default]
    Fits,
    VoTable,
}

impl TableFileFormat {
    pub fn extension(self) -> &'static str {
        match self {
            TableFileFormat::Fits => "fits",
            TableFileFormat::VoTable => "vot",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TableFileFormat::Fits => "FITS",
            TableFileFormat::VoTable => "VOTable",
        }
    }
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
