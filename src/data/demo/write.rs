//! `clusterviz demo --write DIR`: the demo survey as the files users bring.
//!
//! DIR/clusters_merged.fits, clusters_pzwav.fits, clusters_amico.fits (BINTABLE
//! "CLUSTERS"), DIR/tiles.json and tiles.fits, DIR/mask.fits (partial HEALPix map), and the galaxies
//! split by tile CORE as DIR/catred/tile_<ID>.fits (BINTABLE "CATRED").

use std::path::Path;

use rayon::prelude::*;

use super::DemoSurvey;
use super::galaxies::core_tile_index;
use crate::data::fits_write::{write_catalog, write_healpix_partial};
use crate::error::{Error, Result};

/// Names of the files [`write_survey`] makes at the top of its folder.
const TOP_FILES: [&str; 6] = [
    "clusters_merged.fits",
    "clusters_pzwav.fits",
    "clusters_amico.fits",
    "tiles.json",
    "tiles.fits",
    "mask.fits",
];

/// Removes what [`write_survey`] made in `dir` (its files and `catred/tile_*.fits`);
/// returns how many, and the names of other files found there, which are left alone.
pub fn remove_written(dir: &Path) -> Result<(usize, Vec<String>)> {
    let mut removed = 0;
    let mut others = Vec::new();
    let remove = |p: &Path| {
        std::fs::remove_file(p).map_err(|e| Error::file(p, format!("cannot remove: {e}")))
    };
    let list = |d: &Path| -> Result<Vec<std::path::PathBuf>> {
        let entries =
            std::fs::read_dir(d).map_err(|e| Error::file(d, format!("cannot list: {e}")))?;
        Ok(entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
    };
    for p in list(dir)? {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if TOP_FILES.contains(&name.as_str()) && p.is_file() {
            remove(&p)?;
            removed += 1;
        } else if name == "catred" && p.is_dir() {
            for t in list(&p)? {
                let tname = t
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                if tname.starts_with("tile_") && tname.ends_with(".fits") && t.is_file() {
                    remove(&t)?;
                    removed += 1;
                } else {
                    others.push(format!("catred/{tname}"));
                }
            }
        } else {
            others.push(name);
        }
    }
    Ok((removed, others))
}

pub fn write_survey(s: &DemoSurvey, dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let catred = dir.join("catred");
    std::fs::create_dir_all(&catred)
        .map_err(|e| Error::file(&catred, format!("cannot create: {e}")))?;
    let mut written = Vec::new();
    for (cat, file) in [
        (&s.merged, TOP_FILES[0]),
        (&s.pzwav, TOP_FILES[1]),
        (&s.amico, TOP_FILES[2]),
    ] {
        let path = dir.join(file);
        write_catalog(cat, None, "CLUSTERS", &path)?;
        written.push(path);
    }
    let tiles_path = dir.join("tiles.json");
    s.tiles.write_json(&tiles_path)?;
    written.push(tiles_path);
    let tiles_fits = dir.join("tiles.fits");
    crate::data::tiles_fits::write_tiles_fits(&s.tiles, &tiles_fits)?;
    written.push(tiles_fits);
    let mask_path = dir.join("mask.fits");
    write_healpix_partial(&s.mask, &mask_path)?;
    written.push(mask_path);

    // Group galaxy rows by the tile whose CORE holds them.
    let mut rows_by_tile: Vec<Vec<usize>> = vec![Vec::new(); s.tiles.tiles.len()];
    for i in 0..s.galaxies.len() {
        if let Some(t) = core_tile_index(s.galaxies.ra(i), s.galaxies.dec(i)) {
            rows_by_tile[t].push(i);
        }
    }
    let paths: Vec<Result<std::path::PathBuf>> = rows_by_tile
        .par_iter()
        .enumerate()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(t, rows)| {
            let path = catred.join(format!("tile_{}.fits", s.tiles.tiles[t].id));
            write_catalog(&s.galaxies, Some(rows), "CATRED", &path).map(|_| path)
        })
        .collect();
    for p in paths {
        written.push(p?);
    }
    Ok(written)
}
