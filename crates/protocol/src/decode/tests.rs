use super::*;
use crate::messages::registration::SidecarType;
use crate::{Command, RequestType, ResponseAct, SpeechActBody, Urgency};

fn registration(id: &str) -> Registration {
    Registration {
        v: PROTOCOL_VERSION,
        kind: MessageKind::Registration,
        source: SidecarId::parse(id).unwrap(),
        ts: 1_700_000_000_000,
        sidecar_type: SidecarType::Producer,
        workload: "demo producer".into(),
        jmx_endpoint: None,
        host: "laptop".into(),
        version: "0.1.0".into(),
        capabilities: vec!["set-rate".into()],
        heartbeat_interval_ms: 2000,
    }
}

fn response(act: ResponseAct, command: Option<Command>) -> Response {
    Response {
        v: PROTOCOL_VERSION,
        kind: MessageKind::Response,
        source: SidecarId::parse("platform").unwrap(),
        ts: 1,
        target: SidecarId::parse("producer-1").unwrap(),
        response_id: "r-1".into(),
        in_reply_to: Some("q-1".into()),
        act,
        text: "Platform will throttle producer-1.".into(),
        command,
    }
}

#[test]
fn registration_round_trips_and_tombstones_decode() {
    let reg = registration("producer-1");
    let bytes = encode(&reg).unwrap();
    let decoded = decode_registration(Some(b"producer-1"), Some(&bytes)).unwrap();
    assert_eq!(decoded, SidecarRecord::Registered(reg));
    let tomb = decode_registration(Some(b"producer-1"), None).unwrap();
    assert_eq!(
        tomb,
        SidecarRecord::Tombstone(SidecarId::parse("producer-1").unwrap())
    );
}

#[test]
fn every_message_kind_round_trips() {
    let act = SpeechAct {
        v: 1,
        kind: MessageKind::SpeechAct,
        source: SidecarId::parse("producer-1").unwrap(),
        ts: 5,
        body: SpeechActBody::Request {
            request_id: "q-1".into(),
            request: RequestType::Throttle,
            urgency: Urgency::Immediate,
            text: "buffer full".into(),
        },
    };
    let bytes = encode(&act).unwrap();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["act"], "REQUEST");
    assert_eq!(json["urgency"], "IMMEDIATE");
    assert_eq!(decode_speech_act(Some(b"producer-1"), &bytes).unwrap(), act);

    let command = response(ResponseAct::Command, Some(Command::Throttle { rate: 10 }));
    let bytes = encode(&command).unwrap();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["command"]["op"], "throttle");
    assert_eq!(
        decode_response(Some(b"producer-1"), &bytes).unwrap(),
        command
    );
}

#[test]
fn oversize_is_refused_before_parsing() {
    let big = vec![b'{'; MAX_MESSAGE_BYTES + 1];
    let err = decode_speech_act(None, &big).unwrap_err();
    assert_eq!(err.reason, RejectReason::Oversize);
    assert!(err.detail.contains("65537 bytes"), "{}", err.detail);
}

#[test]
fn malformed_json_and_non_objects_are_refused() {
    for bad in [&b"{not json"[..], b"[1,2]", b"", b"\xff\xfe"] {
        let err = decode_signal(None, bad).unwrap_err();
        assert_eq!(err.reason, RejectReason::Malformed, "{bad:?}");
    }
}

#[test]
fn unknown_or_missing_versions_are_refused() {
    let mut json = serde_json::to_value(registration("producer-1")).unwrap();
    json["v"] = 2.into();
    let err = decode_registration(None, Some(json.to_string().as_bytes())).unwrap_err();
    assert_eq!(err.reason, RejectReason::UnsupportedVersion);
    assert!(err.detail.contains("version 2"));
    json.as_object_mut().unwrap().remove("v");
    let err = decode_registration(None, Some(json.to_string().as_bytes())).unwrap_err();
    assert_eq!(err.reason, RejectReason::UnsupportedVersion);
}

#[test]
fn hostile_ids_are_refused_in_source_key_and_target() {
    let hostile = "<img src=x onerror=alert(1)>";
    let mut json = serde_json::to_value(registration("producer-1")).unwrap();
    json["source"] = hostile.into();
    let err = decode_registration(None, Some(json.to_string().as_bytes())).unwrap_err();
    assert_eq!(err.reason, RejectReason::BadId);

    let err = decode_registration(Some(hostile.as_bytes()), None).unwrap_err();
    assert_eq!(err.reason, RejectReason::BadId);

    let mut json = serde_json::to_value(response(ResponseAct::Deliver, None)).unwrap();
    json["target"] = hostile.into();
    let err = decode_response(None, json.to_string().as_bytes()).unwrap_err();
    assert_eq!(err.reason, RejectReason::BadId);
}

#[test]
fn key_must_match_the_id_it_carries() {
    let bytes = encode(&registration("producer-1")).unwrap();
    let err = decode_registration(Some(b"producer-2"), Some(&bytes)).unwrap_err();
    assert_eq!(err.reason, RejectReason::KeyMismatch);
}

#[test]
fn a_message_on_the_wrong_topic_is_refused() {
    let bytes = encode(&registration("producer-1")).unwrap();
    let err = decode_signal(None, &bytes).unwrap_err();
    assert_eq!(err.reason, RejectReason::WrongKind);
}

#[test]
fn commands_must_carry_exactly_one_command() {
    let bytes = encode(&response(ResponseAct::Command, None)).unwrap();
    assert_eq!(
        decode_response(None, &bytes).unwrap_err().reason,
        RejectReason::Invalid
    );
    let bytes = encode(&response(ResponseAct::Deliver, Some(Command::Resume))).unwrap();
    assert_eq!(
        decode_response(None, &bytes).unwrap_err().reason,
        RejectReason::Invalid
    );
}

#[test]
fn zero_heartbeat_interval_is_refused() {
    let mut reg = registration("producer-1");
    reg.heartbeat_interval_ms = 0;
    let bytes = encode(&reg).unwrap();
    assert_eq!(
        decode_registration(None, Some(&bytes)).unwrap_err().reason,
        RejectReason::Invalid
    );
}

#[test]
fn decoding_arbitrary_bytes_never_panics() {
    // A cheap deterministic fuzz: every prefix and a few mutations of valid messages.
    let valid = encode(&registration("producer-1")).unwrap();
    for end in 0..valid.len() {
        let _ = decode_registration(Some(b"producer-1"), Some(&valid[..end]));
        let mut mutated = valid.clone();
        mutated[end] = mutated[end].wrapping_add(1);
        let _ = decode_registration(None, Some(&mutated));
        let _ = decode_signal(None, &mutated);
        let _ = decode_response(None, &mutated);
    }
}
