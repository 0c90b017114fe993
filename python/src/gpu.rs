//! One GPU context per Python session (per backend asked for): opening a device costs
//! more than a small figure, and figures and viewers share it.

use std::sync::{Arc, Mutex};

use clusterviz::render::{BackendChoice, GpuContext};

static GPU: Mutex<Option<(BackendChoice, Arc<GpuContext>)>> = Mutex::new(None);

/// The session's context for `backend`, opened at the first call.
pub fn shared_gpu(backend: BackendChoice) -> clusterviz::Result<Arc<GpuContext>> {
    let mut held = GPU.lock().unwrap_or_else(|e| e.into_inner());
    match held.as_ref() {
        Some((b, ctx)) if *b == backend => Ok(ctx.clone()),
        _ => {
            let ctx = Arc::new(GpuContext::new(backend)?);
            *held = Some((backend, ctx.clone()));
            Ok(ctx)
        }
    }
}

/// Runs `f` on the session's context; figures from several Python threads take turns.
pub fn with_gpu<T>(
    backend: BackendChoice,
    f: impl FnOnce(&Arc<GpuContext>) -> clusterviz::Result<T>,
) -> clusterviz::Result<T> {
    static TURN: Mutex<()> = Mutex::new(());
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    f(&shared_gpu(backend)?)
}
