//! What a detection waits on before the platform could possibly know: the sampling period
//! of the signal that carries it, and any wait the scenario builds in (a ramp that crosses
//! the threshold at its second step, a lag that cannot exceed 5 s before 5 s have passed).
//! Together with the round trip they make a scenario's floor.

use faultline_platform::detectors::BEHIND_SECONDS;
use faultline_platform::scenarios::model::{ExpectKind, Expectation};
use faultline_protocol::vocabulary::Situation;
use serde_json::Value;

/// How often brokers are polled (`crates/platform/src/ingest/broker_metrics.rs`, EVERY).
const BROKER_POLL_MS: f64 = 1000.0;
/// How often a sidecar sends a snapshot (sidecar default and rehearsal's signal interval).
const SIGNAL_MS: f64 = 1000.0;
/// How often consumer lag is measured (`crates/platform/src/ingest/consumer_lag.rs`).
const LAG_ROUND_MS: f64 = 2000.0;

/// The floor's parts for one expectation, ms, and the named waits.
#[derive(Debug, Clone, PartialEq)]
pub struct Waits {
    pub sampling_ms: f64,
    pub design_ms: f64,
    pub text: String,
}

/// How long real Kafka (KRaft) takes to shrink the ISR of a killed broker's partitions:
/// the controller fences a broker only after `broker.session.timeout.ms` (9 s by default)
/// without heartbeats, which come every `broker.heartbeat.interval.ms` (2 s), so 7–9 s
/// after the kill (Apache Kafka broker configuration). The embedded cluster's replication
/// model reacts at once.
const KRAFT_FENCING_MS: f64 = 9000.0 - 2000.0;

/// `injections`: each injected fault as JSON with its offset from the first, seconds.
/// `real_kafka`: the environment runs Apache Kafka (local, docker), not the embedded
/// cluster.
pub fn of(expectation: &Expectation, injections: &[(f64, Value)], real_kafka: bool) -> Waits {
    let subject = expectation.subject.as_deref().unwrap_or_default();
    let above = expectation.above.unwrap_or(0.0);
    let first = |matches: &dyn Fn(&Value) -> bool| {
        injections
            .iter()
            .find(|(_, f)| matches(f))
            .map_or(0.0, |(at, _)| at * 1000.0)
    };
    let waits = |sampling_ms: f64, design_ms: f64, text: String| Waits {
        sampling_ms,
        design_ms,
        text,
    };
    match expectation.kind {
        ExpectKind::Condition if subject.starts_with("broker-") => {
            let broker = subject.trim_start_matches("broker-");
            let design =
                first(&|f| f["kind"] == "broker-down" && f["broker"].to_string() == broker);
            waits(BROKER_POLL_MS, design, format!("broker poll 1 s; {subject} killed {:.0} s after the first injection; DOWN on the first missed poll", design / 1000.0))
        }
        ExpectKind::Condition if subject.starts_with("group ") => waits(
            LAG_ROUND_MS,
            BEHIND_SECONDS * 1000.0,
            format!("lag measured every 2 s; DIVERGING needs a lag of {BEHIND_SECONDS} s that grows (detectors/group_lag.rs), so {BEHIND_SECONDS} s must pass"),
        ),
        ExpectKind::Condition => waits(
            SIGNAL_MS,
            0.0,
            "snapshot every 1 s, every 0.5 s while the buffer is ≥ 95 % full; DEGRADED needs 2 such snapshots".into(),
        ),
        ExpectKind::Situation => {
            // CRITICAL comes with a broker DOWN; a scenario that kills one later waits for it.
            let design = match expectation.situation {
                Some(Situation::Critical) => first(&|f| f["kind"] == "broker-down"),
                _ => 0.0,
            };
            waits(
                BROKER_POLL_MS,
                design,
                format!("broker poll 1 s; CRITICAL comes with a broker DOWN, {:.0} s after the first injection", design / 1000.0),
            )
        }
        ExpectKind::Latency => {
            let design = first(&|f| f["ms"].as_f64().is_some_and(|ms| ms > above));
            // Local and docker watch the Java workloads, whose metric windows the workloads
            // set (ProducerWorkload.METRICS_WINDOW_MS); rehearsal's clients are librdkafka.
            let averaged = if real_kafka {
                "the Java client's 1-2 s metric windows"
            } else {
                "librdkafka's 500 ms stats window"
            };
            waits(
                SIGNAL_MS,
                design,
                format!("snapshot every 1 s; latency averaged over {averaged}; the fault passes {above} ms {:.0} s after the first injection", design / 1000.0),
            )
        }
        ExpectKind::Lag => waits(
            LAG_ROUND_MS,
            above * 1000.0,
            format!("lag measured every 2 s; a lag above {above} s needs {above} s to pass"),
        ),
        ExpectKind::UnderReplicated if real_kafka && injections.iter().any(|(_, f)| f["kind"] == "broker-down") => {
            let killed = first(&|f| f["kind"] == "broker-down");
            waits(
                BROKER_POLL_MS,
                killed + KRAFT_FENCING_MS,
                "broker poll 1 s; KRaft fences a killed broker after broker.session.timeout.ms (9 s, heartbeats every 2 s), then the ISR shrinks".into(),
            )
        }
        ExpectKind::UnderReplicated | ExpectKind::BrokerIdle => waits(
            BROKER_POLL_MS,
            0.0,
            "broker poll 1 s; a follower leaves the ISR after replica.lag.time.max.ms".into(),
        ),
        ExpectKind::Healed | ExpectKind::AllStable => {
            waits(SIGNAL_MS, 0.0, "snapshot every 1 s".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn expectation(kind: ExpectKind, subject: &str, above: Option<f64>) -> Expectation {
        Expectation {
            text: "t".into(),
            kind,
            subject: Some(subject.into()),
            condition: None,
            situation: None,
            above,
            below: None,
            within: 10.0,
            from: None,
            only: None,
        }
    }

    #[test]
    fn a_ramp_waits_for_the_step_that_crosses_the_threshold() {
        let ramp = [
            (0.0, json!({"kind": "latency", "ms": 100})),
            (3.0, json!({"kind": "latency", "ms": 575})),
        ];
        let w = of(
            &expectation(ExpectKind::Latency, "producer-1", Some(300.0)),
            &ramp,
            false,
        );
        assert_eq!((w.sampling_ms, w.design_ms), (1000.0, 3000.0));
    }

    #[test]
    fn a_broker_is_down_only_once_it_is_killed() {
        let cascade = [
            (0.0, json!({"kind": "latency", "broker": 1, "ms": 800})),
            (
                4.0,
                json!({"kind": "broker-down", "broker": 2, "mode": "kill"}),
            ),
        ];
        let w = of(
            &expectation(ExpectKind::Condition, "broker-2", None),
            &cascade,
            false,
        );
        assert_eq!(w.design_ms, 4000.0);
    }

    #[test]
    fn real_kafka_shows_urp_only_once_it_fences_the_killed_broker() {
        let kill = [(
            0.0,
            json!({"kind": "broker-down", "broker": 2, "mode": "kill"}),
        )];
        let urp = expectation(ExpectKind::UnderReplicated, "", Some(0.0));
        assert_eq!(of(&urp, &kill, true).design_ms, KRAFT_FENCING_MS);
        assert_eq!(
            of(&urp, &kill, false).design_ms,
            0.0,
            "the embedded cluster reacts at once"
        );
    }

    #[test]
    fn lag_cannot_pass_its_threshold_sooner_than_the_threshold() {
        let w = of(
            &expectation(ExpectKind::Lag, "faultline-demo-consumers", Some(5.0)),
            &[],
            false,
        );
        assert_eq!((w.sampling_ms, w.design_ms), (2000.0, 5000.0));
    }
}
