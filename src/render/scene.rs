//! Frame assembly: the background, then every layer in the order it was added.

use std::sync::Arc;

use crate::data::HealpixMap;
use crate::error::Result;
use crate::render::background::BackgroundRenderer;
use crate::render::healpix::map_layer::MapLayer;
use crate::render::lines::{LineLayer, segments_from_rings, straight_segments_from_rings};
use crate::render::points::{CatalogRows, PointLayer};
use crate::render::scene_pipelines::{PipelineCache, ScenePipelines};
use crate::render::target::OffscreenTarget;
use crate::render::uniforms::ViewUniform;
use crate::render::{GpuContext, Image, LineSegment, PointInstance, TARGET_FORMAT};
use crate::view::{LineStyle, MapStyle, PointStyle, SubRect, Theme, View};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerId(usize);

impl LayerId {
    /// Position in draw order (as in [`SceneRenderer::layer_summary`]).
    pub fn index(self) -> usize {
        self.0
    }
}

enum Layer {
    Points(PointLayer),
    Lines(LineLayer),
    Map(MapLayer),
}

pub struct SceneRenderer {
    view_buffer: wgpu::Buffer,
    view_bind_group: wgpu::BindGroup,
    background: BackgroundRenderer,
    /// The context's pipelines for `format`, shared with its other scenes.
    pipes: Arc<ScenePipelines>,
    layers: Vec<(String, Layer)>,
    /// Canvas pixels per map texel (1: full resolution; the viewer raises it while the
    /// view moves on slow adapters).
    map_step: u32,
    /// The colour format of the targets this renderer draws into.
    format: wgpu::TextureFormat,
}

impl SceneRenderer {
    /// A renderer drawing figures ([`TARGET_FORMAT`] images).
    pub fn new(ctx: &GpuContext) -> Self {
        Self::with_format(ctx, TARGET_FORMAT)
    }

    /// A renderer drawing into targets of `format` (a window's, for the viewer).
    pub fn with_format(ctx: &GpuContext, format: wgpu::TextureFormat) -> Self {
        let pipes = ctx.shared::<PipelineCache>().get(ctx, format);
        let view_buffer = ctx.params_buffer("view", size_of::<ViewUniform>() as u64);
        let view_bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("view"),
            layout: &pipes.view_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: view_buffer.as_entire_binding(),
            }],
        });
        SceneRenderer {
            view_buffer,
            view_bind_group,
            background: BackgroundRenderer::new(ctx, &pipes.background),
            pipes,
            layers: Vec::new(),
            map_step: 1,
            format,
        }
    }

    /// Rasterizes maps at one texel per `step` × `step` canvas pixels (coarser, faster).
    pub fn set_map_step(&mut self, step: u32) {
        self.map_step = step.max(1);
    }

    pub fn set_theme(&self, ctx: &GpuContext, theme: Theme) {
        self.background.set_theme(ctx, theme);
    }

    /// Adds `layer` on top of the others.
    fn push_layer(&mut self, name: &str, layer: Layer) -> LayerId {
        self.layers.push((name.to_string(), layer));
        LayerId(self.layers.len() - 1)
    }

    pub fn add_points(
        &mut self,
        ctx: &GpuContext,
        name: &str,
        instances: &[PointInstance],
        style: PointStyle,
    ) -> Result<LayerId> {
        let layer = self
            .pipes
            .points
            .create_layer(ctx, name, instances, style)?;
        Ok(self.push_layer(name, Layer::Points(layer)))
    }

    /// As [`Self::add_points`] for the instances of catalog rows, made straight into the
    /// GPU's buffers (no copy of them all in memory first).
    pub fn add_points_of_rows(
        &mut self,
        ctx: &GpuContext,
        name: &str,
        rows: CatalogRows,
        style: PointStyle,
    ) -> Result<LayerId> {
        let layer = self
            .pipes
            .points
            .create_layer_of_rows(ctx, name, rows, style)?;
        Ok(self.push_layer(name, Layer::Points(layer)))
    }

    pub fn add_lines(
        &mut self,
        ctx: &GpuContext,
        name: &str,
        segments: &[LineSegment],
        style: LineStyle,
    ) -> Result<LayerId> {
        let layer = self
            .pipes
            .lines
            .create_layer(ctx, name, segments, None, style)?;
        Ok(self.push_layer(name, Layer::Lines(layer)))
    }

    /// Closed polygons of (RA, Dec) vertices in degrees joined by great circles (survey
    /// tiles).
    pub fn add_polygons(
        &mut self,
        ctx: &GpuContext,
        name: &str,
        rings: &[&Vec<(f64, f64)>],
        style: LineStyle,
    ) -> Result<LayerId> {
        let segments = segments_from_rings(rings.iter().copied());
        let straight = straight_segments_from_rings(rings.iter().copied());
        let layer = self
            .pipes
            .lines
            .create_layer(ctx, name, &segments, Some(&straight), style)?;
        Ok(self.push_layer(name, Layer::Lines(layer)))
    }

    pub fn add_map(
        &mut self,
        ctx: &GpuContext,
        name: &str,
        map: impl Into<Arc<HealpixMap>>,
        style: MapStyle,
    ) -> Result<LayerId> {
        let layer = self.pipes.maps.create_layer(ctx, name, map.into(), style)?;
        Ok(self.push_layer(name, Layer::Map(layer)))
    }

    pub fn set_map_style(&mut self, id: LayerId, style: MapStyle) {
        if let Some((_, Layer::Map(l))) = self.layers.get_mut(id.0) {
            l.set_style(style);
        }
    }

    /// Replaces a map layer's map, keeping its style (its pyramid and rasters start
    /// afresh): the galaxies' density recounted for the viewer's redshift range.
    pub fn replace_map(
        &mut self,
        ctx: &GpuContext,
        id: LayerId,
        map: impl Into<Arc<HealpixMap>>,
    ) -> Result<()> {
        if let Some((name, Layer::Map(l))) = self.layers.get_mut(id.0) {
            *l = self
                .pipes
                .maps
                .create_layer(ctx, name, map.into(), l.style)?;
        }
        Ok(())
    }

    /// The map a map layer draws.
    pub fn map(&self, id: LayerId) -> Option<&Arc<HealpixMap>> {
        match self.layers.get(id.0) {
            Some((_, Layer::Map(l))) => Some(l.map()),
            _ => None,
        }
    }

    pub fn set_map_visible(&mut self, id: LayerId, visible: bool) {
        if let Some((_, Layer::Map(l))) = self.layers.get_mut(id.0) {
            l.style.visible = visible;
        }
    }

    /// How often a map layer has been rasterized (the raster is reused while the view and
    /// style stay the same).
    pub fn map_rasterizations(&self, id: LayerId) -> Option<u64> {
        match self.layers.get(id.0) {
            Some((_, Layer::Map(l))) => Some(l.rasterizations()),
            _ => None,
        }
    }

    /// Restyles (or hides, or filters) a point layer: a uniform write, no upload.
    pub fn set_point_style(&mut self, ctx: &GpuContext, id: LayerId, style: PointStyle) {
        if let Some((_, Layer::Points(l))) = self.layers.get_mut(id.0) {
            l.set_style(ctx, style);
        }
    }

    /// Level of detail: draw only these instance ranges of a point layer (all if
    /// `None`); the instances are not uploaded again (many ranges upload their ids).
    pub fn set_point_draw_ranges(
        &mut self,
        ctx: &GpuContext,
        id: LayerId,
        ranges: Option<Vec<std::ops::Range<u32>>>,
    ) {
        if let Some((_, Layer::Points(l))) = self.layers.get_mut(id.0) {
            l.set_draw_ranges(ctx, ranges);
        }
    }

    /// Replaces a point layer's objects (same count and order expected by its draw
    /// ranges), keeping its style: the one upload a new colour column costs.
    pub fn replace_points(
        &mut self,
        ctx: &GpuContext,
        id: LayerId,
        instances: &[PointInstance],
    ) -> Result<()> {
        if let Some((name, Layer::Points(l))) = self.layers.get_mut(id.0) {
            let mut fresh = self
                .pipes
                .points
                .create_layer(ctx, name, instances, l.style)?;
            fresh.set_draw_ranges(ctx, l.draw_ranges().map(<[_]>::to_vec));
            *l = fresh;
        }
        Ok(())
    }

    /// The instance ranges a point layer draws (`None`: all).
    pub fn point_draw_ranges(&self, id: LayerId) -> Option<&[std::ops::Range<u32>]> {
        match self.layers.get(id.0) {
            Some((_, Layer::Points(l))) => l.draw_ranges(),
            _ => None,
        }
    }

    pub fn set_line_style(&mut self, ctx: &GpuContext, id: LayerId, style: LineStyle) {
        if let Some((_, Layer::Lines(l))) = self.layers.get_mut(id.0) {
            l.set_style(ctx, style);
        }
    }

    pub fn line_style(&self, id: LayerId) -> Option<LineStyle> {
        match self.layers.get(id.0) {
            Some((_, Layer::Lines(l))) => Some(l.style),
            _ => None,
        }
    }

    pub fn map_style(&self, id: LayerId) -> Option<MapStyle> {
        match self.layers.get(id.0) {
            Some((_, Layer::Map(m))) => Some(m.style),
            _ => None,
        }
    }

    pub fn point_style(&self, id: LayerId) -> Option<PointStyle> {
        match self.layers.get(id.0) {
            Some((_, Layer::Points(l))) => Some(l.style),
            _ => None,
        }
    }

    /// (name, object or segment count) of every layer, in draw order.
    pub fn layer_summary(&self) -> Vec<(String, u32)> {
        self.layers
            .iter()
            .map(|(n, l)| {
                let count = match l {
                    Layer::Points(p) => p.len(),
                    Layer::Lines(s) => s.len(),
                    Layer::Map(_) => 0,
                };
                (n.clone(), count)
            })
            .collect()
    }

    /// Draws `view`'s sub-rectangle into `target` (which must be that size) and submits.
    pub fn draw(&self, ctx: &GpuContext, view: &View, target: &wgpu::TextureView) -> Result<()> {
        ctx.queue.write_buffer(
            &self.view_buffer,
            0,
            bytemuck::bytes_of(&ViewUniform::new(view)),
        );
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        // Maps are rasterized by compute passes before the frame's render pass.
        for (_, layer) in &self.layers {
            if let Layer::Map(m) = layer {
                self.pipes.maps.encode_raster(
                    ctx,
                    m,
                    view,
                    self.map_step,
                    &self.view_bind_group,
                    &mut enc,
                )?;
            }
        }
        {
            let mut pass = enc.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("frame"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: target,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                ..Default::default()
            });
            pass.set_bind_group(0, &self.view_bind_group, &[]);
            self.background.draw(&self.pipes.background, &mut pass);
            for (_, layer) in &self.layers {
                match layer {
                    Layer::Points(l) => self.pipes.points.draw(l, &mut pass),
                    Layer::Lines(l) => self.pipes.lines.draw(l, view.projection, &mut pass),
                    Layer::Map(m) => self.pipes.maps.draw(m, &mut pass),
                }
            }
        }
        ctx.queue.submit([enc.finish()]);
        Ok(())
    }

    /// Renders the view's sub-rectangle into a new image.
    pub fn render_image(&self, ctx: &GpuContext, view: &View) -> Result<Image> {
        let target =
            OffscreenTarget::with_format(ctx, view.sub.width, view.sub.height, self.format)?;
        self.draw(ctx, view, &target.view)?;
        target.read(ctx)
    }

    /// Renders the view's sub-rectangle, in tiles no larger than `max_tile` (and the
    /// adapter's texture limit) when it is bigger: the pixels are the same either way.
    pub fn render_tiled(&self, ctx: &GpuContext, view: &View, max_tile: u32) -> Result<Image> {
        let max = max_tile.min(ctx.limits().max_texture_dimension_2d).max(1);
        let whole = view.sub;
        if whole.width <= max && whole.height <= max {
            return self.render_image(ctx, view);
        }
        let mut out = Image::new(whole.width, whole.height);
        let mut y = 0;
        while y < whole.height {
            let h = max.min(whole.height - y);
            let mut x = 0;
            while x < whole.width {
                let w = max.min(whole.width - x);
                let tile = view.with_sub(SubRect {
                    x: whole.x + x,
                    y: whole.y + y,
                    width: w,
                    height: h,
                });
                out.blit(&self.render_image(ctx, &tile)?, x, y);
                x += w;
            }
            y += h;
        }
        Ok(out)
    }
}
