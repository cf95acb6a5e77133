//! The faults the local stack carries out: one executor per kind, one file each, registered
//! here; `controls.rs` holds what several kinds share (Toxiproxy toxics, the workloads'
//! control MBeans).

pub(crate) mod controls;

use super::LocalEnvironment;

crate::chaos::fault_executors!(LocalEnvironment {
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
