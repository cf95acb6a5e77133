//! The faults rehearsal carries out on the embedded cluster: one executor per kind, one file
//! each, registered here one line each. Bandwidth has none (the embedded cluster cannot
//! limit it).

mod controls;

use super::RehearsalEnvironment;

crate::chaos::fault_executors!(RehearsalEnvironment {
    broker_down::BrokerDown,
    partition::Partition,
    latency::Latency,
    cpu_stress::CpuStress,
    producer_rate::ProducerRate,
    consumer_delay::ConsumerDelay,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chaos::FaultKind;

    #[test]
    fn every_kind_but_bandwidth_is_registered() {
        assert_eq!(
            EXECUTORS.kinds(),
            [
                FaultKind::BrokerDown,
                FaultKind::Latency,
                FaultKind::Partition,
                FaultKind::CpuStress,
                FaultKind::ProducerRate,
                FaultKind::ConsumerDelay,
            ]
        );
    }
}
