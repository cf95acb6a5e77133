//! Size-limited, version-checked, range-checked decoding, one function per topic.

use serde::Serialize;
use serde_json::Value;

use crate::messages::{Message, MessageKind};
use crate::{Registration, Response, SidecarId, SignalSnapshot, SpeechAct, PROTOCOL_VERSION};

/// Larger payloads are refused before any parsing.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Why a record was refused; the platform counts rejections by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RejectReason {
    Oversize,
    Malformed,
    UnsupportedVersion,
    BadId,
    WrongKind,
    KeyMismatch,
    Invalid,
}

impl RejectReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            RejectReason::Oversize => "oversize",
            RejectReason::Malformed => "malformed",
            RejectReason::UnsupportedVersion => "unsupported-version",
            RejectReason::BadId => "bad-id",
            RejectReason::WrongKind => "wrong-kind",
            RejectReason::KeyMismatch => "key-mismatch",
            RejectReason::Invalid => "invalid",
        }
    }
}

/// A refused record: the reason to count and a sentence to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct DecodeError {
    pub reason: RejectReason,
    pub detail: String,
}

/// The longest `detail` kept, in characters. serde's own messages quote what they refused
/// ("unknown variant `…`"), so without a cap a 60 KB field would travel whole into the log
/// and to every `/ws` client in the `rejected` event.
pub const MAX_DETAIL_CHARS: usize = 300;

impl DecodeError {
    pub(crate) fn new(reason: RejectReason, detail: impl Into<String>) -> Self {
        let mut detail = detail.into();
        if let Some((cut, _)) = detail.char_indices().nth(MAX_DETAIL_CHARS) {
            detail.truncate(cut);
            detail.push('…');
        }
        Self { reason, detail }
    }
}

/// A record read from `faultline.sidecars`.
#[derive(Debug, Clone, PartialEq)]
pub enum SidecarRecord {
    Registered(Registration),
    /// Null value: the sidecar shut down cleanly.
    Tombstone(SidecarId),
}

/// Serialises any message; the result is always within [`MAX_MESSAGE_BYTES`] for
/// messages Faultline builds itself, but callers check rather than trust that.
pub fn encode<M: Serialize>(message: &M) -> Result<Vec<u8>, DecodeError> {
    let bytes = serde_json::to_vec(message)
        .map_err(|e| DecodeError::new(RejectReason::Invalid, format!("cannot encode: {e}")))?;
    check_size(&bytes)?;
    Ok(bytes)
}

pub fn decode_registration(
    key: Option<&[u8]>,
    payload: Option<&[u8]>,
) -> Result<SidecarRecord, DecodeError> {
    match payload {
        None => {
            let key = key
                .ok_or_else(|| DecodeError::new(RejectReason::BadId, "tombstone without a key"))?;
            Ok(SidecarRecord::Tombstone(parse_key(key)?))
        }
        Some(bytes) => {
            let registration: Registration = decode_message(bytes)?;
            check_key(key, &registration.source)?;
            registration.check_bounds()?;
            Ok(SidecarRecord::Registered(registration))
        }
    }
}

pub fn decode_speech_act(key: Option<&[u8]>, payload: &[u8]) -> Result<SpeechAct, DecodeError> {
    let act: SpeechAct = decode_message(payload)?;
    check_key(key, &act.source)?;
    act.check_bounds()?;
    Ok(act)
}

pub fn decode_signal(key: Option<&[u8]>, payload: &[u8]) -> Result<SignalSnapshot, DecodeError> {
    let snapshot: SignalSnapshot = decode_message(payload)?;
    check_key(key, &snapshot.source)?;
    snapshot.check_bounds()?;
    Ok(snapshot)
}

/// Responses are keyed by their target, not their source.
pub fn decode_response(key: Option<&[u8]>, payload: &[u8]) -> Result<Response, DecodeError> {
    let response: Response = decode_message(payload)?;
    check_key(key, &response.target)?;
    response.check_bounds()?;
    let is_command = response.act == crate::ResponseAct::Command;
    if is_command != response.command.is_some() {
        return Err(DecodeError::new(
            RejectReason::Invalid,
            format!(
                "response {} has act {:?} but {} command",
                truncate(&response.response_id),
                response.act,
                if response.command.is_some() {
                    "a"
                } else {
                    "no"
                }
            ),
        ));
    }
    Ok(response)
}

fn decode_message<M: Message>(bytes: &[u8]) -> Result<M, DecodeError> {
    check_size(bytes)?;
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::new(RejectReason::Malformed, format!("not JSON: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| DecodeError::new(RejectReason::Malformed, "not a JSON object"))?;
    match object.get("v").and_then(Value::as_u64) {
        Some(v) if v == u64::from(PROTOCOL_VERSION) => {}
        Some(v) => {
            return Err(DecodeError::new(
                RejectReason::UnsupportedVersion,
                format!(
                    "schema version {v} is not supported (this build speaks {PROTOCOL_VERSION})"
                ),
            ))
        }
        None => {
            return Err(DecodeError::new(
                RejectReason::UnsupportedVersion,
                "message has no numeric `v` field",
            ))
        }
    }
    let kind = object
        .get("kind")
        .cloned()
        .map(serde_json::from_value::<MessageKind>);
    match kind {
        Some(Ok(kind)) if kind == M::KIND => {}
        _ => {
            return Err(DecodeError::new(
                RejectReason::WrongKind,
                format!("expected kind {:?} on this topic", M::KIND),
            ))
        }
    }
    for field in M::ID_FIELDS {
        match object.get(*field).and_then(Value::as_str) {
            Some(raw) => {
                SidecarId::parse(raw).map_err(|e| {
                    DecodeError::new(
                        RejectReason::BadId,
                        format!("{field} {:?}: {e}", truncate(raw)),
                    )
                })?;
            }
            None => {
                return Err(DecodeError::new(
                    RejectReason::BadId,
                    format!("message has no `{field}`"),
                ))
            }
        }
    }
    serde_json::from_value(value).map_err(|e| {
        DecodeError::new(
            RejectReason::Malformed,
            format!("bad {:?} message: {e}", M::KIND),
        )
    })
}

fn check_size(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(DecodeError::new(
            RejectReason::Oversize,
            format!(
                "message is {} bytes (limit {MAX_MESSAGE_BYTES})",
                bytes.len()
            ),
        ));
    }
    Ok(())
}

fn parse_key(key: &[u8]) -> Result<SidecarId, DecodeError> {
    let text = std::str::from_utf8(key)
        .map_err(|_| DecodeError::new(RejectReason::BadId, "record key is not UTF-8"))?;
    SidecarId::parse(text).map_err(|e| {
        DecodeError::new(
            RejectReason::BadId,
            format!("key {:?}: {e}", truncate(text)),
        )
    })
}

fn check_key(key: Option<&[u8]>, expected: &SidecarId) -> Result<(), DecodeError> {
    let Some(key) = key else { return Ok(()) };
    let key = parse_key(key)?;
    if &key != expected {
        return Err(DecodeError::new(
            RejectReason::KeyMismatch,
            format!("record key {key} does not match message id {expected}"),
        ));
    }
    Ok(())
}

/// Keeps hostile input short in log lines.
fn truncate(text: &str) -> String {
    text.chars().take(80).collect()
}

#[cfg(test)]
mod tests;
