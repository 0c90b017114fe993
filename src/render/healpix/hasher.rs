//! Hashes directions on the GPU in batches, exactly as the rasterizer does, so the shader
//! code can be checked against cdshealpix.

use glam::DVec3;

use super::HealpixPrecision;
use crate::error::{Error, Result};
use crate::render::GpuContext;
use crate::render::pipeline::compute_storage_entry;

pub struct GpuHasher {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    pub precision: HealpixPrecision,
}

impl GpuHasher {
    pub fn new(ctx: &GpuContext) -> Self {
        let precision = HealpixPrecision::of(ctx);
        let source = format!(
            "{}\n{}",
            precision.shader_code(),
            include_str!("../../../shaders/healpix_hash_batch.wgsl")
        );
        let module = ctx
            .device
            .create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some("healpix hash batch"),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
        let mut uniform = crate::render::pipeline::params_entry(0);
        uniform.visibility = wgpu::ShaderStages::COMPUTE;
        let layout = ctx
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("healpix hash batch"),
                entries: &[
                    uniform,
                    compute_storage_entry(1, true),
                    compute_storage_entry(2, false),
                ],
            });
        let pl = ctx
            .device
            .create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("healpix hash batch"),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
        let pipeline = ctx
            .device
            .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some("healpix hash batch"),
                layout: Some(&pl),
                module: &module,
                entry_point: Some("hash_batch"),
                compilation_options: Default::default(),
                cache: None,
            });
        GpuHasher {
            pipeline,
            layout,
            precision,
        }
    }

    /// NESTED indices at `depth` of unit vectors `dirs` (in the map's frame).
    pub fn hash(&self, ctx: &GpuContext, dirs: &[DVec3], depth: u8) -> Result<Vec<u64>> {
        if depth > self.precision.max_depth() {
            return Err(Error::gpu(format!(
                "depth {depth} needs 64-bit shader types, which this adapter lacks (max depth {})",
                self.precision.max_depth()
            )));
        }
        let n = dirs.len();
        let dir_bytes: Vec<u8> = match self.precision {
            HealpixPrecision::Exact64 => dirs
                .iter()
                .flat_map(|d| [d.x, d.y, d.z])
                .flat_map(f64::to_le_bytes)
                .collect(),
            HealpixPrecision::Float32 => dirs
                .iter()
                .flat_map(|d| [d.x as f32, d.y as f32, d.z as f32])
                .flat_map(f32::to_le_bytes)
                .collect(),
        };
        let cell_size = self.precision.cell_bytes() as u64;
        let params: [u32; 4] = [n as u32, depth as u32, 0, 0];
        let params_buf = ctx.params_buffer("hash params", 16);
        ctx.queue
            .write_buffer(&params_buf, 0, bytemuck::bytes_of(&params));
        let dir_buf = ctx.upload_data("hash dirs", &dir_bytes, wgpu::BufferUsages::STORAGE)?;
        let out_size = (n as u64 * cell_size).max(8);
        let out = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("hash out"),
            size: out_size,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let readback = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("hash readback"),
            size: out_size,
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        let bind = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("hash batch"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: params_buf.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: dir_buf.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: out.as_entire_binding(),
                },
            ],
        });
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        {
            let mut pass = enc.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.pipeline);
            pass.set_bind_group(0, &bind, &[]);
            let groups = (n as u32).div_ceil(64);
            pass.dispatch_workgroups(groups.min(65535), groups.div_ceil(65535), 1);
        }
        enc.copy_buffer_to_buffer(&out, 0, &readback, 0, out_size);
        ctx.queue.submit([enc.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        readback.map_async(wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        ctx.wait()?;
        rx.recv()
            .map_err(|_| Error::gpu("hash readback never completed"))?
            .map_err(|e| Error::gpu(format!("hash readback: {e}")))?;
        let data = readback
            .get_mapped_range(..)
            .map_err(|e| Error::gpu(format!("hash readback: {e}")))?;
        let cells = match self.precision {
            HealpixPrecision::Exact64 => data[..n * 8]
                .chunks(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .collect(),
            HealpixPrecision::Float32 => data[..n * 4]
                .chunks(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()) as u64)
                .collect(),
        };
        Ok(cells)
    }
}
