#!/usr/bin/env bash
# Runs Faultline: the desktop app when there is a display, started at once on the detected
# environment (rehearsal when Docker is absent); otherwise the headless server on rehearsal
# with the dashboard at http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # The docker environment (picked when Docker runs) builds its sidecar and workloads images
  # from these; the installed app carries them.
  cargo build --release -p faultline-sidecar
  jar="workloads/target/faultline-workloads.jar"
  [ -f "$jar" ] || (cd workloads && mvn -q -B package -DskipTests)
  export FAULTLINE_WORKLOADS_JAR="$PWD/$jar"
  exec cargo run --release -p faultline-desktop --bin faultline -- --start
fi
echo "No display found: starting the headless server; open http://127.0.0.1:8080/ in a browser."
exec cargo run --release -p faultline-platform --bin faultline-server -- --env rehearsal "$@"
