//! Judging a run's expectations against the world, each against its own clock.

use std::time::Duration;

use serde::Serialize;

use super::model::{ExpectKind, Expectation, Reference};
use super::world::World;

/// One expectation's verdict, as `GET /api/runs/{id}` shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpectationView {
    pub text: String,
    pub met: bool,
    /// Time from its reference (the first injection, or the heal) to when it was met.
    pub after_ms: Option<u64>,
    /// True once it can no longer change (met, or its deadline passed).
    pub settled: bool,
}

pub struct Tracked {
    pub expectation: Expectation,
    pub view: ExpectationView,
}

impl Tracked {
    pub fn new(expectation: Expectation) -> Self {
        let view = ExpectationView {
            text: expectation.text.clone(),
            met: false,
            after_ms: None,
            settled: false,
        };
        Self { expectation, view }
    }

    pub fn reference(&self) -> Reference {
        match self.expectation.kind {
            ExpectKind::AllStable => Reference::Heal,
            _ => self.expectation.from.unwrap_or_default(),
        }
    }

    /// Whether it would be met right now (used to wait until it is not, before a run).
    pub fn holds_now(&self, world: &World) -> bool {
        holds(&self.expectation, world)
    }

    /// Checks at `since_reference` (None: its reference has not happened yet).
    pub fn check(&mut self, world: &World, since_reference: Option<Duration>) {
        let Some(elapsed) = since_reference else {
            return;
        };
        if self.view.settled {
            return;
        }
        if holds(&self.expectation, world) {
            self.view.met = true;
            self.view.after_ms = Some(elapsed.as_millis() as u64);
            self.view.settled = true;
        } else if elapsed.as_secs_f64() > self.expectation.within {
            self.view.settled = true;
        }
    }
}

fn holds(e: &Expectation, world: &World) -> bool {
    let subject = e.subject.as_deref().unwrap_or_default();
    match e.kind {
        ExpectKind::Condition => world
            .conditions
            .get(subject)
            .is_some_and(|(c, _)| Some(*c) == e.condition),
        ExpectKind::Situation => e.situation.is_some_and(|s| world.situations.contains(&s)),
        ExpectKind::UnderReplicated => (world.under_replicated() as f64) > e.above.unwrap_or(0.0),
        ExpectKind::Latency => world
            .latency_ms
            .get(subject)
            .is_some_and(|ms| *ms > e.above.unwrap_or(0.0)),
        ExpectKind::Lag => world
            .lag_seconds
            .get(subject)
            .is_some_and(|s| *s > e.above.unwrap_or(0.0)),
        ExpectKind::BrokerIdle => broker_id(subject)
            .and_then(|id| world.request_idle_pct.get(&id))
            .is_some_and(|idle| *idle < e.below.unwrap_or(0.0)),
        ExpectKind::Healed => world.healed.contains(subject),
        ExpectKind::AllStable => world.all_stable(),
    }
}

fn broker_id(subject: &str) -> Option<i32> {
    subject.strip_prefix("broker-")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use faultline_protocol::vocabulary::{Condition, Situation};

    use super::*;

    fn expectation(kind: ExpectKind, within: f64) -> Expectation {
        Expectation {
            text: "t".into(),
            kind,
            subject: Some("producer-1".into()),
            condition: Some(Condition::Degraded),
            situation: None,
            above: Some(100.0),
            below: None,
            within,
            from: None,
            only: None,
        }
    }

    #[test]
    fn met_in_time_records_when_and_late_is_a_miss() {
        let mut world = World::default();
        let mut tracked = Tracked::new(expectation(ExpectKind::Condition, 8.0));
        tracked.check(&world, None);
        assert!(!tracked.view.settled, "no reference yet, nothing to judge");
        tracked.check(&world, Some(Duration::from_secs(2)));
        assert!(!tracked.view.settled);
        world.conditions.insert(
            "producer-1".into(),
            (Condition::Degraded, Situation::Critical),
        );
        tracked.check(&world, Some(Duration::from_millis(3500)));
        assert!(tracked.view.met);
        assert_eq!(tracked.view.after_ms, Some(3500));

        let mut late = Tracked::new(expectation(ExpectKind::Latency, 5.0));
        late.check(&World::default(), Some(Duration::from_secs(6)));
        assert!(late.view.settled && !late.view.met);
    }

    #[test]
    fn all_stable_waits_for_the_heal_and_ignores_departed_sidecars() {
        let tracked = Tracked::new(expectation(ExpectKind::AllStable, 30.0));
        assert_eq!(tracked.reference(), Reference::Heal);
        let mut world = World::default();
        world
            .conditions
            .insert("gone".into(), (Condition::Degraded, Situation::Critical));
        world.inactive.insert("gone".into());
        world
            .conditions
            .insert("broker-1".into(), (Condition::Stable, Situation::Normal));
        assert!(world.all_stable());
        world.under_replicated.insert(1, 3);
        assert!(!world.all_stable());
        assert_eq!(
            world.unstable(),
            vec!["3 under-replicated partitions".to_owned()]
        );
    }
}
