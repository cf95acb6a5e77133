//! What the shared executors drive, connected to the containers: Toxiproxy's API and the
//! workloads' control MBeans on their published ports, and each broker container's CPU
//! quota and lifecycle through the Engine API.

use async_trait::async_trait;

use super::super::{ports, DockerEnvironment};
use super::cpu_stress::CpuQuota;
use crate::environments::local::faults::controls::{
    ControlMBean, Toxics, Workload, WorkloadControls,
};
use crate::environments::local::{Toxic, CONSUMER_ID, PRODUCER_ID};
use crate::wire::Check;

#[async_trait]
impl Toxics for DockerEnvironment {
    fn proxies(&self, broker: i32) -> Vec<String> {
        vec![format!("broker-{broker}"), format!("broker-{broker}-host")]
    }

    async fn add_toxic(&self, proxy: &str, toxic: &Toxic) -> Result<(), String> {
        self.toxiproxy()
            .add_toxic(proxy, toxic)
            .await
            .map_err(|e| e.to_string())
    }

    async fn remove_toxic(&self, proxy: &str, name: &str) -> Result<(), String> {
        self.toxiproxy()
            .remove_toxic(proxy, name)
            .await
            .map_err(|e| e.to_string())
    }

    /// Restarts the Toxiproxy container: its proxies come back from its config file,
    /// without a toxic.
    async fn restart_toxiproxy(&self) -> Result<(), String> {
        let (docker, id) = self.container("toxiproxy").await?;
        docker
            .restart_container(&id, None)
            .await
            .map_err(|e| format!("restarting toxiproxy failed: {e}"))?;
        let toxiproxy = self.toxiproxy();
        for _ in 0..60 {
            if toxiproxy.is_up().await {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        Err("toxiproxy did not answer within 15 s of its restart".into())
    }
}

impl DockerEnvironment {
    /// The control MBean of a demo workload (one of the compose file's, or a producer
    /// added from the panel). Errors: there is no workload of that role and id.
    async fn control(&self, workload: Workload, id: &str) -> Result<ControlMBean, String> {
        let port = match workload {
            Workload::Producer if id == PRODUCER_ID => Some(ports::PRODUCER_JMX),
            Workload::Producer => self.added.lock().await.get(id).copied(),
            Workload::Consumer => (id == CONSUMER_ID).then_some(ports::CONSUMER_JMX),
        };
        let port = port.ok_or_else(|| format!("the docker environment has no workload {id}"))?;
        Ok(ControlMBean::new(
            workload,
            id,
            &format!("127.0.0.1:{port}"),
        ))
    }
}

#[async_trait]
impl WorkloadControls for DockerEnvironment {
    async fn read_control(
        &self,
        workload: Workload,
        id: &str,
        attribute: &str,
    ) -> Result<i64, String> {
        self.control(workload, id).await?.read(attribute).await
    }

    async fn write_control(
        &self,
        workload: Workload,
        id: &str,
        attribute: &str,
        value: i64,
    ) -> Result<(), String> {
        self.control(workload, id)
            .await?
            .write(attribute, value)
            .await
    }
}

/// The check that broker `broker`'s container has no CPU quota left.
pub async fn full_cpu(env: &DockerEnvironment, broker: i32) -> Check {
    let what = format!("broker-{broker} has its whole CPU");
    match env.cpu_quota(broker).await {
        Ok((_, quota)) => Check {
            what,
            ok: quota <= 0,
            detail: if quota <= 0 {
                "no CPU quota".into()
            } else {
                format!("a CPU quota of {quota} µs per period")
            },
        },
        Err(error) => Check {
            what,
            ok: false,
            detail: error,
        },
    }
}
