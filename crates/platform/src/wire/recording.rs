//! A session recording as `GET /api/recordings` lists it: one row per file in the
//! recordings folder (docs/protocol.md, Recordings).

use serde::Serialize;

/// One recording file: `{file, name, bytes, startedAtMs, environment, part, recording}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingFile {
    /// The file's name in the recordings folder, e.g.
    /// `session-20260101T120000.123Z-001.jsonl.zst`.
    pub file: String,
    /// The presenter's name for a named recording; null for a session's own.
    pub name: Option<String>,
    /// The file's size on disk (compressed), bytes.
    pub bytes: u64,
    /// When the file was started, ms since the Unix epoch (platform clock), from its header;
    /// null when the header cannot be read.
    pub started_at_ms: Option<i64>,
    /// The environment kind it recorded (`rehearsal`, `local`, ...); null as above.
    pub environment: Option<String>,
    /// 1 for a recording's first file, 2, 3... for the files it went on in after the size
    /// cap; null as above.
    pub part: Option<u32>,
    /// True while this file is still being written.
    pub recording: bool,
}
