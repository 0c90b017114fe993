//! A display wall on one machine: a borderless window per display of the wall file, each
//! showing its rectangle of the viewer's view spread over the wall's canvas. The viewer
//! (its console window) and every display window drive the one camera: a drag, wheel or
//! key on any display moves the whole wall, and the console's filters, layers and
//! selection show on it too.

use std::sync::Arc;

use glam::DVec2;
use winit::dpi::{PhysicalPosition, PhysicalSize};
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::ActiveEventLoop;
use winit::keyboard::{Key, NamedKey};
use winit::window::{Fullscreen, Window, WindowId};

use crate::app::frame::{SkyKey, ViewerFrame};
use crate::app::state::Input;
use crate::error::{Error, Result};
use crate::render::GpuContext;
use crate::view::{SubRect, View};
use crate::wall::{Display, WallLayout};

/// The wall a viewer session shows besides its console.
#[derive(Clone, Debug)]
pub struct WallPlan {
    pub layout: WallLayout,
    /// The displays this process shows.
    pub displays: Vec<Display>,
    /// Whether the viewer's own window (panels and all) opens too.
    pub console: bool,
    /// Wall pixels per viewer pixel (see [`wall_view`]).
    pub ratio: f64,
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
/// to right, top to bottom) when there are enough, else side by side as on the wall,
/// starting at the top-left of the first monitor. Also returns where the console goes: a
/// monitor the wall leaves free, or beside the side-by-side displays, or `None` (let the
/// window system choose).
pub fn place(
    monitors: &[MonitorInfo],
    displays: &[Display],
) -> (Vec<Placement>, Option<(i32, i32)>) {
    let mut order: Vec<usize> = (0..monitors.len()).collect();
    order.sort_by_key(|&i| (monitors[i].position.1, monitors[i].position.0));
    let mut shown: Vec<&Display> = displays.iter().collect();
    shown.sort_by_key(|d| (d.row, d.column));
    let mut placements = vec![Placement::At(0, 0); displays.len()];
    if monitors.len() >= displays.len() && !displays.is_empty() {
        for (k, d) in shown.iter().enumerate() {
            let i = displays.iter().position(|x| x == *d).unwrap_or(k);
            placements[i] = Placement::Monitor(order[k]);
        }
        let console = order.get(displays.len()).map(|&m| monitors[m].position);
        return (placements, console);
    }
    let origin = order.first().map_or((0, 0), |&m| monitors[m].position);
    let (c0, r0) = (
        displays.iter().map(|d| d.column).min().unwrap_or(0),
        displays.iter().map(|d| d.row).min().unwrap_or(0),
    );
    let mut right = origin.0;
    for (i, d) in displays.iter().enumerate() {
        let x = origin.0 + ((d.column - c0) * d.rect.width) as i32;
        let y = origin.1 + ((d.row - r0) * d.rect.height) as i32;
        placements[i] = Placement::At(x, y);
        right = right.max(x + d.rect.width as i32);
    }
    (placements, Some((right, origin.1)))
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

/// The open display windows of a wall.
pub struct WallDisplays {
    canvas: (u32, u32),
    ratio: f64,
    windows: Vec<DisplayWindow>,
    drawn: Option<SkyKey>,
    trace: bool,
}

impl WallDisplays {
    /// Opens a window per display; returns them and where the console should go.
    pub fn open(
        el: &ActiveEventLoop,
        ctx: &GpuContext,
        plan: &WallPlan,
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
        let (placements, console) = place(&monitors, &plan.displays);
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
                        eprintln!(
                            "clusterviz: monitor {} is {}x{} but the wall's displays are {w}x{h}; \
                             it shows {}x{} pixels of the canvas from the display's corner",
                            m.name, m.size.0, m.size.1, m.size.0, m.size.1
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
                eprintln!(
                    "trace: wall window display {} {} at {:?}",
                    d.column, d.row, placement
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
                drawn: None,
                trace,
            },
            console,
        ))
    }

    pub fn owns(&self, id: WindowId) -> bool {
        self.windows.iter().any(|w| w.window.id() == id)
    }

    /// Whether the displays must be drawn even if the sky did not change (resized).
    pub fn needs_drawing(&self) -> bool {
        self.drawn.is_none()
    }

    pub fn request_redraw(&self) {
        for w in &self.windows {
            w.window.request_redraw();
        }
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
                w.surface.configure(&frame.ctx.device, &w.config);
                self.drawn = None;
            }
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

    /// Draws every display when the sky changed since they were last drawn, then presents
    /// them together. Returns how long until a moving view should be drawn again still.
    pub fn draw(&mut self, frame: &mut ViewerFrame) -> Result<Option<std::time::Duration>> {
        let key = frame.sky_key();
        if self.drawn == Some(key) {
            return Ok(None);
        }
        let mut textures = Vec::new();
        for w in &self.windows {
            match w.surface.get_current_texture() {
                wgpu::CurrentSurfaceTexture::Success(t)
                | wgpu::CurrentSurfaceTexture::Suboptimal(t) => textures.push(t),
                wgpu::CurrentSurfaceTexture::Outdated | wgpu::CurrentSurfaceTexture::Lost => {
                    w.surface.configure(&frame.ctx.device, &w.config);
                    w.window.request_redraw();
                    return Ok(None);
                }
                _ => {
                    w.window.request_redraw();
                    return Ok(None);
                }
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
                let r = w.display.rect;
                let rect = SubRect {
                    width: w.config.width,
                    height: w.config.height,
                    ..r
                };
                (rect, v)
            })
            .collect();
        let t = std::time::Instant::now();
        let wall = wall_view(&frame.state.view, self.canvas, self.ratio);
        frame.draw_canvas_parts(wall, &parts)?;
        // Frames stay locked: every display is drawn before any is shown.
        for (w, texture) in self.windows.iter().zip(textures) {
            w.window.pre_present_notify();
            frame.ctx.queue.present(texture);
        }
        self.drawn = Some(key);
        if self.trace && frame.scene.is_some() {
            let v = wall;
            // Full precision, so that tests can render the same view headless.
            eprintln!(
                "trace: wall drawn {} {} displays in {:.1} ms: centre {:?} {:?} fov {:?} rotation {:?} canvas {}x{}",
                if key.still { "still" } else { "moving" },
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
        Ok((!key.still).then(|| frame.until_still()))
    }
}

/// A window's surface configured for the viewer's colour format.
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
        let (p, console) = place(&monitors, &displays);
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
        let (p, console) = place(&[monitor("only", 100, 50)], &displays);
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
        // One process's part of a wall starts at the corner.
        let (p, _) = place(&[], &l.displays(Some(3)).unwrap());
        assert_eq!(p, [Placement::At(0, 0)]);
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
