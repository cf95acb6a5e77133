//! Watches `faultline.responses` too, so that a bad record there (sidecars would skip it)
//! is counted where an operator looks: `/api/health`.

use faultline_protocol::{decode_response, topics};

use super::{follow, reject};
use crate::Context;

const TOPIC: &str = topics::RESPONSES.name;

pub async fn run(ctx: Context) {
    follow(&ctx, TOPIC, |key, payload| {
        if let Err(error) = decode_response(key, payload) {
            reject(&ctx, TOPIC, &error);
        }
    })
    .await;
}
