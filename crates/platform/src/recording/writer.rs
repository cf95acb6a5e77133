//! One recording file being written: created with its header and snapshot, then one JSON
//! line at a time into a zstd frame, flushed on request so a reader (or a crash) finds every
//! line written up to the last flush.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::format::{Header, Snapshot};
use super::RecordingError;

/// zstd's default level: fast enough for a second's events in well under a millisecond.
const LEVEL: i32 = 3;

/// An open recording file. Lines written are compressed in memory until [`flush`](Self::flush)
/// ends the current zstd block and writes it to disk; [`finish`](Self::finish) ends the frame.
/// A file dropped without `finish` is cut after its last flush, which the reader reports.
pub struct FileWriter {
    path: PathBuf,
    encoder: zstd::stream::write::Encoder<'static, Counted<File>>,
}

impl FileWriter {
    /// Creates `path` (which must not exist) and writes `header` and `snapshot` to it,
    /// flushed. Errors: the file exists or cannot be created or written.
    pub fn create(
        path: &Path,
        header: &Header,
        snapshot: &Snapshot,
    ) -> Result<Self, RecordingError> {
        let io = |source| RecordingError::io("create", path, source);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(io)?;
        let mut encoder = zstd::stream::write::Encoder::new(
            Counted {
                inner: file,
                bytes: 0,
            },
            LEVEL,
        )
        .map_err(io)?;
        encoder.include_checksum(true).map_err(io)?;
        let mut writer = Self {
            path: path.to_owned(),
            encoder,
        };
        writer.write_json(header)?;
        writer.write_json(snapshot)?;
        writer.flush()?;
        Ok(writer)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line; `line` is one JSON value without a line break.
    pub fn write_line(&mut self, line: &str) -> Result<(), RecordingError> {
        let path = &self.path;
        self.encoder
            .write_all(line.as_bytes())
            .and_then(|()| self.encoder.write_all(b"\n"))
            .map_err(|source| RecordingError::io("write", path, source))
    }

    fn write_json(&mut self, value: &impl serde::Serialize) -> Result<(), RecordingError> {
        let line = serde_json::to_string(value).map_err(|source| RecordingError::Serialise {
            path: self.path.clone(),
            source,
        })?;
        self.write_line(&line)
    }

    /// Ends the current zstd block and writes it to the file, so everything written so far
    /// can be read back.
    pub fn flush(&mut self) -> Result<(), RecordingError> {
        let path = &self.path;
        self.encoder
            .flush()
            .map_err(|source| RecordingError::io("flush", path, source))
    }

    /// Compressed bytes in the file so far (what the last flush and any full block wrote).
    pub fn bytes(&self) -> u64 {
        self.encoder.get_ref().bytes
    }

    /// Ends the frame (with its checksum) and closes the file; returns its size in bytes.
    pub fn finish(self) -> Result<u64, RecordingError> {
        let path = self.path;
        let counted = self
            .encoder
            .finish()
            .map_err(|source| RecordingError::io("finish", &path, source))?;
        counted
            .inner
            .sync_all()
            .map_err(|source| RecordingError::io("finish", &path, source))?;
        Ok(counted.bytes)
    }
}

/// A file that counts the bytes written to it.
struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::tests::{empty_snapshot, event_line};

    #[test]
    fn a_finished_file_decompresses_to_header_snapshot_and_lines() {
        let folder = tempfile::tempdir().expect("temp dir");
        let path = folder.path().join("a.jsonl.zst");
        let header = Header::new("rehearsal", None);
        let mut writer = FileWriter::create(&path, &header, &empty_snapshot()).expect("create");
        writer.write_line(&event_line(1)).expect("write");
        writer.write_line(&event_line(2)).expect("write");
        let bytes = writer.finish().expect("finish");

        assert_eq!(bytes, std::fs::metadata(&path).expect("metadata").len());
        let text = zstd::decode_all(File::open(&path).expect("open")).expect("decode");
        let lines: Vec<&str> = std::str::from_utf8(&text).expect("utf-8").lines().collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert!(lines[0].starts_with(r#"{"format":"faultline-recording","version":1,"#));
        assert_eq!(
            lines[1],
            r#"{"sidecars":[],"brokers":[],"consumerGroups":[],"discovery":{"replayed":false,"records":0,"elapsedMs":null}}"#
        );
        assert_eq!(lines[2], event_line(1));
    }

    #[test]
    fn a_flush_puts_every_line_on_disk_before_the_frame_ends() {
        let folder = tempfile::tempdir().expect("temp dir");
        let path = folder.path().join("a.jsonl.zst");
        let mut writer =
            FileWriter::create(&path, &Header::new("rehearsal", None), &empty_snapshot())
                .expect("create");
        let after_header = writer.bytes();
        assert_eq!(after_header, std::fs::metadata(&path).expect("size").len());
        writer.write_line(&event_line(1)).expect("write");
        writer.flush().expect("flush");
        assert!(writer.bytes() > after_header);
        assert_eq!(
            writer.bytes(),
            std::fs::metadata(&path).expect("size").len()
        );
    }

    #[test]
    fn an_existing_file_is_never_overwritten() {
        let folder = tempfile::tempdir().expect("temp dir");
        let path = folder.path().join("a.jsonl.zst");
        std::fs::write(&path, b"keep me").expect("write");
        let refused = FileWriter::create(&path, &Header::new("rehearsal", None), &empty_snapshot());
        let Err(error) = refused else {
            panic!("an existing file was opened");
        };
        assert!(error.to_string().contains("cannot create"), "{error}");
        assert_eq!(std::fs::read(&path).expect("read"), b"keep me");
    }
}
