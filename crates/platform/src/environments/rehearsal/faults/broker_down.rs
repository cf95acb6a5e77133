//! `broker-down` on rehearsal: the embedded broker goes down for real (its sockets close and
//! leadership moves off it, as in Kafka) whatever the mode, and comes back up on revert.

use async_trait::async_trait;

use super::controls::Controls;
use crate::chaos::{misrouted, Executor, Fault, FaultKind, NoReceipt};

pub struct BrokerDown;

#[async_trait]
impl<E: Controls> Executor<E> for BrokerDown {
    const KIND: FaultKind = FaultKind::BrokerDown;
    type Receipt = NoReceipt;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<NoReceipt, String> {
        let Fault::BrokerDown { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        env.broker_down(broker).await?;
        Ok(NoReceipt {})
    }

    async fn revert(&self, env: &E, fault: &Fault, _: NoReceipt) -> Result<(), String> {
        let Fault::BrokerDown { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        env.broker_up(broker).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeRehearsal;
    use super::*;
    use crate::chaos::DownMode;

    #[tokio::test]
    async fn every_mode_takes_the_broker_down_and_revert_brings_it_up() {
        let env = FakeRehearsal::default();
        for mode in [DownMode::Kill, DownMode::Stop, DownMode::Pause] {
            let fault = Fault::BrokerDown { broker: 2, mode };
            let receipt = BrokerDown.inject(&env, &fault).await.unwrap();
            BrokerDown.revert(&env, &fault, receipt).await.unwrap();
        }
        assert_eq!(
            *env.calls.lock(),
            ["broker 2 down", "broker 2 up"].repeat(3)
        );
    }

    #[tokio::test]
    async fn a_cluster_that_refuses_is_an_error_not_a_receipt() {
        let env = FakeRehearsal {
            down: Some("rehearsal is not running"),
            ..FakeRehearsal::default()
        };
        let fault = Fault::BrokerDown {
            broker: 1,
            mode: DownMode::Kill,
        };
        assert_eq!(
            BrokerDown.inject(&env, &fault).await.unwrap_err(),
            "rehearsal is not running"
        );
    }
}
