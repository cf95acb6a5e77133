//! Property tests of the scenario file parser (`Scenario::parse`): arbitrary text, mutated
//! copies of the built-in files in `scenarios/`, and ramps with any numbers give either a
//! scenario the runner can carry out or an error naming the file (and a line that exists),
//! never a panic. Case count: `PROPTEST_CASES` or `PROPERTY_TEST_SECONDS` (see
//! `proptest_budget`).

mod proptest_budget;

use std::path::Path;

use faultline_platform::scenarios::Scenario;
use faultline_platform::wire::Action;
use proptest::prelude::*;

const FILE: &str = "fuzzed.toml";

/// The runner's limit for a step's time, in seconds after the run starts.
const LAST_SECOND: f64 = 3600.0;

/// Parses `text` and checks whatever comes back.
fn check(text: &str) -> Result<(), TestCaseError> {
    match Scenario::parse(FILE, text) {
        Ok(scenario) => check_scenario(&scenario),
        Err(error) => {
            prop_assert_eq!(&error.file, FILE);
            prop_assert!(!error.message.is_empty(), "an error without a message");
            prop_assert!(error.to_string().starts_with(FILE), "{}", error);
            if let Some(line) = error.line {
                let lines = text.lines().count().max(1) + 1;
                prop_assert!(
                    (1..=lines).contains(&line),
                    "line {} of {}: {}",
                    line,
                    lines,
                    error
                );
            }
            Ok(())
        }
    }
}

/// What the runner relies on: every step time and deadline a finite number of seconds it
/// can wait for, steps in time order, at least one injection and every one a valid fault.
fn check_scenario(scenario: &Scenario) -> Result<(), TestCaseError> {
    prop_assert_eq!(&scenario.source, FILE);
    let window = 0.0..=LAST_SECOND;
    prop_assert!(
        window.contains(&scenario.recover_within),
        "recover_within {} s",
        scenario.recover_within
    );
    prop_assert!(!scenario.steps.is_empty());
    for step in &scenario.steps {
        prop_assert!(window.contains(&step.at), "a step at {} s", step.at);
    }
    prop_assert!(
        scenario.steps.windows(2).all(|w| w[0].at <= w[1].at),
        "steps out of order"
    );
    prop_assert!(scenario.steps.iter().any(|s| s.action == Action::Inject));
    // Only injections apply their fault; a heal's names the spot to heal, a note's is ignored.
    for step in scenario.steps.iter().filter(|s| s.action == Action::Inject) {
        let fault = step.fault.as_ref();
        prop_assert!(
            fault.is_some_and(|f| f.validate().is_ok()),
            "an injection of {:?} was accepted",
            fault
        );
    }
    for expectation in &scenario.expectations {
        prop_assert!(
            window.contains(&expectation.within),
            "within {} s",
            expectation.within
        );
    }
    Ok(())
}

/// The built-in scenario files, as (name, text).
fn built_in_files() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|x| x == "toml"))
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "the built-in scenarios are missing from {}",
        dir.display()
    );
    files
}

/// Literals a TOML value might be replaced with: numbers at and past every limit, the
/// special floats, and values of the wrong type.
const LITERALS: &[&str] = &[
    "0",
    "-1",
    "-0.0",
    "2",
    "1",
    "64",
    "65",
    "3600",
    "3600.000001",
    "60000",
    "60001",
    "1e-300",
    "1e308",
    "-1e308",
    "inf",
    "-inf",
    "nan",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "true",
    "\"\"",
    "\"ramp\"",
    "\"inject\"",
    "\"heal\"",
    "\"note\"",
    "\"latency\"",
    "[]",
    "[\"rehearsal\"]",
    "{}",
    "{ kind = \"latency\", broker = 1, ms = 100 }",
    "{ kind = \"cpu-stress\", broker = 1, workers = 0 }",
    "1979-05-27T07:32:00Z",
    "'''\nmulti\n'''",
    "\"é\\u0000\"",
];

/// Characters to insert: TOML's punctuation and some multi-byte ones (line numbers are
/// counted on byte offsets, which must stay on character boundaries).
const ALPHABET: &[char] = &[
    '[', ']', '{', '}', '=', '"', '\'', ',', '.', '#', '\n', ' ', '\t', '-', '+', '_', 'a', 'e',
    'z', '0', '1', '9', 'é', '\u{2028}', '😀', '\\',
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the `nth` number in the text (counted modulo how many there are).
    Number {
        nth: usize,
        with: String,
    },
    /// Replace what follows the `nth` `=` up to the end of its line.
    Value {
        nth: usize,
        with: String,
    },
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Cut the text at this byte (moved back to a character boundary).
    Truncate(usize),
    Insert {
        at: usize,
        text: String,
    },
}

fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(LITERALS).prop_map(str::to_owned),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(toml_float),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), literal()).prop_map(|(nth, with)| Mutation::Number { nth, with }),
        3 => (any::<usize>(), literal()).prop_map(|(nth, with)| Mutation::Value { nth, with }),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), prop::collection::vec(prop::sample::select(ALPHABET), 1..12))
            .prop_map(|(at, chars)| Mutation::Insert { at, text: chars.into_iter().collect() }),
    ]
}

/// A float as TOML writes it.
fn toml_float(x: f64) -> String {
    match x {
        x if x.is_nan() => "nan".into(),
        f64::INFINITY => "inf".into(),
        f64::NEG_INFINITY => "-inf".into(),
        x => format!("{x:?}"),
    }
}

/// Byte ranges of the number-like tokens in `text`.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let start = if i > 0 && bytes[i - 1] == b'-' {
            i - 1
        } else {
            i
        };
        let mut end = i;
        while end < bytes.len() && matches!(bytes[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'_') {
            end += 1;
        }
        found.push((start, end));
        i = end;
    }
    found
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    (0..=at)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

fn mutate(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    let pick = |n: usize, len: usize| n % len.max(1);
    match mutation {
        Mutation::Number { nth, with } => {
            let spans = numbers(text);
            if spans.is_empty() {
                return text.to_owned();
            }
            let (start, end) = spans[pick(*nth, spans.len())];
            format!("{}{with}{}", &text[..start], &text[end..])
        }
        Mutation::Value { nth, with } => {
            let equals: Vec<usize> = text.match_indices('=').map(|(i, _)| i).collect();
            if equals.is_empty() {
                return text.to_owned();
            }
            let at = equals[pick(*nth, equals.len())] + 1;
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            format!("{} {with}{}", &text[..at], &text[end..])
        }
        Mutation::DeleteLine(n) => {
            lines.remove(pick(*n, lines.len()));
            lines.join("\n")
        }
        Mutation::DuplicateLine(n) => {
            let i = pick(*n, lines.len());
            lines.insert(i, lines[i]);
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            let len = lines.len();
            lines.swap(pick(*a, len), pick(*b, len));
            lines.join("\n")
        }
        Mutation::Truncate(at) => text[..floor_boundary(text, at % (text.len() + 1))].to_owned(),
        Mutation::Insert { at, text: inserted } => {
            let at = floor_boundary(text, at % (text.len() + 1));
            format!("{}{inserted}{}", &text[..at], &text[at..])
        }
    }
}

#[test]
fn arbitrary_text_is_refused_with_the_file_named() {
    proptest_budget::run("scenario-text", any::<String>(), |text| check(&text));
}

#[test]
fn arbitrary_bytes_read_as_text_are_refused_with_the_file_named() {
    // What the library does with a user's file that is not UTF-8.
    proptest_budget::run(
        "scenario-bytes",
        prop::collection::vec(any::<u8>(), 0..2048),
        |bytes| check(&String::from_utf8_lossy(&bytes)),
    );
}

#[test]
fn mutated_built_in_scenarios_parse_or_name_file_and_line() {
    let files = built_in_files();
    for (name, text) in &files {
        assert!(
            Scenario::parse(FILE, text).is_ok(),
            "{name} does not parse unmutated"
        );
    }
    proptest_budget::run(
        "scenario-mutated",
        (0..files.len(), prop::collection::vec(mutation(), 1..6)),
        |(index, mutations)| {
            let text = mutations
                .iter()
                .fold(files[index].1.clone(), |text, m| mutate(&text, m));
            check(&text)
        },
    );
}

/// Numbers for a ramp's fields: the special floats, extremes, anything, and sensible values.
fn seconds() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        Just(0.0),
        Just(f64::MIN_POSITIVE),
        Just(1e-300),
        Just(1e308),
        Just(f64::MAX),
        any::<f64>(),
        0.0..4000.0,
    ]
}

fn count() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1),
        Just(2),
        Just(u32::MAX),
        any::<u32>(),
        2u32..200
    ]
}

fn latency_ms() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(60_000),
        Just(60_001),
        Just(u32::MAX),
        0u32..70_000
    ]
}

#[test]
fn ramps_with_any_numbers_expand_within_the_run_or_are_refused() {
    proptest_budget::run(
        "scenario-ramp",
        (
            seconds(),
            seconds(),
            latency_ms(),
            latency_ms(),
            seconds(),
            count(),
        ),
        |(recover_within, at, ms, to, every, steps)| {
            let text = format!(
                "id = \"ramp\"\ntitle = \"Ramp\"\nsummary = \"A ramp.\"\n\
                 environments = [\"rehearsal\"]\nrecover_within = {}\n\n\
                 [[step]]\nat = {}\naction = \"ramp\"\n\
                 fault = {{ kind = \"latency\", broker = 1, ms = {ms} }}\n\
                 to = {to}\nevery = {}\nsteps = {steps}\ntalk = \"\"\n",
                toml_float(recover_within),
                toml_float(at),
                toml_float(every),
            );
            check(&text)
        },
    );
}
