//! `consumer-delay` on local: the Java demo consumer's `ProcessingDelayMs` through its
//! control MBean; the delay it replaced goes back on revert (none when the receipt has none).

use async_trait::async_trait;

use super::controls::{swap_control, Workload, WorkloadControls};
use crate::chaos::{misrouted, Executor, Fault, FaultKind, Replaced};

pub struct ConsumerDelay;

#[async_trait]
impl<E: WorkloadControls> Executor<E> for ConsumerDelay {
    const KIND: FaultKind = FaultKind::ConsumerDelay;
    type Receipt = Replaced;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Replaced, String> {
        let Fault::ConsumerDelay { consumer, ms } = fault else {
            return Err(misrouted(fault));
        };
        let ms = i64::try_from(*ms).map_err(|_| format!("a delay of {ms} ms is too long"))?;
        swap_control(env, Workload::Consumer, consumer, "ProcessingDelayMs", ms).await
    }

    async fn revert(&self, env: &E, fault: &Fault, receipt: Replaced) -> Result<(), String> {
        let Fault::ConsumerDelay { consumer, .. } = fault else {
            return Err(misrouted(fault));
        };
        let previous = receipt.previous.unwrap_or(0);
        env.write_control(Workload::Consumer, consumer, "ProcessingDelayMs", previous)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeWorkloads;
    use super::*;

    fn slow() -> Fault {
        Fault::ConsumerDelay {
            consumer: "consumer-1".into(),
            ms: 250,
        }
    }

    #[tokio::test]
    async fn the_replaced_delay_goes_back_and_none_means_no_delay() {
        let jmx = FakeWorkloads::with(&[("consumer-1", "ProcessingDelayMs", 7)]);
        let receipt = ConsumerDelay.inject(&jmx, &slow()).await.unwrap();
        assert_eq!(receipt.previous, Some(7));
        assert_eq!(jmx.value("consumer-1", "ProcessingDelayMs"), Some(250));
        ConsumerDelay.revert(&jmx, &slow(), receipt).await.unwrap();
        assert_eq!(jmx.value("consumer-1", "ProcessingDelayMs"), Some(7));
        ConsumerDelay
            .revert(&jmx, &slow(), Replaced::default())
            .await
            .unwrap();
        assert_eq!(jmx.value("consumer-1", "ProcessingDelayMs"), Some(0));
    }
}
