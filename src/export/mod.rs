//! Figures for papers: the sky from the renderer composed with a frame, a coordinate
//! grid with labels, a legend, colour bars and a title; written as PNG (any size, in
//! strips), SVG or PDF (vector text and lines over an embedded sky image), with a WCS
//! sidecar for overlays.
//!
//! The top of the core: uses the scene and everything below it, never a front end.

pub mod compose;
pub mod font;
pub mod graticule;
pub mod markers;
pub mod pipeline;
pub mod svg;
pub mod ticks;
pub mod wcs;
pub mod write;

pub use compose::{ColorBar, Decorations, Figure, FigureStyle, LegendEntry, Symbol, VectorOutline};
pub use write::{Format, PngPage, Strips};
