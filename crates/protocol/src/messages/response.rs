//! The platform's answer to a sidecar on `faultline.responses`, and the COMMANDs in it.

use serde::{Deserialize, Serialize};

use super::{Message, MessageKind};
use crate::bounds::{TARGET_RATE, TIMESTAMP_MS};
use crate::{DecodeError, SidecarId};

/// The platform's answer to a sidecar (`faultline.responses`, key = `target`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    pub v: u32,
    pub kind: MessageKind,
    /// The platform's id.
    pub source: SidecarId,
    pub ts: i64,
    pub target: SidecarId,
    /// Unique per response; a sidecar's REPORT about a COMMAND cites it.
    pub response_id: String,
    /// The request this answers, if any.
    pub in_reply_to: Option<String>,
    pub act: ResponseAct,
    /// A whole sentence for people.
    pub text: String,
    /// Present exactly when `act` is COMMAND.
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResponseAct {
    Acknowledge,
    Promise,
    Deliver,
    Deny,
    Explain,
    Command,
}

/// What a sidecar is told to do to the workload it watches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Command {
    /// Set the send rate (messages per second, at most [`TARGET_RATE`]'s 10 million).
    SetRate { rate: u32 },
    /// Lower the send rate to relieve pressure; `resume` undoes it. Same range.
    Throttle { rate: u32 },
    /// Return to the workload's nominal rate (the one it was started with).
    Resume,
}

impl Message for Response {
    const KIND: MessageKind = MessageKind::Response;
    const ID_FIELDS: &'static [&'static str] = &["source", "target"];
    fn source(&self) -> &SidecarId {
        &self.source
    }

    fn check_bounds(&self) -> Result<(), DecodeError> {
        TIMESTAMP_MS.check(&self.source, "ts", self.ts)?;
        match &self.command {
            Some(Command::SetRate { rate } | Command::Throttle { rate }) => {
                TARGET_RATE.check(&self.source, "command.rate", *rate)
            }
            Some(Command::Resume) | None => Ok(()),
        }
    }
}
