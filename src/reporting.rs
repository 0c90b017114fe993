//! Where `report!` messages go: standard error, unless a front end living inside another
//! program takes them (the Python package turns them into warnings and log records, so a
//! notebook shows them; its process's standard error is a server's terminal).

use std::io::Write as _;
use std::sync::{Arc, RwLock};

/// Takes each message, without its line end.
pub type Sink = Arc<dyn Fn(&str) + Send + Sync>;

static SINK: RwLock<Option<Sink>> = RwLock::new(None);

/// Sends every later message to `sink` (`None`: back to standard error).
pub fn set_sink(sink: Option<Sink>) {
    *SINK.write().unwrap_or_else(|e| e.into_inner()) = sink;
}

/// One message, in one write: standard error is unbuffered, so a formatted write would go
/// out piece by piece, and the ranks of a wall share one stream under mpirun (their lines
/// came out cut into one another).
pub fn emit(line: &str) {
    let sink = SINK.read().unwrap_or_else(|e| e.into_inner()).clone();
    match sink {
        Some(sink) => sink(line.trim_end_matches('\n')),
        // Nothing useful is left to do if standard error itself is gone.
        None => {
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }
}

/// Whether `CLUSTERVIZ_TRACE` is set: phases then report their times.
pub fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("CLUSTERVIZ_TRACE").is_some())
}

/// With `CLUSTERVIZ_TRACE` set, reports the time since `since` as the phase `what` took
/// (where a figure's time goes, without a profiler).
pub fn trace_phase(what: &str, since: std::time::Instant) {
    if tracing() {
        emit(&format!(
            "trace: {what} {:.3} s{}\n",
            since.elapsed().as_secs_f64(),
            peak_resident().map_or(String::new(), |kb| format!(
                " (peak RSS {:.0} MB)",
                kb as f64 / 1024.0
            ))
        ));
    }
}

/// The process's peak resident memory so far, in KiB (Linux only).
fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
