//! A consumer group's lag as `GET /api/consumer-groups` and the `consumer-lag` event show it.

use serde::Serialize;

use super::observed::Observed;

/// A partition whose lag is not known: no successful read within `state::groups::STALE_AFTER_MS`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnknownPartition {
    pub topic: String,
    pub partition: i32,
    pub leader: Option<i32>,
    /// Why the latest read failed, e.g. "leader broker 2 did not answer within 3 s".
    pub reason: String,
}

/// A partition where the group has committed up to the last stable offset while records
/// lie beyond it: a read_committed consumer cannot pass the open transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StuckPartition {
    pub topic: String,
    pub partition: i32,
    pub committed: i64,
    pub last_stable_offset: i64,
    pub high_watermark: i64,
    /// Since when (ms since the epoch) the last stable offset has not moved.
    pub since_ms: i64,
}

/// A consumer group's lag from one round, over the partitions measured recently (within
/// `state::groups::STALE_AFTER_MS`), as the `consumer-lag` event and
/// `GET /api/consumer-groups` show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupLag {
    /// Records (offsets) written but not yet committed by the group: high watermark minus
    /// committed offset, summed over the measured partitions.
    pub lag_messages: i64,
    /// Age of the oldest record the group has not committed yet, seconds (0 when none
    /// could be read).
    pub lag_seconds: f64,
    /// Partitions the group has committed offsets for.
    pub partitions: usize,
    /// Of those, the ones measured recently; the figures cover these.
    pub measured_partitions: usize,
    /// The others, with the reason.
    pub unknown_partitions: Vec<UnknownPartition>,
    /// Partitions stuck behind an open transaction for `state::groups::STUCK_AFTER_MS`
    /// or longer.
    pub stuck_partitions: Vec<StuckPartition>,
    /// No partition measured recently: the figures are old and not shown.
    pub stale: bool,
    /// When the newest of the figures was measured, ms since the Unix epoch; None if no
    /// partition ever was.
    pub measured_ms: Option<i64>,
}

/// The latest lag of one consumer group and the platform's judgement of it (a row of
/// `GET /api/consumer-groups`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupObservation {
    pub group: String,
    #[serde(flatten)]
    pub observed: Observed<GroupLag>,
}
