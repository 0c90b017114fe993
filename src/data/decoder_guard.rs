//! Third-party code (arrow's Parquet reader, cdshealpix on odd input) can panic on corrupt input instead of
//! returning an error. Their calls run under [`guarded`], which turns such a panic into
//! an error message and keeps the panic's own report off stderr: a damaged file is a
//! user's problem, reported as one, not a crash.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside [`guarded`] (its panics are reported as errors).
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Runs `f`; a panic inside it becomes `Err` with the panic's message.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "an internal error".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_others_pass_through() {
        assert_eq!(guarded(|| 3), Ok(3));
        let e = guarded(|| -> u8 { panic!("offset {} out of range", 9) }).unwrap_err();
        assert_eq!(e, "offset 9 out of range");
        assert!(!GUARDED.with(Cell::get));
    }
}
