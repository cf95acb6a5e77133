//! Signals: reads live snapshots (from the latest offset); a consumer's names its group for
//! the lag monitor to watch, a producer's goes through the subject pipeline.

use faultline_protocol::{decode_signal, topics};

use super::{follow, reject};
use crate::judgement::{Pipeline, Sidecars};
use crate::state::readings::ProducerReading;
use crate::Context;

const TOPIC: &str = topics::SIGNALS.name;

pub async fn run(ctx: Context) {
    let mut sidecars = Pipeline::<Sidecars>::new(ctx.bus.clone(), ctx.state.clone());
    follow(&ctx, TOPIC, |key, payload| {
        match decode_signal(key, payload) {
            Ok(snapshot) => {
                if let Some(consumer) = &snapshot.consumer {
                    ctx.state.groups.write().watch(&consumer.group);
                }
                if let Some(reading) = ProducerReading::from_snapshot(&snapshot) {
                    sidecars.observe(reading);
                }
            }
            Err(error) => reject(&ctx, TOPIC, &error),
        }
    })
    .await;
}
