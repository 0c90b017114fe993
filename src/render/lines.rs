//! Polygon outlines (survey tiles): every edge cut into short great-circle segments, all
//! segments of a layer in one instance buffer, drawn with one call.

use bytemuck::{Pod, Zeroable};
use glam::DVec3;

use crate::error::Result;
use crate::render::GpuContext;
use crate::render::pipeline::{
    InstanceBytes, InstanceData, InstancedBuffers, PREMULTIPLIED, PipelineShared, VertexStage,
    layer_pipeline, params_entry,
};
use crate::sky::{Projection, great_circle, unit_vector};
use crate::view::LineStyle;

/// Longest segment, degrees: short enough to follow curved edges in all-sky projections.
pub const MAX_SEGMENT_DEG: f64 = 0.25;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct LineSegment {
    pub a: [f32; 3],
    pub b: [f32; 3],
    /// Arc length in radians from the start of the polygon edge to `a` (dash phase).
    pub arc0: f32,
}

/// Segments of open paths of ICRS unit vectors, each step cut into great-circle pieces.
pub fn segments_from_paths(paths: &[Vec<DVec3>]) -> Vec<LineSegment> {
    segments_no_longer_than(paths, MAX_SEGMENT_DEG)
}

fn segments_no_longer_than(paths: &[Vec<DVec3>], max_deg: f64) -> Vec<LineSegment> {
    let f = |v: DVec3| [v.x as f32, v.y as f32, v.z as f32];
    let mut out = Vec::new();
    for path in paths {
        let mut arc = 0.0;
        for step in path.windows(2) {
            let pts = great_circle::subdivide(step[0], step[1], max_deg);
            for w in pts.windows(2) {
                out.push(LineSegment {
                    a: f(w[0]),
                    b: f(w[1]),
                    arc0: arc as f32,
                });
                arc += w[0].angle_between(w[1]);
            }
        }
    }
    out
}

/// Segments of closed rings of (RA, Dec) vertices in degrees; the dash phase restarts
/// at every vertex, so each polygon side carries its own pattern.
pub fn segments_from_rings<'a>(
    rings: impl IntoIterator<Item = &'a Vec<(f64, f64)>>,
) -> Vec<LineSegment> {
    segments_from_paths(&ring_sides(rings))
}

/// One segment per side of closed rings: enough for gnomonic (TAN) views, where great
/// circles project to straight lines.
pub fn straight_segments_from_rings<'a>(
    rings: impl IntoIterator<Item = &'a Vec<(f64, f64)>>,
) -> Vec<LineSegment> {
    segments_no_longer_than(&ring_sides(rings), 180.0)
}

fn ring_sides<'a>(rings: impl IntoIterator<Item = &'a Vec<(f64, f64)>>) -> Vec<Vec<DVec3>> {
    rings
        .into_iter()
        .flat_map(|ring| {
            (0..ring.len()).map(move |i| {
                let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
                vec![unit_vector(a.0, a.1), unit_vector(b.0, b.1)]
            })
        })
        .collect()
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct LineStyleUniform {
    color: [f32; 4],
    width_px: f32,
    dash_on: f32,
    dash_off: f32,
    visible: u32,
}

pub struct LineRenderer {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
}

pub struct LineLayer {
    gpu: InstancedBuffers,
    /// The same lines as single great-circle segments per side, where that is exact
    /// for TAN views: far fewer instances to draw (each costs microseconds on a CPU).
    straight: Option<InstancedBuffers>,
    pub style: LineStyle,
}

impl LineRenderer {
    pub fn new(ctx: &GpuContext, shared: &PipelineShared) -> Self {
        let layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("line style"),
                entries: &[params_entry(0)],
            });
        let attributes = wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x3, 2 => Float32];
        let pipeline = layer_pipeline(
            ctx,
            "lines",
            include_str!("../../shaders/lines.wgsl"),
            shared,
            &layout,
            VertexStage::main(&[Some(wgpu::VertexBufferLayout {
                array_stride: size_of::<LineSegment>() as u64,
                step_mode: wgpu::VertexStepMode::Instance,
                attributes: &attributes,
            })]),
            Some(PREMULTIPLIED),
        );
        LineRenderer { pipeline, layout }
    }

    /// A layer of `segments`; `straight` are the same lines unsubdivided (great-circle
    /// sides), drawn instead in TAN views.
    pub fn create_layer(
        &self,
        ctx: &GpuContext,
        name: &str,
        segments: &[LineSegment],
        straight: Option<&[LineSegment]>,
        style: LineStyle,
    ) -> Result<LineLayer> {
        let upload = |segs: &[LineSegment]| {
            InstancedBuffers::new(
                ctx,
                InstanceData {
                    name,
                    bytes: InstanceBytes::Slice(bytemuck::cast_slice(segs)),
                    count: segs.len(),
                    by_id: None,
                },
                size_of::<LineStyleUniform>(),
                &self.layout,
                &[],
            )
        };
        let gpu = upload(segments)?;
        let straight = straight.map(upload).transpose()?;
        let layer = LineLayer {
            gpu,
            straight,
            style,
        };
        layer.write_style(ctx);
        Ok(layer)
    }

    pub fn draw(&self, layer: &LineLayer, projection: Projection, pass: &mut wgpu::RenderPass<'_>) {
        if !layer.style.visible {
            return;
        }
        match (&layer.straight, projection) {
            (Some(straight), Projection::Tan) => straight.draw(&self.pipeline, 6, None, pass),
            // Two quads per segment where an edge may be split at the seam of an all-sky
            // projection; one elsewhere.
            _ => {
                let vertices = if projection.is_all_sky() { 12 } else { 6 };
                layer.gpu.draw(&self.pipeline, vertices, None, pass);
            }
        }
    }
}

impl LineLayer {
    pub fn set_style(&mut self, ctx: &GpuContext, style: LineStyle) {
        self.style = style;
        self.write_style(ctx);
    }

    fn write_style(&self, ctx: &GpuContext) {
        let (on, off) = self.style.dash.unwrap_or((0.0, 0.0));
        let u = LineStyleUniform {
            color: self.style.color.0,
            width_px: self.style.width_px,
            dash_on: on,
            dash_off: off,
            visible: self.style.visible as u32,
        };
        self.gpu.write_style(ctx, &u);
        if let Some(s) = &self.straight {
            s.write_style(ctx, &u);
        }
    }

    pub fn len(&self) -> u32 {
        self.gpu.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod wgsl_layout {
    use super::*;
    use crate::render::shader_layout::assert_matches_wgsl;
    use std::mem::{offset_of, size_of};

    #[test]
    fn line_style_uniform_matches_the_shaders_line_style() {
        type U = LineStyleUniform;
        assert_matches_wgsl(
            &crate::render::shader_source(include_str!("../../shaders/lines.wgsl")),
            "LineStyle",
            size_of::<U>(),
            &[
                ("color", offset_of!(U, color)),
                ("width_px", offset_of!(U, width_px)),
                ("dash_on", offset_of!(U, dash_on)),
                ("dash_off", offset_of!(U, dash_off)),
                ("visible", offset_of!(U, visible)),
            ],
        );
    }
}
