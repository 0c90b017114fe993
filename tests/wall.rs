//! Display walls: each display's tile equals that rectangle of the whole canvas rendered
//! at once (bezels hidden, pixel-exact); one rank renders only its displays; bad wall files
//! exit 2 naming the file.

mod common;

use common::{TEST_WALL, assert_tiles_equal_the_whole_canvas, run_cli, stderr, tempdir};

#[test]
fn display_tiles_equal_the_whole_canvas_less_its_bezels() {
    let dir = tempdir("wall");
    std::fs::write(dir.join("w.toml"), TEST_WALL).unwrap();
    let o = run_cli(&["wall", "--config", "w.toml", "--out", "tiles"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_tiles_equal_the_whole_canvas(&dir, "tiles");
    // One process renders only its own display.
    let o = run_cli(
        &[
            "wall", "--config", "w.toml", "--out", "rank2", "--rank", "2",
        ],
        &dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files: Vec<_> = std::fs::read_dir(dir.join("rank2")).unwrap().collect();
    assert_eq!(files.len(), 1);
    assert!(dir.join("rank2/display_c0_r1.png").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_wall_files_are_refused_with_the_file_named() {
    let dir = tempdir("wall-bad");
    let cases: &[(&str, &str)] = &[
        ("[inputs]\ndemo = true\n", "has no [wall] section"),
        (
            "[inputs]\ndemo = true\n[wall]\ncolumns = 2\nrows = 1\n",
            "[wall] display is missing",
        ),
        (
            "[inputs]\ndemo = true\n[view]\nsize = [10, 10]\n[wall]\ncolumns = 1\nrows = 1\ndisplay = [8, 8]\n",
            "set the canvas size",
        ),
        (
            "[inputs]\ndemo = true\n[view]\nfov = -2\n[wall]\ncolumns = 1\nrows = 1\ndisplay = [8, 8]\n",
            "field of view",
        ),
    ];
    for (text, expect) in cases {
        std::fs::write(dir.join("bad.toml"), text).unwrap();
        let o = run_cli(&["wall", "--config", "bad.toml", "--out", "t"], &dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains("bad.toml") && err.contains(expect),
            "{text}: {err}"
        );
    }
    std::fs::write(dir.join("w.toml"), TEST_WALL).unwrap();
    let o = run_cli(
        &["wall", "--config", "w.toml", "--out", "t", "--rank", "9"],
        &dir,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("rank 9 has no displays"));
    let o = run_cli(&["wall", "--config", "w.toml"], &dir);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no display") && stderr(&o).contains("give --out DIR"));
    let _ = std::fs::remove_dir_all(&dir);
}
