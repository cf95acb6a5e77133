//! A recording made ready to play: its events in file order, each with its position on the
//! replay's timeline (ms from the first event), and what the file says about itself.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::recording::{self, Break, Header, ReadError, Recording};

/// One recorded line: a bus event as `/ws` sent it, or a `lagged` marker.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Ms from the tape's first event; never less than the entry before's (a platform clock
    /// that stepped back does not make the replay wait or jump).
    pub offset_ms: u64,
    pub event: Arc<Value>,
}

impl Entry {
    /// The event's `type` tag (every recorded line has one; the reader checked).
    pub fn kind(&self) -> &str {
        self.event
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// A whole recording file, up to its break.
#[derive(Debug, Clone)]
pub struct Tape {
    /// The file's name, without its folder.
    pub file: String,
    pub header: Header,
    /// Line 2, `{"sidecars":[...]}`; None when the file breaks before it.
    pub snapshot: Option<Value>,
    pub entries: Vec<Entry>,
    /// The recorded platform clock at offset 0, ms since the Unix epoch.
    pub first_at_ms: i64,
    /// The last entry's offset.
    pub duration_ms: u64,
    pub break_at: Option<Break>,
}

impl Tape {
    /// Reads the recording at `path` (see `recording::read` for its errors); a file that
    /// breaks part-way gives a tape of what came before, with `break_at` saying where.
    pub fn load(path: &Path) -> Result<Self, ReadError> {
        let recording = recording::read(path)?;
        let file = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Ok(Self::new(file, recording))
    }

    pub fn new(file: String, recording: Recording) -> Self {
        let first_at_ms = recording
            .events
            .iter()
            .find_map(at_ms)
            .unwrap_or(recording.header.started_at_ms);
        let mut latest = first_at_ms;
        let entries: Vec<Entry> = recording
            .events
            .into_iter()
            .map(|event| {
                latest = at_ms(&event).map_or(latest, |at| at.max(latest));
                Entry {
                    offset_ms: u64::try_from(latest.saturating_sub(first_at_ms)).unwrap_or(0),
                    event: Arc::new(event),
                }
            })
            .collect();
        Self {
            file,
            header: recording.header,
            snapshot: recording.snapshot,
            duration_ms: entries.last().map_or(0, |e| e.offset_ms),
            entries,
            first_at_ms,
            break_at: recording.break_at,
        }
    }

    /// How many entries lie at or before `position_ms`: those a replay standing there has
    /// played.
    pub fn played_by(&self, position_ms: u64) -> usize {
        self.entries.partition_point(|e| e.offset_ms <= position_ms)
    }
}

/// An event's `atMs`, when it has one (a `lagged` marker has none).
fn at_ms(event: &Value) -> Option<i64> {
    event.get("atMs").and_then(Value::as_i64)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn recording(events: Vec<Value>) -> Recording {
        Recording {
            header: Header::new("rehearsal", None),
            snapshot: Some(json!({"sidecars": []})),
            events,
            break_at: None,
        }
    }

    #[test]
    fn offsets_run_from_the_first_event_and_never_back() {
        let tape = Tape::new(
            "f".into(),
            recording(vec![
                json!({"type":"signal","atMs":1000}),
                json!({"type":"lagged","missed":3}),
                json!({"type":"broker","atMs":1500}),
                json!({"type":"broker","atMs":1200}),
                json!({"type":"broker","atMs":4000}),
            ]),
        );
        let offsets: Vec<u64> = tape.entries.iter().map(|e| e.offset_ms).collect();
        assert_eq!(offsets, [0, 0, 500, 500, 3000]);
        assert_eq!(tape.first_at_ms, 1000);
        assert_eq!(tape.duration_ms, 3000);
        assert_eq!(tape.played_by(0), 2);
        assert_eq!(tape.played_by(499), 2);
        assert_eq!(tape.played_by(500), 4);
        assert_eq!(tape.played_by(u64::MAX), 5);
        assert_eq!(tape.entries[1].kind(), "lagged");
    }

    #[test]
    fn an_empty_recording_is_a_tape_of_no_length_at_its_start() {
        let recording = recording(Vec::new());
        let start = recording.header.started_at_ms;
        let tape = Tape::new("f".into(), recording);
        assert_eq!((tape.first_at_ms, tape.duration_ms), (start, 0));
        assert_eq!(tape.played_by(0), 0);
    }
}
