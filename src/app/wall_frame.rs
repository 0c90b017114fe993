//! One frame of a wall as rank 0 decides it: the wall's view, the level of detail, and the
//! viewer's filters and styles. Sent to every process each frame, so that all displays
//! draw the same sky with the same markers, whichever machine drives them.

use serde::{Deserialize, Serialize};

use crate::app::scene_data::ObjectRef;
use crate::app::state::{Range32, ViewerState};
use crate::error::{Error, Result};
use crate::scene::layers::{LayerKind, LayerSettings};
use crate::scene::{AlgorithmChoice, ColorRole};
use crate::view::{Colormap, View};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WallFrame {
    /// The wall's view over its whole canvas.
    pub view: View,
    /// Markers a crowded layer may draw, and whether this is a view at rest (else one in
    /// motion, drawn coarser: maps at `map_step` canvas pixels per texel).
    pub budget: usize,
    pub still: bool,
    pub map_step: u32,
    pub layers: Vec<(LayerKind, LayerSettings)>,
    pub algorithm: AlgorithmChoice,
    pub snr: Option<Range32>,
    pub z: Option<Range32>,
    pub color_by: ColorRole,
    pub color_column: Option<(String, f32, f32)>,
    pub colormap: Colormap,
    pub selection: Option<ObjectRef>,
    /// The session ends after this frame.
    pub quit: bool,
}

/// A range with open ends at the largest floats: the same filter, and JSON (which has no
/// infinities) carries it.
fn finite(r: Range32) -> Range32 {
    Range32 {
        min: r.min.max(f32::MIN),
        max: r.max.min(f32::MAX),
    }
}

impl WallFrame {
    /// The frame showing `state`'s filters and styles over `view`.
    pub fn new(view: View, state: &ViewerState, budget: usize, still: bool, map_step: u32) -> Self {
        WallFrame {
            view,
            budget,
            still,
            map_step,
            // In a fixed order, so that equal states give equal frames.
            layers: LayerKind::ALL
                .into_iter()
                .map(|k| (k, state.settings(k)))
                .collect(),
            algorithm: state.algorithm,
            snr: state.snr.map(finite),
            z: state.z.map(finite),
            color_by: state.color_by,
            color_column: state.color_column.clone(),
            colormap: state.colormap,
            selection: state.selection,
            quit: false,
        }
    }

    /// Takes the frame's filters and styles into `state` (a process that follows rank 0);
    /// its view is the frame's.
    pub fn apply_to(&self, state: &mut ViewerState) {
        for (k, s) in &self.layers {
            *state.settings_mut(*k) = *s;
        }
        state.algorithm = self.algorithm;
        state.snr = self.snr;
        state.z = self.z;
        state.color_by = self.color_by;
        state.color_column = self.color_column.clone();
        state.colormap = self.colormap;
        state.selection = self.selection;
        state.view = self.view;
        state.generation += 1;
    }

    pub fn encode(&self) -> Vec<u8> {
        // Plain data: serialising it cannot fail.
        serde_json::to_vec(self).expect("a wall frame serialises")
    }

    pub fn decode(bytes: &[u8]) -> Result<WallFrame> {
        serde_json::from_slice(bytes)
            .map_err(|e| Error::user(format!("a wall frame from rank 0 could not be read: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{Frame, Projection};

    #[test]
    fn a_frame_round_trips_and_carries_the_viewers_state() {
        let view = View::new(
            Projection::Ait,
            Frame::Galactic,
            (12.5, -3.25),
            40.0,
            (900, 400),
        );
        let mut state = ViewerState::new(view, &crate::scene::SceneStyle::default());
        state.snr = Some(Range32 { min: 5.0, max: 9.5 });
        state.settings_mut(LayerKind::Pzwav).visible = false;
        state.settings_mut(LayerKind::Merged).opacity = 0.25;
        state.color_column = Some(("MASS".into(), 1.0, 2.0));
        let mut wall = view.on_canvas((3000, 1400));
        wall.rotation_deg = 1.0 / 3.0;
        let f = WallFrame::new(wall, &state, 12345, false, 3);
        let back = WallFrame::decode(&f.encode()).unwrap();
        assert_eq!(back, f);
        // A follower takes it all.
        let mut other = ViewerState::new(view, &crate::scene::SceneStyle::default());
        back.apply_to(&mut other);
        assert_eq!(other.view, wall);
        assert_eq!(other.snr, state.snr);
        assert!(!other.settings(LayerKind::Pzwav).visible);
        assert_eq!(other.settings(LayerKind::Merged).opacity, 0.25);
        assert_eq!(other.color_column, state.color_column);
        assert!(WallFrame::decode(b"{not json").is_err());
        // A filter open on one side (as --snr-min alone gives) crosses too.
        state.z = Some(Range32 {
            min: f32::NEG_INFINITY,
            max: 1.5,
        });
        let f = WallFrame::new(wall, &state, 1, true, 1);
        let back = WallFrame::decode(&f.encode()).unwrap();
        assert_eq!(back.z.map(|r| r.max), Some(1.5));
        assert!(back.z.is_some_and(|r| r.contains(-1e30)));
    }
}
