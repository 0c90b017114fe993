//! What is shown and how: the camera ([`View`]), layer styles and colormaps. Shared by the
//! headless renderer, figure export and (later) the viewer and the wall.

pub mod camera;
pub mod colormap;
pub mod extent;
pub mod fit;
pub mod limits;
pub mod lod;
pub mod map_style;
pub mod style;

pub use camera::{SubRect, View};
pub use colormap::Colormap;
pub use extent::{Extent, parse_extent};
pub use map_style::{MapStyle, Stretch};
pub use style::{ColorBy, LineStyle, MarkerShape, PointStyle, RangeFilter, Rgba, SizeBy, Theme};
