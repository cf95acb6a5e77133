//! Supervised platform tasks: a task that panics, or ends while the platform runs, is
//! logged, restarted after a backoff, and reported in `state::tasks` (so `GET /api/health`
//! says `degraded`, naming it) until it has run steadily again.

use std::any::Any;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use faultline_protocol::clock::now_ms;
use parking_lot::Mutex;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::state::tasks::Tasks;

/// Whether a task is meant to end by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Runs until the platform stops; ending before that is a failure.
    Service,
    /// Finishes its job and ends; only a panic is a failure.
    Job,
}

/// How long to wait before each restart, and when a restarted task counts as running again.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// The wait before the first restart; it doubles with each failure in a row.
    pub first: Duration,
    /// The longest wait.
    pub max: Duration,
    /// A task that has run this long is running again: it is no longer reported and its
    /// next failure waits `first` again.
    pub steady_after: Duration,
}

/// 100 ms doubling to 5 s; a task is well again after 5 s without failing.
pub const BACKOFF: Backoff = Backoff {
    first: Duration::from_millis(100),
    max: Duration::from_secs(5),
    steady_after: Duration::from_secs(5),
};

/// Runs the future `start` makes as task `task` until `cancel`, starting a new one after
/// each failure. The returned handle ends when the platform stops (`cancel`) and the
/// current run has ended, or when a `Job` has finished.
pub fn supervise<F, Fut>(
    task: &'static str,
    lifetime: Lifetime,
    backoff: Backoff,
    cancel: CancellationToken,
    tasks: Arc<Mutex<Tasks>>,
    mut start: F,
) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut delay = backoff.first;
        loop {
            let started = Instant::now();
            let mut run = tokio::spawn(start());
            let mut steady = false;
            let ended = loop {
                tokio::select! {
                    ended = &mut run => break ended,
                    _ = tokio::time::sleep_until(started + backoff.steady_after), if !steady => {
                        steady = true;
                        delay = backoff.first;
                        tasks.lock().recovered(task);
                    }
                }
            };
            let failure = match ended {
                Ok(()) if lifetime == Lifetime::Job || cancel.is_cancelled() => {
                    tasks.lock().recovered(task);
                    return;
                }
                Ok(()) => "stopped on its own".to_owned(),
                Err(error) => match error.try_into_panic() {
                    Ok(payload) => format!("panicked: {}", panic_message(payload.as_ref())),
                    Err(_) => "was cancelled".to_owned(),
                },
            };
            if cancel.is_cancelled() {
                // Stopping anyway: nothing to restart, but the panic is worth a line.
                tracing::warn!(task, %failure, "platform task failed while the platform stopped");
                return;
            }
            let sentence = format!(
                "The {task} task {failure}; it restarts in {} ms.",
                delay.as_millis()
            );
            tracing::error!(task, %sentence, "platform task failed");
            tasks.lock().failed(task, sentence, now_ms());
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            delay = delay.saturating_mul(2).min(backoff.max);
            tasks.lock().restarted(task);
            tracing::info!(task, "platform task restarted");
        }
    })
}

/// The text a panic carried (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// Starts of a supervised task, in the (paused) runtime's time.
    #[derive(Default)]
    struct Starts(parking_lot::Mutex<Vec<Instant>>);

    impl Starts {
        fn record(&self) -> usize {
            let mut starts = self.0.lock();
            starts.push(Instant::now());
            starts.len()
        }

        fn gaps(&self) -> Vec<Duration> {
            let starts = self.0.lock();
            starts.windows(2).map(|w| w[1] - w[0]).collect()
        }
    }

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    /// Waits (in paused time, so instantly) until `check` holds.
    async fn until(mut check: impl FnMut() -> bool) {
        for _ in 0..10_000 {
            if check() {
                return;
            }
            tokio::time::sleep(ms(10)).await;
        }
        panic!("condition never held");
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_task_is_reported_restarted_and_well_again_once_steady() {
        let tasks: Arc<Mutex<Tasks>> = Arc::default();
        let cancel = CancellationToken::new();
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        let stop = cancel.clone();
        let handle = supervise(
            "discovery",
            Lifetime::Service,
            BACKOFF,
            cancel.clone(),
            tasks.clone(),
            move || {
                let run = counter.fetch_add(1, Ordering::SeqCst);
                let stop = stop.clone();
                async move {
                    if run == 0 {
                        panic!("attempt to multiply with overflow");
                    }
                    // Like every platform task: runs until the platform stops.
                    stop.cancelled().await;
                }
            },
        );
        until(|| !tasks.lock().degraded().is_empty()).await;
        let degraded = tasks.lock().degraded();
        assert_eq!(degraded[0].task, "discovery");
        assert_eq!(
            degraded[0].sentence,
            "The discovery task panicked: attempt to multiply with overflow; it restarts in 100 ms."
        );
        assert_eq!(degraded[0].restarts, 0);
        until(|| runs.load(Ordering::SeqCst) == 2).await;
        assert_eq!(
            tasks.lock().degraded()[0].restarts,
            1,
            "still degraded right after the restart"
        );
        tokio::time::sleep(BACKOFF.steady_after + ms(100)).await;
        assert!(tasks.lock().degraded().is_empty(), "running steadily again");
        assert_eq!(tasks.lock().restarts()["discovery"], 1);
        cancel.cancel();
        handle
            .await
            .expect("the supervisor ends when the platform stops");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn the_backoff_doubles_to_its_ceiling_and_resets_after_a_steady_run() {
        let tasks: Arc<Mutex<Tasks>> = Arc::default();
        let cancel = CancellationToken::new();
        let starts = Arc::new(Starts::default());
        let seen = starts.clone();
        let backoff = Backoff {
            first: ms(100),
            max: ms(1_000),
            steady_after: ms(3_000),
        };
        let _handle = supervise(
            "signals",
            Lifetime::Service,
            backoff,
            cancel.clone(),
            tasks.clone(),
            move || {
                let start = seen.record();
                async move {
                    // Seven quick failures, then one steady run of 4 s, then failures again.
                    if start == 8 {
                        tokio::time::sleep(ms(4_000)).await;
                    }
                    if start <= 9 {
                        panic!("failure {start}");
                    }
                    std::future::pending::<()>().await;
                }
            },
        );
        until(|| starts.0.lock().len() == 10).await;
        let gaps: Vec<u128> = starts.gaps().iter().map(|d| d.as_millis()).collect();
        assert_eq!(
            gaps,
            vec![100, 200, 400, 800, 1_000, 1_000, 1_000, 4_100, 200],
            "doubling to 1 s; after a run longer than 3 s, 100 ms (4 s + 100 ms) and doubling again"
        );
        assert_eq!(tasks.lock().restarts()["signals"], 9);
        cancel.cancel();
    }

    #[tokio::test(start_paused = true)]
    async fn a_service_that_returns_is_restarted_but_a_finished_job_is_not() {
        let tasks: Arc<Mutex<Tasks>> = Arc::default();
        let cancel = CancellationToken::new();
        let service_runs = Arc::new(AtomicU32::new(0));
        let counter = service_runs.clone();
        let _service = supervise(
            "speech-acts",
            Lifetime::Service,
            BACKOFF,
            cancel.clone(),
            tasks.clone(),
            move || {
                let run = counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    if run > 0 {
                        std::future::pending::<()>().await;
                    }
                }
            },
        );
        let job_runs = Arc::new(AtomicU32::new(0));
        let counter = job_runs.clone();
        let job = supervise(
            "create-topics",
            Lifetime::Job,
            BACKOFF,
            cancel.clone(),
            tasks.clone(),
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async {}
            },
        );
        job.await.expect("a finished job ends its supervisor");
        until(|| service_runs.load(Ordering::SeqCst) == 2).await;
        let degraded = tasks.lock().degraded();
        assert_eq!(degraded.len(), 1, "{degraded:?}");
        assert_eq!(
            degraded[0].sentence,
            "The speech-acts task stopped on its own; it restarts in 100 ms."
        );
        assert_eq!(job_runs.load(Ordering::SeqCst), 1);
        cancel.cancel();
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_restarts_once_the_platform_stops() {
        let tasks: Arc<Mutex<Tasks>> = Arc::default();
        let cancel = CancellationToken::new();
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        let stop = cancel.clone();
        let handle = supervise(
            "brokers",
            Lifetime::Service,
            BACKOFF,
            cancel.clone(),
            tasks.clone(),
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let stop = stop.clone();
                // Ends when the platform stops, as every platform task does.
                async move { stop.cancelled().await }
            },
        );
        tokio::time::sleep(ms(1_000)).await;
        cancel.cancel();
        handle.await.expect("the supervisor ends");
        tokio::time::sleep(ms(10_000)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(
            tasks.lock().degraded().is_empty(),
            "stopping is not a failure"
        );

        // Cancelled while waiting to restart: no new run either.
        let cancel = CancellationToken::new();
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        let handle = supervise(
            "coordinator",
            Lifetime::Service,
            BACKOFF,
            cancel.clone(),
            tasks.clone(),
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { panic!("boom") }
            },
        );
        until(|| !tasks.lock().degraded().is_empty()).await;
        cancel.cancel();
        handle.await.expect("the supervisor ends");
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}
