use std::collections::{BTreeMap, BTreeSet};

use faultline_protocol::vocabulary::{Condition, Confidence};
use serde::Serialize;

/// The latest lag of one consumer group.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupObservation {
    pub group: String,
    pub lag_messages: i64,
    pub lag_seconds: f64,
    pub partitions: usize,
    pub condition: Condition,
    pub confidence: Confidence,
    pub sentence: Option<String>,
    pub updated_ms: i64,
}

/// Consumer groups the platform watches: those the environment names and those consumer
/// sidecars report belonging to.
#[derive(Debug, Default)]
pub struct Groups {
    pub watched: BTreeSet<String>,
    pub latest: BTreeMap<String, GroupObservation>,
}

/// Enough for any demo; a hostile sidecar cannot make the platform watch without end.
pub const MAX_WATCHED_GROUPS: usize = 50;

impl Groups {
    pub fn watch(&mut self, group: &str) {
        if self.watched.len() < MAX_WATCHED_GROUPS && !group.is_empty() {
            self.watched.insert(group.to_owned());
        }
    }
}
