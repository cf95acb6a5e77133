//! The one subject pipeline. Every reading of a subject (a producer sidecar's signal, a
//! broker's health, a consumer group's lag) goes the same way through
//! [`Pipeline::observe`]: the subject's detectors → a verdict (the worst finding; none is
//! STABLE) → its row in state → the events that show the reading → a `condition` event
//! when the verdict is news (its situation kept in state's history first). A subject kind
//! ([`Kind`]) supplies only what differs: its reading, its detectors, where state keeps its
//! rows, its events and its calm sentence.

mod brokers;
mod condition;
mod consumer_groups;
mod sidecars;
mod verdict;

pub use brokers::Brokers;
pub use consumer_groups::ConsumerGroups;
pub use sidecars::Sidecars;

use std::collections::BTreeMap;

use crate::detectors::Detectors;
use crate::state::SharedState;
use crate::wire::{self, Event, Observed, Subject};
use crate::Bus;
use condition::{condition_event, ConditionTracker};
use verdict::Verdict;

/// A hostile sender could invent subject ids without end (a sidecar id per signal); past
/// this many subjects of one kind, new ones are ignored.
const MAX_SUBJECTS: usize = 10_000;

/// One kind of subject: what differs from kind to kind.
pub trait Kind {
    /// What names a subject: a sidecar id, a broker id, a consumer group's name.
    type Id: Ord + Clone + Send;
    /// One reading of one subject, as its monitor makes it and its detectors see it.
    type Reading;
    /// The reading as its events and its row in state show it (`crate::wire`).
    type Figures: Clone;
    /// What a subject remembers between readings besides its detectors and its last
    /// announced condition.
    type Memory: Default + Send;
    /// Whether the row and the events list every finding (not only the deciding one).
    const SHOWS_FINDINGS: bool = false;

    /// Whose reading it is.
    fn id(reading: &Self::Reading) -> &Self::Id;
    fn subject(id: &Self::Id) -> Subject;
    /// A fresh set of detectors, for a subject seen the first time.
    fn detectors() -> Detectors<Self::Reading>;
    fn figures(reading: &Self::Reading) -> &Self::Figures;
    /// When the reading was made, ms since the Unix epoch.
    fn at_ms(reading: &Self::Reading) -> i64;
    /// Keeps the subject's new row in state.
    fn record(state: &SharedState, id: &Self::Id, row: Observed<Self::Figures>);
    /// The events that show the reading (published before any `condition` event), with
    /// every finding, worst first.
    fn events(
        memory: &mut Self::Memory,
        reading: &Self::Reading,
        findings: Vec<wire::Finding>,
    ) -> Vec<Event>;
    /// The sentence of a `condition` event for a STABLE subject (no finding to quote);
    /// `again` when it was judged before.
    fn calm(reading: &Self::Reading, again: bool) -> String;
}

/// What the pipeline keeps of one subject between readings.
struct Tracked<K: Kind> {
    detectors: Detectors<K::Reading>,
    condition: ConditionTracker,
    memory: K::Memory,
}

/// The pipeline of one subject kind `K`, with what it keeps of each subject.
pub struct Pipeline<K: Kind> {
    bus: Bus,
    state: SharedState,
    subjects: BTreeMap<K::Id, Tracked<K>>,
}

impl<K: Kind> Pipeline<K> {
    pub fn new(bus: Bus, state: SharedState) -> Self {
        Self {
            bus,
            state,
            subjects: BTreeMap::new(),
        }
    }

    /// Judges one reading, keeps it in state and announces it (see the module's
    /// documentation). A reading of a new subject past [`MAX_SUBJECTS`] is ignored.
    pub fn observe(&mut self, reading: K::Reading) {
        let id = K::id(&reading);
        if !self.subjects.contains_key(id) && self.subjects.len() >= MAX_SUBJECTS {
            tracing::warn!(subject = %K::subject(id), "too many subjects tracked; reading ignored");
            return;
        }
        let tracked = self.subjects.entry(id.clone()).or_insert_with(|| Tracked {
            detectors: K::detectors(),
            condition: ConditionTracker::default(),
            memory: K::Memory::default(),
        });
        let findings = tracked.detectors.check(&reading);
        let verdict = Verdict::of(&findings);
        let shown: Vec<wire::Finding> = findings.iter().map(|f| f.shown()).collect();
        // State first: whoever an event wakes reads state that already includes it.
        K::record(
            &self.state,
            id,
            Observed {
                figures: K::figures(&reading).clone(),
                condition: verdict.condition,
                confidence: verdict.confidence,
                sentence: verdict.sentence.clone(),
                findings: K::SHOWS_FINDINGS.then(|| shown.clone()),
                updated_ms: K::at_ms(&reading),
            },
        );
        for event in K::events(&mut tracked.memory, &reading, shown) {
            self.bus.publish(event);
        }
        let Some(news) = tracked.condition.news(&verdict) else {
            return;
        };
        self.state.history.write().reached(verdict.situation);
        let subject = K::subject(id);
        let sentence = verdict
            .sentence
            .clone()
            .unwrap_or_else(|| K::calm(&reading, news.previous.is_some()));
        tracing::info!(subject = %subject, condition = ?verdict.condition, confidence = ?verdict.confidence, %sentence, "condition");
        self.bus
            .publish(condition_event(subject, &verdict, news.previous, sentence));
    }
}

#[cfg(test)]
mod tests;
