//! Reaching the Docker engine: bollard's defaults (`DOCKER_HOST`, else the platform's
//! socket or named pipe), the API version agreed with the daemon, and the sentence a
//! presenter reads when it does not answer.

use std::path::PathBuf;

use bollard::Docker;

/// How to start the engine on this operating system, as the fix in a sentence.
pub fn how_to_start() -> &'static str {
    if cfg!(target_os = "linux") {
        "start it with `sudo systemctl start docker` (or install Docker Engine), or choose rehearsal"
    } else {
        "start Docker Desktop and wait until it says it is running, or choose rehearsal"
    }
}

/// A client that speaks the daemon's API version (the lower of bollard's and the
/// daemon's). Errors: the engine does not answer, as one sentence with the fix.
pub async fn connect() -> Result<Docker, String> {
    let not_running = |e: bollard::errors::Error| {
        format!(
            "the Docker engine does not answer ({e}); {}",
            how_to_start()
        )
    };
    let docker = Docker::connect_with_defaults().map_err(not_running)?;
    let docker = docker.negotiate_version().await.map_err(not_running)?;
    docker.ping().await.map_err(not_running)?;
    Ok(docker)
}

/// Whether a Docker engine answers on its socket (`DOCKER_HOST` when it is a unix socket,
/// else /var/run/docker.sock), without an async runtime: detection runs it on a plain
/// thread. A TCP `DOCKER_HOST` counts as answering when it accepts a connection.
pub fn engine_running() -> bool {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if host.starts_with("tcp://") => {
            let address = host.trim_start_matches("tcp://").trim_end_matches('/');
            std::net::TcpStream::connect(address).is_ok()
        }
        other => {
            let socket = other
                .ok()
                .and_then(|host| host.strip_prefix("unix://").map(PathBuf::from))
                .unwrap_or_else(|| PathBuf::from("/var/run/docker.sock"));
            std::os::unix::net::UnixStream::connect(socket).is_ok()
        }
    }
}
