//! File writing that never leaves a partial output behind: outputs are written into a
//! temporary sibling (`.NAME.partial-PID`) and renamed into place. The temporary files
//! of writes under way are removed when the process is interrupted (SIGINT, SIGTERM,
//! SIGHUP: [`remove_partial_files_on_signals`]), and those of processes that died
//! without a chance to (kill -9, a crash) by the next write into the same folder.
//! Other things to undo on such a signal (leaving a SAMP hub) register with
//! [`on_interrupt`].

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files of the writes under way in this process.
static UNDER_WAY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Folders already swept of dead processes' leftovers by this process (a `demo --write`
/// writes hundreds of files into one folder: one listing is enough).
static SWEPT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What to undo when the process is interrupted, by key.
type Hook = Box<dyn Fn() + Send>;
static HOOKS: Mutex<Vec<(u64, Hook)>> = Mutex::new(Vec::new());
static NEXT_HOOK: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A registered [`on_interrupt`] action; dropping it unregisters the action.
pub struct InterruptHook(u64);

impl Drop for InterruptHook {
    fn drop(&mut self) {
        if let Ok(mut hooks) = HOOKS.lock() {
            hooks.retain(|(k, _)| *k != self.0);
        }
    }
}

/// Runs `undo` if the process is interrupted (SIGINT, SIGTERM, SIGHUP) while the returned
/// hook lives: e.g. a viewer killed from its terminal leaves the SAMP hub rather than
/// staying listed in TOPCAT as a dead client.
pub fn on_interrupt(undo: impl Fn() + Send + 'static) -> InterruptHook {
    let key = NEXT_HOOK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if let Ok(mut hooks) = HOOKS.lock() {
        hooks.push((key, Box::new(undo)));
    }
    InterruptHook(key)
}

/// Installs the handler that removes the temporary files of writes under way when the
/// process is asked to stop, runs the [`on_interrupt`] actions, then exits with status
/// 130 (as after Ctrl-C). Call once, early.
pub fn remove_partial_files_on_signals() {
    // The handler runs on a thread of its own (not in signal context): locking is fine.
    let _ = ctrlc::set_handler(|| {
        let files = UNDER_WAY.lock().map(|f| f.clone()).unwrap_or_default();
        for f in files {
            let _ = std::fs::remove_file(f);
        }
        if let Ok(hooks) = HOOKS.lock() {
            for (_, undo) in hooks.iter() {
                undo();
            }
        }
        report!("clusterviz: interrupted; unfinished output files removed");
        // `_exit`, not `exit`: exit's C++ static destructors (LLVM's, in Mesa's software
        // drivers) would run while the main thread still renders, and abort with "double
        // free or corruption" instead of leaving with 130.
        use std::io::Write;
        let _ = std::io::stdout().flush();
        // SAFETY: `_exit` only ends the process; nothing after it runs.
        unsafe { libc::_exit(130) };
    });
}

/// The process id in a temporary file's name (`.NAME.partial-PID`), if it is one.
pub fn partial_file_owner(path: &Path) -> Option<u32> {
    let name = path.file_name()?.to_str()?;
    name.strip_prefix('.')?
        .rsplit_once(".partial-")?
        .1
        .parse()
        .ok()
}

/// Whether a process with this id runs (on systems without /proc: assumed so, and
/// nothing is removed).
pub fn process_runs(pid: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes the temporary files in `dir` that processes no longer running left behind.
pub fn remove_dead_partial_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for p in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if partial_file_owner(&p).is_some_and(|pid| !process_runs(pid)) && p.is_file() {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// A path next to `target` to write into before renaming over `target`.
pub fn temp_path_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Fails early, naming the file, when the folder an output would go into is missing.
pub fn ensure_parent_dir(target: &Path) -> Result<()> {
    match target.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => Err(Error::file(target, "the output folder does not exist")),
        _ => Ok(()),
    }
}

/// Writes a file through `write` into a temporary sibling, then renames it into place.
/// On any error the temporary file is removed and `target` is left untouched.
pub fn write_atomically(target: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    ensure_parent_dir(target)?;
    let tmp = temp_path_for(target);
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let first_here = SWEPT.lock().is_ok_and(|mut swept| {
        let new = !swept.iter().any(|d| d == dir);
        if new {
            swept.push(dir.to_path_buf());
        }
        new
    });
    if first_here {
        remove_dead_partial_files(dir);
    }
    let _ = std::fs::remove_file(&tmp);
    if let Ok(mut f) = UNDER_WAY.lock() {
        f.push(tmp.clone());
    }
    let result = write(&tmp);
    if let Ok(mut f) = UNDER_WAY.lock() {
        f.retain(|p| p != &tmp);
    }
    match result {
        Ok(()) => std::fs::rename(&tmp, target).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::file(
                target,
                format!("cannot move the finished file into place: {e}"),
            )
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
