//! A recording running in the background: an async half follows the bus (never slowing it:
//! when it falls behind, the bus drops the oldest events and the recording gets a `lagged`
//! line saying how many) and hands each line, typed, to a blocking half that compresses and
//! writes them, flushing once a second.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::rotation::Series;
use super::RecordingError;
use crate::wire::{BusEvent, Lagged};

/// How often written lines are flushed to disk: a crash or a copy taken mid-recording
/// loses at most this much.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Lines waiting for the disk; when full, the bus side waits and the bus reports what it
/// dropped meanwhile as `lagged`.
const HANDOFF: usize = 1024;

/// What the bus side hands the disk side.
enum Entry {
    /// One JSON line, without its line break.
    Line(String),
    /// Make everything written so far readable on disk.
    Flush,
}

/// A recording being written. [`stop`](Self::stop) finishes it; dropping it stops it too,
/// finishing the file in the background. A process that ends first leaves the file cut
/// after its last flush, which the reader reports.
pub struct Running {
    stop: CancellationToken,
    _stop_on_drop: DropGuard,
    task: JoinHandle<()>,
    files: Arc<Mutex<Vec<PathBuf>>>,
}

impl Running {
    /// Starts writing every event `events` receives (subscribe before taking the snapshot
    /// `series` starts with, so nothing falls between the two).
    pub fn spawn(events: broadcast::Receiver<Arc<BusEvent>>, series: Series) -> Self {
        let files = Arc::new(Mutex::new(series.files().to_vec()));
        let (lines, entries) = mpsc::channel(HANDOFF);
        let disk = tokio::task::spawn_blocking({
            let files = files.clone();
            move || write(series, entries, &files)
        });
        let stop = CancellationToken::new();
        let task = tokio::spawn(follow(events, lines, stop.clone(), disk));
        Self {
            _stop_on_drop: stop.clone().drop_guard(),
            stop,
            task,
            files,
        }
    }

    /// Every file written so far, oldest first; the last is being written.
    pub fn files(&self) -> Vec<PathBuf> {
        self.files.lock().clone()
    }

    /// Writes what the bus published before now, finishes the file and returns every file
    /// of the recording, oldest first.
    pub async fn stop(self) -> Vec<PathBuf> {
        self.stop.cancel();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the recording's task failed; its file may be cut short");
        }
        self.files.lock().clone()
    }
}

/// The bus side: each event (or lagged count) as a line, a flush every second, until
/// stopped or the disk side gives up.
async fn follow(
    mut events: broadcast::Receiver<Arc<BusEvent>>,
    lines: mpsc::Sender<Entry>,
    stop: CancellationToken,
    disk: JoinHandle<Result<(), RecordingError>>,
) {
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let entry = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            received = events.recv() => match received {
                Ok(event) => line(Ok(&*event)),
                Err(RecvError::Lagged(missed)) => line(Err(missed)),
                Err(RecvError::Closed) => break,
            },
            _ = flush.tick() => Some(Entry::Flush),
        };
        if let Some(entry) = entry {
            if lines.send(entry).await.is_err() {
                break; // The disk side stopped on an error.
            }
        }
    }
    // What was published before the stop belongs to the recording.
    loop {
        let entry = match events.try_recv() {
            Ok(event) => line(Ok(&*event)),
            Err(TryRecvError::Lagged(missed)) => line(Err(missed)),
            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
        };
        if let Some(entry) = entry {
            if lines.send(entry).await.is_err() {
                break;
            }
        }
    }
    drop(lines);
    match disk.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(
            %error,
            "recording stopped; the platform goes on without it"
        ),
        Err(error) => {
            tracing::error!(%error, "the recording's writer failed; the platform goes on without it")
        }
    }
}

/// An event as `/ws` sends it, or the count of events the bus dropped.
fn line(received: Result<&BusEvent, u64>) -> Option<Entry> {
    let serialised = match received {
        Ok(event) => serde_json::to_string(event),
        Err(missed) => {
            tracing::warn!(
                missed,
                "the recording fell behind the bus: {missed} events are not in it"
            );
            serde_json::to_string(&Lagged { missed })
        }
    };
    match serialised {
        Ok(text) => Some(Entry::Line(text)),
        Err(error) => {
            tracing::warn!(%error, "event not serialisable; not recorded");
            None
        }
    }
}

/// The disk side: writes each line, flushes when asked and anything is new, finishes the
/// file when the bus side is done. Stops at the first error.
fn write(
    mut series: Series,
    mut entries: mpsc::Receiver<Entry>,
    files: &Mutex<Vec<PathBuf>>,
) -> Result<(), RecordingError> {
    let mut unflushed = false;
    while let Some(entry) = entries.blocking_recv() {
        match entry {
            Entry::Line(text) => {
                series.write_line(&text)?;
                unflushed = true;
            }
            Entry::Flush if unflushed => {
                series.flush()?;
                unflushed = false;
            }
            Entry::Flush => {}
        }
        if files.lock().len() != series.files().len() {
            *files.lock() = series.files().to_vec();
        }
    }
    series.finish().map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::format::Header;
    use crate::recording::rotation::Limits;
    use crate::recording::tests::empty_snapshot;
    use crate::wire::Event;
    use crate::Bus;

    fn restore(reverted: usize) -> Event {
        Event::Restore {
            green: true,
            reverted,
            sentence: "all green".into(),
        }
    }

    fn start(bus: &Bus, folder: &std::path::Path) -> Running {
        let events = bus.subscribe();
        let series = Series::start(
            folder,
            Limits::default(),
            Header::new("rehearsal", None),
            Arc::new(empty_snapshot),
        )
        .expect("start");
        Running::spawn(events, series)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_event_published_before_the_stop_is_recorded_in_order() {
        let folder = tempfile::tempdir().expect("temp dir");
        let bus = Bus::new();
        let running = start(&bus, folder.path());
        for reverted in 0..500 {
            bus.publish(restore(reverted));
        }
        let files = running.stop().await;
        assert_eq!(files.len(), 1);
        let recording = crate::recording::read(&files[0]).expect("readable");
        assert_eq!(recording.break_at, None);
        let seqs: Vec<u64> = recording
            .events
            .iter()
            .map(|event| event["seq"].as_u64().expect("seq"))
            .collect();
        assert_eq!(seqs, (1..=500).collect::<Vec<_>>());
        assert_eq!(recording.events[0]["type"], "restore");
        assert_eq!(recording.events[0]["reverted"], 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_second_s_lines_are_readable_on_disk_while_it_runs() {
        let folder = tempfile::tempdir().expect("temp dir");
        let bus = Bus::new();
        let running = start(&bus, folder.path());
        bus.publish(restore(1));
        tokio::time::sleep(FLUSH_EVERY * 2).await;
        let live = crate::recording::read(&running.files()[0]).expect("readable");
        assert_eq!(live.events.len(), 1, "{live:?}");
        let cut = live.break_at.expect("not finished yet");
        assert!(cut.reason.contains("still being written"), "{cut:?}");
        running.stop().await;
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_recording_behind_the_bus_says_how_many_events_it_lost() {
        let folder = tempfile::tempdir().expect("temp dir");
        let bus = Bus::new();
        let running = start(&bus, folder.path());
        // On one thread nothing is read while this publishes past the bus's capacity.
        for reverted in 0..10_000 {
            bus.publish(restore(reverted));
        }
        let files = running.stop().await;
        let recording = crate::recording::read(&files[0]).expect("readable");
        let lagged: Vec<&serde_json::Value> = recording
            .events
            .iter()
            .filter(|event| event["type"] == "lagged")
            .collect();
        assert_eq!(lagged.len(), 1, "{lagged:?}");
        let missed = lagged[0]["missed"].as_u64().expect("missed");
        let kept = recording.events.len() as u64 - 1;
        assert_eq!(missed + kept, 10_000, "every event is recorded or counted");
        assert_eq!(recording.events.last().expect("events")["seq"], 10_000);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_disk_error_stops_the_recording_not_the_bus() {
        let folder = tempfile::tempdir().expect("temp dir");
        let bus = Bus::new();
        let events = bus.subscribe();
        let limits = Limits {
            max_file_bytes: 1,
            keep_session_files: 8,
        };
        let series = Series::start(
            folder.path(),
            limits,
            Header::new("rehearsal", None),
            Arc::new(empty_snapshot),
        )
        .expect("start");
        // The next part cannot be created: its folder is gone.
        std::fs::remove_dir_all(folder.path()).expect("remove");
        let running = Running::spawn(events, series);
        for reverted in 0..100 {
            bus.publish(restore(reverted));
        }
        tokio::time::sleep(FLUSH_EVERY * 2).await;
        bus.publish(restore(100));
        let files = running.stop().await;
        assert_eq!(files.len(), 1, "{files:?}");
    }
}
