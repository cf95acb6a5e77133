//! Proves decoding refuses malformed, hostile or out-of-range messages and never panics.

use super::*;
use crate::messages::registration::SidecarType;
use crate::{
    BrokerLink, Command, ConsumerMetrics, ProducerMetrics, RequestType, ResponseAct, SpeechActBody,
    Urgency,
};

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
        ts: 1_700_000_000_000,
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
        ts: 1_700_000_000_005,
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

/// A snapshot with every number set, producer and consumer alike.
fn full_signal() -> SignalSnapshot {
    SignalSnapshot {
        v: PROTOCOL_VERSION,
        kind: MessageKind::Signal,
        source: SidecarId::parse("producer-1").unwrap(),
        ts: 1_700_000_000_000,
        probe: "jmx".into(),
        producer: Some(ProducerMetrics {
            queue_messages: 4_090,
            queue_messages_max: 100_000,
            queue_bytes: 2_094_080,
            queue_bytes_max: 2_097_152,
            target_rate: 10_000,
            send_rate: 3_114.2,
            request_latency_ms: 21.4,
            tx_errors: 3,
            retries: 7,
            queue_full_errors: 152,
            brokers: vec![BrokerLink {
                name: "b1".into(),
                state: "UP".into(),
                rtt_ms: 20.9,
            }],
            record_queue_time_ms: 4.0,
            buffer_wait_ratio: 0.25,
            error_rate: 0.5,
            retry_rate: 1.5,
        }),
        consumer: Some(ConsumerMetrics {
            group: "g".into(),
            records_lag_max: 12.0,
            records_consumed_rate: 99.0,
            fetch_rate: 4.0,
            fetch_latency_ms: 500.0,
            processing_delay_ms: 10,
            messages_consumed: 1_000,
        }),
    }
}

/// Sets the field at `path` (`/producer/queueBytes`) of a message's JSON.
fn with(message: &impl Serialize, path: &str, value: Value) -> Vec<u8> {
    let mut json = serde_json::to_value(message).unwrap();
    *json
        .pointer_mut(path)
        .unwrap_or_else(|| panic!("no {path}")) = value;
    json.to_string().into_bytes()
}

#[test]
fn the_reported_poison_heartbeat_interval_is_refused_as_invalid() {
    // The record that killed discovery ("attempt to multiply with overflow").
    let bytes = with(
        &registration("producer-1"),
        "/heartbeatIntervalMs",
        4_000_000_000_000_000_000u64.into(),
    );
    let err = decode_registration(Some(b"producer-1"), Some(&bytes)).unwrap_err();
    assert_eq!(err.reason, RejectReason::Invalid);
    assert_eq!(
        err.detail,
        "producer-1's heartbeatIntervalMs is 4000000000000000000, outside its plausible range 100 to 3600000 ms."
    );
}

#[test]
fn heartbeat_intervals_from_100_ms_to_an_hour_are_accepted() {
    for ok in [100u64, 2_000, 3_600_000] {
        let bytes = with(
            &registration("producer-1"),
            "/heartbeatIntervalMs",
            ok.into(),
        );
        assert!(decode_registration(None, Some(&bytes)).is_ok(), "{ok}");
    }
    for bad in [1u64, 99, 3_600_001, u64::MAX] {
        let bytes = with(
            &registration("producer-1"),
            "/heartbeatIntervalMs",
            bad.into(),
        );
        let err = decode_registration(None, Some(&bytes)).unwrap_err();
        assert_eq!(err.reason, RejectReason::Invalid, "{bad}");
    }
}

#[test]
fn every_message_refuses_a_timestamp_before_2000_or_after_2100() {
    let signal = full_signal();
    let act = SpeechAct {
        v: 1,
        kind: MessageKind::SpeechAct,
        source: SidecarId::parse("producer-1").unwrap(),
        ts: 1_700_000_000_000,
        body: SpeechActBody::Report {
            about: crate::ReportAbout::Heartbeat,
            text: "beat".into(),
            in_reply_to: None,
        },
    };
    let deliver = response(ResponseAct::Deliver, None);
    for ts in [
        i64::MIN,
        -1,
        0,
        946_684_799_999,
        4_102_444_800_001,
        i64::MAX,
    ] {
        let results = [
            decode_registration(None, Some(&with(&registration("p"), "/ts", ts.into())))
                .map(|_| ()),
            decode_signal(None, &with(&signal, "/ts", ts.into())).map(|_| ()),
            decode_speech_act(None, &with(&act, "/ts", ts.into())).map(|_| ()),
            decode_response(None, &with(&deliver, "/ts", ts.into())).map(|_| ()),
        ];
        for result in results {
            let err = result.unwrap_err();
            assert_eq!(err.reason, RejectReason::Invalid, "ts {ts}");
            assert!(err.detail.contains("'s ts is"), "{}", err.detail);
            assert!(
                err.detail.contains("2000-01-01 to 2100-01-01"),
                "{}",
                err.detail
            );
        }
    }
}

#[test]
fn a_snapshot_with_every_number_in_range_decodes() {
    let signal = full_signal();
    let bytes = encode(&signal).unwrap();
    assert_eq!(decode_signal(None, &bytes).unwrap(), signal);
}

#[test]
fn every_signal_number_out_of_range_is_refused_naming_the_field() {
    let too_big: u64 = 1 << 60;
    let cases: &[(&str, Value)] = &[
        ("/producer/queueMessages", 2_147_483_648u64.into()),
        ("/producer/queueMessagesMax", too_big.into()),
        ("/producer/queueBytes", ((1u64 << 41) + 1).into()),
        ("/producer/queueBytesMax", too_big.into()),
        ("/producer/targetRate", 10_000_001u32.into()),
        ("/producer/sendRate", (-1.0).into()),
        ("/producer/sendRate", 1e12.into()),
        ("/producer/requestLatencyMs", (-0.5).into()),
        ("/producer/requestLatencyMs", 3_600_000.5.into()),
        ("/producer/txErrors", too_big.into()),
        ("/producer/retries", too_big.into()),
        ("/producer/queueFullErrors", too_big.into()),
        ("/producer/brokers/0/rttMs", 1e300.into()),
        ("/producer/recordQueueTimeMs", (-3.0).into()),
        ("/producer/bufferWaitRatio", 1.5.into()),
        ("/producer/errorRate", 1e9.into()),
        ("/producer/retryRate", (-1.0).into()),
        ("/consumer/recordsLagMax", (-1.0).into()),
        ("/consumer/recordsLagMax", 1e17.into()),
        ("/consumer/recordsConsumedRate", 1e8.into()),
        ("/consumer/fetchRate", (-2.0).into()),
        ("/consumer/fetchLatencyMs", 1e10.into()),
        ("/consumer/processingDelayMs", 3_600_001u64.into()),
        ("/consumer/messagesConsumed", too_big.into()),
    ];
    for (path, value) in cases {
        let bytes = with(&full_signal(), path, value.clone());
        let err = decode_signal(Some(b"producer-1"), &bytes).unwrap_err();
        assert_eq!(err.reason, RejectReason::Invalid, "{path} = {value}");
        // `/producer/brokers/0/rttMs` is named `producer.brokers[0].rttMs`.
        let field = path[1..].replace("/0/", "[0].").replace('/', ".");
        assert!(
            err.detail.starts_with(&format!("producer-1's {field} is ")),
            "{path}: {}",
            err.detail
        );
        assert!(
            err.detail.contains("outside its plausible range"),
            "{}",
            err.detail
        );
    }
}

#[test]
fn a_number_beyond_the_json_double_range_is_malformed_not_a_panic() {
    let mut bytes = encode(&full_signal()).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    bytes = text.replace("21.4", "1e400").into_bytes();
    let err = decode_signal(None, &bytes).unwrap_err();
    assert_eq!(err.reason, RejectReason::Malformed, "{}", err.detail);
}

#[test]
fn a_command_rate_above_ten_million_is_refused() {
    let ok = response(
        ResponseAct::Command,
        Some(Command::SetRate { rate: 10_000_000 }),
    );
    assert!(decode_response(None, &encode(&ok).unwrap()).is_ok());
    for command in [
        Command::SetRate { rate: u32::MAX },
        Command::Throttle { rate: 10_000_001 },
    ] {
        let bytes = encode(&response(ResponseAct::Command, Some(command))).unwrap();
        let err = decode_response(None, &bytes).unwrap_err();
        assert_eq!(err.reason, RejectReason::Invalid);
        assert!(err.detail.contains("command.rate"), "{}", err.detail);
    }
}

#[test]
fn range_checks_come_after_the_key_check() {
    let bytes = with(
        &registration("producer-1"),
        "/heartbeatIntervalMs",
        0.into(),
    );
    let err = decode_registration(Some(b"producer-2"), Some(&bytes)).unwrap_err();
    assert_eq!(err.reason, RejectReason::KeyMismatch);
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

#[test]
fn a_refusal_never_carries_a_huge_field_whole() {
    let mut value = serde_json::to_value(registration("p1")).unwrap();
    value["sidecarType"] = serde_json::Value::String("x".repeat(60_000));
    let payload = serde_json::to_vec(&value).unwrap();
    let error = decode_registration(Some(b"p1"), Some(&payload)).unwrap_err();
    assert_eq!(error.reason, RejectReason::Malformed);
    assert!(error.detail.starts_with("bad "), "{}", error.detail);
    assert_eq!(error.detail.chars().count(), MAX_DETAIL_CHARS + 1);
    assert!(error.detail.ends_with('…'));
}
