//! Everything the platform tells the outside world, as one typed enum. Serialised with a
//! `type` tag; docs/protocol.md lists each with an example.

use faultline_protocol::vocabulary::{Condition, Confidence, QueueSign, Situation};
use faultline_protocol::{Command, ReportAbout, RequestType, ResponseAct, SidecarType, Urgency};
use serde::{Deserialize, Serialize};

use super::broker::BrokerMetrics;
use super::fault::Fault;
use super::groups::GroupLag;
use super::launch::LaunchStatus;
use super::observed::Finding;
use super::run::{RunStatus, RunView};
use super::sidecar::SidecarStatus;
use super::signal::ProducerSignal;

/// One event on the bus: numbered in publish order and stamped with the platform's clock.
#[derive(Debug, Clone, Serialize)]
pub struct BusEvent {
    pub seq: u64,
    #[serde(rename = "atMs")]
    pub at_ms: i64,
    #[serde(flatten)]
    pub event: Event,
}

/// `EventType` lists the `type` tags, one per variant, for the check against the UI.
#[derive(Debug, Clone, Serialize, strum::EnumDiscriminants)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[strum_discriminants(
    name(EventType),
    derive(Serialize, strum::VariantArray),
    serde(rename_all = "kebab-case")
)]
pub enum Event {
    /// A sidecar was found, its liveness changed, or its clock warning or id conflict
    /// appeared, changed or cleared (then `previous` equals `status`).
    #[serde(rename_all = "camelCase")]
    SidecarStatus {
        sidecar_id: String,
        status: SidecarStatus,
        previous: Option<SidecarStatus>,
        /// When its newest record was written, ms since the Unix epoch on the platform's
        /// clock (see `state::registry::Entry::last_seen_ms`).
        last_seen_ms: i64,
        /// From the newest registration, when there is one (a tombstone-only id has none).
        sidecar_type: Option<SidecarType>,
        workload: Option<String>,
        host: Option<String>,
        jmx_endpoint: Option<String>,
        /// The platform's clock minus the sidecar's, ms; null until measured.
        clock_offset_ms: Option<i64>,
        /// A sentence with the offset when the clocks differ by more than 2 s.
        clock_warning: Option<String>,
        /// A sentence when two sidecars share this id.
        id_conflict: Option<String>,
    },
    /// The registration topic has been read to its end after a start.
    #[serde(rename_all = "camelCase")]
    DiscoveryReplayed {
        sidecars: usize,
        records: u64,
        elapsed_ms: u64,
    },
    /// A metric snapshot arrived (about once a second per sidecar).
    #[serde(rename_all = "camelCase")]
    Signal {
        sidecar_id: String,
        #[serde(flatten)]
        signal: ProducerSignal,
    },
    /// A queue changed what it is doing (e.g. ENQUEUE → OVERFLOW).
    #[serde(rename_all = "camelCase")]
    Sign {
        sidecar_id: String,
        subject: String,
        sign: QueueSign,
        value: f64,
    },
    /// A detector changed its judgement of a subject (a sidecar, a broker, a consumer
    /// group). `sidecarId`, `brokerId` or `group` names it, matching `subjectKind`.
    #[serde(rename_all = "camelCase")]
    Condition {
        subject_kind: SubjectKind,
        /// A readable name: `producer-1`, `broker-2`, `group faultline-demo-consumers`.
        subject: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        sidecar_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        broker_id: Option<i32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        detector: String,
        condition: Condition,
        confidence: Confidence,
        situation: Situation,
        /// None for a subject's first judgement.
        previous: Option<Condition>,
        sentence: String,
    },
    /// A broker's health read over JMX, once a second per broker.
    #[serde(rename_all = "camelCase")]
    Broker {
        broker_id: i32,
        #[serde(flatten)]
        metrics: BrokerMetrics,
    },
    /// A fault was injected, reverted, or could not be injected.
    #[serde(rename_all = "camelCase")]
    Fault {
        action: FaultAction,
        fault_id: String,
        fault: Fault,
        sentence: String,
    },
    /// "Restore all" (or the start-up recovery) finished.
    #[serde(rename_all = "camelCase")]
    Restore {
        green: bool,
        reverted: usize,
        sentence: String,
    },
    /// A scenario run moved on: started, a step, an expectation met, recovered, finished.
    #[serde(rename_all = "camelCase")]
    Scenario {
        run_id: String,
        scenario_id: String,
        phase: RunPhase,
        /// `running` until the `finished` phase, then `passed` or `failed`.
        status: RunStatus,
        text: String,
        /// The whole result (`GET /api/runs/{id}`'s answer), on the `finished` phase only: a
        /// recording then holds every run's stopwatch and verdicts, for replay and reports.
        #[serde(skip_serializing_if = "Option::is_none")]
        run: Option<Box<RunView>>,
    },
    /// A consumer group's lag, measured every two seconds (the figures cover
    /// `measured_partitions`; `stale` when none was measured recently).
    #[serde(rename_all = "camelCase")]
    ConsumerLag {
        group: String,
        #[serde(flatten)]
        lag: GroupLag,
        /// Every current finding about the group, the one that sets its condition first.
        findings: Vec<Finding>,
    },
    /// A sidecar's REPORT or REQUEST arrived.
    #[serde(rename_all = "camelCase")]
    SpeechAct {
        sidecar_id: String,
        act: SpeechActKind,
        text: String,
        request_id: Option<String>,
        request: Option<RequestType>,
        urgency: Option<Urgency>,
        about: Option<ReportAbout>,
        in_reply_to: Option<String>,
    },
    /// The platform answered a sidecar (sent to `faultline.responses`).
    #[serde(rename_all = "camelCase")]
    Response {
        target: String,
        act: ResponseAct,
        response_id: String,
        in_reply_to: Option<String>,
        text: String,
        command: Option<Command>,
    },
    /// A self-healing episode finished.
    #[serde(rename_all = "camelCase")]
    Episode {
        sidecar_id: String,
        request_id: String,
        outcome: EpisodeOutcome,
        elapsed_ms: u64,
        sentence: String,
    },
    /// A record was refused by the decoder (counted in `/api/health`).
    #[serde(rename_all = "camelCase")]
    Rejected {
        topic: String,
        reason: String,
        detail: String,
    },
    /// An environment step started, finished or failed.
    #[serde(rename_all = "camelCase")]
    Environment {
        kind: String,
        step: String,
        status: StepStatus,
        detail: String,
        elapsed_ms: u64,
        /// How far a running step is, 0-100 (a pull, a build); absent when unknown.
        #[serde(skip_serializing_if = "Option::is_none")]
        percent: Option<u8>,
    },
    /// The launch panel's whole status, after any change (state, a step, the choices).
    Launch(Box<LaunchStatus>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SpeechActKind {
    Report,
    Request,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum EpisodeOutcome {
    Healed,
    NotHealed,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Started,
    Done,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    Sidecar,
    Broker,
    ConsumerGroup,
}

/// What a condition is about. Written (`Display`) and read back (`FromStr`) by its
/// readable name: `producer-1`, `broker-2`, `group faultline-demo-consumers`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    Sidecar(String),
    Broker(i32),
    ConsumerGroup(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Sidecar(id) => f.write_str(id),
            Subject::Broker(id) => write!(f, "broker-{id}"),
            Subject::ConsumerGroup(group) => write!(f, "group {group}"),
        }
    }
}

impl std::str::FromStr for Subject {
    type Err = std::convert::Infallible;

    /// `broker-N` (N a broker id) is a broker, `group NAME` a consumer group, any other
    /// name a sidecar.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if let Some(id) = name.strip_prefix("broker-").and_then(|n| n.parse().ok()) {
            return Ok(Subject::Broker(id));
        }
        Ok(match name.strip_prefix("group ") {
            Some(group) => Subject::ConsumerGroup(group.to_owned()),
            None => Subject::Sidecar(name.to_owned()),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum FaultAction {
    Injected,
    Reverted,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum RunPhase {
    Started,
    Step,
    Expectation,
    Recovered,
    Finished,
}

#[cfg(test)]
mod tests {
    use faultline_protocol::vocabulary::{Condition, Confidence};

    use super::*;
    use crate::wire::{StuckPartition, UnknownPartition};

    #[test]
    fn a_subject_reads_back_from_its_name() {
        for subject in [
            Subject::Sidecar("producer-1".into()),
            Subject::Broker(2),
            Subject::ConsumerGroup("faultline-demo-consumers".into()),
        ] {
            assert_eq!(subject.to_string().parse::<Subject>(), Ok(subject));
        }
        assert_eq!(
            "broker-x".parse::<Subject>(),
            Ok(Subject::Sidecar("broker-x".into())),
            "not a broker id"
        );
    }

    /// The readings are flattened into their events: the JSON keeps every field at the top
    /// level, in the order viewers have always received it.
    #[test]
    fn reading_events_keep_their_flat_json() {
        let signal = Event::Signal {
            sidecar_id: "producer-1".into(),
            signal: ProducerSignal {
                ts: 7,
                buffer_fill: 0.5,
                target_rate: 10,
                send_rate: 9.5,
                request_latency_ms: 20.0,
                tx_errors: 1,
                retries: 2,
                queue_full_errors: 3,
            },
        };
        assert_eq!(
            serde_json::to_string(&signal).unwrap(),
            r#"{"type":"signal","sidecarId":"producer-1","ts":7,"bufferFill":0.5,"targetRate":10,"sendRate":9.5,"requestLatencyMs":20.0,"txErrors":1,"retries":2,"queueFullErrors":3}"#
        );
        let broker = Event::Broker {
            broker_id: 2,
            metrics: BrokerMetrics {
                reachable: true,
                under_replicated_partitions: Some(0),
                offline_partitions: None,
                active_controller: Some(1),
                request_handler_idle_pct: Some(95.0),
                network_processor_idle_pct: None,
                preferred_replica_imbalance: Some(0),
            },
        };
        assert_eq!(
            serde_json::to_string(&broker).unwrap(),
            r#"{"type":"broker","brokerId":2,"reachable":true,"underReplicatedPartitions":0,"offlinePartitions":null,"activeController":1,"requestHandlerIdlePct":95.0,"networkProcessorIdlePct":null,"preferredReplicaImbalance":0}"#
        );
        let lag = Event::ConsumerLag {
            group: "g".into(),
            lag: GroupLag {
                lag_messages: 5,
                lag_seconds: 1.5,
                partitions: 2,
                measured_partitions: 1,
                unknown_partitions: vec![UnknownPartition {
                    topic: "t".into(),
                    partition: 1,
                    leader: Some(2),
                    reason: "why".into(),
                }],
                stuck_partitions: Vec::<StuckPartition>::new(),
                stale: false,
                measured_ms: Some(9),
            },
            findings: vec![Finding {
                detector: "lag-coverage",
                condition: Condition::Degraded,
                confidence: Confidence::Tentative,
                sentence: "s".into(),
            }],
        };
        assert_eq!(
            serde_json::to_string(&lag).unwrap(),
            r#"{"type":"consumer-lag","group":"g","lagMessages":5,"lagSeconds":1.5,"partitions":2,"measuredPartitions":1,"unknownPartitions":[{"topic":"t","partition":1,"leader":2,"reason":"why"}],"stuckPartitions":[],"stale":false,"measuredMs":9,"findings":[{"detector":"lag-coverage","condition":"DEGRADED","confidence":"TENTATIVE","sentence":"s"}]}"#
        );
    }
}
