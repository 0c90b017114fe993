//! The command line (see DESIGN.md's CLI contract). Each subcommand lives in its own file.

pub mod args;
mod config;
mod convert;
mod demo;
mod info;
pub(crate) mod load;
mod render;
pub mod scene;

use clap::Parser;

pub use args::{Cli, Command};

use crate::error::Result;

/// Parses the arguments and runs the command; the binary maps errors to exit codes.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Info(a) => info::run(cli.backend, &a),
        Command::Convert(a) => convert::run(&a),
        Command::View { .. } => Err(crate::error::Error::user(
            "the interactive viewer is not available yet; `clusterviz render` takes the same inputs and writes a PNG",
        )),
        Command::Wall { .. } => Err(crate::error::Error::user(
            "display-wall sessions are not available yet",
        )),
        Command::Render(a) => render::run(cli.backend, &a),
        Command::Demo(a) => demo::run(cli.backend, &a),
    }
}

/// Entry point for `main`: parse, run, report.
pub fn main_with_exit_code() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("clusterviz: {e}");
            e.exit_code()
        }
    }
}

/// Default flag values, for tests and library users that build scenes without a command line.
pub mod defaults {
    use super::args::{AlgorithmChoice, ColorRole, StyleArgs};
    use crate::view::Colormap;

    pub fn style_args() -> StyleArgs {
        StyleArgs {
            algorithm: AlgorithmChoice::All,
            color_by: ColorRole::Z,
            colormap: Colormap::Viridis,
            snr_min: None,
            snr_max: None,
            z_min: None,
            z_max: None,
            no_galaxies: false,
            max_markers: None,
            proximity: None,
            no_tiles: false,
            no_mask: false,
            mask_colormap: Colormap::Cividis,
            mask_range: None,
            mask_opacity: None,
            mask_nodata: None,
            mask_outline: None,
            mask_stretch: crate::view::Stretch::Linear,
        }
    }
}
