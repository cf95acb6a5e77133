//! A rehearsal demo producer with its sidecar, both as tasks in this process.

use std::time::Duration;

use faultline_kafka::ClientSettings;
use faultline_protocol::{topics, SidecarId};
use faultline_sidecar::probes::LibrdkafkaProbe;
use faultline_sidecar::workload::{DemoProducer, DemoProducerConfig};
use faultline_sidecar::{SidecarConfig, SidecarHandle};

/// A demo producer and the sidecar watching it, both running as tasks in this process.
pub struct DemoWorkload {
    pub producer: DemoProducer,
    pub sidecar: SidecarHandle,
}

#[derive(Debug, Clone)]
pub struct DemoWorkloadConfig {
    pub id: SidecarId,
    pub rate: u32,
    pub heartbeat_interval: Duration,
    pub signal_interval: Duration,
}

impl DemoWorkloadConfig {
    pub fn new(id: SidecarId) -> Self {
        Self {
            id,
            rate: crate::environments::REHEARSAL_PRODUCER_RATE,
            heartbeat_interval: Duration::from_secs(2),
            signal_interval: Duration::from_secs(1),
        }
    }
}

impl DemoWorkload {
    pub fn spawn(kafka: &ClientSettings, config: DemoWorkloadConfig) -> Result<Self, String> {
        let mut producer_config = DemoProducerConfig::new(config.id.as_str(), topics::DEMO.name);
        producer_config.rate = config.rate;
        let producer = DemoProducer::start(kafka, producer_config)
            .map_err(|e| format!("cannot start demo producer {}: {e}", config.id))?;
        let probe = LibrdkafkaProbe::new(producer.statistics(), producer.state());
        let mut sidecar_config = SidecarConfig::new(config.id, kafka.clone());
        sidecar_config.workload = "rehearsal demo producer".into();
        sidecar_config.heartbeat_interval = config.heartbeat_interval;
        sidecar_config.signal_interval = config.signal_interval;
        let sidecar = faultline_sidecar::spawn(sidecar_config, Box::new(probe), producer.control());
        Ok(Self { producer, sidecar })
    }

    /// Leaves cleanly: the sidecar writes its tombstone, then the producer stops.
    pub async fn stop(self) {
        self.sidecar.shutdown().await;
    }
}
