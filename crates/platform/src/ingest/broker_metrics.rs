//! Reads every broker's health over JMX once a second: under-replicated and offline
//! partitions, the active controller count, how idle the request handler and network
//! threads are, and how many partitions are led away from their preferred replica. A
//! broker that cannot be read is unreachable. Brokers without JMX (rehearsal's embedded
//! cluster) are read from the environment instead: up or down, and the replication numbers
//! it keeps. Each reading goes through the subject pipeline (`crate::judgement`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use faultline_jmx::{JmxClient, JmxValue};
use faultline_protocol::clock::now_ms;

use crate::environments::Environment;
use crate::judgement::{Brokers, Pipeline};
use crate::state::readings::BrokerReading;
use crate::wire::{BrokerMetrics, BrokerState};
use crate::Context;

const EVERY: Duration = Duration::from_secs(1);

/// (MBean, attribute) for each number a reading needs.
const URP: (&str, &str) = (
    "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions",
    "Value",
);
const OFFLINE: (&str, &str) = (
    "kafka.controller:type=KafkaController,name=OfflinePartitionsCount",
    "Value",
);
const ACTIVE_CONTROLLER: (&str, &str) = (
    "kafka.controller:type=KafkaController,name=ActiveControllerCount",
    "Value",
);
/// A meter of the idle fraction (0–1); its one-minute rate is the usual dashboard number.
const REQUEST_IDLE: (&str, &str) = (
    "kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent",
    "OneMinuteRate",
);
const NETWORK_IDLE: (&str, &str) = (
    "kafka.network:type=SocketServer,name=NetworkProcessorAvgIdlePercent",
    "Value",
);
/// Kept by every KRaft controller; brokers that are not controllers do not have it.
const PREFERRED_IMBALANCE: (&str, &str) = (
    "kafka.controller:type=KafkaController,name=PreferredReplicaImbalanceCount",
    "Value",
);

/// Where broker readings come from: JMX where the brokers have it, else the environment's
/// own report (the embedded rehearsal brokers have no JMX): whether each is up and, where
/// the environment keeps them, its under-replicated partitions and the preferred-replica
/// imbalance.
#[derive(Clone)]
pub enum BrokerSource {
    Jmx(Vec<(i32, String)>),
    Environment(Arc<dyn Environment>),
}

/// One broker's watch loop; boxed so both sources' loops share a type.
type Watcher = Pin<Box<dyn Future<Output = ()> + Send>>;

pub async fn run(ctx: Context, source: BrokerSource) {
    let watchers: Vec<Watcher> = match source {
        BrokerSource::Jmx(endpoints) => endpoints
            .into_iter()
            .map(|(broker, endpoint)| {
                let client = JmxClient::for_endpoint(&endpoint);
                Box::pin(watch(ctx.clone(), broker, move || {
                    let client = client.clone();
                    async move { read(&client).await }
                })) as Watcher
            })
            .collect(),
        BrokerSource::Environment(environment) => {
            let brokers: Vec<i32> = environment
                .status()
                .await
                .brokers
                .iter()
                .map(|b| b.id)
                .collect();
            brokers
                .into_iter()
                .map(|broker| {
                    let environment = environment.clone();
                    Box::pin(watch(ctx.clone(), broker, move || {
                        let environment = environment.clone();
                        async move { reported(environment.as_ref(), broker).await }
                    })) as Watcher
                })
                .collect()
        }
    };
    // The watchers run inside this task, not beside it, so that a panic in one reaches the
    // supervisor (which restarts them all) instead of silently ending that broker's watch.
    tokio::select! {
        _ = ctx.cancel.cancelled() => {}
        _ = futures_util::future::join_all(watchers) => {}
    }
}

async fn watch<F: Future<Output = BrokerMetrics>>(ctx: Context, broker: i32, read: impl Fn() -> F) {
    let mut brokers = Pipeline::<Brokers>::new(ctx.bus.clone(), ctx.state.clone());
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let metrics = read().await;
        brokers.observe(BrokerReading {
            broker,
            at_ms: now_ms(),
            metrics,
        });
    }
}

/// A reading from the environment's own report: reachable or not and, for a reachable
/// broker whose environment keeps them, its replication numbers; the rest stays unread.
async fn reported(environment: &dyn Environment, broker: i32) -> BrokerMetrics {
    let status = environment.status().await;
    let up = status
        .brokers
        .iter()
        .any(|b| b.id == broker && b.state == BrokerState::Up);
    let replication = if up {
        environment.replication(broker).await
    } else {
        None
    };
    BrokerMetrics {
        reachable: up,
        under_replicated_partitions: replication.map(|r| r.under_replicated_partitions),
        preferred_replica_imbalance: replication.map(|r| r.preferred_replica_imbalance),
        ..BrokerMetrics::default()
    }
}

async fn read(client: &JmxClient) -> BrokerMetrics {
    // The first read tells whether the broker answers at all; the rest are best effort.
    let under_replicated = match number(client, URP).await {
        Ok(value) => count(value),
        Err(()) => {
            return BrokerMetrics {
                reachable: false,
                ..BrokerMetrics::default()
            }
        }
    };
    let percent = |fraction: Option<f64>| fraction.map(|f| (f * 100.0).clamp(0.0, 100.0));
    BrokerMetrics {
        reachable: true,
        under_replicated_partitions: under_replicated,
        offline_partitions: count(number(client, OFFLINE).await.ok().flatten()),
        active_controller: count(number(client, ACTIVE_CONTROLLER).await.ok().flatten()),
        request_handler_idle_pct: percent(number(client, REQUEST_IDLE).await.ok().flatten()),
        network_processor_idle_pct: percent(number(client, NETWORK_IDLE).await.ok().flatten()),
        preferred_replica_imbalance: count(
            number(client, PREFERRED_IMBALANCE).await.ok().flatten(),
        ),
    }
}

/// A count a broker reported over JMX (partitions, controllers), or None when it is not a
/// plausible one: NaN, negative, or beyond 2^53 (where a double stops counting exactly).
fn count(value: Option<f64>) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    value
        .filter(|v| (0.0..=EXACT).contains(v))
        .map(|v| v as i64)
}

/// `Err` when the broker cannot be reached; `Ok(None)` when it answers without that number.
async fn number(client: &JmxClient, (mbean, attribute): (&str, &str)) -> Result<Option<f64>, ()> {
    match client.read(mbean, &[attribute]).await {
        Ok(values) => Ok(values
            .iter()
            .find(|(name, _)| name == attribute)
            .and_then(|(_, v)| JmxValue::as_f64(v))),
        Err(error) if error.is_connectivity() => Err(()),
        Err(error) => {
            tracing::debug!(%error, "broker metric not readable");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implausible_jmx_counts_are_unreadable_not_wrapped() {
        assert_eq!(count(Some(14.0)), Some(14));
        assert_eq!(count(Some(0.0)), Some(0));
        for absurd in [f64::NAN, -1.0, f64::INFINITY, 1e300] {
            assert_eq!(count(Some(absurd)), None, "{absurd}");
        }
        assert_eq!(count(None), None);
    }
}
