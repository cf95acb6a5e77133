#!/usr/bin/env bash
# Starts or stops a Docker daemon for the docker environment's tests, on machines where none
# runs as a service (CI containers, this project's build machines). Installs nothing:
# install-deps.sh installs Debian's docker.io.
#
#   dockerd.sh start   a daemon that already answers is left alone (and never stopped by us);
#                      otherwise dockerd starts in the background, logging to
#                      ${FAULTLINE_DOCKERD_LOG:-/tmp/faultline-dockerd.log}, and we wait for it
#   dockerd.sh stop    stops the daemon only if `start` started it (its pid file says so)
#
# Needs root (dockerd does); uses sudo when not root.
set -euo pipefail

pid_file="${FAULTLINE_DOCKERD_PID:-/tmp/faultline-dockerd.pid}"
log_file="${FAULTLINE_DOCKERD_LOG:-/tmp/faultline-dockerd.log}"
# First start on a fresh machine sets up overlay2 and iptables chains; a slow VM takes a while.
start_deadline_s=120
stop_deadline_s=60

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

answers() {
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# True when the pid file names a live dockerd process (a stale file from a crashed run, or a
# pid reused by another program, does not count).
ours_running() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "dockerd" ]
}

start() {
  if answers; then
    echo "A Docker daemon already answers ($(docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}')); leaving it as it is."
    return 0
  fi
  if ! command -v dockerd >/dev/null; then
    echo "dockerd is not installed: run tests/scripts/install-deps.sh (it installs Debian's docker.io)." >&2
    return 1
  fi
  echo "Starting dockerd in the background (log: $log_file)"
  "${sudo_cmd[@]}" bash -c 'nohup dockerd >"$1" 2>&1 </dev/null & echo $! >"$2"' _ "$log_file" "$pid_file"
  local started=$SECONDS
  until answers; do
    if ! ours_running; then
      echo "dockerd exited during start-up; the end of its log:" >&2
      tail -n 20 "$log_file" >&2
      rm -f "$pid_file"
      return 1
    fi
    if [ $((SECONDS - started)) -ge "$start_deadline_s" ]; then
      echo "dockerd did not answer within ${start_deadline_s} s; the end of its log:" >&2
      tail -n 20 "$log_file" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "dockerd answers after $((SECONDS - started)) s ($(docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}'))"
}

stop() {
  if ! ours_running; then
    rm -f "$pid_file"
    echo "No dockerd started by this script is running; nothing to stop."
    return 0
  fi
  local pid
  pid="$(cat "$pid_file")"
  echo "Stopping the dockerd this script started (pid $pid)"
  "${sudo_cmd[@]}" kill -TERM "$pid"
  local started=$SECONDS
  # A zombie (exited, not yet reaped by whoever adopted it) counts as stopped.
  while [ -d "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; do
    if [ $((SECONDS - started)) -ge "$stop_deadline_s" ]; then
      echo "dockerd (pid $pid) is still running after ${stop_deadline_s} s; see $log_file" >&2
      return 1
    fi
    sleep 0.5
  done
  rm -f "$pid_file"
  echo "dockerd stopped after $((SECONDS - started)) s"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
