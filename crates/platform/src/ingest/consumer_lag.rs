//! Consumer lag per group, every two seconds: per partition, the high watermark minus the
//! committed offset (records), the last stable offset (where read_committed consumers
//! stop), and the timestamp of the oldest uncommitted record (seconds). Each read is made
//! on its own, so one that fails (a leader that does not answer, a coordinator that is
//! away) loses only what it concerns; `state/groups.rs` turns the reads into a reading,
//! which goes through the subject pipeline (`crate::judgement`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use faultline_kafka::ClientSettings;
use faultline_protocol::bounds::TIMESTAMP_MS;
use faultline_protocol::clock::now_ms;
use faultline_protocol::topics;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::{Message, Offset, TopicPartitionList};

use crate::judgement::{ConsumerGroups, Pipeline};
use crate::state::groups::{GroupRead, PartitionLags, PartitionRead, TopicPartition, INTERVAL_MS};
use crate::Context;

const EVERY: Duration = Duration::from_millis(INTERVAL_MS as u64);
/// How soon the next round comes while a group watched for less than
/// [`FIRST_READING_WINDOW`] has no reading yet (its consumers have not committed yet): the
/// dashboard's group card and "all green" wait for the first reading, and a whole interval
/// made rehearsal's start 2 s slower (bench/run, docs/benchmarks.md).
const UNTIL_FIRST_READING: Duration = Duration::from_millis(250);

/// How long after a group is first watched the quick rounds may go on; a group that
/// stays unmeasurable (its coordinator down) is then measured at the normal interval.
const FIRST_READING_WINDOW: Duration = Duration::from_secs(10);

/// Longest wait for any one read (metadata, committed offsets, one partition's offsets).
/// A leader that has not answered by then is marked unreachable for this round.
const TIMEOUT: Duration = Duration::from_secs(3);
/// How long to wait for the records at the committed offsets (their timestamps).
const RECORD_WAIT: Duration = Duration::from_millis(1500);
/// How long a request may go unanswered before librdkafka drops the connection (unless the
/// client properties say otherwise). Its default, 60 s, keeps a cut-off broker's dead
/// connection, and the requests queued on it, for a minute.
const SOCKET_TIMEOUT_MS: &str = "10000";

pub async fn run(ctx: Context) {
    let mut lags: HashMap<String, PartitionLags> = HashMap::new();
    let mut pipeline = Pipeline::<ConsumerGroups>::new(ctx.bus.clone(), ctx.state.clone());
    let mut meter: Option<Meter> = None;
    let mut measured: HashSet<String> = HashSet::new();
    let mut first_watched: HashMap<String, Instant> = HashMap::new();
    let mut tick = tokio::time::interval(EVERY);
    // A round that took longer than the interval is followed by a whole interval, not by a
    // burst of rounds.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        let groups: Vec<String> = ctx.state.groups.read().watched.iter().cloned().collect();
        if groups.is_empty() {
            tick.reset_after(UNTIL_FIRST_READING);
            continue;
        }
        let kafka = ctx.kafka.clone();
        let taken = meter.take();
        let asked = groups.clone();
        let round = tokio::task::spawn_blocking(move || {
            let mut meter = match taken {
                Some(meter) => meter,
                None => Meter::new(&kafka)?,
            };
            let reads = meter.round(&asked);
            Ok::<_, String>((meter, reads))
        });
        let outcome = tokio::select! {
            _ = ctx.cancel.cancelled() => return,
            outcome = round => outcome,
        };
        let reads = match outcome {
            Ok(Ok((kept, reads))) => {
                meter = Some(kept);
                reads
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot create the clients that measure lag");
                continue;
            }
            Err(error) => {
                tracing::warn!(%error, "measuring lag failed");
                continue;
            }
        };
        let now = now_ms();
        for (group, read) in reads {
            if let GroupRead::Failed(reason) = &read {
                tracing::debug!(%group, %reason, "cannot read committed offsets");
            }
            let lag = lags.entry(group.clone()).or_default();
            if let Some(reading) = lag.fold(&group, read, now) {
                pipeline.observe(reading);
                measured.insert(group);
            }
        }
        let waiting_for_first = groups.iter().any(|g| {
            let since = *first_watched.entry(g.clone()).or_insert_with(Instant::now);
            !measured.contains(g) && since.elapsed() < FIRST_READING_WINDOW
        });
        if waiting_for_first {
            tick.reset_after(UNTIL_FIRST_READING);
        }
    }
}

/// A partition and its leader in the cluster metadata (None without one).
type Topology = Vec<(TopicPartition, Option<i32>)>;

/// A partition's high watermark and last stable offset, each read or why not.
type EndOffsets = (Result<i64, String>, Result<i64, String>);

/// The clients that measure lag, kept from round to round so their connections and
/// metadata stay warm. Blocking calls: use it off the async workers.
struct Meter {
    kafka: ClientSettings,
    /// read_uncommitted: cluster metadata and high watermarks.
    high: BaseConsumer,
    /// read_committed: last stable offsets.
    stable: BaseConsumer,
    /// One client per group (its `group.id`), for that group's committed offsets.
    groups: HashMap<String, BaseConsumer>,
    /// The last metadata read, used while no broker answers a metadata request.
    topology: Option<Topology>,
}

impl Meter {
    fn new(kafka: &ClientSettings) -> Result<Self, String> {
        Ok(Self {
            kafka: kafka.clone(),
            high: client(kafka, "faultline-lag-meter", "read_uncommitted")?,
            stable: client(kafka, "faultline-lag-meter", "read_committed")?,
            groups: HashMap::new(),
            topology: None,
        })
    }

    /// One round: every group's reads, in the order given.
    fn round(&mut self, groups: &[String]) -> Vec<(String, GroupRead)> {
        for group in groups {
            if !self.groups.contains_key(group) {
                match client(&self.kafka, group, "read_uncommitted") {
                    Ok(consumer) => {
                        self.groups.insert(group.clone(), consumer);
                    }
                    Err(error) => tracing::warn!(%group, %error, "cannot create a lag client"),
                }
            }
        }
        for consumer in [&self.high, &self.stable]
            .into_iter()
            .chain(self.groups.values())
        {
            drain(consumer);
        }
        match self.high.fetch_metadata(None, TIMEOUT) {
            Ok(metadata) => self.topology = Some(topology(&metadata)),
            Err(error) => tracing::debug!(%error, "cluster metadata unreadable; using the last"),
        }
        let Some(topology) = self.topology.clone() else {
            let reason = "the cluster metadata could not be read".to_owned();
            return groups
                .iter()
                .map(|g| (g.clone(), GroupRead::Failed(reason.clone())))
                .collect();
        };
        let committed = self.committed(groups, &topology);
        let wanted: HashSet<&TopicPartition> = committed
            .values()
            .filter_map(|c| c.as_ref().ok())
            .flat_map(|offsets| offsets.keys())
            .collect();
        let offsets = self.offsets(&topology, &wanted);
        let leaders: HashMap<&TopicPartition, Option<i32>> =
            topology.iter().map(|(at, leader)| (at, *leader)).collect();
        let oldest = self.oldest(&committed, &offsets);
        groups
            .iter()
            .map(|group| {
                let read = match committed.get(group) {
                    Some(Ok(offsets_of_group)) => GroupRead::Partitions(
                        offsets_of_group
                            .iter()
                            .map(|(at, committed)| {
                                let (high_watermark, last_stable_offset) =
                                    offsets.get(at).cloned().unwrap_or_else(|| {
                                        let missing = "not in the cluster metadata".to_owned();
                                        (Err(missing.clone()), Err(missing))
                                    });
                                PartitionRead {
                                    at: at.clone(),
                                    leader: leaders.get(at).copied().flatten(),
                                    committed: *committed,
                                    high_watermark,
                                    last_stable_offset,
                                    oldest_ms: oldest.get(group).and_then(|o| o.get(at)).copied(),
                                }
                            })
                            .collect(),
                    ),
                    Some(Err(reason)) => GroupRead::Failed(reason.clone()),
                    None => GroupRead::Failed("no client for this group".to_owned()),
                };
                (group.clone(), read)
            })
            .collect()
    }

    /// Each group's committed offsets over every partition of the topology, read side by
    /// side (each group's coordinator may be a different broker).
    fn committed(
        &self,
        groups: &[String],
        topology: &Topology,
    ) -> HashMap<String, Result<BTreeMap<TopicPartition, i64>, String>> {
        let mut all = TopicPartitionList::new();
        for (at, _) in topology {
            all.add_partition(&at.topic, at.partition);
        }
        std::thread::scope(|scope| {
            let reads: Vec<_> = groups
                .iter()
                .filter_map(|group| Some((group, self.groups.get(group)?)))
                .map(|(group, consumer)| {
                    let all = all.clone();
                    (group, scope.spawn(move || committed_offsets(consumer, all)))
                })
                .collect();
            reads
                .into_iter()
                .map(|(group, read)| {
                    let read = read
                        .join()
                        .unwrap_or_else(|_| Err("reading committed offsets panicked".to_owned()));
                    (group.clone(), read)
                })
                .collect()
        })
    }

    /// High watermark and last stable offset of each wanted partition: one thread per
    /// leader, so a leader that does not answer holds up only its own partitions; after
    /// its first timeout the rest of its partitions are not asked this round.
    fn offsets(
        &self,
        topology: &Topology,
        wanted: &HashSet<&TopicPartition>,
    ) -> HashMap<TopicPartition, EndOffsets> {
        let mut by_leader: BTreeMap<i32, Vec<&TopicPartition>> = BTreeMap::new();
        let mut offsets = HashMap::new();
        for (at, leader) in topology {
            if !wanted.contains(at) {
                continue;
            }
            match leader {
                Some(leader) => by_leader.entry(*leader).or_default().push(at),
                None => {
                    let reason = "the partition has no leader".to_owned();
                    offsets.insert(at.clone(), (Err(reason.clone()), Err(reason)));
                }
            }
        }
        std::thread::scope(|scope| {
            let reads: Vec<_> = by_leader
                .into_iter()
                .map(|(leader, partitions)| {
                    scope.spawn(move || self.offsets_of_leader(leader, &partitions))
                })
                .collect();
            for read in reads {
                match read.join() {
                    Ok(read) => offsets.extend(read),
                    Err(_) => tracing::warn!("reading partition offsets panicked"),
                }
            }
        });
        offsets
    }

    fn offsets_of_leader(
        &self,
        leader: i32,
        partitions: &[&TopicPartition],
    ) -> Vec<(TopicPartition, EndOffsets)> {
        let mut offsets = Vec::with_capacity(partitions.len());
        let mut unreachable: Option<String> = None;
        for at in partitions {
            if let Some(reason) = &unreachable {
                offsets.push(((*at).clone(), (Err(reason.clone()), Err(reason.clone()))));
                continue;
            }
            let mut read = |consumer: &BaseConsumer, what: &str| {
                let end = end_offset(consumer, at, leader, what);
                if let Err(EndOffsetError::Unreachable(reason)) = &end {
                    unreachable = Some(reason.clone());
                }
                end.map_err(String::from)
            };
            let high = read(&self.high, "high watermark");
            let stable = match &high {
                Ok(_) => read(&self.stable, "last stable offset"),
                Err(reason) => Err(reason.clone()),
            };
            offsets.push(((*at).clone(), (high, stable)));
        }
        offsets
    }

    /// The timestamp of the record at each group's committed offset, where the group is
    /// behind; groups side by side. A record that does not arrive in time leaves its
    /// partition without one.
    fn oldest(
        &self,
        committed: &HashMap<String, Result<BTreeMap<TopicPartition, i64>, String>>,
        offsets: &HashMap<TopicPartition, EndOffsets>,
    ) -> HashMap<String, HashMap<TopicPartition, i64>> {
        std::thread::scope(|scope| {
            let reads: Vec<_> = committed
                .iter()
                .filter_map(|(group, read)| Some((group, read.as_ref().ok()?)))
                .map(|(group, committed)| {
                    let behind: Vec<(TopicPartition, i64)> = committed
                        .iter()
                        .filter(|(at, position)| {
                            matches!(offsets.get(*at), Some((Ok(high), _)) if high > *position)
                        })
                        .map(|(at, position)| (at.clone(), *position))
                        .collect();
                    let kafka = &self.kafka;
                    (
                        group,
                        scope.spawn(move || record_timestamps(kafka, &behind)),
                    )
                })
                .collect();
            reads
                .into_iter()
                .map(|(group, read)| {
                    let timestamps = match read.join() {
                        Ok(Ok(timestamps)) => timestamps,
                        Ok(Err(error)) => {
                            tracing::debug!(%group, %error, "cannot read record timestamps");
                            HashMap::new()
                        }
                        Err(_) => HashMap::new(),
                    };
                    (group.clone(), timestamps)
                })
                .collect()
        })
    }
}

/// A consumer that never joins its group: it only asks. `isolation` decides which end
/// offset ListOffsets answers with (read_uncommitted: the high watermark; read_committed:
/// the last stable offset).
fn client(kafka: &ClientSettings, group: &str, isolation: &str) -> Result<BaseConsumer, String> {
    let mut config: ClientConfig = kafka.client_config();
    config
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("isolation.level", isolation);
    if config.get("socket.timeout.ms").is_none() {
        config.set("socket.timeout.ms", SOCKET_TIMEOUT_MS);
    }
    config
        .create()
        .map_err(|e| format!("cannot create a Kafka client for group {group}: {e}"))
}

/// Serves a client's queued events (connection errors, logs), which otherwise pile up in
/// a client that never consumes.
fn drain(consumer: &BaseConsumer) {
    for _ in 0..1000 {
        match consumer.poll(Duration::ZERO) {
            None => return,
            Some(Err(error)) => tracing::trace!(%error, "lag client event"),
            Some(Ok(_)) => {}
        }
    }
}

/// Every partition of the workloads' topics, with its leader; Faultline's own topics and
/// Kafka's internal ones are not anyone's lag.
fn topology(metadata: &rdkafka::metadata::Metadata) -> Topology {
    let mut partitions = Vec::new();
    for topic in metadata.topics() {
        let own = topics::ALL.iter().any(|t| t.name == topic.name());
        if own || topic.name().starts_with("__") {
            continue;
        }
        for partition in topic.partitions() {
            let leader = Some(partition.leader()).filter(|id| *id >= 0);
            partitions.push((
                TopicPartition {
                    topic: topic.name().to_owned(),
                    partition: partition.id(),
                },
                leader,
            ));
        }
    }
    partitions
}

fn committed_offsets(
    consumer: &BaseConsumer,
    all: TopicPartitionList,
) -> Result<BTreeMap<TopicPartition, i64>, String> {
    let committed = consumer
        .committed_offsets(all, TIMEOUT)
        .map_err(|e| format!("committed offsets could not be read: {e}"))?;
    Ok(committed
        .elements()
        .iter()
        .filter_map(|element| match element.offset() {
            Offset::Offset(position) => Some((
                TopicPartition {
                    topic: element.topic().to_owned(),
                    partition: element.partition(),
                },
                position,
            )),
            _ => None,
        })
        .collect())
}

enum EndOffsetError {
    /// The leader did not answer: its other partitions will not either.
    Unreachable(String),
    /// This partition alone could not be read.
    Failed(String),
}

impl From<EndOffsetError> for String {
    fn from(error: EndOffsetError) -> Self {
        match error {
            EndOffsetError::Unreachable(reason) | EndOffsetError::Failed(reason) => reason,
        }
    }
}

/// The end offset of one partition as `consumer`'s isolation level sees it.
fn end_offset(
    consumer: &BaseConsumer,
    at: &TopicPartition,
    leader: i32,
    what: &str,
) -> Result<i64, EndOffsetError> {
    match consumer.fetch_watermarks(&at.topic, at.partition, TIMEOUT) {
        Ok((_, end)) => Ok(end),
        Err(error) if unreachable(&error) => Err(EndOffsetError::Unreachable(format!(
            "leader broker {leader} did not answer within {} s",
            TIMEOUT.as_secs()
        ))),
        Err(error) => Err(EndOffsetError::Failed(format!(
            "its {what} could not be read: {error}"
        ))),
    }
}

fn unreachable(error: &KafkaError) -> bool {
    matches!(
        error.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::OperationTimedOut
                | RDKafkaErrorCode::RequestTimedOut
                | RDKafkaErrorCode::BrokerTransportFailure
                | RDKafkaErrorCode::AllBrokersDown
                | RDKafkaErrorCode::BrokerNotAvailable
                | RDKafkaErrorCode::NetworkException
        )
    )
}

/// Timestamps (ms since the epoch) of the records at these positions (the next ones the
/// group will read), read_uncommitted so that an open transaction's first record counts.
fn record_timestamps(
    kafka: &ClientSettings,
    positions: &[(TopicPartition, i64)],
) -> Result<HashMap<TopicPartition, i64>, String> {
    let mut found = HashMap::new();
    if positions.is_empty() {
        return Ok(found);
    }
    let reader = client(kafka, "faultline-lag-reader", "read_uncommitted")?;
    let mut assignment = TopicPartitionList::new();
    for (at, offset) in positions {
        assignment
            .add_partition_offset(&at.topic, at.partition, Offset::Offset(*offset))
            .map_err(|e| format!("cannot assign {at} at {offset}: {e}"))?;
    }
    reader
        .assign(&assignment)
        .map_err(|e| format!("cannot assign the lag reader: {e}"))?;
    let mut seen = HashSet::new();
    let deadline = Instant::now() + RECORD_WAIT;
    while seen.len() < positions.len() && Instant::now() < deadline {
        let Some(Ok(record)) = reader.poll(Duration::from_millis(100)) else {
            continue;
        };
        let at = TopicPartition {
            topic: record.topic().to_owned(),
            partition: record.partition(),
        };
        if seen.insert(at.clone()) {
            // A workload's record timestamp is its producer's clock: an absurd one (before
            // 2000, after 2100) says nothing about age.
            if let Some(ts) = record
                .timestamp()
                .to_millis()
                .filter(|ts| TIMESTAMP_MS.contains(*ts))
            {
                found.insert(at, ts);
            }
        }
    }
    Ok(found)
}
