//! One module per probe kind.

mod jmx;
mod librdkafka;
mod round_trips;

pub use jmx::{JmxProbe, JmxRateControl, JmxTarget, NoControl};
pub use librdkafka::LibrdkafkaProbe;
