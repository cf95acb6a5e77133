//! A scenario as its file says it: timed steps with a talk track, and expectations with
//! deadlines. Files are TOML; every mistake is reported with the file and line.

use faultline_protocol::vocabulary::{Condition, Situation};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::chaos::Fault;
use crate::wire::Action;
pub use crate::wire::ExpectKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Environments it is written for (`rehearsal`, `local`, `docker`, `external`).
    pub environments: Vec<String>,
    /// Seconds after the last heal within which everything must be STABLE again, 0–3600.
    /// Spanned so a value out of range is reported with its line.
    #[serde(default = "default_recover_within")]
    pub recover_within: Spanned<f64>,
    #[serde(default)]
    pub step: Vec<Spanned<Step>>,
    #[serde(default)]
    pub expect: Vec<Spanned<Expectation>>,
}

fn default_recover_within() -> Spanned<f64> {
    // Not in the file, so it has no place in it.
    Spanned::new(0..0, 60.0)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Seconds after the run starts.
    pub at: f64,
    pub action: Action,
    pub fault: Option<Fault>,
    pub to: Option<u32>,
    pub every: Option<f64>,
    pub steps: Option<u32>,
    /// What the presenter says at this step.
    pub talk: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reference {
    /// The first injection of the run.
    #[default]
    Injection,
    /// The run's last heal step (a staged heal is over when its last stage is).
    Heal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The sentence shown to the audience, e.g. "producer-1 DEGRADED within 8 s".
    pub text: String,
    pub kind: ExpectKind,
    pub subject: Option<String>,
    pub condition: Option<Condition>,
    pub situation: Option<Situation>,
    pub above: Option<f64>,
    pub below: Option<f64>,
    /// Seconds after `from`.
    pub within: f64,
    #[serde(default)]
    pub from: Option<Reference>,
    /// Environments where it applies (all, when absent): some numbers exist only where
    /// brokers have JMX.
    pub only: Option<Vec<String>>,
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}
