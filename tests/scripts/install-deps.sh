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
)
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
