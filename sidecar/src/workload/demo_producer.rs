//! The demo producer: a real producer sending at a rate that can change while it runs.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use faultline_kafka::ClientSettings;
use faultline_protocol::Command;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseRecord, ThreadedProducer};
use rdkafka::Statistics;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::context::StatsContext;
use super::rate::messages_due;
use crate::{Control, ControlError};

#[derive(Debug, Clone)]
pub struct DemoProducerConfig {
    pub client_id: String,
    pub topic: String,
    /// Nominal rate in messages per second; `resume` returns to it.
    pub rate: u32,
    pub message_bytes: usize,
    /// The client's send buffer (librdkafka `queue.buffering.max.kbytes`), 2 MiB like the
    /// original plan's Java producer, so a burst visibly fills it.
    pub buffer_bytes: usize,
    pub statistics_interval: Duration,
}

impl DemoProducerConfig {
    pub fn new(client_id: impl Into<String>, topic: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            topic: topic.into(),
            rate: 10,
            message_bytes: 512,
            buffer_bytes: 2 * 1024 * 1024,
            statistics_interval: Duration::from_millis(500),
        }
    }
}

/// Counters and settings the workload shares with its probe and control.
#[derive(Debug)]
pub struct WorkloadState {
    pub rate: AtomicU32,
    pub nominal_rate: u32,
    pub message_bytes: usize,
    pub attempted: AtomicU64,
    pub delivered: Arc<AtomicU64>,
    pub failed: Arc<AtomicU64>,
    pub queue_full: AtomicU64,
}

/// A real producer sending at a controllable rate until dropped or stopped.
pub struct DemoProducer {
    state: Arc<WorkloadState>,
    stats: watch::Receiver<Option<Arc<Statistics>>>,
    task: JoinHandle<()>,
}

impl DemoProducer {
    pub fn start(
        settings: &ClientSettings,
        config: DemoProducerConfig,
    ) -> Result<Self, KafkaError> {
        let delivered = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let (context, stats) = StatsContext::new(delivered.clone(), failed.clone());
        let producer: ThreadedProducer<StatsContext> = settings
            .client_config()
            .set("client.id", &config.client_id)
            .set(
                "statistics.interval.ms",
                config.statistics_interval.as_millis().to_string(),
            )
            .set(
                "queue.buffering.max.kbytes",
                (config.buffer_bytes / 1024).max(1).to_string(),
            )
            .set("queue.buffering.max.messages", "100000")
            // Small batches and one request in flight per broker, like a cautious Java
            // producer: throughput follows the network, so a burst or a slow broker
            // backs the buffer up instead of vanishing into one huge batch.
            .set("batch.size", "16384")
            .set("linger.ms", "5")
            .set("max.in.flight.requests.per.connection", "1")
            .set("acks", "all")
            .set("message.timeout.ms", "30000")
            .create_with_context(context)?;
        let state = Arc::new(WorkloadState {
            rate: AtomicU32::new(config.rate),
            nominal_rate: config.rate,
            message_bytes: config.message_bytes,
            attempted: AtomicU64::new(0),
            delivered,
            failed,
            queue_full: AtomicU64::new(0),
        });
        let task = tokio::spawn(send_loop(producer, config.topic, state.clone()));
        Ok(Self { state, stats, task })
    }

    pub fn state(&self) -> Arc<WorkloadState> {
        self.state.clone()
    }

    pub fn statistics(&self) -> watch::Receiver<Option<Arc<Statistics>>> {
        self.stats.clone()
    }

    pub fn control(&self) -> Arc<dyn Control> {
        Arc::new(RateControl(self.state.clone()))
    }

    pub fn set_rate(&self, rate: u32) {
        self.state.rate.store(rate, Ordering::Relaxed);
    }
}

impl Drop for DemoProducer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn send_loop(
    producer: ThreadedProducer<StatsContext>,
    topic: String,
    state: Arc<WorkloadState>,
) {
    let payload = vec![b'x'; state.message_bytes];
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut window_start = Instant::now();
    let mut window_rate = state.rate.load(Ordering::Relaxed);
    let mut window_sent = 0u64;
    loop {
        tick.tick().await;
        let rate = state.rate.load(Ordering::Relaxed);
        // A new pacing window on every rate change, and every second, so a blocked
        // producer does not try to catch up with a backlog of missed sends.
        if rate != window_rate || window_start.elapsed() >= Duration::from_secs(1) {
            window_start = Instant::now();
            window_rate = rate;
            window_sent = 0;
        }
        for _ in 0..messages_due(rate, window_start.elapsed(), window_sent) {
            let record = BaseRecord::<(), [u8]>::to(&topic).payload(&payload);
            match producer.send(record) {
                Ok(()) => {
                    window_sent += 1;
                    state.attempted.fetch_add(1, Ordering::Relaxed);
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    // The buffer is full: like a Java producer blocking in send(),
                    // the rest is tried again on the next tick.
                    state.queue_full.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err((error, _)) => {
                    tracing::warn!(%error, "demo producer cannot send");
                    break;
                }
            }
        }
    }
}

struct RateControl(Arc<WorkloadState>);

#[async_trait::async_trait]
impl Control for RateControl {
    async fn apply(&self, command: &Command) -> Result<String, ControlError> {
        let (rate, verb) = match command {
            Command::SetRate { rate } => (*rate, "set"),
            Command::Throttle { rate } => (*rate, "throttled"),
            Command::Resume => (self.0.nominal_rate, "restored"),
        };
        let previous = self.0.rate.swap(rate, Ordering::Relaxed);
        Ok(format!(
            "Rate {verb} from {previous} to {rate} messages per second."
        ))
    }
}
