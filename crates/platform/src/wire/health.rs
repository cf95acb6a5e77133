//! `GET /api/health`: whether the platform is whole, and if not what is wrong, with the
//! registry's replay, decoder refusals and supervised tasks' restarts.

use std::collections::BTreeMap;

use faultline_protocol::RejectReason;
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `degraded` while a platform task is failing (see `degraded`), else `starting` until
    /// the registry is replayed, then `ok`.
    pub status: &'static str,
    pub uptime_ms: u64,
    pub environment: String,
    pub sidecars: usize,
    pub discovery: DiscoveryProgress,
    pub rejected: Rejections,
    /// Scenario files that could not be loaded, each with its file and line.
    pub scenario_errors: Vec<String>,
    /// Sentences about what may not be true on disk (a fault ledger that cannot be read,
    /// written or rewritten); empty when all is well.
    pub warnings: Vec<String>,
    /// Platform tasks that panicked or stopped and have not run steadily again since.
    pub degraded: Vec<DegradedTask>,
    /// Restarts per platform task since the platform started (tasks never restarted are
    /// left out).
    pub restarts: BTreeMap<String, u32>,
}

/// Whether the registration topic has been replayed since this start.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryProgress {
    pub replayed: bool,
    pub records: u64,
    pub elapsed_ms: Option<u64>,
}

/// A task that is down or was restarted too recently to count as running again: one entry
/// of `GET /api/health`'s `degraded`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DegradedTask {
    pub task: String,
    /// What went wrong last and what happens next, as a sentence.
    pub sentence: String,
    /// Restarts since the platform started.
    pub restarts: u32,
    /// When it first failed in this spell, ms since the Unix epoch (platform clock).
    pub since_ms: i64,
}

/// Records refused by the decoder, counted by topic and reason for `/api/health`.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rejections {
    pub total: u64,
    pub by_topic: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Rejections {
    pub fn count(&mut self, topic: &str, reason: RejectReason) {
        self.total = self.total.saturating_add(1);
        let count = self
            .by_topic
            .entry(topic.to_owned())
            .or_default()
            .entry(reason.as_str().to_owned())
            .or_default();
        *count = count.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_topic_and_reason() {
        let mut rejections = Rejections::default();
        rejections.count("faultline.signals", RejectReason::Oversize);
        rejections.count("faultline.signals", RejectReason::Oversize);
        rejections.count("faultline.sidecars", RejectReason::BadId);
        assert_eq!(rejections.total, 3);
        assert_eq!(rejections.by_topic["faultline.signals"]["oversize"], 2);
        assert_eq!(rejections.by_topic["faultline.sidecars"]["bad-id"], 1);
    }
}
