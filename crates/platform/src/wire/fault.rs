//! Faults as values: what to break, precisely enough to undo exactly. Each environment says
//! which kinds it supports and how it carries each out (environments/*/faults).

use serde::{Deserialize, Serialize};

/// How a broker goes down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum DownMode {
    /// SIGKILL: a crash.
    Kill,
    /// SIGTERM: a clean shutdown.
    Stop,
    /// SIGSTOP: frozen, connections hang (a GC pause, a hung VM).
    Pause,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Fault {
    BrokerDown {
        broker: i32,
        mode: DownMode,
    },
    /// Added delay on the network path between clients and one broker.
    Latency {
        broker: i32,
        ms: u32,
        #[serde(default)]
        jitter: u32,
    },
    /// Clients cannot reach one broker at all; connections hang.
    Partition {
        broker: i32,
    },
    /// Clients' traffic to one broker limited to `kbps` kilobytes per second.
    Bandwidth {
        broker: i32,
        kbps: u32,
    },
    /// `workers` CPU hogs on the CPU one broker is pinned to.
    CpuStress {
        broker: i32,
        workers: u32,
    },
    /// A producer's send rate set to `rate` messages per second.
    ProducerRate {
        producer: String,
        rate: u32,
    },
    /// A consumer's processing delay per record set to `ms`.
    ConsumerDelay {
        consumer: String,
        ms: u64,
    },
}

/// The kinds, by name (`broker-down`, `latency`, ...).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    BrokerDown,
    Latency,
    Partition,
    Bandwidth,
    CpuStress,
    ProducerRate,
    ConsumerDelay,
}

impl FaultKind {
    /// Its name in fault values and the API: `broker-down`, `latency`, ...
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::BrokerDown => "broker-down",
            FaultKind::Latency => "latency",
            FaultKind::Partition => "partition",
            FaultKind::Bandwidth => "bandwidth",
            FaultKind::CpuStress => "cpu-stress",
            FaultKind::ProducerRate => "producer-rate",
            FaultKind::ConsumerDelay => "consumer-delay",
        }
    }
}

impl Fault {
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::BrokerDown { .. } => FaultKind::BrokerDown,
            Fault::Latency { .. } => FaultKind::Latency,
            Fault::Partition { .. } => FaultKind::Partition,
            Fault::Bandwidth { .. } => FaultKind::Bandwidth,
            Fault::CpuStress { .. } => FaultKind::CpuStress,
            Fault::ProducerRate { .. } => FaultKind::ProducerRate,
            Fault::ConsumerDelay { .. } => FaultKind::ConsumerDelay,
        }
    }

    /// What it touches; a new fault on the same spot replaces the old one (a latency ramp).
    pub fn spot(&self) -> String {
        match self {
            Fault::BrokerDown { broker, .. } => format!("broker-{broker} process"),
            Fault::Latency { broker, .. }
            | Fault::Partition { broker }
            | Fault::Bandwidth { broker, .. } => {
                format!("broker-{broker} network {:?}", self.kind())
            }
            Fault::CpuStress { broker, .. } => format!("broker-{broker} cpu"),
            Fault::ProducerRate { producer, .. } => format!("{producer} rate"),
            Fault::ConsumerDelay { consumer, .. } => format!("{consumer} delay"),
        }
    }

    /// A sentence for the timeline and the presenter.
    pub fn describe(&self) -> String {
        match self {
            Fault::BrokerDown {
                broker,
                mode: DownMode::Kill,
            } => format!("broker-{broker} killed (SIGKILL)"),
            Fault::BrokerDown {
                broker,
                mode: DownMode::Stop,
            } => format!("broker-{broker} shut down"),
            Fault::BrokerDown {
                broker,
                mode: DownMode::Pause,
            } => format!("broker-{broker} frozen (SIGSTOP)"),
            Fault::Latency {
                broker,
                ms,
                jitter: 0,
            } => format!("{ms} ms of latency to broker-{broker}"),
            Fault::Latency { broker, ms, jitter } => {
                format!("{ms} ms (±{jitter} ms) of latency to broker-{broker}")
            }
            Fault::Partition { broker } => format!("broker-{broker} cut off from its clients"),
            Fault::Bandwidth { broker, kbps } => {
                format!("traffic to broker-{broker} limited to {kbps} KB/s")
            }
            // Each environment starves the broker its own way (`workers` hogs on local, a
            // CPU quota on docker): the sentence names what every one of them does.
            Fault::CpuStress { broker, .. } => format!("broker-{broker} starved of CPU"),
            Fault::ProducerRate { producer, rate } => {
                format!("{producer} sending at {rate} messages per second")
            }
            Fault::ConsumerDelay { consumer, ms } => {
                format!("{consumer} taking {ms} ms per record")
            }
        }
    }

    /// Rejects values no environment could carry out sensibly (the API answers 422). Which
    /// targets exist is the environment's inventory's to say.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Fault::Latency { ms, .. } if *ms > 60_000 => {
                Err(format!("latency of {ms} ms is over a minute"))
            }
            Fault::Latency { jitter, .. } if *jitter > 60_000 => {
                Err(format!("a jitter of {jitter} ms is over a minute"))
            }
            Fault::Bandwidth { kbps: 0, .. } => {
                Err("a bandwidth of 0 KB/s is a partition; use that kind".into())
            }
            Fault::CpuStress { workers, .. } if *workers == 0 || *workers > 64 => {
                Err(format!("{workers} CPU workers is not between 1 and 64"))
            }
            Fault::ProducerRate { rate, .. } if *rate > 1_000_000 => {
                Err(format!("rate {rate} is over 1 000 000 messages per second"))
            }
            Fault::ConsumerDelay { ms, .. } if *ms > 60_000 => {
                Err(format!("a delay of {ms} ms per record is over a minute"))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_read_as_tagged_values() {
        let fault: Fault =
            serde_json::from_str(r#"{"kind":"latency","broker":2,"ms":500}"#).unwrap();
        assert_eq!(
            fault,
            Fault::Latency {
                broker: 2,
                ms: 500,
                jitter: 0
            }
        );
        assert_eq!(fault.describe(), "500 ms of latency to broker-2");
        let down: Fault =
            serde_json::from_str(r#"{"kind":"broker-down","broker":1,"mode":"pause"}"#).unwrap();
        assert_eq!(down.kind(), FaultKind::BrokerDown);
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"meteor","broker":1}"#).is_err());
    }

    #[test]
    fn a_kinds_name_is_its_name_in_fault_values() {
        for kind in <FaultKind as strum::VariantArray>::VARIANTS {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }

    #[test]
    fn a_ramp_replaces_the_same_spot() {
        let a = Fault::Latency {
            broker: 1,
            ms: 100,
            jitter: 0,
        };
        let b = Fault::Latency {
            broker: 1,
            ms: 2000,
            jitter: 0,
        };
        assert_eq!(a.spot(), b.spot());
        assert_ne!(a.spot(), Fault::Partition { broker: 1 }.spot());
    }

    #[test]
    fn nonsense_values_are_refused_with_a_reason() {
        assert!(Fault::CpuStress {
            broker: 1,
            workers: 0
        }
        .validate()
        .unwrap_err()
        .contains("0 CPU workers"));
        assert!(Fault::Bandwidth { broker: 1, kbps: 0 }.validate().is_err());
        assert!(Fault::Latency {
            broker: 1,
            ms: 10,
            jitter: 60_001
        }
        .validate()
        .unwrap_err()
        .contains("jitter"));
        assert!(Fault::Latency {
            broker: 1,
            ms: 2000,
            jitter: 0
        }
        .validate()
        .is_ok());
    }
}
