//! The embedded Kafka cluster: librdkafka's mock brokers on their own thread, with
//! partition leadership and group coordinators moved as Kafka's controller would
//! (`replication.rs`).

use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rdkafka::bindings;
use rdkafka::mocking::{MockCluster, MockCoordinator};
use rdkafka::producer::{BaseProducer, DefaultProducerContext, Producer};
use rdkafka::ClientConfig;

use super::mock_waker::MockWaker;
use super::replication::{LeaderChange, Placement, Replication};
use crate::environments::ReplicationReading;

/// How often the cluster's thread moves its replication model on (followers catching up,
/// leadership returning to preferred replicas) when no command arrives.
const TICK: Duration = Duration::from_millis(250);

/// librdkafka's mock cluster: N brokers in this process on real loopback TCP ports,
/// speaking the real Kafka protocol. The mock is not `Send`, so it lives on a thread of
/// its own and is driven through this handle.
pub struct EmbeddedCluster {
    bootstrap: String,
    /// How many brokers it has; their ids are 1 to this.
    brokers: i32,
    commands: Mutex<mpsc::Sender<Op>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// Written only by the cluster's thread; read here for each broker's reading.
    replication: Arc<Mutex<Replication>>,
}

/// The mock brokers, borrowed from the client that owns them.
type Mock<'a> = MockCluster<'a, DefaultProducerContext>;

type Reply = mpsc::SyncSender<Result<(), String>>;

enum Op {
    /// The broker leaves the cluster: leadership moves off it.
    BrokerDown(i32, Reply),
    /// Only clients lose the broker: it keeps its place in the cluster.
    CutOff(i32, Reply),
    BrokerUp(i32, Reply),
    RoundTrip(i32, Duration, Reply),
    Stop,
}

/// A topic the cluster creates at start: name and partition count (replicated on every
/// broker, up to three).
pub type TopicToCreate = (String, i32);

impl EmbeddedCluster {
    /// Starts `brokers` brokers with a simulated `round_trip` each and `topics` created;
    /// `groups` are the consumer groups whose coordinator moves off a broker that goes down
    /// (other groups stay where the mock hashes them).
    pub fn start(
        brokers: i32,
        round_trip: Duration,
        topics: Vec<TopicToCreate>,
        groups: &[String],
    ) -> Result<Self, String> {
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<String, String>>(1);
        let (commands, receiver) = mpsc::channel::<Op>();
        let replication = Arc::new(Mutex::new(Replication::new(
            brokers,
            &topics,
            groups,
            Instant::now(),
        )));
        let model = replication.clone();
        let thread = std::thread::Builder::new()
            .name("faultline-embedded-kafka".into())
            .spawn(move || serve(brokers, round_trip, topics, model, ready_tx, receiver))
            .map_err(|e| format!("cannot start the embedded cluster's thread: {e}"))?;
        let bootstrap = ready_rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "the embedded cluster did not start within 30 s".to_owned())??;
        Ok(Self {
            bootstrap,
            brokers,
            commands: Mutex::new(commands),
            thread: Mutex::new(Some(thread)),
            replication,
        })
    }

    pub fn bootstrap(&self) -> &str {
        &self.bootstrap
    }

    /// `(broker id, host, port)` for each broker; ids start at 1 in bootstrap order.
    pub fn brokers(&self) -> Vec<(i32, String, u16)> {
        self.bootstrap
            .split(',')
            .enumerate()
            .filter_map(|(index, address)| {
                let (host, port) = address.rsplit_once(':')?;
                Some((index as i32 + 1, host.to_owned(), port.parse().ok()?))
            })
            .collect()
    }

    /// Takes a broker down as a crash or a shutdown would: its sockets close and the
    /// leadership of its partitions moves to in-sync replicas on live brokers.
    /// Errors: a broker id outside 1 to the cluster's size, or a cluster that stopped.
    pub fn broker_down(&self, broker: i32) -> Result<(), String> {
        self.existing(broker)?;
        self.call(|reply| Op::BrokerDown(broker, reply))
    }

    /// Cuts a broker off from its clients: its sockets close, but it stays in the cluster
    /// and keeps leading its partitions (brokers replicate over a network of their own).
    /// Errors: as `broker_down`.
    pub fn cut_off(&self, broker: i32) -> Result<(), String> {
        self.existing(broker)?;
        self.call(|reply| Op::CutOff(broker, reply))
    }

    /// Brings a broker back: clients reach it again and, if it had left the cluster, it
    /// catches up and then leads its preferred partitions again. Errors: as `broker_down`.
    pub fn broker_up(&self, broker: i32) -> Result<(), String> {
        self.existing(broker)?;
        self.call(|reply| Op::BrokerUp(broker, reply))
    }

    /// Errors: as `broker_down`.
    pub fn set_round_trip(&self, broker: i32, delay: Duration) -> Result<(), String> {
        self.existing(broker)?;
        self.call(|reply| Op::RoundTrip(broker, delay, reply))
    }

    /// Under-replicated partitions on a live broker and the cluster's preferred-replica
    /// imbalance; `None` for a broker that is down or unknown.
    pub fn replication(&self, broker: i32) -> Option<ReplicationReading> {
        self.replication.lock().reading(broker)
    }

    /// librdkafka's mock reads broker id -1 as "every broker": an id from outside must
    /// never reach it, whatever checked it before.
    fn existing(&self, broker: i32) -> Result<(), String> {
        if (1..=self.brokers).contains(&broker) {
            Ok(())
        } else {
            Err(format!(
                "the embedded cluster has no broker {broker}; its brokers are 1 to {}",
                self.brokers
            ))
        }
    }

    fn call(&self, op: impl FnOnce(Reply) -> Op) -> Result<(), String> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.commands
            .lock()
            .send(op(reply))
            .map_err(|_| "the embedded cluster has stopped".to_owned())?;
        answer
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| "the embedded cluster did not answer".to_owned())?
    }
}

impl Drop for EmbeddedCluster {
    fn drop(&mut self) {
        let _ = self.commands.lock().send(Op::Stop);
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    brokers: i32,
    round_trip: Duration,
    topics: Vec<TopicToCreate>,
    replication: Arc<Mutex<Replication>>,
    ready: mpsc::SyncSender<Result<String, String>>,
    commands: mpsc::Receiver<Op>,
) {
    // librdkafka makes the mock brokers for a client configured with
    // `test.mock.num.brokers`; that client owns them and lives as long as this thread.
    let owner: BaseProducer = match ClientConfig::new()
        .set("test.mock.num.brokers", brokers.to_string())
        .create()
    {
        Ok(owner) => owner,
        Err(error) => {
            let _ = ready.send(Err(format!("cannot create the embedded cluster: {error}")));
            return;
        }
    };
    let Some(cluster) = owner.client().mock_cluster() else {
        let _ = ready.send(Err(
            "librdkafka made no mock brokers for the embedded cluster".into(),
        ));
        return;
    };
    no_initial_rebalance_delay(&owner);
    let waker = match MockWaker::start(&cluster.bootstrap_servers()) {
        Ok(waker) => waker,
        Err(error) => {
            let _ = ready.send(Err(format!(
                "cannot start the embedded cluster's waker: {error}"
            )));
            return;
        }
    };
    if let Err(error) =
        waker.during(|| set_up(&cluster, brokers, round_trip, &topics, &replication))
    {
        let _ = ready.send(Err(error));
        return;
    }
    let _ = ready.send(Ok(cluster.bootstrap_servers()));
    loop {
        // The owner client queues events (a broker it cannot reach, logs) until polled;
        // nothing else reads them, so they are drained here each pass.
        owner.poll(Duration::ZERO);
        let op = match commands.recv_timeout(TICK) {
            Ok(op) => Some(op),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let (result, reply) = match op {
            None => (Ok(()), None),
            Some(Op::Stop) => break,
            Some(op) => waker.during(|| obey(&cluster, &replication, op)),
        };
        if let Some(reply) = reply {
            let _ = reply.send(result.map_err(|e| e.to_string()));
        }
        let changes = replication.lock().tick(Instant::now());
        if !changes.is_empty() {
            waker.during(|| apply(&cluster, &changes));
        }
    }
}

/// Kafka waits `group.initial.rebalance.delay.ms` (3 s by default, in librdkafka's mock
/// too) before a new group's first rebalance, so rehearsal's demo consumer committed
/// nothing, and the dashboard showed no lag, for 4 s after Start (measured by bench/run).
/// The local environment's brokers set it to 0 (`local/kafka.rs`); this does the same for
/// the mock, which rdkafka's safe API cannot configure.
fn no_initial_rebalance_delay(owner: &BaseProducer) {
    // SAFETY: `owner` is alive for the whole call, so the mock cluster it owns is too;
    // `rd_kafka_handle_mock_cluster` returns null for a client without one (checked), and
    // the setter takes the mock cluster's own lock.
    unsafe {
        let mock = bindings::rd_kafka_handle_mock_cluster(owner.client().native_ptr());
        if !mock.is_null() {
            bindings::rd_kafka_mock_group_initial_rebalance_delay_ms(mock, 0);
        }
    }
}

/// Creates the topics, puts every leader and coordinator where the replication model
/// says, and sets each broker's round trip.
fn set_up(
    cluster: &Mock<'_>,
    brokers: i32,
    round_trip: Duration,
    topics: &[TopicToCreate],
    replication: &Mutex<Replication>,
) -> Result<(), String> {
    let factor = brokers.min(3);
    for (name, partitions) in topics {
        cluster
            .create_topic(name, *partitions, factor)
            .map_err(|error| format!("cannot create topic {name}: {error}"))?;
    }
    // The mock picks each partition's leader at random and hashes each group to a broker;
    // start from the preferred ones.
    let leaders = replication.lock().leaders();
    for change in &leaders {
        set_leader(cluster, change)?;
    }
    for broker in 1..=brokers {
        if let Err(error) = cluster.broker_round_trip_time(broker, round_trip) {
            tracing::warn!(broker, %error, "cannot set the embedded broker's round trip");
        }
    }
    Ok(())
}

/// Carries out one command on the mock and moves the model with it.
fn obey(
    cluster: &Mock<'_>,
    replication: &Mutex<Replication>,
    op: Op,
) -> (rdkafka::error::KafkaResult<()>, Option<Reply>) {
    let (result, reply, changes) = match op {
        Op::BrokerDown(id, reply) => {
            let result = cluster.broker_down(id);
            let changes = match result {
                Ok(()) => replication.lock().broker_down(id),
                Err(_) => Vec::new(),
            };
            (result, Some(reply), changes)
        }
        Op::CutOff(id, reply) => (cluster.broker_down(id), Some(reply), Vec::new()),
        Op::BrokerUp(id, reply) => {
            let result = cluster.broker_up(id);
            let changes = match result {
                Ok(()) => replication.lock().broker_up(id, Instant::now()),
                Err(_) => Vec::new(),
            };
            (result, Some(reply), changes)
        }
        Op::RoundTrip(id, delay, reply) => (
            cluster.broker_round_trip_time(id, delay),
            Some(reply),
            Vec::new(),
        ),
        // The loop stops on it before asking.
        Op::Stop => (Ok(()), None, Vec::new()),
    };
    apply(cluster, &changes);
    (result, reply)
}

/// Applies leader changes the model made. A change the mock refuses leaves the model ahead
/// of it; that can only be a partition the mock lost, so it is logged, not fatal.
fn apply(cluster: &Mock<'_>, changes: &[LeaderChange]) {
    for change in changes {
        if let Err(error) = set_leader(cluster, change) {
            tracing::warn!(%error, "embedded cluster: leader change not applied");
        }
    }
}

fn set_leader(cluster: &Mock<'_>, change: &LeaderChange) -> Result<(), String> {
    match (&change.placement, change.leader) {
        (Placement::Partition { topic, partition }, leader) => cluster
            .partition_leader(topic, *partition, leader)
            .map_err(|error| {
                format!(
                    "cannot set the leader of {topic} partition {partition} to {leader:?}: {error}"
                )
            }),
        (Placement::Coordinator { group }, Some(broker)) => cluster
            .coordinator(MockCoordinator::Group(group.clone()), broker)
            .map_err(|error| {
                format!("cannot make broker {broker} the coordinator of group {group}: {error}")
            }),
        // No live replica of its offsets partition: the coordinator stays on its down
        // broker, unreachable, as it would be in Kafka.
        (Placement::Coordinator { .. }, None) => Ok(()),
    }
}
