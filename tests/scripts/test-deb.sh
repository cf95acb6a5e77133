#!/usr/bin/env bash
# The .deb as a presenter gets it: bundled, installed with `apt install ./…deb`, checked to
# carry what the docker and local environments need (the sidecar, Toxiproxy, j4rs's jassets/,
# the workloads jar, the compose/ build contexts), the installed sidecar run once to show that
# j4rs finds its jar where the package put it, and the installed /usr/bin/faultline driven
# under Xvfb through tauri-driver: launch panel, rehearsal into sidecar cards, then the local
# environment from what the package carries (ui/tests/desktop.test.mjs). The package is
# removed again afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash tests/scripts/build-deb.sh --debug
deb=$(ls -t target/debug/bundle/deb/*.deb | head -n 1)
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
scratch=$(mktemp -d)
sidecar_pid=
cleanup() {
  [ -z "$sidecar_pid" ] || kill -KILL "$sidecar_pid" 2>/dev/null || true
  rm -rf "$scratch"
  "${sudo_cmd[@]}" apt-get remove -y -q faultline >/dev/null || true
}
trap cleanup EXIT

DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt install -y -q -o DPkg::Lock::Timeout=300 "./$deb"
installed=$(command -v faultline)
echo "installed $installed from $deb ($(stat -c %s "$deb" | awk '{printf "%.1f MiB, %d bytes", $1 / 1048576, $1}'))"

# What the package holds, by the file list dpkg recorded.
files=$(dpkg -L faultline)
carried() { # the one installed path ending in $1, or a failure naming it
  local found
  found=$(grep -E -- "$1\$" <<<"$files" || true)
  if [ "$(grep -c . <<<"$found")" -ne 1 ]; then
    echo "the package should hold exactly one file matching $1; it holds: ${found:-none}" >&2
    exit 1
  fi
  echo "$found"
}
sidecar=$(carried '/faultline-sidecar')
toxiproxy=$(carried '/faultline-toxiproxy')
[ -x "$toxiproxy" ] || { echo "the packaged $toxiproxy is not executable" >&2; exit 1; }
j4rs_jar=$(carried '/jassets/j4rs-[0-9.]+-jar-with-dependencies\.jar')
carried '/faultline-workloads\.jar' >/dev/null
compose=$(carried '/compose/docker-compose\.yml')
for context in sidecar/Dockerfile workloads/Dockerfile toxiproxy/Dockerfile toxiproxy/toxiproxy.json; do
  carried "/compose/$context" >/dev/null
done
# Only the build contexts' sources: the artifacts the app puts into them come from its own files.
if grep -E '/compose/(sidecar/faultline-sidecar|sidecar/jassets|workloads/faultline-workloads\.jar)' <<<"$files"; then
  echo "the package carries prepared build-context artifacts under compose/" >&2
  exit 1
fi
if grep -qx '/usr/bin/jassets' <<<"$files"; then
  echo "the package puts jassets/ in /usr/bin" >&2
  exit 1
fi
jassets=$(dirname "$j4rs_jar")
echo "carried: $sidecar, $toxiproxy, $jassets/, $(dirname "$compose")/ and the workloads jar"

# The installed sidecar runs, and j4rs creates its JVM from the packaged jassets/ (nothing of
# this checkout on its path: no FAULTLINE_JASSETS, run from /). With --jmx the sidecar
# creates the JVM before anything else and exits if it cannot; nothing listens on port 1
# (neither Kafka nor JMX), so after that it only retries, and is stopped.
"$sidecar" --help >/dev/null
log="$scratch/sidecar.log"
(cd / && exec env -u FAULTLINE_JASSETS NO_COLOR=1 RUST_LOG=info,librdkafka=off \
  "$sidecar" --bootstrap 127.0.0.1:1 --id deb-check --jmx 127.0.0.1:1) >"$log" 2>&1 &
sidecar_pid=$!
for _ in $(seq 1 120); do
  grep -q 'created the in-process JVM' "$log" && break
  kill -0 "$sidecar_pid" 2>/dev/null || break
  sleep 0.5
done
# Killed outright: its graceful stop waits for a bogus Kafka to take its tombstone.
kill -KILL "$sidecar_pid" 2>/dev/null || true
wait "$sidecar_pid" 2>/dev/null || true
sidecar_pid=
if grep -q -e 'Can not find jassets directory' -e 'j4rs jar .* was not found' "$log" \
  || ! grep -qE "created the in-process JVM .* jassets=$jassets( |\$)" "$log"; then
  echo "the installed sidecar did not create its JVM from $jassets; its log:" >&2
  cat "$log" >&2
  exit 1
fi
echo "the installed sidecar created its JVM with the jar in $jassets"

(cd ui && FAULTLINE_APP="$installed" xvfb-run -a dbus-run-session -- node --test tests/desktop.test.mjs)
