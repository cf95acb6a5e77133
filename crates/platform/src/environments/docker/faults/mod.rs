//! The faults the docker environment carries out: one executor per kind, one file each,
//! registered here. Network faults and the workloads' controls are the same executors as
//! on local (Toxiproxy's API and JMX reach the containers through their published ports);
//! `controls.rs` connects them to the containers.

mod controls;

pub use crate::environments::local::faults::controls::no_toxics;
pub use controls::full_cpu;

use super::DockerEnvironment;

crate::chaos::fault_executors!(DockerEnvironment {
    broker_down::BrokerDown,
    latency::Latency,
    partition::Partition,
    bandwidth::Bandwidth,
    cpu_stress::CpuStress,
    producer_rate::ProducerRate,
    consumer_delay::ConsumerDelay,
});

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    use crate::chaos::FaultKind;

    #[test]
    fn every_kind_is_registered() {
        assert_eq!(EXECUTORS.kinds(), FaultKind::VARIANTS);
    }
}
