//! An offscreen colour target and its readback into an [`Image`].

use crate::error::{Error, Result};
use crate::render::{GpuContext, Image, TARGET_FORMAT};

pub struct OffscreenTarget {
    pub texture: wgpu::Texture,
    pub format: wgpu::TextureFormat,
    pub view: wgpu::TextureView,
    pub width: u32,
    pub height: u32,
    readback: wgpu::Buffer,
    padded_row: u32,
}

impl OffscreenTarget {
    pub fn new(ctx: &GpuContext, width: u32, height: u32) -> Result<Self> {
        Self::with_format(ctx, width, height, TARGET_FORMAT)
    }

    /// A target of `format`: RGBA or BGRA with 8 bits per channel (read back as RGBA).
    pub fn with_format(
        ctx: &GpuContext,
        width: u32,
        height: u32,
        format: wgpu::TextureFormat,
    ) -> Result<Self> {
        let max = ctx.limits().max_texture_dimension_2d;
        if width == 0 || height == 0 || width > max || height > max {
            return Err(Error::gpu(format!(
                "a {width}×{height} target does not fit this adapter (1..={max} per side)"
            )));
        }
        let texture = ctx.texture_2d(
            "offscreen target",
            (width, height),
            format,
            wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::COPY_SRC
                | wgpu::TextureUsages::COPY_DST,
        );
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        // Rows of a texture-to-buffer copy must be 256-byte aligned.
        let padded_row = (width * 4).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        let readback = ctx.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: padded_row as u64 * height as u64,
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        Ok(OffscreenTarget {
            texture,
            format,
            view,
            width,
            height,
            readback,
            padded_row,
        })
    }

    /// Copies the target into CPU memory, waiting for the GPU.
    pub fn read(&self, ctx: &GpuContext) -> Result<Image> {
        let mut enc = ctx.device.create_command_encoder(&Default::default());
        enc.copy_texture_to_buffer(
            self.texture.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &self.readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(self.padded_row),
                    rows_per_image: Some(self.height),
                },
            },
            wgpu::Extent3d {
                width: self.width,
                height: self.height,
                depth_or_array_layers: 1,
            },
        );
        ctx.queue.submit([enc.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        self.readback.map_async(wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        ctx.wait()?;
        rx.recv()
            .map_err(|_| Error::gpu("readback never completed"))?
            .map_err(|e| Error::gpu(format!("readback: {e}")))?;
        let mut img = Image::new(self.width, self.height);
        {
            let data = self
                .readback
                .get_mapped_range(..)
                .map_err(|e| Error::gpu(format!("readback: {e}")))?;
            let row = self.width as usize * 4;
            for y in 0..self.height as usize {
                let src = y * self.padded_row as usize;
                img.rgba[y * row..(y + 1) * row].copy_from_slice(&data[src..src + row]);
            }
            if self.format == wgpu::TextureFormat::Bgra8Unorm {
                for px in img.rgba.chunks_exact_mut(4) {
                    px.swap(0, 2);
                }
            }
        }
        self.readback.unmap();
        Ok(img)
    }
}
