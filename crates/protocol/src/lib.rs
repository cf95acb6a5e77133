//! Faultline's wire protocol: the only place a message is defined.
//!
//! Sidecars and the platform both depend on this crate, so a message is encoded and
//! decoded by the same code on both ends. Every message is JSON carrying `v` (schema
//! version), `kind`, `source` (a sidecar or platform id) and `ts` (milliseconds on the
//! sender's clock). Decoding is per topic and never panics: oversize payloads, unknown
//! versions, malformed JSON, hostile ids and numbers outside their plausible range
//! ([`bounds`]) come back as a typed [`DecodeError`].

pub mod bounds;
pub mod clock;
mod decode;
mod id;
pub mod messages;
pub mod topics;
pub mod vocabulary;

pub use bounds::check_record_timestamp;
pub use decode::{
    decode_registration, decode_response, decode_signal, decode_speech_act, encode, DecodeError,
    RejectReason, SidecarRecord, MAX_MESSAGE_BYTES,
};
pub use id::{IdError, SidecarId};
pub use messages::registration::{Registration, SidecarType};
pub use messages::response::{Command, Response, ResponseAct};
pub use messages::signal::{BrokerLink, ConsumerMetrics, ProducerMetrics, SignalSnapshot};
pub use messages::speech_act::{ReportAbout, RequestType, SpeechAct, SpeechActBody, Urgency};

/// The schema version this build writes and the only one it accepts.
pub const PROTOCOL_VERSION: u32 = 1;
