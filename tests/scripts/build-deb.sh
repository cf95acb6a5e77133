#!/usr/bin/env bash
# Builds the desktop app's .deb with the Tauri CLI from npm (src-tauri/node_modules):
#   build-deb.sh           release build  → target/release/bundle/deb/Faultline_<v>_amd64.deb
#   build-deb.sh --debug   debug build    → target/debug/bundle/deb/... (what CI installs; it
#                                          reuses the test build instead of a second compile)
# The package carries what the docker and local environments need, so an installed app needs
# no checkout: the faultline-sidecar and faultline-toxiproxy binaries (/usr/bin, beside
# faultline), j4rs's jassets/, the demo workloads jar and the compose/ build contexts
# (/usr/lib/Faultline/). Apache Kafka's jars are not carried: the app fetches them from Maven
# Central on the first local start. They are staged in
# src-tauri/binaries/ and src-tauri/resources/ (gitignored) and named in
# src-tauri/tauri.bundle.conf.json, which only this build merges in: plain cargo builds of the
# app do not need them.
# AppImage, macOS and Windows bundles cannot be built on these machines; docs/bundles.md
# says how to build them on a presenter's own laptop.
set -euo pipefail
cd "$(dirname "$0")/../.."

profile=release
args=()
cargo_args=(--release)
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  args+=(--debug)
  cargo_args=()
fi

# The sidecar of the same profile; its build also leaves j4rs's jar in target/<profile>/jassets.
# The debug package is what `make test` installs: built with the workspace's feature set, as
# the test stage built it, the sidecar is not compiled a second time.
if [ "$profile" = debug ]; then
  cargo build --workspace --all-targets
else
  cargo build "${cargo_args[@]}" -p faultline-sidecar
fi
jassets="target/$profile/jassets"
if ! ls "$jassets"/j4rs-*-jar-with-dependencies.jar >/dev/null 2>&1; then
  echo "no j4rs jar in $jassets after building faultline-sidecar" >&2
  exit 1
fi

# The demo workloads jar (rebuilt when its sources are newer) and the Toxiproxy server the
# local environment runs (built from its Go module into the cache); idempotent.
bash tests/scripts/fetch-local-stack.sh
jar=workloads/target/faultline-workloads.jar
toxiproxy="${FAULTLINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/faultline}/bin/toxiproxy-server"

# Tauri wants an externalBin named with the target triple; it installs it without the suffix.
triple=$(rustc -vV | sed -n 's/^host: //p')
rm -rf src-tauri/binaries src-tauri/resources
mkdir -p src-tauri/binaries src-tauri/resources
cp "target/$profile/faultline-sidecar" "src-tauri/binaries/faultline-sidecar-$triple"
cp "$toxiproxy" "src-tauri/binaries/faultline-toxiproxy-$triple"
cp -r "$jassets" src-tauri/resources/jassets
cp "$jar" src-tauri/resources/faultline-workloads.jar

(cd src-tauri && ./node_modules/.bin/tauri build "${args[@]}" --bundles deb --config tauri.bundle.conf.json)
# tauri-build also copies the resources beside the binary in target/<profile>/ (for `cargo
# run`); stale copies there would shadow compose/ and the workloads jar of this checkout for
# binaries run from target/<profile>/, which look beside themselves first.
rm -rf "target/$profile/compose" "target/$profile/faultline-workloads.jar"
deb=$(ls -t target/$profile/bundle/deb/*.deb | head -n 1)
echo "built $deb ($(du -h "$deb" | cut -f1))"
