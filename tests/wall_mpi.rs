//! The wall over MPI (`cargo test --release --features mpi --test wall_mpi`; CI runs it):
//! four ranks under mpirun each draw their display, the tiles equal the whole canvas pixel
//! for pixel; a hung rank ends the session with rank 0's message instead of freezing it;
//! a job of the wrong size is refused; and in windows (Xvfb), rank 0's viewer drives the
//! four ranks' displays, which show exactly the headless tiles of the same view.
#![cfg(feature = "mpi")]

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use clusterviz::view::View;
use common::wall_screen::{
    REFUSED, assert_escape_ends_the_wall, assert_windows_show_the_headless_wall, drag_on_display,
    settled_unless_refused, wall_desktop,
};
use common::x11::Traced;
use common::{TEST_WALL, assert_tiles_equal_the_whole_canvas, stderr, tempdir};
use glam::DVec2;

/// One MPI job at a time: concurrent mpirun jobs on two cores (one of them aborted on
/// purpose by the hang tests) starved or disturbed each other in CI.
static ONE_JOB: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_job() -> std::sync::MutexGuard<'static, ()> {
    ONE_JOB.lock().unwrap_or_else(|e| e.into_inner())
}

fn mpirun(np: u32, args: &[&str], env: &[(&str, &str)], cwd: &std::path::Path) -> Output {
    let mut c = Command::new("mpirun");
    c.args([
        "--allow-run-as-root",
        "--oversubscribe",
        "-np",
        &np.to_string(),
    ]);
    for (k, v) in env {
        c.args(["-x", &format!("{k}={v}")]);
    }
    c.arg(env!("CARGO_BIN_EXE_clusterviz"))
        .args(args)
        .current_dir(cwd)
        .env("CLUSTERVIZ_CACHE_DIR", common::test_cache_dir())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("mpirun (openmpi-bin, installed by scripts/setup.sh)")
}

#[test]
fn four_ranks_draw_a_2x2_wall_that_stitches_exactly() {
    let _job = one_job();
    let dir = tempdir("wall-mpi");
    std::fs::write(dir.join("w.toml"), TEST_WALL).unwrap();
    let args = [
        "wall", "--mpi", "--config", "w.toml", "--out", "tiles", "--frames", "3",
    ];
    let o = mpirun(4, &args, &[], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for rank in 0..4 {
        assert!(
            stderr(&o).contains(&format!("rank {rank} of 4: 3 frames")),
            "{}",
            stderr(&o)
        );
    }
    // Three frames panned the camera; the tiles written are the last frame's, so compare
    // a one-frame run with the whole canvas.
    let o = mpirun(
        4,
        &["wall", "--mpi", "--config", "w.toml", "--out", "tiles"],
        &[],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_tiles_equal_the_whole_canvas(&dir, "tiles");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hung_rank_ends_the_session_with_a_message_on_rank_0() {
    let _job = one_job();
    let dir = tempdir("wall-mpi-hang");
    std::fs::write(dir.join("w.toml"), TEST_WALL).unwrap();
    let t = Instant::now();
    let args = [
        "wall",
        "--mpi",
        "--config",
        "w.toml",
        "--out",
        "t",
        "--timeout",
        "2",
    ];
    let o = mpirun(4, &args, &[("CLUSTERVIZ_WALL_HANG_RANK", "3")], &dir);
    assert!(!o.status.success());
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "the session did not end"
    );
    let err = stderr(&o);
    assert!(
        err.contains("rank 0 waited 2 s for frame 0") && err.contains("ending the wall session"),
        "{err}"
    );
    // A job whose size does not match the wall file is refused by every rank.
    let o = mpirun(
        2,
        &["wall", "--mpi", "--config", "w.toml", "--out", "t"],
        &[],
        &dir,
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("lists 4 ranks but the MPI job has 2 processes"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rank_0s_viewer_drives_a_windowed_wall_of_four_ranks() {
    let _job = one_job();
    let Some((_xvfb, display, dir)) = wall_desktop("wall-mpi-windows") else {
        return;
    };
    let args = windowed_mpi_args();
    let (mut w, view0) = start_windowed_wall(&display, &dir, &args);
    w.xdotool(&["mousemove", "900", "400"]);
    assert_windows_show_the_headless_wall(&w, &dir, "start", &view0);

    // A drag on rank 0's display moves every rank's.
    let (from, to) = (DVec2::new(200.0, 150.0), DVec2::new(120.0, 110.0));
    let view1 = drag_on_display(&w, (0, 0), from, to, &view0);
    assert_windows_show_the_headless_wall(&w, &dir, "dragged", &view1);

    // Escape on rank 0's display ends every rank.
    assert_escape_ends_the_wall(&mut w);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hung_rank_ends_a_windowed_wall_with_a_message_on_rank_0() {
    let _job = one_job();
    let Some((_xvfb, display, dir)) = wall_desktop("wall-mpi-windows-hang") else {
        return;
    };
    let mut args = windowed_mpi_args();
    args.extend(["--timeout", "2"]);
    // Rank 2 stops answering a few frames into the session.
    let mut all = vec!["-x", "CLUSTERVIZ_WALL_HANG_RANK=2"];
    all.extend(args);
    // As in start_windowed_wall: a rank the X server refused is started again.
    let mut said = String::new();
    for _ in 0..3 {
        let mut w = Traced::spawn(&display, &dir, "mpirun", &all);
        let t = Instant::now();
        let code = w.wait_exit(Duration::from_secs(90));
        assert!(
            code.is_some_and(|c| c != 0),
            "the session did not end with an error ({code:?}); it said:\n{}",
            w.lines().join("\n")
        );
        assert!(t.elapsed() < Duration::from_secs(90));
        said = w.lines().join("\n");
        if !said.contains(REFUSED) {
            break;
        }
    }
    assert!(
        said.contains("rank 0 waited 2 s for frame") && said.contains("ending the wall session"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts the windowed wall and waits for its first still frame. Xvfb (here, under a
/// sandboxed kernel) drops a connection made just after another one closed; the viewer
/// connects before its GPU driver's probe connections for that reason, but the four ranks'
/// connections can still meet. A rank so refused ends the session with its message (what
/// the product must do), and the test starts the wall again, at most twice more.
fn start_windowed_wall(display: &str, dir: &std::path::Path, args: &[&str]) -> (Traced, View) {
    for _ in 0..3 {
        let mut w = Traced::spawn(display, dir, "mpirun", args);
        match settled_unless_refused(&w) {
            Some(view) => return (w, view),
            None => {
                let code = w.wait_exit(Duration::from_secs(30));
                assert!(
                    code.is_some_and(|c| c != 0),
                    "a refused rank ends the session"
                );
            }
        }
    }
    panic!("the X server refused a window three times");
}

/// mpirun's arguments for TEST_WALL in windows over four ranks on one desktop: their
/// windows side by side as on the wall, rank 0's console beside them.
fn windowed_mpi_args() -> Vec<&'static str> {
    vec![
        "--allow-run-as-root",
        "--oversubscribe",
        "-np",
        "4",
        "-x",
        "DISPLAY",
        "-x",
        "XDG_RUNTIME_DIR",
        "-x",
        "CLUSTERVIZ_TRACE",
        env!("CARGO_BIN_EXE_clusterviz"),
        "wall",
        "--mpi",
        "--side-by-side",
        "--config",
        "w.toml",
    ]
}
