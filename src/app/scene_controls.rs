//! What the scene shows as the viewer's user set it: each layer's switch and style, the
//! algorithm, the SNR and redshift filters and the colouring. One value that the panels
//! edit, the renderer reads, a saved figure is styled from and a wall sends whole to
//! every display.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};

use crate::data::Catalog;
use crate::scene::layers::{LayerKind, LayerSettings};
use crate::scene::{AlgorithmChoice, ColorRole, SceneStyle};
use crate::view::Colormap;

/// A closed range a filter slider sets; an infinite end is open.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
pub struct Range32 {
    pub min: f32,
    pub max: f32,
}

impl Range32 {
    pub fn contains(&self, v: f64) -> bool {
        v >= self.min as f64 && v <= self.max as f64
    }
}

impl Serialize for Range32 {
    /// JSON has no infinities: an open end travels as the largest float, the same filter.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Finite {
            min: f32,
            max: f32,
        }
        Finite {
            min: self.min.max(f32::MIN),
            max: self.max.min(f32::MAX),
        }
        .serialize(s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneControls {
    /// Ordered by kind, so that equal controls encode alike.
    pub layers: BTreeMap<LayerKind, LayerSettings>,
    pub algorithm: AlgorithmChoice,
    /// Filters as set by the sliders (`None`: the whole range, nothing filtered).
    pub snr: Option<Range32>,
    pub z: Option<Range32>,
    pub color_by: ColorRole,
    /// Any other column of the merged catalog to colour by (over this range), instead
    /// of `color_by`.
    pub color_column: Option<(String, f32, f32)>,
    pub colormap: Colormap,
}

impl SceneControls {
    /// The controls a session starts with: every layer on, and the algorithm, colours and
    /// SNR/redshift filters of `style` (the command line's).
    pub fn new(style: &SceneStyle) -> Self {
        let range = |lo: Option<f32>, hi: Option<f32>| {
            (lo.is_some() || hi.is_some()).then(|| Range32 {
                min: lo.unwrap_or(f32::NEG_INFINITY),
                max: hi.unwrap_or(f32::INFINITY),
            })
        };
        SceneControls {
            layers: LayerKind::ALL
                .into_iter()
                .map(|k| (k, LayerSettings::default()))
                .collect(),
            algorithm: style.algorithm,
            snr: range(style.snr_min, style.snr_max),
            z: range(style.z_min, style.z_max),
            color_by: style.color_by,
            color_column: None,
            colormap: style.colormap,
        }
    }

    pub fn settings(&self, kind: LayerKind) -> LayerSettings {
        self.layers.get(&kind).copied().unwrap_or_default()
    }

    /// Whether a layer is drawn at all: its switch and the algorithm choice.
    pub fn shows(&self, kind: LayerKind) -> bool {
        self.settings(kind).visible && kind.shown_by(self.algorithm)
    }

    /// Whether a catalog row passes the SNR and redshift filters (galaxies: redshift).
    pub fn passes(&self, kind: LayerKind, cat: &Catalog, row: usize) -> bool {
        let roles = cat.role_view();
        let snr_ok = !kind.is_cluster_catalog()
            || cat.roles.snr.is_none()
            || self.snr.is_none_or(|r| r.contains(roles.snr(row)));
        let z_ok = cat.roles.z.is_none() || self.z.is_none_or(|r| r.contains(roles.z(row)));
        snr_ok && z_ok
    }

    /// The command line's styles with these controls' algorithm, colours, filters and
    /// layer switches: what `render` needs to draw the figure of what is shown.
    pub fn figure_style(&self, base: &SceneStyle) -> SceneStyle {
        let bound = |v: Option<f32>| v.filter(|x| x.is_finite());
        let hidden = |kinds: &[LayerKind]| kinds.iter().all(|&k| !self.shows(k));
        // One cluster catalog shown alone is a choice of algorithm; two of three cannot be
        // said on a command line, and show as all.
        let shown: Vec<AlgorithmChoice> = LayerKind::CLUSTER_CATALOGS
            .into_iter()
            .filter(|&k| self.shows(k))
            .filter_map(LayerKind::algorithm)
            .collect();
        let algorithm = match shown.as_slice() {
            [one] => *one,
            _ => self.algorithm,
        };
        SceneStyle {
            algorithm,
            color_by: self.color_by,
            colormap: self.colormap,
            snr_min: bound(self.snr.map(|r| r.min)),
            snr_max: bound(self.snr.map(|r| r.max)),
            z_min: bound(self.z.map(|r| r.min)),
            z_max: bound(self.z.map(|r| r.max)),
            no_galaxies: base.no_galaxies || hidden(&[LayerKind::Galaxies]),
            no_clusters: base.no_clusters || hidden(&LayerKind::CLUSTER_CATALOGS),
            no_tiles: base.no_tiles || hidden(&LayerKind::TILES),
            no_mask: base.no_mask || hidden(&[LayerKind::Mask]),
            ..base.clone()
        }
    }
}
