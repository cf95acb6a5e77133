//! `cpu-stress` on rehearsal: CPU saturation needs a broker process of its own, so it is
//! emulated as a slow broker: 100 ms more round trip per CPU hog, put back on revert.

use std::time::Duration;

use async_trait::async_trait;

use super::controls::Controls;
use crate::chaos::{misrouted, Executor, Fault, FaultKind, NoReceipt};

/// Extra round trip per CPU hog.
const SLOWDOWN_PER_WORKER: Duration = Duration::from_millis(100);

pub struct CpuStress;

#[async_trait]
impl<E: Controls> Executor<E> for CpuStress {
    const KIND: FaultKind = FaultKind::CpuStress;
    type Receipt = NoReceipt;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<NoReceipt, String> {
        let Fault::CpuStress { broker, workers } = *fault else {
            return Err(misrouted(fault));
        };
        env.set_extra_round_trip(broker, SLOWDOWN_PER_WORKER * workers)
            .await?;
        Ok(NoReceipt {})
    }

    async fn revert(&self, env: &E, fault: &Fault, _: NoReceipt) -> Result<(), String> {
        let Fault::CpuStress { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        env.restore_round_trip(broker).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeRehearsal;
    use super::*;

    #[tokio::test]
    async fn each_hog_slows_the_broker_by_100_ms_until_reverted() {
        let env = FakeRehearsal::default();
        let fault = Fault::CpuStress {
            broker: 2,
            workers: 4,
        };
        let receipt = CpuStress.inject(&env, &fault).await.unwrap();
        CpuStress.revert(&env, &fault, receipt).await.unwrap();
        assert_eq!(
            *env.calls.lock(),
            ["broker 2 +400 ms", "broker 2 round trip restored"]
        );
    }
}
