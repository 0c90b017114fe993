//! Progress of long loads: events a front end can show (the terminal prints a line that
//! updates in place; the viewer will draw a bar).

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A callback told (what, done, total).
type ProgressFn = dyn Fn(&str, u64, u64) + Send + Sync;

/// Receives (what, done, total) as work advances; thread-safe.
#[derive(Clone)]
pub struct Progress(Arc<ProgressFn>);

impl Progress {
    pub fn new(f: impl Fn(&str, u64, u64) + Send + Sync + 'static) -> Self {
        Progress(Arc::new(f))
    }

    pub fn report(&self, what: &str, done: u64, total: u64) {
        (self.0)(what, done, total)
    }

    /// A bar on standard error when it is a terminal, at most every percent; nothing
    /// otherwise (logs and CI stay clean).
    pub fn terminal() -> Option<Progress> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let last = Arc::new(AtomicU64::new(u64::MAX));
        Some(Progress::new(move |what, done, total| {
            let pct = (done * 100).checked_div(total).unwrap_or(100);
            if last.swap(pct, Ordering::Relaxed) != pct {
                let bar = "#".repeat((pct / 5) as usize);
                let mut e = std::io::stderr().lock();
                let _ = write!(e, "\r{what}: [{bar:<20}] {pct:3}%");
                if done >= total {
                    let _ = writeln!(e);
                }
            }
        }))
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

impl PartialEq for Progress {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
