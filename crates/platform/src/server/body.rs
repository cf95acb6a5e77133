//! Request bodies: JSON or nothing, read under the size limit, and refused with a sentence
//! that says what was wrong without repeating what was sent.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::error::Category;

use super::{guard, refuse};

/// A JSON body of type `T`, or `None` for an empty body or `null`. The type's own rules
/// apply (every request type refuses unknown fields). Refusals: 413 over
/// [`guard::MAX_BODY_BYTES`], 400 when the bytes are not JSON, 422 when the JSON is not a `T`.
pub struct JsonBody<T>(pub Option<T>);

/// The body of a request that takes none: empty, `null` or `{}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => guard::too_large(),
                    _ => refuse(
                        StatusCode::BAD_REQUEST,
                        "the body could not be read to its end".into(),
                    ),
                })?;
        parse(&bytes)
            .map(JsonBody)
            .map_err(|(status, sentence)| refuse(status, sentence))
    }
}

/// The body's value, or the status and sentence of its refusal.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<Option<T>, (StatusCode, String)> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<Option<T>>(bytes).map_err(|error| match error.classify() {
        Category::Data => (StatusCode::UNPROCESSABLE_ENTITY, mismatch(&error)),
        Category::Eof => (
            StatusCode::BAD_REQUEST,
            "the body ends in the middle of its JSON".into(),
        ),
        Category::Syntax | Category::Io => {
            (StatusCode::BAD_REQUEST, "the body is not valid JSON".into())
        }
    })
}

/// What serde found wrong, said in words of our own. serde's messages quote the offending
/// input (`unknown field `x``, `invalid type: string "x"`), so only the parts that come
/// from our types are kept: their field names and what they expected.
fn mismatch(error: &serde_json::Error) -> String {
    let message = error.to_string();
    // serde_json appends " at line L column C".
    let message = message
        .rfind(" at line ")
        .map_or(message.as_str(), |at| &message[..at]);
    // The text after the last ", expected " is serde's, from our types; anything before it
    // may hold input.
    let expected = message
        .rfind(", expected ")
        .map(|at| &message[at + ", expected ".len()..]);
    let named = |what: &str| match expected.map(in_words) {
        Some(expected) => format!("{what}; expected {expected}"),
        None => what.to_owned(),
    };
    if message.starts_with("unknown field") {
        if message.ends_with(", there are no fields") {
            return "the body has a field, but this request takes none".into();
        }
        named("the body has a field this request does not take")
    } else if message.starts_with("unknown variant") {
        if message.ends_with(", there are no variants") {
            return "the body names a kind that does not exist".into();
        }
        named("the body names a value that does not exist")
    } else if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|f| f.strip_suffix('`'))
    {
        // Field names in this message are our own.
        format!("the body lacks the field `{field}`")
    } else if let Some(field) = message
        .strip_prefix("duplicate field `")
        .and_then(|f| f.strip_suffix('`'))
    {
        format!("the body has the field `{field}` twice")
    } else if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length")
    {
        named("a value in the body has the wrong type or is out of range")
    } else {
        "the body does not have the shape this request takes".into()
    }
}

/// serde's name for what it expected, as a person would say it: `i32` is "a whole number
/// from -2147483648 to 2147483647", `variant identifier` "a name".
fn in_words(expected: &str) -> String {
    let whole = |min: &str, max: &str| format!("a whole number from {min} to {max}");
    match expected {
        "i32" => whole("-2147483648", "2147483647"),
        "i64" => whole("-9223372036854775808", "9223372036854775807"),
        "u16" => whole("0", "65535"),
        "u32" => whole("0", "4294967295"),
        "u64" | "usize" => whole("0", "18446744073709551615"),
        "f64" | "f32" => "a number".into(),
        "a boolean" | "a string" => expected.into(),
        "variant identifier" | "field identifier" => "a name".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Settings {
        leave_running: bool,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
    enum Op {
        SetRate { rate: u32 },
        Resume,
    }

    const MARK: &str = "zz<mark>";

    fn refusal<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> (u16, String) {
        let (status, sentence) = parse::<T>(body.as_bytes()).expect_err(body);
        assert!(!sentence.contains("zz"), "{body} echoed: {sentence}");
        (status.as_u16(), sentence)
    }

    #[test]
    fn empty_and_null_are_none_and_json_is_some() {
        assert_eq!(parse::<Settings>(b"").ok(), Some(None));
        assert_eq!(parse::<Settings>(b" \n").ok(), Some(None));
        assert_eq!(parse::<Settings>(b"null").ok(), Some(None));
        assert_eq!(
            parse::<Settings>(br#"{"leaveRunning":true}"#).ok(),
            Some(Some(Settings {
                leave_running: true
            }))
        );
        assert!(parse::<Empty>(b"{}").is_ok());
    }

    #[test]
    fn every_refusal_is_a_sentence_of_our_own() {
        let cases = [
            (format!(r#"{{"{MARK}"#), 400, "ends in the middle"),
            (MARK.to_owned(), 400, "not valid JSON"),
            (
                format!(r#"{{"leaveRunning":true,"{MARK}":1}}"#),
                422,
                "expected `leaveRunning`",
            ),
            (
                format!(r#"{{"leaveRunning":"{MARK}"}}"#),
                422,
                "expected a boolean",
            ),
            ("{}".into(), 422, "lacks the field `leaveRunning`"),
            (
                r#"{"leaveRunning":true,"leaveRunning":true}"#.into(),
                422,
                "twice",
            ),
            (format!(r#"["{MARK}"]"#), 422, "wrong type"),
        ];
        for (body, status, words) in cases {
            let (got, sentence) = refusal::<Settings>(&body);
            assert_eq!(got, status, "{body}: {sentence}");
            assert!(sentence.contains(words), "{body}: {sentence}");
        }
        let (_, sentence) = refusal::<Op>(&format!(r#"{{"op":"{MARK}, expected zz"}}"#));
        assert!(
            sentence.ends_with("expected `set-rate` or `resume`"),
            "{sentence}"
        );
        let (_, sentence) = refusal::<Op>(&format!(r#"{{"op":"set-rate","rate":1,"{MARK}":2}}"#));
        assert!(sentence.contains("does not take"), "{sentence}");
        let (_, sentence) = refusal::<Op>(r#"{"op":"set-rate","rate":-1}"#);
        assert!(
            sentence.contains("out of range; expected a whole number from 0 to 4294967295"),
            "{sentence}"
        );
        let (_, sentence) = refusal::<Empty>(&format!(r#"{{"{MARK}, expected zz":1}}"#));
        assert_eq!(
            sentence,
            "the body has a field, but this request takes none"
        );
    }
}
