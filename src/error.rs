//! One error type for the whole tool, split by who must act: the user (bad input, exit 2)
//! or us (a GPU or internal failure, exit 1).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags, bad values, bad files: the message says what to fix.
    #[error("{0}")]
    User(String),
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    /// The GPU stack failed (no adapter, out of memory, device lost).
    #[error("GPU: {0}")]
    Gpu(String),
}

impl Error {
    pub fn user(message: impl Into<String>) -> Self {
        Error::User(message.into())
    }

    pub fn file(path: &Path, message: impl std::fmt::Display) -> Self {
        Error::File {
            path: path.to_path_buf(),
            message: message.to_string(),
        }
    }

    pub fn gpu(message: impl std::fmt::Display) -> Self {
        Error::Gpu(message.to_string())
    }

    /// Process exit status: 2 for anything the user can fix, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::User(_) | Error::File { .. } => 2,
            Error::Gpu(_) => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
