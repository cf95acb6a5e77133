//! One module per topic's message type.

pub mod registration;
pub mod response;
pub mod signal;
pub mod speech_act;

use serde::{Deserialize, Serialize};

/// The `kind` field every message carries; decoding checks it matches the topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    Registration,
    SpeechAct,
    Response,
    Signal,
}

/// Implemented by every message so the decoder can check the common envelope.
pub trait Message: Serialize + for<'de> Deserialize<'de> {
    const KIND: MessageKind;
    /// Fields holding ids, checked before the body so a hostile id is counted as such.
    const ID_FIELDS: &'static [&'static str] = &["source"];
    fn source(&self) -> &crate::SidecarId;
    /// Refuses (as `invalid`) a number outside its plausible range (`crate::bounds`).
    fn check_bounds(&self) -> Result<(), crate::DecodeError>;
}
