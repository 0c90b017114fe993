//! The wall over MPI (`cargo test --release --features mpi --test wall_mpi`; CI runs it):
//! four ranks under mpirun each draw their display, the tiles equal the whole canvas pixel
//! for pixel; a hung rank ends the session with rank 0's message instead of freezing it;
//! a job of the wrong size is refused.
#![cfg(feature = "mpi")]

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{TEST_WALL, assert_tiles_equal_the_whole_canvas, stderr, tempdir};

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
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("mpirun (openmpi-bin, installed by scripts/setup.sh)")
}

#[test]
fn four_ranks_draw_a_2x2_wall_that_stitches_exactly() {
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
