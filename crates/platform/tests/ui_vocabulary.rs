//! The dashboard's word lists (`ui/js/vocabulary.js`) equal the wire enums it reads, so a
//! word added, renamed or dropped on one side and not the other fails the build; and each
//! tone table there colours exactly its list's words.

use std::collections::BTreeMap;
use std::path::Path;

use faultline_platform::wire::{
    BrokerState, ContainerAction, EpisodeOutcome, EventType, FaultAction, LaunchState, Lifecycle,
    RunPhase, RunStatus, SidecarStatus, SpeechActKind, StepStatus, SubjectKind,
};
use faultline_protocol::vocabulary::{Condition, Confidence, QueueSign, Situation};
use serde::Serialize;
use strum::VariantArray;

/// Each enum's words as the platform serialises them.
fn words<T: VariantArray + Serialize>() -> Vec<String> {
    T::VARIANTS
        .iter()
        .map(|variant| match serde_json::to_value(variant) {
            Ok(serde_json::Value::String(word)) => word,
            other => panic!("a wire enum serialised as {other:?}, not a word"),
        })
        .collect()
}

/// (list in vocabulary.js, the Rust words it must equal).
fn contract() -> Vec<(&'static str, Vec<String>)> {
    let mut types = words::<EventType>();
    // Not events but sent in the same stream (wire::Lagged, and a replay's wire::ReplayStatus).
    types.push("lagged".into());
    types.push("replay".into());
    vec![
        ("EVENT_TYPES", types),
        ("STATUSES", words::<SidecarStatus>()),
        ("CONDITIONS", words::<Condition>()),
        ("CONFIDENCES", words::<Confidence>()),
        ("SITUATIONS", words::<Situation>()),
        ("QUEUE_SIGNS", words::<QueueSign>()),
        ("SUBJECT_KINDS", words::<SubjectKind>()),
        ("SPEECH_ACTS", words::<SpeechActKind>()),
        ("EPISODE_OUTCOMES", words::<EpisodeOutcome>()),
        ("FAULT_ACTIONS", words::<FaultAction>()),
        ("RUN_PHASES", words::<RunPhase>()),
        ("RUN_STATUSES", words::<RunStatus>()),
        ("LAUNCH_STATES", words::<LaunchState>()),
        ("STEP_STATUSES", words::<StepStatus>()),
        ("BROKER_STATES", words::<BrokerState>()),
        ("CONTAINER_ACTIONS", words::<ContainerAction>()),
    ]
}

/// (tone table, the list whose words are its keys).
const TONES: &[(&str, &str)] = &[
    ("STATUS_TONE", "STATUSES"),
    ("CONDITION_TONE", "CONDITIONS"),
    ("SITUATION_TONE", "SITUATIONS"),
    ("ENV_STATE_TONE", "LAUNCH_STATES"),
    ("EPISODE_TONE", "EPISODE_OUTCOMES"),
    ("SIGN_TONE", "QUEUE_SIGNS"),
];

#[test]
fn the_dashboards_word_lists_equal_the_wire_enums() {
    let js = vocabulary_js();
    let lists = arrays(&js);
    let mut differences = Vec::new();
    for (name, rust) in contract() {
        match lists.get(name) {
            None => differences.push(format!("vocabulary.js has no list {name}")),
            Some(ui) if *ui != rust => differences.push(format!(
                "{name}: vocabulary.js has {ui:?}, Rust has {rust:?}"
            )),
            Some(_) => {}
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn each_tone_table_colours_exactly_its_lists_words() {
    let js = vocabulary_js();
    let lists = arrays(&js);
    let tables = tables(&js);
    for (table, list) in TONES {
        let mut keys = tables
            .get(*table)
            .unwrap_or_else(|| panic!("no {table}"))
            .clone();
        let mut words = lists
            .get(*list)
            .unwrap_or_else(|| panic!("no {list}"))
            .clone();
        keys.sort();
        words.sort();
        assert_eq!(keys, words, "{table}'s keys are not {list}");
    }
}

#[test]
fn every_environment_state_is_a_launch_state_the_dashboard_colours() {
    // The header colours `GET /api/environment`'s state with the launch states' tones.
    let launch = words::<LaunchState>();
    for state in words::<Lifecycle>() {
        assert!(launch.contains(&state), "{state} is not a launch state");
    }
}

#[test]
fn the_reader_finds_lists_and_tables_and_notices_a_difference() {
    let js = "export const A = [\n  'x', 'y-z',\n];\nconst A_TONE = { x: 'ok', 'y-z': 'bad' };";
    assert_eq!(arrays(js)["A"], ["x", "y-z"]);
    assert_eq!(tables(js)["A_TONE"], ["x", "y-z"]);
    assert_ne!(arrays("export const A = ['x'];")["A"], ["x", "y-z"]);
}

fn vocabulary_js() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/js/vocabulary.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `export const NAME = ['a', 'b'];` as NAME → [a, b].
fn arrays(js: &str) -> BTreeMap<String, Vec<String>> {
    declarations(js, '[', ']')
        .into_iter()
        .map(|(name, body)| (name, quoted(&body)))
        .collect()
}

/// `const NAME = { a: 'ok', 'b-c': 'bad' };` as NAME → [a, b-c] (its keys).
fn tables(js: &str) -> BTreeMap<String, Vec<String>> {
    declarations(js, '{', '}')
        .into_iter()
        .map(|(name, body)| {
            let keys = body
                .split(',')
                .filter_map(|pair| pair.split_once(':'))
                .map(|(key, _)| key.trim().trim_matches('\'').to_owned())
                .collect();
            (name, keys)
        })
        .collect()
}

/// Every `const NAME = <open>...<close>` (exported or not), as NAME → what is between.
fn declarations(js: &str, open: char, close: char) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (at, _) in js.match_indices("const ") {
        let rest = &js[at + "const ".len()..];
        let Some((name, value)) = rest.split_once('=') else {
            continue;
        };
        let value = value.trim_start();
        let (Some(body), Some(end)) = (value.strip_prefix(open), value.find(close)) else {
            continue;
        };
        found.push((name.trim().to_owned(), body[..end - 1].to_owned()));
    }
    found
}

fn quoted(body: &str) -> Vec<String> {
    body.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}
