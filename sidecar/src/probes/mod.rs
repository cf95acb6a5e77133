//! One module per probe kind.

mod librdkafka;

pub use librdkafka::LibrdkafkaProbe;
