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

pub fn write_survey(s: &DemoSurvey, dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let catred = dir.join("catred");
    std::fs::create_dir_all(&catred)
        .map_err(|e| Error::file(&catred, format!("cannot create: {e}")))?;
    let mut written = Vec::new();
    for (cat, file) in [
        (&s.merged, "clusters_merged.fits"),
        (&s.pzwav, "clusters_pzwav.fits"),
        (&s.amico, "clusters_amico.fits"),
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
