//! What a scenario run knows of the world: a read view over the platform's state, by typed
//! subject. Each look reads state afresh: every subject's latest condition and figures, the
//! registry's liveness, and the history since the run's mark (situations reached, sidecars
//! healed), so nothing that came and went between two looks is missed.

use faultline_protocol::vocabulary::{Condition, Situation};
use faultline_protocol::SidecarId;

use crate::state::history::Mark;
use crate::state::SharedState;
use crate::wire::{SidecarStatus, Subject};

pub struct World {
    state: SharedState,
    /// Where the run's history begins.
    since: Mark,
}

impl World {
    /// The world as the platform knows it, its history starting now.
    pub fn new(state: &SharedState) -> Self {
        let since = state.history.read().mark();
        Self {
            state: state.clone(),
            since,
        }
    }

    /// Forgets what happened before now (situations reached, episodes healed), keeping the
    /// current state of every subject.
    pub fn forget_history(&mut self) {
        self.since = self.state.history.read().mark();
    }

    /// The subject's latest condition; None before its first judgement.
    pub fn condition(&self, subject: &Subject) -> Option<Condition> {
        match subject {
            Subject::Sidecar(id) => {
                let id = SidecarId::parse(id).ok()?;
                self.state.signals.read().get(&id).map(|o| o.condition)
            }
            Subject::Broker(id) => self.state.brokers.read().get(id).map(|o| o.condition),
            Subject::ConsumerGroup(group) => self
                .state
                .groups
                .read()
                .latest
                .get(group)
                .map(|o| o.condition),
        }
    }

    /// Whether some subject's condition reached `situation` since the mark.
    pub fn reached(&self, situation: Situation) -> bool {
        self.state
            .history
            .read()
            .reached_since(self.since, situation)
    }

    /// Whether a self-healing episode healed `sidecar` since the mark.
    pub fn healed(&self, sidecar: &SidecarId) -> bool {
        self.state.history.read().healed_since(self.since, sidecar)
    }

    /// The producer's latest request latency, ms.
    pub fn latency_ms(&self, sidecar: &SidecarId) -> Option<f64> {
        self.state
            .signals
            .read()
            .get(sidecar)
            .map(|o| o.figures.request_latency_ms)
    }

    /// The consumer group's latest lag, seconds.
    pub fn lag_seconds(&self, group: &str) -> Option<f64> {
        self.state
            .groups
            .read()
            .latest
            .get(group)
            .map(|o| o.figures.lag_seconds)
    }

    /// The broker's request handler idle share, %, when its latest reading has it.
    pub fn request_idle_pct(&self, broker: i32) -> Option<f64> {
        self.state
            .brokers
            .read()
            .get(&broker)
            .and_then(|o| o.figures.request_handler_idle_pct)
    }

    /// Under-replicated partitions over every broker that reports them; saturating, since
    /// brokers report the counts over JMX.
    pub fn under_replicated(&self) -> i64 {
        self.state
            .brokers
            .read()
            .values()
            .filter_map(|o| o.figures.under_replicated_partitions)
            .fold(0, i64::saturating_add)
    }

    /// Every live subject STABLE and nothing under-replicated.
    pub fn all_stable(&self) -> bool {
        let calm = self
            .live_conditions()
            .iter()
            .all(|(_, condition)| *condition == Condition::Stable);
        calm && self.under_replicated() == 0
    }

    /// Every partition is led by its preferred replica, as far as any controller reports
    /// (true where no broker reports it, like the embedded rehearsal cluster).
    pub fn leadership_preferred(&self) -> bool {
        self.state
            .brokers
            .read()
            .values()
            .filter_map(|o| o.figures.preferred_replica_imbalance)
            .all(|n| n == 0)
    }

    /// The subjects that are not STABLE, for a failure message.
    pub fn unstable(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .live_conditions()
            .into_iter()
            .filter(|(_, condition)| *condition != Condition::Stable)
            .map(|(subject, condition)| format!("{subject} {condition:?}"))
            .collect();
        let under_replicated = self.under_replicated();
        if under_replicated > 0 {
            names.push(format!("{under_replicated} under-replicated partitions"));
        }
        names.sort();
        names
    }

    /// Every judged subject's condition, leaving out sidecars the registry does not hold
    /// ACTIVE (gone quiet or departed: their last judgement is history).
    fn live_conditions(&self) -> Vec<(Subject, Condition)> {
        let mut conditions = Vec::new();
        {
            let registry = self.state.registry.read();
            let live = |id: &SidecarId| {
                registry
                    .get(id)
                    .is_none_or(|entry| entry.status == SidecarStatus::Active)
            };
            conditions.extend(
                self.state
                    .signals
                    .read()
                    .iter()
                    .filter(|(id, _)| live(id))
                    .map(|(id, o)| (Subject::Sidecar(id.to_string()), o.condition)),
            );
        }
        conditions.extend(
            self.state
                .brokers
                .read()
                .iter()
                .map(|(id, o)| (Subject::Broker(*id), o.condition)),
        );
        conditions.extend(
            self.state
                .groups
                .read()
                .latest
                .iter()
                .map(|(group, o)| (Subject::ConsumerGroup(group.clone()), o.condition)),
        );
        conditions
    }
}

#[cfg(test)]
mod tests {
    use crate::state::registry::Arrival;
    use crate::wire::{BrokerMetrics, Observed, ProducerSignal};

    use super::*;

    fn broker(state: &SharedState, id: i32, imbalance: Option<i64>) {
        state.brokers.write().insert(
            id,
            Observed {
                figures: BrokerMetrics {
                    reachable: true,
                    under_replicated_partitions: Some(0),
                    preferred_replica_imbalance: imbalance,
                    ..BrokerMetrics::default()
                },
                ..Observed::default()
            },
        );
    }

    #[test]
    fn leadership_is_preferred_once_every_controller_counts_zero() {
        let state = SharedState::default();
        let world = World::new(&state);
        assert!(world.leadership_preferred(), "nothing reported");
        broker(&state, 1, Some(2));
        broker(&state, 2, None);
        assert!(!world.leadership_preferred());
        broker(&state, 3, Some(0));
        assert!(!world.leadership_preferred(), "broker 1 still counts 2");
        broker(&state, 1, Some(0));
        assert!(world.leadership_preferred());
    }

    #[test]
    fn a_sidecar_the_registry_no_longer_holds_active_does_not_count() {
        let state = SharedState::default();
        let world = World::new(&state);
        let gone = SidecarId::parse("gone").unwrap();
        state.signals.write().insert(
            gone.clone(),
            Observed {
                figures: ProducerSignal::default(),
                condition: Condition::Degraded,
                ..Observed::default()
            },
        );
        broker(&state, 1, Some(0));
        assert!(!world.all_stable());
        assert_eq!(world.unstable(), ["gone Degraded"]);
        assert_eq!(
            world.condition(&Subject::Sidecar("gone".into())),
            Some(Condition::Degraded),
            "its condition is still known"
        );
        state.registry.write().apply_tombstone(
            gone,
            1_795_727_499_360,
            Arrival::Live,
            1_795_727_499_360,
        );
        assert!(world.all_stable());
        state
            .brokers
            .write()
            .get_mut(&1)
            .unwrap()
            .figures
            .under_replicated_partitions = Some(3);
        assert!(!world.all_stable());
        assert_eq!(world.unstable(), ["3 under-replicated partitions"]);
    }

    #[test]
    fn history_counts_from_the_mark() {
        let state = SharedState::default();
        let producer = SidecarId::parse("producer-1").unwrap();
        state.history.write().reached(Situation::Critical);
        let mut world = World::new(&state);
        assert!(!world.reached(Situation::Critical), "before the run");
        state.history.write().healed(&producer);
        state.history.write().reached(Situation::Warning);
        assert!(world.healed(&producer));
        assert!(world.reached(Situation::Warning));
        world.forget_history();
        assert!(!world.healed(&producer));
        assert!(!world.reached(Situation::Warning));
    }
}
