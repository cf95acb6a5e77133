//! What the fuzz targets share: how one fuzz input becomes a Kafka record (key and value),
//! and the promises every decoder is checked against besides not panicking.
//!
//! Input layout: byte 0 holds flags ([`HAS_KEY`], [`HAS_VALUE`], [`OVERSIZE`]), byte 1 the
//! key's length in bytes (cut to what is left), then the key, then the value. The seeds in
//! `fuzz/corpus/<target>/` are real messages in this layout.

use std::fmt::Debug;

use faultline_protocol::bounds::{HEARTBEAT_INTERVAL_MS, TIMESTAMP_MS};
use faultline_protocol::{
    encode, DecodeError, RejectReason, Response, ResponseAct, SidecarId, SidecarRecord,
    SignalSnapshot, SpeechAct, MAX_MESSAGE_BYTES,
};
use serde_json::Value;

/// The record has a key (otherwise the key is null).
pub const HAS_KEY: u8 = 1;
/// The record has a value (otherwise it is a tombstone). Only `faultline.sidecars` has
/// tombstones; the platform skips null values on the other topics before decoding, so their
/// targets ignore this flag and always have a value.
pub const HAS_VALUE: u8 = 2;
/// Also decode the value padded with JSON whitespace to exactly the size limit and to one
/// byte past it.
pub const OVERSIZE: u8 = 4;

/// One Kafka record cut out of a fuzz input.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    /// Whether to check the size limit with this value too ([`OVERSIZE`]).
    pub check_limit: bool,
}

impl<'a> Record<'a> {
    /// Never fails: a short input is a record with no key and an empty or absent value.
    /// `nullable`: whether the topic has tombstones (else [`HAS_VALUE`] is ignored).
    pub fn split(data: &'a [u8], nullable: bool) -> Self {
        let flags = data.first().copied().unwrap_or(0);
        let rest = data.get(1..).unwrap_or_default();
        let key_len = rest.first().map_or(0, |n| usize::from(*n));
        let rest = rest.get(1..).unwrap_or_default();
        let (key, value) = rest.split_at(key_len.min(rest.len()));
        Self {
            key: (flags & HAS_KEY != 0).then_some(key),
            value: (!nullable || flags & HAS_VALUE != 0).then_some(value),
            check_limit: flags & OVERSIZE != 0,
        }
    }
}

/// A decoded message, as far as the checks need to know it.
pub trait Decoded: Debug + PartialEq {
    /// The id the record key must equal: `source`, or `target` for a response.
    fn keyed_by(&self) -> &SidecarId;
    /// The value Faultline would write for it; `None` for a tombstone (no value).
    fn reencode(&self) -> Option<Result<Vec<u8>, DecodeError>>;
    /// The sender's clock (`ts`); `None` for a tombstone.
    fn ts(&self) -> Option<i64>;
    /// Rules of this message kind beyond the envelope and `ts`; the error says which one
    /// broke.
    fn check_rules(&self) -> Result<(), String>;
}

impl Decoded for SidecarRecord {
    fn keyed_by(&self) -> &SidecarId {
        match self {
            SidecarRecord::Registered(registration) => &registration.source,
            SidecarRecord::Tombstone(id) => id,
        }
    }

    fn reencode(&self) -> Option<Result<Vec<u8>, DecodeError>> {
        match self {
            SidecarRecord::Registered(registration) => Some(encode(registration)),
            SidecarRecord::Tombstone(_) => None,
        }
    }

    fn ts(&self) -> Option<i64> {
        match self {
            SidecarRecord::Registered(registration) => Some(registration.ts),
            SidecarRecord::Tombstone(_) => None,
        }
    }

    fn check_rules(&self) -> Result<(), String> {
        match self {
            // The registry judges liveness by 3.5 intervals; the interval is kept to its
            // documented range (which also keeps that product far from overflowing).
            SidecarRecord::Registered(registration)
                if !HEARTBEAT_INTERVAL_MS.contains(registration.heartbeat_interval_ms) =>
            {
                Err(format!(
                    "a heartbeat interval of {} ms was accepted",
                    registration.heartbeat_interval_ms
                ))
            }
            _ => Ok(()),
        }
    }
}

impl Decoded for SignalSnapshot {
    fn ts(&self) -> Option<i64> {
        Some(self.ts)
    }

    fn keyed_by(&self) -> &SidecarId {
        &self.source
    }

    fn reencode(&self) -> Option<Result<Vec<u8>, DecodeError>> {
        Some(encode(self))
    }

    fn check_rules(&self) -> Result<(), String> {
        // What the detectors and the page compute from every snapshot.
        let fill = self.producer.as_ref().map_or(0.0, |p| p.buffer_fill());
        if !(0.0..=1.0).contains(&fill) {
            return Err(format!(
                "a snapshot with a buffer fill of {fill} was accepted"
            ));
        }
        Ok(())
    }
}

impl Decoded for SpeechAct {
    fn ts(&self) -> Option<i64> {
        Some(self.ts)
    }

    fn keyed_by(&self) -> &SidecarId {
        &self.source
    }

    fn reencode(&self) -> Option<Result<Vec<u8>, DecodeError>> {
        Some(encode(self))
    }

    fn check_rules(&self) -> Result<(), String> {
        Ok(())
    }
}

impl Decoded for Response {
    fn ts(&self) -> Option<i64> {
        Some(self.ts)
    }

    fn keyed_by(&self) -> &SidecarId {
        &self.target
    }

    fn reencode(&self) -> Option<Result<Vec<u8>, DecodeError>> {
        Some(encode(self))
    }

    fn check_rules(&self) -> Result<(), String> {
        if (self.act == ResponseAct::Command) != self.command.is_some() {
            return Err(format!(
                "a response with act {:?} and command {:?} was accepted",
                self.act, self.command
            ));
        }
        Ok(())
    }
}

/// Decodes the record cut from `data` and panics (the fuzzer's crash) when a promise is
/// broken:
/// - a value over [`MAX_MESSAGE_BYTES`] is refused as `oversize`, and padding a value with
///   whitespace up to exactly the limit changes nothing;
/// - an accepted record's key, when present, is the message's id;
/// - an accepted record keeps its kind's rules ([`Decoded::check_rules`]), its `ts` is
///   within [`TIMESTAMP_MS`], and every number in it is at least 0 and at most 2^53 (the
///   page's JavaScript holds it exactly);
/// - an accepted record re-encodes (only a size over the limit may stop that) and the
///   re-encoded value is accepted and decodes to the same record (floats within a few
///   units in the last place).
pub fn check<T: Decoded>(
    data: &[u8],
    nullable: bool,
    decode: impl Fn(Option<&[u8]>, Option<&[u8]>) -> Result<T, DecodeError>,
) {
    let record = Record::split(data, nullable);
    let result = decode(record.key, record.value);
    if let Ok(decoded) = &result {
        check_accepted(&record, decoded, &decode);
    }
    if let (true, Some(value)) = (record.check_limit, record.value) {
        check_limit(&record, value, &result, &decode);
    }
}

fn check_accepted<T: Decoded>(
    record: &Record<'_>,
    decoded: &T,
    decode: &impl Fn(Option<&[u8]>, Option<&[u8]>) -> Result<T, DecodeError>,
) {
    if let Some(key) = record.key {
        assert_eq!(
            key,
            decoded.keyed_by().as_str().as_bytes(),
            "accepted a record whose key is not its message's id"
        );
    }
    if let Err(broken) = decoded.check_rules() {
        panic!("{broken}");
    }
    if let Some(ts) = decoded.ts() {
        assert!(TIMESTAMP_MS.contains(ts), "a ts of {ts} was accepted");
    }
    match decoded.reencode() {
        None => assert!(record.value.is_none(), "a value decoded as a tombstone"),
        Some(Err(error)) => assert_eq!(
            error.reason,
            RejectReason::Oversize,
            "an accepted record cannot be encoded again: {error}"
        ),
        Some(Ok(bytes)) => {
            assert!(bytes.len() <= MAX_MESSAGE_BYTES);
            let value: Value = serde_json::from_slice(&bytes).expect("encode writes JSON");
            check_numbers(&value);
            let text = String::from_utf8_lossy(&bytes);
            let again = decode(record.key, Some(&bytes)).unwrap_or_else(|error| {
                panic!("the re-encoded record {text:?} is refused: {error}")
            });
            // Compared as JSON with floats within a few units in the last place: serde_json's
            // default float reader (no `float_roundtrip` feature) may read a 17-digit number
            // as the neighbouring double, which no reader of a metric can tell apart.
            let again_bytes = again
                .reencode()
                .expect("a value decodes to a message")
                .expect("a message that encoded once encodes again");
            let again_value: Value = serde_json::from_slice(&again_bytes).expect("JSON");
            assert!(
                same_json(&value, &again_value),
                "the re-encoded record {text:?} decodes differently: {:?}",
                String::from_utf8_lossy(&again_bytes)
            );
        }
    }
}

fn check_limit<T: Decoded>(
    record: &Record<'_>,
    value: &[u8],
    unpadded: &Result<T, DecodeError>,
    decode: &impl Fn(Option<&[u8]>, Option<&[u8]>) -> Result<T, DecodeError>,
) {
    let mut padded = value.to_vec();
    if padded.len() <= MAX_MESSAGE_BYTES {
        padded.resize(MAX_MESSAGE_BYTES, b' ');
        let at_limit = decode(record.key, Some(&padded));
        match (unpadded, &at_limit) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "trailing whitespace changed the record"),
            (Err(a), Err(b)) => assert_eq!(
                a.reason, b.reason,
                "trailing whitespace changed the refusal ({a} / {b})"
            ),
            (a, b) => {
                panic!("a value at exactly the size limit decodes differently: {a:?} / {b:?}")
            }
        }
    }
    padded.resize(padded.len().max(MAX_MESSAGE_BYTES + 1), b' ');
    match decode(record.key, Some(&padded)) {
        Err(error) if error.reason == RejectReason::Oversize => {}
        other => panic!(
            "a value of {} bytes was not refused as oversize: {other:?}",
            padded.len()
        ),
    }
}

/// Equal JSON, except that two floats may differ by a few units in the last place.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs()),
                _ => false,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, v)| y.get(key).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Largest integer a JavaScript number holds exactly.
const EXACT_IN_JAVASCRIPT: u64 = 1 << 53;

/// Every number anywhere in `value` is within 0 to 2^53 (integers compared exactly).
fn check_numbers(value: &Value) {
    match value {
        Value::Number(number) => {
            let within = match (number.as_u64(), number.as_f64()) {
                (Some(whole), _) => whole <= EXACT_IN_JAVASCRIPT,
                (None, Some(x)) => (0.0..=EXACT_IN_JAVASCRIPT as f64).contains(&x),
                (None, None) => false,
            };
            assert!(within, "an accepted message carries the number {number}");
        }
        Value::Array(items) => items.iter().for_each(check_numbers),
        Value::Object(fields) => fields.values().for_each(check_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}
