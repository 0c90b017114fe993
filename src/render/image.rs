//! An RGBA8 image in memory and its PNG encoding.

use std::path::Path;

use crate::error::{Error, Result};
use crate::fsutil::write_atomically;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    /// Row-major RGBA, 4 bytes a pixel, no padding.
    pub rgba: Vec<u8>,
}

impl Image {
    pub fn new(width: u32, height: u32) -> Image {
        Image {
            width,
            height,
            rgba: vec![0; width as usize * height as usize * 4],
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [
            self.rgba[i],
            self.rgba[i + 1],
            self.rgba[i + 2],
            self.rgba[i + 3],
        ]
    }

    /// Copies `tile` into this image with its top-left corner at (x, y).
    pub fn blit(&mut self, tile: &Image, x: u32, y: u32) {
        let row_bytes = tile.width as usize * 4;
        for r in 0..tile.height as usize {
            let dst = ((y as usize + r) * self.width as usize + x as usize) * 4;
            self.rgba[dst..dst + row_bytes]
                .copy_from_slice(&tile.rgba[r * row_bytes..(r + 1) * row_bytes]);
        }
    }

    /// PNG bytes (RGBA8, with `text` entries as tEXt chunks).
    pub fn encode_png(&self, text: &[(&str, String)]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, self.width, self.height);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Fast);
            for (k, v) in text {
                enc.add_text_chunk(k.to_string(), v.clone())
                    .map_err(|e| Error::user(format!("PNG text {k}: {e}")))?;
            }
            let mut w = enc
                .write_header()
                .map_err(|e| Error::user(format!("PNG encoding: {e}")))?;
            w.write_image_data(&self.rgba)
                .map_err(|e| Error::user(format!("PNG encoding: {e}")))?;
        }
        Ok(out)
    }

    /// Writes a PNG atomically (no partial file on failure).
    pub fn save_png(&self, path: &Path, text: &[(&str, String)]) -> Result<()> {
        let bytes = self.encode_png(text)?;
        write_atomically(path, |tmp| {
            std::fs::write(tmp, &bytes).map_err(|e| Error::file(path, e))
        })
    }

    /// Reads an RGBA8 or RGB8 PNG (used by tests for golden images).
    pub fn load_png(path: &Path) -> Result<Image> {
        let bytes = std::fs::read(path).map_err(|e| Error::file(path, e))?;
        Image::from_png(&bytes).map_err(|e| Error::file(path, e))
    }

    /// An RGBA8 or RGB8 PNG's pixels (the Python package hands figures over as arrays).
    pub fn from_png(bytes: &[u8]) -> std::result::Result<Image, String> {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
        let rgba = match info.color_type {
            png::ColorType::Rgba => buf[..info.buffer_size()].to_vec(),
            png::ColorType::Rgb => buf[..info.buffer_size()]
                .chunks(3)
                .flat_map(|c| [c[0], c[1], c[2], 255])
                .collect(),
            other => return Err(format!("unsupported PNG colour type {other:?}")),
        };
        Ok(Image {
            width: info.width,
            height: info.height,
            rgba,
        })
    }
}
