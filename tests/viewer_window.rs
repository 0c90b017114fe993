//! The real viewer in a real X window: Xvfb for a display, xdotool for a user's drag,
//! wheel, click and keys, ImageMagick's `import` for screenshots. The viewer's trace
//! (CLUSTERVIZ_TRACE) reports the view and selection after each change, which the test
//! checks against the projection; the screenshots show the sky moved. Skipped, saying
//! so, only where Xvfb, xdotool or import are missing (scripts/setup.sh installs them).

mod common;

use std::path::Path;
use std::time::Duration;

use glam::DVec2;

use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::render::Image;
use clusterviz::sky::{Frame, Projection, angular_distance_deg};
use clusterviz::view::View;
use common::x11::{Traced, drag_steps, private_dir, start_xvfb, x_tools_present};

/// The viewer on the demo survey in a 1200x800 window.
struct Viewer(Traced);

impl Viewer {
    fn start(display: &str, dir: &Path) -> Viewer {
        Viewer(Traced::start(
            display,
            dir,
            &["demo", "--galaxies", "100000", "--size", "1200x800"],
        ))
    }

    fn count(&self, prefix: &str) -> usize {
        self.0.count(prefix)
    }

    fn wait_for(&self, prefix: &str, after: usize) {
        self.0.wait_for(prefix, after)
    }

    fn act(&self, steps: &[&[&str]]) {
        self.0.act_until("trace: sky still", steps)
    }

    fn xdotool(&self, args: &[&str]) {
        self.0.xdotool(args)
    }

    fn screenshot(&self, path: &Path) -> Image {
        self.0.screenshot(path)
    }

    /// The last reported view, its sky area's origin in the window, and the selection.
    fn view(&self) -> (View, DVec2, String) {
        let line = self.0.last("trace: view");
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |key: &str, k: usize| -> f64 {
            let i = f.iter().position(|w| *w == key).unwrap();
            f[i + k].parse().unwrap()
        };
        let projection = match f[2] {
            "TAN" => Projection::Tan,
            p => panic!("unexpected projection {p}"),
        };
        let canvas = f[f.iter().position(|w| *w == "canvas").unwrap() + 1];
        let (w, h) = canvas.split_once('x').unwrap();
        let origin = f[f.iter().position(|w| *w == "origin").unwrap() + 1];
        let (ox, oy) = origin.split_once(',').unwrap();
        let mut v = View::new(
            projection,
            Frame::Icrs,
            (num("centre", 1), num("centre", 2)),
            num("fov", 1),
            (w.parse().unwrap(), h.parse().unwrap()),
        );
        v.rotation_deg = num("rotation", 1);
        let sel = f[f.iter().position(|w| *w == "selection").unwrap() + 1].to_string();
        (v, DVec2::new(ox.parse().unwrap(), oy.parse().unwrap()), sel)
    }
}

/// Mean absolute difference between a patch of `a` and the same patch of `b` moved by
/// `shift` pixels.
fn patch_difference(a: &Image, b: &Image, x0: u32, y0: u32, size: u32, shift: (i32, i32)) -> f64 {
    let mut sum = 0.0;
    let mut n = 0.0;
    for y in (y0..y0 + size).step_by(2) {
        for x in (x0..x0 + size).step_by(2) {
            let (bx, by) = (x as i32 + shift.0, y as i32 + shift.1);
            let (pa, pb) = (a.pixel(x, y), b.pixel(bx as u32, by as u32));
            sum += (0..3)
                .map(|c| (pa[c] as f64 - pb[c] as f64).abs())
                .sum::<f64>();
            n += 3.0;
        }
    }
    sum / n
}

#[test]
fn real_window_pans_zooms_selects_and_takes_keys() {
    if !x_tools_present() {
        return;
    }
    let dir = private_dir("window");
    let (_xvfb, display) = start_xvfb("1280x860");
    let v = Viewer::start(&display, &dir);
    v.wait_for("trace: loaded complete=true", 0);
    v.wait_for(
        "trace: sky still",
        v.count("trace: sky still").saturating_sub(1),
    );
    std::thread::sleep(Duration::from_millis(500));
    let (view0, origin, _) = v.view();
    // Screenshots are taken with the pointer off the sky, so no tooltip covers it.
    let pointer_away = || {
        v.xdotool(&["mousemove", "5", "5"]);
        std::thread::sleep(Duration::from_millis(400));
    };
    pointer_away();
    let a = v.screenshot(&dir.join("a.png"));

    // Drag 160 px right and 60 px down: the sky point grabbed follows the pointer.
    let start = origin + DVec2::new(300.0, 250.0);
    let grabbed = view0.unproject(start - origin).unwrap();
    let end = start + DVec2::new(160.0, 60.0);
    let drag = drag_steps((start.x, start.y), (end.x, end.y), 8);
    let drag: Vec<Vec<&str>> = drag
        .iter()
        .map(|step| step.iter().map(String::as_str).collect())
        .collect();
    let drag: Vec<&[&str]> = drag.iter().map(Vec::as_slice).collect();
    v.act(&drag);
    let (view1, _, _) = v.view();
    let under = view1.unproject(end - origin).unwrap();
    let off_px = angular_distance_deg(grabbed, under) / view1.pixel_scale_deg();
    assert!(
        off_px < 3.0,
        "the grabbed point is {off_px:.1} px from the pointer"
    );
    // The picture moved with it: a patch of the sky matches the old one shifted.
    pointer_away();
    let b = v.screenshot(&dir.join("b.png"));
    let (px, py) = ((origin.x + 450.0) as u32, (origin.y + 300.0) as u32);
    // Of these shifts, the drag's matches best (level of detail draws other galaxies in
    // the new view, so no shift matches exactly).
    let shifts = [
        (160, 60),
        (0, 0),
        (160, 0),
        (0, 60),
        (80, 30),
        (240, 90),
        (100, 60),
    ];
    let diffs: Vec<f64> = shifts
        .iter()
        .map(|&s| patch_difference(&a, &b, px, py, 160, s))
        .collect();
    let others = diffs[1..].iter().cloned().fold(f64::INFINITY, f64::min);
    eprintln!("patch differences by shift {shifts:?}: {diffs:.2?}");
    assert!(
        diffs[0] < 0.8 * others,
        "the drag's shift differs by {:.2}, another shift by {others:.2}: {diffs:?}",
        diffs[0]
    );

    // Three wheel notches up zoom in about the pointer.
    let at = origin + DVec2::new(500.0, 350.0);
    v.xdotool(&["mousemove", &at.x.to_string(), &at.y.to_string()]);
    std::thread::sleep(Duration::from_millis(300));
    let fov1 = v.view().0.fov_deg;
    for _ in 0..3 {
        v.act(&[&["click", "4"]]);
    }
    let (view2, _, _) = v.view();
    assert!(
        view2.fov_deg < 0.75 * fov1,
        "fov {fov1} -> {}",
        view2.fov_deg
    );

    // Click a merged cluster: it (or a detection drawn on it) becomes the selection.
    let survey = DemoSurvey::generate(DemoConfig {
        seed: 1,
        galaxies: 0,
    });
    let merged = &survey.merged;
    let (w, h) = (view2.canvas.0 as f64, view2.canvas.1 as f64);
    let target = (0..merged.len())
        .find_map(|r| {
            let p = view2.project(merged.role_view().direction(r))?;
            (p.x > 0.3 * w && p.x < 0.7 * w && p.y > 0.3 * h && p.y < 0.7 * h).then_some(p)
        })
        .expect("a cluster in view");
    let click = origin + target;
    v.xdotool(&["mousemove", &click.x.to_string(), &click.y.to_string()]);
    std::thread::sleep(Duration::from_millis(300));
    v.act(&[&["click", "1"]]);
    let (_, _, selection) = v.view();
    assert_ne!(selection, "none", "clicking a cluster selected nothing");
    let c = v.screenshot(&dir.join("c.png"));
    // The selection window opened at the top right of the window.
    let changed = (60..400)
        .step_by(3)
        .filter(|&y| v_pixel_differs(&b, &c, 1150, y))
        .count();
    assert!(changed > 20, "no selection panel on the right ({changed})");

    // Keys reach the window: the right arrow pans.
    v.xdotool(&["search", "--name", "clusterviz", "windowfocus", "--sync"]);
    let before = v.view().0.center_deg;
    v.act(&[&["key", "Right"]]);
    assert_ne!(v.view().0.center_deg, before, "the arrow key did not pan");
    // CLUSTERVIZ_KEEP_SHOTS keeps the screenshots to look at.
    if std::env::var_os("CLUSTERVIZ_KEEP_SHOTS").is_none() {
        std::fs::remove_dir_all(&dir).ok();
    } else {
        eprintln!("screenshots in {}", dir.display());
    }
}

fn v_pixel_differs(a: &Image, b: &Image, x: u32, y: u32) -> bool {
    a.pixel(x, y) != b.pixel(x, y)
}
