//! SAMP against a real hub: JSAMP's (Debian's libjsamp-java, headless), with messages sent
//! by JSAMP's own `messagesender` as TOPCAT would send them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clusterviz::samp::lockfile::read_lockfile;
use clusterviz::samp::{SampClient, Value};

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

fn start_hub(name: &str) -> Hub {
    assert!(
        Path::new(JSAMP).exists(),
        "{JSAMP} missing: scripts/setup.sh installs libjsamp-java"
    );
    let home = std::env::temp_dir().join(format!("clusterviz-samp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
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
    let out = send(
        &hub,
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
    .unwrap();
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
    let out = send(
        &hub,
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
    .unwrap();
    assert!(!out.contains("samp.ok"), "still registered: {out}");
}
