//! Kafka's replication as rehearsal plays it. librdkafka's mock brokers share one log per
//! partition and never move leadership by themselves, so this model decides who leads what
//! and what is under-replicated, the way Kafka's controller and brokers would; the embedded
//! cluster's thread applies the leader changes it returns to the mock.
//!
//! - Every partition has replicas on `min(3, brokers)` brokers. The first is its preferred
//!   leader; first replicas go round the brokers, each topic starting one broker further,
//!   so leadership is spread as Kafka's replica assignment spreads it.
//! - A broker that goes down leaves every in-sync replica set (ISR), except as the last
//!   member (as in Kafka); each partition it led elects the first replica, in assignment
//!   order, that is in sync on a live broker, or has no leader (offline) if there is none.
//! - A partition whose ISR is smaller than its replicas is under-replicated, counted on its
//!   leader (Kafka's UnderReplicatedPartitions).
//! - A broker that comes back leads at once the partitions it was the last in-sync replica
//!   of. Its other replicas rejoin their ISRs only once it has caught up, `CATCH_UP` after it
//!   came back: the mock's replicas share the leader's log, so there is nothing to copy,
//!   and this stands for a follower fetching what it missed.
//! - Every `REBALANCE_EVERY`, leadership returns to every preferred replica that is live and
//!   in sync (Kafka's automatic preferred leader election).
//! - A consumer group's coordinator is, in Kafka, the leader of the group's partition of
//!   `__consumer_offsets`. The embedded cluster has no such topic (the mock hashes each
//!   group to a fixed broker), so each group the environment uses gets a partition of its
//!   own in the model, placed after the topics', and its coordinator follows that
//!   partition's leadership. These partitions count in no figure: clients see no topic.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::environments::ReplicationReading;

/// How long a broker that came back takes to rejoin the in-sync replica sets: long enough
/// for the dashboard to show its followers catching up, short next to a scenario's
/// recovery deadline.
pub const CATCH_UP: Duration = Duration::from_secs(3);

/// How often leadership moves back to preferred replicas. The local stack's brokers run
/// with `leader.imbalance.check.interval.seconds=5`; rehearsal does the same.
pub const REBALANCE_EVERY: Duration = Duration::from_secs(5);

/// Replicas per partition, where there are that many brokers.
const REPLICATION_FACTOR: usize = 3;

/// What a leader leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A partition of one of the cluster's topics.
    Partition { topic: String, partition: i32 },
    /// The offsets partition of a consumer group, whose leader is the group's coordinator.
    Coordinator { group: String },
}

/// A new leader, for the embedded cluster to apply; `None` leaves the partition without
/// one (offline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderChange {
    pub placement: Placement,
    pub leader: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Up, and its replicas follow their leaders.
    InSync,
    Down,
    /// Up again; its replicas rejoin the ISRs at this instant.
    CatchingUp {
        until: Instant,
    },
}

#[derive(Debug)]
struct Partition {
    placement: Placement,
    /// Broker ids in assignment order; the first is the preferred leader.
    replicas: Vec<i32>,
    /// The in-sync replicas, in assignment order; a subset of `replicas`.
    isr: Vec<i32>,
    leader: Option<i32>,
}

impl Partition {
    fn change(&self) -> LeaderChange {
        LeaderChange {
            placement: self.placement.clone(),
            leader: self.leader,
        }
    }

    /// Whether it is a partition clients see (and Kafka's figures count here).
    fn of_topic(&self) -> bool {
        matches!(self.placement, Placement::Partition { .. })
    }

    fn preferred(&self) -> Option<i32> {
        self.replicas.first().copied()
    }

    fn under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }
}

/// Leadership and in-sync replicas of every partition of the embedded cluster's topics, and
/// of its groups' offsets partitions.
#[derive(Debug)]
pub struct Replication {
    partitions: Vec<Partition>,
    brokers: BTreeMap<i32, Phase>,
    next_rebalance: Instant,
}

impl Replication {
    /// Brokers `1..=brokers`, each topic `(name, partitions)` and then each consumer group
    /// assigned as the module says, every partition led by its preferred replica and fully
    /// in sync.
    pub fn new(brokers: i32, topics: &[(String, i32)], groups: &[String], now: Instant) -> Self {
        let ids: Vec<i32> = (1..=brokers).collect();
        let factor = ids.len().min(REPLICATION_FACTOR);
        let replicas = |first: usize| -> Vec<i32> {
            (0..factor).map(|i| ids[(first + i) % ids.len()]).collect()
        };
        let mut placements = Vec::new();
        for (offset, (topic, count)) in topics.iter().enumerate() {
            for partition in 0..*count {
                let placement = Placement::Partition {
                    topic: topic.clone(),
                    partition,
                };
                placements.push((placement, replicas(offset + partition as usize)));
            }
        }
        for (offset, group) in groups.iter().enumerate() {
            let placement = Placement::Coordinator {
                group: group.clone(),
            };
            placements.push((placement, replicas(topics.len() + offset)));
        }
        let partitions = placements
            .into_iter()
            .map(|(placement, replicas)| Partition {
                placement,
                leader: replicas.first().copied(),
                isr: replicas.clone(),
                replicas,
            })
            .collect();
        Self {
            partitions,
            brokers: ids.into_iter().map(|id| (id, Phase::InSync)).collect(),
            next_rebalance: now + REBALANCE_EVERY,
        }
    }

    /// Every partition's leader now: what the embedded cluster sets at start.
    pub fn leaders(&self) -> Vec<LeaderChange> {
        self.partitions.iter().map(Partition::change).collect()
    }

    /// A broker left the cluster (crashed or stopped). Returns the partitions whose leader
    /// changed; nothing for a broker it does not have or one already down.
    pub fn broker_down(&mut self, broker: i32) -> Vec<LeaderChange> {
        match self.brokers.get_mut(&broker) {
            Some(phase) if *phase != Phase::Down => *phase = Phase::Down,
            _ => return Vec::new(),
        }
        let mut changes = Vec::new();
        for partition in &mut self.partitions {
            if partition.isr.len() > 1 {
                partition.isr.retain(|r| *r != broker);
            }
            if partition.leader == Some(broker) {
                partition.leader = partition
                    .isr
                    .iter()
                    .copied()
                    .find(|r| self.brokers.get(r) == Some(&Phase::InSync));
                changes.push(partition.change());
            }
        }
        changes
    }

    /// A broker that was down is back at `now`. It leads at once the offline partitions it
    /// was the last in-sync replica of (returned); its other replicas catch up first.
    pub fn broker_up(&mut self, broker: i32, now: Instant) -> Vec<LeaderChange> {
        match self.brokers.get_mut(&broker) {
            Some(phase) if *phase == Phase::Down => {
                *phase = Phase::CatchingUp {
                    until: now + CATCH_UP,
                }
            }
            _ => return Vec::new(),
        }
        let mut changes = Vec::new();
        for partition in &mut self.partitions {
            if partition.leader.is_none() && partition.isr.contains(&broker) {
                partition.leader = Some(broker);
                changes.push(partition.change());
            }
        }
        changes
    }

    /// Moves time on to `now`: brokers that have caught up rejoin the ISRs of partitions
    /// with a leader, and at each rebalance leadership returns to preferred replicas that
    /// are live and in sync. Returns the partitions whose leader changed.
    pub fn tick(&mut self, now: Instant) -> Vec<LeaderChange> {
        for phase in self.brokers.values_mut() {
            if matches!(*phase, Phase::CatchingUp { until } if until <= now) {
                *phase = Phase::InSync;
            }
        }
        let in_sync = |broker: &i32| self.brokers.get(broker) == Some(&Phase::InSync);
        for partition in &mut self.partitions {
            if partition.leader.is_some() {
                let isr = &partition.isr;
                partition.isr = partition
                    .replicas
                    .iter()
                    .copied()
                    .filter(|r| isr.contains(r) || in_sync(r))
                    .collect();
            }
        }
        let mut changes = Vec::new();
        if now >= self.next_rebalance {
            self.next_rebalance = now + REBALANCE_EVERY;
            for partition in &mut self.partitions {
                let Some(preferred) = partition.preferred() else {
                    continue;
                };
                if partition.leader != Some(preferred)
                    && partition.isr.contains(&preferred)
                    && in_sync(&preferred)
                {
                    partition.leader = Some(preferred);
                    changes.push(partition.change());
                }
            }
        }
        changes
    }

    /// What a broker would report over JMX: the partitions it leads that are
    /// under-replicated, and the cluster's partitions led away from their preferred replica
    /// (every broker here counts as a controller, as on the local stack). None for a broker
    /// that is down or unknown.
    pub fn reading(&self, broker: i32) -> Option<ReplicationReading> {
        match self.brokers.get(&broker) {
            None | Some(Phase::Down) => return None,
            Some(_) => {}
        }
        let count = |keep: &dyn Fn(&Partition) -> bool| {
            self.partitions
                .iter()
                .filter(|p| p.of_topic() && keep(p))
                .count() as i64
        };
        Some(ReplicationReading {
            under_replicated_partitions: count(&|p| {
                p.leader == Some(broker) && p.under_replicated()
            }),
            preferred_replica_imbalance: count(&|p| p.leader != p.preferred()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two topics and a group like rehearsal's: three and six partitions, and the group's
    /// offsets partition, over three brokers.
    fn cluster(now: Instant) -> Replication {
        Replication::new(
            3,
            &[("signals".to_owned(), 3), ("demo".to_owned(), 6)],
            &["readers".to_owned()],
            now,
        )
    }

    /// `("demo-3", leader)` for a partition, `("group readers", leader)` for a coordinator.
    fn named(changes: Vec<LeaderChange>) -> Vec<(String, Option<i32>)> {
        changes
            .into_iter()
            .map(|c| {
                let name = match c.placement {
                    Placement::Partition { topic, partition } => format!("{topic}-{partition}"),
                    Placement::Coordinator { group } => format!("group {group}"),
                };
                (name, c.leader)
            })
            .collect()
    }

    fn leader(model: &Replication, name: &str) -> Option<i32> {
        named(model.leaders())
            .into_iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, leader)| leader)
    }

    fn urp(model: &Replication, broker: i32) -> Option<i64> {
        model.reading(broker).map(|r| r.under_replicated_partitions)
    }

    fn imbalance(model: &Replication) -> i64 {
        model
            .reading(1)
            .or_else(|| model.reading(2))
            .or_else(|| model.reading(3))
            .map(|r| r.preferred_replica_imbalance)
            .expect("some broker is up")
    }

    #[test]
    fn leadership_starts_spread_over_the_preferred_replicas() {
        let model = cluster(Instant::now());
        let leaders: Vec<Option<i32>> = model.leaders().iter().map(|c| c.leader).collect();
        // Each topic (then the group) starts one broker further; every broker leads three
        // of the nine partitions, and broker-3 coordinates the group.
        assert_eq!(
            leaders,
            [1, 2, 3, 2, 3, 1, 2, 3, 1, 3].map(Some).to_vec(),
            "{leaders:?}"
        );
        for broker in 1..=3 {
            assert_eq!(
                model.reading(broker),
                Some(ReplicationReading {
                    under_replicated_partitions: 0,
                    preferred_replica_imbalance: 0,
                })
            );
        }
    }

    #[test]
    fn a_downed_broker_hands_its_leadership_to_the_next_in_sync_replica() {
        let now = Instant::now();
        let mut model = cluster(now);
        // broker-2 led signals-1, demo-0 and demo-3; replicas go 2, 3, 1, so broker-3 takes
        // them.
        assert_eq!(
            named(model.broker_down(2)),
            [("signals-1", 3), ("demo-0", 3), ("demo-3", 3)]
                .map(|(n, l)| (n.to_owned(), Some(l)))
                .to_vec()
        );
        assert!(model.leaders().iter().all(|c| c.leader != Some(2)));
        assert_eq!(urp(&model, 2), None, "a down broker reports nothing");
        // Every partition has a replica on broker-2: all nine are under-replicated, each
        // counted once, on its leader (the group's offsets partition is not counted).
        assert_eq!(urp(&model, 1), Some(3));
        assert_eq!(urp(&model, 3), Some(6));
        assert_eq!(imbalance(&model), 3);
        assert!(model.broker_down(2).is_empty(), "already down");
    }

    #[test]
    fn a_coordinator_moves_with_its_offsets_partition() {
        let start = Instant::now();
        let mut model = cluster(start);
        let moved = named(model.broker_down(3));
        assert!(
            moved.contains(&("group readers".to_owned(), Some(1))),
            "{moved:?}"
        );
        model.broker_up(3, start);
        model.tick(start + CATCH_UP);
        let back = named(model.tick(start + REBALANCE_EVERY));
        assert!(
            back.contains(&("group readers".to_owned(), Some(3))),
            "{back:?}"
        );
    }

    #[test]
    fn a_returning_broker_is_under_replicated_until_caught_up_then_leads_again() {
        let start = Instant::now();
        let mut model = cluster(start);
        model.broker_down(2);
        let back = start + Duration::from_secs(20);
        assert!(model.broker_up(2, back).is_empty(), "nothing was offline");
        assert_eq!(urp(&model, 2), Some(0), "up, leading nothing");
        // Catching up: still out of the ISRs, and no rebalance may hand it leadership.
        let changes = model.tick(back + CATCH_UP - Duration::from_millis(1));
        assert!(changes.is_empty(), "{changes:?}");
        assert_eq!(urp(&model, 1), Some(3));
        assert_eq!(urp(&model, 3), Some(6));
        // Caught up: replication is whole, but broker-3 still leads broker-2's partitions
        // until the next rebalance.
        let caught_up = back + CATCH_UP;
        assert!(model.tick(caught_up).is_empty());
        assert_eq!((urp(&model, 1), urp(&model, 3)), (Some(0), Some(0)));
        assert_eq!(imbalance(&model), 3);
        let changes = model.tick(caught_up + REBALANCE_EVERY);
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert!(changes.iter().all(|c| c.leader == Some(2)));
        assert_eq!(imbalance(&model), 0);
        assert_eq!(leader(&model, "demo-3"), Some(2));
    }

    #[test]
    fn leadership_waits_for_the_rebalance_interval() {
        let start = Instant::now();
        let mut model = cluster(start);
        model.broker_down(1);
        model.broker_up(1, start);
        assert!(
            model.tick(start + CATCH_UP).is_empty(),
            "first rebalance at 5 s"
        );
        assert_eq!(imbalance(&model), 3);
        assert_eq!(model.tick(start + REBALANCE_EVERY).len(), 3);
        assert_eq!(imbalance(&model), 0);
    }

    #[test]
    fn with_no_in_sync_replica_left_a_partition_goes_offline_until_the_last_one_returns() {
        let start = Instant::now();
        let mut model = cluster(start);
        model.broker_down(1);
        model.broker_down(2);
        assert_eq!(urp(&model, 3), Some(9), "broker-3 leads everything, alone");
        let changes = model.broker_down(3);
        assert_eq!(changes.len(), 10, "nine partitions and the group's");
        assert!(changes.iter().all(|c| c.leader.is_none()));
        // broker-1 went first; it is in no ISR and cannot lead.
        assert!(model.broker_up(1, start).is_empty());
        assert!(
            model.tick(start + CATCH_UP).is_empty(),
            "no leader to follow"
        );
        // broker-3 was the last in sync everywhere: it leads at once, and broker-1 (caught
        // up) rejoins the ISRs as soon as there is a leader to follow.
        let changes = model.broker_up(3, start + CATCH_UP);
        assert_eq!(changes.len(), 10);
        assert!(changes.iter().all(|c| c.leader == Some(3)));
        model.tick(start + CATCH_UP);
        assert_eq!(urp(&model, 3), Some(9), "broker-2 is still down");
        assert_eq!(urp(&model, 1), Some(0));
    }

    #[test]
    fn unknown_brokers_change_nothing() {
        let now = Instant::now();
        let mut model = cluster(now);
        assert!(model.broker_down(4).is_empty());
        assert!(model.broker_down(-1).is_empty());
        assert!(model.broker_up(0, now).is_empty());
        assert_eq!(model.reading(4), None);
        assert_eq!(urp(&model, 1), Some(0));
    }

    #[test]
    fn a_single_broker_has_one_replica_and_no_under_replication() {
        let now = Instant::now();
        let mut model = Replication::new(1, &[("demo".to_owned(), 2)], &[], now);
        assert_eq!(urp(&model, 1), Some(0));
        let changes = model.broker_down(1);
        assert!(changes.iter().all(|c| c.leader.is_none()));
        let changes = model.broker_up(1, now);
        assert!(changes.iter().all(|c| c.leader == Some(1)));
        assert_eq!(urp(&model, 1), Some(0));
    }
}
