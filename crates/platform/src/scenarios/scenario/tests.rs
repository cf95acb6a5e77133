//! Proves scenario files parse and expand, and that each mistake is refused by line.

use super::*;

const GOOD: &str = r#"
id = "demo"
title = "Demo"
summary = "A test scenario."
environments = ["rehearsal"]

[[step]]
at = 0
action = "ramp"
fault = { kind = "latency", broker = 1, ms = 100 }
to = 2000
every = 2
steps = 4
talk = "Latency rises."

[[step]]
at = 10
action = "heal"
talk = "Heal."

[[expect]]
text = "producer-1 DIVERGING within 8 s"
kind = "condition"
subject = "producer-1"
condition = "DIVERGING"
within = 8

[[expect]]
text = "all STABLE within 30 s of the heal"
kind = "all-stable"
within = 30
"#;

#[test]
fn a_ramp_expands_into_timed_injections() {
    let scenario = Scenario::parse("demo.toml", GOOD).unwrap();
    let injected: Vec<(f64, Option<Fault>)> = scenario
        .steps
        .iter()
        .filter(|s| s.action == Action::Inject)
        .map(|s| (s.at, s.fault.clone()))
        .collect();
    assert_eq!(
        injected,
        vec![
            (
                0.0,
                Some(Fault::Latency {
                    broker: 1,
                    ms: 100,
                    jitter: 0
                })
            ),
            (
                2.0,
                Some(Fault::Latency {
                    broker: 1,
                    ms: 733,
                    jitter: 0
                })
            ),
            (
                4.0,
                Some(Fault::Latency {
                    broker: 1,
                    ms: 1367,
                    jitter: 0
                })
            ),
            (
                6.0,
                Some(Fault::Latency {
                    broker: 1,
                    ms: 2000,
                    jitter: 0
                })
            ),
        ]
    );
    assert_eq!(scenario.steps.last().unwrap().action, Action::Heal);
    assert_eq!(scenario.expectations.len(), 2);
    assert!(scenario.supports("rehearsal") && !scenario.supports("local"));
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let broken = GOOD.replace("to = 2000", "to = = 2000");
    let error = Scenario::parse("mine.toml", &broken).unwrap_err();
    assert_eq!(error.file, "mine.toml");
    assert_eq!(error.line, Some(11), "{error}");
}

#[test]
fn an_unknown_fault_kind_names_its_line() {
    let broken = GOOD.replace(r#"kind = "latency""#, r#"kind = "earthquake""#);
    let error = Scenario::parse("mine.toml", &broken).unwrap_err();
    assert_eq!(error.line, Some(10), "{error}");
    assert!(error.message.contains("earthquake"), "{error}");
}

#[test]
fn an_incomplete_expectation_names_its_line() {
    let broken = GOOD.replace("condition = \"DIVERGING\"\n", "");
    let error = Scenario::parse("mine.toml", &broken).unwrap_err();
    assert_eq!(error.line, Some(21), "{error}");
    assert!(error.message.contains("needs `condition`"), "{error}");
}

#[test]
fn a_misspelt_field_is_refused() {
    let broken = GOOD.replace("talk = \"Heal.\"", "tlak = \"Heal.\"");
    let error = Scenario::parse("mine.toml", &broken).unwrap_err();
    assert!(error.message.contains("tlak"), "{error}");
    assert!(error.line.is_some());
}

#[test]
fn a_recovery_time_the_runner_cannot_wait_for_is_refused_on_its_line() {
    // NaN or a huge value once let a run that never recovered go on forever.
    for value in ["nan", "inf", "-1", "3601"] {
        let broken = GOOD.replace(
            "environments = [\"rehearsal\"]\n",
            &format!("environments = [\"rehearsal\"]\nrecover_within = {value}\n"),
        );
        let error = Scenario::parse("mine.toml", &broken).unwrap_err();
        assert_eq!(error.line, Some(6), "{error}");
        assert!(error.message.contains("recover_within"), "{error}");
    }
}

#[test]
fn a_ramp_ends_within_the_hour_with_at_most_100_injections() {
    // An infinite or huge `every` once gave steps at NaN or 1e300 s, on which the runner's
    // wait panicked; `steps = 4294967295` expanded until memory ran out.
    for (every, steps) in [
        ("inf", "4"),
        ("1e300", "2"),
        ("1201", "4"),
        ("2", "101"),
        ("2", "4294967295"),
    ] {
        let broken = GOOD.replace(
            "every = 2\nsteps = 4",
            &format!("every = {every}\nsteps = {steps}"),
        );
        let error = Scenario::parse("mine.toml", &broken).unwrap_err();
        assert!(error.line.is_some(), "{error}");
        assert!(error.message.contains("ramp"), "{error}");
    }
    let longest = GOOD.replace("every = 2\nsteps = 4", "every = 36\nsteps = 100");
    let scenario = Scenario::parse("mine.toml", &longest).unwrap();
    let injections = scenario.steps.iter().filter(|s| s.action == Action::Inject);
    assert_eq!(injections.count(), 100);
    assert_eq!(scenario.steps.last().unwrap().at, 3564.0);
}
