//! Everything the platform tells the outside world, as one typed enum. Serialised with a
//! `type` tag; docs/protocol.md lists each with an example.

use faultline_protocol::vocabulary::{Condition, Confidence, QueueSign, Situation};
use faultline_protocol::{Command, ReportAbout, RequestType, ResponseAct, SidecarType, Urgency};
use serde::Serialize;

use crate::state::registry::SidecarStatus;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
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
        ts: i64,
        buffer_fill: f64,
        target_rate: u32,
        send_rate: f64,
        request_latency_ms: f64,
        tx_errors: u64,
        retries: u64,
        queue_full_errors: u64,
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
        reachable: bool,
        under_replicated_partitions: Option<i64>,
        offline_partitions: Option<i64>,
        active_controller: Option<i64>,
        request_handler_idle_pct: Option<f64>,
        network_processor_idle_pct: Option<f64>,
        /// Partitions led by another broker than their preferred one (controllers only).
        preferred_replica_imbalance: Option<i64>,
    },
    /// A fault was injected, reverted, or could not be injected.
    #[serde(rename_all = "camelCase")]
    Fault {
        action: FaultAction,
        fault_id: String,
        fault: crate::chaos::Fault,
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
        status: crate::scenarios::RunStatus,
        text: String,
    },
    /// A consumer group's lag, measured every two seconds (`state::groups::LagReading`:
    /// the figures cover `measured_partitions`; `stale` when none was measured recently).
    #[serde(rename_all = "camelCase")]
    ConsumerLag {
        group: String,
        lag_messages: i64,
        lag_seconds: f64,
        partitions: usize,
        measured_partitions: usize,
        unknown_partitions: Vec<crate::state::groups::UnknownPartition>,
        stuck_partitions: Vec<crate::state::groups::StuckPartition>,
        stale: bool,
        measured_ms: Option<i64>,
        /// Every current finding about the group, the one that sets its condition first.
        findings: Vec<crate::state::groups::GroupFinding>,
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
    },
    /// The launch panel's whole status, after any change (state, a step, the choices).
    Launch(Box<crate::launch::LaunchStatus>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SpeechActKind {
    Report,
    Request,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EpisodeOutcome {
    Healed,
    NotHealed,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Started,
    Done,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    Sidecar,
    Broker,
    ConsumerGroup,
}

/// What a condition is about.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Event {
    pub fn condition(
        subject: Subject,
        verdict: &crate::judgement::Verdict,
        previous: Option<Condition>,
        sentence: String,
    ) -> Self {
        let (subject_kind, sidecar_id, broker_id, group) = match &subject {
            Subject::Sidecar(id) => (SubjectKind::Sidecar, Some(id.clone()), None, None),
            Subject::Broker(id) => (SubjectKind::Broker, None, Some(*id), None),
            Subject::ConsumerGroup(name) => {
                (SubjectKind::ConsumerGroup, None, None, Some(name.clone()))
            }
        };
        Event::Condition {
            subject_kind,
            subject: subject.to_string(),
            sidecar_id,
            broker_id,
            group,
            detector: verdict.detector.unwrap_or("none").to_owned(),
            condition: verdict.condition,
            confidence: verdict.confidence,
            situation: verdict.situation,
            previous,
            sentence,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultAction {
    Injected,
    Reverted,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunPhase {
    Started,
    Step,
    Expectation,
    Recovered,
    Finished,
}
