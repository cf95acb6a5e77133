//! What happened, for readers that look now and then (a scenario run): the situations
//! subjects' conditions reached and the sidecars self-healing episodes healed. Each is
//! kept with the point in this history where it last happened, so that a reader asks
//! "since my mark" and misses nothing that came and went between two of its looks.

use std::collections::BTreeMap;

use faultline_protocol::vocabulary::Situation;
use faultline_protocol::SidecarId;

/// Healed sidecars remembered at most; past it the one healed longest ago is forgotten
/// (the sidecars of any demo are far fewer).
const MAX_HEALED: usize = 10_000;

/// A point in the history: everything recorded after [`History::mark`] returned it is
/// "since" it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark(u64);

#[derive(Debug, Default)]
pub struct History {
    /// The point the next record takes.
    next: u64,
    situations: BTreeMap<Situation, u64>,
    healed: BTreeMap<SidecarId, u64>,
}

impl History {
    /// Where the history stands now.
    pub fn mark(&self) -> Mark {
        Mark(self.next)
    }

    /// A subject's announced condition put the platform in `situation`.
    pub fn reached(&mut self, situation: Situation) {
        let at = self.advance();
        self.situations.insert(situation, at);
    }

    /// A self-healing episode healed `sidecar`.
    pub fn healed(&mut self, sidecar: &SidecarId) {
        let at = self.advance();
        if self.healed.len() >= MAX_HEALED && !self.healed.contains_key(sidecar) {
            let oldest = self
                .healed
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                self.healed.remove(&oldest);
            }
        }
        self.healed.insert(sidecar.clone(), at);
    }

    /// Whether `situation` was reached since `mark`.
    pub fn reached_since(&self, mark: Mark, situation: Situation) -> bool {
        self.situations
            .get(&situation)
            .is_some_and(|at| *at >= mark.0)
    }

    /// Whether an episode healed `sidecar` since `mark`.
    pub fn healed_since(&self, mark: Mark, sidecar: &SidecarId) -> bool {
        self.healed.get(sidecar).is_some_and(|at| *at >= mark.0)
    }

    fn advance(&mut self) -> u64 {
        let at = self.next;
        self.next = self.next.saturating_add(1);
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_happened_before_a_mark_is_not_since_it() {
        let mut history = History::default();
        let producer = SidecarId::parse("producer-1").unwrap();
        history.reached(Situation::Critical);
        history.healed(&producer);
        let mark = history.mark();
        assert!(!history.reached_since(mark, Situation::Critical));
        assert!(!history.healed_since(mark, &producer));

        history.reached(Situation::Warning);
        assert!(history.reached_since(mark, Situation::Warning));
        assert!(!history.reached_since(mark, Situation::Critical));
        history.reached(Situation::Critical);
        history.healed(&producer);
        assert!(
            history.reached_since(mark, Situation::Critical),
            "reached again"
        );
        assert!(history.healed_since(mark, &producer));
        assert!(!history.reached_since(history.mark(), Situation::Critical));
    }

    #[test]
    fn past_the_limit_the_sidecar_healed_longest_ago_is_forgotten() {
        let mut history = History::default();
        let mark = history.mark();
        let id = |n: usize| SidecarId::parse(&format!("producer-{n}")).unwrap();
        for n in 0..=MAX_HEALED {
            history.healed(&id(n));
        }
        assert!(!history.healed_since(mark, &id(0)));
        assert!(history.healed_since(mark, &id(1)));
        assert!(history.healed_since(mark, &id(MAX_HEALED)));
    }
}
