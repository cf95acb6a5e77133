#!/usr/bin/env bash
# Every test Faultline has, as CI runs it. Prints how long each stage took.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=$SECONDS
stage() {
  echo
  echo "=== $1 (at $((SECONDS - started)) s)"
}

stage "fetch the local stack (Kafka jars, Toxiproxy, demo workloads)"
bash tests/scripts/fetch-local-stack.sh

# The docker environment's fixtures (engine, stand-in images, local registry) are mostly
# downloads and unpacking: they get ready in the background while the workspace builds.
mkdir -p artifacts
bash tests/scripts/docker-test-env.sh start > artifacts/docker-test-env.log 2>&1 &
docker_env=$!
trap 'bash tests/scripts/docker-test-env.sh stop >> artifacts/docker-test-env.log 2>&1 || true' EXIT

stage "demo workloads' own tests (Maven)"
(cd workloads && mvn -B test)

stage "build everything (workspace, desktop shell, test binaries)"
cargo build --workspace --all-targets

stage "the docker test environment (engine, stand-in images, registry on 127.0.0.1:5000)"
if ! wait "$docker_env"; then
  cat artifacts/docker-test-env.log
  echo "the docker test environment could not be prepared (log above)" >&2
  exit 1
fi
cat artifacts/docker-test-env.log

# One test at a time: the end-to-end tests each run a Kafka cluster and assert
# deadlines (e.g. "listed within 2 s") that two cores shared by several clusters blur.
stage "unit and rehearsal end-to-end tests"
cargo test --workspace -- --test-threads=1

# The short run (about 3 minutes with cargo-fuzz's install and build; 6 s a target keeps the
# whole suite under CI's 45 minutes); the long one is `tests/scripts/fuzz.sh 600`
# (docs/reliability.md).
stage "fuzz the wire decoders and property-test the registry and scenario parser, 6 s each"
bash tests/scripts/fuzz.sh 6

# Under a virtual display with a session bus: the desktop test opens the real app window.
stage "dashboard in Chromium against the real server; the desktop app through tauri-driver"
(cd ui && xvfb-run -a dbus-run-session -- node --test tests/)

# The benchmarks' smoke mode: every section runs and the table prints (debug build, one
# repetition, no timing asserted); the table is left in artifacts/bench-smoke.md.
stage "benchmarks, smoke mode (bench/run --quick --smoke)"
bash bench/run --quick --smoke

stage "desktop .deb: bundle, install with apt, launch the installed app"
bash tests/scripts/test-deb.sh

stage "done in $((SECONDS - started)) s"
