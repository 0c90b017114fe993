//! Dependencies point one way: the front ends (`cli/`, `app/`, `main.rs`) use the core
//! (scene, export, render, view, sky, data, ...), never the reverse; the viewer does not
//! use the command line; and the command line uses only what `app` exports at its top
//! (`crate::app::Name`), not the viewer's insides. Inside the core, each module uses only
//! those below it in [`CORE_LAYERS`], so there are no circles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FRONT_ENDS: [&str; 2] = ["cli", "app"];

/// The core, bottom first; `error`, `fsutil` and `xml_text` serve all.
const CORE_LAYERS: [&str; 7] = ["sky", "data", "view", "wall", "render", "scene", "export"];
const SHARED: [&str; 4] = ["error", "fsutil", "reporting", "xml_text"];

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

/// The files and folders directly inside `src/<top>/` (its submodules) and, for each, the
/// submodules of `top` it uses: `crate::top::x::...`, names `top/mod.rs` re-exports, and
/// `super::x` from a file directly in the folder.
fn submodule_uses(src: &Path, top: &str) -> BTreeMap<String, BTreeSet<String>> {
    let dir = src.join(top);
    let mut nodes = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if stem != "mod" && (path.is_dir() || path.extension().is_some_and(|e| e == "rs")) {
            nodes.insert(stem);
        }
    }
    // `pub use catalog::{Catalog, Column};` in mod.rs: Catalog and Column live in catalog.
    let mut reexported = BTreeMap::new();
    let root = std::fs::read_to_string(dir.join("mod.rs")).unwrap_or_default();
    for statement in root
        .split(';')
        .filter_map(|s| s.trim().strip_prefix("pub use "))
    {
        if let Some((module, names)) = statement.split_once("::") {
            let names = names.trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace());
            for name in names.split(',') {
                let name = name.rsplit("::").next().unwrap_or_default().trim();
                if !name.is_empty() {
                    reexported.insert(name.to_string(), module.to_string());
                }
            }
        }
    }
    let resolve = |first: &str| {
        if nodes.contains(first) {
            Some(first.to_string())
        } else {
            reexported.get(first).cloned()
        }
    };
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&dir).unwrap();
        let from = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let from = from.trim_end_matches(".rs").to_string();
        if from == "mod" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let mut targets: Vec<String> = crate_paths(&text)
            .iter()
            .filter_map(|p| p.strip_prefix(&format!("{top}::")).map(str::to_string))
            .collect();
        if rel.components().count() == 1 {
            for piece in text.split("super::").skip(1) {
                targets.push(piece.to_string());
            }
        }
        for target in targets {
            let first: String = target
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(to) = resolve(&first).filter(|to| *to != from) {
                uses.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    uses
}

/// A circle of uses (`a → b → ... → a`), if there is one.
fn find_circle(uses: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn walk(
        node: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut circle = path[i..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in uses.get(node).into_iter().flatten() {
            if let Some(c) = walk(next, uses, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    uses.keys()
        .find_map(|n| walk(n, uses, &mut Vec::new(), &mut done))
}

#[test]
fn no_core_module_has_circles_among_its_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let circles: Vec<(&str, Vec<String>)> = CORE_LAYERS
        .iter()
        .filter_map(|top| find_circle(&submodule_uses(&src, top)).map(|c| (*top, c)))
        .collect();
    assert!(circles.is_empty(), "circles of uses: {circles:#?}");
}

#[test]
fn the_circle_check_finds_a_circle_through_a_reexport() {
    let dir = std::env::temp_dir().join(format!("clusterviz-circles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data/cache")).unwrap();
    std::fs::write(
        dir.join("data/mod.rs"),
        "pub mod cache;\npub use catalog::{\n    Catalog,\n    Tag,\n};\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("data/catalog.rs"),
        "use crate::data::cache::Entry;\n",
    )
    .unwrap();
    std::fs::write(dir.join("data/cache/mod.rs"), "use crate::data::Catalog;\n").unwrap();
    std::fs::write(dir.join("data/fits.rs"), "use super::catalog::Tag;\n").unwrap();
    let uses = submodule_uses(&dir, "data");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(uses["fits"], BTreeSet::from(["catalog".to_string()]));
    assert_eq!(
        find_circle(&uses),
        Some(vec!["cache".into(), "catalog".into(), "cache".into()])
    );
}
