//! Figure files (`clusterviz render --figure fig.toml`): a TOML description of inputs,
//! view, layers, styles and outputs. Each key is the name of a `render` flag, grouped in
//! sections; the file is turned into those flags and parsed by the same parser, so values
//! are checked exactly as on the command line. Paths are relative to the file's folder.
//!
//! ```toml
//! [inputs]
//! demo = true
//! [view]
//! projection = "tan"
//! center = [0.0, -30.0]
//! size = "7x5in"
//! [figure]
//! title = "Demo survey"
//! [output]
//! files = ["demo.png", "demo.pdf"]
//! ```

use std::path::{Path, PathBuf};

use crate::cli::args::{RenderArgs, parse_render_args};
use crate::error::{Error, Result};

/// The sections of a figure file and the flags each may set.
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "inputs",
        &[
            "demo",
            "demo-galaxies",
            "seed",
            "clusters",
            "tiles",
            "mask",
            "mask-column",
            "galaxies",
            "config",
            "hdu",
            "ra",
            "dec",
            "z",
            "snr",
            "id",
            "galaxy-ra",
            "galaxy-dec",
            "galaxy-z",
            "cone",
            "box",
            "cache-dir",
            "no-cache",
            "memory-budget",
        ],
    ),
    (
        "view",
        &[
            "projection",
            "center",
            "fov",
            "rotation",
            "size",
            "dpi",
            "frame",
            "theme",
        ],
    ),
    (
        "layers",
        &[
            "algorithm",
            "no-galaxies",
            "no-clusters",
            "no-tiles",
            "no-mask",
            "snr-min",
            "snr-max",
            "z-min",
            "z-max",
            "proximity",
            "max-markers",
            "density-column",
            "marker-size",
            "line-width",
        ],
    ),
    (
        "style",
        &[
            "color-by",
            "colormap",
            "color-range",
            "mask-colormap",
            "mask-stretch",
            "mask-range",
            "mask-opacity",
            "mask-nodata",
            "mask-outline",
        ],
    ),
    (
        "figure",
        &[
            "title",
            "font-size",
            "grid-format",
            "no-grid",
            "bare",
            "wcs",
            "moc",
        ],
    ),
    ("output", &["files"]),
];

/// Keys whose values are paths (made relative to the figure file).
const PATH_KEYS: &[&str] = &[
    "clusters",
    "tiles",
    "mask",
    "galaxies",
    "config",
    "cache-dir",
    "files",
];

/// A figure file read: the flags it stands for, its outputs and its text (kept in the
/// figure's metadata).
pub struct FigureFile {
    pub args: RenderArgs,
    pub outputs: Vec<PathBuf>,
    pub text: String,
}

/// Reads `path`; `output`, when given, replaces the file's outputs.
pub fn load(path: &Path, output: Option<&Path>) -> Result<FigureFile> {
    // args_os: a file name that is not UTF-8 must not panic here (it reads lossily).
    check_command_line(
        std::env::args_os()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned()),
    )?;
    let text = std::fs::read_to_string(path).map_err(|e| Error::file(path, e))?;
    let (args, files) = render_args_of(path, &parse_toml(path, &text)?)?;
    let outputs = match output {
        Some(o) => vec![o.to_path_buf()],
        None => files,
    };
    if outputs.is_empty() {
        return Err(Error::file(
            path,
            "names no output: add [output] files = [\"figure.png\"] or give -o",
        ));
    }
    Ok(FigureFile {
        args,
        outputs,
        text,
    })
}

/// A TOML document, or an error naming the file.
pub fn parse_toml(path: &Path, text: &str) -> Result<toml::Table> {
    text.parse()
        .map_err(|e: toml::de::Error| Error::file(path, format!("not valid TOML: {}", e.message())))
}

/// `render`'s arguments from a figure file's sections (checked as on the command line),
/// and its output files.
pub fn render_args_of(path: &Path, table: &toml::Table) -> Result<(RenderArgs, Vec<PathBuf>)> {
    let (flags, files) = flags_of_table(path, table)?;
    let args = parse_render_args(&flags).map_err(|e| {
        let msg = e.to_string();
        let first = msg
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("error: ");
        Error::file(path, format!("{first} (from the file's keys)"))
    })?;
    Ok((args, files))
}

/// With --figure, the figure file says everything but where to write and which GPU.
fn check_command_line(args: impl Iterator<Item = String>) -> Result<()> {
    let mut args = args.skip_while(|a| a != "render").skip(1);
    while let Some(a) = args.next() {
        let name = a.split('=').next().unwrap_or("");
        match name {
            "--figure" | "-o" | "--output" | "--backend" => {
                if !a.contains('=') {
                    args.next();
                }
            }
            _ if a.starts_with("-o") => {}
            _ => {
                return Err(Error::user(format!(
                    "with --figure, give '{a}' in the figure file instead (only -o and \
                     --backend may be added on the command line)"
                )));
            }
        }
    }
    Ok(())
}

/// The flags a figure file stands for, and its output files.
#[cfg(test)]
fn flags_of(path: &Path, text: &str) -> Result<(Vec<String>, Vec<PathBuf>)> {
    flags_of_table(path, &parse_toml(path, text)?)
}

/// The flags a figure file's sections stand for, and its output files.
fn flags_of_table(path: &Path, table: &toml::Table) -> Result<(Vec<String>, Vec<PathBuf>)> {
    let base = path.parent().unwrap_or(Path::new(""));
    let mut flags = Vec::new();
    let mut files = Vec::new();
    for (section, value) in table {
        let Some((_, keys)) = SECTIONS.iter().find(|(s, _)| s == section) else {
            let names: Vec<&str> = SECTIONS.iter().map(|(s, _)| *s).collect();
            return Err(Error::file(
                path,
                format!(
                    "unknown section [{section}]; sections are [{}]",
                    names.join("], [")
                ),
            ));
        };
        let toml::Value::Table(entries) = value else {
            return Err(Error::file(
                path,
                format!("'{section}' must be a [section]"),
            ));
        };
        for (raw_key, v) in entries {
            let key = raw_key.replace('_', "-");
            if !keys.contains(&key.as_str()) {
                return Err(Error::file(
                    path,
                    format!(
                        "unknown key '{raw_key}' in [{section}]; it takes {}",
                        keys.join(", ")
                    ),
                ));
            }
            let bad =
                |what: &str| Error::file(path, format!("[{section}] {raw_key}: expected {what}"));
            let is_path = PATH_KEYS.contains(&key.as_str());
            let resolve = |s: &str| {
                let p = Path::new(s);
                if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    base.join(p)
                }
            };
            if key == "files" {
                let list = match v {
                    toml::Value::String(s) => vec![s.as_str()],
                    toml::Value::Array(a) => a
                        .iter()
                        .map(|x| x.as_str().ok_or_else(|| bad("file names")))
                        .collect::<Result<_>>()?,
                    _ => return Err(bad("a file name or a list of them")),
                };
                files.extend(list.into_iter().map(resolve));
                continue;
            }
            let flag = format!("--{key}");
            match v {
                toml::Value::Boolean(true) => flags.push(flag),
                toml::Value::Boolean(false) => {}
                // `--flag=value`: negative numbers must not read as flags.
                toml::Value::String(s) if is_path => {
                    flags.push(format!("{flag}={}", resolve(s).display()));
                }
                toml::Value::String(s) => flags.push(format!("{flag}={s}")),
                toml::Value::Integer(_) | toml::Value::Float(_) => {
                    flags.push(format!("{flag}={v}"));
                }
                toml::Value::Array(items) if is_path => {
                    flags.push(flag);
                    for it in items {
                        let s = it.as_str().ok_or_else(|| bad("a list of paths"))?;
                        flags.push(resolve(s).display().to_string());
                    }
                }
                toml::Value::Array(items) => {
                    // Numbers in a list are one comma-separated value (center, cone, box,
                    // mask-range); a size is WIDTHxHEIGHT.
                    let nums: Vec<String> = items
                        .iter()
                        .map(|x| match x {
                            toml::Value::Integer(_) | toml::Value::Float(_) => Ok(x.to_string()),
                            _ => Err(bad("a list of numbers")),
                        })
                        .collect::<Result<_>>()?;
                    let sep = if key == "size" { "x" } else { "," };
                    flags.push(format!("{flag}={}", nums.join(sep)));
                }
                _ => return Err(bad("a string, number, boolean or list")),
            }
        }
    }
    Ok((flags, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(Vec<String>, Vec<PathBuf>)> {
        flags_of(Path::new("figs/f.toml"), text)
    }

    #[test]
    fn keys_become_flags_and_paths_follow_the_file() {
        let (flags, files) = parse(
            "[inputs]\nclusters = [\"a.fits\", \"/abs/b.fits\"]\ndemo = false\n\
             [view]\ncenter = [0.5, -30]\nsize = [800, 600]\nprojection = \"ait\"\n\
             [layers]\nsnr_min = 5\n[output]\nfiles = [\"out.png\", \"out.pdf\"]\n",
        )
        .unwrap();
        // One group per flag with its values; TOML tables come sorted by key.
        let mut groups: Vec<Vec<String>> = Vec::new();
        for f in flags {
            if f.starts_with("--") {
                groups.push(vec![f]);
            } else {
                groups.last_mut().unwrap().push(f);
            }
        }
        groups.sort();
        let expect = [
            vec!["--center=0.5,-30"],
            vec!["--clusters", "figs/a.fits", "/abs/b.fits"],
            vec!["--projection=ait"],
            vec!["--size=800x600"],
            vec!["--snr-min=5"],
        ];
        assert_eq!(groups, expect);
        assert_eq!(
            files,
            [PathBuf::from("figs/out.png"), PathBuf::from("figs/out.pdf")]
        );
    }

    #[test]
    fn bad_files_are_named_with_what_is_wrong() {
        let e = parse("[view]\nzoom = 3\n").unwrap_err().to_string();
        assert!(
            e.contains("figs/f.toml") && e.contains("unknown key 'zoom' in [view]"),
            "{e}"
        );
        let e = parse("[camera]\n").unwrap_err().to_string();
        assert!(e.contains("unknown section [camera]"), "{e}");
        let e = parse("[view\n").unwrap_err().to_string();
        assert!(e.contains("not valid TOML"), "{e}");
        let e = parse("[view]\ncenter = [\"a\", 1]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[view] center: expected a list of numbers"),
            "{e}"
        );
    }

    #[test]
    fn only_output_and_backend_join_a_figure_file() {
        let args = |v: &[&str]| {
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert!(check_command_line(args(&["render", "--figure", "f.toml", "-o", "x.pdf"])).is_ok());
        assert!(
            check_command_line(args(&["--backend", "gl", "render", "--figure=f.toml"])).is_ok()
        );
        let e = check_command_line(args(&["render", "--figure", "f.toml", "--fov", "3"]));
        assert!(e.unwrap_err().to_string().contains("'--fov'"));
    }
}
