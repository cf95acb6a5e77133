#!/usr/bin/env bash
# What the docker environment's test needs, in one place (all test fixtures):
#
#   docker-test-env.sh start   a Docker engine (dockerd.sh), the stand-in base images
#                              (docker-standins.sh), a registry on 127.0.0.1:5000 holding the
#                              Kafka stand-in (docker-registry.sh), and compose/ validated
#                              with `docker compose config`
#   docker-test-env.sh stop    stops the registry and the engine, if these scripts started them
#
# test-all.sh runs `start` in the background while the workspace builds.
set -euo pipefail
cd "$(dirname "$0")/../.."

case "${1:-}" in
  start)
    started=$SECONDS
    bash tests/scripts/dockerd.sh start
    bash tests/scripts/docker-standins.sh
    bash tests/scripts/docker-registry.sh start
    docker compose -f compose/docker-compose.yml config --quiet
    echo "compose/docker-compose.yml validates ($(docker compose version --short))"
    echo "The docker test environment is ready after $((SECONDS - started)) s"
    ;;
  stop)
    bash tests/scripts/docker-registry.sh stop
    bash tests/scripts/dockerd.sh stop
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
