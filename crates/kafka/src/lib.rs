//! Kafka plumbing the sidecar and the platform share: client settings (bootstrap plus
//! pass-through options such as TLS and SASL), creating Faultline's topics, and producing
//! protocol messages with a record timestamp; also the stop signal both binaries wait for.

mod close;
mod consume;
mod publish;
mod settings;
mod stop_signal;
mod topics;

pub use close::{close_detached, ClosesDetached};
pub use consume::{
    assigned_consumer, high_watermarks, positions, watermarks, AssignError, Watermarks,
};
pub use publish::{PublishError, Publisher};
pub use settings::{ClientSettings, SettingsError};
pub use stop_signal::{wait_for_stop_signal, StopSignalError};
pub use topics::{broker_count, ensure_these_topics, ensure_topics, wait_for_topics, TopicError};
