//! Errors, each a whole sentence that names the endpoint or MBean it is about, because
//! they end up verbatim in the narrative panel and in logs read by people mid-demo.

/// Why a JMX call did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JmxError {
    /// No JVM could be created or attached in this process (no Java installed, no
    /// `jassets/` folder with the j4rs jar). The text says what to install or set.
    #[error("JMX is unavailable because no Java runtime could be started in this process: {0}")]
    JvmUnavailable(String),

    /// The endpoint could not be connected to, or the connection broke. The connection
    /// has been dropped; the next attempt is allowed after `retry_in_ms`.
    #[error("The JMX endpoint {url} cannot be reached ({reason}); the next connection attempt is allowed in {retry_in_ms} ms.")]
    Unreachable {
        url: String,
        reason: String,
        retry_in_ms: u64,
    },

    /// The MBean (or the attribute or operation named in `detail`) does not exist.
    #[error("The MBean {object_name} was not found: {detail}.")]
    NotFound { object_name: String, detail: String },

    /// The endpoint answered, but the call itself failed (bad ObjectName, wrong value type,
    /// an exception thrown by the MBean). The connection is kept.
    #[error("The JMX call on {object_name} failed: {detail}.")]
    Call { object_name: String, detail: String },

    /// No answer within the client's timeout: the remote JVM may be paused or overloaded.
    /// Calls to other endpoints are not affected.
    #[error("The JMX endpoint {url} did not answer within {after_ms} ms; the remote JVM may be paused or overloaded.")]
    Timeout { url: String, after_ms: u64 },
}

impl JmxError {
    /// True for errors about reaching the endpoint (unreachable, timed out) rather than
    /// about the request, so callers can mark a target DOWN instead of reporting a bug.
    pub fn is_connectivity(&self) -> bool {
        matches!(
            self,
            JmxError::Unreachable { .. } | JmxError::Timeout { .. }
        )
    }
}

/// Trims trailing sentence punctuation from a detail so that the `Display` sentences above
/// do not end up with "..".
pub(crate) fn tidy(detail: impl AsRef<str>) -> String {
    detail
        .as_ref()
        .trim()
        .trim_end_matches(['.', ';', ':'])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::{tidy, JmxError};

    #[test]
    fn messages_are_sentences_with_context() {
        let e = JmxError::Unreachable {
            url: "service:jmx:rmi:///jndi/rmi://h:1/jmxrmi".into(),
            reason: tidy("Connection refused."),
            retry_in_ms: 500,
        };
        assert_eq!(
            e.to_string(),
            "The JMX endpoint service:jmx:rmi:///jndi/rmi://h:1/jmxrmi cannot be reached \
             (Connection refused); the next connection attempt is allowed in 500 ms."
        );
        let e = JmxError::NotFound {
            object_name: "a:type=b".into(),
            detail: tidy("no such MBean."),
        };
        assert_eq!(
            e.to_string(),
            "The MBean a:type=b was not found: no such MBean."
        );
        assert!(!e.is_connectivity());
    }
}
