//! The self-healing loop while the event bus floods: a sidecar's REQUEST, and its
//! confirmation of the throttle, reach the coordinator even when the bus is overrun many
//! times over and every bus reader lags. The bus only carries what goes out to viewers;
//! the coordinator's inputs come on their own channel.

mod common;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use common::*;
use faultline_kafka::ClientSettings;
use faultline_platform::environments::REHEARSAL_PRODUCER_RATE;
use faultline_platform::wire::{EpisodeOutcome, Event};
use faultline_platform::{Bus, BusEvent};
use faultline_protocol::clock::now_ms;
use faultline_protocol::{
    decode_response, decode_speech_act, topics, Command, RequestType, Response, ResponseAct,
    SpeechActBody,
};
use rdkafka::Message;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle as TaskHandle;

/// How many events the bus holds before a slow reader loses the oldest (`bus.rs`).
const BUS_CAPACITY: u64 = 8192;
/// The flood must overrun the bus at least this many times while the REQUEST is pending,
/// or the test proves nothing.
const OVERRUNS: u64 = 4;
/// Threads publishing at once. The more, the smaller the share a bus reader keeps: the
/// coordinator that took REQUESTs off the bus lost the REQUEST in 1 of 3 runs against one
/// thread, 2 of 4 against two, 4 of 5 against three.
const FLOOD_THREADS: usize = 3;
/// Events a flood thread publishes between two short pauses. A burst this size overruns the
/// bus on its own; the pause leaves the platform, the embedded cluster and the sidecar
/// some CPU on a two-core machine, where three threads spinning without end starved them
/// past any deadline (a flood that stops the platform proves nothing about the bus).
const BURST: u64 = BUS_CAPACITY;
const PAUSE: Duration = Duration::from_millis(1);

/// Threads that publish on the bus in bursts until `stop` is set. Threads, not tasks:
/// a task that never yields would starve its worker, and one that yields lets every reader
/// catch up, which is not a flood.
struct Flood {
    stop: Arc<AtomicBool>,
    published: Arc<AtomicU64>,
    threads: Vec<JoinHandle<()>>,
}

impl Flood {
    fn start(bus: &Bus, threads: usize, stop: Arc<AtomicBool>) -> Self {
        let published = Arc::new(AtomicU64::new(0));
        let threads = (0..threads)
            .map(|n| {
                let (bus, stop, published) = (bus.clone(), stop.clone(), published.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..BURST {
                            bus.publish(Event::Restore {
                                green: true,
                                reverted: 0,
                                sentence: format!("flood from thread {n}"),
                            });
                        }
                        published.fetch_add(BURST, Ordering::Relaxed);
                        std::thread::sleep(PAUSE);
                    }
                })
            })
            .collect();
        Self {
            stop,
            published,
            threads,
        }
    }

    fn published(&self) -> u64 {
        self.published.load(Ordering::Relaxed)
    }

    /// Stops the flood if it has not stopped yet; returns how many events it published.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads {
            thread.join().expect("a flood thread panicked");
        }
        self.published.load(Ordering::Relaxed)
    }
}

/// Every record of a protocol topic from its beginning, decoded, collected in the
/// background: Kafka keeps them all, unlike the flooded bus.
struct TopicLog<T> {
    records: Arc<Mutex<Vec<T>>>,
    task: TaskHandle<()>,
}

impl<T: Clone + Send + 'static> TopicLog<T> {
    /// `seen` is called with each record as it arrives.
    async fn follow(
        kafka: &ClientSettings,
        topic: &'static str,
        decode: fn(Option<&[u8]>, &[u8]) -> Option<T>,
        seen: impl Fn(&T) + Send + 'static,
    ) -> Self {
        let consumer = faultline_kafka::assigned_consumer(kafka, topic, rdkafka::Offset::Beginning)
            .await
            .expect("topic exists");
        let records: Arc<Mutex<Vec<T>>> = Arc::default();
        let sink = records.clone();
        let task = tokio::spawn(async move {
            use futures_util::StreamExt;
            let mut stream = consumer.stream();
            while let Some(record) = stream.next().await {
                let Ok(record) = record else { continue };
                if let Some(value) = record.payload().and_then(|p| decode(record.key(), p)) {
                    seen(&value);
                    sink.lock().unwrap().push(value);
                }
            }
        });
        Self { records, task }
    }

    fn snapshot(&self) -> Vec<T> {
        self.records.lock().unwrap().clone()
    }
}

impl<T> Drop for TopicLog<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A bus reader as a viewer is one: it keeps the episodes it sees and counts what it lost.
struct Viewer {
    episodes: Arc<Mutex<Vec<Arc<BusEvent>>>>,
    missed: Arc<AtomicU64>,
    task: TaskHandle<()>,
}

impl Viewer {
    fn watch(bus: &Bus) -> Self {
        let mut events = bus.subscribe();
        let episodes: Arc<Mutex<Vec<Arc<BusEvent>>>> = Arc::default();
        let missed = Arc::new(AtomicU64::new(0));
        let (sink, lost) = (episodes.clone(), missed.clone());
        let task = tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) if matches!(event.event, Event::Episode { .. }) => {
                        sink.lock().unwrap().push(event);
                    }
                    Ok(_) => {}
                    Err(RecvError::Lagged(n)) => {
                        lost.fetch_add(n, Ordering::Relaxed);
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
        Self {
            episodes,
            missed,
            task,
        }
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn requests_from(producer: &str, acts: &[faultline_protocol::SpeechAct]) -> Vec<String> {
    acts.iter()
        .filter(|act| act.source.as_str() == producer)
        .filter_map(|act| match &act.body {
            SpeechActBody::Request {
                request_id,
                request: RequestType::Throttle,
                ..
            } => Some(request_id.clone()),
            _ => None,
        })
        .collect()
}

fn answers_to(request_id: &str, responses: &[Response]) -> Vec<String> {
    responses
        .iter()
        .filter(|r| r.in_reply_to.as_deref() == Some(request_id))
        .map(|r| match &r.command {
            Some(Command::Throttle { .. }) => "COMMAND throttle".to_owned(),
            Some(Command::Resume) => "COMMAND resume".to_owned(),
            Some(Command::SetRate { .. }) => "COMMAND set-rate".to_owned(),
            None => format!("{:?}", r.act).to_uppercase(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_made_while_the_bus_floods_is_still_healed() {
    init_logging();
    let (environment, kafka) = rehearsal(&["producer-1"], Duration::from_secs(2)).await;
    let platform = start_platform(environment.clone()).await;
    let speech_acts = TopicLog::follow(
        &kafka,
        topics::SPEECH_ACTS.name,
        |key, payload| decode_speech_act(key, payload).ok(),
        |_| {},
    )
    .await;
    let stop_flood = Arc::new(AtomicBool::new(false));
    let flood_stopped_at_ms = Arc::new(AtomicI64::new(0));
    let responses = {
        let (stop, stopped_at) = (stop_flood.clone(), flood_stopped_at_ms.clone());
        // The flood ends the moment the platform has finished answering producer-1's
        // REQUEST: DELIVER once the sidecar confirmed the throttle (EXPLAIN or DENY if the
        // platform gave up). Stopping it from here, as the answer arrives, leaves the drain
        // and the episode's end after the flood, where the viewer sees them.
        TopicLog::follow(
            &kafka,
            topics::RESPONSES.name,
            |key, payload| decode_response(key, payload).ok(),
            move |response: &Response| {
                let last = matches!(
                    response.act,
                    ResponseAct::Deliver | ResponseAct::Explain | ResponseAct::Deny
                );
                if last
                    && response.target.as_str() == "producer-1"
                    && response.in_reply_to.is_some()
                    && !stop.swap(true, Ordering::SeqCst)
                {
                    stopped_at.store(now_ms(), Ordering::SeqCst);
                }
            },
        )
        .await
    };
    let steady = eventually(Duration::from_secs(30), || async {
        let rows = get_json(&platform, "/api/sidecars").await;
        rows.as_array()?
            .iter()
            .any(|r| r["sidecarId"] == "producer-1" && r["condition"] == "STABLE")
            .then_some(())
    })
    .await;
    assert!(steady.is_some(), "producer-1 never became STABLE");

    let viewer = Viewer::watch(&platform.bus);
    let flood = Flood::start(&platform.bus, FLOOD_THREADS, stop_flood);
    environment
        .swap_rate("producer-1", 1000 * REHEARSAL_PRODUCER_RATE)
        .await
        .expect("burst");

    let request_id = eventually(Duration::from_secs(120), || async {
        requests_from("producer-1", &speech_acts.snapshot())
            .first()
            .cloned()
    })
    .await
    .expect("producer-1 never asked to be throttled");
    let published_at_request = flood.published();
    let answered = eventually(Duration::from_secs(120), || async {
        let answers = answers_to(&request_id, &responses.snapshot());
        answers
            .iter()
            .any(|act| matches!(act.as_str(), "DELIVER" | "EXPLAIN" | "DENY"))
            .then_some(answers)
    })
    .await;
    let published = flood.stop();
    let pending_flood = published - published_at_request;
    let missed = viewer.missed.load(Ordering::Relaxed);
    let answered = answered.unwrap_or_else(|| {
        panic!(
            "the platform never finished answering REQUEST {request_id} while the bus flooded \
             ({pending_flood} events published meanwhile); its answers: {:?}",
            answers_to(&request_id, &responses.snapshot())
        )
    });
    assert!(
        answered.iter().any(|act| act == "DELIVER"),
        "REQUEST {request_id} was answered but not delivered: {answered:?}"
    );
    assert!(
        pending_flood > OVERRUNS * BUS_CAPACITY,
        "the flood published only {pending_flood} events while the REQUEST was pending"
    );
    assert!(
        missed > 0,
        "a bus reader never lagged: the flood was no flood"
    );
    eprintln!(
        "self_healing_flood: {published} events flooded in all, {pending_flood} while REQUEST \
         {request_id} was pending; a viewer lost {missed}"
    );

    // The drain and the rest of the loop follow the flood: once producer-1 is STABLE the
    // platform restores its rate and announces the episode, which the viewer, no longer
    // flooded, sees.
    let episode_of = |events: &[Arc<BusEvent>]| {
        events.iter().find_map(|e| match &e.event {
            Event::Episode {
                request_id: id,
                outcome,
                sentence,
                ..
            } if *id == request_id => Some((*outcome, sentence.clone(), e.at_ms)),
            _ => None,
        })
    };
    let episode = eventually(Duration::from_secs(90), || async {
        let resumed = answers_to(&request_id, &responses.snapshot())
            .iter()
            .any(|act| act == "COMMAND resume");
        let episode = episode_of(&viewer.episodes.lock().unwrap());
        episode.filter(|_| resumed)
    })
    .await;
    let answers = answers_to(&request_id, &responses.snapshot());
    let (outcome, sentence, closed_at_ms) = episode.unwrap_or_else(|| {
        panic!(
            "REQUEST {request_id}'s episode did not close: answers {answers:?}, episode {:?}",
            episode_of(&viewer.episodes.lock().unwrap())
        )
    });
    assert_eq!(outcome, EpisodeOutcome::Healed, "{sentence}");
    eprintln!(
        "self_healing_flood: the episode closed {} ms after the flood stopped",
        closed_at_ms - flood_stopped_at_ms.load(Ordering::SeqCst)
    );
    assert_eq!(
        answers,
        [
            "ACKNOWLEDGE",
            "PROMISE",
            "COMMAND throttle",
            "DELIVER",
            "COMMAND resume"
        ],
        "the loop's answers to REQUEST {request_id}, in order"
    );

    platform.stop().await;
    environment.stop().await;
}
