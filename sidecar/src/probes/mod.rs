//! One module per probe kind.

mod jmx;
mod librdkafka;

pub use jmx::{JmxProbe, JmxRateControl, JmxTarget, NoControl};
pub use librdkafka::LibrdkafkaProbe;
