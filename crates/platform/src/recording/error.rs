//! What can go wrong writing or listing recordings, each naming the file or folder.

use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// A file or the folder could not be created, written, flushed, finished, listed or
    /// removed (`action` says which).
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A header or snapshot could not be serialised (not expected from our types).
    #[error("cannot serialise a line of {}: {source}", .path.display())]
    Serialise {
        path: PathBuf,
        source: serde_json::Error,
    },
}

impl RecordingError {
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.to_owned(),
            source,
        }
    }
}
