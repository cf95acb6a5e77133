//! `partition` on rehearsal: the embedded broker refuses its clients' connections (it cannot
//! hang them) but keeps leading its partitions, as a broker behind a cut network path does.

use async_trait::async_trait;

use super::controls::Controls;
use crate::chaos::{misrouted, Executor, Fault, FaultKind, NoReceipt};

pub struct Partition;

#[async_trait]
impl<E: Controls> Executor<E> for Partition {
    const KIND: FaultKind = FaultKind::Partition;
    type Receipt = NoReceipt;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<NoReceipt, String> {
        let Fault::Partition { broker } = *fault else {
            return Err(misrouted(fault));
        };
        env.cut_off(broker).await?;
        Ok(NoReceipt {})
    }

    async fn revert(&self, env: &E, fault: &Fault, _: NoReceipt) -> Result<(), String> {
        let Fault::Partition { broker } = *fault else {
            return Err(misrouted(fault));
        };
        env.broker_up(broker).await
    }
}

#[cfg(test)]
mod tests {
    use super::super::controls::FakeRehearsal;
    use super::*;

    #[tokio::test]
    async fn the_broker_is_cut_off_and_revert_brings_it_back() {
        let env = FakeRehearsal::default();
        let fault = Fault::Partition { broker: 3 };
        let receipt = Partition.inject(&env, &fault).await.unwrap();
        Partition.revert(&env, &fault, receipt).await.unwrap();
        assert_eq!(*env.calls.lock(), ["broker 3 cut off", "broker 3 up"]);
    }

    #[tokio::test]
    async fn another_kind_of_fault_is_refused_untouched() {
        let env = FakeRehearsal::default();
        let latency = Fault::Latency {
            broker: 3,
            ms: 100,
            jitter: 0,
        };
        let refused = Partition.inject(&env, &latency).await.unwrap_err();
        assert!(refused.contains("executor of another kind"), "{refused}");
        assert!(env.calls.lock().is_empty());
    }
}
