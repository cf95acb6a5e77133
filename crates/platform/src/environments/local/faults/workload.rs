//! Workload faults on the local stack go through the Java workloads' control MBeans.

use faultline_jmx::{JmxClient, JmxValue};

use crate::chaos::Receipt;
use crate::environments::local::{LocalEnvironment, CONSUMER_ID, PRODUCER_ID};

const PRODUCER_CONTROL: &str = "io.faultline.workloads:type=ProducerControl,name=";
const CONSUMER_CONTROL: &str = "io.faultline.workloads:type=ConsumerControl,name=";

pub async fn set_rate(
    env: &LocalEnvironment,
    producer: &str,
    rate: u32,
) -> Result<Receipt, String> {
    let jmx = producer_jmx(env, producer)?;
    swap(
        &jmx,
        &format!("{PRODUCER_CONTROL}{producer}"),
        "Rate",
        i64::from(rate),
    )
    .await
}

pub async fn restore_rate(
    env: &LocalEnvironment,
    producer: &str,
    receipt: &Receipt,
) -> Result<(), String> {
    let jmx = producer_jmx(env, producer)?;
    let mbean = format!("{PRODUCER_CONTROL}{producer}");
    let previous = match receipt.previous {
        Some(previous) => previous,
        None => read(&jmx, &mbean, "NominalRate").await?,
    };
    jmx.set(&mbean, "Rate", JmxValue::Int(previous))
        .await
        .map_err(|e| e.to_string())
}

pub async fn set_delay(env: &LocalEnvironment, consumer: &str, ms: u64) -> Result<Receipt, String> {
    let jmx = consumer_jmx(env, consumer)?;
    swap(
        &jmx,
        &format!("{CONSUMER_CONTROL}{consumer}"),
        "ProcessingDelayMs",
        ms as i64,
    )
    .await
}

pub async fn restore_delay(
    env: &LocalEnvironment,
    consumer: &str,
    receipt: &Receipt,
) -> Result<(), String> {
    let jmx = consumer_jmx(env, consumer)?;
    let previous = receipt.previous.unwrap_or(0);
    jmx.set(
        &format!("{CONSUMER_CONTROL}{consumer}"),
        "ProcessingDelayMs",
        JmxValue::Int(previous),
    )
    .await
    .map_err(|e| e.to_string())
}

/// Sets an attribute and returns a receipt holding its old value.
async fn swap(
    jmx: &JmxClient,
    mbean: &str,
    attribute: &str,
    value: i64,
) -> Result<Receipt, String> {
    let previous = read(jmx, mbean, attribute).await?;
    jmx.set(mbean, attribute, JmxValue::Int(value))
        .await
        .map_err(|e| e.to_string())?;
    Ok(Receipt {
        previous: Some(previous),
        ..Receipt::default()
    })
}

async fn read(jmx: &JmxClient, mbean: &str, attribute: &str) -> Result<i64, String> {
    let values = jmx
        .read(mbean, &[attribute])
        .await
        .map_err(|e| e.to_string())?;
    values
        .first()
        .and_then(|(_, v)| v.as_i64())
        .ok_or_else(|| format!("{mbean} has no {attribute}"))
}

fn producer_jmx(env: &LocalEnvironment, producer: &str) -> Result<JmxClient, String> {
    (producer == PRODUCER_ID)
        .then(|| JmxClient::for_endpoint(&format!("127.0.0.1:{}", env.config().ports.producer_jmx)))
        .ok_or_else(|| format!("the local stack has no producer {producer} (it has {PRODUCER_ID})"))
}

fn consumer_jmx(env: &LocalEnvironment, consumer: &str) -> Result<JmxClient, String> {
    (consumer == CONSUMER_ID)
        .then(|| JmxClient::for_endpoint(&format!("127.0.0.1:{}", env.config().ports.consumer_jmx)))
        .ok_or_else(|| format!("the local stack has no consumer {consumer} (it has {CONSUMER_ID})"))
}
