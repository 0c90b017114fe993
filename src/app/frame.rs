//! One viewer frame, independent of the window: egui panels, input applied to the state,
//! the sky drawn into a texture when something changed, and egui painted over it into
//! any colour target. The window feeds it winit's input; benches and tests feed it
//! synthetic input and an offscreen target.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::budget::AdaptiveBudget;
use crate::app::density_recount::{DensityRecount, Lead};
use crate::app::live_scene::{LiveScene, LodStats};
use crate::app::loader::LoadEvent;
use crate::app::panels::{self, PanelState, Shown, TableFileFormat, UiRequests};
use crate::app::scene_data::SceneData;
use crate::app::state::{Input, Range32, ViewerState};
use crate::app::wall_frame::WallFrame;
use crate::data::tables::votable::write::write_votable;
use crate::error::{Error, Result};
use crate::export::pipeline::{
    FigureGpu, FigureRequest, render_figures_on, reproduction_metadata, still_metadata,
};
use crate::render::GpuContext;
use crate::scene::layers::LayerKind;
use crate::scene::{LodPlan, ViewSpec};
use crate::view::{SubRect, Theme, View};

/// Interaction keeps frames at the adaptive budget for this long after the last input.
const SETTLE: Duration = Duration::from_millis(250);
/// A still view may draw this many times the interactive budget, and at least
/// [`STILL_MIN`] (bounded by the adapter's figure budget), so that what the user looks at
/// fills in: one frame of ~0.1 s on a CPU rasteriser after the view comes to rest.
const STILL_FACTOR: usize = 8;
const STILL_MIN: usize = 50_000;

/// The coarsest maps drawn while moving: one texel per 4 × 4 pixels.
const MAX_MAP_STEP: u32 = 4;

/// The sky, drawn when it changes and copied into every frame under the panels (egui
/// sampling it as an image costs ~18 ms a frame on a CPU rasteriser).
struct SceneTexture {
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    size: (u32, u32),
}

/// How the last sky image was drawn, to know when to draw again.
#[derive(Clone, Copy, PartialEq)]
struct DrawnKey {
    generation: u64,
    size: (u32, u32),
    still: bool,
    scene: u64,
}

pub struct ViewerFrame {
    pub ctx: Arc<GpuContext>,
    /// The colour format of the frames (and of the scenes built for them).
    pub output_format: wgpu::TextureFormat,
    pub egui: egui::Context,
    egui_renderer: egui_wgpu::Renderer,
    pub state: ViewerState,
    pub panel: PanelState,
    pub data: Option<Box<SceneData>>,
    pub scene: Option<Box<LiveScene>>,
    scene_serial: u64,
    /// The scene the last sky image showed: a scene not yet shown is first drawn at the
    /// moving budget, so that new data appear at once, then at the still budget.
    shown_scene: u64,
    texture: Option<SceneTexture>,
    drawn: Option<DrawnKey>,
    pub budget: AdaptiveBudget,
    /// Canvas pixels per map texel while the view moves: raised when maps alone make
    /// frames slower than the target (CPU rasterisers), back to 1 when there is room.
    pub moving_map_step: u32,
    /// Markers a still frame may draw on this adapter.
    pub still_budget: usize,
    last_input: Instant,
    pub last_frame: Duration,
    pub last_scene: Duration,
    pub lod: LodStats,
    /// What the viewer's last sky drew of each layer (picking chooses among it).
    lod_plan: LodPlan,
    counts: Vec<(LayerKind, usize, usize, usize)>,
    /// (view generation, scene, markers drawn) the counts were made for: a view come to
    /// rest draws more markers than while it moved.
    counts_key: Option<(u64, u64, usize)>,
    /// The counts changed after this frame's panels were laid out: shown by the next.
    counts_unshown: bool,
    loading: Option<(String, f32)>,
    /// Top-left corner of the sky view in the window (physical pixels), for mapping
    /// window positions to canvas pixels.
    pub sky_origin: (f32, f32),
    /// Where screenshots go (a numbered name in the working folder when `None`).
    pub screenshot_path: Option<PathBuf>,
    /// The SAMP hub this viewer joined (`view --samp`): saved tables are sent through it.
    pub samp: Option<crate::samp::SampClient>,
    /// The merged clusters came over SAMP as this table (its ID and URL), row for row:
    /// selecting one highlights that row in the sender.
    pub samp_table: Option<crate::app::samp_link::SampTable>,
    /// Join a SAMP hub, now or when one starts (`view --samp`).
    pub samp_wanted: Option<crate::app::samp_link::SampWanted>,
    /// The hub's other applications, for the "Send to" menu.
    pub samp_peers: crate::app::samp_link::SampPeers,
    /// Rereads an out-of-core galaxy catalog where the view settles.
    pub hats: Option<crate::app::hats_refine::HatsRefiner>,
    /// Counts the galaxies' density again for the redshift range.
    density: DensityRecount,
    /// Densities swapped in by `density` (a wall draws again for each).
    density_swaps: u64,
    /// Frame the first data that arrive with this view's rule (unless the user moved the
    /// view before): what was given of centre and field stays.
    pub frame_on_load: Option<ViewSpec>,
    /// Prints every view change, selection and load on standard error (for tests).
    pub trace: bool,
    /// What the last wall drawing drew of each layer (for picking on the wall).
    wall_drawn: LodPlan,
    /// When set, each frame puts here the texts its panels show (tests read the window).
    pub texts_shown: Option<Vec<String>>,
}

/// What the window should do after a frame.
pub struct FrameOutput {
    pub platform: egui::PlatformOutput,
    pub requests: UiRequests,
    /// Draw again after this long (zero: at once), if nothing else happens.
    pub repaint_after: Option<Duration>,
}

impl ViewerFrame {
    pub fn new(
        ctx: Arc<GpuContext>,
        output_format: wgpu::TextureFormat,
        state: ViewerState,
        still_budget: usize,
    ) -> Self {
        // No dithering: it would add noise to the sky image (and costs time per pixel).
        let options = egui_wgpu::RendererOptions {
            dithering: false,
            ..Default::default()
        };
        let egui_renderer = egui_wgpu::Renderer::new(&ctx.device, output_format, options);
        // Software rasterisers start low and CPU-bound GPUs high; frames then tune it.
        let start = if ctx.is_software() { 20_000 } else { 1_000_000 };
        let floor = crate::app::budget::MIN_MARKERS;
        let budget = AdaptiveBudget::new(
            start,
            floor,
            still_budget.max(floor),
            Duration::from_millis(30),
        );
        let screenshot = state.view.canvas;
        ViewerFrame {
            ctx,
            output_format,
            egui: egui::Context::default(),
            egui_renderer,
            state,
            panel: PanelState {
                goto_text: String::new(),
                drag_from: None,
                screenshot_size: (screenshot.0 * 2, screenshot.1 * 2),
                table_format: Default::default(),
                send_to: None,
            },
            data: None,
            scene: None,
            scene_serial: 0,
            shown_scene: 0,
            texture: None,
            drawn: None,
            budget,
            moving_map_step: 1,
            still_budget,
            last_input: Instant::now(),
            last_frame: Duration::ZERO,
            last_scene: Duration::ZERO,
            lod: LodStats::default(),
            counts: Vec::new(),
            counts_key: None,
            counts_unshown: false,
            loading: Some(("opening".into(), 0.0)),
            screenshot_path: None,
            samp: None,
            samp_table: None,
            samp_wanted: None,
            samp_peers: Default::default(),
            hats: None,
            density: DensityRecount::default(),
            density_swaps: 0,
            sky_origin: (0.0, 0.0),
            frame_on_load: None,
            trace: false,
            wall_drawn: LodPlan::default(),
            lod_plan: LodPlan::default(),
            texts_shown: None,
        }
    }

    /// The mask's colour scale for the legend.
    fn mask_scale(&self) -> Option<crate::app::panels::MapScale> {
        let style = self.scene.as_deref()?.map_style(LayerKind::Mask)?;
        let mask = self.data.as_deref()?.survey.mask.as_ref()?;
        Some(crate::app::panels::MapScale {
            label: format!("mask {}", mask.value_name),
            colormap: style.colormap,
            range: (style.range.0 as f64, style.range.1 as f64),
            linear: style.stretch == crate::view::Stretch::Linear,
        })
    }

    /// The status line's counts for a layer: (drawn, in view, loaded).
    pub fn counts_for(&self, kind: LayerKind) -> Option<(usize, usize, usize)> {
        self.counts
            .iter()
            .find(|c| c.0 == kind)
            .map(|c| (c.1, c.2, c.3))
    }

    /// Whether the galaxies in view are being read again (out-of-core catalogs).
    pub fn reading_galaxies(&self) -> bool {
        self.hats.as_ref().is_some_and(|h| h.is_reading())
    }

    /// Whether the galaxies' density is being counted again for the redshift range.
    pub fn counting_density(&self) -> bool {
        self.density.is_counting()
    }

    /// Brings the galaxies' density in line with the redshift range (a count on a worker
    /// thread; the sky is drawn again when it is swapped in). The viewer calls it each
    /// frame, a wall each tick.
    pub fn recount_density(&mut self) -> Result<()> {
        self.recount_density_led(Lead::Own)
    }

    /// As [`Self::recount_density`], for a wall rank that follows rank 0: shows the
    /// count of the redshift range rank 0's density shows (`None`: every galaxy), waiting
    /// for it if this rank has not finished it, so that all displays show the same.
    pub fn recount_density_following(&mut self, shown: Option<Range32>) -> Result<()> {
        self.recount_density_led(Lead::Follow(shown))
    }

    /// The redshift range the galaxies' density shown counts (`None`: every galaxy).
    pub fn density_range_shown(&self) -> Option<Range32> {
        self.density.shown_range()
    }

    fn recount_density_led(&mut self, lead: Lead) -> Result<()> {
        let (Some(scene), Some(data)) = (self.scene.as_deref_mut(), self.data.as_deref()) else {
            return Ok(());
        };
        let range = self.state.controls.z;
        if self
            .density
            .update(&self.ctx, scene, data, self.scene_serial, range, lead)?
        {
            self.drawn = None;
            self.density_swaps += 1;
            if self.trace {
                report!("trace: galaxy density shown for redshifts {range:?}");
            }
        }
        Ok(())
    }

    /// What is being loaded, and the fraction done, while anything is.
    pub fn loading(&self) -> Option<&(String, f32)> {
        self.loading.as_ref()
    }

    /// Takes in what the loader sends.
    pub fn accept(&mut self, event: LoadEvent) {
        match event {
            LoadEvent::Progress { what, done, total } => {
                let frac = if total == 0 {
                    1.0
                } else {
                    done as f32 / total as f32
                };
                self.loading = Some((what, frac));
            }
            LoadEvent::Loaded {
                data,
                scene,
                complete,
                took,
            } => {
                if self.trace {
                    report!(
                        "trace: loaded complete={complete} in {:.2} s: {}",
                        took.as_secs_f64(),
                        data.survey.source
                    );
                }
                // Framed on the first stage with something to frame (a galaxies-only
                // load has nothing before its galaxies arrive).
                let unframed = self
                    .data
                    .as_deref()
                    .is_none_or(|d| d.survey.outline_directions().is_empty());
                if self.frame_on_load.is_some() && unframed && !self.state.touched {
                    self.frame_survey(&data);
                }
                // The selected object, found again among the new scene's rows.
                if let (Some(o), Some(before)) = (self.state.selection, self.data.as_deref()) {
                    self.state.selection = data.same_object(before, o);
                }
                self.data = Some(data);
                self.scene = Some(scene);
                // The scene replaced is freed by now: its memory goes back to the system.
                crate::app::os_hints::return_freed_memory();
                self.scene_serial += 1;
                self.counts_key = None;
                self.loading = (!complete).then(|| ("loading galaxies".to_string(), 0.5));
            }
            LoadEvent::Failed(message) => {
                self.loading = None;
                self.state.message = Some(format!("loading failed: {message}"));
                report!("clusterviz: {message}");
            }
        }
    }

    /// Runs one frame into `target` (of `target_size` physical pixels, the format given
    /// to [`ViewerFrame::new`]).
    pub fn frame(
        &mut self,
        raw_input: egui::RawInput,
        target: &wgpu::Texture,
        pixels_per_point: f32,
    ) -> Result<FrameOutput> {
        let t0 = Instant::now();
        self.counts_unshown = false;
        crate::app::samp_link::receive(self);
        crate::app::hats_refine::poll(self);
        let before = (self.state.view, self.state.selection);
        let scene = self.scene.as_deref();
        let has_layer = |k: LayerKind| scene.is_some_and(|s| s.has(k));
        let shown = Shown {
            data: self.data.as_deref(),
            has_layer: &has_layer,
            counts: &self.counts,
            frame_ms: self.last_frame.as_secs_f64() * 1e3,
            budget: self.budget.budget(),
            memory_mib: resident_mib(),
            adapter: &self.ctx.info.name,
            loading: self.loading.clone(),
            map_scale: self.mask_scale(),
            theme: self.scene.as_deref().map_or(Theme::Dark, |s| s.theme),
            color_ranges: self.scene.as_deref().map(|s| s.layers.color_ranges),
            proximity_arcmin: self.scene.as_deref().and_then(|s| s.style.proximity),
            samp_clients: self
                .samp
                .as_ref()
                .map(|_| self.samp_peers.clients.as_slice()),
        };
        let (state, panel) = (&mut self.state, &mut self.panel);
        let mut requests = UiRequests::default();
        let full = self.egui.run_ui(raw_input, |ui| {
            requests = panels::draw(ui, state, panel, &shown);
        });
        if requests.interacting {
            self.last_input = Instant::now();
        }
        self.sky_origin = requests.scene_origin;
        // The sky's canvas settled (the first layout, a window resize) before the user
        // moved: frame the data anew on it rather than keep the scale, so that an all-sky
        // view still shows the whole sky.
        if self.state.view.canvas != before.0.canvas
            && !self.state.touched
            && let Some(data) = self.data.take()
        {
            self.frame_survey(&data);
            self.data = Some(data);
        }
        if self.trace && (self.state.view, self.state.selection) != before {
            self.print_trace();
        }
        if self.state.selection != before.1 {
            crate::app::samp_link::selection_changed(self);
        }
        self.ensure_texture(requests.scene_px)?;
        self.recount_density()?;
        // New data (a load stage, an area read again) show first at the moving budget:
        // on a CPU rasteriser a still frame takes most of a second, a moving one a tenth.
        let still = self.is_still() && self.shown_scene == self.scene_serial;
        self.draw_sky(still)?;
        if requests.screenshot {
            self.screenshot();
        }
        if requests.figure {
            self.save_figure();
        }
        if requests.table {
            self.state.message = Some(match self.try_tables_in_view() {
                Ok(saved) => saved,
                Err(e) => format!("table failed: {e}"),
            });
            if self.trace {
                report!("trace: {}", self.state.message.as_deref().unwrap_or(""));
            }
        }
        if let Some(texts) = &mut self.texts_shown {
            *texts = texts_of(full.shapes.iter().map(|c| &c.shape));
        }
        self.paint_ui(full.shapes, full.textures_delta, target, pixels_per_point);
        self.last_frame = t0.elapsed();
        let repaint = full
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map(|v| v.repaint_delay);
        // Come back when the view settles, to draw it at the still budget.
        let settle = (!still).then(|| SETTLE.saturating_sub(self.last_input.elapsed()));
        let repaint_after = match (repaint, settle) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b).filter(|d| *d < Duration::from_secs(3600)),
        };
        // Messages from the SAMP hub are looked at each frame: come back for them.
        const SAMP_POLL: Duration = Duration::from_millis(250);
        // So are reads of the galaxies in view.
        let waiting =
            self.samp_wanted.is_some() || self.reading_galaxies() || self.counting_density();
        let repaint_after = match (repaint_after, waiting) {
            (Some(d), true) => Some(d.min(SAMP_POLL)),
            (None, true) => Some(SAMP_POLL),
            (d, false) => d,
        };
        // New counts (the still frame's markers) reach the panels at once.
        let repaint_after = match self.counts_unshown {
            true => Some(Duration::ZERO),
            false => repaint_after,
        };
        Ok(FrameOutput {
            platform: full.platform_output,
            requests,
            repaint_after,
        })
    }

    /// Centres and sizes the view on the survey's outline, where the command line did
    /// not fix them (in the projection and frame the user has now); Reset returns here.
    fn frame_survey(&mut self, data: &SceneData) {
        let dirs = data.survey.outline_directions();
        let Some(spec) = &self.frame_on_load else {
            return;
        };
        if dirs.is_empty() {
            return;
        }
        let v = self.state.view;
        let spec = ViewSpec {
            // A projection given is the user's now; none given, the data choose.
            projection: spec.projection.map(|_| v.projection),
            frame: v.frame,
            rotation: v.rotation_deg,
            ..spec.clone()
        };
        let framed = spec.initial_view(&dirs, v.canvas);
        self.state.view = framed;
        self.state.home = framed;
        self.state.generation += 1;
        if self.trace {
            self.print_trace();
        }
    }

    fn print_trace(&self) {
        let v = &self.state.view;
        let sel = self.state.selection.map_or("none".to_string(), |o| {
            format!("{}:{}", o.layer.label(), o.row)
        });
        report!(
            "trace: view {} {} centre {:.6} {:.6} fov {:.6} rotation {:.6} canvas {}x{} origin {:.0},{:.0} selection {sel}",
            v.projection.code(),
            v.frame.name(),
            v.center_deg.0,
            v.center_deg.1,
            v.fov_deg,
            v.rotation_deg,
            v.canvas.0,
            v.canvas.1,
            self.sky_origin.0,
            self.sky_origin.1
        );
    }

    fn ensure_texture(&mut self, size: (u32, u32)) -> Result<()> {
        let max = self.ctx.limits().max_texture_dimension_2d;
        let size = (size.0.clamp(1, max), size.1.clamp(1, max));
        if self.texture.as_ref().is_some_and(|t| t.size == size) {
            return Ok(());
        }
        let texture = self.ctx.texture_2d(
            "sky view",
            size,
            self.output_format,
            wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        );
        let view = texture.create_view(&Default::default());
        self.texture = Some(SceneTexture {
            texture,
            view,
            size,
        });
        self.drawn = None;
        Ok(())
    }

    /// Draws the sky when the view, styles, size or data changed, or when a moving view
    /// came to rest (then at the still budget).
    fn draw_sky(&mut self, still: bool) -> Result<()> {
        let Some(size) = self.texture.as_ref().map(|t| t.size) else {
            return Ok(());
        };
        let key = DrawnKey {
            generation: self.state.generation,
            size,
            still,
            scene: self.scene_serial,
        };
        let up_to_date = self.drawn.is_some_and(|d| {
            // A still image stays good while nothing changes; a moving one is redrawn
            // still once the view rests.
            let same = d.generation == key.generation && d.size == key.size && d.scene == key.scene;
            same && (d.still || !still)
        });
        if up_to_date {
            return Ok(());
        }
        let fresh_scene = self.shown_scene != self.scene_serial;
        self.shown_scene = self.scene_serial;
        let budget = if still {
            (self.budget.budget() * STILL_FACTOR)
                .max(STILL_MIN)
                .min(self.still_budget)
                .max(self.budget.budget())
        } else {
            self.budget.budget()
        };
        let t = Instant::now();
        self.prepare_scene(if still { 1 } else { self.moving_map_step })?;
        let (Some(tex), Some(scene)) = (&self.texture, self.scene.as_deref_mut()) else {
            if let Some(tex) = &self.texture {
                clear(&self.ctx, &tex.view);
            }
            self.drawn = Some(key);
            return Ok(());
        };
        let view = self.state.view;
        (self.lod_plan, self.lod) = scene.sync(&self.ctx, &self.state, &view, budget);
        scene.renderer.draw(&self.ctx, &view, &tex.view)?;
        // Waiting here measures the sky's own cost, which the budget adapts to.
        self.ctx.wait()?;
        self.last_scene = t.elapsed();
        // A new scene's first frame also pays its uploads: it says little about frames.
        if !still && !fresh_scene {
            self.adapt(self.last_scene, self.lod.drawn);
        }
        self.drawn = Some(key);
        self.update_counts();
        if self.trace {
            report!(
                "trace: sky {} in {:.1} ms, {} of {} galaxies drawn, budget {}, map step {}",
                if still { "still" } else { "moving" },
                self.last_scene.as_secs_f64() * 1e3,
                self.lod.drawn,
                self.lod.in_view,
                budget,
                if still { 1 } else { self.moving_map_step }
            );
        }
        Ok(())
    }

    /// Map resolution (canvas pixels per texel) and colour column of the next drawing.
    fn prepare_scene(&mut self, map_step: u32) -> Result<()> {
        let Some(scene) = self.scene.as_deref_mut() else {
            return Ok(());
        };
        scene.renderer.set_map_step(map_step);
        if let (Some((name, _, _)), Some(data)) =
            (&self.state.controls.color_column, self.data.as_deref())
        {
            scene.load_color_column(&self.ctx, data, name)?;
        }
        Ok(())
    }

    /// Tunes the moving budget and map resolution to a moving frame's cost.
    fn adapt(&mut self, took: Duration, drawn: usize) {
        self.budget.observe(took, drawn);
        let target = self.budget.target();
        if took > target * 3 / 2 && self.moving_map_step < MAX_MAP_STEP {
            self.moving_map_step += 1;
        } else if took < target / 3 && self.moving_map_step > 1 {
            self.moving_map_step -= 1;
        }
    }

    /// Applies input that did not come through the panels (a wall display's window): as
    /// the viewer's own, it moves the one camera, selects, and restarts the settling time.
    pub fn apply_input(&mut self, input: Input) {
        let before = (self.state.view, self.state.selection);
        self.state
            .apply_drawn(input, self.data.as_deref(), &self.lod_plan);
        self.last_input = Instant::now();
        if self.trace && (self.state.view, self.state.selection) != before {
            self.print_trace();
        }
    }

    /// A click at pixel `at` of `wall` (a view drawn by [`Self::draw_canvas_parts`]):
    /// selects what the wall shows there, as a click in the viewer would.
    pub fn click_on_canvas(&mut self, wall: View, at: glam::DVec2) {
        let live = self.state.view;
        self.state.view = wall;
        let before = self.state.selection;
        self.state
            .apply_drawn(Input::Click(at), self.data.as_deref(), &self.wall_drawn);
        self.last_input = Instant::now();
        self.state.view = live;
        if self.trace && self.state.selection != before {
            self.print_trace();
        }
    }

    /// Whether the view has rested long enough to be drawn at the still budget.
    pub fn is_still(&self) -> bool {
        self.last_input.elapsed() >= SETTLE
    }

    /// How long until a moving view counts as still (zero when it already is).
    pub fn until_still(&self) -> Duration {
        SETTLE.saturating_sub(self.last_input.elapsed())
    }

    /// This viewer's state shown over `wall` (a view derived from the viewer's, on a
    /// larger canvas): the frame rank 0 of a wall draws and sends to the others. Views at
    /// rest draw at the still budget, as a figure would; moving ones at the adaptive one.
    pub fn wall_frame(&self, wall: View) -> WallFrame {
        let still = self.is_still();
        let (budget, map_step) = if still {
            (self.still_budget, 1)
        } else {
            (self.budget.budget(), self.moving_map_step)
        };
        let mut f = WallFrame::new(wall, &self.state, budget, still, map_step);
        f.density_z = self.density_range_shown();
        f
    }

    /// Takes rank 0's frame (a process following it shows nothing else).
    pub fn follow(&mut self, frame: &WallFrame) {
        frame.apply_to(&mut self.state);
    }

    /// Which data the sky shows: the scene (changes when more arrive) and how many
    /// times its galaxies' density was counted again for a redshift range.
    pub fn shown_data(&self) -> (u64, u64) {
        (self.scene_serial, self.density_swaps)
    }

    /// Draws `frame` in parts: a wall's displays, each target showing its rectangle of the
    /// frame's canvas. All parts share one level of detail, chosen for the whole canvas.
    pub fn draw_canvas_parts(
        &mut self,
        frame: &WallFrame,
        parts: &[(SubRect, &wgpu::TextureView)],
    ) -> Result<()> {
        self.prepare_scene(frame.map_step)?;
        let Some(scene) = self.scene.as_deref_mut() else {
            for (_, target) in parts {
                clear(&self.ctx, target);
            }
            return Ok(());
        };
        let wall = frame.view;
        let t = Instant::now();
        // The canvas's level of detail (the viewer's sky keeps its image; it syncs its own
        // level of detail again whenever it redraws). Clicks on the wall pick among what
        // the wall drew.
        let lod;
        (self.wall_drawn, lod) = scene.sync(&self.ctx, &self.state, &wall, frame.budget);
        // The wall has no overlay of its own: the selection is ringed in the scene.
        let selected = self.state.selection.and_then(|o| {
            let cat = self.data.as_deref()?.catalog(o.layer)?;
            Some(cat.role_view().direction(o.row as usize))
        });
        scene.ring(&self.ctx, selected)?;
        for (rect, target) in parts {
            scene
                .renderer
                .draw(&self.ctx, &wall.with_sub(*rect), target)?;
        }
        scene.ring(&self.ctx, None)?;
        self.ctx.wait()?;
        if !frame.still {
            self.adapt(t.elapsed(), lod.drawn);
        }
        Ok(())
    }

    /// Drawn / in view / loaded per layer, recomputed when the view or filters change.
    fn update_counts(&mut self) {
        let key = (self.state.generation, self.scene_serial, self.lod.drawn);
        if self.counts_key == Some(key) {
            return;
        }
        self.counts_unshown = true;
        self.counts.clear();
        let Some(data) = self.data.as_deref() else {
            self.counts_key = Some(key);
            return;
        };
        // While indexes are built, counted again each frame, so that they appear.
        self.counts_key = (!data.indexing()).then_some(key);
        for kind in LayerKind::ALL {
            let (Some(m), Some(cat)) = (data.markers.get(&kind), data.catalog(kind)) else {
                continue;
            };
            if kind == LayerKind::Galaxies {
                // A sample of a larger catalog: the catalog's numbers, those in view
                // estimated from the sample (an even one) rather than the sample's own.
                let (in_view, total) = match data.galaxies_in_catalog {
                    Some(all) if !cat.is_empty() => {
                        let per_row = all as f64 / cat.len() as f64;
                        ((self.lod.in_view as f64 * per_row).round() as usize, all)
                    }
                    // No row read (the view holds too many to sample): its counts.
                    Some(all) => {
                        let near = data.galaxies_counted_in(&self.state.view);
                        (near.unwrap_or(0), all)
                    }
                    None => (self.lod.in_view, cat.len()),
                };
                self.counts.push((kind, self.lod.drawn, in_view, total));
                continue;
            }
            // Not counted until its index is built (the status bar says so).
            let Some(index) = m.index.get() else {
                continue;
            };
            let visible = index
                .in_view(&self.state.view)
                .into_iter()
                .filter(|&r| self.state.passes(kind, cat, r as usize))
                .count();
            let drawn = if self.state.shows(kind) { visible } else { 0 };
            self.counts.push((kind, drawn, visible, cat.len()));
        }
    }

    /// Saves the current view through the figure path at the panel's size.
    fn screenshot(&mut self) {
        let result = self.try_screenshot();
        self.report_saved("screenshot", result);
        self.drawn = None;
    }

    /// Saves the current view as a composed figure (the `render` path) at the panel's
    /// size, with the filters, colours and layers shown now.
    fn save_figure(&mut self) {
        let result = self.try_figure();
        self.report_saved("figure", result);
    }

    /// Tells the user (status line, and the trace) where a saved file went, or why not.
    fn report_saved(&mut self, what: &str, result: Result<PathBuf>) {
        self.state.message = Some(match result {
            Ok(p) => format!("saved {}", p.display()),
            Err(e) => format!("{what} failed: {e}"),
        });
        if self.trace {
            report!("trace: {}", self.state.message.as_deref().unwrap_or(""));
        }
    }

    fn try_figure(&mut self) -> Result<PathBuf> {
        let (Some(scene), Some(data)) = (self.scene.as_deref(), self.data.as_deref()) else {
            return Err(Error::user("nothing loaded yet"));
        };
        let path = self.numbered_output("figure");
        let v = self.state.view;
        let (w, h) = self.panel.screenshot_size;
        // The view shown, on the panel's page size, with the filters, colours and layers
        // shown now: one scene description, drawn by the figure pipeline on this device.
        let view = ViewSpec {
            projection: Some(v.projection),
            center: Some(v.center_deg),
            fov: Some(v.fov_deg),
            rotation: v.rotation_deg,
            size: Some(crate::scene::PageSize::Pixels(w, h)),
            dpi: None,
            frame: v.frame,
            theme: scene.theme,
        };
        view.pixel_size()?;
        let style = self.state.controls.figure_style(&scene.style);
        let figure = crate::scene::FigureOptions::default();
        let outputs = [path.clone()];
        let mut req = FigureRequest::new(&view, &style, &figure, &outputs);
        req.metadata = reproduction_metadata(&data.survey.source);
        render_figures_on(FigureGpu::on(self.ctx.clone()), &data.survey, &req)?;
        Ok(path)
    }

    /// Writes, for each cluster catalog shown, its rows in view that pass the filters (every
    /// column, as read) to a FITS table beside the screenshots: `NAME-merged.fits`, ...
    /// Says what was written, for the status line.
    fn try_tables_in_view(&mut self) -> Result<String> {
        let Some(data) = self.data.as_deref() else {
            return Err(Error::user("nothing loaded yet"));
        };
        let view = self.state.view;
        let (w, h) = (f64::from(view.canvas.0), f64::from(view.canvas.1));
        let controls = &self.state.controls;
        let base = self.numbered_output("clusters");
        let stem = base
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut written: Vec<(PathBuf, usize)> = Vec::new();
        let mut merged_rows = None;
        for kind in LayerKind::CLUSTER_CATALOGS {
            let Some(cat) = data.catalog(kind).filter(|_| controls.shows(kind)) else {
                continue;
            };
            let rows: Vec<usize> = (0..cat.len())
                .filter(|&r| {
                    controls.passes(kind, cat, r)
                        && view
                            .project_radec(cat.ra(r), cat.dec(r))
                            .is_some_and(|p| p.x >= 0.0 && p.x <= w && p.y >= 0.0 && p.y <= h)
                })
                .collect();
            let name = kind.layer_name().to_ascii_lowercase();
            let format = self.panel.table_format;
            let path = base.with_file_name(format!("{stem}-{name}.{}", format.extension()));
            let table = name.to_ascii_uppercase();
            match format {
                TableFileFormat::Fits => {
                    crate::data::fits_write::write_catalog(cat, Some(&rows), &table, &path)?
                }
                TableFileFormat::VoTable => write_votable(cat, Some(&rows), &table, &path)?,
            }
            written.push((path, rows.len()));
            if kind == LayerKind::Merged {
                merged_rows = Some(rows);
            }
        }
        if written.is_empty() {
            return Err(Error::user("no cluster catalog is shown"));
        }
        let files: Vec<String> = written
            .iter()
            .map(|(p, n)| format!("{} ({n} rows)", p.display()))
            .collect();
        let mut said = format!("saved {}", files.join(", "));
        if let Some(samp) = &self.samp {
            said += &match crate::app::samp_link::send_tables(
                samp,
                &written,
                self.panel.send_to.as_deref(),
            ) {
                Ok(n) => format!("; sent over SAMP to {n} application(s)"),
                Err(e) => format!("; SAMP: {e}"),
            };
            // The rows in view of a table that came over SAMP, marked in its sender.
            if let (Some(table), Some(rows)) = (
                self.samp_table
                    .as_ref()
                    .filter(|t| t.layer == LayerKind::Merged),
                &merged_rows,
            ) {
                said += &match crate::app::samp_link::send_rows(samp, table, rows) {
                    Ok(n) => format!(
                        "; its {} rows in view marked in {n} application(s)",
                        rows.len()
                    ),
                    Err(e) => format!("; SAMP: {e}"),
                };
            }
        }
        Ok(said)
    }

    /// Where the next screenshot or figure goes: the path given on the command line
    /// (with `-figure` before the extension for figures), else a numbered name here.
    fn numbered_output(&self, what: &str) -> PathBuf {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        match (&self.screenshot_path, what) {
            (Some(p), "screenshot") => p.clone(),
            (Some(p), _) => {
                let stem = p.file_stem().unwrap_or_default().to_string_lossy();
                p.with_file_name(format!("{stem}-{what}.png"))
            }
            (None, _) => PathBuf::from(format!("clusterviz-{stamp}-{what}.png")),
        }
    }

    fn try_screenshot(&mut self) -> Result<PathBuf> {
        let path = self.numbered_output("screenshot");
        let (Some(scene), Some(data)) = (self.scene.as_deref_mut(), self.data.as_deref()) else {
            return Err(Error::user("nothing loaded yet"));
        };
        let (w, h) = self.panel.screenshot_size;
        let live = self.state.view;
        // Same sky, more pixels: the field of view stays, the scale follows the width.
        let figure = live.on_canvas((w, h));
        scene.sync(&self.ctx, &self.state, &figure, self.still_budget);
        let image = scene.renderer.render_tiled(&self.ctx, &figure, 8192)?;
        image.save_png(&path, &still_metadata(&figure, &data.survey.source))?;
        Ok(path)
    }

    /// The frame: cleared, the sky copied in at its place, the panels painted over.
    fn paint_ui(
        &mut self,
        shapes: Vec<egui::epaint::ClippedShape>,
        textures: egui::TexturesDelta,
        target: &wgpu::Texture,
        pixels_per_point: f32,
    ) {
        let ctx = &self.ctx;
        let size = (target.width(), target.height());
        let target_view = target.create_view(&Default::default());
        for (id, deltas) in &textures.set {
            for delta in deltas {
                self.egui_renderer
                    .update_texture(&ctx.device, &ctx.queue, *id, delta);
            }
        }
        let jobs = self.egui.tessellate(shapes, pixels_per_point);
        let screen = egui_wgpu::ScreenDescriptor {
            size_in_pixels: [size.0, size.1],
            pixels_per_point,
        };
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        let extra =
            self.egui_renderer
                .update_buffers(&ctx.device, &ctx.queue, &mut enc, &jobs, &screen);
        clear_pass(&mut enc, &target_view, wgpu::Color::BLACK);
        if let Some(sky) = &self.texture {
            let (x, y) = (
                self.sky_origin.0.round() as u32,
                self.sky_origin.1.round() as u32,
            );
            let w = sky.size.0.min(size.0.saturating_sub(x));
            let h = sky.size.1.min(size.1.saturating_sub(y));
            if w > 0 && h > 0 {
                enc.copy_texture_to_texture(
                    sky.texture.as_image_copy(),
                    wgpu::TexelCopyTextureInfo {
                        texture: target,
                        mip_level: 0,
                        origin: wgpu::Origin3d { x, y, z: 0 },
                        aspect: wgpu::TextureAspect::All,
                    },
                    wgpu::Extent3d {
                        width: w,
                        height: h,
                        depth_or_array_layers: 1,
                    },
                );
            }
        }
        {
            let pass = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("egui"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &target_view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Load,
                        store: wgpu::StoreOp::Store,
                    },
                })],
                ..Default::default()
            });
            let mut pass = pass.forget_lifetime();
            self.egui_renderer.render(&mut pass, &jobs, &screen);
        }
        ctx.queue
            .submit(extra.into_iter().chain(std::iter::once(enc.finish())));
        for id in &textures.free {
            self.egui_renderer.free_texture(id);
        }
    }
}

/// The sky before any data arrive: a dark night.
fn clear(ctx: &GpuContext, target: &wgpu::TextureView) {
    let mut enc = ctx.device.create_command_encoder(&Default::default());
    let night = wgpu::Color {
        r: 0.02,
        g: 0.02,
        b: 0.04,
        a: 1.0,
    };
    clear_pass(&mut enc, target, night);
    ctx.queue.submit([enc.finish()]);
}

fn clear_pass(enc: &mut wgpu::CommandEncoder, target: &wgpu::TextureView, color: wgpu::Color) {
    enc.begin_render_pass(&wgpu::RenderPassDescriptor {
        label: Some("clear"),
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view: target,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: wgpu::LoadOp::Clear(color),
                store: wgpu::StoreOp::Store,
            },
        })],
        ..Default::default()
    });
}

/// Resident memory of this process in MiB (Linux), 0 where unknown.
pub fn resident_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

/// The texts among `shapes`, in the order drawn.
fn texts_of<'a>(shapes: impl Iterator<Item = &'a egui::Shape>) -> Vec<String> {
    let mut out = Vec::new();
    for shape in shapes {
        match shape {
            egui::Shape::Text(t) => out.push(t.galley.text().to_string()),
            egui::Shape::Vec(inner) => out.extend(texts_of(inner.iter())),
            _ => {}
        }
    }
    out
}
