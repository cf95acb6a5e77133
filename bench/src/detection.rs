//! Detection latency per scenario: a probe replays the scenario's injections through
//! `POST /api/faults` on their timeline until every expectation counted from the injection
//! is met (or its deadline passes), reverts, and times heal → all green. The first one met
//! is "detected" (the scenario runner's definition); each is also a figure of its own.
//! Times are the platform's own `atMs` stamps, so the bench's scheduling does not count.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use faultline_platform::chaos::Fault;
use faultline_platform::scenarios::model::{ExpectKind, Expectation, Reference};
use faultline_platform::scenarios::Scenario;
use faultline_platform::wire::Action;
use faultline_protocol::vocabulary::{Condition, Situation};
use reqwest::Method;
use serde_json::Value;

use crate::events::Received;
use crate::session::Session;

/// What one probe measured, in ms.
#[derive(Debug, Clone)]
pub struct Probe {
    /// First injection → the first expectation met (None: not within its deadline).
    pub detected_after: Option<f64>,
    /// Which expectation it was.
    pub detected_by: Option<String>,
    /// When each of [`detections`] was met after the first injection, ms (in its order).
    pub each: Vec<Option<f64>>,
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

/// The scenario's injections (ramps expanded), each with its offset from the first, s.
pub fn injections(scenario: &Scenario) -> Vec<(f64, &Fault)> {
    let steps: Vec<_> = scenario
        .steps
        .iter()
        .filter(|s| matches!(s.action, Action::Inject | Action::Ramp))
        .filter_map(|s| Some((s.at, s.fault.as_ref()?)))
        .collect();
    let first = steps.first().map_or(0.0, |(at, _)| *at);
    steps.into_iter().map(|(at, f)| (at - first, f)).collect()
}

/// Judges expectations on `/ws` events as the runner judges them on the platform's state.
struct Judge<'a> {
    expectations: Vec<&'a Expectation>,
    /// Broker id → under-replicated partitions (the cluster's figure is their sum).
    urp: HashMap<i64, i64>,
}

impl Judge<'_> {
    /// The indices of the expectations this event meets.
    fn meets(&mut self, e: &Value) -> Vec<usize> {
        if e["type"] == "broker" {
            if let Some(id) = e["brokerId"].as_i64() {
                self.urp
                    .insert(id, e["underReplicatedPartitions"].as_i64().unwrap_or(0));
            }
        }
        let urp: i64 = self.urp.values().sum();
        let text = |key: &str| e[key].as_str().unwrap_or_default();
        let number = |key: &str| e[key].as_f64();
        let met = |x: &Expectation| {
            let subject = x.subject.as_deref().unwrap_or_default();
            let above = x.above.unwrap_or(0.0);
            match (x.kind, text("type")) {
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
            }
        };
        (0..self.expectations.len())
            .filter(|i| met(self.expectations[*i]))
            .collect()
    }
}

/// After the first detection, how long a probe goes on waiting for the scenario's other
/// expectations (each is a figure of its own, e.g. broker DOWN after URP).
const OTHERS_WITHIN: Duration = Duration::from_secs(15);

/// Runs one probe of `scenario` on the session's environment. The environment should be
/// green; it is green again when this returns Ok.
pub async fn probe(session: &Session, scenario: &Scenario) -> Result<Probe> {
    let env = session.kind.name;
    let expectations = detections(scenario, env);
    if expectations.is_empty() {
        bail!("{} has no detection expectation on {env}", scenario.id);
    }
    let within = expectations.iter().map(|e| e.within).fold(0.0, f64::max);
    let injections = injections(scenario);
    if injections.is_empty() {
        bail!("{} injects nothing", scenario.id);
    }
    let log = &session.log;
    let from = log.len();
    let mut judge = Judge {
        expectations,
        urp: HashMap::new(),
    };
    // Each expectation's first event that meets it.
    let mut met: Vec<Option<Received>> = vec![None; judge.expectations.len()];
    let started = Instant::now();
    let mut injected = Vec::new();
    let mut cursor = from;
    let mut next = 0;
    loop {
        // The injections that are due, on the scenario's timeline.
        while let Some((at, fault)) = injections.get(next) {
            if started.elapsed() < Duration::from_secs_f64(*at) {
                break;
            }
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
            next += 1;
        }
        for received in log.since(cursor) {
            cursor += 1;
            for i in judge.meets(&received.event) {
                met[i].get_or_insert_with(|| received.clone());
            }
        }
        let first = met.iter().flatten().map(|r| r.at).min();
        let done = met.iter().all(Option::is_some)
            || started.elapsed() > Duration::from_secs_f64(within)
            || first.is_some_and(|f| f.elapsed() > OTHERS_WITHIN);
        if done {
            break;
        }
        let _ = log
            .first(cursor, Duration::from_millis(100), |_| true)
            .await;
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
    let after = |r: &Received| injected_at.map(|at| (r.at_ms() - at) as f64);
    let first = met
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.as_ref()?)))
        .min_by_key(|(_, r)| r.at_ms());
    Ok(Probe {
        detected_after: first.and_then(|(_, r)| after(r)),
        detected_by: first.map(|(i, _)| judge.expectations[i].text.clone()),
        each: met.iter().map(|r| r.as_ref().and_then(after)).collect(),
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
