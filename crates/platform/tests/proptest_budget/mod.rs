//! How long a property test runs, shared by the `proptest_*` tests: `PROPERTY_TEST_SECONDS`
//! (batches of `PROPTEST_CASES` cases until that many seconds have passed;
//! `tests/scripts/fuzz.sh` uses it), else `PROPTEST_CASES` cases, else a default small
//! enough for `cargo test`. (Not `PROPTEST_SECONDS`: proptest warns about unknown
//! `PROPTEST_` variables.)

use std::cell::Cell;
use std::fmt::Debug;
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases per property when neither variable is set: well under a second each.
const DEFAULT_CASES: u32 = 256;

/// Runs `test` on values drawn from `strategy` for the configured budget and panics with
/// the shrunk failing input if one fails. Prints `proptest NAME: N cases in S s` (the fuzz
/// script reads that line).
pub fn run<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let seconds = env_number::<u64>("PROPERTY_TEST_SECONDS").map(Duration::from_secs);
    let cases = env_number::<u32>("PROPTEST_CASES").unwrap_or(DEFAULT_CASES);
    let config = Config {
        cases,
        // Inputs are reported in the panic; nothing is written next to the sources.
        failure_persistence: None,
        ..Config::default()
    };
    let started = Instant::now();
    let ran = Cell::new(0u64);
    loop {
        // A runner runs its cases once; each batch gets a fresh one (with a fresh seed).
        let mut runner = TestRunner::new(config.clone());
        let outcome = runner.run(&strategy, |value| {
            ran.set(ran.get() + 1);
            test(value)
        });
        if let Err(failure) = outcome {
            panic!(
                "proptest {name} failed after {} cases: {failure}",
                ran.get()
            );
        }
        if seconds.is_none_or(|budget| started.elapsed() >= budget) {
            break;
        }
    }
    println!(
        "proptest {name}: {} cases in {:.1} s",
        ran.get(),
        started.elapsed().as_secs_f64()
    );
}

/// A number from the environment, `None` when unset; a value that is not a number stops the
/// test rather than silently running the default.
fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    let raw = std::env::var(name).ok()?;
    match raw.trim().parse() {
        Ok(number) => Some(number),
        Err(_) => panic!("{name}={raw:?} is not a whole number"),
    }
}
