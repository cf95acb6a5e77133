//! Detection latency per scenario: a probe replays the scenario's injections through
//! `POST /api/faults` on their timeline, stops at the first of its expectations met (the
//! scenario runner's definition of "detected"), reverts, and times heal → all green.
//! Times are the platform's own `atMs` stamps, so the bench's scheduling does not count.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use faultline_platform::scenarios::model::{ExpectKind, Expectation, Reference};
use faultline_platform::scenarios::Scenario;
use faultline_platform::wire::Action;
use faultline_protocol::vocabulary::{Condition, Situation};
use reqwest::Method;
use serde_json::Value;

use crate::session::Session;

/// What one probe measured, in ms.
#[derive(Debug, Clone)]
pub struct Probe {
    /// First injection → the first expectation met (None: not within its deadline).
    pub detected_after: Option<f64>,
    /// Which expectation it was.
    pub detected_by: Option<String>,
    /// Last revert → all green.
    pub heal_to_green: Option<f64>,
}

/// The expectations counted from the injection that apply to `env`: the ones whose first
/// success is "detection".
pub fn detections<'a>(scenario: &'a Scenario, env: &str) -> Vec<&'a Expectation> {
    scenario
        .expectations
        .iter()
        .filter(|e| e.from.unwrap_or_default() == Reference::Injection)
        .filter(|e| e.kind != ExpectKind::AllStable)
        .filter(|e| e.only.as_ref().is_none_or(|o| o.iter().any(|x| x == env)))
        .collect()
}

/// Judges expectations on `/ws` events as the runner judges them on the platform's state.
struct Judge<'a> {
    expectations: Vec<&'a Expectation>,
    /// Broker id → under-replicated partitions (the cluster's figure is their sum).
    urp: HashMap<i64, i64>,
}

impl<'a> Judge<'a> {
    /// The text of the first expectation this event meets.
    fn meets(&mut self, e: &Value) -> Option<&'a str> {
        if e["type"] == "broker" {
            if let Some(id) = e["brokerId"].as_i64() {
                self.urp
                    .insert(id, e["underReplicatedPartitions"].as_i64().unwrap_or(0));
            }
        }
        let urp: i64 = self.urp.values().sum();
        let text = |key: &str| e[key].as_str().unwrap_or_default();
        let number = |key: &str| e[key].as_f64();
        self.expectations.iter().find_map(|x| {
            let subject = x.subject.as_deref().unwrap_or_default();
            let above = x.above.unwrap_or(0.0);
            let met = match (x.kind, text("type")) {
                (ExpectKind::Condition, "condition") => {
                    text("subject") == subject
                        && serde_json::from_value::<Condition>(e["condition"].clone()).ok()
                            == x.condition
                }
                (ExpectKind::Situation, "condition") => {
                    let reached = serde_json::from_value::<Situation>(e["situation"].clone()).ok();
                    matches!((reached, x.situation), (Some(r), Some(s)) if r >= s)
                }
                (ExpectKind::UnderReplicated, "broker") => urp as f64 > above,
                (ExpectKind::Latency, "signal") => {
                    text("sidecarId") == subject
                        && number("requestLatencyMs").is_some_and(|ms| ms > above)
                }
                (ExpectKind::Lag, "consumer-lag") => {
                    text("group") == subject && number("lagSeconds").is_some_and(|s| s > above)
                }
                (ExpectKind::BrokerIdle, "broker") => {
                    format!("broker-{}", e["brokerId"]) == subject
                        && number("requestHandlerIdlePct")
                            .is_some_and(|p| p < x.below.unwrap_or(0.0))
                }
                (ExpectKind::Healed, "episode") => {
                    text("sidecarId") == subject && text("outcome") == "healed"
                }
                _ => false,
            };
            met.then_some(x.text.as_str())
        })
    }
}

/// Runs one probe of `scenario` on the session's environment. The environment should be
/// green; it is green again when this returns Ok.
pub async fn probe(session: &Session, scenario: &Scenario) -> Result<Probe> {
    let env = session.kind.name;
    let expectations = detections(scenario, env);
    if expectations.is_empty() {
        bail!("{} has no detection expectation on {env}", scenario.id);
    }
    let within = expectations.iter().map(|e| e.within).fold(0.0, f64::max);
    let injections: Vec<_> = scenario
        .steps
        .iter()
        .filter(|s| matches!(s.action, Action::Inject | Action::Ramp))
        .filter_map(|s| s.fault.as_ref().map(|f| (s.at, f)))
        .collect();
    let Some(first_at) = injections.first().map(|(at, _)| *at) else {
        bail!("{} injects nothing", scenario.id);
    };
    let log = &session.log;
    let from = log.len();
    let mut judge = Judge {
        expectations,
        urp: HashMap::new(),
    };
    let started = Instant::now();
    let mut injected = Vec::new();
    let mut detected = None;
    for (i, (_, fault)) in injections.iter().enumerate() {
        let (status, body) = session
            .server
            .send(Method::POST, "/api/faults", &serde_json::to_value(fault)?)
            .await?;
        if status != 201 {
            revert(session, &injected).await;
            bail!(
                "{}: injecting {fault:?} answered {status}: {body}",
                scenario.id
            );
        }
        injected.push(body["id"].as_str().unwrap_or_default().to_owned());
        // Watch for detection until the next injection is due (after the last: the
        // longest deadline of the expectations).
        let due = injections
            .get(i + 1)
            .map(|(next, _)| Duration::from_secs_f64(next - first_at))
            .unwrap_or(Duration::from_secs_f64(within));
        let left = due.saturating_sub(started.elapsed());
        let mut which = None;
        detected = log
            .first(from, left, |e| {
                which = judge.meets(e);
                which.is_some()
            })
            .await
            .map(|(_, r)| (r, which.unwrap_or_default().to_owned()));
        if detected.is_some() {
            break;
        }
    }
    let injected_at = log
        .first(from, Duration::from_secs(5), |e| {
            e["type"] == "fault" && e["action"] == "injected"
        })
        .await
        .map(|(_, r)| r.at_ms());
    revert(session, &injected).await;
    // The heal is the last `reverted` event of the probe's faults.
    let mut reverts = 0;
    let last_revert = log
        .first(from, Duration::from_secs(10), |e| {
            reverts += usize::from(e["type"] == "fault" && e["action"] == "reverted");
            reverts >= injected.len()
        })
        .await
        .map(|(_, r)| r.at_ms());
    let green = session
        .green(Duration::from_secs_f64(scenario.recover_within + 30.0))
        .await
        .map_err(|missing| {
            anyhow::anyhow!(
                "{}: not green again after its faults were reverted ({missing})",
                scenario.id
            )
        })?;
    Ok(Probe {
        detected_after: match (&detected, injected_at) {
            (Some((r, _)), Some(at)) => Some((r.at_ms() - at) as f64),
            _ => None,
        },
        detected_by: detected.map(|(_, text)| text),
        heal_to_green: last_revert.map(|at| (green.at_ms() - at) as f64),
    })
}

/// Reverts the probe's faults, newest first (not "restore all": it waits up to 45 s for
/// green, and the bench times that wait itself).
async fn revert(session: &Session, ids: &[String]) {
    for id in ids.iter().rev() {
        let _ = session
            .server
            .send(Method::DELETE, &format!("/api/faults/{id}"), &Value::Null)
            .await;
    }
}
