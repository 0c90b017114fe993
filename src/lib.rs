//! clusterviz: a GPU renderer for galaxy-cluster survey data.
//!
//! The core, which knows no front end:
//! - [`sky`]: directions, frames and projections (no GPU);
//! - [`view`]: the camera and the layers' styles as the renderer takes them;
//! - [`data`]: catalogs, tiles, HEALPix maps and the built-in demo survey; loading inputs;
//! - [`scene`]: the scene under every front end: inputs, view and style as plain data
//!   ([`scene::SceneSpec`]), the layer registry, the survey on the GPU with its level of
//!   detail;
//! - [`render`]: the wgpu renderer, one module per layer kind;
//! - [`export`]: figures for papers (frame, grid, labels, legend, colour bars; PNG, SVG,
//!   PDF) and the figure pipeline;
//! - [`wall`]: display walls (one view over a grid of screens): layout and frame sync.
//!
//! The front ends, which use the core and never the reverse (`tests/module_dependencies.rs`
//! checks it):
//! - [`app`]: the interactive viewer (winit + egui) and the wall's displays;
//! - [`cli`]: the command line, which turns flags and figure files into a scene spec.
//!
//! A figure from a survey, without any command-line type:
//!
//! ```
//! use clusterviz::data::demo::DemoConfig;
//! use clusterviz::export::pipeline::{FigureRequest, render_figures};
//! use clusterviz::render::BackendChoice;
//! use clusterviz::scene::{self, FigureOptions, PageSize, SceneSpec, SceneStyle, ViewSpec};
//!
//! let mut spec = SceneSpec::default();
//! // The built-in demo survey; catalogs on disk go in the same place:
//! // spec.inputs.clusters = vec!["merged.fits".into()];
//! spec.inputs.demo = Some(DemoConfig { seed: 1, galaxies: 5_000 });
//! spec.view = ViewSpec { size: Some(PageSize::Pixels(640, 480)), ..ViewSpec::default() };
//! spec.style = SceneStyle { snr_min: Some(5.0), ..SceneStyle::default() };
//! spec.figure = FigureOptions { title: Some("Clusters above SNR 5".into()), ..FigureOptions::default() };
//! let survey = scene::load_prepared(&spec, None)?;
//! let outputs = [std::env::temp_dir().join(format!("clusterviz-doc-{}.png", std::process::id()))];
//! let req = FigureRequest::new(&spec.view, &spec.style, &spec.figure, &outputs);
//! render_figures(BackendChoice::Auto, &survey, &req)?;
//! # std::fs::remove_file(&outputs[0]).ok();
//! # Ok::<(), clusterviz::Error>(())
//! ```

/// A message for the user (progress, warnings), as one line: see [`reporting`].
macro_rules! report {
    ($($arg:tt)*) => {{
        $crate::reporting::emit(&format!("{}\n", format_args!($($arg)*)));
    }};
}

pub mod app;
pub mod cli;
pub mod data;
pub mod error;
pub mod export;
pub mod fsutil;
#[cfg(target_os = "linux")]
pub mod huge_pages;
pub mod render;
pub mod reporting;
pub mod samp;
pub mod scene;
pub mod sky;
pub mod view;
pub mod wall;
pub mod xml_text;

pub use error::{Error, Result};
