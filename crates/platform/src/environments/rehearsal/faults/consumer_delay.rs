//! `consumer-delay` on rehearsal: the demo consumer's processing delay per record is
//! swapped, and the one it replaced goes back on revert (none when the receipt has none).

use async_trait::async_trait;

use super::controls::Controls;
use crate::chaos::{misrouted, Executor, Fault, FaultKind, Replaced};

pub struct ConsumerDelay;

#[async_trait]
impl<E: Controls> Executor<E> for ConsumerDelay {
    const KIND: FaultKind = FaultKind::ConsumerDelay;
    type Receipt = Replaced;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Replaced, String> {
        let Fault::ConsumerDelay { consumer, ms } = fault else {
            return Err(misrouted(fault));
        };
        let previous = env.swap_delay(consumer, *ms).await?;
        Ok(Replaced {
            previous: i64::try_from(previous).ok(),
        })
    }

    async fn revert(&self, env: &E, fault: &Fault, receipt: Replaced) -> Result<(), String> {
        let Fault::ConsumerDelay { consumer, .. } = fault else {
            return Err(misrouted(fault));
        };
        let previous = receipt
            .previous
            .and_then(|p| u64::try_from(p).ok())
            .unwrap_or(0);
        env.swap_delay(consumer, previous).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeRehearsal;
    use super::*;

    fn slow() -> Fault {
        Fault::ConsumerDelay {
            consumer: "consumer-1".into(),
            ms: 500,
        }
    }

    #[tokio::test]
    async fn the_replaced_delay_goes_back_and_none_means_no_delay() {
        let env = FakeRehearsal::default();
        *env.delay.lock() = 3;
        let receipt = ConsumerDelay.inject(&env, &slow()).await.unwrap();
        assert_eq!(receipt.previous, Some(3));
        assert_eq!(*env.delay.lock(), 500);
        ConsumerDelay.revert(&env, &slow(), receipt).await.unwrap();
        assert_eq!(*env.delay.lock(), 3);
        ConsumerDelay
            .revert(&env, &slow(), Replaced::default())
            .await
            .unwrap();
        assert_eq!(*env.delay.lock(), 0);
        assert_eq!(
            *env.calls.lock(),
            [
                "consumer-1 at 500 ms",
                "consumer-1 at 3 ms",
                "consumer-1 at 0 ms"
            ]
        );
    }
}
