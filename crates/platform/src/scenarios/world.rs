//! What a scenario run knows of the world, kept up to date from the event bus: each
//! subject's condition, brokers' replication and idleness, latencies, lags, episodes.

use std::collections::{HashMap, HashSet};

use faultline_protocol::vocabulary::{Condition, Situation};

use crate::events::{EpisodeOutcome, Event};
use crate::state::registry::SidecarStatus;
use crate::state::SharedState;

#[derive(Debug, Default)]
pub struct World {
    pub conditions: HashMap<String, (Condition, Situation)>,
    pub inactive: HashSet<String>,
    pub under_replicated: HashMap<i32, i64>,
    pub request_idle_pct: HashMap<i32, f64>,
    /// Partitions led away from their preferred replica, as each controller counts them.
    pub preferred_replica_imbalance: HashMap<i32, i64>,
    pub latency_ms: HashMap<String, f64>,
    pub lag_seconds: HashMap<String, f64>,
    pub healed: HashSet<String>,
    /// Situations reached since the run started.
    pub situations: HashSet<Situation>,
}

impl World {
    /// Starts from what the platform knows now.
    pub fn from_state(state: &SharedState) -> Self {
        let mut world = World::default();
        {
            let observations = state.observations.read();
            let registry = state.registry.read();
            for (id, entry) in registry.entries() {
                if entry.status != SidecarStatus::Active {
                    world.inactive.insert(id.to_string());
                }
                if let Some(o) = observations.get(id) {
                    world
                        .conditions
                        .insert(id.to_string(), (o.condition, o.situation));
                }
            }
        }
        for (id, b) in state.brokers.read().iter() {
            world
                .conditions
                .insert(format!("broker-{id}"), (b.condition, Situation::Normal));
            if let Some(urp) = b.under_replicated_partitions {
                world.under_replicated.insert(*id, urp);
            }
            if let Some(imbalance) = b.preferred_replica_imbalance {
                world.preferred_replica_imbalance.insert(*id, imbalance);
            }
        }
        for (name, g) in &state.groups.read().latest {
            world
                .conditions
                .insert(format!("group {name}"), (g.condition, Situation::Normal));
        }
        world
    }

    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Condition {
                subject,
                condition,
                situation,
                ..
            } => {
                self.conditions
                    .insert(subject.clone(), (*condition, *situation));
                self.situations.insert(*situation);
            }
            Event::SidecarStatus {
                sidecar_id, status, ..
            } => {
                if *status == SidecarStatus::Active {
                    self.inactive.remove(sidecar_id);
                } else {
                    self.inactive.insert(sidecar_id.clone());
                }
            }
            Event::Broker {
                broker_id,
                under_replicated_partitions,
                request_handler_idle_pct,
                preferred_replica_imbalance,
                ..
            } => {
                if let Some(urp) = under_replicated_partitions {
                    self.under_replicated.insert(*broker_id, *urp);
                }
                if let Some(imbalance) = preferred_replica_imbalance {
                    self.preferred_replica_imbalance
                        .insert(*broker_id, *imbalance);
                }
                if let Some(idle) = request_handler_idle_pct {
                    self.request_idle_pct.insert(*broker_id, *idle);
                }
            }
            Event::Signal {
                sidecar_id,
                request_latency_ms,
                ..
            } => {
                self.latency_ms
                    .insert(sidecar_id.clone(), *request_latency_ms);
            }
            Event::ConsumerLag {
                group, lag_seconds, ..
            } => {
                self.lag_seconds.insert(group.clone(), *lag_seconds);
            }
            Event::Episode {
                sidecar_id,
                outcome: EpisodeOutcome::Healed,
                ..
            } => {
                self.healed.insert(sidecar_id.clone());
            }
            _ => {}
        }
    }

    /// Forgets what happened before the run proper (situations reached, episodes healed),
    /// keeping the current state of every subject.
    pub fn forget_history(&mut self) {
        self.situations.clear();
        self.healed.clear();
    }

    /// Under-replicated partitions over every broker; saturating, since brokers report
    /// the counts over JMX.
    pub fn under_replicated(&self) -> i64 {
        self.under_replicated
            .values()
            .fold(0, |total, n| total.saturating_add(*n))
    }

    /// Every live subject STABLE and nothing under-replicated.
    pub fn all_stable(&self) -> bool {
        let calm = self
            .conditions
            .iter()
            .filter(|(subject, _)| !self.inactive.contains(*subject))
            .all(|(_, (condition, _))| *condition == Condition::Stable);
        calm && self.under_replicated() == 0
    }

    /// Every partition is led by its preferred replica, as far as any controller reports
    /// (true where no broker reports it, like the embedded rehearsal cluster).
    pub fn leadership_preferred(&self) -> bool {
        self.preferred_replica_imbalance.values().all(|n| *n == 0)
    }

    /// The subjects that are not STABLE, for a failure message.
    pub fn unstable(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .conditions
            .iter()
            .filter(|(subject, (condition, _))| {
                !self.inactive.contains(*subject) && *condition != Condition::Stable
            })
            .map(|(subject, (condition, _))| format!("{subject} {condition:?}"))
            .collect();
        if self.under_replicated() > 0 {
            names.push(format!(
                "{} under-replicated partitions",
                self.under_replicated()
            ));
        }
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broker(broker_id: i32, imbalance: Option<i64>) -> Event {
        Event::Broker {
            broker_id,
            reachable: true,
            under_replicated_partitions: Some(0),
            offline_partitions: Some(0),
            active_controller: Some(0),
            request_handler_idle_pct: None,
            network_processor_idle_pct: None,
            preferred_replica_imbalance: imbalance,
        }
    }

    #[test]
    fn leadership_is_preferred_once_every_controller_counts_zero() {
        let mut world = World::default();
        assert!(world.leadership_preferred(), "nothing reported");
        world.apply(&broker(1, Some(2)));
        world.apply(&broker(2, None));
        assert!(!world.leadership_preferred());
        world.apply(&broker(3, Some(0)));
        assert!(!world.leadership_preferred(), "broker 1 still counts 2");
        world.apply(&broker(1, Some(0)));
        assert!(world.leadership_preferred());
    }
}
