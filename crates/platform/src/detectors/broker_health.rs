//! The `broker` detector: judges a broker's health from one reading (over JMX, or the
//! environment's own report).

use faultline_protocol::vocabulary::{Condition, Confidence, Situation};

use super::{Detector, Detectors, Finding};
use crate::state::readings::BrokerReading;

/// Idle share of request handler or network threads below which a broker is saturated.
pub const IDLE_THRESHOLD_PCT: f64 = 20.0;

/// DOWN when the broker cannot be read (CONFIRMED from the second miss in a row),
/// DEFECTIVE with offline partitions, DEGRADED with under-replicated partitions or busy
/// threads (idle below 20 %), STABLE otherwise.
#[derive(Debug, Default)]
pub struct BrokerDetector {
    misses: u32,
}

impl BrokerDetector {
    pub const NAME: &'static str = "broker";
}

/// The detectors of a broker's health reading.
pub fn for_brokers() -> Detectors<BrokerReading> {
    Detectors::new(vec![Box::new(BrokerDetector::default())])
}

impl Detector<BrokerReading> for BrokerDetector {
    fn check(&mut self, reading: &BrokerReading) -> Option<Finding> {
        let id = reading.broker;
        let reading = &reading.metrics;
        let finding = |condition, confidence, situation, sentence| {
            Some(Finding {
                detector: Self::NAME,
                condition,
                confidence,
                situation,
                sentence,
            })
        };
        if !reading.reachable {
            self.misses = self.misses.saturating_add(1);
            let confidence = if self.misses >= 2 {
                Confidence::Confirmed
            } else {
                Confidence::Tentative
            };
            return finding(
                Condition::Down,
                confidence,
                Situation::Critical,
                format!(
                    "broker-{id} does not answer ({} reading{} in a row).",
                    self.misses,
                    if self.misses == 1 { "" } else { "s" }
                ),
            );
        }
        self.misses = 0;
        if let Some(offline) = reading.offline_partitions.filter(|n| *n > 0) {
            return finding(
                Condition::Defective,
                Confidence::Measured,
                Situation::Critical,
                format!(
                    "broker-{id} reports {offline} offline partition{}: no leader can serve them.",
                    plural(offline)
                ),
            );
        }
        if let Some(urp) = reading.under_replicated_partitions.filter(|n| *n > 0) {
            return finding(
                Condition::Degraded,
                Confidence::Measured,
                Situation::Warning,
                format!(
                    "broker-{id} reports {urp} under-replicated partition{}.",
                    plural(urp)
                ),
            );
        }
        let busiest = [
            ("request handler", reading.request_handler_idle_pct),
            ("network", reading.network_processor_idle_pct),
        ]
        .into_iter()
        .filter_map(|(name, idle)| idle.map(|idle| (name, idle)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((threads, idle)) = busiest.filter(|(_, idle)| *idle < IDLE_THRESHOLD_PCT) {
            return finding(
                Condition::Degraded,
                Confidence::Measured,
                Situation::Warning,
                format!("broker-{id}'s {threads} threads are {idle:.0}% idle (threshold {IDLE_THRESHOLD_PCT:.0}%)."),
            );
        }
        None
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::BrokerMetrics;

    fn healthy() -> BrokerMetrics {
        BrokerMetrics {
            reachable: true,
            under_replicated_partitions: Some(0),
            offline_partitions: Some(0),
            active_controller: Some(0),
            request_handler_idle_pct: Some(95.0),
            network_processor_idle_pct: Some(97.0),
            preferred_replica_imbalance: Some(0),
        }
    }

    fn broker_2(metrics: BrokerMetrics) -> BrokerReading {
        BrokerReading {
            broker: 2,
            at_ms: 0,
            metrics,
        }
    }

    #[test]
    fn a_healthy_broker_is_stable() {
        assert_eq!(BrokerDetector::default().check(&broker_2(healthy())), None);
    }

    #[test]
    fn an_unreachable_broker_is_down_and_sure_of_it_on_the_second_miss() {
        let mut d = BrokerDetector::default();
        let down = broker_2(BrokerMetrics {
            reachable: false,
            ..healthy()
        });
        let first = d.check(&down).unwrap();
        assert_eq!(
            (first.condition, first.confidence),
            (Condition::Down, Confidence::Tentative)
        );
        assert_eq!(
            first.sentence,
            "broker-2 does not answer (1 reading in a row)."
        );
        assert_eq!(d.check(&down).unwrap().confidence, Confidence::Confirmed);
        assert_eq!(d.check(&broker_2(healthy())), None);
    }

    #[test]
    fn replication_and_saturation_degrade() {
        let mut d = BrokerDetector::default();
        let urp = d
            .check(&broker_2(BrokerMetrics {
                under_replicated_partitions: Some(14),
                ..healthy()
            }))
            .unwrap();
        assert_eq!(
            urp.sentence,
            "broker-2 reports 14 under-replicated partitions."
        );
        let busy = d
            .check(&broker_2(BrokerMetrics {
                request_handler_idle_pct: Some(12.4),
                ..healthy()
            }))
            .unwrap();
        assert_eq!(busy.condition, Condition::Degraded);
        assert_eq!(
            busy.sentence,
            "broker-2's request handler threads are 12% idle (threshold 20%)."
        );
        let offline = d
            .check(&broker_2(BrokerMetrics {
                offline_partitions: Some(1),
                ..healthy()
            }))
            .unwrap();
        assert_eq!(offline.condition, Condition::Defective);
    }
}
