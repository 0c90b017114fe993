//! Shared by the GPU tests: a GPU context and small scenes.
#![allow(dead_code)]

pub mod wall_screen;
pub mod x11;

use clusterviz::data::Survey;
use clusterviz::data::demo::{DemoConfig, DemoSurvey};
use clusterviz::render::{BackendChoice, GpuContext, Image, SceneRenderer};
use clusterviz::scene::{SceneStyle, UploadPlan, upload_survey};
use clusterviz::view::Theme;

/// The GPU context the tests run on. Goldens are pinned to Vulkan lavapipe (see
/// tests/golden/README.md), so prefer Vulkan unless WGPU_BACKEND says otherwise.
pub fn gpu() -> GpuContext {
    let choice = BackendChoice::from_env().unwrap_or(BackendChoice::Vulkan);
    GpuContext::new(choice)
        .or_else(|_| GpuContext::new(BackendChoice::Auto))
        .expect("a GPU adapter (install mesa-vulkan-drivers for lavapipe)")
}

/// The disk cache of the clusterviz processes tests start: their own, not the user's
/// (whose cache would otherwise collect the checksums of every temporary test file).
pub fn test_cache_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("clusterviz-test-cache")
}

/// Runs the clusterviz binary in `cwd` without a display (so `demo` renders a figure
/// and `view` says it needs a window).
pub fn run_cli(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_clusterviz"))
        .args(args)
        .current_dir(cwd)
        .env("CLUSTERVIZ_CACHE_DIR", test_cache_dir())
        // Tests write HDF5 files in this process while other tests start programs: a
        // child started meanwhile inherits the writer's descriptor, and with it the
        // file's lock, so a reader run next could find the file locked (seen once).
        .env("HDF5_USE_FILE_LOCKING", "FALSE")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run clusterviz")
}

/// Angle between two (RA, Dec) directions, degrees.
pub fn separation_deg(a: (f64, f64), b: (f64, f64)) -> f64 {
    let v = |(ra, dec): (f64, f64)| {
        let (ra, dec) = (f64::to_radians(ra), f64::to_radians(dec));
        [dec.cos() * ra.cos(), dec.cos() * ra.sin(), dec.sin()]
    };
    let (p, q) = (v(a), v(b));
    let dot: f64 = p.iter().zip(q).map(|(x, y)| x * y).sum();
    dot.clamp(-1.0, 1.0).acos().to_degrees()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An empty folder of the temp dir, unique to this test process.
pub fn tempdir(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("clusterviz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

/// A test's scratch folder, removed when the test is done with it (kept when the
/// test failed, to look at).
#[derive(Debug)]
pub struct TempDir(pub std::path::PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::PathBuf;
    fn deref(&self) -> &std::path::PathBuf {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The wall used by the wall tests: 2x2 displays of 320x200 with 24x16-px bezels over
/// the small demo survey (canvas 664x416).
pub const TEST_WALL: &str = "[inputs]\ndemo = true\ndemo_galaxies = 20000\n\
    [view]\nprojection = \"tan\"\ncenter = [0.5, -30.0]\nfov = 9.0\n\
    [wall]\ncolumns = 2\nrows = 2\ndisplay = [320, 200]\nbezel = [24, 16]\n";

/// TEST_WALL as one display the size of its whole canvas, without bezels.
pub fn test_wall_whole_canvas() -> String {
    let (head, _) = TEST_WALL.split_once("[wall]").unwrap();
    format!("{head}[wall]\ncolumns = 1\nrows = 1\ndisplay = [664, 416]\n")
}

/// Renders TEST_WALL's whole canvas at once in `dir` (a one-display wall of its size) and
/// checks every display tile in `dir/tiles` against its rectangle of it, pixel for pixel.
pub fn assert_tiles_equal_the_whole_canvas(dir: &std::path::Path, tiles: &str) {
    std::fs::write(dir.join("whole.toml"), test_wall_whole_canvas()).unwrap();
    let o = run_cli(&["wall", "--config", "whole.toml", "--out", "whole"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let whole = Image::load_png(&dir.join("whole/display_c0_r0.png")).unwrap();
    assert_eq!((whole.width, whole.height), (664, 416));
    for (c, r) in [(0u32, 0u32), (1, 0), (0, 1), (1, 1)] {
        let tile = Image::load_png(&dir.join(format!("{tiles}/display_c{c}_r{r}.png"))).unwrap();
        assert_eq!((tile.width, tile.height), (320, 200));
        let (x0, y0) = (c * (320 + 24), r * (200 + 16));
        let differ = (0..200)
            .flat_map(|y| (0..320).map(move |x| (x, y)))
            .filter(|&(x, y)| tile.pixel(x, y)[..3] != whole.pixel(x0 + x, y0 + y)[..3])
            .count();
        assert_eq!(differ, 0, "display ({c}, {r}): {differ} pixels differ");
    }
}

/// Writes the demo survey with 30 000 galaxies to `dir/demo` and imports its galaxy
/// tiles as the HATS catalog `dir/hg` (partitions of at most 300 rows, 253 of them).
pub fn demo_hats_catalog(dir: &std::path::Path) {
    let o = run_cli(&["demo", "--write", "demo", "--galaxies", "30000"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_cli(
        &["import", "demo/catred", "-o", "hg", "--max-rows", "300"],
        dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A small deterministic demo survey.
pub fn small_survey() -> Survey {
    Survey::from(DemoSurvey::generate(DemoConfig {
        seed: 1,
        galaxies: 20_000,
    }))
}

pub fn demo_renderer(ctx: &GpuContext, survey: &Survey, theme: Theme) -> SceneRenderer {
    let mut r = SceneRenderer::new(ctx);
    r.set_theme(ctx, theme);
    let style = SceneStyle::default();
    upload_survey(
        ctx,
        &mut r,
        survey,
        theme,
        &style,
        UploadPlan::still(ctx, &style),
    )
    .unwrap();
    r
}

/// The merged cluster catalog a headless viewer shows now.
pub fn merged_clusters(v: &clusterviz::app::headless::HeadlessViewer) -> clusterviz::data::Catalog {
    v.frame
        .data
        .as_ref()
        .and_then(|d| d.survey.merged.clone())
        .expect("the viewer shows merged clusters")
}

/// Number of pixels whose channels differ by more than `tol`, and the largest difference.
pub fn mismatches(a: &Image, b: &Image, tol: u8) -> (usize, u8) {
    assert_eq!(
        (a.width, a.height),
        (b.width, b.height),
        "image sizes differ"
    );
    let mut count = 0;
    let mut worst = 0;
    for (pa, pb) in a.rgba.chunks(4).zip(b.rgba.chunks(4)) {
        let d = pa
            .iter()
            .zip(pb)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap();
        worst = worst.max(d);
        if d > tol {
            count += 1;
        }
    }
    (count, worst)
}

/// A copy of the folder `from` (and everything under it) at `to`.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
