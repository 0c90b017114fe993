//! HEALPix on the GPU: the NESTED hash in WGSL (exact with 64-bit shader types, else f32
//! to depth 14), a batch hasher for validation, and the map rasterizer layer.

pub mod hasher;
pub mod map_layer;

use crate::render::GpuContext;

/// Which arithmetic the HEALPix shaders use on this adapter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealpixPrecision {
    /// f64 + u64: exact to depth 29.
    Exact64,
    /// f32 + u32: depths up to 14 (nside 16384); cell edges may shift by ~1e-7 rad.
    Float32,
}

impl HealpixPrecision {
    pub fn of(ctx: &GpuContext) -> Self {
        let f = ctx.device.features();
        if f.contains(wgpu::Features::SHADER_F64 | wgpu::Features::SHADER_INT64) {
            HealpixPrecision::Exact64
        } else {
            HealpixPrecision::Float32
        }
    }

    pub fn max_depth(self) -> u8 {
        match self {
            HealpixPrecision::Exact64 => 29,
            HealpixPrecision::Float32 => 14,
        }
    }

    /// Bytes of one cell index on the GPU.
    pub fn cell_bytes(self) -> usize {
        match self {
            HealpixPrecision::Exact64 => 8,
            HealpixPrecision::Float32 => 4,
        }
    }

    /// The precision prelude followed by the hash code.
    pub fn shader_code(self) -> String {
        let prelude = match self {
            HealpixPrecision::Exact64 => include_str!("../../../shaders/healpix_f64.wgsl"),
            HealpixPrecision::Float32 => include_str!("../../../shaders/healpix_f32.wgsl"),
        };
        format!(
            "{prelude}\n{}",
            include_str!("../../../shaders/healpix.wgsl")
        )
    }

    /// Cell indices as the GPU stores them (little-endian u64 or u32).
    pub fn encode_cells(self, cells: &[u64]) -> Vec<u8> {
        match self {
            HealpixPrecision::Exact64 => bytemuck::cast_slice(cells).to_vec(),
            HealpixPrecision::Float32 => cells
                .iter()
                .flat_map(|&c| (c as u32).to_le_bytes())
                .collect(),
        }
    }
}
