//! Session recording: every bus event, as `/ws` sends it, written as it happens to
//! zstd-compressed JSON lines under `<cache>/recordings/` (see `format.rs` and
//! docs/protocol.md, Recordings), and read back up to any break. One session recording per
//! environment start, plus one named recording at a time for the presenter.

mod error;
mod format;
mod listing;
mod name;
mod reader;
mod recorder;
mod rotation;
mod task;
mod writer;

pub use error::RecordingError;
pub use format::{Header, Snapshot};
pub use name::RecordingName;
pub use reader::{read, read_header, Break, ReadError, Recording};
pub use recorder::{Recorder, RecorderError};
pub use rotation::SnapshotSource;

#[cfg(test)]
pub(crate) mod tests {
    //! What the recording tests share: a snapshot and events to write.

    use super::format::Snapshot;

    pub fn empty_snapshot() -> Snapshot {
        Snapshot::default()
    }

    /// Bus event number `seq`, as `/ws` would send it.
    pub fn event_line(seq: u64) -> String {
        let event = crate::wire::BusEvent {
            seq,
            at_ms: 1_767_268_800_000 + seq as i64 * 37,
            event: crate::wire::Event::Rejected {
                topic: "faultline.signals".into(),
                reason: "malformed".into(),
                detail: format!("record {} of producer-{} is not JSON", seq * 7919, seq % 13),
            },
        };
        serde_json::to_string(&event).expect("serialise")
    }
}
