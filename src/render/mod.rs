//! The wgpu renderer, without a window. A [`GpuContext`] is the shared device; each layer
//! kind is a self-contained module (pipeline + per-layer buffers); [`SceneRenderer`]
//! assembles them into frames of a [`crate::view::View`].
//!
//! Uses `sky`, `data` and `view`; never the scene, figures or front ends.

pub mod background;
pub mod colormap_texture;
pub mod context;
pub mod healpix;
pub mod image;
pub mod instance_ids;
pub mod lines;
pub mod pipeline;
pub mod points;
pub mod scene;
pub mod scene_pipelines;
#[cfg(test)]
mod shader_layout;
pub mod target;
pub mod uniforms;

pub use context::{BackendChoice, GpuContext};
pub use image::Image;
pub use lines::{LineSegment, segments_from_paths, segments_from_rings};
pub use points::{CatalogRows, PointInstance};
pub use scene::{LayerId, SceneRenderer};

/// Every frame is drawn into this format: colours are sRGB values blended as stored,
/// like matplotlib, so colormaps come out exactly as tabulated.
pub const TARGET_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

/// Assembles a layer shader: the shared sky code first, then the layer's own.
pub(crate) fn shader_source(layer: &str) -> String {
    format!("{}\n{}", include_str!("../../shaders/sky.wgsl"), layer)
}
