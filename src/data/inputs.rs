//! The files of one figure: cluster catalogs matched to their detection algorithm, and
//! galaxies from many per-tile files (globs or folders) read in parallel into one
//! catalog that remembers each row's tile.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::data::cache::stack_tag;
use crate::data::catalog_reader::read_catalog;
use crate::data::hats::is_hats;
use crate::data::load_options::LoadOptions;
use crate::data::load_report::LoadReport;
use crate::data::tables::format::CATALOG_EXTENSIONS;
use crate::data::{Catalog, Column, ColumnData};
use crate::error::{Error, Result};

/// Files named by `patterns`: plain paths, glob patterns (`catred/*.fits`) and folders
/// (every catalog file inside: FITS, HDF5, Parquet, VOTable, CSV/ECSV), sorted, each once. A file that exists is
/// itself, even when its name holds glob characters (`cat[1].fits`), so expanding the
/// result again changes nothing.
pub fn expand_paths(patterns: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in patterns {
        let text = p.to_string_lossy();
        if p.is_file() || is_hats(p) {
            // A HATS catalog is one catalog, not a folder of them.
            out.push(p.clone());
        } else if p.is_dir() {
            let entries =
                std::fs::read_dir(p).map_err(|e| Error::file(p, format!("cannot list: {e}")))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let n = f.to_string_lossy().to_ascii_lowercase();
                    CATALOG_EXTENSIONS.iter().any(|e| n.ends_with(e))
                })
                .collect();
            if found.is_empty() {
                return Err(Error::file(
                    p,
                    format!(
                        "is a folder with no catalog files ({})",
                        CATALOG_EXTENSIONS.join(", ")
                    ),
                ));
            }
            found.sort();
            out.extend(found);
        } else if text.contains(['*', '?', '[']) {
            let paths = glob::glob(&text)
                .map_err(|e| Error::user(format!("bad file pattern '{text}': {e}")))?;
            let mut found: Vec<PathBuf> = paths.filter_map(|r| r.ok()).collect();
            if found.is_empty() {
                return Err(Error::user(format!("no files match '{text}'")));
            }
            found.sort();
            out.extend(found);
        } else if p.exists() {
            // Not a regular file (a pipe, a device): its reader says what it makes of it.
            out.push(p.clone());
        } else {
            return Err(Error::file(p, "no such file"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    Ok(out)
}

/// Which algorithm's catalog a file holds, from its name: "pzwav", "amico" or "merged".
pub fn algorithm_of(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    ["pzwav", "amico", "merged"]
        .into_iter()
        .find(|a| name.contains(a))
}

/// The tile a per-tile file belongs to: the longest run of digits in its name.
pub fn tile_of(path: &Path) -> Option<i64> {
    let stem = path.file_name()?.to_string_lossy().into_owned();
    stem.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty() && s.len() <= 18)
        .max_by_key(|s| s.len())
        .and_then(|s| s.parse().ok())
}

/// Reads `paths` in parallel (one cfitsio handle per thread) and stacks them into one
/// catalog with a TILE_ID column (from a TILE_ID column if the files have one, else from
/// the file names; a single file gets none, a column of one value being 8 bytes a row
/// of nothing). All files must have the same columns.
pub fn read_stacked(
    paths: &[PathBuf],
    name: &str,
    opts: &LoadOptions,
) -> Result<(Catalog, LoadReport)> {
    // Per-file progress would interleave; report whole files instead. A stack worth
    // caching caches its parts whatever their own sizes (hundreds of small tiles).
    let total_bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let per_file = LoadOptions {
        progress: None,
        cache: opts.cache.clone().map(|mut c| {
            if total_bytes >= c.min_source_bytes {
                c.min_source_bytes = 0;
            }
            c
        }),
        ..opts.clone()
    };
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut total = LoadReport::default();
    let mut stacked: Option<Catalog> = None;
    let mut tiles: Vec<i64> = Vec::new();
    let mut part_tags = Vec::with_capacity(paths.len());
    // A few files a core at a time, appended as they come: the files read are not all
    // held beside the stack (100M galaxies in 332 tiles peaked at 7.8 GB, whole).
    for chunk in paths.chunks(4 * rayon::current_num_threads().max(1)) {
        let parts: Vec<Result<(Catalog, LoadReport)>> = chunk
            .par_iter()
            .map(|p| {
                let r = read_catalog(p, name, &per_file);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if let Some(progress) = &opts.progress {
                    progress.report(name, n, paths.len() as u64);
                }
                r
            })
            .collect();
        for (path, part) in chunk.iter().zip(parts) {
            let (cat, report) = part?;
            part_tags.push(cat.cache_tag.clone());
            total.rows_in_file += report.rows_in_file;
            total.kept += report.kept;
            total.invalid_coordinates += report.invalid_coordinates;
            total.filtered_out += report.filtered_out;
            if paths.len() > 1 {
                tiles.extend(std::iter::repeat_n(tile_of(path).unwrap_or(-1), cat.len()));
            }
            match &mut stacked {
                None => stacked = Some(cat),
                Some(all) => all.append(cat, path)?,
            }
        }
    }
    let mut cat = stacked.ok_or_else(|| Error::user("no catalog files given"))?;
    if paths.len() > 1 {
        // Derived data belong to the whole stack, not to its first file.
        cat.cache_tag = stack_tag(&part_tags, paths, name, &opts.result_key());
    }
    if paths.len() > 1 && cat.column("TILE_ID").is_none() {
        cat.columns
            .push(Column::new("TILE_ID", "", ColumnData::I64(tiles.into())));
    }
    Ok((cat, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expanding_twice_changes_nothing_even_for_names_with_glob_characters() {
        let dir = std::env::temp_dir().join(format!("clusterviz-expand-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["cat[1].fits", "cat1.fits", "b.h5", "notes.txt"] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        let once = expand_paths(std::slice::from_ref(&dir)).unwrap();
        let twice = expand_paths(&once).unwrap();
        let glob = expand_paths(&[dir.join("cat*.fits")]).unwrap();
        let missing = expand_paths(&[dir.join("gone.fits")])
            .unwrap_err()
            .to_string();
        std::fs::remove_dir_all(&dir).ok();
        let names: Vec<String> = once
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["b.h5", "cat1.fits", "cat[1].fits"]);
        assert_eq!(twice, once);
        assert_eq!(glob, once[1..]);
        assert!(
            missing.contains("gone.fits") && missing.contains("no such file"),
            "{missing}"
        );
    }

    #[test]
    fn names_tell_algorithm_and_tile() {
        assert_eq!(
            algorithm_of(Path::new("out/clusters_PZWAV.fits")),
            Some("pzwav")
        );
        assert_eq!(algorithm_of(Path::new("det_amico_v2.fits")), Some("amico"));
        assert_eq!(algorithm_of(Path::new("x.fits")), None);
        assert_eq!(
            tile_of(Path::new("catred/tile_102018211.fits")),
            Some(102018211)
        );
        assert_eq!(
            tile_of(Path::new("EUC_MER_CAT-TILE102018211-v1.fits")),
            Some(102018211)
        );
        assert_eq!(tile_of(Path::new("galaxies.fits")), None);
    }
}
