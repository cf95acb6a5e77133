//! Discovery: replays `faultline.sidecars` from the earliest offset on every start, then
//! follows it live; a sweeper turns silent sidecars INACTIVE.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use faultline_kafka::{high_watermarks, now_ms};
use faultline_protocol::{decode_registration, topics, Registration, SidecarRecord};
use rdkafka::message::Message;
use rdkafka::Offset;

use crate::events::Event;
use crate::ingest::{consumer_for, read_records, record_ts, reject};
use crate::state::registry::{Registry, Transition};
use crate::Context;

const TOPIC: &str = topics::SIDECARS.name;

pub async fn run(ctx: Context) {
    let Some(consumer) = consumer_for(&ctx, TOPIC, Offset::Beginning).await else {
        return;
    };
    // Where the replay ends: each partition's high watermark at the time we start.
    let ends: HashMap<i32, i64> = match high_watermarks(&consumer, TOPIC).await {
        Ok(marks) => marks.into_iter().filter(|(_, high)| *high > 0).collect(),
        Err(error) => {
            tracing::warn!(%error, "cannot read where the registration topic ends; replay ends when it goes quiet");
            HashMap::new()
        }
    };
    let replay = Mutex::new(Replay {
        pending: ends,
        records: 0,
        staged: Some(Registry::default()),
        started: Instant::now(),
    });
    lock(&replay).finish_if_caught_up(&ctx);
    let sweeper = tokio::spawn(sweep_loop(ctx.clone()));
    read_records(
        &consumer,
        &ctx.cancel,
        Duration::from_secs(2),
        |record| {
            let ts = record_ts(record).unwrap_or_else(now_ms);
            let mut replay = lock(&replay);
            match decode_registration(record.key(), record.payload()) {
                Ok(decoded) => match replay.staged.as_mut() {
                    Some(staged) => {
                        apply_to(staged, decoded, ts);
                    }
                    None => apply(&ctx, decoded, ts),
                },
                Err(error) => reject(&ctx, TOPIC, &error),
            }
            replay.record_read(&ctx, record.partition(), record.offset());
        },
        // Compaction can remove the last offsets; a quiet topic means the replay is done.
        || lock(&replay).finish(&ctx),
    )
    .await;
    sweeper.abort();
}

/// Tracks the replay of the registration topic up to where it ended at start. Replayed
/// records go into a staged registry that replaces the shared one in one step when the
/// replay is complete: a sidecar's old heartbeats never show through (as INACTIVE) before
/// its newest one is read, and every sidecar appears at once.
struct Replay {
    pending: HashMap<i32, i64>,
    records: u64,
    /// Some until the replay is complete.
    staged: Option<Registry>,
    started: Instant,
}

impl Replay {
    fn record_read(&mut self, ctx: &Context, partition: i32, offset: i64) {
        self.records += 1;
        if self.staged.is_none() {
            return;
        }
        if self
            .pending
            .get(&partition)
            .is_some_and(|high| offset + 1 >= *high)
        {
            self.pending.remove(&partition);
        }
        self.finish_if_caught_up(ctx);
    }

    fn finish_if_caught_up(&mut self, ctx: &Context) {
        if self.pending.is_empty() {
            self.finish(ctx);
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
                let transition = Transition {
                    id: id.clone(),
                    previous: None,
                    status: entry.status,
                    last_seen_ms: entry.last_seen_ms,
                };
                (transition, entry.registration.clone())
            })
            .collect();
        let sidecars = found.len();
        if let Ok(mut registry) = ctx.state.registry.write() {
            *registry = staged;
        }
        for (transition, registration) in found {
            announce(ctx, transition, registration.as_ref());
        }
        if let Ok(mut progress) = ctx.state.discovery.write() {
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

fn apply_to(registry: &mut Registry, record: SidecarRecord, ts: i64) -> Option<Transition> {
    let now = now_ms();
    match record {
        SidecarRecord::Registered(registration) => {
            registry.apply_registration(registration, ts, now)
        }
        SidecarRecord::Tombstone(id) => registry.apply_tombstone(id, ts, now),
    }
}

fn apply(ctx: &Context, record: SidecarRecord, ts: i64) {
    let Ok(mut registry) = ctx.state.registry.write() else {
        return;
    };
    let Some(transition) = apply_to(&mut registry, record, ts) else {
        return;
    };
    let registration = registry
        .get(&transition.id)
        .and_then(|e| e.registration.clone());
    drop(registry);
    announce(ctx, transition, registration.as_ref());
}

async fn sweep_loop(ctx: Context) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tick.tick().await;
        let swept: Vec<_> = match ctx.state.registry.write() {
            Ok(mut registry) => {
                let transitions = registry.sweep(now_ms());
                transitions
                    .into_iter()
                    .map(|t| {
                        let registration = registry.get(&t.id).and_then(|e| e.registration.clone());
                        (t, registration)
                    })
                    .collect()
            }
            Err(_) => return,
        };
        for (transition, registration) in swept {
            announce(&ctx, transition, registration.as_ref());
        }
    }
}

fn announce(ctx: &Context, t: Transition, registration: Option<&Registration>) {
    tracing::info!(id = %t.id, status = ?t.status, previous = ?t.previous, "sidecar status");
    ctx.bus.publish(Event::SidecarStatus {
        sidecar_id: t.id.to_string(),
        status: t.status,
        previous: t.previous,
        last_seen_ms: t.last_seen_ms,
        sidecar_type: registration.map(|r| r.sidecar_type),
        workload: registration.map(|r| r.workload.clone()),
        host: registration.map(|r| r.host.clone()),
        jmx_endpoint: registration.and_then(|r| r.jmx_endpoint.clone()),
    });
}

/// The replay state is only touched from this task; a poisoned lock still holds good data.
fn lock(replay: &Mutex<Replay>) -> std::sync::MutexGuard<'_, Replay> {
    replay
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
