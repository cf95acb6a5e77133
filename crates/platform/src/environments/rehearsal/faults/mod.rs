//! The faults rehearsal carries out on the embedded cluster: one executor per kind, one file
//! each, registered here. Bandwidth has none (the embedded cluster cannot limit it).

mod broker_down;
mod consumer_delay;
mod controls;
mod cpu_stress;
mod latency;
mod partition;
mod producer_rate;

use std::sync::LazyLock;

use crate::chaos::{Executes, Executors};

use super::RehearsalEnvironment;

static EXECUTORS: LazyLock<Executors<RehearsalEnvironment>> = LazyLock::new(|| {
    Executors::none()
        .with(broker_down::BrokerDown)
        .with(partition::Partition)
        .with(latency::Latency)
        .with(cpu_stress::CpuStress)
        .with(producer_rate::ProducerRate)
        .with(consumer_delay::ConsumerDelay)
});

impl Executes for RehearsalEnvironment {
    fn executors(&self) -> &Executors<Self> {
        &EXECUTORS
    }
}

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
