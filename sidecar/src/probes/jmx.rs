//! Reads a Java Kafka client over JMX: its own client metrics (`kafka.producer:*`,
//! `kafka.consumer:*`) and the demo workload's control MBean, and carries out COMMANDs by
//! setting the control MBean's `Rate`.

use faultline_jmx::{JmxClient, JmxError, JmxValue};
use faultline_protocol::{BrokerLink, Command, ConsumerMetrics, ProducerMetrics};

use super::round_trips::LastRoundTrips;
use crate::{Control, ControlError, Probe, ProbeError, Reading};

const PRODUCER_METRICS: &str = "kafka.producer:type=producer-metrics,client-id=*";
const CONSUMER_METRICS: &str = "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*";
const PRODUCER_ATTRIBUTES: &[&str] = &[
    "buffer-available-bytes",
    "buffer-total-bytes",
    "bufferpool-wait-ratio",
    "record-queue-time-avg",
    "request-latency-avg",
    "record-error-rate",
    "record-retry-rate",
    "record-send-rate",
    "record-error-total",
    "record-retry-total",
];
const CONSUMER_ATTRIBUTES: &[&str] = &[
    "records-lag-max",
    "records-consumed-rate",
    "fetch-rate",
    "fetch-latency-avg",
];

/// Which kind of Java client the probe watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JmxTarget {
    Producer,
    Consumer { group: String },
}

pub struct JmxProbe {
    client: JmxClient,
    target: JmxTarget,
    /// The client's `client-id`, found on the first successful read.
    client_id: Option<String>,
    /// The producer's per-broker MBeans, looked up again every so often (brokers come and go).
    nodes: Vec<String>,
    samples: u64,
    rtts: LastRoundTrips,
}

impl JmxProbe {
    pub fn new(client: JmxClient, target: JmxTarget) -> Self {
        Self {
            client,
            target,
            client_id: None,
            nodes: Vec::new(),
            samples: 0,
            rtts: LastRoundTrips::default(),
        }
    }

    async fn client_id(&mut self) -> Result<String, ProbeError> {
        if let Some(id) = &self.client_id {
            return Ok(id.clone());
        }
        let pattern = match self.target {
            JmxTarget::Producer => PRODUCER_METRICS,
            JmxTarget::Consumer { .. } => CONSUMER_METRICS,
        };
        let names = self
            .client
            .query_names(pattern)
            .await
            .map_err(probe_error)?;
        // The consumer also has per-topic MBeans (`…,topic=…`); the client-wide one has none.
        let id = names
            .iter()
            .filter(|name| !name.contains(",topic=") && !name.contains(",partition="))
            .find_map(|name| {
                name.split("client-id=")
                    .nth(1)
                    .map(|rest| rest.split(',').next().unwrap_or(rest).to_owned())
            })
            .ok_or_else(|| ProbeError {
                probe: "jmx",
                reason: format!("no MBean matches {pattern} yet"),
            })?;
        self.client_id = Some(id.clone());
        Ok(id)
    }

    async fn read_producer(&mut self, id: &str) -> Result<ProducerMetrics, ProbeError> {
        let metrics = self
            .client
            .read(
                &format!("kafka.producer:type=producer-metrics,client-id={id}"),
                PRODUCER_ATTRIBUTES,
            )
            .await
            .map_err(probe_error)?;
        let control = self
            .client
            .read(&producer_control(id), &["Rate", "SendErrors"])
            .await
            .unwrap_or_default();
        let brokers = self.read_nodes(id).await;
        // The slowest broker's latency, not the average over all requests: a slow broker
        // completes few requests and would barely move an average dominated by the fast.
        let slowest = brokers.iter().map(|b| b.rtt_ms).fold(0.0_f64, f64::max);
        let total = number(&metrics, "buffer-total-bytes");
        let available = number(&metrics, "buffer-available-bytes");
        Ok(ProducerMetrics {
            queue_bytes: (total - available).max(0.0) as u64,
            queue_bytes_max: total.max(0.0) as u64,
            target_rate: number(&control, "Rate").max(0.0) as u32,
            send_rate: number(&metrics, "record-send-rate"),
            request_latency_ms: slowest.max(number(&metrics, "request-latency-avg")),
            tx_errors: number(&metrics, "record-error-total") as u64,
            retries: number(&metrics, "record-retry-total") as u64,
            queue_full_errors: number(&control, "SendErrors") as u64,
            record_queue_time_ms: number(&metrics, "record-queue-time-avg"),
            // Kafka's ratio sums the waits of every thread that appends, so it can pass 1
            // when several wait at once; the protocol carries a share of time (0–1).
            buffer_wait_ratio: number(&metrics, "bufferpool-wait-ratio").clamp(0.0, 1.0),
            error_rate: number(&metrics, "record-error-rate"),
            retry_rate: number(&metrics, "record-retry-rate"),
            brokers,
            ..ProducerMetrics::default()
        })
    }

    /// Each broker's average request latency as this producer sees it.
    async fn read_nodes(&mut self, id: &str) -> Vec<BrokerLink> {
        if self.nodes.is_empty() || self.samples.is_multiple_of(10) {
            let pattern =
                format!("kafka.producer:type=producer-node-metrics,client-id={id},node-id=*");
            if let Ok(names) = self.client.query_names(&pattern).await {
                self.nodes = names;
            }
        }
        self.samples += 1;
        let mut links = Vec::new();
        for name in &self.nodes {
            let Ok(values) = self.client.read(name, &["request-latency-avg"]).await else {
                continue;
            };
            let node = name.split("node-id=").nth(1).unwrap_or(name).to_owned();
            let rtt_ms = self
                .rtts
                .update(&node, measured(&values, "request-latency-avg"));
            links.push(BrokerLink {
                name: node,
                state: "UP".into(),
                rtt_ms,
            });
        }
        links
    }

    async fn read_consumer(
        &mut self,
        id: &str,
        group: &str,
    ) -> Result<ConsumerMetrics, ProbeError> {
        let metrics = self
            .client
            .read(
                &format!("kafka.consumer:type=consumer-fetch-manager-metrics,client-id={id}"),
                CONSUMER_ATTRIBUTES,
            )
            .await
            .map_err(probe_error)?;
        let control = self
            .client
            .read(
                &consumer_control(id),
                &["ProcessingDelayMs", "MessagesConsumed"],
            )
            .await
            .unwrap_or_default();
        Ok(ConsumerMetrics {
            group: group.to_owned(),
            records_lag_max: number(&metrics, "records-lag-max"),
            records_consumed_rate: number(&metrics, "records-consumed-rate"),
            fetch_rate: number(&metrics, "fetch-rate"),
            fetch_latency_ms: number(&metrics, "fetch-latency-avg"),
            processing_delay_ms: number(&control, "ProcessingDelayMs").max(0.0) as u64,
            messages_consumed: number(&control, "MessagesConsumed").max(0.0) as u64,
        })
    }
}

#[async_trait::async_trait]
impl Probe for JmxProbe {
    fn name(&self) -> &'static str {
        "jmx"
    }

    async fn sample(&mut self) -> Result<Option<Reading>, ProbeError> {
        let id = self.client_id().await?;
        match self.target.clone() {
            JmxTarget::Producer => Ok(Some(Reading {
                producer: Some(self.read_producer(&id).await?),
                consumer: None,
            })),
            JmxTarget::Consumer { group } => Ok(Some(Reading {
                producer: None,
                consumer: Some(self.read_consumer(&id, &group).await?),
            })),
        }
    }
}

/// Controls a Java demo producer through its control MBean.
pub struct JmxRateControl {
    client: JmxClient,
    client_id: String,
}

impl JmxRateControl {
    pub fn new(client: JmxClient, client_id: impl Into<String>) -> Self {
        Self {
            client,
            client_id: client_id.into(),
        }
    }
}

#[async_trait::async_trait]
impl Control for JmxRateControl {
    async fn apply(&self, command: &Command) -> Result<String, ControlError> {
        let mbean = producer_control(&self.client_id);
        let failed = |reason: String| ControlError {
            command: format!("{command:?}"),
            reason,
        };
        let current = self
            .client
            .read(&mbean, &["Rate", "NominalRate"])
            .await
            .map_err(|e| failed(e.to_string()))?;
        let previous = number(&current, "Rate") as i64;
        let (rate, verb) = match command {
            Command::SetRate { rate } => (i64::from(*rate), "set"),
            Command::Throttle { rate } => (i64::from(*rate), "throttled"),
            Command::Resume => (number(&current, "NominalRate") as i64, "restored"),
        };
        let rate =
            i32::try_from(rate).map_err(|_| failed(format!("rate {rate} is out of range")))?;
        self.client
            .set(&mbean, "Rate", JmxValue::Int(i64::from(rate)))
            .await
            .map_err(|e| failed(e.to_string()))?;
        Ok(format!(
            "Rate {verb} from {previous} to {rate} messages per second."
        ))
    }
}

/// Consumers have no rate to change: every command is refused with a reason.
pub struct NoControl;

#[async_trait::async_trait]
impl Control for NoControl {
    async fn apply(&self, command: &Command) -> Result<String, ControlError> {
        Err(ControlError {
            command: format!("{command:?}"),
            reason: "this sidecar watches a consumer, which has no send rate".into(),
        })
    }
}

fn producer_control(client_id: &str) -> String {
    format!("io.faultline.workloads:type=ProducerControl,name={client_id}")
}

fn consumer_control(client_id: &str) -> String {
    format!("io.faultline.workloads:type=ConsumerControl,name={client_id}")
}

/// A finite number from a JMX reading; Kafka reports NaN for averages with no samples in
/// their windows, which is `None` here.
fn measured(values: &[(String, JmxValue)], attribute: &str) -> Option<f64> {
    values
        .iter()
        .find(|(name, _)| name == attribute)
        .and_then(|(_, value)| value.as_f64())
        .filter(|v| v.is_finite())
}

/// [`measured`], with no samples as 0 (NaN could not be sent as JSON anyway).
fn number(values: &[(String, JmxValue)], attribute: &str) -> f64 {
    measured(values, attribute).unwrap_or(0.0)
}

fn probe_error(error: JmxError) -> ProbeError {
    ProbeError {
        probe: "jmx",
        reason: error.to_string(),
    }
}
