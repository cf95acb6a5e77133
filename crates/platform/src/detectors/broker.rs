use faultline_protocol::vocabulary::{Condition, Confidence, Situation};

use super::{Detector, Finding};

/// One reading of a broker's health over JMX. `None` values could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrokerReading {
    pub broker: i32,
    pub reachable: bool,
    pub under_replicated: Option<i64>,
    pub offline_partitions: Option<i64>,
    pub active_controller: Option<i64>,
    /// 0–100.
    pub request_idle_pct: Option<f64>,
    /// 0–100.
    pub network_idle_pct: Option<f64>,
    /// Partitions whose leader is not their preferred replica, as a controller counts them.
    pub preferred_replica_imbalance: Option<i64>,
}

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

impl Detector<BrokerReading> for BrokerDetector {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn check(&mut self, reading: &BrokerReading) -> Option<Finding> {
        let id = reading.broker;
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
        if let Some(urp) = reading.under_replicated.filter(|n| *n > 0) {
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
            ("request handler", reading.request_idle_pct),
            ("network", reading.network_idle_pct),
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

    fn healthy() -> BrokerReading {
        BrokerReading {
            broker: 2,
            reachable: true,
            under_replicated: Some(0),
            offline_partitions: Some(0),
            active_controller: Some(0),
            request_idle_pct: Some(95.0),
            network_idle_pct: Some(97.0),
            preferred_replica_imbalance: Some(0),
        }
    }

    #[test]
    fn a_healthy_broker_is_stable() {
        assert_eq!(BrokerDetector::default().check(&healthy()), None);
    }

    #[test]
    fn an_unreachable_broker_is_down_and_sure_of_it_on_the_second_miss() {
        let mut d = BrokerDetector::default();
        let down = BrokerReading {
            reachable: false,
            ..healthy()
        };
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
        assert_eq!(d.check(&healthy()), None);
    }

    #[test]
    fn replication_and_saturation_degrade() {
        let mut d = BrokerDetector::default();
        let urp = d
            .check(&BrokerReading {
                under_replicated: Some(14),
                ..healthy()
            })
            .unwrap();
        assert_eq!(
            urp.sentence,
            "broker-2 reports 14 under-replicated partitions."
        );
        let busy = d
            .check(&BrokerReading {
                request_idle_pct: Some(12.4),
                ..healthy()
            })
            .unwrap();
        assert_eq!(busy.condition, Condition::Degraded);
        assert_eq!(
            busy.sentence,
            "broker-2's request handler threads are 12% idle (threshold 20%)."
        );
        let offline = d
            .check(&BrokerReading {
                offline_partitions: Some(1),
                ..healthy()
            })
            .unwrap();
        assert_eq!(offline.condition, Condition::Defective);
    }
}
