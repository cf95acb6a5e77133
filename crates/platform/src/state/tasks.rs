//! The health of the platform's own tasks: which are failing and why, and how often each
//! was restarted. The supervisor writes it; `GET /api/health` reads it.

use std::collections::BTreeMap;

use crate::wire::DegradedTask;

/// Every supervised task that has failed at least once since the platform started.
#[derive(Debug, Default)]
pub struct Tasks {
    by_name: BTreeMap<&'static str, Record>,
}

#[derive(Debug, Default)]
struct Record {
    restarts: u32,
    /// Some from a failure until the task has run steadily again.
    trouble: Option<Trouble>,
}

#[derive(Debug)]
struct Trouble {
    sentence: String,
    since_ms: i64,
}

impl Tasks {
    /// `task` panicked or ended at `now_ms`. A failure during a spell of trouble keeps the
    /// spell's start and replaces the sentence.
    pub fn failed(&mut self, task: &'static str, sentence: String, now_ms: i64) {
        let record = self.by_name.entry(task).or_default();
        let since_ms = record.trouble.as_ref().map_or(now_ms, |t| t.since_ms);
        record.trouble = Some(Trouble { sentence, since_ms });
    }

    /// `task` was started again after a failure.
    pub fn restarted(&mut self, task: &'static str) {
        let record = self.by_name.entry(task).or_default();
        record.restarts = record.restarts.saturating_add(1);
    }

    /// `task` has run steadily again (or finished its job): it is no longer degraded.
    pub fn recovered(&mut self, task: &'static str) {
        if let Some(record) = self.by_name.get_mut(task) {
            record.trouble = None;
        }
    }

    /// The tasks in trouble now, by name.
    pub fn degraded(&self) -> Vec<DegradedTask> {
        self.by_name
            .iter()
            .filter_map(|(task, record)| {
                record.trouble.as_ref().map(|trouble| DegradedTask {
                    task: (*task).to_owned(),
                    sentence: trouble.sentence.clone(),
                    restarts: record.restarts,
                    since_ms: trouble.since_ms,
                })
            })
            .collect()
    }

    /// Restarts per task, for tasks restarted at least once.
    pub fn restarts(&self) -> BTreeMap<String, u32> {
        self.by_name
            .iter()
            .filter(|(_, record)| record.restarts > 0)
            .map(|(task, record)| ((*task).to_owned(), record.restarts))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_degraded_until_recovered_and_restarts_are_kept() {
        let mut tasks = Tasks::default();
        assert!(tasks.degraded().is_empty());
        tasks.failed("discovery", "first".into(), 1_000);
        tasks.restarted("discovery");
        tasks.failed("discovery", "second".into(), 2_000);
        assert_eq!(
            tasks.degraded(),
            vec![DegradedTask {
                task: "discovery".into(),
                sentence: "second".into(),
                restarts: 1,
                since_ms: 1_000,
            }]
        );
        tasks.restarted("discovery");
        tasks.recovered("discovery");
        assert!(tasks.degraded().is_empty());
        assert_eq!(tasks.restarts(), BTreeMap::from([("discovery".into(), 2)]));
        tasks.failed("discovery", "third".into(), 9_000);
        assert_eq!(tasks.degraded()[0].since_ms, 9_000, "a new spell");
    }

    #[test]
    fn recovering_a_task_that_never_failed_changes_nothing() {
        let mut tasks = Tasks::default();
        tasks.recovered("signals");
        assert!(tasks.degraded().is_empty());
        assert!(tasks.restarts().is_empty());
    }
}
