//! The sky inside the projection's domain, the page outside, and the domain outline.

use bytemuck::{Pod, Zeroable};

use crate::render::GpuContext;
use crate::render::pipeline::{PipelineShared, VertexStage, layer_pipeline, params_entry};
use crate::view::Theme;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct BackgroundUniform {
    outside: [f32; 4],
    inside: [f32; 4],
    outline: [f32; 4],
    outline_px: f32,
    _pad: [f32; 3],
}

/// The background's pipeline, shared by every scene drawn in one format.
pub struct BackgroundPipeline {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
}

/// One scene's background: its theme's colours.
pub struct BackgroundRenderer {
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
}

impl BackgroundPipeline {
    pub fn new(ctx: &GpuContext, shared: &PipelineShared) -> Self {
        let layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("background"),
                entries: &[params_entry(0)],
            });
        let pipeline = layer_pipeline(
            ctx,
            "background",
            include_str!("../../shaders/background.wgsl"),
            shared,
            &layout,
            VertexStage::main(&[]),
            None,
        );
        BackgroundPipeline { pipeline, layout }
    }
}

impl BackgroundRenderer {
    pub fn new(ctx: &GpuContext, pipeline: &BackgroundPipeline) -> Self {
        let uniform = ctx.params_buffer("background", size_of::<BackgroundUniform>() as u64);
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("background"),
            layout: &pipeline.layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: uniform.as_entire_binding(),
            }],
        });
        let r = BackgroundRenderer {
            uniform,
            bind_group,
        };
        r.set_theme(ctx, Theme::default());
        r
    }

    pub fn set_theme(&self, ctx: &GpuContext, theme: Theme) {
        let (outside, inside, outline) = theme.colors();
        let u = BackgroundUniform {
            outside: outside.0,
            inside: inside.0,
            outline: outline.0,
            outline_px: 1.5,
            _pad: [0.0; 3],
        };
        ctx.queue
            .write_buffer(&self.uniform, 0, bytemuck::bytes_of(&u));
    }

    pub fn draw(&self, pipeline: &BackgroundPipeline, pass: &mut wgpu::RenderPass<'_>) {
        pass.set_pipeline(&pipeline.pipeline);
        pass.set_bind_group(1, &self.bind_group, &[]);
        pass.draw(0..3, 0..1);
    }
}

#[cfg(test)]
mod wgsl_layout {
    use super::*;
    use crate::render::shader_layout::assert_matches_wgsl;
    use std::mem::{offset_of, size_of};

    #[test]
    fn background_uniform_matches_the_shaders_background() {
        type U = BackgroundUniform;
        assert_matches_wgsl(
            &crate::render::shader_source(include_str!("../../shaders/background.wgsl")),
            "Background",
            size_of::<U>(),
            &[
                ("outside", offset_of!(U, outside)),
                ("inside", offset_of!(U, inside)),
                ("outline", offset_of!(U, outline)),
                ("outline_px", offset_of!(U, outline_px)),
            ],
        );
    }
}
