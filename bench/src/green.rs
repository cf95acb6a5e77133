//! "All green" as the audience sees it, judged from the `/ws` events alone: the launch is
//! running, the expected brokers and sidecars are there, every live subject is STABLE,
//! nothing is under-replicated and every partition is led by its preferred replica. This
//! is the platform's own rule (`World::all_stable` plus the scenario runner's leadership
//! wait), so a figure ending "→ green" ends where a presenter's screen turns green.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::events::{EventLog, Received};

/// What must be present before "everything STABLE" means anything.
#[derive(Debug, Clone, Copy)]
pub struct Expected {
    pub brokers: usize,
    pub sidecars: usize,
    pub groups: usize,
}

#[derive(Debug, Default)]
struct Model {
    running: bool,
    /// Sidecar id → ACTIVE / INACTIVE / DEPARTED.
    sidecars: HashMap<String, String>,
    /// Subject (`producer-1`, `broker-2`, `group demo`) → its latest condition.
    conditions: HashMap<String, (String, String)>,
    /// Broker id → whether it is reachable, fully replicated and led as preferred.
    brokers: HashMap<i64, bool>,
    groups: HashSet<String>,
}

impl Model {
    fn apply(&mut self, e: &Value) {
        let text = |key: &str| e[key].as_str().unwrap_or_default().to_owned();
        match e["type"].as_str().unwrap_or_default() {
            "launch" => self.running = e["state"] == "running",
            "sidecar-status" => {
                self.sidecars.insert(text("sidecarId"), text("status"));
            }
            "condition" => {
                self.conditions
                    .insert(text("subject"), (text("subjectKind"), text("condition")));
            }
            "broker" => {
                let calm = e["reachable"] == true
                    && e["underReplicatedPartitions"].as_i64().unwrap_or(0) == 0
                    && e["preferredReplicaImbalance"].as_i64().unwrap_or(0) == 0;
                if let Some(id) = e["brokerId"].as_i64() {
                    self.brokers.insert(id, calm);
                }
            }
            "consumer-lag" => {
                self.groups.insert(text("group"));
            }
            _ => {}
        }
    }

    fn active(&self, id: &str) -> bool {
        self.sidecars.get(id).is_none_or(|s| s == "ACTIVE")
    }

    /// What still keeps it from green, in words; empty when green.
    fn missing(&self, expected: Expected) -> Vec<String> {
        let mut missing = Vec::new();
        if !self.running {
            missing.push("the launch is not running".to_owned());
        }
        let active = self.sidecars.values().filter(|s| *s == "ACTIVE").count();
        if active < expected.sidecars {
            missing.push(format!("{active} of {} sidecars ACTIVE", expected.sidecars));
        }
        let calm = self.brokers.values().filter(|calm| **calm).count();
        if calm < expected.brokers || calm < self.brokers.len() {
            missing.push(format!(
                "{calm} of {} brokers reachable, fully replicated and led as preferred",
                expected.brokers.max(self.brokers.len())
            ));
        }
        if self.groups.len() < expected.groups {
            missing.push(format!(
                "{} of {} consumer groups measured",
                self.groups.len(),
                expected.groups
            ));
        }
        for (subject, (kind, condition)) in &self.conditions {
            if condition != "STABLE" && !(kind == "sidecar" && !self.active(subject)) {
                missing.push(format!("{subject} is {condition}"));
            }
        }
        missing.sort();
        missing
    }

    fn holds(&self, expected: Expected) -> bool {
        self.missing(expected).is_empty()
    }
}

/// How long green must hold to count: a broker that was just restarted reports itself
/// calm before the others' next poll shows the partitions it has to catch up on.
pub const HOLD: Duration = Duration::from_secs(3);

/// Waits up to `within` for green that starts at or after event index `from` (every
/// event before it is folded in first) and then holds for [`HOLD`]. Returns the event that
/// began the green spell, or what was still missing at the deadline.
pub async fn wait(
    log: &EventLog,
    from: usize,
    expected: Expected,
    within: Duration,
) -> Result<Received, String> {
    let deadline = Instant::now() + within;
    let mut model = Model::default();
    let mut cursor = 0;
    let mut since: Option<Received> = None;
    loop {
        for received in log.since(cursor) {
            model.apply(&received.event);
            cursor += 1;
            if cursor <= from {
                continue;
            }
            if !model.holds(expected) {
                since = None;
            } else if since.is_none() {
                since = Some(received);
            }
        }
        if let Some(spell) = since.as_ref().filter(|s| s.at.elapsed() >= HOLD) {
            return Ok(spell.clone());
        }
        if log.closed() && cursor == log.len() {
            return Err("the server closed its event stream (it stopped or crashed)".into());
        }
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            let missing = model.missing(expected);
            return Err(if missing.is_empty() {
                format!("green never held for {HOLD:?}")
            } else {
                missing.join("; ")
            });
        };
        // Wake on the next event (or recheck after 100 ms).
        let _ = log
            .first(cursor, left.min(Duration::from_millis(100)), |_| true)
            .await;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ONE_OF_EACH: Expected = Expected {
        brokers: 1,
        sidecars: 1,
        groups: 1,
    };

    fn model(events: &[Value]) -> Model {
        let mut m = Model::default();
        events.iter().for_each(|e| m.apply(e));
        m
    }

    fn calm() -> Vec<Value> {
        vec![
            json!({"type": "launch", "state": "running"}),
            json!({"type": "sidecar-status", "sidecarId": "producer-1", "status": "ACTIVE"}),
            json!({"type": "broker", "brokerId": 1, "reachable": true, "underReplicatedPartitions": 0}),
            json!({"type": "consumer-lag", "group": "demo"}),
            json!({"type": "condition", "subjectKind": "sidecar", "subject": "producer-1", "condition": "STABLE"}),
        ]
    }

    #[test]
    fn green_needs_everything_present_and_stable() {
        assert!(model(&calm()).holds(ONE_OF_EACH));
        for missing in 0..4 {
            let mut events = calm();
            events.remove(missing);
            assert!(
                !model(&events).holds(ONE_OF_EACH),
                "without event {missing}"
            );
        }
    }

    #[test]
    fn one_degraded_subject_or_urp_is_not_green() {
        let mut events = calm();
        events.push(json!({"type": "condition", "subjectKind": "broker", "subject": "broker-1", "condition": "DOWN"}));
        assert!(!model(&events).holds(ONE_OF_EACH));
        let mut events = calm();
        events.push(json!({"type": "broker", "brokerId": 1, "reachable": true, "underReplicatedPartitions": 3}));
        assert!(!model(&events).holds(ONE_OF_EACH));
    }

    #[test]
    fn a_departed_sidecars_last_condition_does_not_count() {
        let mut events = calm();
        events.push(
            json!({"type": "sidecar-status", "sidecarId": "producer-2", "status": "DEPARTED"}),
        );
        events.push(json!({"type": "condition", "subjectKind": "sidecar", "subject": "producer-2", "condition": "DEGRADED"}));
        assert!(model(&events).holds(ONE_OF_EACH));
    }
}
