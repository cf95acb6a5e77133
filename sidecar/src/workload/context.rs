//! The rdkafka client context that passes statistics to the probe and counts deliveries.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rdkafka::client::ClientContext;
use rdkafka::message::DeliveryResult;
use rdkafka::producer::ProducerContext;
use rdkafka::Statistics;
use tokio::sync::watch;

/// Hands librdkafka's statistics callbacks to the probe and counts deliveries.
pub struct StatsContext {
    stats: watch::Sender<Option<Arc<Statistics>>>,
    delivered: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
}

impl StatsContext {
    pub fn new(
        delivered: Arc<AtomicU64>,
        failed: Arc<AtomicU64>,
    ) -> (Self, watch::Receiver<Option<Arc<Statistics>>>) {
        let (stats, receiver) = watch::channel(None);
        (
            Self {
                stats,
                delivered,
                failed,
            },
            receiver,
        )
    }
}

impl ClientContext for StatsContext {
    fn stats(&self, statistics: Statistics) {
        self.stats.send_replace(Some(Arc::new(statistics)));
    }
}

impl ProducerContext for StatsContext {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: Self::DeliveryOpaque) {
        let counter = if result.is_ok() {
            &self.delivered
        } else {
            &self.failed
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
