//! Starting and stopping the platform's supervised tasks: consumers, sweeper, coordinator.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use faultline_kafka::{wait_for_topics, ClientSettings, Publisher};
use faultline_protocol::{Command, SidecarId};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::coordinator::{Coordinator, Responder};
use crate::environments::Environment;
use crate::ingest::broker_metrics::{self, BrokerSource};
use crate::ingest::{consumer_lag, discovery, responses_audit, signals, speech_acts};
use crate::state::tasks::Tasks;
use crate::state::SharedState;
use crate::supervisor::{supervise, Lifetime, BACKOFF};
use crate::{Bus, Context};

#[derive(Clone)]
pub struct PlatformConfig {
    pub kafka: ClientSettings,
    /// The id the platform signs its responses with.
    pub platform_id: SidecarId,
    /// Consumer groups to watch from the start (more are learnt from consumer sidecars).
    pub consumer_groups: Vec<String>,
    /// `(broker id, host:port)` of each broker's JMX.
    pub broker_jmx: Vec<(i32, String)>,
    /// The environment, to ask whether brokers are up where they have no JMX.
    pub environment: Option<Arc<dyn Environment>>,
}

impl PlatformConfig {
    pub fn new(kafka: ClientSettings) -> Self {
        Self {
            kafka,
            platform_id: SidecarId::parse("platform").expect("a valid literal id"),
            consumer_groups: Vec::new(),
            broker_jmx: Vec::new(),
            environment: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error("cannot create the platform's Kafka producer for {bootstrap}: {source}")]
    Producer {
        bootstrap: String,
        source: rdkafka::error::KafkaError,
    },
}

/// The running platform: its consumers, sweeper and coordinator. Starting never waits for
/// the cluster; each part retries until Kafka answers, so start order does not matter.
/// Every part runs supervised (`supervisor.rs`): one that panics or stops is restarted and
/// reported on `GET /api/health` meanwhile.
pub struct Platform {
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    responder: Responder,
}

impl Platform {
    pub fn start(
        config: PlatformConfig,
        bus: Bus,
        state: SharedState,
    ) -> Result<Self, PlatformError> {
        let publisher =
            Publisher::new(&config.kafka).map_err(|source| PlatformError::Producer {
                bootstrap: config.kafka.bootstrap.clone(),
                source,
            })?;
        {
            let mut groups = state.groups.write();
            for group in &config.consumer_groups {
                groups.watch(group);
            }
        }
        // A new platform, new tasks: nothing of the last one's troubles carries over.
        *state.tasks.lock() = Tasks::default();
        let broker_source = match (&config.environment, config.broker_jmx.is_empty()) {
            (Some(environment), true) => BrokerSource::Environment(environment.clone()),
            _ => BrokerSource::Jmx(config.broker_jmx.clone()),
        };
        let cancel = CancellationToken::new();
        let ctx = Context {
            bus: bus.clone(),
            state,
            kafka: config.kafka.clone(),
            cancel: cancel.clone(),
        };
        let responder = Responder::new(publisher, bus, config.platform_id);
        // REQUESTs reach the coordinator on this channel, not the bus (`coordinator/inbox.rs`).
        let (coordinator, to_coordinator) = Coordinator::new(responder.clone());
        tracing::info!(bootstrap = %config.kafka.bootstrap, "platform starting");
        let supervised = |task: &'static str, lifetime: Lifetime, start: Start| {
            supervise(
                task,
                lifetime,
                BACKOFF,
                cancel.clone(),
                ctx.state.tasks.clone(),
                start,
            )
        };
        let tasks = vec![
            supervised("create-topics", Lifetime::Job, with(&ctx, create_topics)),
            supervised("discovery", Lifetime::Service, with(&ctx, discovery::run)),
            supervised("signals", Lifetime::Service, with(&ctx, signals::run)),
            supervised("speech-acts", Lifetime::Service, {
                let ctx = ctx.clone();
                Box::new(move || Box::pin(speech_acts::run(ctx.clone(), to_coordinator.clone())))
            }),
            supervised(
                "responses-audit",
                Lifetime::Service,
                with(&ctx, responses_audit::run),
            ),
            supervised(
                "consumer-lag",
                Lifetime::Service,
                with(&ctx, consumer_lag::run),
            ),
            supervised("brokers", Lifetime::Service, {
                let ctx = ctx.clone();
                Box::new(move || Box::pin(broker_metrics::run(ctx.clone(), broker_source.clone())))
            }),
            supervised("coordinator", Lifetime::Service, {
                let ctx = ctx.clone();
                Box::new(move || Box::pin(coordinator.clone().run(ctx.clone())))
            }),
        ];
        Ok(Self {
            cancel,
            tasks,
            responder,
        })
    }

    /// Sends a COMMAND to a sidecar on an operator's behalf; returns the response id the
    /// sidecar's REPORT will cite.
    pub async fn command(&self, target: &SidecarId, command: Command) -> String {
        let text = match &command {
            Command::SetRate { rate } => {
                format!("Operator sets {target}'s rate to {rate} messages per second.")
            }
            Command::Throttle { rate } => {
                format!("Operator throttles {target} to {rate} messages per second.")
            }
            Command::Resume => format!("Operator restores {target}'s nominal rate."),
        };
        self.responder
            .command_unprompted(target, text, command)
            .await
    }

    /// Stops every task; consumers are closed before this returns.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        for task in self.tasks {
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                tracing::warn!("a platform task did not stop within 5 s");
            }
        }
    }
}

/// A task body boxed, so that every supervised task has one type.
type Start = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// Starts `run` with a fresh clone of the context each time.
fn with<Fut>(ctx: &Context, run: fn(Context) -> Fut) -> Start
where
    Fut: Future<Output = ()> + Send + 'static,
{
    let ctx = ctx.clone();
    Box::new(move || Box::pin(run(ctx.clone())))
}

async fn create_topics(ctx: Context) {
    tokio::select! {
        _ = ctx.cancel.cancelled() => {}
        _ = wait_for_topics(&ctx.kafka) => {}
    }
}
