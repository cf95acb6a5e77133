//! The topics Faultline uses and how they must be configured.

/// How a topic is cleaned up by the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanupPolicy {
    /// Latest record per key survives; a tombstone (null value) deletes the key.
    Compact,
    /// Records expire after `retention_ms`.
    Delete { retention_ms: u64 },
}

impl CleanupPolicy {
    pub fn as_kafka_value(&self) -> &'static str {
        match self {
            CleanupPolicy::Compact => "compact",
            CleanupPolicy::Delete { .. } => "delete",
        }
    }
}

/// A topic Faultline creates when it is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: &'static str,
    pub partitions: i32,
    pub cleanup: CleanupPolicy,
}

const ONE_DAY_MS: u64 = 24 * 60 * 60 * 1000;
const ONE_HOUR_MS: u64 = 60 * 60 * 1000;

/// Registrations and heartbeats, key = sidecar id, replayed from the earliest offset.
pub const SIDECARS: TopicSpec = TopicSpec {
    name: "faultline.sidecars",
    partitions: 3,
    cleanup: CleanupPolicy::Compact,
};
/// Sidecar → platform REPORTs and REQUESTs, key = sidecar id.
pub const SPEECH_ACTS: TopicSpec = TopicSpec {
    name: "faultline.speech-acts",
    partitions: 3,
    cleanup: CleanupPolicy::Delete {
        retention_ms: ONE_DAY_MS,
    },
};
/// Platform → sidecar answers and COMMANDs, key = target sidecar id.
pub const RESPONSES: TopicSpec = TopicSpec {
    name: "faultline.responses",
    partitions: 3,
    cleanup: CleanupPolicy::Delete {
        retention_ms: ONE_DAY_MS,
    },
};
/// Live metric snapshots, key = sidecar id; read from the latest offset.
pub const SIGNALS: TopicSpec = TopicSpec {
    name: "faultline.signals",
    partitions: 3,
    cleanup: CleanupPolicy::Delete {
        retention_ms: ONE_HOUR_MS,
    },
};

pub const ALL: [TopicSpec; 4] = [SIDECARS, SPEECH_ACTS, RESPONSES, SIGNALS];

/// The topic the demo workloads produce to and consume from (not Faultline's own).
pub const DEMO: TopicSpec = TopicSpec {
    name: "faultline.demo",
    partitions: 6,
    cleanup: CleanupPolicy::Delete {
        retention_ms: ONE_HOUR_MS,
    },
};
