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
