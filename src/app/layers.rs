//! The layers a viewer user can switch and style, and the per-layer settings they set.

use crate::cli::args::AlgorithmChoice;
use crate::view::MarkerShape;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LayerKind {
    Mask,
    GalaxyDensity,
    Galaxies,
    Lev1,
    Core,
    Pzwav,
    Amico,
    Merged,
}

impl LayerKind {
    /// Panel order: top of the drawing first.
    pub const ALL: [LayerKind; 8] = [
        LayerKind::Merged,
        LayerKind::Pzwav,
        LayerKind::Amico,
        LayerKind::Core,
        LayerKind::Lev1,
        LayerKind::Galaxies,
        LayerKind::GalaxyDensity,
        LayerKind::Mask,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LayerKind::Mask => "mask",
            LayerKind::GalaxyDensity => "galaxy density",
            LayerKind::Galaxies => "galaxies",
            LayerKind::Lev1 => "LEV1 tiles",
            LayerKind::Core => "CORE tiles",
            LayerKind::Pzwav => "PZWAV",
            LayerKind::Amico => "AMICO",
            LayerKind::Merged => "merged",
        }
    }

    pub fn is_cluster_catalog(self) -> bool {
        matches!(
            self,
            LayerKind::Pzwav | LayerKind::Amico | LayerKind::Merged
        )
    }

    pub fn has_markers(self) -> bool {
        self.is_cluster_catalog() || self == LayerKind::Galaxies
    }

    /// Whether the algorithm switch shows this layer.
    pub fn shown_by(self, choice: AlgorithmChoice) -> bool {
        match self {
            LayerKind::Pzwav => matches!(choice, AlgorithmChoice::All | AlgorithmChoice::Pzwav),
            LayerKind::Amico => matches!(choice, AlgorithmChoice::All | AlgorithmChoice::Amico),
            LayerKind::Merged => matches!(choice, AlgorithmChoice::All | AlgorithmChoice::Merged),
            _ => true,
        }
    }
}

/// What the user set for one layer; applied to the GPU as uniforms.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LayerSettings {
    pub visible: bool,
    /// Multiplies the layer's own opacity.
    pub opacity: f32,
    /// Multiplies marker sizes (marker layers only).
    pub size: f32,
    /// Replaces the layer's marker shape (marker layers only).
    pub shape: Option<MarkerShape>,
}

impl Default for LayerSettings {
    fn default() -> Self {
        LayerSettings {
            visible: true,
            opacity: 1.0,
            size: 1.0,
            shape: None,
        }
    }
}
