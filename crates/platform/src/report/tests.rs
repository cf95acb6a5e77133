//! A whole report from a small synthetic recording of a broker crash: what it reads of the
//! run, the SVG it draws (parsed) and the PNG (decoded); and the refusals.

use serde_json::{json, Value};

use super::checks::svg_shows;
use super::*;
use crate::wire::{ExpectKind, ExpectationView, RunStatus, RunView, Stopwatch};

const STARTED_MS: i64 = 1_767_268_800_000;
const INJECTED_MS: i64 = STARTED_MS + 7_000;

fn run() -> RunView {
    let expectation = |text: &str, kind, subject: Option<&str>, after_ms| ExpectationView {
        text: text.into(),
        kind,
        subject: subject.map(str::to_owned),
        threshold: (kind == ExpectKind::UnderReplicated).then_some(0.0),
        met: true,
        after_ms: Some(after_ms),
        settled: true,
    };
    RunView {
        run_id: "run-1".into(),
        scenario_id: "broker-failure".into(),
        title: "A broker crashes".into(),
        summary: "broker-2 is killed (SIGKILL): it is DOWN, leadership moves, partitions are \
                  under-replicated; restarted, it catches up and replication is whole again."
            .into(),
        environment: "rehearsal".into(),
        status: RunStatus::Passed,
        settled: true,
        started_at_ms: STARTED_MS,
        finished_at_ms: Some(STARTED_MS + 40_000),
        expectations: vec![
            expectation(
                "broker-2 DOWN within 5 s",
                ExpectKind::Condition,
                Some("broker-2"),
                1_500,
            ),
            expectation(
                "under-replicated partitions within 15 s",
                ExpectKind::UnderReplicated,
                None,
                2_000,
            ),
            expectation(
                "all STABLE within 60 s of the restart",
                ExpectKind::AllStable,
                None,
                6_000,
            ),
        ],
        skipped: vec!["broker-2 request handler idle below 20 %".into()],
        stopwatch: Stopwatch {
            injected_at_ms: Some(2_000),
            detected_after_ms: Some(1_500),
            healed_at_ms: Some(23_000),
            recovered_after_ms: Some(6_000),
        },
        steps: Vec::new(),
        reason: None,
        reverted: Vec::new(),
    }
}

fn scenario(at_ms: i64, phase: &str, run: Option<Value>) -> Value {
    let mut event = json!({"seq": 1, "atMs": at_ms, "type": "scenario", "runId": "run-1",
        "scenarioId": "broker-failure", "phase": phase, "status": "running", "text": "t"});
    if let Some(run) = run {
        event["run"] = run;
    }
    event
}

fn fault(at_ms: i64, action: &str) -> Value {
    json!({"seq": 1, "atMs": at_ms, "type": "fault", "action": action, "faultId": "f-1",
           "fault": {"kind": "broker-down", "broker": 2, "mode": "kill"}, "sentence": "s"})
}

fn events(finished: bool) -> Vec<Value> {
    let mut events = vec![
        json!({"seq": 0, "atMs": STARTED_MS - 60_000, "type": "condition", "subject": "broker-2",
               "condition": "STABLE"}),
        scenario(STARTED_MS, "started", None),
        fault(INJECTED_MS, "injected"),
        json!({"seq": 1, "atMs": INJECTED_MS + 1_500, "type": "condition",
               "subject": "broker-2", "condition": "DOWN"}),
        json!({"odd": "a line a newer Faultline wrote"}),
        json!({"seq": 1, "atMs": INJECTED_MS + 3_000, "type": "episode", "sidecarId": "producer-1",
               "requestId": "r-1", "outcome": "healed", "elapsedMs": 2_500, "sentence": "s"}),
        json!({"seq": 1, "atMs": INJECTED_MS + 4_000, "type": "episode", "sidecarId": "producer-2",
               "requestId": "r-2", "outcome": "refused", "elapsedMs": 10, "sentence": "s"}),
        fault(INJECTED_MS + 23_000, "reverted"),
        json!({"seq": 1, "atMs": INJECTED_MS + 29_000, "type": "condition",
               "subject": "broker-2", "condition": "STABLE"}),
    ];
    for second in -8..35_i64 {
        let urp = if (2..28).contains(&second) { 12 } else { 0 };
        events.push(
            json!({"seq": 1, "atMs": INJECTED_MS + second * 1_000, "type": "broker",
            "brokerId": 1, "reachable": true, "underReplicatedPartitions": urp}),
        );
    }
    events.sort_by_key(|e| e.get("atMs").and_then(Value::as_i64));
    if finished {
        let run = serde_json::to_value(run()).expect("serialise");
        events.push(scenario(STARTED_MS + 40_000, "finished", Some(run)));
    }
    events
}

#[test]
fn the_record_holds_the_run_its_window_metrics_faults_and_conditions() {
    let record = RunRecord::from_events("run-1", &events(true)).expect("a report");
    assert_eq!(record.run, run());
    assert_eq!((record.from_s, record.to_s), (-10.0, 36.0));
    assert_eq!(
        record.faults,
        [FaultBand {
            name: "broker-2 killed (SIGKILL)".into(),
            from_s: 0.0,
            to_s: 23.0,
        }]
    );
    assert_eq!(record.series.len(), 1);
    assert_eq!(record.series[0].label, "under-replicated partitions");
    assert!(record.series[0].points.contains(&(2.0, 12.0)));
    assert_eq!(record.conditions.len(), 1);
    assert_eq!(record.conditions[0].segments.len(), 3);
    assert!(record
        .alert_window
        .is_some_and(|row| row.note.contains("UnderReplicatedPartitions")));
    assert_eq!(
        record.healings,
        [("platform healed producer-1 in 2.5 s".to_owned(), 3.0)],
        "only a healed episode is marked"
    );
}

#[test]
fn the_svg_shows_the_fault_band_the_detection_marker_and_the_stopwatch() {
    let record = RunRecord::from_events("run-1", &events(true)).expect("a report");
    let svg = render_svg(&record).expect("an SVG");
    let stopwatch = &record.run.stopwatch;
    let mut texts = vec![
        "broker-2 killed (SIGKILL)".to_owned(),
        "A broker crashes".to_owned(),
    ];
    texts.extend(detection_marker(stopwatch).map(|(label, _)| label));
    texts.extend(recovery_marker(stopwatch).map(|(label, _)| label));
    texts.extend(stopwatch_lines(stopwatch));
    texts.extend(record.healings.iter().map(|(label, _)| label.clone()));
    assert_eq!(texts[2], "detected after 1.5 s");
    assert_eq!(texts[4], "Detected after 1.5 s");
    svg_shows(&svg, (WIDTH, HEIGHT), BAND_HEX, &texts).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_png_has_the_documented_size() {
    let record = RunRecord::from_events("run-1", &events(true)).expect("a report");
    let png = render_png(&record).expect("a PNG");
    let decoder = png::Decoder::new(std::io::Cursor::new(&png));
    let reader = decoder.read_info().expect("a PNG header");
    assert_eq!((reader.info().width, reader.info().height), (1200, 900));
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts/reports");
    std::fs::create_dir_all(&folder).expect("artifacts folder");
    std::fs::write(folder.join("synthetic-broker-failure.png"), &png).expect("written");
}

#[test]
fn a_run_missing_unfinished_or_unreadable_is_refused_with_a_sentence() {
    let refusal = |events: &[Value]| {
        RunRecord::from_events("run-1", events)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(refusal(&[]), "there is no run run-1 in the recorded events");
    assert_eq!(
        refusal(&events(false)),
        "run run-1 has not finished in the recorded events: its result is not there yet"
    );
    let odd = [scenario(STARTED_MS, "finished", Some(json!({"runId": 5})))];
    assert!(
        refusal(&odd).starts_with("run run-1's recorded result cannot be read: "),
        "{}",
        refusal(&odd)
    );
}
