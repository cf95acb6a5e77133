//! How rehearsal carries out faults on the embedded cluster. Brokers go down and up for
//! real (their sockets close, and leadership moves off them as in Kafka); network latency
//! is the broker's round trip; a partition is a broker that refuses its clients'
//! connections (the embedded broker cannot hang them) but keeps leading its partitions;
//! CPU saturation, which needs a broker process of its own, is emulated as a slow broker.

use std::time::Duration;

use crate::chaos::{Fault, FaultKind, Receipt};

use super::RehearsalEnvironment;

/// Extra round trip per CPU hog when CPU saturation is emulated.
const SLOWDOWN_PER_WORKER_MS: u64 = 100;

pub fn supports(kind: FaultKind) -> bool {
    !matches!(kind, FaultKind::Bandwidth)
}

pub async fn inject(env: &RehearsalEnvironment, fault: &Fault) -> Result<Receipt, String> {
    match fault {
        Fault::BrokerDown { broker, .. } => {
            env.broker_down(*broker).await?;
            Ok(Receipt::default())
        }
        Fault::Partition { broker } => {
            env.cut_off(*broker).await?;
            Ok(Receipt::default())
        }
        Fault::Latency { broker, ms, .. } => slow_down(env, *broker, u64::from(*ms)).await,
        Fault::CpuStress { broker, workers } => {
            slow_down(env, *broker, SLOWDOWN_PER_WORKER_MS * u64::from(*workers)).await
        }
        Fault::ProducerRate { producer, rate } => {
            let previous = env.swap_rate(producer, *rate).await?;
            Ok(Receipt {
                previous: Some(i64::from(previous)),
                ..Receipt::default()
            })
        }
        Fault::ConsumerDelay { consumer, ms } => {
            let previous = env.swap_delay(consumer, *ms).await?;
            Ok(Receipt {
                previous: Some(previous as i64),
                ..Receipt::default()
            })
        }
        Fault::Bandwidth { .. } => Err("the embedded cluster cannot limit bandwidth".into()),
    }
}

pub async fn revert(
    env: &RehearsalEnvironment,
    fault: &Fault,
    receipt: &Receipt,
) -> Result<(), String> {
    match fault {
        Fault::BrokerDown { broker, .. } | Fault::Partition { broker } => {
            env.broker_up(*broker).await
        }
        Fault::Latency { broker, .. } | Fault::CpuStress { broker, .. } => {
            env.restore_round_trip(*broker).await
        }
        Fault::ProducerRate { producer, .. } => {
            let nominal = env.nominal_rate(producer).await?;
            let previous = receipt
                .previous
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(nominal);
            env.swap_rate(producer, previous).await.map(|_| ())
        }
        Fault::ConsumerDelay { consumer, .. } => {
            let previous = receipt
                .previous
                .and_then(|p| u64::try_from(p).ok())
                .unwrap_or(0);
            env.swap_delay(consumer, previous).await.map(|_| ())
        }
        Fault::Bandwidth { .. } => Ok(()),
    }
}

async fn slow_down(
    env: &RehearsalEnvironment,
    broker: i32,
    extra_ms: u64,
) -> Result<Receipt, String> {
    env.set_extra_round_trip(broker, Duration::from_millis(extra_ms))
        .await?;
    Ok(Receipt::default())
}
