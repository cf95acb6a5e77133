//! Signals: reads live snapshots (from the latest offset), keeps each sidecar's numbers,
//! runs its detectors and announces signs and condition changes.

use std::collections::HashMap;

use faultline_protocol::vocabulary::QueueSign;
use faultline_protocol::{decode_signal, topics, SidecarId, SignalSnapshot};

use crate::detectors::{buffer_sign, standard_set, Detector};
use crate::events::{Event, Subject};
use crate::ingest::{follow, reject};
use crate::judgement::{worst, ConditionTracker};
use crate::Context;

const TOPIC: &str = topics::SIGNALS.name;
/// A hostile producer could invent ids without end; past this many, new ones are refused.
const MAX_TRACKED_SIDECARS: usize = 10_000;

/// Per-sidecar memory between snapshots.
struct Tracked {
    detectors: Vec<Box<dyn Detector>>,
    fill: Option<f64>,
    sign: Option<QueueSign>,
    judgement: ConditionTracker,
}

pub async fn run(ctx: Context) {
    let mut tracked: HashMap<SidecarId, Tracked> = HashMap::new();
    follow(&ctx, TOPIC, |key, payload| {
            match decode_signal(key, payload) {
                Ok(snapshot) => {
                    if tracked.len() >= MAX_TRACKED_SIDECARS && !tracked.contains_key(&snapshot.source) {
                        tracing::warn!(id = %snapshot.source, "too many sidecars tracked; signal ignored");
                        return;
                    }
                    let entry = tracked.entry(snapshot.source.clone()).or_insert_with(|| Tracked {
                        detectors: standard_set(),
                        fill: None,
                        sign: None,
                        judgement: ConditionTracker::default(),
                    });
                    observe(&ctx, entry, &snapshot);
                }
                Err(error) => reject(&ctx, TOPIC, &error),
            }
    })
    .await;
}

fn observe(ctx: &Context, tracked: &mut Tracked, snapshot: &SignalSnapshot) {
    if let Some(consumer) = &snapshot.consumer {
        ctx.state.groups.write().watch(&consumer.group);
    }
    let Some(producer) = &snapshot.producer else {
        return;
    };
    let id = snapshot.source.to_string();
    let fill = producer.buffer_fill();
    ctx.bus.publish(Event::Signal {
        sidecar_id: id.clone(),
        ts: snapshot.ts,
        buffer_fill: fill,
        target_rate: producer.target_rate,
        send_rate: producer.send_rate,
        request_latency_ms: producer.request_latency_ms,
        tx_errors: producer.tx_errors,
        retries: producer.retries,
        queue_full_errors: producer.queue_full_errors,
    });
    let sign = buffer_sign(fill, tracked.fill);
    tracked.fill = Some(fill);
    if tracked.sign != Some(sign) {
        tracked.sign = Some(sign);
        ctx.bus.publish(Event::Sign {
            sidecar_id: id.clone(),
            subject: "buffer".into(),
            sign,
            value: fill,
        });
    }
    let verdict = worst(
        tracked
            .detectors
            .iter_mut()
            .filter_map(|d| d.check(snapshot)),
    );
    {
        let mut observations = ctx.state.observations.write();
        let observation = observations.entry(&snapshot.source);
        observation.condition = verdict.condition;
        observation.confidence = verdict.confidence;
        observation.situation = verdict.situation;
        observation.sentence = verdict.sentence.clone();
        observation.buffer_fill = fill;
        observation.target_rate = producer.target_rate;
        observation.send_rate = producer.send_rate;
        observation.request_latency_ms = producer.request_latency_ms;
        observation.updated_ms = snapshot.ts;
    }
    tracked
        .judgement
        .announce(&ctx.bus, Subject::Sidecar(id.clone()), &verdict, |again| {
            let again = if again { " again" } else { "" };
            format!(
                "{id} is STABLE{again}: its send buffer is {:.0}% full.",
                fill * 100.0
            )
        });
}
