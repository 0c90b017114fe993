//! The library's messages during one call, collected for Python (warnings and log
//! records there) instead of going to the process's standard error.

use std::sync::{Arc, Mutex};

use clusterviz::reporting;

/// Collects messages while alive; [`Collected::take`] ends the collection.
pub struct Collected {
    lines: Arc<Mutex<Vec<String>>>,
}

impl Collected {
    pub fn start() -> Collected {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        reporting::set_sink(Some(Arc::new(move |line: &str| {
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(line.to_string());
        })));
        Collected { lines }
    }

    pub fn take(self) -> Vec<String> {
        reporting::set_sink(None);
        std::mem::take(&mut *self.lines.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Collected {
    fn drop(&mut self) {
        reporting::set_sink(None);
    }
}
