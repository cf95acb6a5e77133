//! The platform⇄UI contract, in one place: every event the bus carries to viewers, and
//! the JSON shapes of the HTTP API (launch, environment, runs, consumer groups, faults).
//! It imports nothing from the rest of the platform (a test in `tests/module_layers.rs`
//! checks it), so both ends can read it without pulling in how the platform works;
//! `ui/js/vocabulary.js` is checked against its enums by `tests/ui_vocabulary.rs`.

pub mod answers;
pub mod broker;
pub mod environment;
pub mod event;
pub mod fault;
pub mod faults;
pub mod groups;
pub mod health;
pub mod lagged;
pub mod launch;
pub mod observed;
pub mod recording;
pub mod replay;
pub mod run;
pub mod sidecar;
pub mod signal;

pub use answers::{
    BrokerStarted, CommandSent, ContainerDone, FaultReverted, ProducerAdded, Refusal, RunStarted,
    StartRefused,
};
pub use broker::{BrokerMetrics, BrokerObservation, BrokerReading};
pub use environment::{
    BrokerState, BrokerStatus, ContainerAction, ContainerRow, EnvironmentStatus, Lifecycle,
};
pub use event::{
    BusEvent, EpisodeOutcome, Event, EventType, FaultAction, RunPhase, SpeechActKind, StepStatus,
    Subject, SubjectKind,
};
pub use fault::{DownMode, Fault, FaultKind};
pub use faults::{ActiveFault, Check, RestoreReport, Unreadable};
pub use groups::{GroupLag, GroupObservation, StuckPartition, UnknownPartition};
pub use health::{DegradedTask, DiscoveryProgress, Health, Rejections};
pub use lagged::Lagged;
pub use launch::{
    Choice, Detection, LaunchState, LaunchStatus, Preflight, PreflightCheck, StepView,
};
pub use observed::{Finding, Observed};
pub use recording::RecordingFile;
pub use replay::{ReplayBreak, ReplayControl, ReplayStatus, SPEEDS};
pub use run::{
    Action, ExpectKind, ExpectationView, FileError, RunStatus, RunView, ScenarioSummary, Stopwatch,
    TimedStep,
};
pub use sidecar::{SidecarStatus, SidecarView};
pub use signal::ProducerSignal;
