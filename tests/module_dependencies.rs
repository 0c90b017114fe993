//! Dependencies point one way: the front ends (`cli/`, `app/`, `main.rs`) use the core
//! (scene, export, render, view, sky, data, ...), never the reverse; the viewer does not
//! use the command line; and the command line uses only what `app` exports at its top
//! (`crate::app::Name`), not the viewer's insides. Inside the core, each module uses only
//! those below it in [`CORE_LAYERS`], so there are no circles.

use std::path::{Path, PathBuf};

const FRONT_ENDS: [&str; 2] = ["cli", "app"];

/// The core, bottom first; `error` and `fsutil` serve all.
const CORE_LAYERS: [&str; 7] = ["sky", "data", "view", "wall", "render", "scene", "export"];
const SHARED: [&str; 2] = ["error", "fsutil"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`src/scene/layers.rs` → `scene`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every path to another top-level module a file names: `crate::x::...` and the
/// names inside `crate::{x, y::z}` groups.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Comments may name any module.
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let item: String = item.split_whitespace().collect();
                if !item.is_empty() {
                    out.push(item);
                }
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            out.push(rest[..end].to_string());
        }
    }
    out
}

/// (file, offending path) for every use that breaks the rules above.
fn violations(src: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut bad = Vec::new();
    for file in files {
        let module = module_of(src, &file);
        if module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for path in crate_paths(&text) {
            let target = path.split("::").next().unwrap_or_default();
            let layer = |m: &str| CORE_LAYERS.iter().position(|&l| l == m);
            let broken = match module.as_str() {
                // The core: no front end, and only the layers below.
                m if !FRONT_ENDS.contains(&m) => {
                    FRONT_ENDS.contains(&target)
                        || match (layer(m), layer(target)) {
                            (Some(a), Some(b)) => b > a,
                            (_, None) => !SHARED.contains(&target) && target != m,
                            _ => false,
                        }
                }
                // The viewer: no command line.
                "app" => target == "cli",
                // The command line: the viewer's exports only, not its modules.
                _ => target == "app" && path.split("::").count() > 2,
            };
            if broken {
                bad.push((file.display().to_string(), path));
            }
        }
    }
    bad
}

#[test]
fn the_core_is_layered_and_front_ends_use_no_insides_of_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = violations(&src);
    assert!(bad.is_empty(), "dependencies against the rules: {bad:#?}");
}

#[test]
fn the_check_finds_a_core_module_using_a_front_end_or_a_higher_layer() {
    // The rule on a made-up tree: a core module importing cli, grouped or not.
    let dir = std::env::temp_dir().join(format!("clusterviz-deps-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("scene")).unwrap();
    std::fs::create_dir_all(dir.join("cli")).unwrap();
    std::fs::write(
        dir.join("scene/mod.rs"),
        "// crate::cli in a comment is fine\nuse crate::{view::View, cli::args::StyleArgs};\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("view")).unwrap();
    std::fs::write(
        dir.join("view/lod.rs"),
        "use crate::export::ticks::AngleFormat;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cli/mod.rs"),
        "use crate::app::run;\nuse crate::app::state::ViewerState;\n",
    )
    .unwrap();
    let mut bad = violations(&dir);
    bad.sort();
    std::fs::remove_dir_all(&dir).ok();
    let paths: Vec<&str> = bad.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "app::state::ViewerState",
            "cli::args::StyleArgs",
            "export::ticks::AngleFormat"
        ]
    );
}
