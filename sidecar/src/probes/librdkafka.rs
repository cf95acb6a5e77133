//! The probe for an rdkafka producer in this process, fed by librdkafka's statistics.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use faultline_protocol::{BrokerLink, ProducerMetrics};
use rdkafka::Statistics;
use tokio::sync::watch;

use super::round_trips::LastRoundTrips;
use crate::workload::WorkloadState;
use crate::{Probe, ProbeError, Reading};

/// Reads the statistics librdkafka emits for the producer it watches: queue fill
/// (msg_cnt/msg_max, msg_size/msg_size_max), per-broker state and round trip, transmit
/// errors and retries.
pub struct LibrdkafkaProbe {
    stats: watch::Receiver<Option<Arc<Statistics>>>,
    workload: Arc<WorkloadState>,
    last_delivered: u64,
    last_sample: Instant,
    rtts: LastRoundTrips,
}

/// How long a sample waits for statistics newer than the last it read: longer than the
/// demo producer's statistics interval (500 ms). Two readings of one statistics window
/// are one measurement, and a resample under buffer pressure comes 500 ms after the last.
const FRESH_STATISTICS_WAIT: Duration = Duration::from_millis(750);

impl LibrdkafkaProbe {
    pub fn new(
        stats: watch::Receiver<Option<Arc<Statistics>>>,
        workload: Arc<WorkloadState>,
    ) -> Self {
        let last_delivered = workload.delivered.load(Ordering::Relaxed);
        Self {
            stats,
            workload,
            last_delivered,
            last_sample: Instant::now(),
            rtts: LastRoundTrips::default(),
        }
    }

    fn send_rate(&mut self) -> f64 {
        let delivered = self.workload.delivered.load(Ordering::Relaxed);
        let elapsed = self.last_sample.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 {
            delivered.saturating_sub(self.last_delivered) as f64 / elapsed
        } else {
            0.0
        };
        self.last_delivered = delivered;
        self.last_sample = Instant::now();
        rate
    }
}

#[async_trait::async_trait]
impl Probe for LibrdkafkaProbe {
    fn name(&self) -> &'static str {
        "librdkafka"
    }

    async fn sample(&mut self) -> Result<Option<Reading>, ProbeError> {
        if !self.stats.has_changed().unwrap_or(true) {
            // A timeout is no error: without a newer window, the current one is read.
            let _ = tokio::time::timeout(FRESH_STATISTICS_WAIT, self.stats.changed()).await;
        }
        let Some(stats) = self.stats.borrow_and_update().clone() else {
            return Ok(None);
        };
        // Bootstrap pseudo-brokers (node id -1) carry no produce traffic.
        let brokers: Vec<_> = stats.brokers.values().filter(|b| b.nodeid >= 0).collect();
        let mut links: Vec<BrokerLink> = brokers
            .iter()
            .map(|b| BrokerLink {
                name: b.nodename.clone(),
                state: b.state.clone(),
                rtt_ms: self.rtts.update(
                    &b.name,
                    b.rtt
                        .as_ref()
                        .filter(|w| w.cnt > 0)
                        .map(|w| w.avg as f64 / 1000.0),
                ),
            })
            .collect();
        // The slowest broker's round trip, as the JMX probe reports it.
        let request_latency_ms = links.iter().map(|l| l.rtt_ms).fold(0.0_f64, f64::max);
        links.sort_by(|a, b| a.name.cmp(&b.name));
        let metrics = ProducerMetrics {
            queue_messages: stats.msg_cnt,
            queue_messages_max: stats.msg_max,
            queue_bytes: stats.msg_size,
            queue_bytes_max: stats.msg_size_max,
            target_rate: self.workload.rate.load(Ordering::Relaxed),
            send_rate: self.send_rate(),
            request_latency_ms,
            tx_errors: brokers.iter().map(|b| b.txerrs).sum(),
            retries: brokers.iter().map(|b| b.txretries).sum(),
            queue_full_errors: self.workload.queue_full.load(Ordering::Relaxed),
            brokers: links,
            ..ProducerMetrics::default()
        };
        Ok(Some(Reading {
            producer: Some(metrics),
            consumer: None,
        }))
    }
}
