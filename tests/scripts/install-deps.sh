#!/usr/bin/env bash
# Installs what Faultline needs to build, run and test on a fresh Debian 12 machine.
# Idempotent: installs only what is missing. Used by `make run`, `make test` and CI.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(
  build-essential pkg-config cmake        # librdkafka is built from source by rdkafka-sys
  libssl-dev libcurl4-openssl-dev         # ... and needs these headers
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev   # the Tauri desktop shell
  xvfb xauth                              # the desktop window under test, without a screen
  webkit2gtk-driver dbus                  # WebKitWebDriver for tauri-driver; a session bus
  chromium                                # the dashboard's browser tests
  stress-ng                               # CPU saturation faults on the local stack
  debootstrap                             # the docker tests' stand-in base images (docker-standins.sh)
  docker-registry                         # a registry on 127.0.0.1 to test pulls with progress
)
# The Docker engine (dockerd) for the docker environment's tests; a docker CLI alone, as this
# project's machines have, is not enough. A machine with Docker's own docker-ce keeps it:
# Debian's docker.io would conflict.
command -v dockerd >/dev/null || packages+=(docker.io)
# Java, Maven and Go come with this project's machines; Debian's are the fallback.
command -v javac >/dev/null || packages+=(openjdk-17-jdk-headless)   # brokers, workloads, JMX tests
command -v mvn >/dev/null || packages+=(maven)                       # Kafka's jars, the workloads
command -v go >/dev/null || packages+=(golang-go)                    # Toxiproxy
# Node.js may come from elsewhere than Debian (it does on this project's machines); only
# when it is missing altogether is Debian's taken.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing[@]}"
fi

# Compose v2 (`docker compose`) runs compose/docker-compose.yml by hand and in tests. Bookworm
# has only Compose 1.29, so trixie's docker-compose and docker-buildx debs (they depend on libc
# only) are unpacked into Docker's system-wide plugin folder, unless a Compose v2 is there.
if ! docker compose version >/dev/null 2>&1; then
  echo "Installing Docker Compose v2 and buildx (Debian trixie's packages, as CLI plugins)"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  apt_tmp="$(mktemp -d)"
  mkdir -p "$apt_tmp/sources.d" "$apt_tmp/lists/partial" "$apt_tmp/cache/archives/partial" "$apt_tmp/debs"
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: trixie' 'Components: main' \
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > "$apt_tmp/sources.d/trixie.sources"
  # A private apt state: the machine's own sources and package lists stay untouched.
  apt_opts=(-q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_tmp/sources.d"
    -o "Dir::State::Lists=$apt_tmp/lists" -o "Dir::Cache=$apt_tmp/cache" -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update >/dev/null
  (cd "$apt_tmp/debs" && apt-get "${apt_opts[@]}" download docker-compose docker-buildx >/dev/null)
  for deb in "$apt_tmp"/debs/*.deb; do dpkg -x "$deb" "$apt_tmp/root"; done
  "${sudo_cmd[@]}" install -D -m 0755 -t /usr/local/lib/docker/cli-plugins \
    "$apt_tmp/root/usr/libexec/docker/cli-plugins/docker-compose" \
    "$apt_tmp/root/usr/libexec/docker/cli-plugins/docker-buildx"
  rm -rf "$apt_tmp"
  docker compose version
fi

if [ ! -d ui/node_modules/playwright-core ] || [ ! -d ui/node_modules/chart.js ]; then
  echo "Installing the dashboard's npm packages (Chart.js; playwright-core, which drives Debian's Chromium)"
  (cd ui && npm ci --no-audit --no-fund)
fi

if [ ! -x src-tauri/node_modules/.bin/tauri ]; then
  echo "Installing the Tauri CLI from npm (it builds the .deb)"
  (cd src-tauri && npm ci --no-audit --no-fund)
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "Installing tauri-driver (drives the desktop window in tests; about a minute)"
  cargo install tauri-driver --version ^2 --locked
fi
