//! The single-machine wall in real windows (Xvfb): a window per display, placed as on the
//! wall, driven by one camera. A drag on one display moves every display (the grabbed sky
//! point stays under the pointer), a key in the viewer's console moves the wall, a click
//! on a display selects, Escape ends the session; each display shows exactly the pixels
//! the headless wall writes for the same view. Skipped, saying so, only where Xvfb,
//! xdotool or import are missing (scripts/setup.sh installs them).

mod common;

use std::time::Duration;

use glam::DVec2;

use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::render::Image;
use common::wall_screen::{
    CANVAS, DISPLAY, STILL, assert_escape_ends_the_wall, assert_windows_show_the_headless_wall,
    canvas_px, drag_on_display, settled, wall_desktop,
};
use common::x11::{Traced, private_dir, start_xvfb, x_tools_present};
use common::{run_cli, stderr, test_wall_whole_canvas};

#[test]
fn wall_windows_move_together_and_show_the_headless_walls_pixels() {
    let Some((_xvfb, display, dir)) = wall_desktop("wall-windows") else {
        return;
    };
    let mut w = Traced::start(&display, &dir, &["wall", "--config", "w.toml"]);
    let view0 = settled(&w);
    for (c, r) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
        let placed = format!(
            "trace: wall window display {c} {r} at At({}, {})",
            c * DISPLAY.0,
            r * DISPLAY.1
        );
        assert_eq!(w.count(&placed), 1, "{placed}");
    }
    // The pointer is parked on the console, so nothing hovers over the displays.
    w.xdotool(&["mousemove", "900", "400"]);
    assert_windows_show_the_headless_wall(&w, &dir, "start", &view0);

    // A drag on display (1, 1): the sky point grabbed follows the pointer, on every display.
    let (from, to) = (DVec2::new(480.0, 300.0), DVec2::new(400.0, 260.0));
    let view1 = drag_on_display(&w, (1, 1), from, to, &view0);
    assert_windows_show_the_headless_wall(&w, &dir, "dragged", &view1);

    // The console's keys move the wall too.
    w.xdotool(&[
        "search",
        "--name",
        "clusterviz wall",
        "windowfocus",
        "--sync",
    ]);
    w.act_until(STILL, &[&["key", "Right"]]);
    let view2 = settled(&w);
    assert_ne!(
        view2.center_deg, view1.center_deg,
        "the console's key did not pan the wall"
    );

    // A click on a display selects the cluster under it.
    let merged = DemoSurvey::generate(DemoConfig {
        seed: 1,
        galaxies: 0,
    })
    .merged;
    let (c, r) = (0, 0);
    let target = (0..merged.len())
        .find_map(|row| {
            let p = view2.project(merged.role_view().direction(row))?;
            let s = p - canvas_px((c, r), DVec2::ZERO);
            (s.x > 40.0 && s.x < 280.0 && s.y > 40.0 && s.y < 160.0).then_some(s)
        })
        .expect("a merged cluster on display (0, 0)");
    let unselected = w.screenshot(&dir.join("unselected.png"));
    w.xdotool(&[
        "mousemove",
        &target.x.round().to_string(),
        &target.y.round().to_string(),
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let before = w.count("trace: view");
    w.act_until(STILL, &[&["click", "1"]]);
    w.wait_for("trace: view", before);
    let line = w.last("trace: view");
    assert!(
        !line.ends_with("selection none"),
        "clicking a cluster on a display selected nothing: {line}"
    );
    // The display rings it as the viewer does (green, about 14 px out).
    let selected = w.screenshot(&dir.join("selected.png"));
    let ring = |img: &Image| {
        let (x0, y0) = (target.x as i64 - 24, target.y as i64 - 24);
        (0..48)
            .flat_map(|dy| (0..48).map(move |dx| ((x0 + dx) as u32, (y0 + dy) as u32)))
            .filter(|&(x, y)| {
                let p = img.pixel(x, y);
                p[0].abs_diff(0x40) < 24 && p[1] > 0xe0 && p[2].abs_diff(0x80) < 24
            })
            .count()
    };
    let (was, now) = (ring(&unselected), ring(&selected));
    assert!(
        now > was + 40,
        "no selection ring on the display ({was} ring-green pixels before, {now} after)"
    );

    // Escape on a display ends the session.
    assert_escape_ends_the_wall(&mut w);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_display_goes_full_screen_on_a_monitor() {
    if !x_tools_present() {
        return;
    }
    let dir = private_dir("wall-fullscreen");
    std::fs::write(dir.join("w.toml"), test_wall_whole_canvas()).unwrap();
    // One monitor the size of the one display.
    let (_xvfb, display) = start_xvfb(&format!("{}x{}", CANVAS.0, CANVAS.1));
    let w = Traced::start(
        &display,
        &dir,
        &["wall", "--config", "w.toml", "--no-console"],
    );
    let view = settled(&w);
    assert_eq!(w.count("trace: wall window display 0 0 at Monitor(0)"), 1);
    let screen = w.screenshot(&dir.join("screen.png"));
    assert_eq!((screen.width, screen.height), CANVAS);
    std::fs::write(dir.join("whole.toml"), test_wall_whole_canvas()).unwrap();
    let o = run_cli(&["wall", "--config", "whole.toml", "--out", "whole"], &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let tile = Image::load_png(&dir.join("whole/display_c0_r0.png")).unwrap();
    let n = (0..CANVAS.1)
        .flat_map(|y| (0..CANVAS.0).map(move |x| (x, y)))
        .filter(|&(x, y)| tile.pixel(x, y)[..3] != screen.pixel(x, y)[..3])
        .count();
    assert_eq!(
        n, 0,
        "the full-screen display differs in {n} pixels from the headless wall"
    );
    assert_eq!(view.canvas, CANVAS);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_wall_process_reads_hats_galaxies_only_under_its_own_display() {
    // A process without a console showing one display of four reads an out-of-core
    // catalog for that display's part of the sky first (the view is given), not the
    // whole catalog, and nothing more while the view stays.
    if !x_tools_present() {
        return;
    }
    let dir = private_dir("wall-hats-windows");
    common::demo_hats_catalog(&dir);
    // A budget of 1000 markers: the first read of the whole catalog is a sample.
    std::fs::write(
        dir.join("w.toml"),
        "[inputs]\ngalaxies = [\"hg\"]\n[view]\nprojection = \"tan\"\n\
         center = [0.5, -30.0]\nfov = 4.0\n[layers]\nmax-markers = 1000\n\
         [wall]\ncolumns = 2\nrows = 2\ndisplay = [320, 200]\nbezel = [24, 16]\n",
    )
    .unwrap();
    // One monitor the size of the display, so that its window shows just the display.
    let (_xvfb, display) = start_xvfb("320x200");
    let w = Traced::start(
        &display,
        &dir,
        &["wall", "--config", "w.toml", "--no-console", "--rank", "3"],
    );
    w.wait_for("trace: galaxies read first for the view", 0);
    let line = w.last("trace: galaxies read first for the view");
    // "cone Some((ra, dec, radius))"
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|t| t.parse().ok())
        .collect();
    let [ra, dec, radius] = numbers[..3] else {
        panic!("{line}");
    };
    // "galaxies (HATS, k of n partitions in the area, ...)"
    w.wait_for("galaxies (HATS, ", 0);
    let read_line = w.last("galaxies (HATS, ");
    let numbers: Vec<f64> = read_line
        .split(' ')
        .filter_map(|t| t.parse().ok())
        .collect();
    let [read, all] = numbers[..2] else {
        panic!("{read_line}");
    };
    // Display (1, 1) spans canvas pixels 344..664 × 216..416 of the 664×416 canvas.
    let view = clusterviz::view::View::new(
        clusterviz::sky::Projection::Tan,
        clusterviz::sky::Frame::Icrs,
        (0.5, -30.0),
        4.0,
        (664, 416),
    );
    let centre = view.unproject(DVec2::new(504.0, 316.0)).unwrap();
    let off = centre
        .angle_between(clusterviz::sky::unit_vector(ra, dec))
        .to_degrees();
    assert!(off < 0.05, "{line}: {off}° from the display's centre");
    // Twice the display's half-diagonal (about 1.2°), far less than the canvas's.
    assert!(radius > 2.0 && radius < 3.0, "{line}");
    assert!(all == 253.0 && read < all / 2.0, "{read_line}");
    // Still on that view, once drawn a while: no other read (neither the whole catalog
    // nor the display's cone again).
    w.wait_for("trace: wall drawn", 0);
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(w.count("galaxies (HATS, "), 1, "{:?}", w.lines());
    assert_eq!(
        w.count("trace: galaxies read for the view"),
        0,
        "{:?}",
        w.lines()
    );
    std::fs::remove_dir_all(&dir).ok();
}
