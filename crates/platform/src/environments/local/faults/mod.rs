//! The faults the local stack carries out: one executor per kind, one file each, registered
//! here; `controls.rs` holds what several kinds share (Toxiproxy toxics, the workloads'
//! control MBeans).

mod bandwidth;
mod broker_down;
mod consumer_delay;
mod controls;
mod cpu_stress;
mod latency;
mod partition;
mod producer_rate;

use std::sync::LazyLock;

use crate::chaos::{Executes, Executors};

use super::LocalEnvironment;

static EXECUTORS: LazyLock<Executors<LocalEnvironment>> = LazyLock::new(|| {
    Executors::none()
        .with(broker_down::BrokerDown)
        .with(latency::Latency)
        .with(partition::Partition)
        .with(bandwidth::Bandwidth)
        .with(cpu_stress::CpuStress)
        .with(producer_rate::ProducerRate)
        .with(consumer_delay::ConsumerDelay)
});

impl Executes for LocalEnvironment {
    fn executors(&self) -> &Executors<Self> {
        &EXECUTORS
    }
}

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
