//! What a sidecar tells or asks the platform, on `faultline.speech-acts`.

use serde::{Deserialize, Serialize};

use super::{Message, MessageKind};
use crate::bounds::TIMESTAMP_MS;
use crate::{DecodeError, SidecarId};

/// What a sidecar tells or asks the platform (`faultline.speech-acts`, key = `source`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpeechAct {
    pub v: u32,
    pub kind: MessageKind,
    pub source: SidecarId,
    pub ts: i64,
    #[serde(flatten)]
    pub body: SpeechActBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SpeechActBody {
    #[serde(rename_all = "camelCase")]
    Report {
        about: ReportAbout,
        /// A whole sentence for people (free text, rendered as text).
        text: String,
        /// The response or command this report answers, if any.
        in_reply_to: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Request {
        request_id: String,
        request: RequestType,
        urgency: Urgency,
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReportAbout {
    Heartbeat,
    Observation,
    /// The sidecar carried out a COMMAND (`inReplyTo` = the command's id).
    CommandApplied,
    /// The sidecar could not carry out a COMMAND.
    CommandFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestType {
    Throttle,
    InvestigateBroker,
    ScaleResources,
    GeneralAssistance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Urgency {
    Eventual,
    Soon,
    Immediate,
}

impl Message for SpeechAct {
    const KIND: MessageKind = MessageKind::SpeechAct;
    fn source(&self) -> &SidecarId {
        &self.source
    }

    fn check_bounds(&self) -> Result<(), DecodeError> {
        TIMESTAMP_MS.check(&self.source, "ts", self.ts)
    }
}
