//! The Python package's own tests (pytest, in the venv `scripts/setup.sh` makes and
//! builds the package into), run from `cargo test` so that the README's one test command
//! covers them. They compare the package's figures with this build's `clusterviz` binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn newest_change(dir: &Path) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let t = if path.is_dir() {
            newest_change(&path)
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH)
        };
        newest = newest.max(t);
    }
    newest
}

fn extension_module(package: &Path) -> Option<PathBuf> {
    std::fs::read_dir(package)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("_native") && name.ends_with(".so")
        })
}

#[test]
fn the_python_package_passes_its_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-tests/bin/python");
    assert!(
        python.exists(),
        "no {}: run scripts/setup.sh (it makes the venv and builds the Python package)",
        python.display()
    );
    let package = root.join("python/clusterviz");
    let module = extension_module(&package).unwrap_or_else(|| {
        panic!(
            "the Python package is not built in {}: run scripts/setup.sh",
            package.display()
        )
    });
    let built = module.metadata().and_then(|m| m.modified()).unwrap();
    let sources = newest_change(&root.join("src")).max(newest_change(&root.join("python/src")));
    assert!(
        built >= sources,
        "{} is older than the Rust sources: run scripts/setup.sh to rebuild it",
        module.display()
    );
    let out = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "python/tests",
            "-q",
            "-p",
            "no:cacheprovider",
        ])
        .current_dir(root)
        .env("CLUSTERVIZ_BIN", env!("CARGO_BIN_EXE_clusterviz"))
        .output()
        .expect("python runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "pytest failed:\n{text}");
    assert!(text.contains(" passed"), "{text}");
    println!("{text}");
}
