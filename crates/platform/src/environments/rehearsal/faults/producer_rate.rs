//! `producer-rate` on rehearsal: the demo producer's rate is swapped, and the one it
//! replaced goes back on revert (its configured rate when the receipt has none).

use async_trait::async_trait;

use super::controls::Controls;
use crate::chaos::{misrouted, Executor, Fault, FaultKind, Replaced};

pub struct ProducerRate;

#[async_trait]
impl<E: Controls> Executor<E> for ProducerRate {
    const KIND: FaultKind = FaultKind::ProducerRate;
    type Receipt = Replaced;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<Replaced, String> {
        let Fault::ProducerRate { producer, rate } = fault else {
            return Err(misrouted(fault));
        };
        let previous = env.swap_rate(producer, *rate).await?;
        Ok(Replaced {
            previous: Some(i64::from(previous)),
        })
    }

    async fn revert(&self, env: &E, fault: &Fault, receipt: Replaced) -> Result<(), String> {
        let Fault::ProducerRate { producer, .. } = fault else {
            return Err(misrouted(fault));
        };
        let previous = match receipt.previous.and_then(|p| u32::try_from(p).ok()) {
            Some(previous) => previous,
            None => env.nominal_rate(producer).await?,
        };
        env.swap_rate(producer, previous).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeRehearsal;
    use super::*;
    use crate::chaos::{Executors, Receipt};

    fn burst() -> Fault {
        Fault::ProducerRate {
            producer: "producer-1".into(),
            rate: 10_000,
        }
    }

    #[tokio::test]
    async fn the_replaced_rate_goes_back() {
        let env = FakeRehearsal::default();
        *env.rate.lock() = 25;
        let receipt = ProducerRate.inject(&env, &burst()).await.unwrap();
        assert_eq!(receipt.previous, Some(25));
        assert_eq!(*env.rate.lock(), 10_000);
        ProducerRate.revert(&env, &burst(), receipt).await.unwrap();
        assert_eq!(*env.rate.lock(), 25);
    }

    #[tokio::test]
    async fn without_a_readable_previous_rate_the_configured_one_goes_back() {
        let env = FakeRehearsal {
            nominal: 7,
            ..FakeRehearsal::default()
        };
        *env.rate.lock() = 10_000;
        for previous in [None, Some(-1), Some(i64::MAX)] {
            ProducerRate
                .revert(&env, &burst(), Replaced { previous })
                .await
                .unwrap();
            assert_eq!(*env.rate.lock(), 7, "{previous:?}");
        }
    }

    #[tokio::test]
    async fn a_receipt_an_older_faultline_wrote_still_reverts() {
        let env = FakeRehearsal::default();
        *env.rate.lock() = 10_000;
        let old: Receipt = serde_json::from_value(serde_json::json!({
            "toxics": [], "process": null, "previous": 12, "affinity": null
        }))
        .unwrap();
        let executors = Executors::none().with(ProducerRate);
        executors.revert(&env, &burst(), Some(&old)).await.unwrap();
        assert_eq!(*env.rate.lock(), 12);
    }
}
