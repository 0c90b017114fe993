//! The viewer's window: winit events in, [`ViewerFrame`]s out to a wgpu surface.

use std::sync::Arc;
use std::time::Instant;

use winit::application::ApplicationHandler;
use winit::event::{StartCause, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy};
use winit::window::{Window, WindowId};

use crate::app::frame::ViewerFrame;
use crate::app::loader::{self, LoadEvent, SceneOptions, Source};
use crate::error::{Error, Result};

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
    load: Option<(Source, SceneOptions)>,
    proxy: EventLoopProxy<LoadEvent>,
    running: Option<Running>,
    error: Option<Error>,
}

/// The colour format the viewer draws its window in: egui's preferred non-sRGB format,
/// which software and hardware surfaces offer.
pub const SURFACE_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Bgra8Unorm;

/// Opens the window and runs until it is closed.
pub fn run(
    frame: ViewerFrame,
    title: String,
    size: (u32, u32),
    source: Source,
    options: SceneOptions,
) -> Result<()> {
    let event_loop = EventLoop::<LoadEvent>::with_user_event()
        .build()
        .map_err(|e| {
            Error::user(format!(
                "cannot open a window ({e}); without a display, use `clusterviz render`"
            ))
        })?;
    let proxy = event_loop.create_proxy();
    let mut app = App {
        frame,
        title,
        initial_size: size,
        load: Some((source, options)),
        proxy,
        running: None,
        error: None,
    };
    event_loop
        .run_app(&mut app)
        .map_err(|e| Error::user(format!("the window's event loop failed: {e}")))?;
    match app.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

impl App {
    fn open(&mut self, el: &ActiveEventLoop) -> Result<()> {
        let attrs = Window::default_attributes()
            .with_title(&self.title)
            .with_inner_size(winit::dpi::PhysicalSize::new(
                self.initial_size.0,
                self.initial_size.1,
            ));
        let window = Arc::new(
            el.create_window(attrs)
                .map_err(|e| Error::user(format!("cannot create a window: {e}")))?,
        );
        let ctx = &self.frame.ctx;
        let surface = ctx
            .instance
            .create_surface(window.clone())
            .map_err(|e| Error::gpu(format!("cannot draw into the window: {e}")))?;
        let caps = surface.get_capabilities(&ctx.adapter);
        let format = SURFACE_FORMAT;
        if !caps.usages.contains(wgpu::TextureUsages::COPY_DST) {
            return Err(Error::gpu("the window cannot be copied into (no COPY_DST)"));
        }
        if !caps.formats.contains(&format) {
            return Err(Error::gpu(format!(
                "the window offers {:?}, not the {format:?} the viewer draws in",
                caps.formats
            )));
        }
        let size = window.inner_size();
        let config = wgpu::SurfaceConfiguration {
            // The sky is copied into each frame.
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_DST,
            format,
            color_space: Default::default(),
            width: size.width.max(1),
            height: size.height.max(1),
            present_mode: wgpu::PresentMode::AutoVsync,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps.alpha_modes[0],
            view_formats: vec![],
        };
        surface.configure(&ctx.device, &config);
        let egui_winit = egui_winit::State::new(
            self.frame.egui.clone(),
            egui::ViewportId::ROOT,
            &window,
            Some(window.scale_factor() as f32),
            None,
            Some(ctx.limits().max_texture_dimension_2d as usize),
        );
        if let Some((source, options)) = self.load.take() {
            let proxy = self.proxy.clone();
            loader::spawn(ctx.clone(), source, options, move |ev| {
                let _ = proxy.send_event(ev);
            });
        }
        window.request_redraw();
        self.running = Some(Running {
            window,
            surface,
            config,
            egui_winit,
        });
        Ok(())
    }

    fn redraw(&mut self, el: &ActiveEventLoop) -> Result<()> {
        let Some(r) = self.running.as_mut() else {
            return Ok(());
        };
        let texture = match r.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(t)
            | wgpu::CurrentSurfaceTexture::Suboptimal(t) => t,
            wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                r.surface.configure(&self.frame.ctx.device, &r.config);
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
        if self.running.is_none()
            && let Err(e) = self.open(el)
        {
            self.fail(el, e);
        }
    }

    fn new_events(&mut self, _el: &ActiveEventLoop, cause: StartCause) {
        if let (StartCause::ResumeTimeReached { .. }, Some(r)) = (cause, &self.running) {
            r.window.request_redraw();
        }
    }

    fn user_event(&mut self, _el: &ActiveEventLoop, event: LoadEvent) {
        self.frame.accept(event);
        if let Some(r) = &self.running {
            r.window.request_redraw();
        }
    }

    fn window_event(&mut self, el: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let Some(r) = self.running.as_mut() else {
            return;
        };
        let response = r.egui_winit.on_window_event(&r.window, &event);
        match event {
            WindowEvent::CloseRequested => el.exit(),
            WindowEvent::Resized(size) => {
                r.config.width = size.width.max(1);
                r.config.height = size.height.max(1);
                r.surface.configure(&self.frame.ctx.device, &r.config);
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
