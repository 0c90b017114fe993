//! clusterviz's errors as Python exceptions: a file that does not exist is a
//! FileNotFoundError, one that cannot be read an OSError, bad values and bad contents a
//! ValueError, a GPU failure a RuntimeError; the message is the command line's.

use pyo3::PyErr;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyRuntimeError, PyValueError};

use clusterviz::Error;

pub fn to_py(e: Error) -> PyErr {
    let msg = e.to_string();
    match &e {
        Error::User(_) => PyValueError::new_err(msg),
        Error::File { message, .. } => {
            let lower = message.to_ascii_lowercase();
            if lower.contains("no such file") || lower.contains("does not exist") {
                PyFileNotFoundError::new_err(msg)
            } else if lower.contains("os error") || lower.contains("permission denied") {
                PyOSError::new_err(msg)
            } else {
                PyValueError::new_err(msg)
            }
        }
        Error::Gpu(_) => PyRuntimeError::new_err(msg),
    }
}
