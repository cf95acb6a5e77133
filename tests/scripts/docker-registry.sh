#!/usr/bin/env bash
# Starts or stops Debian's docker-registry on 127.0.0.1:5000 for the docker environment's
# test, which pulls the Kafka stand-in from it through the app's driver (with progress), as
# a presenter's laptop pulls apache/kafka from Docker Hub. Test fixture only.
#
#   docker-registry.sh start   starts it (storage under $FAULTLINE_CACHE/registry, kept between
#                              runs) unless one answers, and pushes the stand-in to it
#   docker-registry.sh stop    stops it if `start` started it
#
# Needs a Docker daemon and the stand-ins (dockerd.sh, docker-standins.sh).
set -euo pipefail

cache="${FAULTLINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faultline}"
address="127.0.0.1:5000"
image="apache/kafka:4.1.1"
pid_file="/tmp/faultline-registry.pid"
log_file="/tmp/faultline-registry.log"

answers() { curl -fsS "http://$address/v2/" >/dev/null 2>&1; }

start() {
  if ! answers; then
    command -v docker-registry >/dev/null || {
      echo "docker-registry is not installed: run tests/scripts/install-deps.sh" >&2
      return 1
    }
    mkdir -p "$cache/registry"
    # Debian's packaged config turns on htpasswd auth; this one has none, and listens on
    # 127.0.0.1 only.
    cat > "$cache/registry/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $cache/registry/data
http:
  addr: $address
CONFIG
    nohup docker-registry serve "$cache/registry/config.yml" >"$log_file" 2>&1 </dev/null &
    echo $! > "$pid_file"
    for _ in $(seq 1 60); do answers && break; sleep 0.5; done
    answers || { echo "the registry did not answer; see $log_file" >&2; return 1; }
    echo "Registry on $address (storage $cache/registry/data)"
  fi
  # Pushed every time: layers the registry holds already are not sent again, and a rebuilt
  # stand-in replaces the old one.
  if docker image inspect "$image" >/dev/null 2>&1; then
    started=$SECONDS
    docker tag "$image" "$address/$image"
    docker push -q "$address/$image" >/dev/null
    docker rmi "$address/$image" >/dev/null
    echo "Pushed $image to $address in $((SECONDS - started)) s"
  elif curl -fsS "http://$address/v2/${image%%:*}/manifests/${image##*:}" \
      -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' >/dev/null 2>&1; then
    echo "The registry holds $image (not here: the docker test pulled it and removed it)"
  else
    echo "$image is neither in the registry nor here: run tests/scripts/docker-standins.sh" >&2
    return 1
  fi
}

stop() {
  if [ -f "$pid_file" ] && [ "$(cat "/proc/$(cat "$pid_file")/comm" 2>/dev/null)" = "docker-registry" ]; then
    kill "$(cat "$pid_file")"
    echo "Registry stopped"
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
