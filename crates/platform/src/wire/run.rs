//! A scenario run as the API (`GET /api/runs/{id}`) and the `run` events show it: its
//! status, steps, expectations and stopwatch.

use serde::{Deserialize, Serialize};

use super::fault::Fault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Inject `fault`.
    Inject,
    /// Inject `fault` `steps` times, every `every` seconds, its `ms` rising to `to`.
    Ramp,
    /// Revert this run's faults (only those on `fault`'s spot, when given).
    Heal,
    /// Nothing but the talk track.
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Running,
    Passed,
    Failed,
}

/// Times every run records; the same numbers feed the UI, the report and the benchmarks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stopwatch {
    /// First injection, ms after the run started.
    pub injected_at_ms: Option<u64>,
    /// First detection (the first expectation met) after the first injection.
    pub detected_after_ms: Option<u64>,
    /// The (last) heal, ms after the first injection.
    pub healed_at_ms: Option<u64>,
    /// Everything STABLE again, ms after the heal.
    pub recovered_after_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub at: f64,
    pub action: Action,
    pub description: String,
    pub talk: String,
    pub done_at_ms: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub run_id: String,
    pub scenario_id: String,
    pub title: String,
    /// The scenario's one-line story (its file's `summary`).
    #[serde(default)]
    pub summary: String,
    pub environment: String,
    pub status: RunStatus,
    /// False when the run started although the previous trouble had not cleared.
    pub settled: bool,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub expectations: Vec<ExpectationView>,
    /// Expectations that do not apply in this environment.
    pub skipped: Vec<String>,
    pub stopwatch: Stopwatch,
    pub steps: Vec<StepView>,
    /// Why it failed, in a sentence.
    pub reason: Option<String>,
    pub reverted: Vec<String>,
}
/// What an expectation watches (docs/scenarios.md lists each with its fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum ExpectKind {
    /// `subject` (a sidecar id, `broker-N`, or `group NAME`) reaches `condition`.
    Condition,
    /// Some subject reaches `situation`.
    Situation,
    /// The cluster's under-replicated partitions rise above `above`.
    UnderReplicated,
    /// Sidecar `subject`'s request latency rises above `above` ms.
    Latency,
    /// Consumer group `subject`'s lag rises above `above` seconds.
    Lag,
    /// Broker `subject`'s request handler idle share drops below `below` %.
    BrokerIdle,
    /// The platform heals sidecar `subject` by itself (a self-healing episode).
    Healed,
    /// Everything is STABLE and fully replicated again (counted from the heal).
    AllStable,
}

/// One expectation's verdict, as `GET /api/runs/{id}` shows it, with what it watches (so a
/// recorded run can be drawn without its scenario file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectationView {
    pub text: String,
    pub kind: ExpectKind,
    /// What it is about, as its file names it (absent for kinds about everything).
    pub subject: Option<String>,
    /// Its `above` or `below` figure, in its kind's unit.
    pub threshold: Option<f64>,
    pub met: bool,
    /// Time from its reference (the first injection, or the heal) to when it was met.
    pub after_ms: Option<u64>,
    /// True once it can no longer change (met, or its deadline passed).
    pub settled: bool,
}

/// One row of `GET /api/scenarios`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioSummary<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub environments: &'a [String],
    /// Whether it runs in the current environment.
    pub supported: bool,
    pub steps: &'a [TimedStep],
    pub expectations: Vec<&'a str>,
    pub source: &'a str,
}

/// A scenario's step on its timeline, a ramp expanded into its injections.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimedStep {
    pub at: f64,
    pub action: Action,
    pub fault: Option<Fault>,
    pub talk: String,
}

/// A file's problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}: line {line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
