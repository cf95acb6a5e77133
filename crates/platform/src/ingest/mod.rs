//! The platform's reading tasks, each supervised on its own: followers of Faultline's
//! topics (`discovery`, `signals`, `speech_acts`, `responses_audit`) and pollers of the
//! cluster (`broker_metrics`, `consumer_lag`), with what they share for reading a topic and
//! refusing bad records (`topic`). They read and decode; what they read goes to state
//! (`crate::state`), through the subject pipeline (`crate::judgement`) for the subjects the
//! platform judges, and to the coordinator's inbox for REQUESTs.

pub mod broker_metrics;
pub mod consumer_lag;
pub mod discovery;
pub mod responses_audit;
pub mod signals;
pub mod speech_acts;
mod topic;

pub use topic::{consumer_for, follow, follow_awaiting, read_records, record_ts, reject};
