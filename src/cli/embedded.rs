//! The command line's flags for front ends that live inside another program (the Python
//! package): keyword arguments become `render`'s flags, parsed and checked by the same
//! code, so they take the same values and fail with the same messages.

use clap::{CommandFactory, Parser};

use crate::cli::args::{Cli, Command};
use crate::error::{Error, Result};
use crate::render::BackendChoice;
use crate::scene::SceneSpec;

/// One of `render`'s flags: its long name, and whether it takes a value.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderFlag {
    pub name: String,
    pub takes_value: bool,
    /// Whether it takes several values (`--clusters A B`).
    pub multiple: bool,
    pub help: String,
}

/// Every flag of `clusterviz render`, but those of a figure file and the output.
pub fn render_flags() -> Vec<RenderFlag> {
    let cli = Cli::command();
    let Some(render) = cli.find_subcommand("render") else {
        return Vec::new();
    };
    render
        .get_arguments()
        .chain(cli.get_arguments())
        .filter_map(|a| {
            let name = a.get_long()?;
            let takes_value = a.get_action().takes_values();
            Some(RenderFlag {
                name: name.to_string(),
                takes_value,
                multiple: takes_value && a.get_num_args().is_some_and(|n| n.max_values() > 1),
                help: a.get_help().map(|h| h.to_string()).unwrap_or_default(),
            })
        })
        .filter(|f| {
            !matches!(
                f.name.as_str(),
                "figure" | "output" | "help" | "version" | "samp"
            )
        })
        .collect()
}

/// The scene and backend of `clusterviz render FLAGS...`, checked as `render` checks them
/// (style, page size); no outputs. Clap's messages lose their usage lines.
pub fn render_spec(flags: &[String]) -> Result<(SceneSpec, BackendChoice)> {
    let argv = ["clusterviz", "render"]
        .into_iter()
        .map(String::from)
        .chain(flags.iter().cloned());
    let cli = Cli::try_parse_from(argv).map_err(|e| Error::user(clap_message(&e.to_string())))?;
    let Command::Render(a) = cli.command else {
        return Err(Error::user("the flags name another command than render"));
    };
    let spec = a.spec();
    spec.style.check()?;
    spec.view.pixel_size()?;
    Ok((spec, cli.backend))
}

/// Clap's message without its "error: " prefix, usage and help hints.
fn clap_message(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_into_the_scene_and_errors_keep_the_message() {
        let flags =
            ["--projection", "ait", "--snr-min", "5", "--size", "640x320"].map(String::from);
        let (spec, _) = render_spec(&flags).unwrap();
        assert_eq!(spec.style.snr_min, Some(5.0));
        assert_eq!(spec.view.projection, Some(crate::sky::Projection::Ait));
        let err = render_spec(&["--projection".into(), "xyz".into()]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("invalid value 'xyz'") && !msg.contains("Usage"),
            "{msg}"
        );
        let names: Vec<String> = render_flags().into_iter().map(|f| f.name).collect();
        for n in [
            "snr-min",
            "projection",
            "clusters",
            "galaxies",
            "backend",
            "max-markers",
        ] {
            assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
        }
        assert!(!names.iter().any(|x| x == "output"));
        let clusters = render_flags()
            .into_iter()
            .find(|f| f.name == "clusters")
            .unwrap();
        assert!(clusters.multiple && clusters.takes_value);
        let bare = render_flags()
            .into_iter()
            .find(|f| f.name == "bare")
            .unwrap();
        assert!(!bare.takes_value);
    }
}
