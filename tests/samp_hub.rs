//! SAMP against a real hub: JSAMP's (Debian's libjsamp-java, headless), with messages sent
//! by JSAMP's own `messagesender` as TOPCAT would send them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use glam::DVec2;

use clusterviz::samp::lockfile::read_lockfile;
use clusterviz::samp::{SampClient, Value};

mod common;

const JSAMP: &str = "/usr/share/java/jsamp.jar";

/// A JSAMP hub whose lockfile lives in a home folder of its own.
struct Hub {
    child: Child,
    home: PathBuf,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// A home folder of its own for a hub named `name`.
fn hub_home(name: &str) -> PathBuf {
    let home = std::env::temp_dir().join(format!("clusterviz-samp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    home
}

fn start_hub(name: &str) -> Hub {
    start_hub_in(hub_home(name))
}

fn start_hub_in(home: PathBuf) -> Hub {
    assert!(
        Path::new(JSAMP).exists(),
        "{JSAMP} missing: scripts/setup.sh installs libjsamp-java"
    );
    let child = Command::new("java")
        .arg(format!("-Duser.home={}", home.display()))
        .args(["-jar", JSAMP, "hub", "-mode", "no-gui", "-profiles", "std"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("java (scripts/setup.sh installs default-jre-headless)");
    let hub = Hub { child, home };
    let t0 = Instant::now();
    while read_lockfile(&hub.home.join(".samp")).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the hub wrote no lockfile"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    hub
}

/// JSAMP's messagesender, run against `hub`: its output once it has its answer.
fn send(hub: &Hub, args: &[&str]) -> std::thread::JoinHandle<String> {
    let mut cmd = Command::new("java");
    cmd.arg(format!("-Duser.home={}", hub.home.display()))
        .args(["-jar", JSAMP, "messagesender"])
        .args(args);
    std::thread::spawn(move || {
        let o = cmd.output().expect("run messagesender");
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
    })
}

/// JSAMP's snooper subscribed to `mtype`, and the lines it prints.
struct Snooper(Child);

impl Drop for Snooper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn snooper(hub: &Hub, mtype: &str) -> (Snooper, std::sync::mpsc::Receiver<String>) {
    snooper_named(hub, "topcat-stand-in", mtype)
}

/// As [`snooper`], registered as `name`.
fn snooper_named(
    hub: &Hub,
    name: &str,
    mtype: &str,
) -> (Snooper, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new("java")
        .arg(format!("-Duser.home={}", hub.home.display()))
        .args([
            "-jar",
            JSAMP,
            "snooper",
            "-clientname",
            name,
            "-mtype",
            mtype,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (Snooper(child), rx)
}

/// A JSAMP ping sent to clusterviz: what the sender printed.
fn ping(hub: &Hub) -> String {
    send(
        hub,
        &[
            "-mtype",
            "samp.app.ping",
            "-targetname",
            "clusterviz",
            "-mode",
            "sync",
        ],
    )
    .join()
    .unwrap()
}

/// A headless viewer of `view`'s canvas over the demo survey with `galaxies` galaxies,
/// loaded, framed by `frame_on_load` if given.
fn demo_viewer(
    view: clusterviz::view::View,
    galaxies: u64,
    frame_on_load: Option<clusterviz::scene::ViewSpec>,
) -> clusterviz::app::headless::HeadlessViewer {
    use clusterviz::app::headless::HeadlessViewer;
    use clusterviz::app::loader::SceneOptions;
    use clusterviz::data::demo::DemoConfig;
    use clusterviz::data::load::SurveyInputs;
    use clusterviz::scene::SceneStyle;
    use clusterviz::view::Theme;
    let ctx = std::sync::Arc::new(common::gpu());
    let mut v = HeadlessViewer::new(ctx, view.canvas, view, 200_000).unwrap();
    v.frame.frame_on_load = frame_on_load;
    let inputs = SurveyInputs {
        demo: Some(DemoConfig { seed: 2, galaxies }),
        ..SurveyInputs::default()
    };
    v.load(
        inputs,
        SceneOptions::new(Theme::Dark, SceneStyle::default()),
    )
    .unwrap();
    v
}

#[test]
fn a_table_sent_by_a_samp_client_arrives_and_is_answered() {
    let hub = start_hub("table");
    let info = read_lockfile(&hub.home.join(".samp")).unwrap();
    let client = SampClient::connect(
        info,
        "clusterviz",
        "galaxy-cluster survey viewer",
        &["table.load.votable", "table.load.fits"],
    )
    .unwrap();
    let table =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/table_astropy_binary2.vot");
    let url = format!("file://{}", table.display());
    let sender = send(
        &hub,
        &[
            "-mtype",
            "table.load.votable",
            "-param",
            "url",
            &url,
            "-param",
            "table-id",
            "t1",
            "-param",
            "name",
            "ACT clusters",
            "-targetname",
            "clusterviz",
            "-mode",
            "sync",
        ],
    );
    let message = client
        .messages
        .recv_timeout(Duration::from_secs(60))
        .expect("the message reaches the client");
    assert_eq!(message.mtype, "table.load.votable");
    assert_eq!(
        message.params.get("url").and_then(Value::as_str),
        Some(url.as_str())
    );
    assert_eq!(
        message.params.get("name").and_then(Value::as_str),
        Some("ACT clusters")
    );
    let id = message
        .msg_id
        .clone()
        .expect("a call, which expects a reply");
    client.reply(&id, Ok(Value::Map(Vec::new()))).unwrap();
    let out = sender.join().unwrap();
    assert!(out.contains("samp.ok"), "the sender got: {out}");
    // A ping is answered by the client itself.
    let out = ping(&hub);
    assert!(out.contains("samp.ok"), "ping: {out}");
}

#[test]
fn an_error_reply_reaches_the_sender_and_unregistering_leaves_the_hub() {
    let hub = start_hub("error");
    let info = read_lockfile(&hub.home.join(".samp")).unwrap();
    let mut client =
        SampClient::connect(info, "clusterviz", "test", &["table.load.votable"]).unwrap();
    let sender = send(
        &hub,
        &[
            "-mtype",
            "table.load.votable",
            "-param",
            "url",
            "file:///no/such.vot",
            "-targetname",
            "clusterviz",
            "-mode",
            "sync",
        ],
    );
    let message = client
        .messages
        .recv_timeout(Duration::from_secs(60))
        .unwrap();
    client
        .reply(
            message.msg_id.as_deref().unwrap(),
            Err("/no/such.vot: no such file".into()),
        )
        .unwrap();
    let out = sender.join().unwrap();
    assert!(
        out.contains("samp.error") && out.contains("/no/such.vot: no such file"),
        "{out}"
    );
    client.unregister().unwrap();
    // Gone from the hub: a message to it finds no recipient.
    let out = ping(&hub);
    assert!(!out.contains("samp.ok"), "still registered: {out}");
}

#[test]
fn the_viewer_sends_the_clusters_it_saves_to_the_applications_on_the_hub() {
    use clusterviz::scene::ViewSpec;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    let hub = start_hub("viewer");
    // JSAMP's snooper stands for TOPCAT: it subscribes to table.load.fits and prints what
    // it receives.
    let (snooper, rx) = snooper(&hub, "table.load.fits");
    // The viewer, joined to the hub as `view --samp` joins it.
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 60.0, (640, 480));
    let mut v = demo_viewer(view, 2_000, Some(ViewSpec::default()));
    v.step().unwrap();
    let info = read_lockfile(&hub.home.join(".samp")).unwrap();
    v.frame.samp = Some(SampClient::connect(info, "clusterviz", "test", &[]).unwrap());
    let dir = hub.home.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    v.frame.screenshot_path = Some(dir.join("view.png"));
    // The snooper must be registered before the tables go out.
    let t0 = Instant::now();
    loop {
        v.key(egui::Key::T);
        v.step().unwrap();
        let message = v.frame.state.message.clone().unwrap_or_default();
        if message.contains("sent over SAMP to 1 application") {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "never sent: {message}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let merged = std::fs::canonicalize(dir.join("view-clusters-merged.fits")).unwrap();
    let wanted = format!("file://{}", merged.display());
    let t0 = Instant::now();
    let mut seen = String::new();
    while !seen.contains(&wanted) {
        let left = Duration::from_secs(60).saturating_sub(t0.elapsed());
        match rx.recv_timeout(left) {
            Ok(line) => seen += &(line + "\n"),
            Err(_) => panic!("the snooper never got {wanted}; it printed:\n{seen}"),
        }
    }
    assert!(seen.contains("table.load.fits"), "{seen}");
    drop(snooper);
}

/// A headless viewer on `hub` (subscribed as `view --samp` subscribes) to which JSAMP's
/// messagesender sent the 7-row ACT table as TOPCAT's "Send table" does (table-id
/// `act-1`); waits until it is shown, and returns the sender's answer.
fn viewer_showing_the_act_table(
    hub: &Hub,
    view: clusterviz::view::View,
) -> (clusterviz::app::headless::HeadlessViewer, String) {
    let mut v = demo_viewer(view, 0, None);
    v.step().unwrap();
    let info = read_lockfile(&hub.home.join(".samp")).unwrap();
    v.frame.samp = Some(
        SampClient::connect(
            info,
            "clusterviz",
            "test",
            clusterviz::app::samp_link::RECEIVED,
        )
        .unwrap(),
    );
    // TOPCAT's "Send table" is a table.load.votable call with the table's URL.
    let table =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/table_stilts_binary2.vot");
    let url = format!("file://{}", table.display());
    let sender = send(
        hub,
        &[
            "-mtype",
            "table.load.votable",
            "-param",
            "url",
            &url,
            "-param",
            "name",
            "ACT clusters",
            "-param",
            "table-id",
            "act-1",
            "-targetname",
            "clusterviz",
            "-mode",
            "sync",
        ],
    );
    wait_for_message(&mut v, "showing ACT clusters");
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(message.contains("(7 rows)"), "{message}");
    (v, sender.join().unwrap())
}

/// Steps the viewer until its status line contains `what`; returns that line.
fn wait_for_message(v: &mut clusterviz::app::headless::HeadlessViewer, what: &str) -> String {
    let t0 = Instant::now();
    loop {
        v.step().unwrap();
        let message = v.frame.state.message.clone().unwrap_or_default();
        if message.contains(what) {
            return message;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "waiting for '{what}': {message}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Lines from a snooper until one contains every one of `wanted` (60 s at most).
fn snooped_until(lines: &std::sync::mpsc::Receiver<String>, wanted: &[&str]) -> String {
    let t0 = Instant::now();
    let mut seen = String::new();
    while !wanted.iter().all(|w| seen.contains(w)) {
        let left = Duration::from_secs(60).saturating_sub(t0.elapsed());
        match lines.recv_timeout(left) {
            Ok(line) => seen += &(line + "\n"),
            Err(_) => panic!("the snooper never saw {wanted:?}; it printed:\n{seen}"),
        }
    }
    seen
}

#[test]
fn a_table_sent_over_samp_is_shown_as_the_merged_clusters() {
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    let hub = start_hub("receive");
    let view = View::new(Projection::Tan, Frame::Icrs, (151.5, 1.25), 4.0, (640, 480));
    let (mut v, out) = viewer_showing_the_act_table(&hub, view);
    assert!(out.contains("samp.ok"), "{out}");
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(
        !message.contains("framed"),
        "the table was in view: {message}"
    );
    // The merged clusters are the table's rows now, drawn where the table puts them.
    let merged = common::merged_clusters(&v);
    assert_eq!(merged.len(), 7);
    assert_eq!((merged.ra(0), merged.dec(0)), (150.0, 2.0));
    let before = v.screenshot().unwrap();
    let view = v.frame.state.view;
    let p = view.project_radec(151.5, 1.25).unwrap();
    let (x, y) = (p.x.round() as u32, p.y.round() as u32);
    let origin = v.frame.sky_origin;
    let px = before.pixel(x + origin.0 as u32, y + origin.1 as u32);
    let sky = before.pixel(origin.0 as u32 + 5, origin.1 as u32 + 5);
    assert_ne!(
        px, sky,
        "no cluster drawn at the table's row 3 (RA 151.5, Dec 1.25)"
    );
    // A click on the table's row 3 highlights that row in the applications showing it
    // (JSAMP's snooper stands for TOPCAT).
    let (snooper, lines) = snooper(&hub, "table.highlight.row");
    let t0 = Instant::now();
    let mut seen = String::new();
    let mut clicked = false;
    while !(seen.contains("table.highlight.row") && seen.contains("act-1")) {
        if !clicked || seen.is_empty() {
            // Until the snooper has registered, clicks go unheard: click again.
            let at = DVec2::new(p.x + origin.0 as f64, p.y + origin.1 as f64);
            v.frame.state.selection = None;
            v.pointer_move(at);
            v.pointer_button(at, true);
            v.pointer_button(at, false);
            v.step().unwrap();
            clicked = true;
        }
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(500)) {
            seen += &(line + "\n");
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "no highlight; the snooper printed:\n{seen}"
        );
    }
    let sel = v
        .frame
        .state
        .selection
        .expect("the click selected a cluster");
    assert_eq!(sel.row, 3);
    while !seen.contains("\"row\": \"3\"") {
        match lines.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => seen += &(line + "\n"),
            Err(_) => panic!("row 3 not named; the snooper printed:\n{seen}"),
        }
    }
    drop(snooper);
    // A table that cannot be read is refused, and the sender is told why.
    let out = send(
        &hub,
        &[
            "-mtype",
            "table.load.votable",
            "-param",
            "url",
            "file:///no/such/table.vot",
            "-targetname",
            "clusterviz",
            "-mode",
            "sync",
        ],
    );
    let t0 = Instant::now();
    while !v
        .frame
        .state
        .message
        .clone()
        .unwrap_or_default()
        .contains("refused")
    {
        v.step().unwrap();
        assert!(t0.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = out.join().unwrap();
    assert!(
        out.contains("samp.error") && out.contains("/no/such/table.vot"),
        "{out}"
    );
    assert_eq!(common::merged_clusters(&v).len(), 7);
}

#[test]
fn the_viewer_joins_a_hub_that_starts_later_and_leaves_one_that_shuts_down() {
    use clusterviz::app::headless::HeadlessViewer;
    use clusterviz::app::samp_link::SampWanted;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    let home = hub_home("later");
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 10.0, (480, 360));
    let mut v = demo_viewer(view, 0, None);
    v.frame.samp_wanted = Some(SampWanted::at(Some(home.join(".samp"))));
    let message = wait_for_message(&mut v, "SAMP off");
    assert!(
        message.starts_with("SAMP off") && message.contains(".samp"),
        "{message}"
    );
    assert!(v.frame.samp.is_none());
    // The hub starts: the viewer joins it within a few seconds, unasked.
    let hub = start_hub_in(home);
    let wait_for = |v: &mut HeadlessViewer, what: &str| {
        let t0 = Instant::now();
        loop {
            v.step().unwrap();
            let message = v.frame.state.message.clone().unwrap_or_default();
            if message.contains(what) {
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "waiting for '{what}': {message}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    wait_for(&mut v, "SAMP: connected to the hub");
    let out = ping(&hub);
    assert!(out.contains("samp.ok"), "{out}");
    // The hub is stopped (SIGTERM, as at logout): it tells its clients, and the viewer
    // lets it go, to rejoin the next one.
    let pid = hub.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    wait_for(&mut v, "the hub shut down");
    assert!(v.frame.samp.is_none());
}

#[test]
fn positions_highlights_and_row_lists_travel_both_ways() {
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    let hub = start_hub("follow");
    // JSAMP's snoopers stand for Aladin (follows positions) and TOPCAT (row subsets).
    let (pointed, pointed_lines) = snooper(&hub, "coord.pointAt.sky");
    let (subsets, subset_lines) = snooper(&hub, "table.select.rowList");
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 4.0, (640, 480));
    let (mut v, out) = viewer_showing_the_act_table(&hub, view);
    assert!(out.contains("samp.ok"), "{out}");
    // The table lies far from the view it was sent to: it is framed.
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(message.contains("framed (none was in view)"), "{message}");
    let (ra, dec) = v.frame.state.view.center_deg;
    assert!(
        (ra - 151.5).abs() < 0.3 && (dec - 1.25).abs() < 0.3,
        "{ra} {dec}"
    );
    let merged = common::merged_clusters(&v);
    let centre = |v: &clusterviz::app::headless::HeadlessViewer| v.frame.state.view.center_deg;
    let notify = |args: &[&str]| {
        let mut all = vec!["-targetname", "clusterviz", "-mode", "notify"];
        all.extend_from_slice(args);
        send(&hub, &all).join().unwrap()
    };

    // coord.pointAt.sky: the view is centred there, its field kept.
    let fov = v.frame.state.view.fov_deg;
    notify(&[
        "-mtype",
        "coord.pointAt.sky",
        "-param",
        "ra",
        "151.5",
        "-param",
        "dec",
        "1.25",
    ]);
    wait_for_message(&mut v, "points at RA 151.50000 Dec +1.25000");
    let (ra, dec) = centre(&v);
    assert!(
        (ra - 151.5).abs() < 1e-6 && (dec - 1.25).abs() < 1e-6,
        "{ra} {dec}"
    );
    assert_eq!(v.frame.state.view.fov_deg, fov);

    // table.highlight.row: row 5 is selected and centred on.
    notify(&[
        "-mtype",
        "table.highlight.row",
        "-param",
        "table-id",
        "act-1",
        "-param",
        "row",
        "5",
    ]);
    wait_for_message(&mut v, "highlights row 5");
    let sel = v.frame.state.selection.expect("row 5 selected");
    assert_eq!((sel.row, sel.layer.label()), (5, "merged"));
    let (ra, dec) = centre(&v);
    assert!(
        (ra - merged.ra(5)).abs() < 1e-6 && (dec - merged.dec(5)).abs() < 1e-6,
        "centred on {ra} {dec}, row 5 is at {} {}",
        merged.ra(5),
        merged.dec(5)
    );

    // table.select.rowList: rows 1 and 3 are ringed in amber where they are drawn.
    notify(&[
        "-mtype",
        "table.select.rowList",
        "-param",
        "table-id",
        "act-1",
        "-param",
        "row-list",
        r#"["1", "3"]"#,
    ]);
    wait_for_message(&mut v, "marks 2 rows");
    let rows: Vec<u32> = v.frame.state.highlighted.iter().map(|o| o.row).collect();
    assert_eq!(rows, [1, 3]);
    // (The selection's panel, over the sky's top right in this small window, closed.)
    let selected = v.frame.state.selection.take();
    v.step().unwrap();
    let shot = v.screenshot().unwrap();
    let origin = v.frame.sky_origin;
    let p = v
        .frame
        .state
        .view
        .project_radec(merged.ra(3), merged.dec(3))
        .unwrap();
    // The ring (radius 9 px) right of row 3's marker.
    let amber = (6..=12).any(|dx| {
        let [r, g, b, _] = shot.pixel(
            (p.x.round() as i64 + dx + origin.0 as i64) as u32,
            (p.y.round() as i64 + origin.1 as i64) as u32,
        );
        r > 200 && g > 140 && b < 100
    });
    assert!(amber, "no amber ring beside row 3 at {p:?}");
    v.frame.state.selection = selected;

    // Nonsense is refused on the status line; the selection and rings stay.
    for (args, said) in [
        (
            vec![
                "-mtype",
                "table.highlight.row",
                "-param",
                "table-id",
                "act-1",
                "-param",
                "row",
                "70",
            ],
            "row 70 is outside the table's 7 rows",
        ),
        (
            vec![
                "-mtype",
                "table.highlight.row",
                "-param",
                "table-id",
                "other",
                "-param",
                "row",
                "1",
            ],
            "table other is not one this viewer shows",
        ),
        (
            vec![
                "-mtype",
                "coord.pointAt.sky",
                "-param",
                "ra",
                "abc",
                "-param",
                "dec",
                "1",
            ],
            "ra 'abc' is not a number",
        ),
    ] {
        notify(&args);
        let message = wait_for_message(&mut v, said);
        assert!(message.contains("refused"), "{message}");
    }
    assert_eq!(v.frame.state.selection.map(|s| s.row), Some(5));
    assert_eq!(v.frame.state.highlighted.len(), 2);

    // A click on row 3 points the image viewers at it.
    let p = v
        .frame
        .state
        .view
        .project_radec(merged.ra(3), merged.dec(3))
        .unwrap();
    let at = DVec2::new(p.x + origin.0 as f64, p.y + origin.1 as f64);
    let t0 = Instant::now();
    let mut seen = String::new();
    while !seen.contains("\"151.50000000\"") {
        // Until the click lands (hover, then press and release), click again.
        v.frame.state.selection = None;
        v.pointer_move(at);
        v.pointer_button(at, true);
        v.pointer_button(at, false);
        v.step().unwrap();
        if let Ok(line) = pointed_lines.recv_timeout(Duration::from_millis(500)) {
            seen += &(line + "\n");
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "no coord.pointAt.sky for row 3; the snooper printed:\n{seen}"
        );
    }
    let seen = seen + &snooped_until(&pointed_lines, &["\"1.25000000\""]);
    assert!(seen.contains("coord.pointAt.sky"), "{seen}");
    drop(pointed);

    // "Save clusters in view" (T), as a VOTable, marks the table's rows in view in its
    // sender: zoomed out to the whole table, all 7.
    let dir = hub.home.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    v.frame.screenshot_path = Some(dir.join("view.png"));
    v.frame.panel.table_format = clusterviz::app::panels::TableFileFormat::VoTable;
    v.frame.state.view.fov_deg = 30.0;
    v.key(egui::Key::T);
    v.step().unwrap();
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(
        message.contains("its 7 rows in view marked in 1 application"),
        "{message}"
    );
    let seen = snooped_until(&subset_lines, &["table.select.rowList", "act-1", "\"6\""]);
    assert!(seen.contains("\"0\""), "{seen}");
    drop(subsets);
}

#[test]
fn a_viewer_interrupted_from_its_terminal_leaves_the_hub() {
    use common::x11::{Traced, private_dir, start_xvfb, x_tools_present};
    if !x_tools_present() {
        return;
    }
    let hub = start_hub("interrupt");
    let dir = private_dir("samp-interrupt");
    let (_xvfb, display) = start_xvfb("800x600");
    // The hub found as SAMP_HUB names it, as in a session with a hub of its own.
    let lockurl = format!("std-lockurl:file://{}", hub.home.join(".samp").display());
    let mut viewer = Traced::spawn_with_env(
        &display,
        &dir,
        env!("CARGO_BIN_EXE_clusterviz"),
        &["view", "--demo", "--samp"],
        &[("SAMP_HUB", lockurl.as_str())],
    );
    let info = read_lockfile(&hub.home.join(".samp")).unwrap();
    let watcher = SampClient::connect(info, "watcher", "test", &[]).unwrap();
    let listed = || -> bool {
        let clients = watcher.clients().unwrap();
        clients.iter().any(|(_, name)| name == "clusterviz")
    };
    let t0 = Instant::now();
    while !listed() {
        assert!(
            t0.elapsed() < Duration::from_secs(90),
            "the viewer never joined the hub: {:?}",
            viewer.lines()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    // SIGTERM, as a closed terminal or `kill` sends: the viewer leaves the hub on its way
    // out, so no dead client stays listed in TOPCAT's "Send table to" menu.
    let pid = viewer.pid().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = viewer.wait_exit(Duration::from_secs(30));
    assert_eq!(status, Some(130), "it said: {:?}", viewer.lines());
    assert!(!listed(), "still registered: {:?}", watcher.clients());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hub_that_never_answers_stalls_no_frame() {
    use clusterviz::app::samp_link::SampWanted;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    // A "hub" that takes connections and never answers (a hung process): every call to
    // it lasts until the client's 10 s timeout.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming() {
            held.push(conn);
        }
    });
    let home = hub_home("hung");
    std::fs::write(
        home.join(".samp"),
        format!(
            "samp.secret=0123\nsamp.hub.xmlrpc.url=http://127.0.0.1:{port}/xmlrpc\n\
             samp.profile.version=1.3\n"
        ),
    )
    .unwrap();
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, -30.0), 10.0, (480, 360));
    let mut v = demo_viewer(view, 0, None);
    v.frame.samp_wanted = Some(SampWanted::at(Some(home.join(".samp"))));
    // Twenty frames while the viewer tries to join: together far shorter than one call's
    // timeout, so none of them waited for the hub.
    let t0 = Instant::now();
    for _ in 0..20 {
        v.step().unwrap();
    }
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(5), "20 frames took {took:?}");
    assert!(v.frame.samp.is_none());
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn send_to_names_the_one_application_that_gets_the_saved_tables() {
    use clusterviz::scene::ViewSpec;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    let hub = start_hub("sendto");
    let (chosen, chosen_lines) = snooper_named(&hub, "topcat-stand-in", "table.load.fits");
    let (other, other_lines) = snooper_named(&hub, "aladin-stand-in", "table.load.fits");
    let view = View::new(Projection::Tan, Frame::Icrs, (0.0, 0.0), 60.0, (640, 480));
    let mut v = demo_viewer(view, 2_000, Some(ViewSpec::default()));
    v.step().unwrap();
    let info = read_lockfile(&hub.home.join(".samp")).unwrap();
    v.frame.samp = Some(SampClient::connect(info, "clusterviz", "test", &[]).unwrap());
    // The "Send to" menu lists both once the viewer has asked the hub.
    let t0 = Instant::now();
    let id = loop {
        v.step().unwrap();
        let clients = v.frame.samp_peers.clients.clone();
        let named = |n: &str| {
            clients
                .iter()
                .find(|(_, name)| name == n)
                .map(|c| c.0.clone())
        };
        if let (Some(id), Some(_)) = (named("topcat-stand-in"), named("aladin-stand-in")) {
            assert!(clients.iter().all(|(id, _)| id != "hub"), "{clients:?}");
            break id;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the menu lists {clients:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    v.frame.panel.send_to = Some(id);
    let dir = hub.home.join("out");
    std::fs::create_dir_all(&dir).unwrap();
    v.frame.screenshot_path = Some(dir.join("view.png"));
    v.key(egui::Key::T);
    v.step().unwrap();
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(
        message.contains("sent over SAMP to 1 application"),
        "{message}"
    );
    let merged = std::fs::canonicalize(dir.join("view-clusters-merged.fits")).unwrap();
    let wanted = format!("file://{}", merged.display());
    snooped_until(&chosen_lines, &[&wanted]);
    // The other one heard nothing of it (given the time the chosen one took, and more).
    std::thread::sleep(Duration::from_secs(2));
    let heard: Vec<String> = other_lines.try_iter().collect();
    assert!(
        !heard.iter().any(|l| l.contains("table.load.fits")),
        "{heard:?}"
    );
    drop((chosen, other));
}

#[test]
fn a_galaxy_table_sent_over_samp_joins_as_the_galaxies() {
    use clusterviz::scene::layers::LayerKind;
    use clusterviz::sky::{Frame, Projection};
    use clusterviz::view::View;
    let hub = start_hub("galaxies");
    let view = View::new(Projection::Tan, Frame::Icrs, (151.5, 1.25), 4.0, (640, 480));
    let mut v = demo_viewer(view, 1_000, None);
    v.step().unwrap();
    let merged_before = common::merged_clusters(&v).len();
    let info = read_lockfile(&hub.home.join(".samp")).unwrap();
    v.frame.samp = Some(
        SampClient::connect(
            info,
            "clusterviz",
            "test",
            clusterviz::app::samp_link::RECEIVED,
        )
        .unwrap(),
    );
    let table =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/table_stilts_binary2.vot");
    let url = format!("file://{}", table.display());
    let sender = send(
        &hub,
        &[
            "-mtype",
            "table.load.votable",
            "-param",
            "url",
            &url,
            "-param",
            "name",
            "DES galaxies",
            "-param",
            "table-id",
            "gal-1",
            "-targetname",
            "clusterviz",
            "-mode",
            "sync",
        ],
    );
    wait_for_message(&mut v, "showing DES galaxies");
    let message = v.frame.state.message.clone().unwrap_or_default();
    assert!(message.contains("as the galaxies (7 rows)"), "{message}");
    assert!(sender.join().unwrap().contains("samp.ok"));
    let data = v.frame.data.as_deref().unwrap();
    assert_eq!(data.catalog(LayerKind::Galaxies).unwrap().len(), 7);
    // The merged clusters stay as they were.
    assert_eq!(common::merged_clusters(&v).len(), merged_before);
    // Rows named by the sender are the galaxies' rows.
    send(
        &hub,
        &[
            "-mtype",
            "table.highlight.row",
            "-param",
            "table-id",
            "gal-1",
            "-param",
            "row",
            "4",
            "-targetname",
            "clusterviz",
            "-mode",
            "notify",
        ],
    )
    .join()
    .unwrap();
    wait_for_message(&mut v, "highlights row 4 of the galaxies");
    let sel = v.frame.state.selection.unwrap();
    assert_eq!((sel.layer, sel.row), (LayerKind::Galaxies, 4));
}
