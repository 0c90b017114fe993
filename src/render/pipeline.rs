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

/// The vertex entry point of a layer shader a pipeline runs, and the buffers it reads.
pub struct VertexStage<'a> {
    pub entry: &'a str,
    pub buffers: &'a [Option<wgpu::VertexBufferLayout<'a>>],
}

impl<'a> VertexStage<'a> {
    /// The shader's `vs_main`, reading `buffers`.
    pub fn main(buffers: &'a [Option<wgpu::VertexBufferLayout<'a>>]) -> Self {
        VertexStage {
            entry: "vs_main",
            buffers,
        }
    }
}

/// A triangle-list pipeline with premultiplied-alpha blending over the target.
pub fn layer_pipeline(
    ctx: &GpuContext,
    label: &str,
    shader_source: &str,
    shared: &PipelineShared,
    layer_layout: &wgpu::BindGroupLayout,
    vertex: VertexStage,
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
                entry_point: Some(vertex.entry),
                compilation_options: Default::default(),
                buffers: vertex.buffers,
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

/// The instances of one layer as uploaded: a name for the GPU's labels, the bytes of
/// `count` equal-sized instances and, for layers that level of detail draws by id
/// ([`super::instance_ids`]), how each chunk is also read as storage.
pub struct InstanceData<'a> {
    pub name: &'a str,
    pub bytes: InstanceBytes<'a>,
    pub count: usize,
    pub by_id: Option<ReadById<'a>>,
}

/// A layer's instance bytes: in memory, or written by `fill(first instance, chunk)` into
/// each chunk's buffer as it is made (a 10M-row catalog's instances, 280 MB, then need no
/// copy of their own first).
#[derive(Clone, Copy)]
pub enum InstanceBytes<'a> {
    Slice(&'a [u8]),
    Fill {
        stride: usize,
        fill: &'a (dyn Fn(usize, wgpu::WriteOnly<'_, [u8]>) + Sync),
    },
}

/// The bind group layout of a pipeline that reads instances by id, and the binding at
/// which it reads a chunk's instances as storage (after the layer's own entries).
#[derive(Clone, Copy)]
pub struct ReadById<'a> {
    pub layout: &'a wgpu::BindGroupLayout,
    pub binding: u32,
}

/// The GPU side of one instanced layer: its data (uploaded once), its style uniform and
/// the bind groups (group 1) that expose the uniform plus any shared resources.
pub struct InstancedBuffers {
    /// The instances in chunks that each fit one GPU buffer (and one storage binding when
    /// read by id), each with its bind group.
    chunks: Vec<Chunk>,
    count: u32,
    style_buffer: wgpu::Buffer,
}

/// Instances `first..first + count` of a layer, in one buffer.
struct Chunk {
    buffer: wgpu::Buffer,
    first: u32,
    count: u32,
    /// For draws that fetch the instances as vertices.
    bind_group: wgpu::BindGroup,
    /// For draws by id: the same entries and the chunk as storage. A buffer is never
    /// bound both ways in one draw.
    by_id_group: Option<wgpu::BindGroup>,
}

impl InstancedBuffers {
    /// Uploads `data` (split over as many buffers as the adapter's limits need) and creates
    /// a style uniform of `style_size` bytes at binding 0; `extra` entries follow it in
    /// the bind groups, then, in the by-id group, the chunk itself as storage.
    pub fn new(
        ctx: &GpuContext,
        data: InstanceData,
        style_size: usize,
        layout: &wgpu::BindGroupLayout,
        extra: &[wgpu::BindGroupEntry],
    ) -> crate::error::Result<Self> {
        let InstanceData {
            name,
            bytes,
            count,
            by_id,
        } = data;
        let stride = match bytes {
            InstanceBytes::Slice(b) => b.len().checked_div(count).unwrap_or(1).max(1),
            InstanceBytes::Fill { stride, .. } => stride.max(1),
        };
        let mut max_bytes = ctx.max_chunk_bytes() as usize;
        let mut usage = wgpu::BufferUsages::VERTEX;
        if by_id.is_some() {
            max_bytes = max_bytes.min(ctx.limits().max_storage_buffer_binding_size as usize);
            usage |= wgpu::BufferUsages::STORAGE;
        }
        let per_chunk = (max_bytes / stride).clamp(1, u32::MAX as usize);
        let style_buffer = ctx.params_buffer(name, style_size as u64);
        let mut chunks = Vec::new();
        for k in 0..count.div_ceil(per_chunk) {
            let first = k * per_chunk;
            let n = per_chunk.min(count - first);
            let buffer = match bytes {
                InstanceBytes::Slice(b) => {
                    ctx.upload_data(name, &b[first * stride..(first + n) * stride], usage)?
                }
                InstanceBytes::Fill { fill, .. } => {
                    ctx.upload_data_with(name, n * stride, usage, |dst| fill(first, dst))?
                }
            };
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
            let by_id_group = by_id.map(|by_id| {
                entries.push(wgpu::BindGroupEntry {
                    binding: by_id.binding,
                    resource: buffer.as_entire_binding(),
                });
                ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some(name),
                    layout: by_id.layout,
                    entries: &entries,
                })
            });
            chunks.push(Chunk {
                buffer,
                first: first as u32,
                count: n as u32,
                bind_group,
                by_id_group,
            });
        }
        Ok(InstancedBuffers {
            chunks,
            count: count as u32,
            style_buffer,
        })
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    /// The first instance and the number of instances of each chunk, in order.
    pub fn chunk_spans(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.chunks.iter().map(|c| (c.first, c.count))
    }

    /// Replaces the style uniform: a small write, never a data upload.
    pub fn write_style<T: bytemuck::Pod>(&self, ctx: &GpuContext, style: &T) {
        ctx.queue
            .write_buffer(&self.style_buffer, 0, bytemuck::bytes_of(style));
    }

    /// Draws the instances in `ranges` (all if `None`) with `vertices` vertices each: one
    /// draw call a range and chunk.
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
        let everything = 0..self.count;
        let ranges = ranges.unwrap_or(std::slice::from_ref(&everything));
        for chunk in &self.chunks {
            // The parts of the ranges that fall in this chunk, in chunk-local indices.
            let (lo, hi) = (chunk.first, chunk.first + chunk.count);
            let mut bound = false;
            for r in ranges {
                let (a, b) = (r.start.max(lo), r.end.min(hi));
                if a < b {
                    if !bound {
                        pass.set_bind_group(1, &chunk.bind_group, &[]);
                        pass.set_vertex_buffer(0, chunk.buffer.slice(..));
                        bound = true;
                    }
                    pass.draw(0..vertices, a - lo..b - lo);
                }
            }
        }
    }

    /// Draws the instances `ids` lists, with `vertices` vertices each and a pipeline that
    /// reads each instance by the id in its vertex buffer: one draw call a chunk (none
    /// for a layer uploaded without [`ReadById`]).
    pub fn draw_by_id(
        &self,
        pipeline: &wgpu::RenderPipeline,
        vertices: u32,
        ids: &super::instance_ids::InstanceIds,
        pass: &mut wgpu::RenderPass<'_>,
    ) {
        let Some(buffer) = ids.buffer() else {
            return;
        };
        pass.set_pipeline(pipeline);
        pass.set_vertex_buffer(0, buffer.slice(..));
        for (chunk, span) in self.chunks.iter().zip(ids.per_chunk()) {
            if let (false, Some(group)) = (span.is_empty(), &chunk.by_id_group) {
                pass.set_bind_group(1, group, &[]);
                pass.draw(0..vertices, span.clone());
            }
        }
    }
}
