//! The async handle callers use.

use std::fmt;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::error::JmxError;
use crate::session::{Op, Outcome};
use crate::value::JmxValue;
use crate::worker::{self, Request};

/// How long a call waits for its endpoint before giving up with [`JmxError::Timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A cheap, cloneable handle to one JMX endpoint.
///
/// All clones share one endpoint thread (started on the first call) and so one
/// connection; the thread ends when the last clone is dropped. Calls need a tokio runtime
/// with the time driver enabled.
#[derive(Clone)]
pub struct JmxClient {
    endpoint: Arc<Endpoint>,
    timeout: Duration,
}

struct Endpoint {
    url: String,
    /// The endpoint thread's inbox; dropping it (with the last client clone) ends the
    /// thread. Behind a mutex so a thread that died can be replaced.
    sender: Mutex<Option<mpsc::Sender<Request>>>,
}

impl JmxClient {
    /// A client for `host:port` of a JVM started with `-Dcom.sun.management.jmxremote.port`,
    /// i.e. `service:jmx:rmi:///jndi/rmi://host:port/jmxrmi`. A full `service:jmx:` URL is
    /// accepted as is.
    pub fn for_endpoint(host_port: &str) -> Self {
        let host_port = host_port.trim();
        if host_port.starts_with("service:jmx:") {
            return Self::for_url(host_port);
        }
        Self::for_url(format!("service:jmx:rmi:///jndi/rmi://{host_port}/jmxrmi"))
    }

    /// A client for a full JMX service URL.
    pub fn for_url(url: impl Into<String>) -> Self {
        JmxClient {
            endpoint: Arc::new(Endpoint {
                url: url.into(),
                sender: Mutex::new(None),
            }),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// This handle with another per-call timeout (other clones keep theirs). The first call
    /// in a process also creates the JVM (0.2–0.4 s) and connects (up to about 1 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The per-call timeout of this handle.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The JMX service URL.
    pub fn url(&self) -> &str {
        &self.endpoint.url
    }

    /// Many attributes of one MBean in one call (MBeanServerConnection.getAttributes).
    /// Missing attributes are simply absent from the result.
    pub async fn read(
        &self,
        object_name: &str,
        attributes: &[&str],
    ) -> Result<Vec<(String, JmxValue)>, JmxError> {
        let op = Op::Read {
            object_name: object_name.to_owned(),
            attributes: attributes.iter().map(|a| (*a).to_owned()).collect(),
        };
        match self.call(op).await? {
            Outcome::Attributes(values) => Ok(values),
            other => Err(self.unexpected(object_name, &other)),
        }
    }

    /// ObjectNames matching a pattern, e.g. "kafka.producer:type=producer-metrics,client-id=*",
    /// sorted.
    pub async fn query_names(&self, pattern: &str) -> Result<Vec<String>, JmxError> {
        let op = Op::QueryNames {
            pattern: pattern.to_owned(),
        };
        match self.call(op).await? {
            Outcome::Names(names) => Ok(names),
            other => Err(self.unexpected(pattern, &other)),
        }
    }

    /// Sets one attribute; the value is converted to the type the MBean declares (an
    /// `Int` becomes an `int`, `long`, `double`, ... as needed).
    pub async fn set(
        &self,
        object_name: &str,
        attribute: &str,
        value: JmxValue,
    ) -> Result<(), JmxError> {
        let op = Op::Set {
            object_name: object_name.to_owned(),
            attribute: attribute.to_owned(),
            value,
        };
        match self.call(op).await? {
            Outcome::Done => Ok(()),
            other => Err(self.unexpected(object_name, &other)),
        }
    }

    /// Invokes an operation; parameters are converted to the types in the operation's
    /// signature. A `void` operation returns [`JmxValue::Null`].
    pub async fn invoke(
        &self,
        object_name: &str,
        operation: &str,
        params: Vec<JmxValue>,
    ) -> Result<JmxValue, JmxError> {
        let op = Op::Invoke {
            object_name: object_name.to_owned(),
            operation: operation.to_owned(),
            params,
        };
        match self.call(op).await? {
            Outcome::Value(value) => Ok(value),
            other => Err(self.unexpected(object_name, &other)),
        }
    }

    /// Hands `op` to the endpoint thread and waits for the answer, at most `timeout`.
    async fn call(&self, op: Op) -> Result<Outcome, JmxError> {
        let (reply, answer) = oneshot::channel();
        self.endpoint.submit(Request { op, reply })?;
        match tokio::time::timeout(self.timeout, answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(JmxError::Call {
                object_name: self.endpoint.url.clone(),
                detail: "the JMX endpoint thread ended without answering".to_owned(),
            }),
            Err(_) => Err(JmxError::Timeout {
                url: self.endpoint.url.clone(),
                after_ms: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
            }),
        }
    }

    fn unexpected(&self, subject: &str, outcome: &Outcome) -> JmxError {
        JmxError::Call {
            object_name: subject.to_owned(),
            detail: format!(
                "the endpoint thread of {} answered with the wrong kind of result ({outcome:?})",
                self.endpoint.url
            ),
        }
    }
}

impl Endpoint {
    /// Sends to the endpoint thread, starting it on first use (or again if it died).
    fn submit(&self, request: Request) -> Result<(), JmxError> {
        let mut sender = self
            .sender
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let request = match sender.as_ref() {
            Some(tx) => match tx.send(request) {
                Ok(()) => return Ok(()),
                Err(mpsc::SendError(request)) => request,
            },
            None => request,
        };
        let tx = worker::spawn(self.url.clone()).map_err(|e| {
            JmxError::JvmUnavailable(format!(
                "no thread could be started to talk to {}: {e}",
                self.url
            ))
        })?;
        let sent = tx.send(request).map_err(|_| JmxError::Call {
            object_name: self.url.clone(),
            detail: "the JMX endpoint thread ended as soon as it started".to_owned(),
        });
        *sender = Some(tx);
        sent
    }
}

impl fmt::Debug for JmxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JmxClient")
            .field("url", &self.endpoint.url)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::JmxClient;

    #[test]
    fn endpoints_become_rmi_urls() {
        let c = JmxClient::for_endpoint("127.0.0.1:11001");
        assert_eq!(
            c.url(),
            "service:jmx:rmi:///jndi/rmi://127.0.0.1:11001/jmxrmi"
        );
        let c = JmxClient::for_endpoint("service:jmx:rmi:///jndi/rmi://h:1/jmxrmi");
        assert_eq!(c.url(), "service:jmx:rmi:///jndi/rmi://h:1/jmxrmi");
        assert_eq!(c.clone().url(), c.url());
    }

    #[test]
    fn client_is_send_sync_and_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<JmxClient>();
    }
}
