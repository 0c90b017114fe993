//! What is shown and how: the camera ([`View`]), layer styles and colormaps. Shared by the
//! renderer, figure export, the viewer and walls. Also the CPU-side structures that
//! choose what a view draws: the spatial index ([`index`]) and level of detail ([`lod`]).
//!
//! Uses [`crate::sky`] and [`crate::data`]; knows nothing of the GPU or front ends.

pub mod camera;
pub mod cell_culling;
pub mod colormap;
pub mod extent;
pub mod fit;
pub mod index;
pub mod limits;
pub mod lod;
pub mod map_style;
pub mod region_moc;
pub mod style;

pub use camera::{SubRect, View};
pub use colormap::Colormap;
pub use extent::{Extent, parse_extent};
pub use map_style::{MapStyle, Stretch};
pub use style::{
    AngleFormat, ColorBy, Halo, LineStyle, MarkerShape, PointStyle, RangeFilter, Rgba, SizeBy,
    Theme,
};
