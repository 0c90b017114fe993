//! The command line (see DESIGN.md's CLI contract). Each subcommand lives in its own file.

pub mod args;
mod convert;
mod demo;
pub mod embedded;
pub mod figure_file;
mod import;
mod info;
pub(crate) mod render;
mod wall;

use clap::Parser;

pub use args::{Cli, Command};

use crate::error::Result;

/// Parses the arguments and runs the command; the binary maps errors to exit codes.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Info(a) => info::run(cli.backend, &a),
        Command::Convert(a) => convert::run(&a),
        Command::Import(a) => import::run(&a),
        Command::Cache(a) => cache(&a),
        Command::View(a) => view(cli.backend, &a),
        Command::Wall(a) => wall::run(cli.backend, &a),
        Command::Render(a) => render::run(cli.backend, &a),
        Command::Demo(a) => demo::run(cli.backend, &a),
        Command::Hdf5Attributes { file, group } => {
            let units = crate::data::hdf5_attributes::heap_units(&file, &group)?;
            println!("{}", serde_json::to_string(&units).unwrap_or_default());
            Ok(())
        }
    }
}

/// `clusterviz cache ls|prune|clear`.
fn cache(a: &args::CacheArgs) -> Result<()> {
    use crate::data::cache::DiskCache;
    let Some(dir) = a.cache_dir.clone().or_else(DiskCache::default_dir) else {
        return Err(crate::error::Error::user(
            "no cache folder: set --cache-dir, CLUSTERVIZ_CACHE_DIR or HOME",
        ));
    };
    let cache = DiskCache::new(dir);
    match a.action {
        args::CacheAction::Ls => {
            let entries = cache.entries();
            println!(
                "cache folder {}: {} entries",
                cache.dir.display(),
                entries.len()
            );
            for e in &entries {
                println!(
                    "{}  {:>8.1} MB  {:>10} rows  {:<9} {}  [{}]",
                    e.file.file_name().unwrap_or_default().to_string_lossy(),
                    e.bytes as f64 / 1e6,
                    e.rows.map_or("?".into(), |r| r.to_string()),
                    e.name.as_deref().unwrap_or("?"),
                    e.source.as_deref().unwrap_or("?"),
                    e.status
                );
            }
            let total: u64 = entries.iter().map(|e| e.bytes).sum();
            let (blobs, blob_bytes) = cache.blob_totals();
            println!(
                "derived data (level of detail, k-d trees, checksums): {blobs} files, {:.1} MB",
                blob_bytes as f64 / 1e6
            );
            println!("total {:.1} MB", (total + blob_bytes) as f64 / 1e6);
        }
        args::CacheAction::Prune => {
            let removed = cache.prune()?;
            for p in &removed {
                println!(
                    "removed {}  {:>8.1} MB  ({})",
                    p.file.file_name().unwrap_or_default().to_string_lossy(),
                    p.bytes as f64 / 1e6,
                    p.why
                );
            }
            println!(
                "removed {} files ({:.1} MB) from {}",
                removed.len(),
                removed.iter().map(|p| p.bytes).sum::<u64>() as f64 / 1e6,
                cache.dir.display()
            );
        }
        args::CacheAction::Clear => {
            let (n, bytes) = cache.clear()?;
            println!(
                "removed {n} files ({:.1} MB) from {}",
                bytes as f64 / 1e6,
                cache.dir.display()
            );
        }
    }
    Ok(())
}

/// `clusterviz view`: the viewer on the files given (or the demo with --demo).
fn view(backend: crate::render::BackendChoice, a: &args::RenderArgs) -> Result<()> {
    crate::app::run(viewer_launch(backend, a)?)
}

/// A viewer session on the inputs of `a`, checked before any window opens.
pub(crate) fn viewer_launch(
    backend: crate::render::BackendChoice,
    a: &args::RenderArgs,
) -> Result<crate::app::ViewerLaunch> {
    let spec = a.spec();
    if spec.inputs.is_empty() {
        return Err(crate::error::Error::user(
            "nothing to view: give --demo, or files with --clusters, --galaxies, --tiles, --mask",
        ));
    }
    spec.style.check()?;
    // Files are checked now, so that a typo fails at once rather than in the window.
    crate::data::inputs::expand_paths(&a.clusters)?;
    for p in a.tiles.iter().chain(&a.mask) {
        if !p.exists() {
            return Err(crate::error::Error::file(p, "no such file"));
        }
    }
    if !crate::app::display_available() {
        return Err(crate::error::Error::user(
            "no display (DISPLAY and WAYLAND_DISPLAY are unset): the viewer needs a window; \
             `clusterviz render` takes the same inputs and writes a PNG",
        ));
    }
    let title = if a.demo {
        format!("clusterviz — demo survey (seed {})", a.seed)
    } else {
        let names: Vec<String> = a.clusters.iter().map(|p| p.display().to_string()).collect();
        format!("clusterviz — {}", names.join(", "))
    };
    Ok(crate::app::ViewerLaunch {
        backend,
        inputs: spec.inputs,
        arrays: Default::default(),
        view: spec.view,
        style: spec.style,
        screenshot: a.output.clone(),
        title,
        wall: None,
        samp: a.samp,
    })
}

/// Entry point for `main`: parse, run, report.
pub fn main_with_exit_code() -> i32 {
    crate::fsutil::remove_partial_files_on_signals();
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
            report!("clusterviz: {e}");
            e.exit_code()
        }
    }
}
