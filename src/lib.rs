//! clusterviz: a GPU renderer for galaxy-cluster survey data.
//!
//! - [`sky`]: directions, frames and projections (no GPU);
//! - [`view`]: the camera and the scene's layers and styles, shared by every output;
//! - [`data`]: catalogs, tiles, HEALPix maps and the built-in demo survey; loading inputs;
//! - [`scene`]: the scene under every front end: inputs, view and style as plain data,
//!   the layer registry, the survey on the GPU with its level of detail;
//! - [`render`]: the wgpu renderer, one module per layer kind;
//! - [`export`]: figures for papers (frame, grid, labels, legend, colour bars; PNG, SVG, PDF)
//!   and the figure pipeline;
//! - [`app`]: the interactive viewer (winit + egui);
//! - [`wall`]: display walls (one view over a grid of screens);
//! - [`cli`]: the command line.

/// `report!` in one write. Standard error is unbuffered, so `report!` writes each piece
/// of its format on its own; the ranks of a wall share one stream under mpirun, and their
/// lines came out cut into one another ("rank 1 of 4: 3tiles/…"). Every message goes here.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!("{}\n", format_args!($($arg)*));
        // Nothing useful is left to do if standard error itself is gone.
        let _ = std::io::stderr().write_all(line.as_bytes());
    }};
}

pub mod app;
pub mod cli;
pub mod data;
pub mod error;
pub mod export;
pub mod fsutil;
pub mod render;
pub mod scene;
pub mod sky;
pub mod view;
pub mod wall;

pub use error::{Error, Result};
