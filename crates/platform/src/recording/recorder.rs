//! What records, and when: one session recording per environment start (the launcher calls
//! it) and at most one named recording the presenter starts and stops, both writing every
//! bus event into the same folder.

use std::path::PathBuf;

use parking_lot::Mutex;

use super::format::Header;
use super::listing;
use super::name::RecordingName;
use super::rotation::{Limits, Series, SnapshotSource};
use super::task::Running;
use super::RecordingError;
use crate::wire::RecordingFile;
use crate::Bus;

/// Why a named recording could not be started or stopped.
#[derive(Debug, thiserror::Error)]
pub enum RecorderError {
    /// A named recording is running already (HTTP 409).
    #[error("the recording {0} is still running; stop it first")]
    Busy(String),
    /// No named recording is running (HTTP 404).
    #[error("no named recording is running")]
    NotRecording,
    /// Its first file could not be created (HTTP 500).
    #[error("the recording could not start: {0}")]
    Start(#[from] RecordingError),
}

/// The recordings of one launcher, into one folder.
pub struct Recorder {
    bus: Bus,
    folder: PathBuf,
    limits: Limits,
    snapshot: SnapshotSource,
    session: Mutex<Option<Running>>,
    named: Mutex<Option<(RecordingName, Running)>>,
}

impl Recorder {
    /// Records `bus` into `folder` (created when the first recording starts), each file
    /// starting with what `snapshot` gives at the time, with the default [`Limits`].
    pub fn new(bus: Bus, folder: PathBuf, snapshot: SnapshotSource) -> Self {
        Self {
            bus,
            folder,
            limits: Limits::default(),
            snapshot,
            session: Mutex::new(None),
            named: Mutex::new(None),
        }
    }

    /// Ends the session recording, if one runs, and starts one for `environment`. A
    /// recording that cannot start is logged; the session goes on without it.
    pub async fn start_session(&self, environment: &str) {
        self.end_session().await;
        match self.begin(Header::new(environment, None)) {
            Ok(running) => *self.session.lock() = Some(running),
            Err(error) => tracing::error!(
                %error,
                "this session is not recorded; the platform goes on without it"
            ),
        }
    }

    /// Finishes the session recording, if one runs.
    pub async fn end_session(&self) {
        let running = self.session.lock().take();
        if let Some(running) = running {
            running.stop().await;
        }
    }

    /// Starts the named recording `name` of `environment`; returns its first file as
    /// listed. Errors: a named recording runs already, or the file cannot be created.
    pub fn start_named(
        &self,
        name: RecordingName,
        environment: &str,
    ) -> Result<RecordingFile, RecorderError> {
        let mut named = self.named.lock();
        if let Some((current, _)) = named.as_ref() {
            return Err(RecorderError::Busy(current.to_string()));
        }
        let running = self.begin(Header::new(environment, Some(name.as_str())))?;
        let first = running.files().remove(0);
        *named = Some((name, running));
        Ok(listing::describe(&first, true))
    }

    /// Finishes the named recording; returns its files as listed, oldest first. Errors:
    /// none runs.
    pub async fn stop_named(&self) -> Result<Vec<RecordingFile>, RecorderError> {
        let running = self.named.lock().take();
        match running {
            Some((_, running)) => Ok(running
                .stop()
                .await
                .iter()
                .map(|path| listing::describe(path, false))
                .collect()),
            None => Err(RecorderError::NotRecording),
        }
    }

    /// Finishes every recording (for quitting).
    pub async fn stop_all(&self) {
        self.end_session().await;
        // Nothing named running is not a failure on the way out.
        let _ = self.stop_named().await;
    }

    /// The running session recording's files, oldest first (the last is being written and
    /// readable up to its last flush); none when no session is recorded.
    pub fn session_files(&self) -> Vec<PathBuf> {
        self.session
            .lock()
            .as_ref()
            .map(Running::files)
            .unwrap_or_default()
    }

    /// The folder's recording files, as [`listing::list`] lists them.
    pub fn list(&self) -> Result<Vec<RecordingFile>, RecordingError> {
        let mut writing = Vec::new();
        if let Some(running) = self.session.lock().as_ref() {
            writing.extend(running.files().pop());
        }
        if let Some((_, running)) = self.named.lock().as_ref() {
            writing.extend(running.files().pop());
        }
        listing::list(&self.folder, &writing)
    }

    /// Subscribes, then writes the first file (so no event falls between its snapshot and
    /// the events), then follows the bus.
    fn begin(&self, header: Header) -> Result<Running, RecordingError> {
        let events = self.bus.subscribe();
        let series = Series::start(&self.folder, self.limits, header, self.snapshot.clone())?;
        Ok(Running::spawn(events, series))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::tests::empty_snapshot;
    use crate::wire::Event;

    fn recorder(folder: &std::path::Path) -> Recorder {
        Recorder::new(
            Bus::new(),
            folder.join("recordings"),
            std::sync::Arc::new(empty_snapshot),
        )
    }

    fn name(raw: &str) -> RecordingName {
        RecordingName::parse(raw).expect("a valid name")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_named_recording_at_a_time_beside_the_session_s() {
        let folder = tempfile::tempdir().expect("temp dir");
        let recorder = recorder(folder.path());
        recorder.start_session("rehearsal").await;
        let first = recorder
            .start_named(name("demo"), "rehearsal")
            .expect("starts");
        let busy = recorder.start_named(name("other"), "rehearsal");
        assert_eq!(
            busy.expect_err("one at a time").to_string(),
            "the recording demo is still running; stop it first"
        );
        recorder.bus.publish(Event::Restore {
            green: true,
            reverted: 0,
            sentence: "all green".into(),
        });
        let listed = recorder.list().expect("listed");
        assert_eq!(listed.len(), 2, "{listed:?}");
        let session = recorder.session_files();
        assert_eq!(session.len(), 1);
        assert!(listed.iter().any(|file| session[0].ends_with(&file.file)));
        assert!(listed.iter().all(|file| file.recording), "{listed:?}");

        assert_eq!(first.name.as_deref(), Some("demo"));
        assert!(first.recording);
        let stopped = recorder.stop_named().await.expect("stops");
        assert_eq!(stopped.len(), 1);
        assert_eq!(stopped[0].file, first.file);
        assert!(!stopped[0].recording);
        let named = crate::recording::read(&recorder.folder.join(&first.file)).expect("readable");
        assert_eq!(named.header.name.as_deref(), Some("demo"));
        assert_eq!(named.events.len(), 1);
        assert_eq!(named.break_at, None);
        assert!(matches!(
            recorder.stop_named().await,
            Err(RecorderError::NotRecording)
        ));
        recorder.stop_all().await;
        assert!(recorder.session_files().is_empty());
        let listed = recorder.list().expect("listed");
        assert!(listed.iter().all(|file| !file.recording), "{listed:?}");
        assert_eq!(
            listed.iter().filter(|file| file.name.is_none()).count(),
            1,
            "{listed:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_folder_that_cannot_be_made_refuses_a_named_recording_and_skips_the_session() {
        let folder = tempfile::tempdir().expect("temp dir");
        std::fs::write(folder.path().join("recordings"), b"a file, not a folder").expect("write");
        let recorder = recorder(folder.path());
        recorder.start_session("rehearsal").await;
        assert!(recorder.session.lock().is_none());
        let refused = recorder.start_named(name("demo"), "rehearsal");
        let sentence = refused.expect_err("refused").to_string();
        assert!(
            sentence.starts_with("the recording could not start: cannot create the folder"),
            "{sentence}"
        );
    }
}
