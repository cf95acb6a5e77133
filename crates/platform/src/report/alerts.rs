//! Typical alert windows: how long a common Prometheus setup takes to alert on the same
//! failure, shown beside Faultline's detection time. Each figure comes from a published
//! source (docs/reports.md lists them):
//!
//! - Prometheus scrapes and evaluates rules every 1 min unless configured otherwise
//!   (<https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus.yml>:
//!   "Default is every 1 minute", "The default is every 1 minute").
//! - A rule's `for:` keeps it pending until it has held at an evaluation that long after the
//!   first; a rule without `for:` fires at its first evaluation
//!   (<https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/>). With
//!   1 min evaluations a `for: 10s` rule therefore fires at the second evaluation that sees
//!   the failure: 1 to 3 min after it (up to 1 min until the scrape, up to 1 min until the
//!   evaluation, 1 min more for the second).
//! - Strimzi's example Kafka alerts (`UnderReplicatedPartitions`, `OfflinePartitions`,
//!   `TooLargeConsumerGroupLag` at 1000 messages) all wait `for: 10s`
//!   (<https://github.com/strimzi/strimzi-kafka-operator/blob/main/packaging/examples/metrics/prometheus-install/prometheus-rules.yaml>).
//! - Prometheus' documented latency alert (`HighRequestLatency`) is on a 5-minute mean and
//!   waits `for: 10m` (the alerting rules page above).

use crate::wire::{Fault, FaultKind};

/// How a typical setup alerts on one kind of failure.
#[derive(Debug, PartialEq, Eq)]
pub struct AlertWindow {
    /// The fault kinds it is about.
    pub faults: &'static [FaultKind],
    /// One sentence, shown beside the detection time.
    pub note: &'static str,
    /// Where its figures come from.
    pub sources: &'static [&'static str],
}

const PROMETHEUS_DEFAULTS: &str =
    "https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus.yml";
const PROMETHEUS_RULES: &str =
    "https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/";
const STRIMZI_RULES: &str = "https://github.com/strimzi/strimzi-kafka-operator/blob/main/packaging/examples/metrics/prometheus-install/prometheus-rules.yaml";

/// One row per failure; every fault kind is in exactly one (a unit test checks).
pub const ALERT_WINDOWS: &[AlertWindow] = &[
    AlertWindow {
        faults: &[FaultKind::BrokerDown],
        note: "Typical alerting: Strimzi's example UnderReplicatedPartitions and \
               OfflinePartitions rules wait for: 10s; at Prometheus' default 1 min scrape \
               and evaluation they fire 1 to 3 min after the crash.",
        sources: &[STRIMZI_RULES, PROMETHEUS_DEFAULTS, PROMETHEUS_RULES],
    },
    AlertWindow {
        faults: &[
            FaultKind::Latency,
            FaultKind::Partition,
            FaultKind::Bandwidth,
            FaultKind::CpuStress,
        ],
        note: "Typical alerting: Prometheus' documented latency alert averages 5 min and \
               waits for: 10m, so it fires 10 min or more after requests slow down.",
        sources: &[PROMETHEUS_RULES],
    },
    AlertWindow {
        faults: &[FaultKind::ConsumerDelay],
        note: "Typical alerting: Strimzi's example TooLargeConsumerGroupLag fires at 1000 \
               messages behind after for: 10s; at Prometheus' default 1 min scrape and \
               evaluation, 1 to 3 min after the lag crosses it.",
        sources: &[STRIMZI_RULES, PROMETHEUS_DEFAULTS, PROMETHEUS_RULES],
    },
    AlertWindow {
        faults: &[FaultKind::ProducerRate],
        note: "Typical alerting: a rule on a producer's buffer metric without for: fires at \
               its first evaluation, up to 2 min after the buffer fills at Prometheus' \
               default 1 min scrape and evaluation.",
        sources: &[PROMETHEUS_DEFAULTS, PROMETHEUS_RULES],
    },
];

/// The row about `fault`'s kind.
pub fn for_fault(fault: &Fault) -> Option<&'static AlertWindow> {
    let kind = fault.kind();
    ALERT_WINDOWS.iter().find(|row| row.faults.contains(&kind))
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn every_fault_kind_has_exactly_one_alert_window_with_sources() {
        for kind in FaultKind::VARIANTS {
            let rows = ALERT_WINDOWS
                .iter()
                .filter(|row| row.faults.contains(kind))
                .count();
            assert_eq!(rows, 1, "{kind:?}");
        }
        assert!(ALERT_WINDOWS
            .iter()
            .all(|row| !row.sources.is_empty() && row.note.starts_with("Typical alerting: ")));
    }
}
