//! `latency` on rehearsal: the broker's simulated round trip is raised by the fault's ms
//! (jitter is not simulated), and put back on revert.

use std::time::Duration;

use async_trait::async_trait;

use super::controls::Controls;
use crate::chaos::{misrouted, Executor, Fault, FaultKind, NoReceipt};

pub struct Latency;

#[async_trait]
impl<E: Controls> Executor<E> for Latency {
    const KIND: FaultKind = FaultKind::Latency;
    type Receipt = NoReceipt;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<NoReceipt, String> {
        let Fault::Latency { broker, ms, .. } = *fault else {
            return Err(misrouted(fault));
        };
        env.set_extra_round_trip(broker, Duration::from_millis(u64::from(ms)))
            .await?;
        Ok(NoReceipt {})
    }

    async fn revert(&self, env: &E, fault: &Fault, _: NoReceipt) -> Result<(), String> {
        let Fault::Latency { broker, .. } = *fault else {
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
    async fn the_round_trip_grows_by_the_latency_and_is_restored() {
        let env = FakeRehearsal::default();
        let fault = Fault::Latency {
            broker: 1,
            ms: 750,
            jitter: 50,
        };
        let receipt = Latency.inject(&env, &fault).await.unwrap();
        Latency.revert(&env, &fault, receipt).await.unwrap();
        assert_eq!(
            *env.calls.lock(),
            ["broker 1 +750 ms", "broker 1 round trip restored"]
        );
    }
}
