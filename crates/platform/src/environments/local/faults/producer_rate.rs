//! `producer-rate` on local: the Java demo producer's `Rate` through its control MBean; the
//! rate it replaced goes back on revert (its `NominalRate` when the receipt has none).

use async_trait::async_trait;

use super::controls::{swap_control, Workload, WorkloadControls};
use crate::chaos::{misrouted, Executor, Fault, FaultKind, Replaced};

pub struct ProducerRate;

#[async_trait]
impl<E: WorkloadControls> Executor<E> for ProducerRate {
    const KIND: FaultKind = FaultKind::ProducerRate;
    type Receipt = Replaced;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Replaced, String> {
        let Fault::ProducerRate { producer, rate } = fault else {
            return Err(misrouted(fault));
        };
        swap_control(env, Workload::Producer, producer, "Rate", i64::from(*rate)).await
    }

    async fn revert(&self, env: &E, fault: &Fault, receipt: Replaced) -> Result<(), String> {
        let Fault::ProducerRate { producer, .. } = fault else {
            return Err(misrouted(fault));
        };
        let previous = match receipt.previous {
            Some(previous) => previous,
            None => {
                env.read_control(Workload::Producer, producer, "NominalRate")
                    .await?
            }
        };
        env.write_control(Workload::Producer, producer, "Rate", previous)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeWorkloads;
    use super::*;

    fn burst() -> Fault {
        Fault::ProducerRate {
            producer: "producer-1".into(),
            rate: 100_000,
        }
    }

    #[tokio::test]
    async fn the_replaced_rate_goes_back() {
        let jmx = FakeWorkloads::with(&[("producer-1", "Rate", 80)]);
        let receipt = ProducerRate.inject(&jmx, &burst()).await.unwrap();
        assert_eq!(jmx.value("producer-1", "Rate"), Some(100_000));
        ProducerRate.revert(&jmx, &burst(), receipt).await.unwrap();
        assert_eq!(jmx.value("producer-1", "Rate"), Some(80));
    }

    #[tokio::test]
    async fn without_a_receipt_the_nominal_rate_goes_back() {
        let jmx = FakeWorkloads::with(&[
            ("producer-1", "Rate", 5),
            ("producer-1", "NominalRate", 100),
        ]);
        ProducerRate
            .revert(&jmx, &burst(), Replaced::default())
            .await
            .unwrap();
        assert_eq!(jmx.value("producer-1", "Rate"), Some(100));
    }
}
