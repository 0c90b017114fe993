//! All colormaps in one 256 × N lookup texture, row = `Colormap::index()`.

use crate::render::GpuContext;
use crate::view::Colormap;

pub fn create(ctx: &GpuContext) -> wgpu::TextureView {
    let tables = Colormap::all_tables();
    let texels: Vec<u8> = tables
        .iter()
        .flat_map(|t| t.iter().flat_map(|c| [c[0], c[1], c[2], 255]))
        .collect();
    let size = wgpu::Extent3d {
        width: 256,
        height: tables.len() as u32,
        depth_or_array_layers: 1,
    };
    let texture = ctx.device.create_texture(&wgpu::TextureDescriptor {
        label: Some("colormaps"),
        size,
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba8Unorm,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    });
    ctx.queue.write_texture(
        texture.as_image_copy(),
        &texels,
        wgpu::TexelCopyBufferLayout {
            offset: 0,
            bytes_per_row: Some(256 * 4),
            rows_per_image: Some(tables.len() as u32),
        },
        size,
    );
    texture.create_view(&Default::default())
}
