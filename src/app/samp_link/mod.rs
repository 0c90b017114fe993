//! The viewer's side of SAMP, the desktop's messaging between TOPCAT, Aladin, DS9 and
//! the like. Received: tables (shown as the merged clusters or, for galaxy tables, the
//! galaxies; see [`table_load`]), row highlights and row lists for such a table, and sky
//! positions to look at (see [`follow`]). Sent: a selected object's position
//! (`coord.pointAt.sky`, for image viewers to follow), its row to the application that
//! sent its table (`table.highlight.row`), and with "Save clusters in view" the saved
//! tables (`table.load.fits` or `table.load.votable`) and the rows in view of a received
//! table (`table.select.rowList`).

mod follow;
mod table_load;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Duration;

use crate::app::frame::ViewerFrame;
use crate::samp::{Incoming, SampClient, Value};
use crate::scene::layers::LayerKind;

/// The message types the viewer subscribes to.
pub const RECEIVED: &[&str] = &[
    "table.load.votable",
    "table.load.fits",
    "table.highlight.row",
    "table.select.rowList",
    "coord.pointAt.sky",
    "samp.hub.event.shutdown",
];

/// A table received over SAMP and shown: its sender's ID and URL for it (messages about
/// its rows name them), and the layer it became.
#[derive(Clone, Debug, PartialEq)]
pub struct SampTable {
    pub id: String,
    pub url: String,
    pub layer: LayerKind,
}

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
    /// The attempt under way, on a thread of its own: a hub that hangs costs no frame.
    joining: Option<Receiver<Result<SampClient, String>>>,
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
            joining: None,
        }
    }
}

/// How often the list of the hub's other applications is asked for.
const PEERS_EVERY: Duration = Duration::from_secs(3);

/// (client ID, name) of applications on the hub.
type Clients = Vec<(String, String)>;

/// The hub's other applications, for the "Send to" menu: asked for every few seconds on
/// a thread of its own.
#[derive(Debug, Default)]
pub struct SampPeers {
    /// (client ID, name), the hub itself left out.
    pub clients: Clients,
    asking: Option<Receiver<Result<Clients, String>>>,
    next: Option<std::time::Instant>,
}

/// Takes the last answer to "who is on the hub", and asks again when it is time.
fn refresh_peers(frame: &mut ViewerFrame) {
    let Some(samp) = &frame.samp else {
        frame.samp_peers = SampPeers::default();
        return;
    };
    let peers = &mut frame.samp_peers;
    if let Some(asking) = &peers.asking {
        match asking.try_recv() {
            Ok(Ok(clients)) => {
                peers.clients = clients.into_iter().filter(|(id, _)| id != "hub").collect();
                peers.asking = None;
            }
            Ok(Err(_)) | Err(TryRecvError::Disconnected) => peers.asking = None,
            Err(TryRecvError::Empty) => return,
        }
    }
    let now = std::time::Instant::now();
    if peers.next.is_some_and(|t| now < t) {
        return;
    }
    peers.next = Some(now + PEERS_EVERY);
    let (tx, rx) = channel();
    samp.link().in_background(move |l| {
        let _ = tx.send(l.clients());
        Ok(())
    });
    peers.asking = Some(rx);
}

/// Joins the hub if the viewer wants one, has none, and it is time to look again: the
/// attempt runs on a thread, and a later frame takes its result.
fn join_if_due(frame: &mut ViewerFrame) {
    let Some(wanted) = frame.samp_wanted.as_mut() else {
        return;
    };
    if let Some(joining) = &wanted.joining {
        let result = match joining.try_recv() {
            Ok(result) => result,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the attempt to join the hub failed".into()),
        };
        wanted.joining = None;
        match result {
            Ok(client) => {
                wanted.last_error = None;
                frame.samp = Some(client);
                frame.state.message = Some("SAMP: connected to the hub".into());
            }
            Err(e) if wanted.last_error.as_ref() != Some(&e) => {
                // No hub is no reason not to view: the status line says why SAMP is off.
                report!("warning: SAMP: {e}");
                frame.state.message =
                    Some(format!("SAMP off (looking again every few seconds): {e}"));
                wanted.last_error = Some(e);
            }
            Err(_) => {}
        }
        return;
    }
    if frame.samp.is_some() || std::time::Instant::now() < wanted.next_try {
        return;
    }
    wanted.next_try = std::time::Instant::now() + RETRY;
    let (tx, rx) = channel();
    let lockfile = wanted.lockfile.clone();
    std::thread::spawn(move || {
        let _ = tx.send(crate::samp::connect(lockfile.as_deref(), RECEIVED));
    });
    wanted.joining = Some(rx);
}

/// Handles the messages that arrived since the last frame; the status line says what
/// became of each, and a call's sender gets the same answer.
pub fn receive(frame: &mut ViewerFrame) {
    join_if_due(frame);
    refresh_peers(frame);
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
        let result = handle(frame, &m);
        frame.state.message = Some(match &result {
            Ok(said) => said.clone(),
            Err(e) => format!("SAMP {} refused: {e}", m.mtype),
        });
        if frame.trace {
            report!("trace: {}", frame.state.message.as_deref().unwrap_or(""));
        }
        if let Some(id) = &m.msg_id {
            let (id, result) = (id.clone(), result.map(|_| Value::Map(Vec::new())));
            samp.link().in_background(move |l| l.reply(&id, result));
        }
    }
    frame.samp = Some(samp);
}

/// What one message does; `Ok` says what became of it.
fn handle(frame: &mut ViewerFrame, m: &Incoming) -> Result<String, String> {
    match m.mtype.as_str() {
        "table.load.votable" | "table.load.fits" => table_load::show_table(frame, m),
        "coord.pointAt.sky" => follow::point_at(frame, m),
        "table.highlight.row" => follow::highlight_row(frame, m),
        "table.select.rowList" => follow::select_rows(frame, m),
        other => Err(format!("{other} is not a message clusterviz takes")),
    }
}

/// The user selected an object: image viewers are pointed at it (`coord.pointAt.sky`),
/// and a merged cluster that came over SAMP has its row highlighted in the applications
/// that show that table (TOPCAT's row highlight). Selections made by SAMP messages are
/// not echoed (they change the state before the frame compares it). Sent from threads
/// of their own: a click waits for no hub.
pub fn selection_changed(frame: &mut ViewerFrame) {
    let (Some(samp), Some(sel)) = (&frame.samp, frame.state.selection) else {
        return;
    };
    if let Some(cat) = frame.data.as_deref().and_then(|d| d.catalog(sel.layer)) {
        let (ra, dec) = (cat.ra(sel.row as usize), cat.dec(sel.row as usize));
        let params = Value::map(&[
            ("ra", Value::str(format!("{ra:.8}"))),
            ("dec", Value::str(format!("{dec:.8}"))),
        ]);
        samp.link()
            .in_background(|l| l.notify_all("coord.pointAt.sky", params).map(|_| ()));
    }
    let Some(table) = &frame.samp_table else {
        return;
    };
    if sel.layer != table.layer {
        return;
    }
    let params = Value::map(&[
        ("table-id", Value::str(&table.id)),
        ("url", Value::str(&table.url)),
        ("row", Value::str(sel.row.to_string())),
    ]);
    samp.link()
        .in_background(|l| l.notify_all("table.highlight.row", params).map(|_| ()));
}

/// Marks `rows` of a table that came over SAMP in the applications
/// showing it (`table.select.rowList`, TOPCAT's subset); returns how many took them.
pub fn send_rows(samp: &SampClient, table: &SampTable, rows: &[usize]) -> Result<usize, String> {
    let list = rows.iter().map(|r| Value::str(r.to_string())).collect();
    let params = Value::map(&[
        ("table-id", Value::str(&table.id)),
        ("url", Value::str(&table.url)),
        ("row-list", Value::List(list)),
    ]);
    Ok(samp.notify_all("table.select.rowList", params)?.len())
}

/// Offers saved tables to the SAMP applications that load tables of their format
/// (`table.load.fits` or `table.load.votable`: TOPCAT, Aladin), or to `recipient` only
/// (the "Send to" menu's choice): returns how many took the first.
pub fn send_tables(
    samp: &SampClient,
    files: &[(PathBuf, usize)],
    recipient: Option<&str>,
) -> Result<usize, String> {
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
        let votable = path.extension().is_some_and(|e| e == "vot");
        let mtype = if votable {
            "table.load.votable"
        } else {
            "table.load.fits"
        };
        let took = match recipient {
            Some(id) => samp.link().notify(id, mtype, params).map(|_| 1)?,
            None => samp.notify_all(mtype, params)?.len(),
        };
        if k == 0 {
            recipients = took;
        }
    }
    Ok(recipients)
}
