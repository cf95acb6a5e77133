//! `broker-down` on local: the broker's process is killed (SIGKILL), frozen (SIGSTOP) or
//! shut down (SIGTERM, then SIGKILL after 30 s); revert resumes or starts it again.

use std::time::Duration;

use async_trait::async_trait;
use nix::sys::signal::Signal;

use crate::chaos::{misrouted, DownMode, Executor, Fault, FaultKind, NoReceipt};
use crate::environments::local::LocalEnvironment;
use crate::environments::Environment;

/// How long a clean shutdown may take before the broker is killed.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The broker processes of the stack, by Kafka `broker.id`.
#[async_trait]
pub trait BrokerProcesses: Send + Sync + 'static {
    /// Sends a signal to a broker's process. Errors: no such broker, never started, not
    /// running, or the signal could not be sent.
    async fn signal_broker(&self, broker: i32, signal: Signal) -> Result<(), String>;
    /// SIGTERM, then SIGKILL if it still runs after `grace`. Errors: no such broker.
    async fn shut_down_broker(&self, broker: i32, grace: Duration) -> Result<(), String>;
    /// Resumes a frozen broker or starts a gone one; nothing to do if it runs. Errors: no
    /// such broker, or it would not start.
    async fn restart_broker(&self, broker: i32) -> Result<(), String>;
}

#[async_trait]
impl BrokerProcesses for LocalEnvironment {
    async fn signal_broker(&self, broker: i32, signal: Signal) -> Result<(), String> {
        self.broker_record(broker).await?.signal(signal)
    }

    async fn shut_down_broker(&self, broker: i32, grace: Duration) -> Result<(), String> {
        self.broker_record(broker).await?.stop(grace).await;
        Ok(())
    }

    async fn restart_broker(&self, broker: i32) -> Result<(), String> {
        Environment::start_broker(self, broker).await
    }
}

pub struct BrokerDown;

#[async_trait]
impl<E: BrokerProcesses> Executor<E> for BrokerDown {
    const KIND: FaultKind = FaultKind::BrokerDown;
    type Receipt = NoReceipt;

    async fn inject(&self, env: &E, fault: &Fault) -> Result<NoReceipt, String> {
        let Fault::BrokerDown { broker, mode } = *fault else {
            return Err(misrouted(fault));
        };
        match mode {
            DownMode::Kill => env.signal_broker(broker, Signal::SIGKILL).await?,
            DownMode::Pause => env.signal_broker(broker, Signal::SIGSTOP).await?,
            DownMode::Stop => env.shut_down_broker(broker, SHUTDOWN_GRACE).await?,
        }
        Ok(NoReceipt {})
    }

    async fn revert(&self, env: &E, fault: &Fault, _: NoReceipt) -> Result<(), String> {
        let Fault::BrokerDown { broker, .. } = *fault else {
            return Err(misrouted(fault));
        };
        env.restart_broker(broker).await
    }
}

#[cfg(test)]
mod tests {
    use parking_lot::Mutex;

    use super::*;

    /// Broker processes that only record what was done to them.
    #[derive(Default)]
    struct FakeBrokers {
        done: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl BrokerProcesses for FakeBrokers {
        async fn signal_broker(&self, broker: i32, signal: Signal) -> Result<(), String> {
            self.done.lock().push(format!("broker {broker} {signal}"));
            Ok(())
        }
        async fn shut_down_broker(&self, broker: i32, grace: Duration) -> Result<(), String> {
            self.done.lock().push(format!(
                "broker {broker} shut down within {} s",
                grace.as_secs()
            ));
            Ok(())
        }
        async fn restart_broker(&self, broker: i32) -> Result<(), String> {
            self.done.lock().push(format!("broker {broker} restarted"));
            Ok(())
        }
    }

    #[tokio::test]
    async fn each_mode_is_its_signal_and_every_revert_restarts_the_broker() {
        let brokers = FakeBrokers::default();
        for mode in [DownMode::Kill, DownMode::Pause, DownMode::Stop] {
            let fault = Fault::BrokerDown { broker: 2, mode };
            let receipt = BrokerDown.inject(&brokers, &fault).await.unwrap();
            BrokerDown.revert(&brokers, &fault, receipt).await.unwrap();
        }
        assert_eq!(
            *brokers.done.lock(),
            [
                "broker 2 SIGKILL",
                "broker 2 restarted",
                "broker 2 SIGSTOP",
                "broker 2 restarted",
                "broker 2 shut down within 30 s",
                "broker 2 restarted",
            ]
        );
    }
}
