//! A checked scenario, ready to run: ramps expanded into injections, steps in time order,
//! every expectation complete for its kind.

use super::model::{line_of, ExpectKind, Expectation, Reference, ScenarioFile};
use crate::chaos::Fault;
use crate::wire::{Action, FileError, TimedStep};

/// The latest time, in seconds after the run starts, for a step, a deadline or a recovery:
/// the runner waits for each, so each must be a time it can wait for.
const LAST_SECOND: f64 = 3600.0;

/// Most injections one ramp expands into (each is announced on the timeline).
const MAX_RAMP_STEPS: u32 = 100;

#[derive(Debug, Clone)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub environments: Vec<String>,
    pub recover_within: f64,
    pub steps: Vec<TimedStep>,
    pub expectations: Vec<Expectation>,
    /// Where it came from (a built-in, or a user's file).
    pub source: String,
}

impl Scenario {
    /// Parses and checks one file. Every problem names the file and, where it can, the line.
    pub fn parse(file: &str, text: &str) -> Result<Self, FileError> {
        let error = |line: Option<usize>, message: String| FileError {
            file: file.to_owned(),
            line,
            message,
        };
        let parsed: ScenarioFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start));
            error(line, e.message().to_owned())
        })?;
        let valid_id = !parsed.id.is_empty()
            && parsed.id.len() <= 64
            && parsed
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_id {
            return Err(error(
                Some(1),
                format!(
                    "id {:?} must be 1–64 lowercase letters, digits and dashes",
                    parsed.id
                ),
            ));
        }
        let recover_within = *parsed.recover_within.get_ref();
        if !(0.0..=LAST_SECOND).contains(&recover_within) {
            return Err(error(
                Some(line_of(text, parsed.recover_within.span().start)),
                format!("recover_within {recover_within} s is not between 0 and 3600"),
            ));
        }
        let mut steps = Vec::new();
        for spanned in &parsed.step {
            let line = Some(line_of(text, spanned.span().start));
            let step = spanned.get_ref();
            if !(0.0..=LAST_SECOND).contains(&step.at) {
                return Err(error(
                    line,
                    format!("step at {} s is not between 0 and 3600", step.at),
                ));
            }
            match step.action {
                Action::Inject => {
                    let fault = step
                        .fault
                        .clone()
                        .ok_or_else(|| error(line, "an inject step needs a `fault`".into()))?;
                    fault.validate().map_err(|m| error(line, m))?;
                    steps.push(TimedStep {
                        at: step.at,
                        action: Action::Inject,
                        fault: Some(fault),
                        talk: step.talk.clone(),
                    });
                }
                Action::Ramp => {
                    let Some(Fault::Latency { broker, ms, jitter }) = step.fault.clone() else {
                        return Err(error(
                            line,
                            "a ramp step needs a `latency` fault to ramp".into(),
                        ));
                    };
                    let (to, every, count) = match (step.to, step.every, step.steps) {
                        (Some(to), Some(every), Some(count))
                            if (2..=MAX_RAMP_STEPS).contains(&count) && every > 0.0 =>
                        {
                            (to, every, count)
                        }
                        _ => {
                            return Err(error(
                                line,
                                format!(
                                    "a ramp needs `to`, `every` > 0 and `steps` from 2 to \
                                     {MAX_RAMP_STEPS}"
                                ),
                            ))
                        }
                    };
                    // The runner waits for each injection's time, so the last must be a
                    // time it can wait for (this also refuses an infinite `every`).
                    let last = step.at + every * f64::from(count - 1);
                    if !(0.0..=LAST_SECOND).contains(&last) {
                        return Err(error(
                            line,
                            format!("the ramp's last injection at {last} s is after 3600 s"),
                        ));
                    }
                    for i in 0..count {
                        let value = f64::from(ms)
                            + (f64::from(to) - f64::from(ms)) * f64::from(i) / f64::from(count - 1);
                        let fault = Fault::Latency {
                            broker,
                            ms: value.round() as u32,
                            jitter,
                        };
                        fault.validate().map_err(|m| error(line, m))?;
                        let talk = if i == 0 {
                            step.talk.clone()
                        } else {
                            String::new()
                        };
                        steps.push(TimedStep {
                            at: step.at + every * f64::from(i),
                            action: Action::Inject,
                            fault: Some(fault),
                            talk,
                        });
                    }
                }
                Action::Heal | Action::Note => steps.push(TimedStep {
                    at: step.at,
                    action: step.action,
                    fault: step.fault.clone(),
                    talk: step.talk.clone(),
                }),
            }
        }
        steps.sort_by(|a, b| a.at.total_cmp(&b.at));
        if !steps.iter().any(|s| s.action == Action::Inject) {
            return Err(error(
                None,
                "a scenario needs at least one inject or ramp step".into(),
            ));
        }
        for spanned in &parsed.expect {
            let line = Some(line_of(text, spanned.span().start));
            check_expectation(spanned.get_ref()).map_err(|m| error(line, m))?;
        }
        let has_heal = steps.iter().any(|s| s.action == Action::Heal);
        if !has_heal
            && parsed.expect.iter().any(|e| {
                e.get_ref().from == Some(Reference::Heal)
                    || e.get_ref().kind == ExpectKind::AllStable
            })
        {
            return Err(error(
                None,
                "expectations counted from the heal need a heal step".into(),
            ));
        }
        Ok(Self {
            id: parsed.id,
            title: parsed.title,
            summary: parsed.summary,
            environments: parsed.environments,
            recover_within,
            steps,
            expectations: parsed.expect.into_iter().map(|e| e.into_inner()).collect(),
            source: file.to_owned(),
        })
    }

    pub fn supports(&self, environment: &str) -> bool {
        self.environments.iter().any(|e| e == environment)
    }
}

fn check_expectation(e: &Expectation) -> Result<(), String> {
    if !(0.0..=LAST_SECOND).contains(&e.within) {
        return Err(format!("`within` {} s is not between 0 and 3600", e.within));
    }
    let needs = |field: &str, present: bool| {
        if present {
            Ok(())
        } else {
            Err(format!("a {:?} expectation needs `{field}`", e.kind))
        }
    };
    match e.kind {
        ExpectKind::Condition => {
            needs("subject", e.subject.is_some())?;
            needs("condition", e.condition.is_some())
        }
        ExpectKind::Situation => needs("situation", e.situation.is_some()),
        ExpectKind::UnderReplicated => needs("above", e.above.is_some()),
        ExpectKind::Latency | ExpectKind::Lag => {
            needs("subject", e.subject.is_some())?;
            needs("above", e.above.is_some())
        }
        ExpectKind::BrokerIdle => {
            needs("subject", e.subject.is_some())?;
            needs("below", e.below.is_some())
        }
        ExpectKind::Healed => needs("subject", e.subject.is_some()),
        ExpectKind::AllStable => Ok(()),
    }
}

#[cfg(test)]
mod tests;
