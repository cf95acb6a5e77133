use std::time::Duration;

use nix::sys::signal::Signal;

use crate::chaos::{DownMode, Receipt};
use crate::environments::local::LocalEnvironment;
use crate::environments::Environment;

pub async fn inject(
    env: &LocalEnvironment,
    broker: i32,
    mode: DownMode,
) -> Result<Receipt, String> {
    let record = env.broker_record(broker).await?;
    match mode {
        DownMode::Kill => record.signal(Signal::SIGKILL)?,
        DownMode::Pause => record.signal(Signal::SIGSTOP)?,
        DownMode::Stop => record.stop(Duration::from_secs(30)).await,
    }
    Ok(Receipt::default())
}

/// Resumes a frozen broker or starts a gone one; nothing to do if it runs.
pub async fn revert(env: &LocalEnvironment, broker: i32) -> Result<(), String> {
    env.start_broker(broker).await
}
