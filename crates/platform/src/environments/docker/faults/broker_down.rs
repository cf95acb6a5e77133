//! `broker-down` on docker: the broker's container is killed (SIGKILL), paused (the
//! freezer cgroup: it keeps its sockets open and answers nothing) or stopped (SIGTERM,
//! then SIGKILL after 30 s); revert unpauses or starts it again.

use std::time::Duration;

use async_trait::async_trait;
use backon::{ConstantBuilder, Retryable};

use super::super::{broker_service, DockerEnvironment};
use crate::chaos::{misrouted, DownMode, Executor, Fault, FaultKind, NoReceipt};

/// How long a clean shutdown may take before the engine kills the broker.
const SHUTDOWN_GRACE_S: i32 = 30;
/// A pause the freezer refused is tried again up to 3 times, half a second apart.
const FREEZER_RETRIES: ConstantBuilder = ConstantBuilder::new()
    .with_delay(Duration::from_millis(500))
    .with_max_times(3);

/// The broker containers, by Kafka `node.id`.
#[async_trait]
pub trait BrokerContainers: Send + Sync + 'static {
    /// Kills, pauses or stops broker `broker`'s container. Errors: no such container, or
    /// the engine's answer (it is not running).
    async fn take_down(&self, broker: i32, mode: DownMode) -> Result<(), String>;
    /// Unpauses or starts it; nothing to do when it runs. Errors: as above.
    async fn bring_back(&self, broker: i32) -> Result<(), String>;
}

#[async_trait]
impl BrokerContainers for DockerEnvironment {
    async fn take_down(&self, broker: i32, mode: DownMode) -> Result<(), String> {
        let service = broker_service(broker);
        let (docker, id) = self.container(&service).await?;
        let result = match mode {
            DownMode::Kill => {
                let options = bollard::query_parameters::KillContainerOptionsBuilder::default()
                    .signal("SIGKILL")
                    .build();
                docker.kill_container(&id, Some(options)).await
            }
            DownMode::Pause => {
                // cgroup v1's freezer gives up ("unable to freeze") when a task it must stop
                // is in an uninterruptible wait; a moment later it freezes.
                (|| docker.pause_container(&id))
                    .retry(FREEZER_RETRIES)
                    .when(|error| error.to_string().contains("unable to freeze"))
                    .notify(|error, after| {
                        tracing::warn!(%service, %error, ?after, "pausing again: the freezer refused")
                    })
                    .await
            }
            DownMode::Stop => {
                let options = bollard::query_parameters::StopContainerOptionsBuilder::default()
                    .t(SHUTDOWN_GRACE_S)
                    .build();
                docker.stop_container(&id, Some(options)).await
            }
        };
        result.map_err(|e| format!("taking {service} down failed: {e}"))
    }

    async fn bring_back(&self, broker: i32) -> Result<(), String> {
        self.resume(&broker_service(broker)).await
    }
}

pub struct BrokerDown;

#[async_trait]
impl<E: BrokerContainers> Executor<E> for BrokerDown {
    const KIND: FaultKind = FaultKind::BrokerDown;
    type Receipt = NoReceipt;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<NoReceipt, String> {
        let Fault::BrokerDown { broker, mode } = *fault else {
            return Err(misrouted(fault));
        };
        env.take_down(broker, mode).await?;
        Ok(NoReceipt {})
    }

    async fn revert(&self, env: &E, fault: &Fault, _: NoReceipt) -> Result<(), String> {
        let Fault::BrokerDown { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        env.bring_back(broker).await
    }
}

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;

    use super::*;

    /// Broker containers that only record what was done to them.
    #[derive(Default)]
    struct FakeContainers {
        done: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl BrokerContainers for FakeContainers {
        async fn take_down(&self, broker: i32, mode: DownMode) -> Result<(), String> {
            self.done.lock().push(format!("broker {broker} {mode:?}"));
            Ok(())
        }
        async fn bring_back(&self, broker: i32) -> Result<(), String> {
            self.done.lock().push(format!("broker {broker} back"));
            Ok(())
        }
    }

    #[tokio::test]
    async fn each_mode_takes_the_container_down_and_every_revert_brings_it_back() {
        let containers = FakeContainers::default();
        for mode in [DownMode::Kill, DownMode::Pause, DownMode::Stop] {
            let fault = Fault::BrokerDown { broker: 3, mode };
            let receipt = BrokerDown.inject(&containers, &fault).await.unwrap();
            BrokerDown.revert(&containers, &fault, receipt).await.unwrap();
        }
        assert_eq!(
            *containers.done.lock(),
            [
                "broker 3 Kill",
                "broker 3 back",
                "broker 3 Pause",
                "broker 3 back",
                "broker 3 Stop",
                "broker 3 back",
            ]
        );
    }
}
