//! The viewer without a window: real frames (egui panels, input, sky, overlays) rendered
//! offscreen from synthetic input. Benches measure the render loop with it and tests
//! check what the user would see.

use std::sync::Arc;
use std::time::{Duration, Instant};

use glam::DVec2;

use crate::app::frame::ViewerFrame;
use crate::app::loader::{self, LoadEvent, SceneOptions};
use crate::app::state::ViewerState;
use crate::data::arrays::ArrayInputs;
use crate::data::load::SurveyInputs;
use crate::error::{Error, Result};
use crate::render::target::OffscreenTarget;
use crate::render::{GpuContext, Image, TARGET_FORMAT};
use crate::view::View;

pub struct HeadlessViewer {
    pub frame: ViewerFrame,
    target: OffscreenTarget,
    size: (u32, u32),
    events: Vec<egui::Event>,
    start: Instant,
    repaint_after: Option<Duration>,
}

impl HeadlessViewer {
    /// A viewer of `size` pixels starting at `view` (its canvas is set by the layout).
    pub fn new(
        ctx: Arc<GpuContext>,
        size: (u32, u32),
        view: View,
        still_budget: usize,
    ) -> Result<Self> {
        let state = ViewerState::new(view, &crate::scene::SceneStyle::default());
        let target = OffscreenTarget::new(&ctx, size.0, size.1)?;
        Ok(HeadlessViewer {
            frame: ViewerFrame::new(ctx, TARGET_FORMAT, state, still_budget),
            target,
            size,
            events: Vec::new(),
            start: Instant::now(),
            repaint_after: None,
        })
    }

    /// Loads `inputs` on the loader thread and waits until every stage has arrived.
    pub fn load(&mut self, inputs: SurveyInputs, options: SceneOptions) -> Result<()> {
        self.load_with(inputs, ArrayInputs::default(), options)
    }

    /// As [`HeadlessViewer::load`], with tables and a map handed over in memory.
    pub fn load_with(
        &mut self,
        inputs: SurveyInputs,
        arrays: ArrayInputs,
        options: SceneOptions,
    ) -> Result<()> {
        let options = SceneOptions {
            format: TARGET_FORMAT,
            ..options
        };
        // The view given is read first, as the window reads one given on the command line.
        let view = self.frame.state.view;
        let cone = crate::app::hats_refine::attach(&mut self.frame, &inputs, &options, view);
        let (tx, rx) = std::sync::mpsc::channel();
        let ctx = self.frame.ctx.clone();
        let worker = loader::spawn(ctx, inputs, arrays, options, cone, move |e| {
            let _ = tx.send(e);
        });
        for event in rx {
            if let LoadEvent::Failed(m) = &event {
                return Err(Error::user(m.clone()));
            }
            self.frame.accept(event);
        }
        worker
            .join()
            .map_err(|_| Error::user("the loader thread panicked"))?;
        // Picking and counts as soon as the load returns, as tests and stills expect.
        if let Some(data) = self.frame.data.as_deref_mut() {
            data.wait_for_indexes();
        }
        Ok(())
    }

    /// Queues raw egui input for the next frame.
    pub fn push(&mut self, event: egui::Event) {
        self.events.push(event);
    }

    pub fn pointer_move(&mut self, p: DVec2) {
        self.push(egui::Event::PointerMoved(egui::pos2(
            p.x as f32, p.y as f32,
        )));
    }

    pub fn pointer_button(&mut self, p: DVec2, pressed: bool) {
        self.push(egui::Event::PointerButton {
            pos: egui::pos2(p.x as f32, p.y as f32),
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
    }

    pub fn wheel(&mut self, notches: f32) {
        self.push(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, notches),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: Default::default(),
        });
    }

    pub fn key(&mut self, key: egui::Key) {
        for pressed in [true, false] {
            self.push(egui::Event::Key {
                key,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers: Default::default(),
            });
        }
    }

    /// A new window size (the layout places the canvas in it at the next frame).
    pub fn resize(&mut self, size: (u32, u32)) -> Result<()> {
        if size != self.size {
            self.target = OffscreenTarget::new(&self.frame.ctx, size.0, size.1)?;
            self.size = size;
        }
        Ok(())
    }

    pub fn size(&self) -> (u32, u32) {
        self.size
    }

    /// When the last frame asked to be drawn again without input (the view settling,
    /// data arriving), as a window would be.
    pub fn repaint_after(&self) -> Option<Duration> {
        self.repaint_after
    }

    /// Runs one frame with the queued input and waits for the GPU: the frame's time.
    pub fn step(&mut self) -> Result<Duration> {
        let t = Instant::now();
        let raw = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(self.size.0 as f32, self.size.1 as f32),
            )),
            time: Some(self.start.elapsed().as_secs_f64()),
            events: std::mem::take(&mut self.events),
            focused: true,
            ..Default::default()
        };
        let out = self.frame.frame(raw, &self.target.texture, 1.0)?;
        self.repaint_after = out.repaint_after;
        self.frame.ctx.wait()?;
        Ok(t.elapsed())
    }

    /// What the window would show after the last frame.
    pub fn screenshot(&self) -> Result<Image> {
        self.target.read(&self.frame.ctx)
    }
}
