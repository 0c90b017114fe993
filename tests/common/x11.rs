//! Real windows in tests: a private Xvfb, the program under test with its trace
//! (CLUSTERVIZ_TRACE) collected line by line, xdotool for a user's input and ImageMagick's
//! `import` for screenshots.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clusterviz::render::Image;

/// The X tools a window test needs that are not installed (scripts/setup.sh installs them).
pub fn missing_x_tools() -> Vec<&'static str> {
    ["Xvfb", "xdotool", "import"]
        .into_iter()
        .filter(|tool| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect()
}

/// Whether window tests can run here; if not, says which tools are missing.
pub fn x_tools_present() -> bool {
    let missing = missing_x_tools();
    if !missing.is_empty() {
        eprintln!("SKIPPED: {missing:?} not installed (scripts/setup.sh installs them)");
    }
    missing.is_empty()
}

/// Kills its process when dropped, so that a failing test leaves nothing running.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private X server with one screen of `size` ("WxH"); Xvfb picks a free display number
/// itself (`-displayfd`), so concurrent test runs cannot share one.
pub fn start_xvfb(size: &str) -> (Killed, String) {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            &format!("{size}x24"),
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Xvfb");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("Xvfb reports its display");
    let n: u32 = line.trim().parse().expect("a display number from Xvfb");
    (Killed(child), format!(":{n}"))
}

/// A folder only this user may read (XDG_RUNTIME_DIR must be 0700).
pub fn private_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clusterviz-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    dir
}

/// clusterviz in a window, its trace lines collected as they come.
pub struct Traced {
    child: Killed,
    lines: Arc<Mutex<Vec<String>>>,
    display: String,
}

impl Traced {
    /// Runs clusterviz with `args` in `dir` on `display`.
    pub fn start(display: &str, dir: &Path, args: &[&str]) -> Traced {
        Traced::spawn(display, dir, env!("CARGO_BIN_EXE_clusterviz"), args)
    }

    /// Runs `program` (clusterviz, or a launcher of it such as mpirun) the same way.
    pub fn spawn(display: &str, dir: &Path, program: &str, args: &[&str]) -> Traced {
        Traced::spawn_with_env(display, dir, program, args, &[])
    }

    /// As [`Traced::spawn`], with these environment variables set too.
    pub fn spawn_with_env(
        display: &str,
        dir: &Path,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Traced {
        let mut child = Command::new(program)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(dir)
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_RUNTIME_DIR", dir)
            .env("CLUSTERVIZ_TRACE", "1")
            .env("CLUSTERVIZ_CACHE_DIR", super::test_cache_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start clusterviz");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Traced {
            child: Killed(child),
            lines,
            display: display.to_string(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    pub fn count(&self, prefix: &str) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with(prefix))
            .count()
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits up to `limit` for the program to end; its exit code if it did.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let t = Instant::now();
        while t.elapsed() < limit {
            if let Ok(Some(status)) = self.child.0.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// The last line starting with `prefix`.
    pub fn last(&self, prefix: &str) -> String {
        let lines = self.lines.lock().unwrap();
        lines
            .iter()
            .rev()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no '{prefix}' line; it said:\n{}", lines.join("\n")))
            .clone()
    }

    /// Waits until more than `after` lines start with `prefix`.
    pub fn wait_for(&self, prefix: &str, after: usize) {
        let t = Instant::now();
        while self.count(prefix) <= after {
            assert!(
                t.elapsed() < Duration::from_secs(90),
                "no '{prefix}' from clusterviz; it said:\n{}",
                self.lines.lock().unwrap().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs input actions a human's pace apart, then waits for the next line starting
    /// with `done` (the still frame that follows them).
    pub fn act_until(&self, done: &str, steps: &[&[&str]]) {
        let before = self.count(done);
        for args in steps {
            self.xdotool(args);
            std::thread::sleep(Duration::from_millis(80));
        }
        self.wait_for(done, before);
        // The frame is on screen once presented; give X a moment.
        std::thread::sleep(Duration::from_millis(300));
    }

    pub fn xdotool(&self, args: &[&str]) {
        let s = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .status()
            .expect("run xdotool");
        assert!(s.success(), "xdotool {args:?} failed");
    }

    /// The whole screen.
    pub fn screenshot(&self, path: &Path) -> Image {
        let s = Command::new("import")
            .args(["-window", "root"])
            .arg(path)
            .env("DISPLAY", &self.display)
            .status()
            .expect("run import");
        assert!(s.success());
        Image::load_png(path).unwrap()
    }
}

/// The steps of a left-button drag from `from` to `to` (screen pixels) in `steps` moves.
pub fn drag_steps(from: (f64, f64), to: (f64, f64), steps: usize) -> Vec<Vec<String>> {
    let at = |k: usize| {
        let f = k as f64 / steps as f64;
        vec![
            "mousemove".to_string(),
            (from.0 + (to.0 - from.0) * f).round().to_string(),
            (from.1 + (to.1 - from.1) * f).round().to_string(),
        ]
    };
    let mut out = vec![at(0), vec!["mousedown".into(), "1".into()]];
    out.extend((1..=steps).map(at));
    out.push(vec!["mouseup".into(), "1".into()]);
    out
}
