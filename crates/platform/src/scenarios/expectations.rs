//! Judging a run's expectations against the world, each against its own clock.

use std::time::Duration;

use faultline_protocol::SidecarId;

use super::model::{ExpectKind, Expectation, Reference};
use super::world::World;
use crate::wire::{ExpectationView, Subject};

pub struct Tracked {
    pub expectation: Expectation,
    pub view: ExpectationView,
}

impl Tracked {
    pub fn new(expectation: Expectation) -> Self {
        let view = ExpectationView {
            text: expectation.text.clone(),
            kind: expectation.kind,
            subject: expectation.subject.clone(),
            threshold: expectation.above.or(expectation.below),
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

/// Whether the expectation holds in the world now. `subject` names what its kind is about:
/// any subject by its readable name (`producer-1`, `broker-2`, `group NAME`) for a
/// condition, a sidecar id for latency and healing, a group name for lag, `broker-N` for
/// idleness. A subject that names nothing of its kind never holds.
fn holds(e: &Expectation, world: &World) -> bool {
    let subject = e.subject.as_deref().unwrap_or_default();
    let sidecar = || SidecarId::parse(subject).ok();
    match e.kind {
        ExpectKind::Condition => subject
            .parse::<Subject>()
            .is_ok_and(|s| world.condition(&s).is_some_and(|c| Some(c) == e.condition)),
        ExpectKind::Situation => e.situation.is_some_and(|s| world.reached(s)),
        ExpectKind::UnderReplicated => (world.under_replicated() as f64) > e.above.unwrap_or(0.0),
        ExpectKind::Latency => sidecar()
            .and_then(|id| world.latency_ms(&id))
            .is_some_and(|ms| ms > e.above.unwrap_or(0.0)),
        ExpectKind::Lag => world
            .lag_seconds(subject)
            .is_some_and(|s| s > e.above.unwrap_or(0.0)),
        ExpectKind::BrokerIdle => match subject.parse::<Subject>() {
            Ok(Subject::Broker(id)) => world
                .request_idle_pct(id)
                .is_some_and(|idle| idle < e.below.unwrap_or(0.0)),
            _ => false,
        },
        ExpectKind::Healed => sidecar().is_some_and(|id| world.healed(&id)),
        ExpectKind::AllStable => world.all_stable(),
    }
}

#[cfg(test)]
mod tests {
    use faultline_protocol::vocabulary::Condition;

    use super::*;
    use crate::state::SharedState;
    use crate::wire::{BrokerMetrics, Observed, ProducerSignal};

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

    fn producer_1(state: &SharedState, condition: Condition, latency_ms: f64) {
        state.signals.write().insert(
            SidecarId::parse("producer-1").unwrap(),
            Observed {
                figures: ProducerSignal {
                    request_latency_ms: latency_ms,
                    ..ProducerSignal::default()
                },
                condition,
                ..Observed::default()
            },
        );
    }

    #[test]
    fn met_in_time_records_when_and_late_is_a_miss() {
        let state = SharedState::default();
        let world = World::new(&state);
        let mut tracked = Tracked::new(expectation(ExpectKind::Condition, 8.0));
        tracked.check(&world, None);
        assert!(!tracked.view.settled, "no reference yet, nothing to judge");
        tracked.check(&world, Some(Duration::from_secs(2)));
        assert!(!tracked.view.settled);
        producer_1(&state, Condition::Degraded, 20.0);
        tracked.check(&world, Some(Duration::from_millis(3500)));
        assert!(tracked.view.met);
        assert_eq!(tracked.view.after_ms, Some(3500));

        let mut late = Tracked::new(expectation(ExpectKind::Latency, 5.0));
        late.check(&world, Some(Duration::from_secs(6)));
        assert!(
            late.view.settled && !late.view.met,
            "20 ms is not above 100 ms"
        );
    }

    #[test]
    fn each_kind_reads_its_subject_as_its_kind_names_it() {
        let state = SharedState::default();
        let world = World::new(&state);
        producer_1(&state, Condition::Stable, 250.0);
        assert!(Tracked::new(expectation(ExpectKind::Latency, 5.0)).holds_now(&world));
        state.brokers.write().insert(
            2,
            Observed {
                figures: BrokerMetrics {
                    reachable: true,
                    request_handler_idle_pct: Some(12.0),
                    ..BrokerMetrics::default()
                },
                condition: Condition::Degraded,
                ..Observed::default()
            },
        );
        let about = |kind, subject: &str| Expectation {
            subject: Some(subject.into()),
            below: Some(20.0),
            ..expectation(kind, 5.0)
        };
        assert!(Tracked::new(about(ExpectKind::BrokerIdle, "broker-2")).holds_now(&world));
        assert!(!Tracked::new(about(ExpectKind::BrokerIdle, "broker-3")).holds_now(&world));
        assert!(!Tracked::new(about(ExpectKind::BrokerIdle, "producer-1")).holds_now(&world));
        assert!(Tracked::new(about(ExpectKind::Condition, "broker-2")).holds_now(&world));
        assert!(
            !Tracked::new(about(ExpectKind::Condition, "producer-1")).holds_now(&world),
            "producer-1 is STABLE"
        );
    }

    #[test]
    fn all_stable_waits_for_the_heal() {
        let tracked = Tracked::new(expectation(ExpectKind::AllStable, 30.0));
        assert_eq!(tracked.reference(), Reference::Heal);
        let state = SharedState::default();
        let world = World::new(&state);
        producer_1(&state, Condition::Degraded, 0.0);
        assert!(!tracked.holds_now(&world));
        producer_1(&state, Condition::Stable, 0.0);
        assert!(tracked.holds_now(&world));
    }
}
