//! What the platform's read API would have answered at a point of a recording: the
//! snapshot the file starts with, brought forward by every event played up to that point.
//! A viewer that (re)connects to a replay loads these, then follows the events, exactly as
//! it does live.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::tape::{Entry, Tape};

/// The tape as it stands after its first `played` entries.
pub struct Moment<'a> {
    tape: &'a Tape,
    played: &'a [Entry],
}

impl<'a> Moment<'a> {
    pub fn new(tape: &'a Tape, played: usize) -> Self {
        Self {
            tape,
            played: &tape.entries[..played.min(tape.entries.len())],
        }
    }

    /// The played events of kind `kind`, oldest first.
    fn of_kind(&self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.played
            .iter()
            .filter(move |e| e.kind() == kind)
            .map(|e| e.event.as_ref())
    }

    /// The snapshot's rows under `key` (`sidecars`, `brokers`, `consumerGroups`), keyed by
    /// their `id_key`; none when the file has no snapshot or an older one without them.
    fn snapshot_rows(&self, key: &str, id_key: &str) -> BTreeMap<String, Map<String, Value>> {
        self.tape
            .snapshot
            .as_ref()
            .and_then(|s| s.get(key))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|row| {
                let id = row.get(id_key).map(|id| match id {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })?;
                Some((id, row.as_object()?.clone()))
            })
            .collect()
    }

    /// `GET /api/sidecars`: the snapshot's rows, each moved on by its `sidecar-status`,
    /// `signal` and condition events; a sidecar found later gets a row of its own.
    pub fn sidecars(&self) -> Vec<Value> {
        let mut rows = self.snapshot_rows("sidecars", "sidecarId");
        for entry in self.played {
            let event = entry.event.as_ref();
            let Some(id) = text(event, "sidecarId") else {
                continue;
            };
            match entry.kind() {
                "sidecar-status" => {
                    let row = rows.entry(id.clone()).or_insert_with(|| new_sidecar(&id));
                    copy(
                        event,
                        row,
                        &[
                            "status",
                            "lastSeenMs",
                            "clockOffsetMs",
                            "clockWarning",
                            "idConflict",
                        ],
                    );
                    copy_given(event, row, &["workload", "host", "jmxEndpoint"]);
                    if let Some(kind) = event.get("sidecarType").filter(|v| !v.is_null()) {
                        row.insert("type".into(), kind.clone());
                    }
                }
                "signal" => {
                    if let Some(row) = rows.get_mut(&id) {
                        copy_given(
                            event,
                            row,
                            &["bufferFill", "targetRate", "sendRate", "requestLatencyMs"],
                        );
                    }
                }
                "condition" => {
                    if let Some(row) = rows.get_mut(&id) {
                        copy(event, row, &["condition", "confidence", "sentence"]);
                    }
                }
                _ => {}
            }
        }
        rows.into_values().map(Value::Object).collect()
    }

    /// `GET /api/environment`: the recorded kind, running, with every broker the snapshot
    /// holds or the recording ever read (so the tiles stand from the start) and each one's
    /// latest reading as `metrics`. Where brokers listen is not recorded: `host` and `port`
    /// are null.
    pub fn environment(&self) -> Value {
        let mut metrics: BTreeMap<i64, Map<String, Value>> = self
            .snapshot_rows("brokers", "brokerId")
            .into_values()
            .filter_map(|mut row| {
                let id = row.remove("brokerId")?.as_i64()?;
                Some((id, row))
            })
            .collect();
        let mut ids: Vec<i64> = self
            .tape
            .entries
            .iter()
            .filter(|e| e.kind() == "broker")
            .filter_map(|e| e.event.get("brokerId").and_then(Value::as_i64))
            .chain(metrics.keys().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for entry in self.played {
            let event = entry.event.as_ref();
            let Some(id) = event.get("brokerId").and_then(Value::as_i64) else {
                continue;
            };
            let reading = metrics.entry(id).or_default();
            match entry.kind() {
                "broker" => reading.extend(fields(event, &["brokerId"])),
                "condition" => copy(event, reading, &["condition", "confidence", "sentence"]),
                _ => {}
            }
        }
        let under_replicated: i64 = metrics
            .values()
            .filter_map(|m| m.get("underReplicatedPartitions").and_then(Value::as_i64))
            .fold(0, i64::saturating_add);
        let brokers: Vec<Value> = ids
            .iter()
            .map(|id| {
                let mut broker = json!({"id": id, "host": null, "port": null, "state": "up"});
                if let Some(reading) = metrics.get(id).filter(|m| m.contains_key("reachable")) {
                    broker["metrics"] = Value::Object(reading.clone());
                }
                broker
            })
            .collect();
        json!({
            "kind": self.tape.header.environment,
            "state": "running",
            "bootstrapServers": "",
            "brokers": brokers,
            "underReplicatedPartitions": under_replicated,
            "error": null,
        })
    }

    /// `GET /api/consumer-groups`: each group's latest `consumer-lag` figures and its
    /// latest condition.
    pub fn consumer_groups(&self) -> Vec<Value> {
        let mut groups = self.snapshot_rows("consumerGroups", "group");
        for entry in self.played {
            let event = entry.event.as_ref();
            let Some(group) = text(event, "group") else {
                continue;
            };
            match entry.kind() {
                "consumer-lag" => groups.entry(group).or_default().extend(fields(event, &[])),
                "condition" => {
                    let row = groups.entry(group.clone()).or_default();
                    row.insert("group".into(), Value::String(group));
                    copy(event, row, &["condition", "confidence", "sentence"]);
                }
                _ => {}
            }
        }
        groups.into_values().map(Value::Object).collect()
    }

    /// `GET /api/faults`: the faults injected and not yet reverted at this point.
    pub fn faults(&self) -> Vec<Value> {
        let mut active: Vec<Value> = Vec::new();
        for event in self.of_kind("fault") {
            let Some(id) = text(event, "faultId") else {
                continue;
            };
            match event.get("action").and_then(Value::as_str) {
                Some("injected") => {
                    active.retain(|f| f["id"] != id.as_str());
                    active.push(json!({
                        "id": id,
                        "fault": event.get("fault").cloned().unwrap_or(Value::Null),
                        "description": event.get("sentence").cloned().unwrap_or(Value::Null),
                        "appliedAtMs": event.get("atMs").cloned().unwrap_or(Value::Null),
                        "runId": null,
                    }));
                }
                Some("reverted") => active.retain(|f| f["id"] != id.as_str()),
                _ => {}
            }
        }
        active
    }

    /// `GET /api/health`: discovery (the snapshot's, until a `discovery-replayed` event)
    /// and rejected records as recorded; `uptimeMs` is the replay's position.
    pub fn health(&self, position_ms: u64) -> Value {
        let recorded = self
            .tape
            .snapshot
            .as_ref()
            .and_then(|s| s.get("discovery"))
            .filter(|d| d.is_object())
            .cloned()
            .unwrap_or_else(|| json!({"replayed": false, "records": 0, "elapsedMs": null}));
        let discovery = self.of_kind("discovery-replayed").last().map_or(
            recorded,
            |d| json!({"replayed": true, "records": d["records"], "elapsedMs": d["elapsedMs"]}),
        );
        let mut by_topic: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        let mut total = 0_u64;
        for event in self.of_kind("rejected") {
            let (Some(topic), Some(reason)) = (text(event, "topic"), text(event, "reason")) else {
                continue;
            };
            *by_topic
                .entry(topic)
                .or_default()
                .entry(reason)
                .or_default() += 1;
            total += 1;
        }
        json!({
            "status": if discovery["replayed"] == true { "ok" } else { "starting" },
            "uptimeMs": position_ms,
            "environment": self.tape.header.environment,
            "sidecars": self.sidecars().len(),
            "discovery": discovery,
            "rejected": {"total": total, "byTopic": by_topic},
            "scenarioErrors": [],
            "warnings": [],
            "degraded": [],
            "restarts": {},
        })
    }

    /// `GET /api/runs/{runId}`: the run's result as its `finished` event carried it; None
    /// before that event is played (or for a run the recording does not hold).
    pub fn run(&self, run_id: &str) -> Option<Value> {
        self.of_kind("scenario")
            .filter(|e| e.get("runId").and_then(Value::as_str) == Some(run_id))
            .filter_map(|e| e.get("run").filter(|r| r.is_object()))
            .last()
            .cloned()
    }
}

/// A row of `GET /api/sidecars` for a sidecar the snapshot did not hold.
fn new_sidecar(id: &str) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("sidecarId".into(), Value::String(id.to_owned()));
    for key in [
        "type",
        "status",
        "lastSeenMs",
        "jmxEndpoint",
        "workload",
        "host",
        "version",
        "heartbeatIntervalMs",
        "condition",
        "confidence",
        "sentence",
        "bufferFill",
        "targetRate",
        "sendRate",
        "requestLatencyMs",
        "clockOffsetMs",
        "clockWarning",
        "idConflict",
    ] {
        row.entry(key).or_insert(Value::Null);
    }
    row
}

/// A string field of an event, when it is one.
fn text(event: &Value, key: &str) -> Option<String> {
    event.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// An event's fields without the bus's own (`type`, `seq`, `atMs`) and `skip`.
fn fields(event: &Value, skip: &[&str]) -> Map<String, Value> {
    event
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| {
            !matches!(key.as_str(), "type" | "seq" | "atMs") && !skip.contains(&key.as_str())
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Sets each of `keys` in `row` to the event's value (null when it has none).
fn copy(event: &Value, row: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        row.insert(
            (*key).to_owned(),
            event.get(*key).cloned().unwrap_or(Value::Null),
        );
    }
}

/// Sets each of `keys` the event gives (not null) in `row`.
fn copy_given(event: &Value, row: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(value) = event.get(*key).filter(|v| !v.is_null()) {
            row.insert((*key).to_owned(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::recording::{Header, Recording};

    fn tape(events: Vec<Value>) -> Tape {
        let events = events
            .into_iter()
            .enumerate()
            .map(|(i, mut e)| {
                e["seq"] = json!(i);
                e["atMs"] = json!(1000 + i as i64 * 100);
                e
            })
            .collect();
        Tape::new(
            "t".into(),
            Recording {
                header: Header::new("rehearsal", None),
                snapshot: Some(json!({"sidecars": [
                    {"sidecarId": "producer-1", "type": "PRODUCER", "status": "ACTIVE", "workload": "w"}
                ]})),
                events,
                break_at: None,
            },
        )
    }

    fn story() -> Tape {
        tape(vec![
            json!({"type": "broker", "brokerId": 2, "reachable": true, "underReplicatedPartitions": 0}),
            json!({"type": "sidecar-status", "sidecarId": "producer-2", "status": "ACTIVE", "sidecarType": "PRODUCER", "workload": "x", "host": "h", "lastSeenMs": 5}),
            json!({"type": "fault", "action": "injected", "faultId": "f-1", "fault": {"kind": "broker-down", "broker": 2}, "sentence": "broker-2 killed."}),
            json!({"type": "broker", "brokerId": 2, "reachable": false, "underReplicatedPartitions": 4}),
            json!({"type": "condition", "subjectKind": "broker", "brokerId": 2, "condition": "FAILED", "confidence": "CONFIRMED", "sentence": "down"}),
            json!({"type": "signal", "sidecarId": "producer-1", "bufferFill": 0.5, "requestLatencyMs": 12.0}),
            json!({"type": "consumer-lag", "group": "g", "lagMessages": 7}),
            json!({"type": "fault", "action": "reverted", "faultId": "f-1", "fault": {}, "sentence": "back"}),
            json!({"type": "scenario", "runId": "run-1", "phase": "finished", "status": "passed", "text": "ok", "run": {"runId": "run-1", "status": "passed"}}),
            json!({"type": "broker", "brokerId": 1, "reachable": true}),
        ])
    }

    #[test]
    fn sidecars_are_the_snapshot_moved_on_by_the_played_events() {
        let tape = story();
        let at_start = Moment::new(&tape, 0).sidecars();
        assert_eq!(at_start.len(), 1);
        assert_eq!(at_start[0]["workload"], "w");
        let later = Moment::new(&tape, 6).sidecars();
        let ids: Vec<&str> = later
            .iter()
            .map(|r| r["sidecarId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["producer-1", "producer-2"]);
        assert_eq!(later[0]["bufferFill"], 0.5);
        assert_eq!(later[1]["type"], "PRODUCER");
        assert_eq!(later[1]["host"], "h");
        assert_eq!(later[1]["version"], Value::Null);
    }

    #[test]
    fn a_named_recordings_snapshot_stands_for_what_was_said_before_it() {
        let mut tape = tape(vec![
            json!({"type": "broker", "brokerId": 2, "reachable": true, "underReplicatedPartitions": 1}),
        ]);
        tape.snapshot = Some(json!({
            "sidecars": [],
            "brokers": [
                {"brokerId": 1, "reachable": true, "condition": "STABLE", "sentence": "fine"},
                {"brokerId": 2, "reachable": true, "condition": "STABLE", "sentence": "fine"}
            ],
            "consumerGroups": [{"group": "g", "lagMessages": 3, "condition": "STABLE"}],
            "discovery": {"replayed": true, "records": 4, "elapsedMs": 20}
        }));
        let start = Moment::new(&tape, 0);
        let brokers = start.environment()["brokers"].clone();
        assert_eq!(brokers[0]["metrics"]["condition"], "STABLE");
        assert_eq!(brokers[1]["id"], 2);
        assert_eq!(start.consumer_groups()[0]["condition"], "STABLE");
        assert_eq!(start.health(0)["status"], "ok");
        assert_eq!(start.health(0)["discovery"]["records"], 4);
        let later = Moment::new(&tape, 1).environment();
        assert_eq!(
            later["brokers"][1]["metrics"]["underReplicatedPartitions"],
            1
        );
        assert_eq!(
            later["brokers"][1]["metrics"]["condition"], "STABLE",
            "kept from the snapshot"
        );
    }

    #[test]
    fn faults_brokers_groups_and_runs_follow_the_point_of_the_replay() {
        let tape = story();
        let during = Moment::new(&tape, 5);
        let faults = during.faults();
        assert_eq!(faults.len(), 1);
        assert_eq!(faults[0]["id"], "f-1");
        assert_eq!(faults[0]["appliedAtMs"], 1200);
        let environment = during.environment();
        let brokers = environment["brokers"].as_array().unwrap();
        assert_eq!(
            brokers.len(),
            2,
            "every broker the recording read stands from the start"
        );
        assert_eq!(brokers[0]["id"], 1);
        assert!(brokers[0].get("metrics").is_none(), "broker 1 not read yet");
        assert_eq!(brokers[1]["metrics"]["reachable"], false);
        assert_eq!(brokers[1]["metrics"]["condition"], "FAILED");
        assert_eq!(environment["underReplicatedPartitions"], 4);
        assert_eq!(during.run("run-1"), None, "not finished yet at this point");

        let after = Moment::new(&tape, tape.entries.len());
        assert!(after.faults().is_empty());
        assert_eq!(after.consumer_groups()[0]["lagMessages"], 7);
        assert_eq!(after.run("run-1").unwrap()["status"], "passed");
        assert_eq!(after.run("run-2"), None);
        assert_eq!(after.health(42)["uptimeMs"], 42);
        assert_eq!(after.health(42)["sidecars"], 2);
    }
}
