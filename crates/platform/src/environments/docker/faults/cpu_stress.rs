//! `cpu-stress` on docker: the broker container's CPU quota is cut to 5 % of one CPU
//! (the CFS quota, through the Engine API), which is what local's real-time stress-ng
//! workers leave a broker; revert puts the quota it had back. The quota starves the broker
//! alone, whatever the laptop's other load, and nothing has to run inside the container.
//! `workers` does not apply to a quota.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use bollard::models::ContainerUpdateBody;

use super::super::{broker_service, DockerEnvironment};
use crate::chaos::{misrouted, Executor, Fault, FaultKind};

/// The CFS period the quota is counted in, µs (the kernel's default).
const PERIOD_US: i64 = 100_000;
/// What the broker keeps: 5 % of one CPU per period, µs.
const STARVED_QUOTA_US: i64 = PERIOD_US / 20;

/// A broker container's CPU quota.
#[async_trait]
pub trait CpuQuota: Send + Sync + 'static {
    /// `(period, quota)` in µs; a quota of 0 or less is none. Errors: no such container.
    async fn cpu_quota(&self, broker: i32) -> Result<(i64, i64), String>;
    /// Sets them; a quota of -1 lifts the limit. Errors: the engine's answer.
    async fn set_cpu_quota(&self, broker: i32, period: i64, quota: i64) -> Result<(), String>;
}

#[async_trait]
impl CpuQuota for DockerEnvironment {
    async fn cpu_quota(&self, broker: i32) -> Result<(i64, i64), String> {
        let service = broker_service(broker);
        let (docker, id) = self.container(&service).await?;
        let host = docker
            .inspect_container(&id, None)
            .await
            .map_err(|e| format!("inspecting {service} failed: {e}"))?
            .host_config
            .unwrap_or_default();
        Ok((host.cpu_period.unwrap_or(0), host.cpu_quota.unwrap_or(0)))
    }

    async fn set_cpu_quota(&self, broker: i32, period: i64, quota: i64) -> Result<(), String> {
        let service = broker_service(broker);
        let (docker, id) = self.container(&service).await?;
        let update = ContainerUpdateBody {
            cpu_period: Some(period),
            cpu_quota: Some(quota),
            ..Default::default()
        };
        docker
            .update_container(&id, update)
            .await
            .map(|_| ())
            .map_err(|e| format!("setting {service}'s CPU quota failed: {e}"))
    }
}

/// The receipt: the quota the broker had, `(period, quota)` in µs; `None` when it was
/// never read (a crash before), and then the limit is lifted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousQuota {
    #[serde(default)]
    pub quota: Option<(i64, i64)>,
}

pub struct CpuStress;

#[async_trait]
impl<E: CpuQuota> Executor<E> for CpuStress {
    const KIND: FaultKind = FaultKind::CpuStress;
    type Receipt = PreviousQuota;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<PreviousQuota, String> {
        let Fault::CpuStress { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        let previous = env.cpu_quota(broker).await?;
        env.set_cpu_quota(broker, PERIOD_US, STARVED_QUOTA_US).await?;
        Ok(PreviousQuota {
            quota: Some(previous),
        })
    }

    async fn revert(&self, env: &E, fault: &Fault, receipt: PreviousQuota) -> Result<(), String> {
        let Fault::CpuStress { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        match receipt.quota {
            Some((period, quota)) if quota > 0 => env.set_cpu_quota(broker, period, quota).await,
            _ => env.set_cpu_quota(broker, PERIOD_US, -1).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use parking_lot::Mutex;

    use super::*;
    use crate::chaos::{Executors, Receipt};

    /// Quotas by broker; broker 1 starts without one.
    #[derive(Default)]
    struct FakeQuotas {
        quotas: Mutex<BTreeMap<i32, (i64, i64)>>,
    }

    #[async_trait]
    impl CpuQuota for FakeQuotas {
        async fn cpu_quota(&self, broker: i32) -> Result<(i64, i64), String> {
            Ok(self.quotas.lock().get(&broker).copied().unwrap_or((0, 0)))
        }
        async fn set_cpu_quota(&self, broker: i32, period: i64, quota: i64) -> Result<(), String> {
            self.quotas.lock().insert(broker, (period, quota));
            Ok(())
        }
    }

    const FAULT: Fault = Fault::CpuStress {
        broker: 1,
        workers: 4,
    };

    #[tokio::test]
    async fn the_quota_is_cut_to_five_percent_and_lifted_again() {
        let quotas = FakeQuotas::default();
        let receipt = CpuStress.inject(&quotas, &FAULT).await.unwrap();
        assert_eq!(quotas.cpu_quota(1).await.unwrap(), (100_000, 5_000));
        CpuStress.revert(&quotas, &FAULT, receipt).await.unwrap();
        assert_eq!(quotas.cpu_quota(1).await.unwrap(), (100_000, -1));
    }

    #[tokio::test]
    async fn a_quota_the_broker_had_before_comes_back() {
        let quotas = FakeQuotas::default();
        quotas.quotas.lock().insert(1, (50_000, 25_000));
        let receipt = CpuStress.inject(&quotas, &FAULT).await.unwrap();
        CpuStress.revert(&quotas, &FAULT, receipt).await.unwrap();
        assert_eq!(quotas.cpu_quota(1).await.unwrap(), (50_000, 25_000));
    }

    #[tokio::test]
    async fn a_fault_written_down_without_its_receipt_still_lifts_the_limit() {
        let quotas = FakeQuotas::default();
        CpuStress.inject(&quotas, &FAULT).await.unwrap();
        Executors::none()
            .with(CpuStress)
            .revert(&quotas, &FAULT, None::<&Receipt>)
            .await
            .unwrap();
        assert_eq!(quotas.cpu_quota(1).await.unwrap(), (100_000, -1));
    }
}
