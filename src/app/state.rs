//! Everything the viewer's user controls, and how input changes it. No window and no GPU
//! here, so the whole interaction model is tested with synthetic events.

use glam::DVec2;

use crate::app::camera_control::{center_on, drag, pan_by_fraction, set_center_direction, zoom_at};
use crate::app::goto::{GotoTarget, parse_goto};
pub use crate::app::scene_controls::{Range32, SceneControls};
use crate::app::scene_data::{ObjectRef, SceneData};
use crate::data::Catalog;
use crate::scene::layers::{LayerKind, LayerSettings};
use crate::scene::{LodPlan, SceneStyle};
use crate::sky::{Frame, Projection, unit_vector};
use crate::view::View;

/// Pixels within which hovering or clicking finds an object.
pub const PICK_RADIUS_PX: f64 = 8.0;
/// Zoom per wheel notch and per +/- key.
pub const ZOOM_STEP: f64 = 1.25;
/// Share of the canvas an arrow key pans.
pub const PAN_STEP: f64 = 0.1;

/// One user action on the view, in canvas pixels.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Drag {
        from: DVec2,
        to: DVec2,
    },
    /// Wheel notches (positive zooms in) about a point.
    Wheel {
        at: DVec2,
        notches: f64,
    },
    /// Pinch: the distance between fingers grew by `factor`.
    Pinch {
        at: DVec2,
        factor: f64,
    },
    DoubleClick(DVec2),
    Click(DVec2),
    /// The cursor moved to a point of the canvas, or left it.
    Hover(Option<DVec2>),
    /// Arrow keys: (-1, 0) left, (0, -1) up, ...
    PanKey {
        dx: i32,
        dy: i32,
    },
    ZoomKey {
        zoom_in: bool,
    },
    Reset,
    Resize {
        width: u32,
        height: u32,
    },
    SetProjection(Projection),
    SetFrame(Frame),
    GoTo(String),
    /// Select an object and centre on it (a row another application highlights).
    Select(ObjectRef),
}

pub struct ViewerState {
    pub view: View,
    /// Where Reset returns to.
    pub home: View,
    /// Layers, filters and colours: what a wall sends to every display.
    pub controls: SceneControls,
    pub cursor: Option<DVec2>,
    pub hover: Option<ObjectRef>,
    pub selection: Option<ObjectRef>,
    /// Objects marked by another application (a SAMP row list), drawn ringed.
    pub highlighted: Vec<ObjectRef>,
    /// The last message for the status bar (go-to results, screenshots, errors).
    pub message: Option<String>,
    /// The user moved the camera (so loading data no longer re-frames it).
    pub touched: bool,
    /// Bumped by every change of what the scene shows, so renderers redraw only then.
    pub generation: u64,
}

impl ViewerState {
    /// The state a session starts in: `view`, and the algorithm, colours and SNR/z
    /// filters of the command line's `style`.
    pub fn new(view: View, style: &SceneStyle) -> Self {
        ViewerState {
            view,
            home: view,
            controls: SceneControls::new(style),
            cursor: None,
            hover: None,
            selection: None,
            highlighted: Vec::new(),
            message: None,
            touched: false,
            generation: 0,
        }
    }

    pub fn settings(&self, kind: LayerKind) -> LayerSettings {
        self.controls.settings(kind)
    }

    pub fn settings_mut(&mut self, kind: LayerKind) -> &mut LayerSettings {
        self.generation += 1;
        self.controls.layers.entry(kind).or_default()
    }

    pub fn shows(&self, kind: LayerKind) -> bool {
        self.controls.shows(kind)
    }

    pub fn passes(&self, kind: LayerKind, cat: &Catalog, row: usize) -> bool {
        self.controls.passes(kind, cat, row)
    }

    /// Applies one input; `data` (absent while loading) serves picking and go-to, which
    /// chooses among all objects (as when level of detail draws them all).
    pub fn apply(&mut self, input: Input, data: Option<&SceneData>) {
        self.apply_drawn(input, data, &LodPlan::default());
    }

    /// As [`Self::apply`], picking among what level of detail `drawn` (a view's plan).
    pub fn apply_drawn(&mut self, input: Input, data: Option<&SceneData>, drawn: &LodPlan) {
        let before = self.view;
        match input {
            Input::Drag { from, to } => drag(&mut self.view, from, to),
            Input::Wheel { at, notches } => zoom_at(&mut self.view, at, ZOOM_STEP.powf(-notches)),
            Input::Pinch { at, factor } if factor > 0.0 => {
                zoom_at(&mut self.view, at, 1.0 / factor)
            }
            Input::Pinch { .. } => {}
            Input::DoubleClick(at) => center_on(&mut self.view, at),
            Input::Click(at) => {
                self.selection = data.and_then(|d| self.pick(d, at, drawn));
                self.generation += 1;
            }
            Input::Hover(at) => {
                self.cursor = at;
                self.hover = match (data, at) {
                    (Some(d), Some(at)) => self.pick(d, at, drawn),
                    _ => None,
                };
            }
            Input::PanKey { dx, dy } => {
                pan_by_fraction(&mut self.view, dx as f64 * PAN_STEP, dy as f64 * PAN_STEP)
            }
            Input::ZoomKey { zoom_in } => {
                let c = self.view.center_px();
                zoom_at(
                    &mut self.view,
                    c,
                    if zoom_in { 1.0 / ZOOM_STEP } else { ZOOM_STEP },
                );
            }
            Input::Reset => self.view = self.home,
            Input::Resize { width, height } => self.resize((width.max(1), height.max(1))),
            Input::SetProjection(p) => {
                let v = self.view;
                self.view = View::new(p, v.frame, v.center_deg, v.fov_deg, v.canvas);
                self.view.rotation_deg = v.rotation_deg;
            }
            Input::SetFrame(f) => {
                let centre = crate::app::camera_control::center_direction(&self.view);
                self.view.frame = f;
                set_center_direction(&mut self.view, centre);
            }
            Input::GoTo(text) => self.go_to(&text, data),
            Input::Select(o) => {
                if let Some(cat) = data.and_then(|d| d.catalog(o.layer))
                    && (o.row as usize) < cat.len()
                {
                    set_center_direction(&mut self.view, cat.role_view().direction(o.row as usize));
                    self.selection = Some(o);
                    self.generation += 1;
                }
            }
        }
        if self.view != before {
            self.generation += 1;
            self.touched |= self.view.canvas == before.canvas;
        }
    }

    /// A new canvas size keeps the centre and the scale (degrees per pixel), of the view
    /// and of the one Reset returns to.
    fn resize(&mut self, canvas: (u32, u32)) {
        if canvas != self.view.canvas {
            self.view = resized(self.view, canvas);
        }
        if canvas != self.home.canvas {
            self.home = resized(self.home, canvas);
        }
    }

    fn pick(&self, data: &SceneData, at: DVec2, drawn: &LodPlan) -> Option<ObjectRef> {
        data.pick(
            &self.view,
            at,
            PICK_RADIUS_PX,
            &|k| self.shows(k),
            &|k, cat, row| self.passes(k, cat, row),
            &|k| drawn.ranges(k).map(<[_]>::to_vec),
        )
        .map(|(o, _)| o)
    }

    fn go_to(&mut self, text: &str, data: Option<&SceneData>) {
        match parse_goto(text) {
            Ok(GotoTarget::Sky { frame, lon, lat }) => {
                set_center_direction(&mut self.view, frame.to_icrs() * unit_vector(lon, lat));
                self.message = Some(format!("centred on {lon:.5} {lat:+.5} ({})", frame.name()));
            }
            Ok(GotoTarget::Id(id)) => {
                let found = data.and_then(|d| {
                    let o = d.find_id(&id)?;
                    Some((o, d.catalog(o.layer)?))
                });
                match found {
                    Some((o, cat)) => {
                        let roles = cat.role_view();
                        set_center_direction(&mut self.view, roles.direction(o.row as usize));
                        self.selection = Some(o);
                        self.message = Some(format!("{id}: {} row {}", o.layer.label(), o.row));
                    }
                    None => self.message = Some(format!("no object with ID {id}")),
                }
            }
            Err(e) => self.message = Some(e),
        }
        self.generation += 1;
    }
}

/// `v` on a canvas of another size, with the same centre and scale.
fn resized(v: View, canvas: (u32, u32)) -> View {
    let half_width =
        v.projection.half_width_for_fov(v.fov_deg) * canvas.0 as f64 / v.canvas.0 as f64;
    let fov = v.projection.fov_for_half_width(half_width);
    let mut next = View::new(v.projection, v.frame, v.center_deg, fov, canvas);
    next.rotation_deg = v.rotation_deg;
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Survey;
    use crate::data::demo::{DemoConfig, DemoSurvey};
    use crate::scene::AlgorithmChoice;

    fn demo_data() -> SceneData {
        let s = DemoSurvey::generate(DemoConfig {
            seed: 3,
            galaxies: 0,
        });
        let mut survey = Survey::from(s);
        survey.galaxies = None;
        let mut data = SceneData::new(survey, &[], |_| true).unwrap();
        data.wait_for_indexes();
        data
    }

    fn state() -> ViewerState {
        let v = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 4.0, (800, 600));
        ViewerState::new(v, &SceneStyle::default())
    }

    #[test]
    fn camera_inputs_move_the_view_and_bump_the_generation() {
        let mut s = state();
        let g0 = s.generation;
        s.apply(
            Input::Drag {
                from: DVec2::new(400.0, 300.0),
                to: DVec2::new(500.0, 300.0),
            },
            None,
        );
        // Dragging the sky to the right shows what lies east: RA grows.
        assert!(
            s.view.center_deg.0 > 0.3 && s.view.center_deg.0 < 1.0,
            "{:?}",
            s.view.center_deg
        );
        assert!(s.generation > g0 && s.touched);
        s.apply(
            Input::Wheel {
                at: DVec2::new(400.0, 300.0),
                notches: 2.0,
            },
            None,
        );
        assert!((s.view.fov_deg - 4.0 / 1.25f64.powi(2)).abs() < 1e-9);
        s.apply(Input::ZoomKey { zoom_in: false }, None);
        s.apply(Input::PanKey { dx: 0, dy: -1 }, None);
        assert!(s.view.center_deg.1 > -30.0);
        s.apply(Input::Reset, None);
        assert_eq!(s.view, s.home);
    }

    #[test]
    fn resizing_keeps_the_scale_and_the_centre() {
        let mut s = state();
        let scale = s.view.pixel_scale_deg();
        s.apply(
            Input::Resize {
                width: 1200,
                height: 500,
            },
            None,
        );
        assert_eq!(s.view.canvas, (1200, 500));
        assert!((s.view.pixel_scale_deg() - scale).abs() < 1e-12);
        assert_eq!(s.view.center_deg, (0.0, -30.0));
        assert!(!s.touched, "a resize is not the user moving the camera");
    }

    #[test]
    fn frame_and_projection_switches_keep_the_centre_on_the_sky() {
        let mut s = state();
        let c = crate::app::camera_control::center_direction(&s.view);
        s.apply(Input::SetFrame(Frame::Galactic), None);
        assert_eq!(s.view.frame, Frame::Galactic);
        let c2 = crate::app::camera_control::center_direction(&s.view);
        assert!((c - c2).length() < 1e-12);
        s.apply(Input::SetProjection(Projection::Ait), None);
        assert_eq!(s.view.projection, Projection::Ait);
        let c3 = crate::app::camera_control::center_direction(&s.view);
        assert!((c - c3).length() < 1e-12);
    }

    #[test]
    fn click_selects_the_nearest_shown_object_that_passes_the_filters() {
        let data = demo_data();
        let mut s = state();
        let merged = data.survey.merged.as_ref().unwrap();
        // A merged cluster in view, clicked 3 px off.
        let row = (0..merged.len())
            .find(|&r| {
                s.view
                    .project(merged.role_view().direction(r))
                    .is_some_and(|p| p.x > 50.0 && p.x < 750.0 && p.y > 50.0 && p.y < 550.0)
            })
            .expect("a cluster in view");
        let p = s.view.project(merged.role_view().direction(row)).unwrap();
        s.apply(Input::Click(p + DVec2::new(3.0, 0.0)), Some(&data));
        let sel = s.selection.expect("something selected");
        let cat = data.catalog(sel.layer).unwrap();
        let at = s
            .view
            .project(cat.role_view().direction(sel.row as usize))
            .unwrap();
        assert!(at.distance(p + DVec2::new(3.0, 0.0)) <= PICK_RADIUS_PX);
        // Hidden layers and filtered rows are not picked.
        s.controls.algorithm = AlgorithmChoice::Merged;
        let snr = merged.snr(row) as f32;
        s.controls.snr = Some(Range32 {
            min: snr + 0.01,
            max: f32::INFINITY,
        });
        s.apply(Input::Click(p), Some(&data));
        if let Some(o) = s.selection {
            assert_eq!(o.layer, LayerKind::Merged);
            assert_ne!(o.row as usize, row, "a filtered-out cluster was picked");
            assert!(merged.snr(o.row as usize) as f32 >= snr);
        }
        // Clicking empty sky clears the selection.
        s.apply(Input::Click(DVec2::new(-500.0, -500.0)), Some(&data));
        assert_eq!(s.selection, None);
    }

    #[test]
    fn go_to_centres_on_positions_and_ids() {
        let data = demo_data();
        let mut s = state();
        s.apply(Input::GoTo("00:40:00 -31:30:00".into()), Some(&data));
        assert!((s.view.center_deg.0 - 10.0).abs() < 1e-9);
        assert!((s.view.center_deg.1 + 31.5).abs() < 1e-9);
        let merged = data.survey.merged.as_ref().unwrap();
        let id_col = merged.column(merged.roles.id.as_deref().unwrap()).unwrap();
        let id = id_col.integers().unwrap()[7];
        s.apply(Input::GoTo(id.to_string()), Some(&data));
        let sel = s.selection.expect("found by ID");
        assert_eq!((sel.layer, sel.row), (LayerKind::Merged, 7));
        let d = crate::app::camera_control::center_direction(&s.view);
        assert!((d - merged.role_view().direction(7)).length() < 1e-9);
        s.apply(Input::GoTo("no-such-id".into()), Some(&data));
        assert!(s.message.as_deref().unwrap().contains("no object with ID"));
    }
}
