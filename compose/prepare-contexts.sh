#!/usr/bin/env bash
# Puts the built artifacts into the build contexts of Faultline's own images, so that
# `docker compose -f compose/docker-compose.yml up` works from a clone:
#
#   compose/sidecar/faultline-sidecar, compose/sidecar/jassets/   release build of sidecar/
#   compose/workloads/faultline-workloads.jar                     `mvn package` in workloads/
#
# (The app does the same from the files its package carries.) Builds what is missing or older
# than its sources. Needs Rust (cargo) and JDK 17 + Maven; the images are Linux images, so on
# a machine that is not Linux the sidecar is built inside a `rust:1-bookworm` container
# (FAULTLINE_BUILD_IN_DOCKER=1 asks for that on Linux too, e.g. when this machine's C library
# is newer than the image's).
set -euo pipefail
cd "$(dirname "$0")/.."

# Faultline's images carry the workspace's version; the compose file must name the same one.
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
mismatched="$(grep -o 'image: faultline/[a-z-]*:[^[:space:]]*' compose/docker-compose.yml | grep -v ":$version\$" || true)"
if [ -n "$mismatched" ]; then
  echo "compose/docker-compose.yml names images of another version than the workspace's $version:" >&2
  echo "$mismatched" >&2
  exit 1
fi

build_in_docker="${FAULTLINE_BUILD_IN_DOCKER:-}"
if [ -z "$build_in_docker" ]; then
  [ "$(uname -s)" = Linux ] && build_in_docker=0 || build_in_docker=1
fi

# True when $1 is missing or any file under the following paths is newer.
stale() {
  local artifact="$1"
  shift
  [ ! -e "$artifact" ] || [ -n "$(find "$@" -newer "$artifact" -print -quit)" ]
}

sources=(Cargo.toml Cargo.lock sidecar crates/kafka crates/jmx crates/protocol)
if [ "$build_in_docker" = 1 ]; then
  target=target/linux-container
  if stale "$target/release/faultline-sidecar" "${sources[@]}"; then
    echo "Building faultline-sidecar (release) in a rust:1-bookworm container"
    # librdkafka is built from source (cmake); the bind mount is only for this build.
    docker run --rm -v "$PWD:/src" -w /src -e CARGO_TARGET_DIR="/src/$target" rust:1-bookworm \
      bash -c 'apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends cmake >/dev/null && cargo build --release -p faultline-sidecar'
  fi
else
  target=target
  if stale "$target/release/faultline-sidecar" "${sources[@]}"; then
    echo "Building faultline-sidecar (release)"
    cargo build --release -p faultline-sidecar
  fi
fi

jar=workloads/target/faultline-workloads.jar
if stale "$jar" workloads/pom.xml workloads/src; then
  echo "Building the demo workloads (Maven)"
  (cd workloads && mvn -q -B package)
fi

rm -rf compose/sidecar/faultline-sidecar compose/sidecar/jassets
cp "$target/release/faultline-sidecar" compose/sidecar/faultline-sidecar
cp -r "$target/release/jassets" compose/sidecar/jassets
cp "$jar" compose/workloads/faultline-workloads.jar
echo "Build contexts ready: compose/sidecar/ (faultline-sidecar, jassets/), compose/workloads/ (faultline-workloads.jar)"
