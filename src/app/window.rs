//! The viewer's window: winit events in, [`ViewerFrame`]s out to a wgpu surface.

use std::sync::Arc;
use std::time::Instant;

use winit::application::ApplicationHandler;
use winit::event::{StartCause, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy};
use winit::platform::run_on_demand::EventLoopExtRunOnDemand;
use winit::window::{Window, WindowId};

use crate::app::frame::ViewerFrame;
use crate::app::loader::{self, LoadEvent, SceneOptions};
use crate::app::wall_displays::{WallDisplays, WallPlan, reconfigure, window_surface};
use crate::data::arrays::ArrayInputs;
use crate::data::load::SurveyInputs;
use crate::error::{Error, Result};
use crate::wall::sync::end_on_error;

struct Running {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    egui_winit: egui_winit::State,
}

struct App {
    frame: ViewerFrame,
    title: String,
    initial_size: (u32, u32),
    load: Option<((SurveyInputs, ArrayInputs), SceneOptions)>,
    proxy: EventLoopProxy<LoadEvent>,
    /// The viewer's own window (absent on a wall without console).
    running: Option<Running>,
    /// A wall to open beside the viewer's window, then its open display windows.
    wall_plan: Option<WallPlan>,
    wall: Option<WallDisplays>,
    opened: bool,
    error: Option<Error>,
}

/// The colour format the viewer draws its window in: egui's preferred non-sRGB format,
/// which software and hardware surfaces offer.
pub const SURFACE_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Bgra8Unorm;

thread_local! {
    /// This thread's event loop between viewer sessions: winit makes one per process, and
    /// a Python session may open the viewer again and again.
    static KEPT: std::cell::RefCell<Option<EventLoop<LoadEvent>>> =
        const { std::cell::RefCell::new(None) };
}

/// The window system's event loop, made before anything else touches the display.
/// The GPU driver opens and closes probe connections to the X server as it starts, and
/// Xvfb now and then drops a connection made just after another closed (two of four
/// ranks of a wall on one Xvfb failed that way); winit connects once per process and
/// cannot try again, so it goes first.
pub fn event_loop(wall: Option<&WallPlan>) -> Result<EventLoop<LoadEvent>> {
    if let Some(kept) = KEPT.with(|k| k.borrow_mut().take()) {
        return Ok(kept);
    }
    EventLoop::<LoadEvent>::with_user_event()
        .build()
        .map_err(|e| {
            let e = Error::user(format!(
                "cannot open a window ({e}); without a display, use `clusterviz render`"
            ));
            if let Some(w) = wall {
                end_on_error(w.sync.as_ref(), &e);
            }
            e
        })
}

/// Opens the window (and a wall's display windows) and runs until it is closed.
pub fn run(
    mut event_loop: EventLoop<LoadEvent>,
    frame: ViewerFrame,
    title: String,
    size: (u32, u32),
    source: (SurveyInputs, ArrayInputs),
    options: SceneOptions,
    wall: Option<WallPlan>,
) -> Result<()> {
    let proxy = event_loop.create_proxy();
    let mut app = App {
        frame,
        title,
        initial_size: size,
        load: Some((source, options)),
        proxy,
        running: None,
        wall_plan: wall,
        wall: None,
        opened: false,
        error: None,
    };
    let ran = event_loop
        .run_app_on_demand(&mut app)
        .map_err(|e| Error::user(format!("the window's event loop failed: {e}")));
    let result = ran.and(match app.error.take() {
        Some(e) => Err(e),
        None => Ok(()),
    });
    // The wall's processes, whether or not its windows opened.
    let sync = app.wall.as_ref().map(|w| w.sync());
    if let (Err(e), Some(sync)) = (&result, sync.or(app.wall_plan.as_ref().map(|p| &*p.sync))) {
        end_on_error(sync, e);
    }
    // The windows close before the loop is kept for the next session.
    drop(app);
    KEPT.with(|k| *k.borrow_mut() = Some(event_loop));
    result
}

impl App {
    fn open(&mut self, el: &ActiveEventLoop) -> Result<()> {
        self.opened = true;
        let mut console_at = None;
        let mut console = true;
        if let Some(plan) = self.wall_plan.take() {
            console = plan.console && plan.sync.rank() == 0;
            let (wall, at) =
                WallDisplays::open(el, &self.frame.ctx, plan, SURFACE_FORMAT, self.frame.trace)?;
            self.wall = Some(wall);
            console_at = at;
        }
        if console {
            self.open_console(el, console_at)?;
        }
        if let Some((source, options)) = self.load.take() {
            // A view given on the command line is read first (a wall process without a
            // console reads its displays' part of it).
            let viewer = self.frame.state.view;
            let first_view = self
                .wall
                .as_ref()
                .map_or(viewer, |w| w.first_read_view(&viewer));
            let cone =
                crate::app::hats_refine::attach(&mut self.frame, &source.0, &options, first_view);
            let proxy = self.proxy.clone();
            let (source, arrays) = source;
            let ctx = self.frame.ctx.clone();
            loader::spawn(ctx, source, arrays, options, cone, move |ev| {
                let _ = proxy.send_event(ev);
            });
        }
        Ok(())
    }

    /// The viewer's window, with its panels; at `at` on the screen when given.
    fn open_console(&mut self, el: &ActiveEventLoop, at: Option<(i32, i32)>) -> Result<()> {
        let mut attrs = Window::default_attributes()
            .with_title(&self.title)
            .with_inner_size(winit::dpi::PhysicalSize::new(
                self.initial_size.0,
                self.initial_size.1,
            ));
        if let Some((x, y)) = at {
            attrs = attrs.with_position(winit::dpi::PhysicalPosition::new(x, y));
        }
        let window = Arc::new(
            el.create_window(attrs)
                .map_err(|e| Error::user(format!("cannot create a window: {e}")))?,
        );
        let ctx = &self.frame.ctx;
        let (surface, config) = window_surface(ctx, &window, SURFACE_FORMAT)?;
        let egui_winit = egui_winit::State::new(
            self.frame.egui.clone(),
            egui::ViewportId::ROOT,
            &window,
            Some(window.scale_factor() as f32),
            None,
            Some(ctx.limits().max_texture_dimension_2d as usize),
        );
        window.request_redraw();
        self.running = Some(Running {
            window,
            surface,
            config,
            egui_winit,
        });
        Ok(())
    }

    /// A frame of the wall (drawn if the sky changed), then back when the wall asks:
    /// a moving view coming to rest, rank 0's heartbeat, or at once for the others.
    fn tick_wall(&mut self, el: &ActiveEventLoop, quit: bool) -> Result<()> {
        let Some(wall) = self.wall.as_mut() else {
            return Ok(());
        };
        let tick = wall.tick(&mut self.frame, quit)?;
        if tick.quit {
            el.exit();
        }
        if let Some(after) = tick.again_after {
            let at = Instant::now() + after;
            let flow = match el.control_flow() {
                ControlFlow::WaitUntil(t) if t < at => ControlFlow::WaitUntil(t),
                ControlFlow::Poll => ControlFlow::Poll,
                _ if after.is_zero() => ControlFlow::Poll,
                _ => ControlFlow::WaitUntil(at),
            };
            el.set_control_flow(flow);
        }
        Ok(())
    }

    fn request_redraws(&self) {
        if let Some(r) = &self.running {
            r.window.request_redraw();
        }
    }

    fn redraw(&mut self, el: &ActiveEventLoop) -> Result<()> {
        let Some(r) = self.running.as_mut() else {
            return Ok(());
        };
        let texture = match r.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(t)
            | wgpu::CurrentSurfaceTexture::Suboptimal(t) => t,
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                if reconfigure(&self.frame.ctx, &r.surface, &r.config).is_err() {
                    // The window was destroyed under us: as if it had been closed.
                    el.exit();
                    return Ok(());
                }
                r.window.request_redraw();
                return Ok(());
            }
            _ => {
                r.window.request_redraw();
                return Ok(());
            }
        };
        let input = r.egui_winit.take_egui_input(&r.window);
        let ppp = r.window.scale_factor() as f32;
        let out = self.frame.frame(input, &texture.texture, ppp)?;
        r.window.pre_present_notify();
        self.frame.ctx.queue.present(texture);
        r.egui_winit.handle_platform_output(&r.window, out.platform);
        if out.requests.quit {
            el.exit();
        }
        match out.repaint_after {
            Some(d) if d.is_zero() => r.window.request_redraw(),
            Some(d) => el.set_control_flow(ControlFlow::WaitUntil(Instant::now() + d)),
            None => el.set_control_flow(ControlFlow::Wait),
        }
        Ok(())
    }

    fn fail(&mut self, el: &ActiveEventLoop, e: Error) {
        self.error = Some(e);
        el.exit();
    }
}

impl ApplicationHandler<LoadEvent> for App {
    fn resumed(&mut self, el: &ActiveEventLoop) {
        if !self.opened
            && let Err(e) = self.open(el)
        {
            self.fail(el, e);
        }
    }

    fn new_events(&mut self, _el: &ActiveEventLoop, cause: StartCause) {
        if let StartCause::ResumeTimeReached { .. } = cause {
            self.request_redraws();
        }
    }

    fn about_to_wait(&mut self, el: &ActiveEventLoop) {
        if let Err(e) = self.tick_wall(el, false) {
            self.fail(el, e);
        }
    }

    fn exiting(&mut self, el: &ActiveEventLoop) {
        // Rank 0 tells the other processes that the session is over.
        if self.wall.as_ref().is_some_and(|w| w.leads())
            && let Err(e) = self.tick_wall(el, true)
        {
            self.error.get_or_insert(e);
        }
    }

    fn user_event(&mut self, _el: &ActiveEventLoop, event: LoadEvent) {
        self.frame.accept(event);
        self.request_redraws();
    }

    fn window_event(&mut self, el: &ActiveEventLoop, id: WindowId, event: WindowEvent) {
        if let Some(wall) = self.wall.as_mut().filter(|w| w.owns(id)) {
            match event {
                WindowEvent::CloseRequested if wall.leads() => el.exit(),
                // Exposed: drawn again at the next frame.
                WindowEvent::RedrawRequested => wall.redraw(),
                _ => {
                    let before = self.frame.state.generation;
                    if wall.on_event(id, &event, &mut self.frame) {
                        el.exit();
                    }
                    // Input moved the camera: the viewer's window follows (the displays
                    // at the next frame).
                    if self.frame.state.generation != before {
                        self.request_redraws();
                    }
                }
            }
            return;
        }
        let Some(r) = self.running.as_mut() else {
            return;
        };
        let response = r.egui_winit.on_window_event(&r.window, &event);
        match event {
            WindowEvent::CloseRequested => el.exit(),
            WindowEvent::Resized(size) => {
                r.config.width = size.width.max(1);
                r.config.height = size.height.max(1);
                if reconfigure(&self.frame.ctx, &r.surface, &r.config).is_err() {
                    el.exit();
                    return;
                }
                r.window.request_redraw();
            }
            WindowEvent::RedrawRequested => {
                if let Err(e) = self.redraw(el) {
                    self.fail(el, e);
                }
                return;
            }
            _ => {}
        }
        if response.repaint {
            r.window.request_redraw();
        }
    }
}
