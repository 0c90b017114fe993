//! The windowed wall on screen: its trace read back, its windows compared with the
//! headless wall's tiles of the same view (TEST_WALL's displays side by side from the
//! screen's corner).

use std::path::Path;
use std::time::{Duration, Instant};

use glam::DVec2;

use super::x11::{Killed, Traced, private_dir, start_xvfb, x_tools_present};
use super::{TEST_WALL, run_cli, stderr};
use clusterviz::render::Image;
use clusterviz::sky::{Frame, Projection};
use clusterviz::view::View;

/// TEST_WALL's displays and bezels.
pub const DISPLAY: (u32, u32) = (320, 200);
pub const BEZEL: (u32, u32) = (24, 16);
pub const CANVAS: (u32, u32) = (664, 416);
pub const STILL: &str = "trace: wall drawn still";

/// Waits until the wall has drawn a still frame after everything else it reported (data
/// loaded, views changed), and returns the view of that frame.
pub fn settled(w: &Traced) -> View {
    settled_unless_refused(w).expect("the X server refused a process its window")
}

/// What a process says when the X server refuses it a connection.
pub const REFUSED: &str = "cannot open a window";

/// As [`settled`], but `None` as soon as a process reports that the X server refused it
/// a window (the session then ends with that message).
pub fn settled_unless_refused(w: &Traced) -> Option<View> {
    let t = Instant::now();
    loop {
        let lines = w.lines();
        if lines.iter().any(|l| l.contains(REFUSED)) {
            return None;
        }
        let last = lines
            .iter()
            .rev()
            .find(|l| l.starts_with("trace: wall drawn") || l.starts_with("trace: loaded"));
        let loaded = lines
            .iter()
            .any(|l| l.starts_with("trace: loaded complete=true"));
        if loaded && last.is_some_and(|l| l.starts_with(STILL)) {
            std::thread::sleep(Duration::from_millis(300));
            if w.lines().len() == lines.len() {
                return Some(wall_view(last.unwrap()));
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(90),
            "the wall did not settle; it said:\n{}",
            lines.join("\n")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The view a "wall drawn" trace line reports (full precision).
pub fn wall_view(line: &str) -> View {
    let f: Vec<&str> = line.split_whitespace().collect();
    let num = |key: &str, k: usize| -> f64 {
        let i = f.iter().position(|w| *w == key).unwrap();
        f[i + k].parse().unwrap()
    };
    let mut v = View::new(
        Projection::Tan,
        Frame::Icrs,
        (num("centre", 1), num("centre", 2)),
        num("fov", 1),
        CANVAS,
    );
    v.rotation_deg = num("rotation", 1);
    v
}

/// Writes the headless wall's tiles of `view` (TEST_WALL's inputs) into `dir/name`.
pub fn headless_tiles(dir: &Path, name: &str, view: &View) {
    let (inputs, rest) = TEST_WALL.split_once("[view]").unwrap();
    let (_, wall) = rest.split_once("[wall]").unwrap();
    let text = format!(
        "{inputs}[view]\nprojection = \"tan\"\ncenter = [{:?}, {:?}]\nfov = {:?}\nrotation = {:?}\n[wall]{wall}",
        view.center_deg.0, view.center_deg.1, view.fov_deg, view.rotation_deg
    );
    std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
    let o = run_cli(
        &["wall", "--config", &format!("{name}.toml"), "--out", name],
        dir,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Pixels of display (c, r)'s window, at its place on the screen, that differ from the
/// headless tile.
pub fn differing(
    screen: &Image,
    dir: &Path,
    name: &str,
    (c, r): (u32, u32),
    at: (u32, u32),
) -> usize {
    let tile = Image::load_png(&dir.join(format!("{name}/display_c{c}_r{r}.png"))).unwrap();
    assert_eq!((tile.width, tile.height), DISPLAY);
    (0..DISPLAY.1)
        .flat_map(|y| (0..DISPLAY.0).map(move |x| (x, y)))
        .filter(|&(x, y)| tile.pixel(x, y)[..3] != screen.pixel(at.0 + x, at.1 + y)[..3])
        .count()
}

/// Checks every display's window (side by side from the screen's corner) against the
/// headless wall of the same view. Processes that load their data later than rank 0 show
/// it a frame later: the screen is looked at again for a while before failing.
pub fn assert_windows_show_the_headless_wall(w: &Traced, dir: &Path, name: &str, view: &View) {
    headless_tiles(dir, name, view);
    let t = Instant::now();
    loop {
        let screen = w.screenshot(&dir.join(format!("{name}.png")));
        let differ: Vec<usize> = [(0, 0), (1, 0), (0, 1), (1, 1)]
            .into_iter()
            .map(|(c, r)| differing(&screen, dir, name, (c, r), (c * DISPLAY.0, r * DISPLAY.1)))
            .collect();
        if differ.iter().all(|&n| n == 0) {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{name}: displays (0,0), (1,0), (0,1), (1,1) differ in {differ:?} pixels"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// A screen position on display (c, r) as a pixel of the wall's canvas.
pub fn canvas_px((c, r): (u32, u32), screen: DVec2) -> DVec2 {
    let origin = DVec2::new((c * DISPLAY.0) as f64, (r * DISPLAY.1) as f64);
    let on_canvas = DVec2::new(
        (c * (DISPLAY.0 + BEZEL.0)) as f64,
        (r * (DISPLAY.1 + BEZEL.1)) as f64,
    );
    screen - origin + on_canvas
}

pub fn as_steps(steps: &[Vec<String>]) -> Vec<Vec<&str>> {
    steps
        .iter()
        .map(|s| s.iter().map(String::as_str).collect())
        .collect()
}

/// Drags from `from` to `to` (screen pixels) on display `d`, checks that the sky point
/// grabbed ends under the pointer, and returns the wall's view after the drag.
pub fn drag_on_display(w: &Traced, d: (u32, u32), from: DVec2, to: DVec2, before: &View) -> View {
    let grabbed = before.unproject(canvas_px(d, from)).unwrap();
    let steps = super::x11::drag_steps((from.x, from.y), (to.x, to.y), 8);
    let steps = as_steps(&steps);
    let steps: Vec<&[&str]> = steps.iter().map(Vec::as_slice).collect();
    w.act_until(STILL, &steps);
    // The pointer is parked off the displays, so nothing hovers over them.
    w.xdotool(&["mousemove", "900", "400"]);
    let after = settled(w);
    let under = after.unproject(canvas_px(d, to)).unwrap();
    let off = clusterviz::sky::angular_distance_deg(grabbed, under) / after.pixel_scale_deg();
    assert!(
        off < 2.0,
        "the grabbed point is {off:.2} px from the pointer"
    );
    after
}

/// A private folder holding TEST_WALL as w.toml, and an X server with room for its 2x2
/// displays side by side and a console beside them; `None` (skipped) without the X tools.
pub fn wall_desktop(name: &str) -> Option<(Killed, String, std::path::PathBuf)> {
    if !x_tools_present() {
        return None;
    }
    let dir = private_dir(name);
    std::fs::write(dir.join("w.toml"), TEST_WALL).unwrap();
    let (xvfb, display) = start_xvfb("1000x420");
    Some((xvfb, display, dir))
}

/// Escape on display (0, 0) (rank 0's): the session must end cleanly, every process.
pub fn assert_escape_ends_the_wall(w: &mut Traced) {
    w.xdotool(&[
        "search",
        "--name",
        "clusterviz display 0 0",
        "windowfocus",
        "--sync",
    ]);
    w.xdotool(&["key", "Escape"]);
    assert_eq!(w.wait_exit(Duration::from_secs(30)), Some(0));
}
