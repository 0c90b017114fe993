//! Display walls: each display's tile equals that rectangle of the whole canvas rendered
//! at once (bezels hidden, pixel-exact); one rank renders only its displays; bad wall files
//! exit 2 naming the file.

mod common;

use clusterviz::render::Image;
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

/// Mean absolute difference (0–255) between `small` and `big` shrunk by 2 (2x2 means).
fn shrunk_difference(small: &Image, big: &Image) -> f64 {
    let mut sum = 0.0;
    for y in 0..small.height {
        for x in 0..small.width {
            for c in 0..3 {
                let mean: f64 = [(0, 0), (1, 0), (0, 1), (1, 1)]
                    .iter()
                    .map(|(dx, dy)| big.pixel(2 * x + dx, 2 * y + dy)[c] as f64)
                    .sum::<f64>()
                    / 4.0;
                sum += (mean - small.pixel(x, y)[c] as f64).abs();
            }
        }
    }
    sum / (small.width * small.height * 3) as f64
}

#[test]
fn angular_marker_sizes_look_the_same_at_any_pixel_density() {
    let dir = tempdir("wall-angular");
    // Clusters and tile outlines alone, on one display at two pixel densities.
    let wall = |size: &str, marker: &str, line: &str, display: (u32, u32)| {
        format!(
            "[inputs]\ndemo = true\ndemo_galaxies = 0\n\
             [view]\nprojection = \"tan\"\ncenter = [0.5, -30.0]\nfov = 3.0\n\
             [layers]\nno-mask = true\nmarker-size = \"{marker}\"\nline-width = \"{line}\"\n\
             [wall]\ncolumns = 1\nrows = 1\ndisplay = [{}, {}]\n# {size}\n",
            display.0, display.1
        )
    };
    let render = |name: &str, text: String| {
        std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
        let o = run_cli(
            &["wall", "--config", &format!("{name}.toml"), "--out", name],
            &dir,
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        Image::load_png(&dir.join(format!("{name}/display_c0_r0.png"))).unwrap()
    };
    let (small, big) = ((320, 200), (640, 400));
    // 3 degrees over 320 px: 0.1 deg is 10.7 px here and 21.3 px on the denser display.
    let a_small = render("a_small", wall("small", "0.1deg", "0.012deg", small));
    let a_big = render("a_big", wall("big", "0.1deg", "0.012deg", big));
    let p_small = render("p_small", wall("small", "11px", "1.3px", small));
    let p_big = render("p_big", wall("big", "11px", "1.3px", big));
    let angular = shrunk_difference(&a_small, &a_big);
    let pixels = shrunk_difference(&p_small, &p_big);
    eprintln!("shrunk differences: angular {angular:.2}, pixels {pixels:.2}");
    assert!(
        angular < 0.5 * pixels,
        "angular sizes should look alike at both densities ({angular:.2} vs {pixels:.2} for pixel sizes)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The "k of n partitions" a run's log says it read of a HATS catalog.
fn hats_partitions_read(log: &str) -> usize {
    let at = log
        .find("(HATS, ")
        .unwrap_or_else(|| panic!("no HATS read: {log}"));
    let rest = &log[at + "(HATS, ".len()..];
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn each_rank_reads_only_the_hats_partitions_its_displays_show() {
    // Out-of-core galaxies: a rank reads the partitions under its own displays, not the
    // whole canvas's, and its displays are still the same pixels as the whole canvas.
    let dir = tempdir("wall-hats");
    common::demo_hats_catalog(&dir);
    let head = "[inputs]\ngalaxies = [\"hg\"]\nclusters = [\"demo/clusters_merged.fits\"]\n\
        [view]\nprojection = \"tan\"\ncenter = [0.5, -30.0]\nfov = 4.0\n";
    std::fs::write(
        dir.join("whole.toml"),
        format!("{head}[wall]\ncolumns = 1\nrows = 1\ndisplay = [664, 416]\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("w.toml"),
        format!("{head}[wall]\ncolumns = 2\nrows = 2\ndisplay = [320, 200]\nbezel = [24, 16]\n"),
    )
    .unwrap();
    let o = run_cli(&["wall", "--config", "whole.toml", "--out", "whole"], &dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let whole_read = hats_partitions_read(&stderr(&o));
    let whole = Image::load_png(&dir.join("whole/display_c0_r0.png")).unwrap();
    for (rank, (c, r)) in [(0u32, 0u32), (1, 0), (0, 1), (1, 1)]
        .into_iter()
        .enumerate()
    {
        let out = format!("r{rank}");
        let o = run_cli(
            &[
                "wall",
                "--config",
                "w.toml",
                "--out",
                &out,
                "--rank",
                &rank.to_string(),
            ],
            &dir,
        );
        let log = stderr(&o);
        assert!(o.status.success(), "{log}");
        let read = hats_partitions_read(&log);
        assert!(
            read > 0 && 2 * read < whole_read,
            "rank {rank} read {read} partitions, the whole canvas {whole_read}"
        );
        let tile = Image::load_png(&dir.join(format!("{out}/display_c{c}_r{r}.png"))).unwrap();
        let (x0, y0) = (c * (320 + 24), r * (200 + 16));
        let differ = (0..200)
            .flat_map(|y| (0..320).map(move |x| (x, y)))
            .filter(|&(x, y)| tile.pixel(x, y)[..3] != whole.pixel(x0 + x, y0 + y)[..3])
            .count();
        assert_eq!(differ, 0, "rank {rank}: {differ} pixels differ");
    }
}
