//! One recording as a series of bounded files: when a file reaches the size cap it is
//! finished and the recording goes on in the next part (with its own header and snapshot);
//! each new file then prunes the folder's oldest session files beyond the number kept.

use std::path::{Path, PathBuf};

use super::format::{Header, Snapshot, EXTENSION, SESSION_PREFIX};
use super::writer::FileWriter;
use super::RecordingError;

/// How large files grow and how many session files are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A file is finished once it holds this many compressed bytes (it may pass it by the
    /// data of its last flush, about a second's events).
    pub max_file_bytes: u64,
    /// Session files kept in the folder, newest first; older ones are removed when a new
    /// file starts. Named recordings are never removed.
    pub keep_session_files: usize,
}

impl Default for Limits {
    /// 64 MiB a file (days of a rehearsal's events) and the 8 newest session files
    /// (at most about 512 MiB).
    fn default() -> Self {
        Self {
            max_file_bytes: 64 * 1024 * 1024,
            keep_session_files: 8,
        }
    }
}

/// Where a new file's snapshot comes from: the registry as it is when the file starts.
pub type SnapshotSource = std::sync::Arc<dyn Fn() -> Snapshot + Send + Sync>;

/// A recording being written: its current file, and what starting the next one takes.
pub struct Series {
    folder: PathBuf,
    limits: Limits,
    header: Header,
    snapshot: SnapshotSource,
    current: FileWriter,
    /// Every file this recording has written, oldest first.
    files: Vec<PathBuf>,
}

impl Series {
    /// Creates the folder if needed and the recording's first file (named from `header`),
    /// then prunes old session files. Errors: the folder or file cannot be created.
    pub fn start(
        folder: &Path,
        limits: Limits,
        header: Header,
        snapshot: SnapshotSource,
    ) -> Result<Self, RecordingError> {
        std::fs::create_dir_all(folder)
            .map_err(|source| RecordingError::io("create the folder", folder, source))?;
        let current = open(folder, &header, &snapshot)?;
        let series = Self {
            folder: folder.to_owned(),
            limits,
            header,
            snapshot,
            files: vec![current.path().to_owned()],
            current,
        };
        series.prune();
        Ok(series)
    }

    /// The file being written.
    pub fn current(&self) -> &Path {
        self.current.path()
    }

    /// Every file written so far, oldest first.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Appends one line (a JSON value without a line break); past the size cap, finishes
    /// the file and starts the next part.
    pub fn write_line(&mut self, line: &str) -> Result<(), RecordingError> {
        self.current.write_line(line)?;
        if self.current.bytes() >= self.limits.max_file_bytes {
            self.rotate()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<(), RecordingError> {
        self.current.flush()?;
        if self.current.bytes() >= self.limits.max_file_bytes {
            self.rotate()?;
        }
        Ok(())
    }

    /// Finishes the current file; returns every file of the recording, oldest first.
    pub fn finish(self) -> Result<Vec<PathBuf>, RecordingError> {
        self.current.finish()?;
        Ok(self.files)
    }

    fn rotate(&mut self) -> Result<(), RecordingError> {
        let header = self.header.next_part();
        let next = open(&self.folder, &header, &self.snapshot)?;
        let full = std::mem::replace(&mut self.current, next);
        self.header = header;
        self.files.push(self.current.path().to_owned());
        full.finish()?;
        self.prune();
        Ok(())
    }

    /// Removes the oldest session files beyond `keep_session_files` (never the one being
    /// written); a file that cannot be removed is logged and left.
    fn prune(&self) {
        let names = match session_files(&self.folder) {
            Ok(names) => names,
            Err(error) => {
                tracing::warn!(%error, "old session recordings not pruned");
                return;
            }
        };
        let excess = names.len().saturating_sub(self.limits.keep_session_files);
        for name in names.into_iter().take(excess) {
            let path = self.folder.join(name);
            if path == self.current() {
                continue;
            }
            if let Err(error) = std::fs::remove_file(&path) {
                tracing::warn!(path = %path.display(), %error, "old session recording not removed");
            }
        }
    }
}

fn open(
    folder: &Path,
    header: &Header,
    snapshot: &SnapshotSource,
) -> Result<FileWriter, RecordingError> {
    FileWriter::create(&folder.join(header.file_name()), header, &snapshot())
}

/// The session files' names in `folder`, oldest first (their names sort by start).
fn session_files(folder: &Path) -> Result<Vec<String>, RecordingError> {
    let entries =
        std::fs::read_dir(folder).map_err(|source| RecordingError::io("list", folder, source))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(SESSION_PREFIX) && name.ends_with(EXTENSION))
        .collect();
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::tests::{empty_snapshot, event_line};

    fn snapshots() -> SnapshotSource {
        std::sync::Arc::new(empty_snapshot)
    }

    fn header(name: Option<&str>, started_at_ms: i64) -> Header {
        Header {
            started_at_ms,
            ..Header::new("rehearsal", name)
        }
    }

    #[test]
    fn a_file_past_the_cap_goes_on_in_the_next_part_with_its_own_header() {
        let folder = tempfile::tempdir().expect("temp dir");
        let limits = Limits {
            max_file_bytes: 2_000,
            keep_session_files: 100,
        };
        let mut series =
            Series::start(folder.path(), limits, header(None, 1), snapshots()).expect("start");
        // Events differ enough (their numbers) that a few hundred pass 2 000 bytes.
        for seq in 1..=400 {
            series.write_line(&event_line(seq)).expect("write");
            if seq % 20 == 0 {
                series.flush().expect("flush");
            }
        }
        let files = series.finish().expect("finish");
        assert!(files.len() >= 2, "never rotated: {files:?}");
        let mut seqs = Vec::new();
        for (index, file) in files.iter().enumerate() {
            let recording = crate::recording::read(file).expect("readable");
            assert_eq!(recording.header.part as usize, index + 1);
            assert_eq!(recording.break_at, None, "{file:?}");
            assert!(recording.snapshot.is_some());
            seqs.extend(
                recording
                    .events
                    .iter()
                    .map(|e| e["seq"].as_u64().expect("seq")),
            );
            // Within the cap give or take the last flush's block.
            let bytes = std::fs::metadata(file).expect("size").len();
            assert!(bytes < 4_000, "{file:?} has {bytes} bytes");
        }
        assert_eq!(
            seqs,
            (1..=400).collect::<Vec<u64>>(),
            "no event lost or doubled"
        );
    }

    #[test]
    fn only_the_newest_session_files_are_kept_and_named_ones_never_pruned() {
        let folder = tempfile::tempdir().expect("temp dir");
        let limits = Limits {
            max_file_bytes: 1 << 20,
            keep_session_files: 3,
        };
        let named = Series::start(folder.path(), limits, header(Some("demo"), 1), snapshots())
            .expect("start named");
        named.finish().expect("finish");
        for started in 2..=6 {
            let session = Series::start(folder.path(), limits, header(None, started), snapshots())
                .expect("start session");
            session.finish().expect("finish");
        }
        let mut left: Vec<String> = std::fs::read_dir(folder.path())
            .expect("list")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .into_string()
                    .expect("utf-8")
            })
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "named-demo-19700101T000000.001Z-001.jsonl.zst",
                "session-19700101T000000.004Z-001.jsonl.zst",
                "session-19700101T000000.005Z-001.jsonl.zst",
                "session-19700101T000000.006Z-001.jsonl.zst",
            ]
        );
    }
}
