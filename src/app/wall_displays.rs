//! A display wall in windows: a borderless window per display of this process, each
//! showing its rectangle of the viewer's view spread over the wall's canvas. On rank 0 (or
//! a wall on one machine) the viewer (its console window) and every display window drive
//! the one camera: a drag, wheel or key on any display moves the whole wall, and the
//! console's filters, layers and selection show on it too. Each frame rank 0 sends its
//! [`WallFrame`] to the other processes (MPI), every process draws its displays, and all
//! present together after a barrier.

use std::sync::Arc;
use std::time::{Duration, Instant};

use glam::DVec2;
use winit::dpi::{PhysicalPosition, PhysicalSize};
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::ActiveEventLoop;
use winit::keyboard::{Key, NamedKey};
use winit::window::{Fullscreen, Window, WindowId};

use crate::app::frame::ViewerFrame;
use crate::app::state::Input;
use crate::app::wall_frame::WallFrame;
use crate::error::{Error, Result};
use crate::render::GpuContext;
use crate::view::{SubRect, View};
use crate::wall::{Display, WallLayout, WallSync, bounding_rect};

/// The wall a viewer session shows besides its console.
pub struct WallPlan {
    pub layout: WallLayout,
    /// The displays this process shows.
    pub displays: Vec<Display>,
    /// Whether the viewer's own window (panels and all) opens too (rank 0 only).
    pub console: bool,
    /// Wall pixels per viewer pixel (see [`wall_view`]).
    pub ratio: f64,
    /// Windows side by side as on the wall even where monitors could take them.
    pub side_by_side: bool,
    /// The wall's processes, and how long one may keep the others waiting at a frame.
    pub sync: Box<dyn WallSync>,
    pub timeout: Duration,
}

/// A monitor as the window system reports it: name, top-left and size in pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct MonitorInfo {
    pub name: String,
    pub position: (i32, i32),
    pub size: (u32, u32),
}

/// Where a display's window goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// Full screen on this monitor (index into the monitor list).
    Monitor(usize),
    /// A borderless window of the display's size at this screen position: the displays
    /// side by side, for desktops (and virtual X servers) with fewer monitors than displays.
    At(i32, i32),
}

/// Pixels a press may move and still count as a click.
const CLICK_SLOP: f64 = 3.0;

/// Puts the displays on monitors: display i (row by row) full screen on monitor i (left
/// to right, top to bottom) when there are enough, else (or when `side_by_side`) as on the
/// wall, from the top-left of the first monitor. Also returns where the console goes: a
/// monitor the wall leaves free, or right of the wall, or `None` (the window system's
/// choice).
pub fn place(
    monitors: &[MonitorInfo],
    layout: &WallLayout,
    displays: &[Display],
    side_by_side: bool,
) -> (Vec<Placement>, Option<(i32, i32)>) {
    let mut order: Vec<usize> = (0..monitors.len()).collect();
    order.sort_by_key(|&i| (monitors[i].position.1, monitors[i].position.0));
    if !side_by_side && monitors.len() >= displays.len() && !displays.is_empty() {
        let mut shown: Vec<usize> = (0..displays.len()).collect();
        shown.sort_by_key(|&i| (displays[i].row, displays[i].column));
        let mut placements = vec![Placement::Monitor(0); displays.len()];
        for (k, &i) in shown.iter().enumerate() {
            placements[i] = Placement::Monitor(order[k]);
        }
        let console = order.get(displays.len()).map(|&m| monitors[m].position);
        return (placements, console);
    }
    let origin = order.first().map_or((0, 0), |&m| monitors[m].position);
    let (w, h) = layout.display;
    let placements = displays
        .iter()
        .map(|d| {
            Placement::At(
                origin.0 + (d.column * w) as i32,
                origin.1 + (d.row * h) as i32,
            )
        })
        .collect();
    (
        placements,
        Some((origin.0 + (layout.columns * w) as i32, origin.1)),
    )
}

/// The wall's view: the viewer's centre and rotation, at `ratio` wall pixels per viewer
/// pixel. The ratio is fixed when the wall opens (wall width over the viewer's first
/// canvas width, so both start with the same field); as the viewer keeps its scale when
/// its window or panels change size, so does the wall.
pub fn wall_view(viewer: &View, canvas: (u32, u32), ratio: f64) -> View {
    let p = viewer.projection;
    let half_width =
        p.half_width_for_fov(viewer.fov_deg) * canvas.0 as f64 / (viewer.canvas.0 as f64 * ratio);
    let mut v = View::new(
        p,
        viewer.frame,
        viewer.center_deg,
        p.fov_for_half_width(half_width),
        canvas,
    );
    v.rotation_deg = viewer.rotation_deg;
    v
}

/// A wall canvas pixel as a pixel of the viewer's canvas: the wall is the viewer's view
/// scaled by `ratio` about the centre.
pub fn wall_to_viewer(viewer: &View, wall_canvas: (u32, u32), ratio: f64, p: DVec2) -> DVec2 {
    let wall_center = DVec2::new(wall_canvas.0 as f64, wall_canvas.1 as f64) / 2.0;
    viewer.center_px() + (p - wall_center) / ratio
}

struct DisplayWindow {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    display: Display,
    cursor: Option<DVec2>,
    /// A left-button press: where it started, where the drag last was, whether it moved.
    press: Option<(DVec2, DVec2, bool)>,
}

/// Rank 0 sends a frame at least this often, so that a lost process is noticed and the
/// others' windows stay live while nothing moves.
const HEARTBEAT: Duration = Duration::from_millis(200);

/// The open display windows of a wall, and its processes.
pub struct WallDisplays {
    canvas: (u32, u32),
    ratio: f64,
    windows: Vec<DisplayWindow>,
    sync: Box<dyn WallSync>,
    timeout: Duration,
    /// The frame last drawn, and the data it was drawn from.
    drawn: Option<(WallFrame, (u64, u64))>,
    frames: u64,
    last_tick: Instant,
    trace: bool,
    /// This process stops answering a few frames in (CLUSTERVIZ_WALL_HANG_RANK, tests).
    hang: bool,
    /// No console of this process reads out-of-core galaxies for the viewer's view: the
    /// wall reads them for its own displays' part of the sky.
    reads_for_displays: bool,
}

/// What a frame of the wall asks of the event loop.
pub struct Tick {
    /// The session ends (rank 0 said so).
    pub quit: bool,
    /// Come back after this long at the latest.
    pub again_after: Option<Duration>,
}

impl WallDisplays {
    /// Opens a window per display; returns them and where the console should go.
    pub fn open(
        el: &ActiveEventLoop,
        ctx: &GpuContext,
        plan: WallPlan,
        format: wgpu::TextureFormat,
        trace: bool,
    ) -> Result<(WallDisplays, Option<(i32, i32)>)> {
        let handles: Vec<_> = el.available_monitors().collect();
        let monitors: Vec<MonitorInfo> = handles
            .iter()
            .map(|m| MonitorInfo {
                name: m.name().unwrap_or_default(),
                position: (m.position().x, m.position().y),
                size: (m.size().width, m.size().height),
            })
            .collect();
        let (placements, console) =
            place(&monitors, &plan.layout, &plan.displays, plan.side_by_side);
        let mut windows = Vec::new();
        for (d, placement) in plan.displays.iter().zip(&placements) {
            let (w, h) = (d.rect.width, d.rect.height);
            let mut attrs = Window::default_attributes()
                .with_title(format!("clusterviz display {} {}", d.column, d.row))
                .with_decorations(false)
                .with_inner_size(PhysicalSize::new(w, h));
            match placement {
                Placement::Monitor(i) => {
                    let m = &monitors[*i];
                    if m.size != (w, h) {
                        report!(
                            "clusterviz: monitor {} is {}x{} but the wall's displays are {w}x{h}; \
                             it shows {}x{} pixels of the canvas from the display's corner",
                            m.name,
                            m.size.0,
                            m.size.1,
                            m.size.0,
                            m.size.1
                        );
                    }
                    attrs = attrs
                        .with_position(PhysicalPosition::new(m.position.0, m.position.1))
                        .with_fullscreen(Some(Fullscreen::Borderless(Some(handles[*i].clone()))));
                }
                Placement::At(x, y) => {
                    attrs = attrs.with_position(PhysicalPosition::new(*x, *y));
                }
            }
            let window = Arc::new(
                el.create_window(attrs)
                    .map_err(|e| Error::user(format!("cannot create a wall window: {e}")))?,
            );
            let (surface, config) = window_surface(ctx, &window, format)?;
            if trace {
                report!(
                    "trace: wall window display {} {} at {:?}",
                    d.column,
                    d.row,
                    placement
                );
            }
            windows.push(DisplayWindow {
                window,
                surface,
                config,
                display: *d,
                cursor: None,
                press: None,
            });
        }
        Ok((
            WallDisplays {
                canvas: plan.layout.canvas(),
                ratio: plan.ratio,
                windows,
                hang: crate::wall::sync::test_hang(plan.sync.rank()),
                reads_for_displays: !(plan.console && plan.sync.rank() == 0),
                sync: plan.sync,
                timeout: plan.timeout,
                drawn: None,
                frames: 0,
                last_tick: Instant::now(),
                trace,
            },
            console,
        ))
    }

    pub fn owns(&self, id: WindowId) -> bool {
        self.windows.iter().any(|w| w.window.id() == id)
    }

    /// Whether this process owns the camera and input (rank 0).
    pub fn leads(&self) -> bool {
        self.sync.rank() == 0
    }

    /// Draws the displays again at the next frame even if nothing changed (a window was
    /// exposed or resized).
    pub fn redraw(&mut self) {
        self.drawn = None;
    }

    /// Turns a display window's event into viewer input (in the viewer's canvas pixels).
    /// Returns `true` when the user asked to quit (Escape).
    pub fn on_event(&mut self, id: WindowId, event: &WindowEvent, frame: &mut ViewerFrame) -> bool {
        let (canvas, ratio) = (self.canvas, self.ratio);
        let Some(w) = self.windows.iter_mut().find(|w| w.window.id() == id) else {
            return false;
        };
        let rect = w.display.rect;
        let to_viewer = |p: DVec2, viewer: &View| {
            let on_wall = DVec2::new(rect.x as f64, rect.y as f64) + p;
            wall_to_viewer(viewer, canvas, ratio, on_wall)
        };
        let mut inputs = Vec::new();
        match event {
            WindowEvent::Resized(size) => {
                w.config.width = size.width.max(1);
                w.config.height = size.height.max(1);
                // A display destroyed under us draws nothing more (its next draw fails).
                let _ = reconfigure(&frame.ctx, &w.surface, &w.config);
                self.drawn = None;
            }
            // Only rank 0 takes input.
            _ if self.sync.rank() != 0 => {}
            WindowEvent::CursorMoved { position, .. } => {
                let p = DVec2::new(position.x, position.y);
                w.cursor = Some(p);
                if let Some((start, last, moved)) = &mut w.press {
                    *moved |= (p - *start).length() > CLICK_SLOP;
                    if *moved {
                        let v = frame.state.view;
                        inputs.push(Input::Drag {
                            from: to_viewer(*last, &v),
                            to: to_viewer(p, &v),
                        });
                        *last = p;
                    }
                }
            }
            WindowEvent::CursorLeft { .. } => w.cursor = None,
            WindowEvent::MouseInput {
                state,
                button: MouseButton::Left,
                ..
            } => match (state, w.cursor) {
                (ElementState::Pressed, Some(p)) => w.press = Some((p, p, false)),
                (ElementState::Released, _) => {
                    if let (Some((start, _, false)), Some(_)) = (w.press, w.cursor) {
                        // Picked among what the wall shows, in the wall's pixels.
                        let wall = wall_view(&frame.state.view, canvas, ratio);
                        let at = DVec2::new(rect.x as f64, rect.y as f64) + start;
                        frame.click_on_canvas(wall, at);
                    }
                    w.press = None;
                }
                _ => {}
            },
            WindowEvent::MouseWheel { delta, .. } => {
                let notches = match delta {
                    MouseScrollDelta::LineDelta(_, y) => *y as f64,
                    MouseScrollDelta::PixelDelta(p) => p.y / 50.0,
                };
                let at = w.cursor.unwrap_or(DVec2::new(
                    rect.width as f64 / 2.0,
                    rect.height as f64 / 2.0,
                ));
                inputs.push(Input::Wheel {
                    at: to_viewer(at, &frame.state.view),
                    notches,
                });
            }
            WindowEvent::KeyboardInput { event, .. } if event.state.is_pressed() => {
                match &event.logical_key {
                    Key::Named(NamedKey::Escape) => return true,
                    Key::Named(NamedKey::ArrowLeft) => inputs.push(Input::PanKey { dx: -1, dy: 0 }),
                    Key::Named(NamedKey::ArrowRight) => inputs.push(Input::PanKey { dx: 1, dy: 0 }),
                    Key::Named(NamedKey::ArrowUp) => inputs.push(Input::PanKey { dx: 0, dy: -1 }),
                    Key::Named(NamedKey::ArrowDown) => inputs.push(Input::PanKey { dx: 0, dy: 1 }),
                    Key::Named(NamedKey::Home) => inputs.push(Input::Reset),
                    Key::Character(c) => match c.as_str() {
                        "+" | "=" => inputs.push(Input::ZoomKey { zoom_in: true }),
                        "-" => inputs.push(Input::ZoomKey { zoom_in: false }),
                        "r" | "R" => inputs.push(Input::Reset),
                        _ => {}
                    },
                    _ => {}
                }
            }
            _ => {}
        }
        for input in inputs {
            frame.apply_input(input);
        }
        false
    }

    /// One frame of the wall: rank 0 sends its frame (when something changed, or as a
    /// heartbeat), every process draws its displays if their frame or data changed, all
    /// wait for each other, then present together. `quit` (rank 0) ends the session.
    /// The wall's processes.
    pub fn sync(&self) -> &dyn WallSync {
        self.sync.as_ref()
    }

    pub fn tick(&mut self, frame: &mut ViewerFrame, quit: bool) -> Result<Tick> {
        let together = self.sync.size() > 1;
        // Rank 0 shows its galaxies' density for the redshift range as soon as counted;
        // the others show the count rank 0 shows (below, once they have its frame).
        if self.leads() {
            frame.recount_density()?;
        }
        let own = self.leads().then(|| {
            let mut f = frame.wall_frame(wall_view(&frame.state.view, self.canvas, self.ratio));
            f.quit = quit;
            f
        });
        if let Some(f) = &own {
            self.read_for_displays(frame, f);
            let changed = self.drawn.as_ref() != Some(&(f.clone(), frame.shown_data()));
            let since = self.last_tick.elapsed();
            let heartbeat = together && since >= HEARTBEAT;
            if !(changed || quit || heartbeat) {
                let reading = frame.reading_galaxies() || frame.counting_density();
                return Ok(Tick {
                    quit: false,
                    again_after: (together || reading).then(|| HEARTBEAT.saturating_sub(since)),
                });
            }
        }
        let mut message = own.as_ref().map(WallFrame::encode).unwrap_or_default();
        self.sync.broadcast(&mut message);
        let wall = match own {
            Some(f) => f,
            None => {
                let f = WallFrame::decode(&message)?;
                frame.follow(&f);
                f
            }
        };
        if !self.leads() {
            self.read_for_displays(frame, &wall);
            frame.recount_density_following(wall.density_z)?;
        }
        // The last frame (quit) shows what the one before showed.
        let key = (
            WallFrame {
                quit: false,
                ..wall.clone()
            },
            frame.shown_data(),
        );
        let t = Instant::now();
        let drawn = if self.drawn.as_ref() != Some(&key) {
            self.draw(frame, &wall)?
        } else {
            Vec::new()
        };
        if self.frames >= 3 && self.hang {
            // A process hung mid-session, for testing how the session ends.
            std::thread::sleep(Duration::from_secs(3600));
        }
        // Frames stay locked: every display of every process is drawn before any is shown.
        self.sync.barrier(self.frames, self.timeout);
        self.frames += 1;
        self.last_tick = Instant::now();
        if !drawn.is_empty() {
            for (w, texture) in self.windows.iter().zip(drawn) {
                w.window.pre_present_notify();
                frame.ctx.queue.present(texture);
            }
            self.drawn = Some(key);
            if self.trace && self.leads() && frame.scene.is_some() {
                let v = wall.view;
                // Full precision, so that tests can render the same view headless.
                report!(
                    "trace: wall drawn {} {} displays in {:.1} ms: centre {:?} {:?} fov {:?} rotation {:?} canvas {}x{}",
                    if wall.still { "still" } else { "moving" },
                    self.windows.len(),
                    t.elapsed().as_secs_f64() * 1e3,
                    v.center_deg.0,
                    v.center_deg.1,
                    v.fov_deg,
                    v.rotation_deg,
                    v.canvas.0,
                    v.canvas.1
                );
            }
        }
        let settle = (!wall.still).then(|| frame.until_still());
        // A read under way is looked for again soon, even on a still wall of one process.
        let reading = frame.reading_galaxies();
        let again_after = match (settle, (together || reading).then_some(HEARTBEAT)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(Tick {
            quit: wall.quit,
            again_after: if self.leads() {
                again_after
            } else {
                // The others wait for rank 0's next frame at once.
                Some(Duration::ZERO)
            },
        })
    }

    /// Out-of-core galaxies read for this process's displays' part of `wall`'s view (when
    /// no console reads them for the viewer's view).
    fn read_for_displays(&self, frame: &mut ViewerFrame, wall: &WallFrame) {
        if let (true, Some(rect)) = (self.reads_for_displays, self.displays_rect()) {
            crate::app::hats_refine::poll_for(frame, &wall.view.with_sub(rect), wall.still);
        }
    }

    /// The canvas pixels this process's windows show, as drawn: a window larger than its
    /// display shows more of the canvas.
    fn displays_rect(&self) -> Option<SubRect> {
        let displays: Vec<Display> = self
            .windows
            .iter()
            .map(|w| Display {
                rect: SubRect {
                    width: w.config.width,
                    height: w.config.height,
                    ..w.display.rect
                },
                ..w.display
            })
            .collect();
        bounding_rect(&displays)
    }

    /// The view whose out-of-core galaxies this process reads first when the viewer's
    /// view is `viewer`: its displays' part of the wall (the viewer's own view where a
    /// console reads for it).
    pub fn first_read_view(&self, viewer: &View) -> View {
        match (self.reads_for_displays, self.displays_rect()) {
            (true, Some(rect)) => wall_view(viewer, self.canvas, self.ratio).with_sub(rect),
            _ => *viewer,
        }
    }

    /// Draws `wall` into every display's next surface texture; none when a surface must
    /// first be configured again (then the next frame draws).
    fn draw(
        &mut self,
        frame: &mut ViewerFrame,
        wall: &WallFrame,
    ) -> Result<Vec<wgpu::SurfaceTexture>> {
        let mut textures = Vec::new();
        for w in &self.windows {
            match w.surface.get_current_texture() {
                wgpu::CurrentSurfaceTexture::Success(t)
                | wgpu::CurrentSurfaceTexture::Suboptimal(t) => textures.push(t),
                wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                    reconfigure(&frame.ctx, &w.surface, &w.config)?;
                    return Ok(Vec::new());
                }
                _ => return Ok(Vec::new()),
            }
        }
        let views: Vec<wgpu::TextureView> = textures
            .iter()
            .map(|t| t.texture.create_view(&Default::default()))
            .collect();
        // A window larger or smaller than its display shows that much of the canvas from
        // the display's corner.
        let parts: Vec<(SubRect, &wgpu::TextureView)> = self
            .windows
            .iter()
            .zip(&views)
            .map(|(w, v)| {
                let rect = SubRect {
                    width: w.config.width,
                    height: w.config.height,
                    ..w.display.rect
                };
                (rect, v)
            })
            .collect();
        frame.draw_canvas_parts(wall, &parts)?;
        Ok(textures)
    }
}

/// A window's surface configured for the viewer's colour format.
/// Configures `surface` anew (after a resize, or when it is outdated or lost); an error
/// when the window can no longer be drawn into (destroyed under us, e.g. by another
/// program), instead of wgpu's panic.
pub fn reconfigure(
    ctx: &GpuContext,
    surface: &wgpu::Surface<'static>,
    config: &wgpu::SurfaceConfiguration,
) -> Result<()> {
    let scope = ctx.device.push_error_scope(wgpu::ErrorFilter::Validation);
    surface.configure(&ctx.device, config);
    match pollster::block_on(scope.pop()) {
        Some(e) => Err(Error::gpu(format!(
            "the window can no longer be drawn into: {e}"
        ))),
        None => Ok(()),
    }
}

pub fn window_surface(
    ctx: &GpuContext,
    window: &Arc<Window>,
    format: wgpu::TextureFormat,
) -> Result<(wgpu::Surface<'static>, wgpu::SurfaceConfiguration)> {
    let surface = ctx
        .instance
        .create_surface(window.clone())
        .map_err(|e| Error::gpu(format!("cannot draw into the window: {e}")))?;
    let caps = surface.get_capabilities(&ctx.adapter);
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
        // The viewer copies its sky into each frame; walls draw straight in.
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
    Ok((surface, config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sky::{Frame, Projection};

    fn layout() -> WallLayout {
        let t: toml::Table =
            "[wall]\ncolumns = 2\nrows = 2\ndisplay = [400, 300]\nbezel = [20, 10]\n"
                .parse()
                .unwrap();
        WallLayout::from_table(
            std::path::Path::new("w.toml"),
            t["wall"].as_table().unwrap(),
        )
        .unwrap()
    }

    fn monitor(name: &str, x: i32, y: i32) -> MonitorInfo {
        MonitorInfo {
            name: name.into(),
            position: (x, y),
            size: (400, 300),
        }
    }

    #[test]
    fn displays_go_full_screen_on_monitors_in_reading_order() {
        let l = layout();
        let displays = l.displays(None).unwrap();
        // Listed out of order, as window systems may.
        let monitors = [
            monitor("D", 400, 300),
            monitor("A", 0, 0),
            monitor("C", 0, 300),
            monitor("B", 400, 0),
            monitor("console", 0, 600),
        ];
        let (p, console) = place(&monitors, &l, &displays, false);
        let names: Vec<&str> = p
            .iter()
            .map(|p| match p {
                Placement::Monitor(i) => monitors[*i].name.as_str(),
                Placement::At(..) => "window",
            })
            .collect();
        assert_eq!(names, ["A", "B", "C", "D"]);
        assert_eq!(console, Some((0, 600)));
    }

    #[test]
    fn too_few_monitors_put_the_displays_side_by_side() {
        let l = layout();
        let displays = l.displays(None).unwrap();
        let (p, console) = place(&[monitor("only", 100, 50)], &l, &displays, false);
        assert_eq!(
            p,
            [
                Placement::At(100, 50),
                Placement::At(500, 50),
                Placement::At(100, 350),
                Placement::At(500, 350)
            ]
        );
        assert_eq!(console, Some((900, 50)));
        // One process's part of a wall (here rank 3's) goes where it is on the wall, even
        // onto a monitor of its own when asked to keep the wall's arrangement.
        let mine = l.displays(Some(3)).unwrap();
        assert_eq!(place(&[], &l, &mine, false).0, [Placement::At(400, 300)]);
        let one = [monitor("only", 0, 0)];
        assert_eq!(place(&one, &l, &mine, false).0, [Placement::Monitor(0)]);
        assert_eq!(place(&one, &l, &mine, true).0, [Placement::At(400, 300)]);
    }

    #[test]
    fn wall_pixels_map_to_the_same_sky_in_the_viewer() {
        let l = layout();
        for p in Projection::ALL {
            let viewer = View::new(p, Frame::Icrs, (30.0, -20.0), 8.0, (300, 500));
            // The wall first showed a 700-pixel-wide viewer's field.
            let ratio = l.canvas().0 as f64 / 700.0;
            let wall = wall_view(&viewer, l.canvas(), ratio);
            assert!((wall.scale() - viewer.scale() * ratio).abs() < 1e-9 * wall.scale());
            for px in [
                DVec2::new(10.0, 20.0),
                DVec2::new(700.0, 400.0),
                DVec2::new(419.5, 305.0),
            ] {
                let a = wall.unproject(px).unwrap();
                let b = viewer
                    .unproject(wall_to_viewer(&viewer, l.canvas(), ratio, px))
                    .unwrap();
                assert!((a - b).length() < 1e-12, "{p:?} {px}");
            }
        }
    }
}
