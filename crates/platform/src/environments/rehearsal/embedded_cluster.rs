use std::sync::mpsc;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use rdkafka::mocking::MockCluster;

/// librdkafka's mock cluster: N brokers in this process on real loopback TCP ports,
/// speaking the real Kafka protocol. The mock is not `Send`, so it lives on a thread of
/// its own and is driven through this handle.
pub struct EmbeddedCluster {
    bootstrap: String,
    commands: Mutex<mpsc::Sender<Op>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

type Reply = mpsc::SyncSender<Result<(), String>>;

enum Op {
    BrokerDown(i32, Reply),
    BrokerUp(i32, Reply),
    RoundTrip(i32, Duration, Reply),
    Stop,
}

/// A topic the cluster creates at start: name and partition count (replicated on every
/// broker, up to three).
pub type TopicToCreate = (String, i32);

impl EmbeddedCluster {
    pub fn start(
        brokers: i32,
        round_trip: Duration,
        topics: Vec<TopicToCreate>,
    ) -> Result<Self, String> {
        let (ready_tx, ready_rx) = mpsc::sync_channel::<Result<String, String>>(1);
        let (commands, receiver) = mpsc::channel::<Op>();
        let thread = std::thread::Builder::new()
            .name("faultline-embedded-kafka".into())
            .spawn(move || serve(brokers, round_trip, topics, ready_tx, receiver))
            .map_err(|e| format!("cannot start the embedded cluster's thread: {e}"))?;
        let bootstrap = ready_rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "the embedded cluster did not start within 30 s".to_owned())??;
        Ok(Self {
            bootstrap,
            commands: Mutex::new(commands),
            thread: Mutex::new(Some(thread)),
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

    pub fn broker_down(&self, broker: i32) -> Result<(), String> {
        self.call(|reply| Op::BrokerDown(broker, reply))
    }

    pub fn broker_up(&self, broker: i32) -> Result<(), String> {
        self.call(|reply| Op::BrokerUp(broker, reply))
    }

    pub fn set_round_trip(&self, broker: i32, delay: Duration) -> Result<(), String> {
        self.call(|reply| Op::RoundTrip(broker, delay, reply))
    }

    fn call(&self, op: impl FnOnce(Reply) -> Op) -> Result<(), String> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.commands
            .lock()
            .map_err(|_| "embedded cluster handle poisoned".to_owned())?
            .send(op(reply))
            .map_err(|_| "the embedded cluster has stopped".to_owned())?;
        answer
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| "the embedded cluster did not answer".to_owned())?
    }
}

impl Drop for EmbeddedCluster {
    fn drop(&mut self) {
        if let Ok(commands) = self.commands.lock() {
            let _ = commands.send(Op::Stop);
        }
        if let Some(thread) = self.thread.lock().ok().and_then(|mut t| t.take()) {
            let _ = thread.join();
        }
    }
}

fn serve(
    brokers: i32,
    round_trip: Duration,
    topics: Vec<TopicToCreate>,
    ready: mpsc::SyncSender<Result<String, String>>,
    commands: mpsc::Receiver<Op>,
) {
    let cluster = match MockCluster::new(brokers) {
        Ok(cluster) => cluster,
        Err(error) => {
            let _ = ready.send(Err(format!("cannot create the embedded cluster: {error}")));
            return;
        }
    };
    let replication = brokers.min(3);
    for (name, partitions) in &topics {
        if let Err(error) = cluster.create_topic(name, *partitions, replication) {
            let _ = ready.send(Err(format!("cannot create topic {name}: {error}")));
            return;
        }
    }
    for broker in 1..=brokers {
        if let Err(error) = cluster.broker_round_trip_time(broker, round_trip) {
            tracing::warn!(broker, %error, "cannot set the embedded broker's round trip");
        }
    }
    let _ = ready.send(Ok(cluster.bootstrap_servers()));
    for op in commands {
        let (result, reply) = match op {
            Op::BrokerDown(id, reply) => (cluster.broker_down(id), reply),
            Op::BrokerUp(id, reply) => (cluster.broker_up(id), reply),
            Op::RoundTrip(id, delay, reply) => (cluster.broker_round_trip_time(id, delay), reply),
            Op::Stop => break,
        };
        let _ = reply.send(result.map_err(|e| e.to_string()));
    }
}
