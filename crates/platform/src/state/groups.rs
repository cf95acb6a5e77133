//! Consumer groups the platform watches and their lag: the rules that turn one round of
//! per-partition reads into a group's reading (which partitions count, which are unknown,
//! when a reading is stale, where a group waits behind an open transaction). Pure data
//! with explicit clocks; `ingest/consumer_lag.rs` does the reading.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::readings::LagReading;
use super::Table;
use crate::wire::{GroupLag, StuckPartition, UnknownPartition};

/// How often each watched group is measured, ms.
pub const INTERVAL_MS: i64 = 2_000;
/// A partition's reading counts for three intervals after it was made; after that its lag
/// is unknown, and a group with no partition left is stale.
pub const STALE_AFTER_MS: i64 = 3 * INTERVAL_MS;
/// How long a group must sit at the last stable offset, behind an open transaction, before
/// it is called stuck (ms). Transactions normally end within a second.
pub const STUCK_AFTER_MS: i64 = 10_000;
/// Partitions named in a sentence before the rest are only counted.
const NAMED_IN_SENTENCE: usize = 6;

/// One partition of a topic, written `topic-partition` as Kafka's tools do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// What one round read about one partition a group has a committed offset for. A failed
/// read carries its reason as a sentence fragment ("leader broker 2 did not answer within
/// 3 s").
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionRead {
    pub at: TopicPartition,
    /// The partition's leader in the cluster metadata, None without one.
    pub leader: Option<i32>,
    /// The group's committed offset (the next record it will read).
    pub committed: i64,
    /// The offset after the last record written (ListOffsets latest, read_uncommitted).
    pub high_watermark: Result<i64, String>,
    /// The offset of the first record of the oldest open transaction, or the high
    /// watermark when none is open (ListOffsets latest, read_committed).
    pub last_stable_offset: Result<i64, String>,
    /// Timestamp (ms since the epoch) of the record at `committed`, when it was read.
    pub oldest_ms: Option<i64>,
}

/// One round of reads for one group.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupRead {
    /// The committed offsets were read: one entry per partition with a committed offset.
    Partitions(Vec<PartitionRead>),
    /// The committed offsets (or the cluster metadata) could not be read: why.
    Failed(String),
}

/// A partition's last successful read.
#[derive(Debug, Clone, PartialEq)]
struct Measured {
    committed: i64,
    high_watermark: i64,
    last_stable_offset: Option<i64>,
    oldest_ms: Option<i64>,
    at_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Remembered {
    leader: Option<i32>,
    measured: Option<Measured>,
    /// Why the latest read failed; None after a success.
    failure: Option<String>,
    /// The last stable offset the group sits at behind an open transaction, and since when.
    waiting: Option<(i64, i64)>,
}

/// One group's partitions between rounds: each keeps its last good reading, so one failed
/// read loses only what it concerns, and only for as long as the reading is young enough.
#[derive(Debug, Default)]
pub struct PartitionLags {
    partitions: BTreeMap<TopicPartition, Remembered>,
}

impl PartitionLags {
    /// Folds one round into the group's reading at `now_ms`. None while the group has no
    /// committed offset at all (nothing to measure, nothing to say).
    pub fn fold(&mut self, group: &str, read: GroupRead, now_ms: i64) -> Option<LagReading> {
        match read {
            GroupRead::Partitions(reads) => {
                let current: BTreeSet<&TopicPartition> = reads.iter().map(|r| &r.at).collect();
                // Offsets the group no longer has (a deleted topic, expired offsets) are gone.
                self.partitions.retain(|at, _| current.contains(at));
                for read in reads {
                    let remembered = self.partitions.entry(read.at.clone()).or_default();
                    remembered.update(read, now_ms);
                }
            }
            GroupRead::Failed(reason) => {
                for remembered in self.partitions.values_mut() {
                    remembered.failure = Some(reason.clone());
                }
            }
        }
        if self.partitions.is_empty() {
            return None;
        }
        Some(self.reading(group, now_ms))
    }

    fn reading(&self, group: &str, now_ms: i64) -> LagReading {
        let mut lag_messages: i64 = 0;
        let mut oldest: Option<i64> = None;
        let mut measured_partitions = 0;
        let mut unknown = Vec::new();
        let mut stuck = Vec::new();
        let mut measured_ms: Option<i64> = None;
        for (at, remembered) in &self.partitions {
            if let Some(measured) = &remembered.measured {
                measured_ms = Some(measured_ms.map_or(measured.at_ms, |m| m.max(measured.at_ms)));
            }
            let fresh = remembered
                .measured
                .as_ref()
                .filter(|m| now_ms.saturating_sub(m.at_ms) <= STALE_AFTER_MS);
            let Some(measured) = fresh else {
                unknown.push(UnknownPartition {
                    topic: at.topic.clone(),
                    partition: at.partition,
                    leader: remembered.leader,
                    reason: remembered
                        .failure
                        .clone()
                        .unwrap_or_else(|| "not measured yet".to_owned()),
                });
                continue;
            };
            measured_partitions += 1;
            let behind = measured
                .high_watermark
                .saturating_sub(measured.committed)
                .max(0);
            // Offsets come from the brokers: saturate rather than trust them.
            lag_messages = lag_messages.saturating_add(behind);
            if behind > 0 {
                if let Some(ts) = measured.oldest_ms {
                    oldest = Some(oldest.map_or(ts, |o| o.min(ts)));
                }
            }
            if let Some((stable, since)) = remembered.waiting {
                if now_ms.saturating_sub(since) >= STUCK_AFTER_MS {
                    stuck.push(StuckPartition {
                        topic: at.topic.clone(),
                        partition: at.partition,
                        committed: measured.committed,
                        last_stable_offset: stable,
                        high_watermark: measured.high_watermark,
                        since_ms: since,
                    });
                }
            }
        }
        let lag_seconds = oldest
            .map(|ts| now_ms.saturating_sub(ts).max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        LagReading {
            group: group.to_owned(),
            at_ms: now_ms,
            lag: GroupLag {
                lag_messages,
                lag_seconds,
                partitions: self.partitions.len(),
                measured_partitions,
                unknown_partitions: unknown,
                stuck_partitions: stuck,
                stale: measured_partitions == 0,
                measured_ms,
            },
        }
    }
}

impl Remembered {
    fn update(&mut self, read: PartitionRead, now_ms: i64) {
        self.leader = read.leader;
        let high_watermark = match read.high_watermark {
            Ok(high) => high,
            Err(reason) => {
                self.failure = Some(reason);
                return;
            }
        };
        let previous = self.measured.take();
        // The record at an unchanged committed offset is the same record: its timestamp
        // still holds when this round could not read it.
        let oldest_ms = read.oldest_ms.or_else(|| {
            previous
                .as_ref()
                .filter(|p| p.committed == read.committed)
                .and_then(|p| p.oldest_ms)
        });
        let last_stable_offset = match read.last_stable_offset {
            Ok(stable) => Some(stable),
            Err(_) => previous.as_ref().and_then(|p| p.last_stable_offset),
        };
        self.waiting = match last_stable_offset {
            Some(stable) if stable == read.committed && stable < high_watermark => {
                match self.waiting {
                    Some((before, since)) if before == stable => Some((stable, since)),
                    _ => Some((stable, now_ms)),
                }
            }
            _ => None,
        };
        self.measured = Some(Measured {
            committed: read.committed,
            high_watermark,
            last_stable_offset,
            oldest_ms,
            at_ms: now_ms,
        });
        self.failure = None;
    }
}

/// Partitions named one by one up to a few, then counted: "t-1, t-4 and 3 more".
pub fn name_partitions<'a>(partitions: impl IntoIterator<Item = (&'a str, i32)>) -> String {
    let all: Vec<String> = partitions
        .into_iter()
        .map(|(topic, partition)| format!("{topic}-{partition}"))
        .collect();
    let named = all.len().min(NAMED_IN_SENTENCE);
    let mut text = all[..named].join(", ");
    if all.len() > named {
        text.push_str(&format!(" and {} more", all.len() - named));
    }
    text
}

/// Consumer groups the platform watches: those the environment names and those consumer
/// sidecars report belonging to.
#[derive(Debug, Default)]
pub struct Groups {
    pub watched: BTreeSet<String>,
    /// Each measured group's latest lag, judged.
    pub latest: Table<String, GroupLag>,
}

/// Enough for any demo; a hostile sidecar cannot make the platform watch without end.
pub const MAX_WATCHED_GROUPS: usize = 50;

impl Groups {
    pub fn watch(&mut self, group: &str) {
        if self.watched.len() < MAX_WATCHED_GROUPS && !group.is_empty() {
            self.watched.insert(group.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(partition: i32) -> TopicPartition {
        TopicPartition {
            topic: "t".into(),
            partition,
        }
    }

    fn good(partition: i32, committed: i64, high: i64) -> PartitionRead {
        PartitionRead {
            at: at(partition),
            leader: Some(partition + 1),
            committed,
            high_watermark: Ok(high),
            last_stable_offset: Ok(high),
            oldest_ms: None,
        }
    }

    fn unreachable(partition: i32, committed: i64) -> PartitionRead {
        PartitionRead {
            high_watermark: Err(format!(
                "leader broker {} did not answer within 3 s",
                partition + 1
            )),
            last_stable_offset: Err("not read".into()),
            ..good(partition, committed, 0)
        }
    }

    #[test]
    fn a_partition_whose_leader_is_unreachable_loses_only_its_own_lag_after_three_intervals() {
        let mut lag = PartitionLags::default();
        let reading = lag
            .fold(
                "g",
                GroupRead::Partitions(vec![good(0, 10, 15), good(1, 20, 30)]),
                0,
            )
            .unwrap();
        assert_eq!(
            (reading.lag.lag_messages, reading.lag.measured_partitions),
            (15, 2)
        );

        // Partition 1's leader stops answering. For three intervals its last reading still
        // counts (one slow read is no news); partition 0 keeps being measured.
        let reading = lag
            .fold(
                "g",
                GroupRead::Partitions(vec![good(0, 12, 20), unreachable(1, 20)]),
                2_000,
            )
            .unwrap();
        assert_eq!(reading.lag.lag_messages, 8 + 10);
        assert!(reading.lag.unknown_partitions.is_empty());
        let reading = lag
            .fold(
                "g",
                GroupRead::Partitions(vec![good(0, 14, 20), unreachable(1, 20)]),
                STALE_AFTER_MS,
            )
            .unwrap();
        assert_eq!(reading.lag.lag_messages, 6 + 10);

        // Past that, partition 1 is unknown, named with its leader and the reason, and the
        // figures cover partition 0 alone.
        let reading = lag
            .fold(
                "g",
                GroupRead::Partitions(vec![good(0, 16, 21), unreachable(1, 20)]),
                STALE_AFTER_MS + 2_000,
            )
            .unwrap();
        assert_eq!(
            (
                reading.lag.lag_messages,
                reading.lag.partitions,
                reading.lag.measured_partitions
            ),
            (5, 2, 1)
        );
        assert_eq!(
            reading.lag.unknown_partitions,
            vec![UnknownPartition {
                topic: "t".into(),
                partition: 1,
                leader: Some(2),
                reason: "leader broker 2 did not answer within 3 s".into(),
            }]
        );
        assert!(!reading.lag.stale);
        assert_eq!(reading.lag.measured_ms, Some(STALE_AFTER_MS + 2_000));

        // Its leader answers again: measured again at once.
        let reading = lag
            .fold(
                "g",
                GroupRead::Partitions(vec![good(0, 21, 21), good(1, 30, 30)]),
                STALE_AFTER_MS + 4_000,
            )
            .unwrap();
        assert!(reading.lag.unknown_partitions.is_empty());
        assert_eq!(
            (reading.lag.lag_messages, reading.lag.measured_partitions),
            (0, 2)
        );
    }

    #[test]
    fn without_committed_offsets_every_partition_ages_into_a_stale_reading() {
        let mut lag = PartitionLags::default();
        let mut first = good(0, 10, 40);
        first.oldest_ms = Some(-3_000);
        lag.fold("g", GroupRead::Partitions(vec![first, good(1, 5, 5)]), 0);
        let failed = || GroupRead::Failed("committed offsets could not be read: timed out".into());
        let reading = lag.fold("g", failed(), 4_000).unwrap();
        assert!(!reading.lag.stale, "four seconds old still counts");
        assert_eq!(
            (reading.lag.lag_messages, reading.lag.lag_seconds),
            (30, 7.0)
        );

        let reading = lag.fold("g", failed(), 8_000).unwrap();
        assert!(reading.lag.stale);
        assert_eq!(
            (reading.lag.lag_messages, reading.lag.lag_seconds),
            (0, 0.0),
            "old figures are not counted"
        );
        assert_eq!(
            reading.lag.measured_ms,
            Some(0),
            "the figures' age stays visible"
        );
        assert_eq!(reading.lag.unknown_partitions.len(), 2);
        assert!(reading
            .lag
            .unknown_partitions
            .iter()
            .all(|u| u.reason == "committed offsets could not be read: timed out"));
    }

    #[test]
    fn a_group_never_measured_is_stale_and_a_group_without_offsets_says_nothing() {
        let mut lag = PartitionLags::default();
        assert_eq!(lag.fold("g", GroupRead::Partitions(vec![]), 0), None);
        assert_eq!(lag.fold("g", GroupRead::Failed("x".into()), 0), None);
        let reading = lag
            .fold("g", GroupRead::Partitions(vec![unreachable(0, 3)]), 2_000)
            .unwrap();
        assert!(reading.lag.stale);
        assert_eq!(reading.lag.measured_ms, None);
    }

    #[test]
    fn the_oldest_record_s_timestamp_holds_while_the_committed_offset_stays() {
        let mut lag = PartitionLags::default();
        let mut read = good(0, 10, 20);
        read.oldest_ms = Some(1_000);
        lag.fold("g", GroupRead::Partitions(vec![read]), 2_000);
        // The timestamp read fails this round; the record at offset 10 is still the same.
        let reading = lag
            .fold("g", GroupRead::Partitions(vec![good(0, 10, 25)]), 4_000)
            .unwrap();
        assert_eq!(
            (reading.lag.lag_messages, reading.lag.lag_seconds),
            (15, 3.0)
        );
        // The group moved on: the old timestamp no longer says anything.
        let reading = lag
            .fold("g", GroupRead::Partitions(vec![good(0, 12, 25)]), 6_000)
            .unwrap();
        assert_eq!(reading.lag.lag_seconds, 0.0);
    }

    fn behind_transaction(committed: i64, stable: i64, high: i64) -> PartitionRead {
        PartitionRead {
            last_stable_offset: Ok(stable),
            ..good(0, committed, high)
        }
    }

    #[test]
    fn a_group_at_the_last_stable_offset_behind_an_open_transaction_is_stuck_after_ten_seconds() {
        let mut lag = PartitionLags::default();
        let mut now = 0;
        let mut last = None;
        while now <= STUCK_AFTER_MS {
            last = lag.fold(
                "g",
                GroupRead::Partitions(vec![behind_transaction(0, 0, 201)]),
                now,
            );
            if now < STUCK_AFTER_MS {
                assert!(
                    last.as_ref().unwrap().lag.stuck_partitions.is_empty(),
                    "not yet at {now} ms"
                );
            }
            now += INTERVAL_MS;
        }
        let reading = last.unwrap();
        assert_eq!(
            reading.lag.lag_messages, 201,
            "lag counts records behind the transaction"
        );
        assert_eq!(
            reading.lag.stuck_partitions,
            vec![StuckPartition {
                topic: "t".into(),
                partition: 0,
                committed: 0,
                last_stable_offset: 0,
                high_watermark: 201,
                since_ms: 0,
            }]
        );
        // The transaction ends (an abort marker at 201): the last stable offset moves.
        let reading = lag
            .fold(
                "g",
                GroupRead::Partitions(vec![behind_transaction(0, 202, 202)]),
                now,
            )
            .unwrap();
        assert!(reading.lag.stuck_partitions.is_empty());
        assert_eq!(reading.lag.lag_messages, 202);
    }

    #[test]
    fn a_moving_last_stable_offset_or_a_group_short_of_it_is_not_stuck() {
        let mut lag = PartitionLags::default();
        for step in 0..10 {
            // Transactions keep committing: the last stable offset moves each round.
            let stable = step * 10;
            let reading = lag
                .fold(
                    "g",
                    GroupRead::Partitions(vec![behind_transaction(stable, stable, stable + 5)]),
                    step * INTERVAL_MS,
                )
                .unwrap();
            assert!(reading.lag.stuck_partitions.is_empty());
        }
        let mut lag = PartitionLags::default();
        for step in 0..10 {
            // Readable records lie before the last stable offset: the group is just slow.
            let reading = lag
                .fold(
                    "g",
                    GroupRead::Partitions(vec![behind_transaction(0, 50, 100)]),
                    step * INTERVAL_MS,
                )
                .unwrap();
            assert!(reading.lag.stuck_partitions.is_empty());
        }
    }

    #[test]
    fn a_failed_last_stable_offset_read_keeps_the_wait_going() {
        let mut lag = PartitionLags::default();
        lag.fold(
            "g",
            GroupRead::Partitions(vec![behind_transaction(0, 0, 9)]),
            0,
        );
        let mut blind = behind_transaction(0, 0, 9);
        blind.last_stable_offset = Err("timed out".into());
        lag.fold("g", GroupRead::Partitions(vec![blind]), 6_000);
        let reading = lag
            .fold(
                "g",
                GroupRead::Partitions(vec![behind_transaction(0, 0, 9)]),
                STUCK_AFTER_MS,
            )
            .unwrap();
        assert_eq!(reading.lag.stuck_partitions.len(), 1);
        assert_eq!(reading.lag.stuck_partitions[0].since_ms, 0);
    }

    #[test]
    fn partitions_are_named_up_to_six_then_counted() {
        assert_eq!(name_partitions([("t", 1), ("t", 4)]), "t-1, t-4");
        let many: Vec<(&str, i32)> = (0..9).map(|p| ("t", p)).collect();
        assert_eq!(
            name_partitions(many),
            "t-0, t-1, t-2, t-3, t-4, t-5 and 3 more"
        );
    }
}
