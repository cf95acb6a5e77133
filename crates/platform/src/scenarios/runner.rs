//! Runs one scenario: its steps on a timeline, its expectations judged against what the
//! platform knows (`world.rs`, woken by the event bus), the stopwatch, and — whatever
//! happens — every fault it injected reverted at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use faultline_protocol::clock::now_ms;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::Mutex;

use super::expectations::Tracked;
use super::model::Reference;
use super::scenario::Scenario;
use super::world::World;
use crate::chaos::Chaos;
use crate::state::SharedState;
use crate::wire::run::StepView;
use crate::wire::{Action, Event, RunPhase, RunStatus, RunView, Stopwatch};
use crate::Bus;

pub struct RunContext {
    pub chaos: Arc<Chaos>,
    pub bus: Bus,
    pub state: SharedState,
    pub environment: String,
}

impl RunView {
    pub fn new(run_id: &str, scenario: &Scenario, environment: &str) -> Self {
        let applies = |only: &Option<Vec<String>>| {
            only.as_ref()
                .is_none_or(|envs| envs.iter().any(|e| e == environment))
        };
        Self {
            run_id: run_id.to_owned(),
            scenario_id: scenario.id.clone(),
            title: scenario.title.clone(),
            summary: scenario.summary.clone(),
            environment: environment.to_owned(),
            status: RunStatus::Running,
            settled: false,
            started_at_ms: now_ms(),
            finished_at_ms: None,
            expectations: Vec::new(),
            skipped: scenario
                .expectations
                .iter()
                .filter(|e| !applies(&e.only))
                .map(|e| e.text.clone())
                .collect(),
            stopwatch: Stopwatch::default(),
            steps: scenario
                .steps
                .iter()
                .map(|s| StepView {
                    at: s.at,
                    action: s.action,
                    description: s.fault.as_ref().map(|f| f.describe()).unwrap_or_default(),
                    talk: s.talk.clone(),
                    done_at_ms: None,
                    error: None,
                })
                .collect(),
            reason: None,
            reverted: Vec::new(),
        }
    }
}

pub async fn execute(ctx: RunContext, scenario: Scenario, view: Arc<Mutex<RunView>>) {
    let run_id = view.lock().await.run_id.clone();
    let announce_as = |phase: RunPhase, status: RunStatus, text: String, run: Option<RunView>| {
        ctx.bus.publish(Event::Scenario {
            run_id: run_id.clone(),
            scenario_id: scenario.id.clone(),
            phase,
            status,
            text,
            run: run.map(Box::new),
        });
    };
    let announce =
        |phase: RunPhase, text: String| announce_as(phase, RunStatus::Running, text, None);
    announce(
        RunPhase::Started,
        format!("Scenario {} started.", scenario.title),
    );
    // The bus only wakes the run when something happened; what happened it reads from
    // state (`World`).
    let mut events = ctx.bus.subscribe();
    let mut world = World::new(&ctx.state);
    let environment = ctx.environment.clone();
    let mut tracked: Vec<Tracked> = scenario
        .expectations
        .iter()
        .filter(|e| {
            e.only
                .as_ref()
                .is_none_or(|envs| envs.iter().any(|x| x == &environment))
        })
        .cloned()
        .map(Tracked::new)
        .collect();
    let settled = settle(&mut world, &mut events, &tracked).await;
    view.lock().await.settled = settled;
    if !settled {
        announce(
            RunPhase::Step,
            format!(
                "Not everything is STABLE ({}); starting anyway.",
                world.unstable().join(", ")
            ),
        );
    }
    let start = Instant::now();
    let last_heal = scenario
        .steps
        .iter()
        .rposition(|s| s.action == Action::Heal);
    let mut injected_at: Option<Instant> = None;
    let mut healed_at: Option<Instant> = None;
    let mut recovered_at: Option<Instant> = None;
    let mut next = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(250));

    loop {
        let step_due = scenario
            .steps
            .get(next)
            .map(|s| start + Duration::from_secs_f64(s.at));
        tokio::select! {
            _ = sleep_until(step_due) => {
                let step = &scenario.steps[next];
                let outcome = run_step(&ctx, &run_id, step.action, step.fault.as_ref()).await;
                let now = Instant::now();
                if step.action == Action::Inject && outcome.is_ok() && injected_at.is_none() {
                    injected_at = Some(now);
                }
                if Some(next) == last_heal {
                    healed_at = Some(now);
                }
                {
                    let mut view = view.lock().await;
                    view.steps[next].done_at_ms = Some(start.elapsed().as_millis() as u64);
                    view.steps[next].error = outcome.as_ref().err().cloned();
                }
                let text = match (&outcome, step.talk.is_empty()) {
                    (Err(error), _) => format!("Step failed: {error}"),
                    (Ok(done), true) => done.clone(),
                    (Ok(_), false) => step.talk.clone(),
                };
                announce(RunPhase::Step, text);
                next += 1;
            }
            event = events.recv() => match event {
                Ok(_) | Err(RecvError::Lagged(_)) => skip_queued(&mut events),
                Err(RecvError::Closed) => break,
            },
            _ = tick.tick() => {}
        }
        let now = Instant::now();
        for t in &mut tracked {
            let reference = match t.reference() {
                Reference::Injection => injected_at,
                Reference::Heal => healed_at,
            };
            let was_met = t.view.met;
            t.check(&world, reference.map(|r| now.saturating_duration_since(r)));
            if t.view.met && !was_met {
                announce(
                    RunPhase::Expectation,
                    format!(
                        "✓ {} (after {} ms)",
                        t.view.text,
                        t.view.after_ms.unwrap_or(0)
                    ),
                );
            }
        }
        if let (Some(heal), None) = (healed_at, recovered_at) {
            if world.all_stable() {
                recovered_at = Some(now);
                announce(
                    RunPhase::Recovered,
                    format!(
                        "Everything is STABLE again, {} ms after the heal.",
                        now.duration_since(heal).as_millis()
                    ),
                );
            }
        }
        update_view(&view, &tracked, start, injected_at, healed_at, recovered_at).await;
        let steps_done = next >= scenario.steps.len();
        if steps_done {
            // A reference that never came (every injection failed, no heal) can never start
            // its expectations' clocks: they are misses, not a run that never ends.
            for t in &mut tracked {
                let missing = match t.reference() {
                    Reference::Injection => injected_at.is_none(),
                    Reference::Heal => healed_at.is_none(),
                };
                if missing {
                    t.view.settled = true;
                }
            }
        }
        let judged = tracked.iter().all(|t| t.view.settled);
        let recovery_over = match (healed_at, recovered_at) {
            (None, _) | (_, Some(_)) => true,
            (Some(heal), None) => now.duration_since(heal).as_secs_f64() > scenario.recover_within,
        };
        if steps_done && judged && recovery_over {
            break;
        }
    }

    let leftovers = ctx.chaos.revert_run(&run_id).await;
    let mut view = view.lock().await;
    let not_reverted = match leftovers {
        Ok(reverted) => {
            view.reverted = reverted;
            Vec::new()
        }
        Err(failed) => failed,
    };
    let missed: Vec<String> = view
        .expectations
        .iter()
        .filter(|e| !e.met)
        .map(|e| e.text.clone())
        .collect();
    let step_errors: Vec<String> = view.steps.iter().filter_map(|s| s.error.clone()).collect();
    let unrecovered = healed_at.is_some() && recovered_at.is_none();
    view.status =
        if missed.is_empty() && step_errors.is_empty() && !unrecovered && not_reverted.is_empty() {
            RunStatus::Passed
        } else {
            RunStatus::Failed
        };
    view.reason = match (missed.is_empty(), step_errors.is_empty(), unrecovered) {
        // A fault left behind outweighs everything else: the presenter must act on it.
        _ if !not_reverted.is_empty() => Some(format!(
            "Faults left behind (use Restore all): {}.",
            not_reverted.join("; ")
        )),
        (true, true, false) => None,
        (false, _, _) => Some(format!("Not met: {}.", missed.join("; "))),
        (true, false, _) => Some(format!("A step failed: {}.", step_errors.join("; "))),
        (true, true, true) => Some(format!(
            "Not STABLE within {} s of the heal: {}.",
            scenario.recover_within,
            world.unstable().join(", ")
        )),
    };
    view.finished_at_ms = Some(now_ms());
    let summary = match &view.reason {
        None => format!("Scenario {} passed.", scenario.title),
        Some(reason) => format!("Scenario {} failed. {reason}", scenario.title),
    };
    let result = view.clone();
    drop(view);
    announce_as(RunPhase::Finished, result.status, summary, Some(result));
}

/// How long a run waits for the previous trouble to clear before it starts.
const SETTLE_WITHIN: Duration = Duration::from_secs(90);
/// How long everything must stay calm before a run starts: the aftermath of the previous
/// scenario (a group rebalancing, latency averages still high) comes and goes, and an
/// expectation that already holds at injection would make the stopwatch say 0 ms.
const CALM_FOR: Duration = Duration::from_secs(5);
/// How long a run also waits for every partition's leadership to return to its preferred
/// broker. A fault on broker 1 shows nothing if broker 1 leads nothing, which it may not
/// right after another broker's trouble; clusters that never rebalance leadership by
/// themselves must not keep a run from starting, so this wait is capped.
const LEADERSHIP_WITHIN: Duration = Duration::from_secs(30);

/// Waits until everything is STABLE, leadership is back on the preferred brokers (for at
/// most LEADERSHIP_WITHIN) and no detection the run expects already holds, so that what the
/// run detects is caused by the run (a previous scenario's recovery, or a latency average
/// still carrying its slow requests, may still be under way). False if it never settles.
async fn settle(
    world: &mut World,
    events: &mut tokio::sync::broadcast::Receiver<Arc<crate::BusEvent>>,
    tracked: &[Tracked],
) -> bool {
    let started = tokio::time::Instant::now();
    let deadline = started + SETTLE_WITHIN;
    let calm = |world: &World| {
        world.all_stable()
            && (world.leadership_preferred()
                || tokio::time::Instant::now() >= started + LEADERSHIP_WITHIN)
            && !tracked
                .iter()
                .any(|t| t.reference() == Reference::Injection && t.holds_now(world))
    };
    let mut calm_since: Option<tokio::time::Instant> = None;
    let settled = loop {
        let now = tokio::time::Instant::now();
        if calm(world) {
            let since = *calm_since.get_or_insert(now);
            if now - since >= CALM_FOR {
                break true;
            }
        } else {
            calm_since = None;
        }
        if now >= deadline {
            break false;
        }
        world.forget_history();
        let wake = calm_since.map_or(deadline, |since| (since + CALM_FOR).min(deadline));
        match tokio::time::timeout_at(wake, events.recv()).await {
            Ok(Ok(_) | Err(RecvError::Lagged(_))) => skip_queued(events),
            Err(_) => {}
            Ok(Err(RecvError::Closed)) => break false,
        }
    };
    world.forget_history();
    settled
}

/// Drops the events already queued behind the one that woke the run: the bus only says
/// that something changed, and what changed is read from state, so a burst of events
/// wakes the run once instead of re-reading state for each.
fn skip_queued(events: &mut tokio::sync::broadcast::Receiver<Arc<crate::BusEvent>>) {
    *events = events.resubscribe();
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}

/// Carries out one step; returns what it did in a sentence.
async fn run_step(
    ctx: &RunContext,
    run_id: &str,
    action: Action,
    fault: Option<&crate::chaos::Fault>,
) -> Result<String, String> {
    match (action, fault) {
        (Action::Inject | Action::Ramp, Some(fault)) => ctx
            .chaos
            .inject(fault.clone(), Some(run_id.to_owned()))
            .await
            .map(|f| format!("Injected: {}.", f.description))
            .map_err(|e| e.to_string()),
        (Action::Heal, Some(fault)) => {
            let spot = fault.spot();
            let ids: Vec<String> = ctx
                .chaos
                .active()
                .await
                .into_iter()
                .filter(|f| f.run_id.as_deref() == Some(run_id) && f.fault.spot() == spot)
                .map(|f| f.id)
                .collect();
            let mut done = Vec::new();
            for id in ids {
                done.push(ctx.chaos.revert(&id).await.map_err(|e| e.to_string())?);
            }
            Ok(done.join(" "))
        }
        (Action::Heal, None) => ctx
            .chaos
            .revert_run(run_id)
            .await
            .map(|done| done.join(" "))
            .map_err(|failed| failed.join("; ")),
        (Action::Note, _) => Ok(String::new()),
        (_, None) => Err("the step has no fault".into()),
    }
}

async fn update_view(
    view: &Mutex<RunView>,
    tracked: &[Tracked],
    start: Instant,
    injected_at: Option<Instant>,
    healed_at: Option<Instant>,
    recovered_at: Option<Instant>,
) {
    let mut view = view.lock().await;
    view.expectations = tracked.iter().map(|t| t.view.clone()).collect();
    let millis = |d: Duration| d.as_millis() as u64;
    view.stopwatch = Stopwatch {
        injected_at_ms: injected_at.map(|i| millis(i - start)),
        detected_after_ms: tracked
            .iter()
            .filter(|t| t.view.met && t.reference() == Reference::Injection)
            .filter_map(|t| t.view.after_ms)
            .min(),
        healed_at_ms: match (injected_at, healed_at) {
            (Some(i), Some(h)) => Some(millis(h.saturating_duration_since(i))),
            _ => None,
        },
        recovered_after_ms: match (healed_at, recovered_at) {
            (Some(h), Some(r)) => Some(millis(r.saturating_duration_since(h))),
            _ => None,
        },
    };
}
