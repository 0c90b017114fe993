//! The viewer's side of SAMP: tables other applications send (TOPCAT's "Send table",
//! `table.load.votable` / `table.load.fits`) are shown as the merged cluster catalog, a
//! click on one of its clusters highlights that row in the sender (`table.highlight.row`),
//! and tables the viewer saves are offered to the applications that load FITS tables.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::app::frame::ViewerFrame;
use crate::app::live_scene::{LiveScene, SceneOptions};
use crate::app::loader::LoadEvent;
use crate::app::scene_data::SceneData;
use crate::data::Survey;
use crate::data::catalog_reader::read_catalog;
use crate::data::load_options::LoadOptions;
use crate::samp::{Incoming, SampClient, Value};
use crate::scene::layers::LayerKind;

/// The message types the viewer subscribes to.
pub const RECEIVED: &[&str] = &[
    "table.load.votable",
    "table.load.fits",
    "samp.hub.event.shutdown",
];

/// How often a viewer without a hub looks for one.
const RETRY: Duration = Duration::from_secs(3);

/// A viewer that wants to be on a SAMP hub: where to find it, and when to look again.
#[derive(Debug)]
pub struct SampWanted {
    /// The hub's lockfile; `None` for the environment's (`SAMP_HUB`, else `~/.samp`).
    pub lockfile: Option<PathBuf>,
    next_try: std::time::Instant,
    /// Why the last attempt failed (said once, not every few seconds).
    last_error: Option<String>,
}

impl SampWanted {
    pub fn environment() -> SampWanted {
        Self::at(None)
    }

    pub fn at(lockfile: Option<PathBuf>) -> SampWanted {
        SampWanted {
            lockfile,
            next_try: std::time::Instant::now(),
            last_error: None,
        }
    }
}

/// Joins the hub if the viewer wants one, has none, and it is time to look again.
fn join_if_due(frame: &mut ViewerFrame) {
    let Some(wanted) = frame.samp_wanted.as_mut() else {
        return;
    };
    if frame.samp.is_some() || std::time::Instant::now() < wanted.next_try {
        return;
    }
    wanted.next_try = std::time::Instant::now() + RETRY;
    match crate::samp::connect(wanted.lockfile.as_deref(), RECEIVED) {
        Ok(client) => {
            wanted.last_error = None;
            frame.samp = Some(client);
            frame.state.message = Some("SAMP: connected to the hub".into());
        }
        Err(e) if wanted.last_error.as_ref() != Some(&e) => {
            // No hub is no reason not to view: the status line says why SAMP is off.
            report!("warning: SAMP: {e}");
            frame.state.message = Some(format!("SAMP off (looking again every few seconds): {e}"));
            wanted.last_error = Some(e);
        }
        Err(_) => {}
    }
}

/// Handles the messages that arrived since the last frame; the status line says what
/// became of each, and a call's sender gets the same answer.
pub fn receive(frame: &mut ViewerFrame) {
    join_if_due(frame);
    let Some(samp) = frame.samp.take() else {
        return;
    };
    while let Ok(m) = samp.messages.try_recv() {
        if m.mtype == "samp.hub.event.shutdown" {
            // Gone with its hub (no unregistering from a hub that has left).
            samp.forget_hub();
            frame.samp_table = None;
            frame.state.message = Some("SAMP: the hub shut down; rejoining when one starts".into());
            return;
        }
        let result = show_table(frame, &m);
        frame.state.message = Some(match &result {
            Ok(said) => said.clone(),
            Err(e) => format!("SAMP table refused: {e}"),
        });
        if frame.trace {
            report!("trace: {}", frame.state.message.as_deref().unwrap_or(""));
        }
        if let Some(id) = &m.msg_id
            && let Err(e) = samp.reply(id, result.map(|_| Value::Map(Vec::new())))
        {
            report!("warning: SAMP reply to {}: {e}", m.sender);
        }
    }
    frame.samp = Some(samp);
}

/// Reads the table a message names and shows it as the merged clusters.
fn show_table(frame: &mut ViewerFrame, m: &Incoming) -> Result<String, String> {
    if !RECEIVED.contains(&m.mtype.as_str()) {
        return Err(format!("{} is not a message clusterviz takes", m.mtype));
    }
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
    let (table, report) = read_catalog(&path, "merged", &LoadOptions::default())
        .map_err(|e| format!("{name}: {e}"))?;
    let Some(data) = frame.data.as_deref() else {
        return Err("the viewer has not loaded its survey yet".into());
    };
    let scene = frame.scene.as_deref().ok_or("no scene yet")?;
    // The rest of the survey stays (catalogs from the cache share their columns).
    let s = &data.survey;
    let survey = Survey {
        merged: Some(table),
        source: format!("{} + {name} (over SAMP)", s.source),
        tiles: s.tiles.clone(),
        pzwav: s.pzwav.clone(),
        amico: s.amico.clone(),
        galaxies: s.galaxies.clone(),
        galaxy_counts: s.galaxy_counts.clone(),
        mask: s.mask.clone(),
    };
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
        .map(|id| (id.to_string(), url.to_string()));
    frame.accept(LoadEvent::Loaded {
        data: Box::new(data),
        scene: Box::new(live),
        complete: true,
        took: t0.elapsed(),
    });
    Ok(format!(
        "SAMP: showing {name} from {} as the merged clusters ({} rows)",
        m.sender, report.kept
    ))
}

/// A merged cluster that came over SAMP was selected: its row is highlighted in the
/// applications that show that table (TOPCAT's row highlight).
pub fn selection_changed(frame: &mut ViewerFrame) {
    let (Some(samp), Some((table_id, url)), Some(sel)) =
        (&frame.samp, &frame.samp_table, frame.state.selection)
    else {
        return;
    };
    if sel.layer != LayerKind::Merged {
        return;
    }
    let params = Value::map(&[
        ("table-id", Value::str(table_id)),
        ("url", Value::str(url)),
        ("row", Value::str(sel.row.to_string())),
    ]);
    if let Err(e) = samp.notify_all("table.highlight.row", params) {
        frame.state.message = Some(format!("SAMP: {e}"));
    }
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

/// Offers saved tables to the SAMP applications that load FITS tables (TOPCAT, Aladin):
/// returns how many took the first.
pub fn send_tables(samp: &SampClient, files: &[(PathBuf, usize)]) -> Result<usize, String> {
    let mut recipients = 0;
    for (k, (path, _)) in files.iter().enumerate() {
        let path: &Path = path;
        let path = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let params = Value::map(&[
            ("url", Value::str(format!("file://{}", path.display()))),
            ("name", Value::str(&name)),
            ("table-id", Value::str(format!("clusterviz:{name}"))),
        ]);
        let ids = samp.notify_all("table.load.fits", params)?;
        if k == 0 {
            recipients = ids.len();
        }
    }
    Ok(recipients)
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
