//! Tables other applications send (TOPCAT's "Send table": `table.load.votable`,
//! `table.load.fits`), read from their URL and shown as the merged cluster catalog, or as
//! the galaxies when they are a galaxy table.

use std::path::PathBuf;
use std::time::Duration;

use crate::app::frame::ViewerFrame;
use crate::app::live_scene::{LiveScene, SceneOptions};
use crate::app::loader::LoadEvent;
use crate::app::scene_data::SceneData;
use crate::data::Survey;
use crate::data::catalog_reader::read_catalog;
use crate::data::load_options::LoadOptions;
use crate::samp::{Incoming, Value};
use crate::scene::ViewSpec;
use crate::scene::layers::LayerKind;
use glam::DVec3;

/// Galaxy tables have more rows than any cluster catalog and no detection SNR.
const GALAXY_ROWS: usize = 200_000;

/// The layer a received table joins: the galaxies when its name says so ("galaxies",
/// "GALAXY_CAT") or when it is as large as a galaxy table and has no SNR column; else the
/// merged clusters (TOPCAT's cluster tables, VizieR's catalogues).
fn layer_for(name: &str, table: &crate::data::Catalog) -> LayerKind {
    let named = name.to_ascii_lowercase().contains("galax");
    if named || (table.len() > GALAXY_ROWS && table.roles.snr.is_none()) {
        LayerKind::Galaxies
    } else {
        LayerKind::Merged
    }
}

/// Reads the table a message names and shows it as the merged clusters or the galaxies.
pub(super) fn show_table(frame: &mut ViewerFrame, m: &Incoming) -> Result<String, String> {
    let url = m
        .params
        .get("url")
        .and_then(Value::as_str)
        .ok_or("the message names no url")?;
    let name = m
        .params
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(url)
        .to_string();
    let (path, _download) = local_copy(url)?;
    let (mut table, report) = read_catalog(&path, "merged", &LoadOptions::default())
        .map_err(|e| format!("{name}: {e}"))?;
    let layer = layer_for(&name, &table);
    if layer == LayerKind::Galaxies {
        table.name = "galaxies".into();
    }
    let Some(data) = frame.data.as_deref() else {
        return Err("the viewer has not loaded its survey yet".into());
    };
    let scene = frame.scene.as_deref().ok_or("no scene yet")?;
    // The rest of the survey stays (catalogs from the cache share their columns).
    let s = &data.survey;
    let mut survey = Survey {
        merged: s.merged.clone(),
        source: format!("{} + {name} (over SAMP)", s.source),
        tiles: s.tiles.clone(),
        pzwav: s.pzwav.clone(),
        amico: s.amico.clone(),
        galaxies: s.galaxies.clone(),
        galaxy_counts: s.galaxy_counts.clone(),
        galaxy_source: s.galaxy_source.clone(),
        mask: s.mask.clone(),
    };
    if layer == LayerKind::Galaxies {
        survey.galaxies = Some(table);
        // The counts were those of the galaxies the table replaces.
        survey.galaxy_counts = None;
        survey.galaxy_source = None;
    } else {
        survey.merged = Some(table);
    }
    let options = SceneOptions {
        format: frame.output_format,
        ..SceneOptions::new(scene.theme, scene.style.clone())
    };
    let t0 = std::time::Instant::now();
    let live = LiveScene::build(&frame.ctx, &survey, &options).map_err(|e| e.to_string())?;
    let drawn = |k| live.layers.get(k).is_some();
    let data =
        SceneData::new(survey, &live.layers.lod_orders(), drawn).map_err(|e| e.to_string())?;
    // Rows map one to one only if none was dropped (bad coordinates).
    frame.samp_table = m
        .params
        .get("table-id")
        .and_then(Value::as_str)
        .filter(|_| report.invalid_coordinates == 0)
        .map(|id| super::SampTable {
            id: id.to_string(),
            url: url.to_string(),
            layer,
        });
    // Rows others highlighted belonged to the table this one replaces.
    frame.state.highlighted.clear();
    frame.accept(LoadEvent::Loaded {
        data: Box::new(data),
        scene: Box::new(live),
        complete: true,
        took: t0.elapsed(),
    });
    let framed = if frame_table_if_unseen(frame, layer) {
        ", framed (none was in view)"
    } else {
        ""
    };
    Ok(format!(
        "SAMP: showing {name} from {} as the {} ({} rows){framed}",
        m.sender,
        super::follow::layer_words(layer),
        report.kept
    ))
}

/// Frames the received table (shown as `layer`) if none of its rows is in view: the user
/// sent it to see it. True if the view moved.
fn frame_table_if_unseen(frame: &mut ViewerFrame, layer: LayerKind) -> bool {
    let Some(cat) = frame.data.as_deref().and_then(|d| d.catalog(layer)) else {
        return false;
    };
    let v = frame.state.view;
    let (w, h) = (f64::from(v.canvas.0), f64::from(v.canvas.1));
    let roles = cat.role_view();
    let dirs: Vec<DVec3> = (0..cat.len())
        .map(|r| roles.direction(r))
        .filter(|d| d.is_finite())
        .collect();
    let seen = dirs.iter().any(|&d| {
        v.project(d)
            .is_some_and(|p| p.x >= 0.0 && p.x <= w && p.y >= 0.0 && p.y <= h)
    });
    if seen || dirs.is_empty() {
        return false;
    }
    let spec = ViewSpec {
        projection: Some(v.projection),
        frame: v.frame,
        rotation: v.rotation_deg,
        ..ViewSpec::default()
    };
    frame.state.view = spec.initial_view(&dirs, v.canvas);
    frame.state.generation += 1;
    true
}

/// The file a table URL names: a `file:` URL's own path, or an `http:` URL downloaded to
/// a temporary file (returned too, so that it lives while the table is read).
fn local_copy(url: &str) -> Result<(PathBuf, Option<TempFile>), String> {
    if let Some(rest) = url.strip_prefix("file:") {
        // file:///p, file://localhost/p and Java's file:/p.
        let path = rest
            .strip_prefix("//localhost")
            .or_else(|| rest.strip_prefix("//"))
            .unwrap_or(rest);
        return Ok((PathBuf::from(percent_decoded(path)?), None));
    }
    if url.starts_with("http://") {
        let tmp = TempFile(std::env::temp_dir().join(format!(
            "clusterviz-samp-{}-{}",
            std::process::id(),
            url.rsplit('/').next().unwrap_or("table")
        )));
        crate::samp::http::get_to_file(url, &tmp.0, Duration::from_secs(60))?;
        return Ok((tmp.0.clone(), Some(tmp)));
    }
    Err(format!("{url}: only file: and http: URLs are read"))
}

/// A downloaded table, removed once read.
#[derive(Debug)]
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `%20` and the like decoded (file URLs escape spaces and non-ASCII).
fn percent_decoded(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .ok_or_else(|| format!("bad escape in {s}"))?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape in {s}"))?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{s} is not UTF-8 once decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_in_their_three_spellings() {
        for url in [
            "file:///tmp/a%20b.vot",
            "file://localhost/tmp/a%20b.vot",
            "file:/tmp/a%20b.vot",
        ] {
            assert_eq!(
                local_copy(url).unwrap().0,
                PathBuf::from("/tmp/a b.vot"),
                "{url}"
            );
        }
        assert!(
            local_copy("ftp://x/y")
                .unwrap_err()
                .contains("only file: and http:")
        );
    }
}
