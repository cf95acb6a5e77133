//! The metric lines a run's expectations watch, read from the recorded readings: a latency
//! expectation its sidecar's request latency (`signal`), a lag one its group's lag in seconds
//! (`consumer-lag`), an idleness one its broker's request handler idle share and the
//! under-replicated one the cluster's under-replicated partitions (`broker`), as
//! `scenarios/expectations.rs` judges them. A condition or healing expectation watches a
//! condition (conditions.rs), and draws the figure it is judged on where there is one: a
//! producer's send buffer fill, a group's lag; a broker's is its reachability, shown by the
//! conditions strip alone.

use std::collections::BTreeMap;

use serde_json::Value;

use super::record::{stamp, text};
use crate::wire::{ExpectKind, ExpectationView, Subject};

/// One watched figure over the run's window.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// What it is, with its unit: `producer-1 request latency (ms)`.
    pub label: String,
    /// The expectation's threshold, in the same unit.
    pub threshold: Option<f64>,
    /// (seconds from the first injection, value), in time order.
    pub points: Vec<(f64, f64)>,
}

/// A figure an expectation watches.
#[derive(Debug, Clone, PartialEq)]
enum Watch {
    Latency(String),
    BufferFill(String),
    Lag(String),
    Idle(i64),
    UnderReplicated,
}

impl Watch {
    fn of(expectation: &ExpectationView) -> Option<Self> {
        let subject = expectation.subject.clone().unwrap_or_default();
        match expectation.kind {
            ExpectKind::Latency => Some(Watch::Latency(subject)),
            ExpectKind::Lag => Some(Watch::Lag(subject)),
            ExpectKind::BrokerIdle => match subject.parse::<Subject>() {
                Ok(Subject::Broker(id)) => Some(Watch::Idle(i64::from(id))),
                _ => None,
            },
            ExpectKind::UnderReplicated => Some(Watch::UnderReplicated),
            ExpectKind::Condition | ExpectKind::Healed => match subject.parse::<Subject>() {
                Ok(Subject::Sidecar(id)) => Some(Watch::BufferFill(id)),
                Ok(Subject::ConsumerGroup(group)) => Some(Watch::Lag(group)),
                _ => None,
            },
            ExpectKind::Situation | ExpectKind::AllStable => None,
        }
    }

    fn label(&self) -> String {
        match self {
            Watch::Latency(sidecar) => format!("{sidecar} request latency (ms)"),
            Watch::BufferFill(sidecar) => format!("{sidecar} send buffer fill (%)"),
            Watch::Lag(group) => format!("group {group} lag (s)"),
            Watch::Idle(broker) => format!("broker-{broker} request handler idle (%)"),
            Watch::UnderReplicated => "under-replicated partitions".into(),
        }
    }

    /// Its readings between `from_ms` and `to_ms`.
    fn points(
        &self,
        events: &[Value],
        from_ms: i64,
        to_ms: i64,
        seconds: &impl Fn(i64) -> f64,
    ) -> Vec<(f64, f64)> {
        let number = |event: &Value, name: &str| event.get(name).and_then(Value::as_f64);
        let broker = |event: &Value| event.get("brokerId").and_then(Value::as_i64);
        // Each broker's latest count: the cluster's figure is their sum, as the run's.
        let mut under_replicated: BTreeMap<i64, i64> = BTreeMap::new();
        let mut points = Vec::new();
        for event in events {
            let Some((at_ms, kind)) = stamp(event) else {
                continue;
            };
            let value = match (self, kind) {
                (Watch::Latency(id), "signal") if text(event, "sidecarId") == Some(id) => {
                    number(event, "requestLatencyMs")
                }
                (Watch::BufferFill(id), "signal") if text(event, "sidecarId") == Some(id) => {
                    number(event, "bufferFill").map(|fill| fill * 100.0)
                }
                (Watch::Lag(group), "consumer-lag") if text(event, "group") == Some(group) => {
                    number(event, "lagSeconds")
                }
                (Watch::Idle(id), "broker") if broker(event) == Some(*id) => {
                    number(event, "requestHandlerIdlePct")
                }
                (Watch::UnderReplicated, "broker") => broker(event).map(|id| {
                    match event
                        .get("underReplicatedPartitions")
                        .and_then(Value::as_i64)
                    {
                        Some(count) => under_replicated.insert(id, count),
                        None => under_replicated.remove(&id),
                    };
                    under_replicated
                        .values()
                        .fold(0_i64, |a, b| a.saturating_add(*b)) as f64
                }),
                _ => None,
            };
            if let Some(value) = value.filter(|_| (from_ms..=to_ms).contains(&at_ms)) {
                points.push((seconds(at_ms), value));
            }
        }
        points
    }
}

/// One line per figure the expectations watch (two expectations on one figure share it),
/// in the expectations' order.
pub(super) fn watched(
    expectations: &[ExpectationView],
    events: &[Value],
    from_ms: i64,
    to_ms: i64,
    seconds: &impl Fn(i64) -> f64,
) -> Vec<Series> {
    let mut watches: Vec<(Watch, Option<f64>)> = Vec::new();
    for expectation in expectations {
        let Some(watch) = Watch::of(expectation) else {
            continue;
        };
        match watches.iter_mut().find(|(known, _)| *known == watch) {
            // A condition on a group and a lag threshold on it share one line.
            Some((_, threshold)) => *threshold = threshold.or(expectation.threshold),
            None => watches.push((watch, expectation.threshold)),
        }
    }
    watches
        .into_iter()
        .map(|(watch, threshold)| Series {
            label: watch.label(),
            threshold,
            points: watch.points(events, from_ms, to_ms, seconds),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// An expectation as a scenario file gives it: a threshold for the metric kinds only.
    fn expectation(kind: ExpectKind, subject: Option<&str>, threshold: f64) -> ExpectationView {
        let metric = matches!(
            kind,
            ExpectKind::Latency
                | ExpectKind::Lag
                | ExpectKind::BrokerIdle
                | ExpectKind::UnderReplicated
        );
        ExpectationView {
            text: "t".into(),
            kind,
            subject: subject.map(str::to_owned),
            threshold: metric.then_some(threshold),
            met: true,
            after_ms: Some(1),
            settled: true,
        }
    }

    fn broker(at_ms: i64, id: i64, urp: Option<i64>, idle: f64) -> Value {
        json!({"atMs": at_ms, "type": "broker", "brokerId": id,
               "underReplicatedPartitions": urp, "requestHandlerIdlePct": idle})
    }

    #[test]
    fn each_metric_kind_reads_its_figure_and_conditions_read_none() {
        let events = vec![
            json!({"atMs": 1_000, "type": "signal", "sidecarId": "producer-1", "requestLatencyMs": 80.0}),
            json!({"atMs": 1_000, "type": "signal", "sidecarId": "producer-2", "requestLatencyMs": 5.0}),
            json!({"atMs": 1_000, "type": "signal", "sidecarId": "producer-2", "bufferFill": 0.25}),
            json!({"atMs": 1_500, "type": "consumer-lag", "group": "g", "lagSeconds": 7.5}),
            broker(2_000, 1, Some(3), 90.0),
            broker(2_000, 2, Some(2), 10.0),
            broker(3_000, 2, None, 10.0),
            json!({"atMs": 3_500, "type": "broker", "underReplicatedPartitions": 9}),
            broker(90_000, 1, Some(1), 90.0),
        ];
        let expectations = [
            expectation(ExpectKind::Latency, Some("producer-1"), 50.0),
            expectation(ExpectKind::Latency, Some("producer-1"), 300.0),
            expectation(ExpectKind::Condition, Some("group g"), 0.0),
            expectation(ExpectKind::Lag, Some("g"), 5.0),
            expectation(ExpectKind::BrokerIdle, Some("broker-2"), 20.0),
            expectation(ExpectKind::UnderReplicated, None, 0.0),
            expectation(ExpectKind::Condition, Some("broker-2"), 0.0),
            expectation(ExpectKind::Healed, Some("producer-2"), 0.0),
        ];
        let series = watched(&expectations, &events, 0, 10_000, &|ms| ms as f64 / 1000.0);
        type Line<'a> = (&'a str, Option<f64>, &'a [(f64, f64)]);
        let lines: Vec<Line> = series
            .iter()
            .map(|s| (s.label.as_str(), s.threshold, s.points.as_slice()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "producer-1 request latency (ms)",
                    Some(50.0),
                    &[(1.0, 80.0)][..]
                ),
                ("group g lag (s)", Some(5.0), &[(1.5, 7.5)][..]),
                (
                    "broker-2 request handler idle (%)",
                    Some(20.0),
                    &[(2.0, 10.0), (3.0, 10.0)][..]
                ),
                (
                    "under-replicated partitions",
                    Some(0.0),
                    &[(2.0, 3.0), (2.0, 5.0), (3.0, 3.0)][..]
                ),
                ("producer-2 send buffer fill (%)", None, &[(1.0, 25.0)][..]),
            ]
        );
    }
}
