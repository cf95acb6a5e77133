//! The sidecar's running task: heartbeats, signals, REQUESTs and the platform's answers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use faultline_kafka::{assigned_consumer, wait_for_topics, Publisher};
use faultline_protocol::clock::now_ms;
use faultline_protocol::messages::MessageKind;
use faultline_protocol::{
    decode_response, topics, Command, Registration, ReportAbout, RequestType, Response,
    ResponseAct, SidecarId, SignalSnapshot, SpeechAct, SpeechActBody, Urgency, PROTOCOL_VERSION,
};
use futures_util::StreamExt;
use rdkafka::consumer::StreamConsumer;
use rdkafka::{Message, Offset};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::health_file;
use crate::overflow_watch::{OverflowWatch, OVERFLOW_FILL};
use crate::{Control, Probe, SidecarConfig};

/// A running sidecar. `shutdown` leaves cleanly (tombstone); `kill` vanishes the way a
/// crashed process does (no tombstone), which is what liveness detection is for.
pub struct SidecarHandle {
    id: SidecarId,
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

impl SidecarHandle {
    pub fn id(&self) -> &SidecarId {
        &self.id
    }

    pub async fn shutdown(self) {
        self.cancel.cancel();
        let _ = self.task.await;
    }

    pub fn kill(self) {
        self.task.abort();
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

/// Starts a sidecar as a task on the current runtime.
pub fn spawn(
    config: SidecarConfig,
    probe: Box<dyn Probe>,
    control: Arc<dyn Control>,
) -> SidecarHandle {
    let cancel = CancellationToken::new();
    let id = config.id.clone();
    let task = tokio::spawn(run(config, probe, control, cancel.clone()));
    SidecarHandle { id, cancel, task }
}

struct Shared {
    config: SidecarConfig,
    publisher: Publisher,
    control: Arc<dyn Control>,
    watch: Mutex<OverflowWatch>,
}

async fn run(
    config: SidecarConfig,
    probe: Box<dyn Probe>,
    control: Arc<dyn Control>,
    cancel: CancellationToken,
) {
    let publisher = match Publisher::new(&config.kafka) {
        Ok(publisher) => publisher,
        Err(error) => {
            tracing::error!(id = %config.id, %error, "sidecar cannot create its Kafka producer");
            return;
        }
    };
    let id = config.id.clone();
    let shared = Arc::new(Shared {
        watch: Mutex::new(OverflowWatch::new(config.overflow_samples_before_request)),
        config,
        publisher,
        control,
    });
    tokio::select! {
        _ = cancel.cancelled() => {}
        _ = run_loops(shared.clone(), probe) => {}
    }
    if cancel.is_cancelled() {
        match shared
            .publisher
            .send_tombstone(topics::SIDECARS.name, id.as_str())
            .await
        {
            Ok(()) => tracing::info!(%id, "sidecar departed (tombstone written)"),
            Err(error) => tracing::warn!(%id, %error, "sidecar could not write its tombstone"),
        }
        shared.publisher.flush(Duration::from_secs(5));
    }
}

async fn run_loops(shared: Arc<Shared>, probe: Box<dyn Probe>) {
    // The cluster may not be up yet (sidecars may start first).
    wait_for_topics(&shared.config.kafka).await;
    tracing::info!(id = %shared.config.id, bootstrap = %shared.config.kafka.bootstrap, "sidecar started");
    if let Some(text) = &shared.config.announcement {
        let body = SpeechActBody::Report {
            about: ReportAbout::Observation,
            text: text.clone(),
            in_reply_to: None,
        };
        send_speech_act(&shared, body).await;
    }
    tokio::join!(
        heartbeat_loop(&shared),
        signal_loop(&shared, probe),
        response_loop(&shared)
    );
}

async fn heartbeat_loop(shared: &Shared) {
    let config = &shared.config;
    let mut tick = tokio::time::interval(config.heartbeat_interval);
    loop {
        tick.tick().await;
        let ts = now_ms();
        let registration = Registration {
            v: PROTOCOL_VERSION,
            kind: MessageKind::Registration,
            source: config.id.clone(),
            ts,
            sidecar_type: config.sidecar_type,
            workload: config.workload.clone(),
            jmx_endpoint: config.jmx_endpoint.clone(),
            host: config.host.clone(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            capabilities: vec!["set-rate".into(), "throttle".into(), "resume".into()],
            heartbeat_interval_ms: config.heartbeat_interval.as_millis() as u64,
        };
        match shared
            .publisher
            .send(topics::SIDECARS.name, config.id.as_str(), ts, &registration)
            .await
        {
            Ok(()) => {
                if let Some(path) = &config.health_file {
                    if let Err(error) = health_file::heartbeat_acknowledged(path, ts) {
                        tracing::warn!(id = %config.id, %error, "health file not written");
                    }
                }
            }
            Err(error) => tracing::warn!(id = %config.id, %error, "heartbeat not sent"),
        }
    }
}

async fn signal_loop(shared: &Shared, mut probe: Box<dyn Probe>) {
    let config = &shared.config;
    let mut tick = tokio::time::interval(config.signal_interval);
    loop {
        tick.tick().await;
        let reading = match probe.sample().await {
            Ok(Some(reading)) => reading,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!(id = %config.id, %error, "probe failed");
                continue;
            }
        };
        let fill = reading
            .producer
            .as_ref()
            .map(|p| p.buffer_fill())
            .unwrap_or(0.0);
        let ts = now_ms();
        let snapshot = SignalSnapshot {
            v: PROTOCOL_VERSION,
            kind: MessageKind::Signal,
            source: config.id.clone(),
            ts,
            probe: probe.name().to_owned(),
            producer: reading.producer,
            consumer: reading.consumer,
        };
        if let Err(error) = shared
            .publisher
            .send(topics::SIGNALS.name, config.id.as_str(), ts, &snapshot)
            .await
        {
            tracing::warn!(id = %config.id, %error, "signal not sent");
        }
        if fill >= OVERFLOW_FILL {
            tick.reset_after(config.pressure_interval.min(config.signal_interval));
        }
        let ask = shared
            .watch
            .lock()
            .map(|mut w| w.observe(fill, Instant::now()))
            .unwrap_or(false);
        if ask {
            let text = format!(
                "{}'s send buffer has been {:.0}% full for {} samples; please throttle it.",
                config.id,
                fill * 100.0,
                config.overflow_samples_before_request
            );
            let body = SpeechActBody::Request {
                request_id: format!("{}-{}", config.id, ts),
                request: RequestType::Throttle,
                urgency: Urgency::Immediate,
                text,
            };
            send_speech_act(shared, body).await;
        }
    }
}

async fn response_loop(shared: &Shared) {
    let config = &shared.config;
    let consumer = loop {
        match assigned_consumer(&config.kafka, topics::RESPONSES.name, Offset::End).await {
            Ok(consumer) => break consumer,
            Err(error) => {
                tracing::warn!(id = %config.id, %error, "cannot listen for responses yet");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    read_responses(shared, &consumer).await;
}

async fn read_responses(shared: &Shared, consumer: &StreamConsumer) {
    let me = &shared.config.id;
    let mut stream = consumer.stream();
    while let Some(record) = stream.next().await {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                tracing::warn!(id = %me, %error, "response consumer error");
                continue;
            }
        };
        if record.key() != Some(me.as_str().as_bytes()) {
            continue;
        }
        let Some(payload) = record.payload() else {
            continue;
        };
        match decode_response(record.key(), payload) {
            Ok(response) => handle_response(shared, response).await,
            Err(error) => {
                tracing::warn!(id = %me, reason = error.reason.as_str(), %error, "response skipped")
            }
        }
    }
}

async fn handle_response(shared: &Shared, response: Response) {
    let me = &shared.config.id;
    tracing::info!(id = %me, act = ?response.act, text = %response.text, "platform says");
    let closes_episode = matches!(response.act, ResponseAct::Deny)
        || matches!(response.command, Some(Command::Resume));
    if let Some(command) = &response.command {
        let (about, text) = match shared.control.apply(command).await {
            Ok(sentence) => (ReportAbout::CommandApplied, sentence),
            Err(error) => (ReportAbout::CommandFailed, error.to_string()),
        };
        let body = SpeechActBody::Report {
            about,
            text,
            in_reply_to: Some(response.response_id.clone()),
        };
        send_speech_act(shared, body).await;
    }
    if closes_episode {
        if let Ok(mut watch) = shared.watch.lock() {
            watch.answered();
        }
    }
}

async fn send_speech_act(shared: &Shared, body: SpeechActBody) {
    let config = &shared.config;
    let ts = now_ms();
    let act = SpeechAct {
        v: PROTOCOL_VERSION,
        kind: MessageKind::SpeechAct,
        source: config.id.clone(),
        ts,
        body,
    };
    if let Err(error) = shared
        .publisher
        .send(topics::SPEECH_ACTS.name, config.id.as_str(), ts, &act)
        .await
    {
        tracing::warn!(id = %config.id, %error, "speech act not sent");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health_file::tests::TempDir;
    use crate::probes::NoControl;
    use crate::{ProbeError, Reading};
    use faultline_kafka::ClientSettings;
    use rdkafka::mocking::MockCluster;
    use std::path::Path;

    /// A workload with nothing to report: these tests are about heartbeats only.
    struct SilentProbe;

    #[async_trait::async_trait]
    impl Probe for SilentProbe {
        fn name(&self) -> &'static str {
            "silent"
        }
        async fn sample(&mut self) -> Result<Option<Reading>, ProbeError> {
            Ok(None)
        }
    }

    /// A sidecar heartbeating every 200 ms to `bootstrap`, writing `health`.
    fn sidecar_with_health_file(bootstrap: &str, health: &Path) -> SidecarHandle {
        let id = SidecarId::parse("health-file-test").expect("a valid id");
        let mut config = SidecarConfig::new(id, ClientSettings::new(bootstrap));
        config.heartbeat_interval = Duration::from_millis(200);
        config.health_file = Some(health.to_owned());
        spawn(config, Box::new(SilentProbe), Arc::new(NoControl))
    }

    async fn wait_for_file(path: &Path, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(text) = std::fs::read_to_string(path) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "no health file within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    #[tokio::test]
    async fn the_health_file_follows_acknowledged_heartbeats_only() {
        let mock = MockCluster::new(1).expect("starts librdkafka's mock cluster");
        for spec in topics::ALL {
            mock.create_topic(spec.name, spec.partitions, 1)
                .expect("creates the protocol topics");
        }
        let dir = TempDir::new("runner-health");
        let path = dir.0.join("health");
        let started = now_ms();
        let sidecar = sidecar_with_health_file(&mock.bootstrap_servers(), &path);

        let first = wait_for_file(&path, Duration::from_secs(60)).await;
        let ts: i64 = first.trim().parse().expect("the heartbeat's time");
        assert!(
            ts >= started,
            "heartbeat at {ts}, sidecar started at {started}"
        );
        // Every acknowledged heartbeat rewrites it.
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::fs::read_to_string(&path).unwrap() == first {
            assert!(
                Instant::now() < deadline,
                "the health file was not rewritten in 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Kafka stops acknowledging: the file must stop changing. A heartbeat sent now fails
        // only after the publisher's 10 s message timeout (about 15 s against the mock), so
        // the window is well past that: a sidecar that wrote on failures would be caught.
        mock.broker_down(1).expect("takes the broker down");
        tokio::time::sleep(Duration::from_secs(1)).await;
        let frozen = std::fs::read_to_string(&path).expect("still there");
        tokio::time::sleep(Duration::from_secs(25)).await;
        assert_eq!(std::fs::read_to_string(&path).unwrap(), frozen);

        sidecar.kill();
    }
}
