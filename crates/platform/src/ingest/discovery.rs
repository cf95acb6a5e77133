//! Discovery: replays `faultline.sidecars` from the earliest offset on every start, then
//! follows it live; a sweeper turns silent sidecars INACTIVE.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use faultline_kafka::{positions, watermarks};
use faultline_protocol::clock::now_ms;
use faultline_protocol::{decode_registration, topics, Registration, SidecarRecord};
use parking_lot::Mutex;
use rdkafka::consumer::StreamConsumer;
use rdkafka::message::Message;
use rdkafka::Offset;

use super::{consumer_for, read_records, record_ts, reject};
use crate::state::registry::{Arrival, Registry, Transition};
use crate::wire::Event;
use crate::Context;

const TOPIC: &str = topics::SIDECARS.name;

/// How often the replay looks at the consumer's positions while no record arrives: the
/// last offsets of a partition may be transaction markers, which are never handed over.
const POSITION_CHECK: Duration = Duration::from_millis(100);

/// A replay still running after this is logged once, with the partitions it waits for.
const SLOW_REPLAY: Duration = Duration::from_secs(10);

pub async fn run(ctx: Context) {
    let Some(consumer) = consumer_for(&ctx, TOPIC, Offset::Beginning).await else {
        return;
    };
    let started_ms = now_ms();
    let Some(ends) = replay_ends(&ctx, &consumer).await else {
        return;
    };
    let replay = Mutex::new(Replay::new(ends, started_ms));
    replay.lock().check(&ctx, &consumer);
    let reading = read_records(
        &consumer,
        &ctx.cancel,
        POSITION_CHECK,
        |record| {
            let mut replay = replay.lock();
            // Liveness may be judged by the record's timestamp: an absurd one is refused
            // like an absurd number in the message.
            let checked = decode_registration(record.key(), record.payload())
                .and_then(|decoded| Ok((decoded, record_ts(record)?)));
            match checked {
                Ok((decoded, ts)) => {
                    let arrival = replay.arrival(record.partition(), record.offset());
                    match replay.staged.as_mut() {
                        Some(staged) => {
                            apply_to(staged, decoded, ts, arrival);
                        }
                        None => apply(&ctx, decoded, ts, arrival),
                    }
                }
                Err(error) => reject(&ctx, TOPIC, &error),
            }
            replay.records = replay.records.saturating_add(1);
            replay.check(&ctx, &consumer);
        },
        || replay.lock().check(&ctx, &consumer),
    );
    // One task for both, so that a panic in either reaches the supervisor.
    tokio::select! {
        _ = reading => {}
        _ = sweep_loop(&ctx) => {}
    }
}

/// Where the replay ends: each partition's end (high watermark) when reading starts, asked
/// again until the brokers answer; None when the platform stops first.
async fn replay_ends(ctx: &Context, consumer: &Arc<StreamConsumer>) -> Option<Ends> {
    let mut delay = Duration::from_millis(200);
    loop {
        match watermarks(consumer, TOPIC).await {
            Ok(marks) => {
                return Some(Ends {
                    high: marks.iter().map(|m| (m.partition, m.high)).collect(),
                    // A partition with nothing between its watermarks has nothing to
                    // replay, and the consumer will never move in it.
                    pending: marks
                        .iter()
                        .filter(|m| m.high > m.low)
                        .map(|m| (m.partition, m.high))
                        .collect(),
                });
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read where the registration topic ends; asking again")
            }
        }
        tokio::select! {
            _ = ctx.cancel.cancelled() => return None,
            _ = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

struct Ends {
    /// Each partition's end at start: records before it were written before the start.
    high: HashMap<i32, i64>,
    /// The partitions the consumer has yet to read to their end, with that end.
    pending: HashMap<i32, i64>,
}

/// Tracks the replay of the registration topic up to where it ended at start. Replayed
/// records go into a staged registry that replaces the shared one in one step when the
/// replay is complete: a sidecar's old heartbeats never show through (as INACTIVE) before
/// its newest one is read, and every sidecar appears at once. The replay is complete when
/// the consumer's position in every partition has reached that partition's end; the
/// position, unlike the last record handed over, moves past transaction markers.
struct Replay {
    ends: Ends,
    records: u64,
    /// Some until the replay is complete.
    staged: Option<Registry>,
    started: Instant,
    started_ms: i64,
    warned: bool,
}

impl Replay {
    fn new(ends: Ends, started_ms: i64) -> Self {
        Self {
            ends,
            records: 0,
            staged: Some(Registry::default()),
            started: Instant::now(),
            started_ms,
            warned: false,
        }
    }

    /// Replayed when the record lies before its partition's end at start.
    fn arrival(&self, partition: i32, offset: i64) -> Arrival {
        if self
            .ends
            .high
            .get(&partition)
            .is_some_and(|end| offset < *end)
        {
            Arrival::Replayed {
                started_ms: self.started_ms,
            }
        } else {
            Arrival::Live
        }
    }

    /// Finishes the replay once every partition's position has reached its end.
    fn check(&mut self, ctx: &Context, consumer: &StreamConsumer) {
        if self.staged.is_none() {
            return;
        }
        if !self.ends.pending.is_empty() {
            match positions(consumer, TOPIC) {
                Ok(positions) => {
                    for (partition, position) in positions {
                        if self
                            .ends
                            .pending
                            .get(&partition)
                            .is_some_and(|end| position >= *end)
                        {
                            self.ends.pending.remove(&partition);
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot read the replay's positions"),
            }
        }
        if self.ends.pending.is_empty() {
            self.finish(ctx);
        } else if !self.warned && self.started.elapsed() > SLOW_REPLAY {
            self.warned = true;
            let waiting = format!("{:?}", self.ends.pending);
            tracing::warn!(
                partitions_and_ends = %waiting,
                "the registry replay is still reading {TOPIC}"
            );
        }
    }

    fn finish(&mut self, ctx: &Context) {
        let Some(mut staged) = self.staged.take() else {
            return;
        };
        let elapsed_ms = self.started.elapsed().as_millis() as u64;
        let records = self.records;
        // Heartbeats may have stopped while the replay ran.
        staged.sweep(now_ms());
        let found: Vec<_> = staged
            .entries()
            .map(|(id, entry)| {
                let mut transition = Transition::of(id, entry, None);
                // Found by live records read during the replay; logged now.
                transition.conflict_began = entry.id_conflict.is_some();
                (transition, entry.registration.clone())
            })
            .collect();
        let sidecars = found.len();
        *ctx.state.registry.write() = staged;
        for (transition, registration) in found {
            announce(ctx, transition, registration.as_ref());
        }
        {
            let mut progress = ctx.state.discovery.write();
            progress.replayed = true;
            progress.records = records;
            progress.elapsed_ms = Some(elapsed_ms);
        }
        tracing::info!(sidecars, records, elapsed_ms, "registry replayed");
        ctx.bus.publish(Event::DiscoveryReplayed {
            sidecars,
            records,
            elapsed_ms,
        });
    }
}

fn apply_to(
    registry: &mut Registry,
    record: SidecarRecord,
    ts: i64,
    arrival: Arrival,
) -> Option<Transition> {
    let now = now_ms();
    match record {
        SidecarRecord::Registered(registration) => {
            #[cfg(feature = "fault-injection")]
            crate::fault_injection::on_registration(&registration.workload);
            registry.apply_registration(registration, ts, arrival, now)
        }
        SidecarRecord::Tombstone(id) => registry.apply_tombstone(id, ts, arrival, now),
    }
}

fn apply(ctx: &Context, record: SidecarRecord, ts: i64, arrival: Arrival) {
    let mut registry = ctx.state.registry.write();
    let Some(transition) = apply_to(&mut registry, record, ts, arrival) else {
        return;
    };
    let registration = registry
        .get(&transition.id)
        .and_then(|e| e.registration.clone());
    drop(registry);
    announce(ctx, transition, registration.as_ref());
}

/// Turns sidecars whose heartbeats stopped INACTIVE, and ends id conflicts whose second
/// sender went silent, every 250 ms; never ends.
async fn sweep_loop(ctx: &Context) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tick.tick().await;
        let swept: Vec<_> = {
            let mut registry = ctx.state.registry.write();
            let transitions = registry.sweep(now_ms());
            transitions
                .into_iter()
                .map(|t| {
                    let registration = registry.get(&t.id).and_then(|e| e.registration.clone());
                    (t, registration)
                })
                .collect()
        };
        for (transition, registration) in swept {
            announce(ctx, transition, registration.as_ref());
        }
    }
}

fn announce(ctx: &Context, t: Transition, registration: Option<&Registration>) {
    tracing::info!(id = %t.id, status = ?t.status, previous = ?t.previous, "sidecar status");
    if t.conflict_began {
        if let Some(conflict) = &t.id_conflict {
            tracing::warn!(id = %t.id, "{conflict}");
        }
    }
    ctx.bus.publish(Event::SidecarStatus {
        sidecar_id: t.id.to_string(),
        status: t.status,
        previous: t.previous,
        last_seen_ms: t.last_seen_ms,
        sidecar_type: registration.map(|r| r.sidecar_type),
        workload: registration.map(|r| r.workload.clone()),
        host: registration.map(|r| r.host.clone()),
        jmx_endpoint: registration.and_then(|r| r.jmx_endpoint.clone()),
        clock_offset_ms: t.clock_offset_ms,
        clock_warning: t.clock_warning,
        id_conflict: t.id_conflict,
    });
}
