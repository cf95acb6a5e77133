//! A replay as viewers see it: where the player stands in a recording, sent on the event
//! stream as `{"type":"replay",...}` (several times a second while it plays, and after every
//! change) and answered by `GET /api/replay`; and what `POST /api/replay` may change.

use serde::{Deserialize, Serialize};

/// The speeds a replay plays at: 1×, 2× or 4× the recorded pace.
pub const SPEEDS: [u32; 3] = [1, 2, 4];

/// Where a replay stands. `positionMs` runs from 0 to `durationMs`; `atMs` is the recorded
/// platform clock at that position (what a live dashboard's clock would have read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename = "replay", rename_all = "camelCase")]
pub struct ReplayStatus {
    /// The recording's file name (without its folder).
    pub file: String,
    /// The presenter's name for a named recording; null for a session's own.
    pub name: Option<String>,
    /// The environment kind it recorded.
    pub environment: String,
    /// When the recording started, ms since the Unix epoch (its header).
    pub started_at_ms: i64,
    /// The recorded clock at position 0: the first event's `atMs` (the header's start when
    /// it holds none).
    pub first_at_ms: i64,
    /// From the first event to the last, ms.
    pub duration_ms: u64,
    /// How far the replay has played, ms from the first event.
    pub position_ms: u64,
    /// `firstAtMs + positionMs`.
    pub at_ms: i64,
    /// 1, 2 or 4.
    pub speed: u32,
    pub paused: bool,
    /// True once every event has been played (the replay then stands paused at its end).
    pub finished: bool,
    /// Events the file holds (up to its break), and how many have been played.
    pub events: usize,
    pub played: usize,
    /// Changes on every seek: a viewer that sees a new one starts over from the snapshots,
    /// since what it holds belongs to another point in the recording.
    pub generation: u64,
    /// Where the file stops being readable, when it does: everything before plays.
    pub break_at: Option<ReplayBreak>,
}

/// Where a recording file breaks, and why (see `recording::Break`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayBreak {
    /// Byte offset in the compressed file.
    pub offset: u64,
    /// A sentence saying what was found there.
    pub reason: String,
}

/// `POST /api/replay`'s body: any of the three, applied in this order (seek, speed, pause).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplayControl {
    /// Jump to this position, ms from the first event (past the end: the end). A finished
    /// replay plays on from there.
    pub seek_ms: Option<u64>,
    /// 1, 2 or 4.
    pub speed: Option<u32>,
    /// Pause (true) or play (false); playing a finished replay starts it over.
    pub paused: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_its_type_tag_as_the_protocol_documents() {
        let status = ReplayStatus {
            file: "session-x.jsonl.zst".into(),
            name: None,
            environment: "rehearsal".into(),
            started_at_ms: 1,
            first_at_ms: 2,
            duration_ms: 10,
            position_ms: 3,
            at_ms: 5,
            speed: 4,
            paused: false,
            finished: false,
            events: 7,
            played: 2,
            generation: 0,
            break_at: Some(ReplayBreak {
                offset: 99,
                reason: "cut".into(),
            }),
        };
        let value = serde_json::to_value(&status).expect("serialise");
        assert_eq!(value["type"], "replay");
        assert_eq!(value["positionMs"], 3);
        assert_eq!(value["breakAt"]["offset"], 99);
    }

    #[test]
    fn a_control_with_an_unknown_field_is_refused() {
        assert!(serde_json::from_str::<ReplayControl>(r#"{"speed":2}"#).is_ok());
        assert!(serde_json::from_str::<ReplayControl>(r#"{"sped":2}"#).is_err());
    }
}
