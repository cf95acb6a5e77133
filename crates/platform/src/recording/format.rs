//! The recording file format, version 1: what its first two lines hold and how its files
//! are named. docs/protocol.md (Recordings) describes the same.
//!
//! A file is one zstd frame (with its content checksum) of JSON lines, each ending in `\n`:
//! 1. the [`Header`]: `{"format":"faultline-recording","version":1,...}`;
//! 2. the [`Snapshot`]: `{"sidecars":[...]}`, the registry as `GET /api/sidecars` showed it
//!    when the file was started;
//! 3. one line per bus event, exactly as `/ws` sends it (`{"seq":..,"atMs":..,"type":..}`),
//!    and `{"type":"lagged","missed":N}` where the writer fell behind and lost N events.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::wire::{BrokerReading, DiscoveryProgress, GroupObservation, SidecarView};

/// The `format` every recording's header names.
pub const FORMAT: &str = "faultline-recording";

/// The only version this build writes and reads.
pub const VERSION: u32 = 1;

/// How every recording file's name ends.
pub const EXTENSION: &str = ".jsonl.zst";

/// The start of a session recording's file names; a named recording's start with
/// [`NAMED_PREFIX`] and its name.
pub const SESSION_PREFIX: &str = "session-";

/// See [`SESSION_PREFIX`].
pub const NAMED_PREFIX: &str = "named-";

/// Line 1 of every file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] in what this build writes.
    pub version: u32,
    /// When this file was started, ms since the Unix epoch (platform clock).
    pub started_at_ms: i64,
    /// The environment kind being recorded (`rehearsal`, `local`, `docker`, `external`).
    pub environment: String,
    /// The Faultline version that wrote the file.
    pub faultline: String,
    /// The presenter's name for a named recording; null for a session's own.
    pub name: Option<String>,
    /// 1 for a recording's first file; 2, 3... for the files it went on in after the size
    /// cap, each starting with its own header and snapshot.
    pub part: u32,
}

impl Header {
    /// The header of a recording's first file, started now.
    pub fn new(environment: &str, name: Option<&str>) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            started_at_ms: faultline_protocol::clock::now_ms(),
            environment: environment.to_owned(),
            faultline: env!("CARGO_PKG_VERSION").to_owned(),
            name: name.map(str::to_owned),
            part: 1,
        }
    }

    /// The header of the file that follows this one, started now.
    pub fn next_part(&self) -> Self {
        Self {
            started_at_ms: faultline_protocol::clock::now_ms(),
            part: self.part.saturating_add(1),
            ..self.clone()
        }
    }

    /// The file's name: `session-<UTC start>-<part>.jsonl.zst` or
    /// `named-<name>-<UTC start>-<part>.jsonl.zst`, the start as `20260101T120000.123Z`
    /// and the part as three digits, so a folder's names sort by start, then part.
    pub fn file_name(&self) -> String {
        let start = SystemTime::UNIX_EPOCH
            + Duration::from_millis(u64::try_from(self.started_at_ms).unwrap_or(0));
        let stamp: String = humantime::format_rfc3339_millis(start)
            .to_string()
            .chars()
            .filter(|c| !matches!(c, '-' | ':'))
            .collect();
        let prefix = match &self.name {
            Some(name) => format!("{NAMED_PREFIX}{name}-"),
            None => SESSION_PREFIX.to_owned(),
        };
        format!("{prefix}{stamp}-{:03}{EXTENSION}", self.part)
    }
}

/// Line 2 of every file: what a viewer connecting when the file was started would have
/// fetched before following the events (a named recording starts long after the events
/// that said most of it).
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The registry, as `GET /api/sidecars` lists it.
    pub sidecars: Vec<SidecarView>,
    /// Each broker's latest reading and judgement (a broker's `metrics` in
    /// `GET /api/environment`, with its id).
    pub brokers: Vec<BrokerReading>,
    /// As `GET /api/consumer-groups` lists them.
    pub consumer_groups: Vec<GroupObservation>,
    /// The registration topic's replay, as `GET /api/health` gives it.
    pub discovery: DiscoveryProgress,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: Option<&str>, part: u32) -> Header {
        Header {
            started_at_ms: 1_767_268_800_123, // 2026-01-01T12:00:00.123Z
            part,
            ..Header::new("rehearsal", name)
        }
    }

    #[test]
    fn the_header_line_names_format_version_start_environment_and_faultline() {
        let line = serde_json::to_value(header(None, 1)).expect("serialise");
        assert_eq!(line["format"], "faultline-recording");
        assert_eq!(line["version"], 1);
        assert_eq!(line["startedAtMs"], 1_767_268_800_123_i64);
        assert_eq!(line["environment"], "rehearsal");
        assert_eq!(line["faultline"], env!("CARGO_PKG_VERSION"));
        assert_eq!(line["name"], serde_json::Value::Null);
        assert_eq!(line["part"], 1);
    }

    #[test]
    fn file_names_sort_by_start_then_part() {
        assert_eq!(
            header(None, 1).file_name(),
            "session-20260101T120000.123Z-001.jsonl.zst"
        );
        assert_eq!(
            header(Some("demo-1"), 12).file_name(),
            "named-demo-1-20260101T120000.123Z-012.jsonl.zst"
        );
        let mut names = [header(None, 2), header(None, 1)].map(|h| h.file_name());
        names.sort();
        assert!(names[0].ends_with("-001.jsonl.zst"), "{names:?}");
    }

    #[test]
    fn the_next_part_keeps_all_but_its_start_and_number() {
        let first = header(Some("demo"), 1);
        let next = first.next_part();
        assert_eq!(next.part, 2);
        assert_eq!(
            (next.name, next.environment),
            (first.name, first.environment)
        );
    }
}
