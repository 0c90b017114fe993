//! One frame of a wall as rank 0 decides it: the wall's view, the level of detail, and the
//! viewer's filters and styles. Sent to every process each frame, so that all displays
//! draw the same sky with the same markers, whichever machine drives them.

use serde::{Deserialize, Serialize};

use crate::app::scene_controls::{Range32, SceneControls};
use crate::app::scene_data::ObjectRef;
use crate::app::state::ViewerState;
use crate::error::{Error, Result};
use crate::view::View;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WallFrame {
    /// The wall's view over its whole canvas.
    pub view: View,
    /// Markers a crowded layer may draw, and whether this is a view at rest (else one in
    /// motion, drawn coarser: maps at `map_step` canvas pixels per texel).
    pub budget: usize,
    pub still: bool,
    pub map_step: u32,
    /// The viewer's layers, filters and colours, whole.
    pub controls: SceneControls,
    pub selection: Option<ObjectRef>,
    /// The redshift range rank 0's galaxy density counts (`None`: every galaxy): the
    /// others show the same count, waiting for theirs if need be.
    #[serde(default)]
    pub density_z: Option<Range32>,
    /// The session ends after this frame.
    pub quit: bool,
}

impl WallFrame {
    /// The frame showing `state`'s controls and selection over `view`.
    pub fn new(view: View, state: &ViewerState, budget: usize, still: bool, map_step: u32) -> Self {
        WallFrame {
            view,
            budget,
            still,
            map_step,
            controls: state.controls.clone(),
            selection: state.selection,
            density_z: None,
            quit: false,
        }
    }

    /// Takes the frame's controls and selection into `state` (a process that follows
    /// rank 0); its view is the frame's.
    pub fn apply_to(&self, state: &mut ViewerState) {
        state.controls = self.controls.clone();
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
    use crate::scene::layers::LayerKind;
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
        state.controls.snr = Some(Range32 { min: 5.0, max: 9.5 });
        state.settings_mut(LayerKind::Pzwav).visible = false;
        state.settings_mut(LayerKind::Merged).opacity = 0.25;
        state.controls.color_column = Some(("MASS".into(), 1.0, 2.0));
        let mut wall = view.on_canvas((3000, 1400));
        wall.rotation_deg = 1.0 / 3.0;
        let f = WallFrame::new(wall, &state, 12345, false, 3);
        let back = WallFrame::decode(&f.encode()).unwrap();
        assert_eq!(back, f);
        // A follower takes it all.
        let mut other = ViewerState::new(view, &crate::scene::SceneStyle::default());
        back.apply_to(&mut other);
        assert_eq!(other.view, wall);
        assert_eq!(other.controls, state.controls);
        assert!(!other.settings(LayerKind::Pzwav).visible);
        assert_eq!(other.settings(LayerKind::Merged).opacity, 0.25);
        assert!(WallFrame::decode(b"{not json").is_err());
        // A filter open on one side (as --snr-min alone gives) crosses too.
        state.controls.z = Some(Range32 {
            min: f32::NEG_INFINITY,
            max: 1.5,
        });
        let mut f = WallFrame::new(wall, &state, 1, true, 1);
        f.density_z = state.controls.z;
        let back = WallFrame::decode(&f.encode()).unwrap();
        assert_eq!(back.controls.z.map(|r| r.max), Some(1.5));
        // Rank 0's shown range arrives as the range itself does (the follower compares
        // the two).
        assert_eq!(back.density_z, back.controls.z);
        assert!(back.controls.z.is_some_and(|r| r.contains(-1e30)));
    }
}
