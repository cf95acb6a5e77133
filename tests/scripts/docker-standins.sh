#!/usr/bin/env bash
# Test fixtures: builds local STAND-INS for the public base images that compose/ uses, and tags
# them with the exact public names, so compose/docker-compose.yml runs unchanged on a machine
# that reaches no image registry (this project's build and CI machines):
#
#   eclipse-temurin:17-jre            Debian bookworm (debootstrap) + Debian's OpenJDK 17 JRE,
#                                     JAVA_HOME=/opt/java/openjdk as in the real image
#   apache/kafka:4.1.1                the above + Apache Kafka 4.1.1's jars from Maven Central,
#                                     laid out and started like the official image
#   ghcr.io/shopify/toxiproxy:2.12.0  FROM scratch + toxiproxy-server and toxiproxy-cli built
#                                     (static) from the Go module, at the real image's paths
#
# They are not the real images: each carries the label io.faultline.fixture=stand-in, and a
# tag that already holds an image WITHOUT that label (a real image, pulled on a laptop) is
# kept as it is. An existing stand-in is not rebuilt, so a cached run takes seconds; the
# Debian root file system is cached as a tarball under $FAULTLINE_CACHE/standins (default
# ~/.cache/faultline/standins), so even a pruned image store rebuilds in about a minute.
# Set FAULTLINE_STANDINS_REBUILD=1 to rebuild all three.
#
# Needs: a Docker daemon (tests/scripts/dockerd.sh start), root or sudo (debootstrap, chroot),
# debootstrap (install-deps.sh), Go, and Kafka's jars (fetched by fetch-local-stack.sh when
# missing). Prints the time of each step.
set -euo pipefail
cd "$(dirname "$0")/../.."

temurin_image="eclipse-temurin:17-jre"
kafka_image="apache/kafka:4.1.1"
toxiproxy_image="ghcr.io/shopify/toxiproxy:2.12.0"
kafka_version="4.1.1"
toxiproxy_version="v2.12.0"
fixture_label="io.faultline.fixture=stand-in"

cache="${FAULTLINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faultline}"
standins="$cache/standins"
mirror="${FAULTLINE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rebuild="${FAULTLINE_STANDINS_REBUILD:-0}"
# What the temurin stand-in's root file system holds; a change here invalidates the cached
# tarball. curl and ca-certificates are in the real image too (and bring libcurl and OpenSSL).
jre_packages="openjdk-17-jre-headless bash procps findutils curl ca-certificates"
rootfs_recipe="bookworm minbase + $jre_packages (1)"

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

# The compose file and Dockerfiles must name exactly these images, or the stand-ins are useless.
for pair in "compose/docker-compose.yml:image: $kafka_image" \
            "compose/toxiproxy/Dockerfile:FROM $toxiproxy_image" \
            "compose/workloads/Dockerfile:FROM $temurin_image" \
            "compose/sidecar/Dockerfile:FROM $temurin_image"; do
  grep -qF "${pair#*:}" "${pair%%:*}" || {
    echo "${pair%%:*} does not use ${pair#*:}; update the image names in $0" >&2
    exit 1
  }
done

now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.1f", end - start }'; }

# Runs a command with its standard output discarded (image ids), for `step`.
quietly() { "$@" >/dev/null; }

# Runs a named step and prints how long it took.
step() {
  local name="$1" started
  shift
  started="$(now)"
  echo "--- $name"
  "$@"
  echo "--- $name: $(since "$started") s"
}

# 0 = our stand-in is present, 1 = nothing under that tag, 2 = a real image holds the tag.
standin_state() {
  local label
  label="$(docker image inspect --format '{{ index .Config.Labels "io.faultline.fixture" }}' "$1" 2>/dev/null)" || return 1
  [ "$label" = "stand-in" ] && return 0
  return 2
}

# Runs "$@" (which builds image $1 under its tag); the image the tag held before, if any and
# if nothing uses it, is removed rather than left dangling.
replacing() {
  local tag="$1" old
  shift
  old="$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
  "$@"
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect --format '{{.Id}}' "$tag")" ]; then
    docker rmi "$old" >/dev/null 2>&1 || true
  fi
}

# True when $1 must be built: missing, or a stand-in and a rebuild was asked for.
needs_build() {
  local state=0
  standin_state "$1" || state=$?
  case "$state" in
    0) [ "$rebuild" = 1 ] || { echo "$1: stand-in present (cached)"; return 1; } ;;
    2) echo "$1: a real image holds this tag; keeping it"; return 1 ;;
  esac
  return 0
}

# Runs in a subshell, so that its EXIT trap (unmount, remove the build root) fires when it ends.
build_rootfs_tarball() (
  tarball="$1"
  root="$(mktemp -d "$standins/rootfs.XXXXXX")"
  trap '"${sudo_cmd[@]}" umount "$root/proc" 2>/dev/null || true; "${sudo_cmd[@]}" rm -rf "$root"' EXIT
  "${sudo_cmd[@]}" debootstrap --variant=minbase bookworm "$root" "$mirror" >"$standins/debootstrap.log" 2>&1 || {
    tail -n 20 "$standins/debootstrap.log" >&2
    return 1
  }
  # Java's post-install scripts (ca-certificates-java) want /proc.
  "${sudo_cmd[@]}" mount -t proc proc "$root/proc"
  # shellcheck disable=SC2086  # the package list is split on purpose
  "${sudo_cmd[@]}" chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive bash -c "
    set -e
    apt-get update -q
    apt-get install -y -q --no-install-recommends $jre_packages
    apt-get clean
    rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/info/*
    mkdir -p /opt/java
    ln -s \"/usr/lib/jvm/java-17-openjdk-\$(dpkg --print-architecture)\" /opt/java/openjdk
    /opt/java/openjdk/bin/java -version
  " >"$standins/jre-install.log" 2>&1 || {
    tail -n 20 "$standins/jre-install.log" >&2
    return 1
  }
  "${sudo_cmd[@]}" umount "$root/proc"
  "${sudo_cmd[@]}" tar --numeric-owner -C "$root" -cf "$tarball.partial" .
  "${sudo_cmd[@]}" chown "$(id -u):$(id -g)" "$tarball.partial"
  mv "$tarball.partial" "$tarball"
  echo "$rootfs_recipe" >"$tarball.recipe"
)

build_temurin() {
  local tarball="$standins/bookworm-jre17.rootfs.tar"
  if [ ! -f "$tarball" ] || [ "$(cat "$tarball.recipe" 2>/dev/null)" != "$rootfs_recipe" ]; then
    step "debootstrap bookworm + OpenJDK 17 JRE (root file system tarball)" build_rootfs_tarball "$tarball"
  else
    echo "root file system tarball cached: $tarball"
  fi
  step "docker import $temurin_image" quietly docker import \
    --change "LABEL $fixture_label" \
    --change "LABEL io.faultline.fixture.of=$temurin_image" \
    --change "ENV JAVA_HOME=/opt/java/openjdk" \
    --change "ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change 'CMD ["/bin/bash"]' \
    "$tarball" "$temurin_image"
}

# The Kafka image's start-up scripts, at the real image's paths (/etc/kafka/docker/run and the
# files it reads). The real `launch` has Kafka's own kafka.docker.KafkaDockerWrapper (in the
# kafka_2.13 jar) turn KAFKA_* and CLUSTER_ID into server.properties and format the storage;
# this one calls the same class, so the environment variables mean exactly what they mean in
# the official image. Implemented here: KAFKA_* server properties, CLUSTER_ID (with the
# official default), KAFKA_JMX_PORT, KAFKA_JMX_HOSTNAME, KAFKA_HEAP_OPTS, KAFKA_OPTS,
# KAFKA_JMX_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS, KAFKA_LOG4J_LOGGERS and
# KAFKA_LOG4J_ROOT_LOGLEVEL. Not implemented (compose/ uses none of them): SSL/SASL secrets,
# deriving KAFKA_LISTENERS from KAFKA_ADVERTISED_LISTENERS, the class-data-sharing archives,
# the /opt/kafka/bin scripts.
write_kafka_scripts() {
  local dir="$1"
  cat >"$dir/run" <<'EOF'
#!/usr/bin/env bash
# Stand-in for the official apache/kafka image's /etc/kafka/docker/run (a test fixture).
set -o nounset -o errexit
export CLUSTER_ID="${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}"
exec /etc/kafka/docker/launch
EOF
  cat >"$dir/launch" <<'EOF'
#!/usr/bin/env bash
# Stand-in for the official apache/kafka image's /etc/kafka/docker/launch (a test fixture).
set -o nounset -o errexit
classpath='/opt/kafka/libs/*'
jmx_opts="${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote=true -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false}"
export KAFKA_JMX_HOSTNAME="${KAFKA_JMX_HOSTNAME:-$(hostname -i | cut -d' ' -f1)}"
if [ -n "${KAFKA_JMX_PORT-}" ]; then
  jmx_opts="$jmx_opts -Djava.rmi.server.hostname=$KAFKA_JMX_HOSTNAME -Dcom.sun.management.jmxremote.local.only=false -Dcom.sun.management.jmxremote.rmi.port=$KAFKA_JMX_PORT -Dcom.sun.management.jmxremote.port=$KAFKA_JMX_PORT"
fi
echo "===> Using provided cluster id $CLUSTER_ID ..."
# Writes /opt/kafka/config/{server.properties,log4j2.yaml,tools-log4j2.yaml} from the
# environment and formats the storage; a second start finds it formatted, which is fine.
if ! result="$(java -Xmx256m -cp "$classpath" -Dlog4j2.configurationFile=file:/etc/kafka/docker/tools-log4j2.yaml \
    kafka.docker.KafkaDockerWrapper setup --default-configs-dir /etc/kafka/docker \
    --mounted-configs-dir /mnt/shared/config --final-configs-dir /opt/kafka/config 2>&1)"; then
  echo "$result" | grep -qi "already formatted" || { echo "$result"; exit 1; }
fi
# shellcheck disable=SC2086  # option strings are split into words, as kafka-run-class.sh does
exec java ${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G} \
  ${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true} \
  $jmx_opts \
  ${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=file:/opt/kafka/config/log4j2.yaml} \
  -Dkafka.logs.dir=/opt/kafka/logs ${KAFKA_OPTS-} \
  -cp "$classpath" kafka.Kafka /opt/kafka/config/server.properties
EOF
  # Defaults for a container given no KAFKA_* variables: one combined node, as upstream.
  cat >"$dir/server.properties" <<'EOF'
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=/tmp/kraft-combined-logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
EOF
  local name
  for name in log4j2.yaml tools-log4j2.yaml; do
    cat >"$dir/$name" <<'EOF'
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
EOF
  done
  chmod +x "$dir/run" "$dir/launch"
}

# Subshell: its EXIT trap removes the build context.
build_kafka() (
  libs="$cache/kafka-$kafka_version/libs"
  if [ ! -f "$cache/kafka-$kafka_version/.complete" ]; then
    step "fetch Kafka $kafka_version's jars (fetch-local-stack.sh)" bash tests/scripts/fetch-local-stack.sh
  fi
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  cp -r "$libs" "$context/libs"
  mkdir "$context/docker"
  write_kafka_scripts "$context/docker"
  cat >"$context/Dockerfile" <<EOF
# Stand-in for $kafka_image (test fixture, built by tests/scripts/docker-standins.sh).
FROM $temurin_image
LABEL $fixture_label io.faultline.fixture.of=$kafka_image
USER root
RUN set -eux; \\
    mkdir -p /opt/kafka/config /opt/kafka/logs /var/lib/kafka/data /etc/kafka/secrets /etc/kafka/docker /usr/logs /mnt/shared/config; \\
    useradd --create-home --home-dir /home/appuser --shell /bin/bash --uid 1000 appuser; \\
    chown appuser:appuser -R /usr/logs /opt/kafka /mnt/shared/config; \\
    chown appuser:root -R /var/lib/kafka /etc/kafka/secrets /etc/kafka; \\
    chmod -R ug+w /etc/kafka /var/lib/kafka /etc/kafka/secrets
COPY --chown=appuser:appuser libs/ /opt/kafka/libs/
COPY --chown=appuser:appuser docker/ /etc/kafka/docker/
USER appuser
VOLUME ["/etc/kafka/secrets", "/var/lib/kafka/data", "/mnt/shared/config"]
EXPOSE 9092
CMD ["/etc/kafka/docker/run"]
EOF
  step "docker build $kafka_image" quietly docker build -q -t "$kafka_image" "$context"
  step "squash $kafka_image into one layer" squash "$kafka_image"
)

# Rewrites an image as a single layer with the same configuration. The docker test removes
# the Kafka stand-in and has the app pull it from a registry on 127.0.0.1 with progress; a
# layered build shares its layers with intermediate images, which stay in the store, and
# the pull would only find them "already exists".
squash() {
  local image="$1" layered container changes=()
  layered="$(docker image inspect "$image" --format '{{.Id}}')"
  container="$(docker create "$image")"
  while IFS= read -r change; do changes+=(--change "$change"); done < <(
    docker image inspect "$image" --format '{{range .Config.Env}}ENV {{.}}
{{end}}{{range $k, $v := .Config.Labels}}LABEL {{$k}}={{$v}}
{{end}}{{range $k, $v := .Config.Volumes}}VOLUME {{$k}}
{{end}}{{range $k, $v := .Config.ExposedPorts}}EXPOSE {{$k}}
{{end}}{{with .Config.User}}USER {{.}}
{{end}}{{with .Config.WorkingDir}}WORKDIR {{.}}
{{end}}{{with .Config.Cmd}}CMD {{json .}}
{{end}}{{with .Config.Entrypoint}}ENTRYPOINT {{json .}}
{{end}}')
  docker export "$container" | docker import "${changes[@]}" - "$image" >/dev/null
  docker rm "$container" >/dev/null
  docker rmi "$layered" >/dev/null
}

# Subshell: its EXIT trap removes the build context.
build_toxiproxy() (
  bin="$standins/toxiproxy-$toxiproxy_version"
  if [ ! -x "$bin/server" ] || [ ! -x "$bin/cli" ]; then
    step "go install Toxiproxy $toxiproxy_version (server, cli; static)" env CGO_ENABLED=0 GOBIN="$bin" \
      go install -ldflags "-s -w -X github.com/Shopify/toxiproxy/v2.Version=${toxiproxy_version#v}" \
      "github.com/Shopify/toxiproxy/v2/cmd/server@$toxiproxy_version" \
      "github.com/Shopify/toxiproxy/v2/cmd/cli@$toxiproxy_version"
  fi
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  cp "$bin/server" "$context/toxiproxy"
  cp "$bin/cli" "$context/toxiproxy-cli"
  cat >"$context/Dockerfile" <<EOF
# Stand-in for $toxiproxy_image (test fixture, built by tests/scripts/docker-standins.sh):
# the same layout, entrypoint and default command as the real image.
FROM scratch
LABEL $fixture_label io.faultline.fixture.of=$toxiproxy_image
EXPOSE 8474
ENTRYPOINT ["/toxiproxy"]
CMD ["-host=0.0.0.0"]
ENV LOG_LEVEL=info
COPY toxiproxy /toxiproxy
COPY toxiproxy-cli /toxiproxy-cli
EOF
  step "docker build $toxiproxy_image" quietly docker build -q -t "$toxiproxy_image" "$context"
)

started="$(now)"
mkdir -p "$standins"
docker version --format '{{.Server.Version}}' >/dev/null || {
  echo "No Docker daemon answers; start one with tests/scripts/dockerd.sh start" >&2
  exit 1
}
kafka_built=0
if needs_build "$temurin_image"; then
  replacing "$temurin_image" build_temurin
  # The Kafka stand-in is built on the temurin one: a new base means a new Kafka stand-in.
  if standin_state "$kafka_image"; then
    echo "$kafka_image: rebuilding the stand-in on the new $temurin_image"
    replacing "$kafka_image" build_kafka
    kafka_built=1
  fi
fi
if [ "$kafka_built" = 0 ] && needs_build "$kafka_image"; then replacing "$kafka_image" build_kafka; fi
if needs_build "$toxiproxy_image"; then replacing "$toxiproxy_image" build_toxiproxy; fi
docker image ls --filter "label=$fixture_label" --format '{{.Repository}}:{{.Tag}}  {{.Size}}'
echo "Stand-in images ready in $(since "$started") s"
