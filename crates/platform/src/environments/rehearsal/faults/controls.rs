//! What rehearsal's executors drive: the embedded cluster's brokers and round trips and the
//! demo workloads' knobs, as one small trait that `RehearsalEnvironment` implements and unit
//! tests fake ([`FakeRehearsal`]).

use std::time::Duration;

use async_trait::async_trait;

use crate::environments::RehearsalEnvironment;

/// The controls rehearsal's faults use. Broker ids are Kafka's `broker.id` (1-based).
#[async_trait]
pub trait Controls: Send + Sync + 'static {
    /// Takes a broker down as a crash would. Errors: not running, or no such broker.
    async fn broker_down(&self, broker: i32) -> Result<(), String>;
    /// Cuts a broker off from its clients (it keeps leading its partitions).
    async fn cut_off(&self, broker: i32) -> Result<(), String>;
    /// Brings a broker that is down or cut off back.
    async fn broker_up(&self, broker: i32) -> Result<(), String>;
    /// Raises a broker's round trip above the simulated network's by `extra`.
    async fn set_extra_round_trip(&self, broker: i32, extra: Duration) -> Result<(), String>;
    /// Puts a broker's round trip back to the simulated network's.
    async fn restore_round_trip(&self, broker: i32) -> Result<(), String>;
    /// Sets a demo producer's rate (messages per second); returns the one it replaced.
    async fn swap_rate(&self, producer: &str, rate: u32) -> Result<u32, String>;
    /// A demo producer's rate as configured.
    async fn nominal_rate(&self, producer: &str) -> Result<u32, String>;
    /// Sets a demo consumer's processing delay per record (ms); returns the one it replaced.
    async fn swap_delay(&self, consumer: &str, ms: u64) -> Result<u64, String>;
}

/// Each control is the environment's own method of that name (inherent methods come first,
/// so none of these calls itself).
#[async_trait]
impl Controls for RehearsalEnvironment {
    async fn broker_down(&self, broker: i32) -> Result<(), String> {
        RehearsalEnvironment::broker_down(self, broker).await
    }
    async fn cut_off(&self, broker: i32) -> Result<(), String> {
        RehearsalEnvironment::cut_off(self, broker).await
    }
    async fn broker_up(&self, broker: i32) -> Result<(), String> {
        RehearsalEnvironment::broker_up(self, broker).await
    }
    async fn set_extra_round_trip(&self, broker: i32, extra: Duration) -> Result<(), String> {
        RehearsalEnvironment::set_extra_round_trip(self, broker, extra).await
    }
    async fn restore_round_trip(&self, broker: i32) -> Result<(), String> {
        RehearsalEnvironment::restore_round_trip(self, broker).await
    }
    async fn swap_rate(&self, producer: &str, rate: u32) -> Result<u32, String> {
        RehearsalEnvironment::swap_rate(self, producer, rate).await
    }
    async fn nominal_rate(&self, producer: &str) -> Result<u32, String> {
        RehearsalEnvironment::nominal_rate(self, producer).await
    }
    async fn swap_delay(&self, consumer: &str, ms: u64) -> Result<u64, String> {
        RehearsalEnvironment::swap_delay(self, consumer, ms).await
    }
}

#[cfg(test)]
pub use fake::FakeRehearsal;

#[cfg(test)]
mod fake {
    use parking_lot::Mutex;

    use super::*;

    /// Rehearsal without a cluster: records each control it is asked for, as a sentence;
    /// producers start at `rate`, consumers at `delay`, and every control fails while
    /// `down` holds a reason.
    pub struct FakeRehearsal {
        pub calls: Mutex<Vec<String>>,
        pub rate: Mutex<u32>,
        pub nominal: u32,
        pub delay: Mutex<u64>,
        pub down: Option<&'static str>,
    }

    impl Default for FakeRehearsal {
        fn default() -> Self {
            Self {
                calls: Mutex::default(),
                rate: Mutex::new(10),
                nominal: 10,
                delay: Mutex::new(0),
                down: None,
            }
        }
    }

    impl FakeRehearsal {
        fn call(&self, sentence: String) -> Result<(), String> {
            match self.down {
                Some(reason) => Err(reason.to_owned()),
                None => {
                    self.calls.lock().push(sentence);
                    Ok(())
                }
            }
        }
    }

    #[async_trait]
    impl Controls for FakeRehearsal {
        async fn broker_down(&self, broker: i32) -> Result<(), String> {
            self.call(format!("broker {broker} down"))
        }
        async fn cut_off(&self, broker: i32) -> Result<(), String> {
            self.call(format!("broker {broker} cut off"))
        }
        async fn broker_up(&self, broker: i32) -> Result<(), String> {
            self.call(format!("broker {broker} up"))
        }
        async fn set_extra_round_trip(&self, broker: i32, extra: Duration) -> Result<(), String> {
            self.call(format!("broker {broker} +{} ms", extra.as_millis()))
        }
        async fn restore_round_trip(&self, broker: i32) -> Result<(), String> {
            self.call(format!("broker {broker} round trip restored"))
        }
        async fn swap_rate(&self, producer: &str, rate: u32) -> Result<u32, String> {
            self.call(format!("{producer} at {rate}/s"))?;
            Ok(std::mem::replace(&mut *self.rate.lock(), rate))
        }
        async fn nominal_rate(&self, _: &str) -> Result<u32, String> {
            Ok(self.nominal)
        }
        async fn swap_delay(&self, consumer: &str, ms: u64) -> Result<u64, String> {
            self.call(format!("{consumer} at {ms} ms"))?;
            Ok(std::mem::replace(&mut *self.delay.lock(), ms))
        }
    }
}
