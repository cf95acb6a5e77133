//! How the local stack carries out each kind of fault: one module per kind.

mod broker_down;
mod cpu_stress;
mod network;
mod workload;

use crate::chaos::{Fault, FaultKind, Receipt};

use super::LocalEnvironment;

pub fn supports(kind: FaultKind) -> bool {
    matches!(
        kind,
        FaultKind::BrokerDown
            | FaultKind::Latency
            | FaultKind::Partition
            | FaultKind::Bandwidth
            | FaultKind::CpuStress
            | FaultKind::ProducerRate
            | FaultKind::ConsumerDelay
    )
}

pub async fn inject(env: &LocalEnvironment, fault: &Fault) -> Result<Receipt, String> {
    match fault {
        Fault::BrokerDown { broker, mode } => broker_down::inject(env, *broker, *mode).await,
        Fault::Latency { .. } | Fault::Partition { .. } | Fault::Bandwidth { .. } => {
            network::inject(env, fault).await
        }
        Fault::CpuStress { broker, workers } => cpu_stress::inject(env, *broker, *workers).await,
        Fault::ProducerRate { producer, rate } => workload::set_rate(env, producer, *rate).await,
        Fault::ConsumerDelay { consumer, ms } => workload::set_delay(env, consumer, *ms).await,
    }
}

pub async fn revert(
    env: &LocalEnvironment,
    fault: &Fault,
    receipt: &Receipt,
) -> Result<(), String> {
    match fault {
        Fault::BrokerDown { broker, .. } => broker_down::revert(env, *broker).await,
        Fault::Latency { .. } | Fault::Partition { .. } | Fault::Bandwidth { .. } => {
            network::revert(env, receipt).await
        }
        Fault::CpuStress { broker, .. } => cpu_stress::revert(env, *broker, receipt).await,
        Fault::ProducerRate { producer, .. } => {
            workload::restore_rate(env, producer, receipt).await
        }
        Fault::ConsumerDelay { consumer, .. } => {
            workload::restore_delay(env, consumer, receipt).await
        }
    }
}
