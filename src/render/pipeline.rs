//! What every layer pipeline shares: the view bind group (group 0) and blending.

use crate::render::GpuContext;

/// Layout of group 0: the view uniform, visible to both stages.
pub fn view_bind_group_layout(ctx: &GpuContext) -> wgpu::BindGroupLayout {
    ctx.device
        .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("view"),
            entries: &[params_entry(0)],
        })
}

/// Shader parameters (view, styles) are read-only storage buffers rather than uniforms:
/// lavapipe (Mesa 22) specialises shaders on uniform values, compiling a new variant on
/// every draw and never freeing it (measured: 0.2–2 MiB of RSS and tens of ms per frame,
/// growing); storage buffers are not specialised. Layouts match: the parameter structs
/// hold only 16-byte vectors and 4-byte scalars.
pub fn params_entry(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::VERTEX_FRAGMENT.union(wgpu::ShaderStages::COMPUTE),
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only: true },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// A storage buffer seen by compute shaders.
pub fn compute_storage_entry(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

/// What every layer pipeline of one renderer shares: the view's bind group layout and
/// the colour format it draws in (the figure format, or a window's).
pub struct PipelineShared {
    pub view_layout: wgpu::BindGroupLayout,
    pub format: wgpu::TextureFormat,
}

/// A triangle-list pipeline with premultiplied-alpha blending over the target.
pub fn layer_pipeline(
    ctx: &GpuContext,
    label: &str,
    shader_source: &str,
    shared: &PipelineShared,
    layer_layout: &wgpu::BindGroupLayout,
    vertex_buffers: &[Option<wgpu::VertexBufferLayout>],
    blend: Option<wgpu::BlendState>,
) -> wgpu::RenderPipeline {
    let module = ctx.shader(label, shader_source);
    let layout = ctx
        .device
        .create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(label),
            bind_group_layouts: &[Some(&shared.view_layout), Some(layer_layout)],
            immediate_size: 0,
        });
    ctx.device
        .create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some(label),
            layout: Some(&layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: Default::default(),
                buffers: vertex_buffers,
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format: shared.format,
                    blend,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        })
}

pub const PREMULTIPLIED: wgpu::BlendState = wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING;

/// The GPU side of one instanced layer: its data (uploaded once), its style uniform and
/// the bind group (group 1) that exposes the uniform plus any shared resources.
pub struct InstancedBuffers {
    /// The instances in chunks that each fit one GPU buffer: (buffer, first instance, count).
    chunks: Vec<(wgpu::Buffer, u32, u32)>,
    count: u32,
    style_buffer: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
}

impl InstancedBuffers {
    /// Uploads `data` (`count` instances of equal size, split over as many buffers as the
    /// adapter's buffer limit needs) and creates a style uniform of `style_size` bytes at
    /// binding 0; `extra` entries follow it in the bind group.
    pub fn new(
        ctx: &GpuContext,
        name: &str,
        data: &[u8],
        count: usize,
        style_size: usize,
        layout: &wgpu::BindGroupLayout,
        extra: &[wgpu::BindGroupEntry],
    ) -> crate::error::Result<Self> {
        let stride = data.len().checked_div(count).unwrap_or(1);
        let per_chunk =
            ((ctx.max_chunk_bytes() as usize / stride.max(1)).max(1)).min(u32::MAX as usize);
        let mut chunks = Vec::new();
        for (k, part) in data.chunks((per_chunk * stride).max(1)).enumerate() {
            let buffer = ctx.upload_data(name, part, wgpu::BufferUsages::VERTEX)?;
            chunks.push((
                buffer,
                (k * per_chunk) as u32,
                (part.len() / stride.max(1)) as u32,
            ));
        }
        let style_buffer = ctx.params_buffer(name, style_size as u64);
        let mut entries = vec![wgpu::BindGroupEntry {
            binding: 0,
            resource: style_buffer.as_entire_binding(),
        }];
        entries.extend_from_slice(extra);
        let bind_group = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(name),
            layout,
            entries: &entries,
        });
        Ok(InstancedBuffers {
            chunks,
            count: count as u32,
            style_buffer,
            bind_group,
        })
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    /// Replaces the style uniform: a small write, never a data upload.
    pub fn write_style<T: bytemuck::Pod>(&self, ctx: &GpuContext, style: &T) {
        ctx.queue
            .write_buffer(&self.style_buffer, 0, bytemuck::bytes_of(style));
    }

    /// Draws the instances in `ranges` (all if `None`) with `vertices` vertices each.
    pub fn draw(
        &self,
        pipeline: &wgpu::RenderPipeline,
        vertices: u32,
        ranges: Option<&[std::ops::Range<u32>]>,
        pass: &mut wgpu::RenderPass<'_>,
    ) {
        if self.count == 0 || ranges.is_some_and(|r| r.is_empty()) {
            return;
        }
        pass.set_pipeline(pipeline);
        pass.set_bind_group(1, &self.bind_group, &[]);
        let everything = 0..self.count;
        let ranges = ranges.unwrap_or(std::slice::from_ref(&everything));
        for (buffer, first, n) in &self.chunks {
            // The parts of the ranges that fall in this chunk, in chunk-local indices.
            let (lo, hi) = (*first, first + n);
            let mut bound = false;
            for r in ranges {
                let (a, b) = (r.start.max(lo), r.end.min(hi));
                if a < b {
                    if !bound {
                        pass.set_vertex_buffer(0, buffer.slice(..));
                        bound = true;
                    }
                    pass.draw(0..vertices, a - lo..b - lo);
                }
            }
        }
    }
}
