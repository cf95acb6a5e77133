//! Reading a recording back: its header (a wrong format or version is refused), snapshot
//! and events, up to the first break — a cut, damaged data, a line that is not an event or
//! bytes after the recording's end — which is returned with its byte offset instead of
//! failing the whole file.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;
use zstd::stream::raw::{Decoder, InBuffer, Operation, OutBuffer};

use super::format::{Header, FORMAT, VERSION};

/// A line longer than this (16 MiB) is taken for damage, not an event.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Compressed bytes read from the file at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// Compressed bytes given to the decoder at a time. zstd reports damage without saying how
/// far it got in that call, so what the call decoded before the damage is lost: feeding it
/// little at a time loses little (the damaged block, and at most what else ends within
/// these 256 bytes).
const STEP_BYTES: usize = 256;

/// What could be read of one recording file.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub header: Header,
    /// Line 2, `{"sidecars":[...]}`; None when the file breaks before it.
    pub snapshot: Option<Value>,
    /// Every line after the snapshot up to the break, in file order: bus events as `/ws`
    /// sends them and `{"type":"lagged","missed":N}` markers.
    pub events: Vec<Value>,
    /// Where and why reading stopped early; None for a whole file.
    pub break_at: Option<Break>,
}

/// Where a recording stops being readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Byte offset in the (compressed) file: for a cut, the file's length; for bytes after
    /// the recording's end, where they begin; for damaged data, where the decoder stood
    /// when it found it (within 256 bytes before the end of the damaged block); for a line
    /// that is not an event, where the decoder stood when the line came out (within 256
    /// bytes after the end of the compressed block holding it).
    pub offset: u64,
    /// A sentence saying what was found there.
    pub reason: String,
}

/// A file that is not a readable recording at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The sentence already says the cause: it is not repeated as a source.
    #[error("cannot read {}: {cause}", .path.display())]
    Io { path: PathBuf, cause: io::Error },
    /// Not zstd-compressed at all (a decompressed copy, or another file).
    #[error("{} is not a Faultline recording: it is not zstd-compressed (a recording is a .jsonl.zst file as Faultline wrote it)", .path.display())]
    NotCompressed { path: PathBuf },
    /// Empty, or broken before its first line ends.
    #[error("{} holds no recording header: {}", .path.display(), .found.reason)]
    NoHeader { path: PathBuf, found: Break },
    #[error("{} is not a Faultline recording: its first line does not say \"format\":\"{}\"", .path.display(), FORMAT)]
    NotARecording { path: PathBuf },
    #[error("{} is a version {version} recording; this Faultline reads version {} only", .path.display(), VERSION)]
    Version { path: PathBuf, version: Value },
    /// Says it is version 1 but lacks a field of version 1's header, or has a wrong type.
    #[error("{}'s header is not a version {} header: {reason}", .path.display(), VERSION)]
    BadHeader { path: PathBuf, reason: String },
}

/// Reads the recording at `path` up to its first break. Errors: the file cannot be opened
/// or read, or its first line is not a version 1 recording header.
pub fn read(path: &Path) -> Result<Recording, ReadError> {
    let mut lines = Lines::open(path)?;
    let header = read_header_line(&mut lines, path)?;
    let mut recording = Recording {
        header,
        snapshot: None,
        events: Vec::new(),
        break_at: None,
    };
    let mut number = 1_u64;
    recording.break_at = loop {
        let (line, offset) = match lines.next()? {
            Next::Line { text, offset } => (text, offset),
            Next::End(end) => break end,
        };
        number += 1;
        let Some(value) = json_object(&line) else {
            let what = if number == 2 {
                "the snapshot"
            } else {
                "an event"
            };
            break Some(Break {
                offset,
                reason: format!("line {number} is not {what} (not a JSON object)"),
            });
        };
        if number == 2 {
            recording.snapshot = Some(value);
        } else if value.get("type").is_some_and(Value::is_string) {
            recording.events.push(value);
        } else {
            break Some(Break {
                offset,
                reason: format!("line {number} is not an event (it has no \"type\")"),
            });
        }
    };
    Ok(recording)
}

/// Reads only the header of the recording at `path`, with the same errors as [`read`].
pub fn read_header(path: &Path) -> Result<Header, ReadError> {
    read_header_line(&mut Lines::open(path)?, path)
}

fn read_header_line(lines: &mut Lines, path: &Path) -> Result<Header, ReadError> {
    let line = match lines.next()? {
        Next::Line { text, .. } => text,
        Next::End(end) => {
            return Err(ReadError::NoHeader {
                path: path.to_owned(),
                found: end.unwrap_or(Break {
                    offset: 0,
                    reason: "the recording is empty".into(),
                }),
            })
        }
    };
    let value = json_object(&line)
        .filter(|value| value.get("format").and_then(Value::as_str) == Some(FORMAT))
        .ok_or_else(|| ReadError::NotARecording {
            path: path.to_owned(),
        })?;
    let version = value.get("version").cloned().unwrap_or(Value::Null);
    if version != VERSION {
        return Err(ReadError::Version {
            path: path.to_owned(),
            version,
        });
    }
    serde_json::from_value(value).map_err(|error| ReadError::BadHeader {
        path: path.to_owned(),
        reason: error.to_string(),
    })
}

fn json_object(line: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Value>(line)
        .ok()
        .filter(Value::is_object)
}

enum Next {
    /// One line without its `\n`, and the decoder's position when it came out.
    Line { text: Vec<u8>, offset: u64 },
    /// No more lines: the frame ended cleanly (None) or reading broke.
    End(Option<Break>),
}

/// The decompressed lines of one file, with the compressed offset each came out at.
struct Lines {
    path: PathBuf,
    file: File,
    decoder: Decoder<'static>,
    input: Vec<u8>,
    /// `input[start..]` is not yet given to the decoder.
    start: usize,
    /// Compressed bytes the decoder has taken.
    consumed: u64,
    /// Decompressed bytes not yet split into lines.
    pending: Vec<u8>,
    output: Vec<u8>,
    frame_ended: bool,
}

/// The first bytes of every zstd frame (RFC 8878, 3.1.1: the magic number 0xFD2FB528,
/// little-endian).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// Refuses a file that does not start as zstd data; an empty one, or one cut inside the
/// magic number, passes (and is then said to hold no header). Errors: the file cannot be
/// read.
fn check_compressed(path: &Path) -> io::Result<Result<(), ReadError>> {
    let mut start = Vec::with_capacity(ZSTD_MAGIC.len());
    File::open(path)?
        .take(ZSTD_MAGIC.len() as u64)
        .read_to_end(&mut start)?;
    Ok(if ZSTD_MAGIC.starts_with(&start) {
        Ok(())
    } else {
        Err(ReadError::NotCompressed {
            path: path.to_owned(),
        })
    })
}

impl Lines {
    fn open(path: &Path) -> Result<Self, ReadError> {
        let io = |cause| ReadError::Io {
            path: path.to_owned(),
            cause,
        };
        check_compressed(path).map_err(io)??;
        Ok(Self {
            path: path.to_owned(),
            file: File::open(path).map_err(io)?,
            decoder: Decoder::new().map_err(io)?,
            input: Vec::new(),
            start: 0,
            consumed: 0,
            pending: Vec::new(),
            output: vec![0; CHUNK_BYTES],
            frame_ended: false,
        })
    }

    fn next(&mut self) -> Result<Next, ReadError> {
        loop {
            if let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
                let mut text: Vec<u8> = self.pending.drain(..=end).collect();
                text.pop();
                return Ok(Next::Line {
                    text,
                    offset: self.consumed,
                });
            }
            if self.pending.len() > MAX_LINE_BYTES {
                return Ok(self.broken(format!(
                    "a line runs past {} MiB without ending",
                    MAX_LINE_BYTES >> 20
                )));
            }
            if self.frame_ended {
                return self.after_frame();
            }
            if self.start == self.input.len() && !self.refill()? {
                let reason = if self.consumed == 0 {
                    "the file is empty".to_owned()
                } else {
                    format!(
                        "the file ends at byte {} in the middle of the recording (cut off, or still being written)",
                        self.consumed
                    )
                };
                return Ok(self.broken(reason));
            }
            let step = self.input.len().min(self.start + STEP_BYTES);
            let mut input = InBuffer::around(&self.input[self.start..step]);
            let mut output = OutBuffer::around(&mut self.output[..]);
            let ran = self.decoder.run(&mut input, &mut output);
            let (taken, produced) = (input.pos(), output.pos());
            self.start += taken;
            self.consumed += taken as u64;
            self.pending.extend_from_slice(&self.output[..produced]);
            match ran {
                Ok(0) => self.frame_ended = true,
                Ok(_) => {}
                Err(error) => {
                    return Ok(self.broken(format!("the compressed data is damaged ({error})")))
                }
            }
        }
    }

    /// The frame has ended: a last line without `\n`, or any byte after the frame, is a
    /// break; else the recording is whole.
    fn after_frame(&mut self) -> Result<Next, ReadError> {
        if !self.pending.is_empty() {
            return Ok(self.broken("the recording's last line has no end".into()));
        }
        let more = self.start < self.input.len() || self.refill()?;
        if more {
            let at = self.consumed;
            return Ok(self.broken(format!(
                "the recording ends at byte {at}; what follows it is not part of it"
            )));
        }
        Ok(Next::End(None))
    }

    /// Reads the next chunk of the file; false at its end.
    fn refill(&mut self) -> Result<bool, ReadError> {
        self.input.resize(CHUNK_BYTES, 0);
        let read = loop {
            match self.file.read(&mut self.input) {
                Ok(read) => break read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(cause) => {
                    return Err(ReadError::Io {
                        path: self.path.clone(),
                        cause,
                    })
                }
            }
        };
        self.input.truncate(read);
        self.start = 0;
        Ok(read > 0)
    }

    fn broken(&self, reason: String) -> Next {
        Next::End(Some(Break {
            offset: self.consumed,
            reason,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::format::Header;
    use crate::recording::tests::{empty_snapshot, event_line};
    use crate::recording::writer::FileWriter;

    /// A whole recording of `events` events, flushed every 10, and the file's bytes.
    fn recorded(folder: &Path, events: u64) -> (PathBuf, Vec<u8>) {
        let path = folder.join("whole.jsonl.zst");
        let mut writer =
            FileWriter::create(&path, &Header::new("rehearsal", None), &empty_snapshot())
                .expect("create");
        for seq in 1..=events {
            writer.write_line(&event_line(seq)).expect("write");
            if seq % 10 == 0 {
                writer.flush().expect("flush");
            }
        }
        writer.finish().expect("finish");
        let bytes = std::fs::read(&path).expect("read back");
        (path, bytes)
    }

    fn seqs(recording: &Recording) -> Vec<u64> {
        recording
            .events
            .iter()
            .map(|event| event["seq"].as_u64().expect("a seq"))
            .collect()
    }

    fn write(folder: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = folder.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    #[test]
    fn a_whole_file_reads_to_its_end_without_a_break() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (path, _) = recorded(folder.path(), 100);
        let recording = read(&path).expect("readable");
        assert_eq!(recording.header.format, "faultline-recording");
        assert_eq!(recording.header.version, 1);
        assert_eq!(recording.header.environment, "rehearsal");
        assert_eq!(
            recording.snapshot,
            Some(serde_json::to_value(empty_snapshot()).expect("a snapshot"))
        );
        assert_eq!(seqs(&recording), (1..=100).collect::<Vec<_>>());
        assert_eq!(
            recording.events[0],
            serde_json::from_str::<Value>(&event_line(1)).unwrap()
        );
        assert_eq!(recording.break_at, None);
        assert_eq!(read_header(&path).expect("header"), recording.header);
    }

    #[test]
    fn a_file_cut_in_the_middle_gives_what_came_before_and_the_cut_s_offset() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (_, bytes) = recorded(folder.path(), 100);
        let cut = bytes.len() / 2;
        let path = write(folder.path(), "cut.jsonl.zst", &bytes[..cut]);
        let recording = read(&path).expect("the header survives");
        let read_seqs = seqs(&recording);
        assert!(
            !read_seqs.is_empty() && read_seqs.len() < 100,
            "{read_seqs:?}"
        );
        assert_eq!(read_seqs, (1..=read_seqs.len() as u64).collect::<Vec<_>>());
        let found = recording.break_at.expect("a break");
        assert_eq!(found.offset, cut as u64, "{found:?}");
        assert!(found.reason.contains("cut off"), "{found:?}");
    }

    #[test]
    fn every_cut_reads_a_prefix_and_never_panics() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (_, bytes) = recorded(folder.path(), 30);
        let mut last = 0;
        for cut in 1..bytes.len() {
            let path = write(folder.path(), "cut.jsonl.zst", &bytes[..cut]);
            match read(&path) {
                Ok(recording) => {
                    let read_seqs = seqs(&recording);
                    assert_eq!(read_seqs, (1..=read_seqs.len() as u64).collect::<Vec<_>>());
                    assert!(read_seqs.len() >= last, "a longer cut read less");
                    last = read_seqs.len();
                    assert_eq!(recording.break_at.map(|b| b.offset), Some(cut as u64));
                }
                Err(ReadError::NoHeader { found, .. }) => {
                    assert_eq!(found.offset, cut as u64);
                }
                Err(other) => panic!("cut at {cut}: {other}"),
            }
        }
    }

    #[test]
    fn garbage_after_the_end_is_a_break_at_the_recording_s_end() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (_, mut bytes) = recorded(folder.path(), 50);
        let end = bytes.len() as u64;
        bytes.extend_from_slice(b"\0garbage\n{\"seq\":51}\n");
        let path = write(folder.path(), "garbage.jsonl.zst", &bytes);
        let recording = read(&path).expect("readable");
        assert_eq!(seqs(&recording), (1..=50).collect::<Vec<_>>());
        let found = recording.break_at.expect("a break");
        assert_eq!(found.offset, end);
        assert!(found.reason.contains("not part of it"), "{found:?}");
    }

    #[test]
    fn a_damaged_byte_stops_reading_with_a_break_not_a_panic() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (_, mut bytes) = recorded(folder.path(), 100);
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        let path = write(folder.path(), "damaged.jsonl.zst", &bytes);
        let recording = read(&path).expect("the header survives");
        let found = recording.break_at.clone().expect("a break");
        // Where the byte lands decides what is found: compressed data the decoder refuses
        // (then within 256 bytes of it), or a literal that decodes to a line that is not an
        // event (the checksum at the frame's end would catch the rest).
        if found.reason.contains("damaged") {
            assert!(
                found.offset <= middle as u64 + 256,
                "{found:?} from a byte at {middle}"
            );
        } else {
            assert!(found.reason.contains("is not an event"), "{found:?}");
        }
        let read_seqs = seqs(&recording);
        assert!(
            !read_seqs.is_empty(),
            "the blocks before the damage are read"
        );
        assert_eq!(read_seqs, (1..=read_seqs.len() as u64).collect::<Vec<_>>());
    }

    #[test]
    fn another_version_is_refused_by_name() {
        let folder = tempfile::tempdir().expect("temp dir");
        let path = folder.path().join("v2.jsonl.zst");
        let header = r#"{"format":"faultline-recording","version":2,"startedAtMs":1}"#;
        let compressed = zstd::encode_all(format!("{header}\n{{\"sidecars\":[]}}\n").as_bytes(), 3)
            .expect("compress");
        std::fs::write(&path, compressed).expect("write");
        let error = read(&path).expect_err("refused");
        assert!(matches!(error, ReadError::Version { .. }), "{error:?}");
        assert!(
            error
                .to_string()
                .ends_with("is a version 2 recording; this Faultline reads version 1 only"),
            "{error}"
        );
    }

    #[test]
    fn another_format_is_not_a_recording() {
        let folder = tempfile::tempdir().expect("temp dir");
        let path = folder.path().join("other.jsonl.zst");
        let compressed =
            zstd::encode_all(&b"{\"format\":\"other\",\"version\":1}\n"[..], 3).expect("compress");
        std::fs::write(&path, compressed).expect("write");
        let error = read(&path).expect_err("refused");
        assert!(
            matches!(error, ReadError::NotARecording { .. }),
            "{error:?}"
        );
        // A decompressed copy, or any file that is not zstd data, says so.
        let plain = write(folder.path(), "plain.jsonl", b"{\"seq\":1}\n");
        let error = read(&plain).expect_err("refused");
        assert!(
            matches!(error, ReadError::NotCompressed { .. }),
            "{error:?}"
        );
        assert!(error.to_string().ends_with(
            "is not a Faultline recording: it is not zstd-compressed (a recording is a .jsonl.zst file as Faultline wrote it)"
        ));
        let short = write(folder.path(), "short.jsonl.zst", b"x");
        assert!(matches!(read(&short), Err(ReadError::NotCompressed { .. })));
    }

    #[test]
    fn an_empty_file_holds_no_header() {
        let folder = tempfile::tempdir().expect("temp dir");
        let path = write(folder.path(), "empty.jsonl.zst", b"");
        let error = read(&path).expect_err("refused");
        let ReadError::NoHeader { found, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(found.offset, 0);
        assert!(
            error
                .to_string()
                .ends_with("holds no recording header: the file is empty"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it_once() {
        let error = read(Path::new("/nonexistent/faultline.jsonl.zst")).expect_err("refused");
        assert!(
            error
                .to_string()
                .starts_with("cannot read /nonexistent/faultline.jsonl.zst: "),
            "{error}"
        );
        assert!(
            std::error::Error::source(&error).is_none(),
            "the sentence says the cause; a chain would say it twice"
        );
    }
}
