#!/usr/bin/env bash
# Fetches what the `local` environment runs, into the cache directory (outside git):
#   Apache Kafka's jars      from Maven Central (org.apache.kafka:kafka_2.13)
#   the Toxiproxy server     built from its Go module
#   the demo workloads jar   built from workloads/ with Maven
# Idempotent: what is already there is kept. Debian's stress-ng comes from install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

cache="${FAULTLINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faultline}"
# The pom names the Kafka version; kafka-jars-manifest.sh keeps it, KAFKA_VERSION in
# environments/local/config.rs and the app's jar manifest in step.
pom="tests/scripts/kafka-runtime.pom.xml"
kafka_version="$(sed -n 's:.*<artifactId>kafka_2.13</artifactId><version>\([^<]*\)</version>.*:\1:p' "$pom")"
toxiproxy_version="v2.12.0"
mkdir -p "$cache/bin"

kafka_dir="$cache/kafka-$kafka_version"
if [ ! -f "$kafka_dir/.complete" ]; then
  echo "Fetching Apache Kafka $kafka_version from Maven Central into $kafka_dir"
  mkdir -p "$kafka_dir"
  cp "$pom" "$kafka_dir/pom.xml"
  rm -rf "$kafka_dir/libs"
  mvn -q -B -f "$kafka_dir/pom.xml" dependency:copy-dependencies -DoutputDirectory="$kafka_dir/libs"
  # The app downloads the jars its manifest names (kafka_jars.rs) and writes the same marker;
  # both must mean the same set of jars.
  bash tests/scripts/kafka-jars-manifest.sh --check
  touch "$kafka_dir/.complete"
fi

if [ ! -x "$cache/bin/toxiproxy-server" ] || [ "$(cat "$cache/bin/toxiproxy-server.version" 2>/dev/null)" != "$toxiproxy_version" ]; then
  echo "Building the Toxiproxy server $toxiproxy_version from its Go module"
  build="$(mktemp -d)"
  GOBIN="$build" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$toxiproxy_version"
  mv "$build/server" "$cache/bin/toxiproxy-server"
  echo "$toxiproxy_version" > "$cache/bin/toxiproxy-server.version"
  rm -rf "$build"
fi

jar="workloads/target/faultline-workloads.jar"
if [ ! -f "$jar" ] || [ -n "$(find workloads/pom.xml workloads/src -newer "$jar" -print -quit)" ]; then
  echo "Building the demo workloads (Maven)"
  (cd workloads && mvn -q -B package)
fi
cp "$jar" "$cache/faultline-workloads.jar"
echo "Local stack ready in $cache"
