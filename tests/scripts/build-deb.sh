#!/usr/bin/env bash
# Builds the desktop app's .deb with the Tauri CLI from npm (src-tauri/node_modules):
#   build-deb.sh           release build  → target/release/bundle/deb/Faultline_<v>_amd64.deb
#   build-deb.sh --debug   debug build    → target/debug/bundle/deb/... (what CI installs; it
#                                          reuses the test build instead of a second compile)
# AppImage, macOS and Windows bundles cannot be built on these machines; docs/bundles.md
# says how to build them on a presenter's own laptop.
set -euo pipefail
cd "$(dirname "$0")/../.."

profile=release
args=()
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  args+=(--debug)
fi
(cd src-tauri && ./node_modules/.bin/tauri build "${args[@]}" --bundles deb)
deb=$(ls -t target/$profile/bundle/deb/*.deb | head -n 1)
echo "built $deb ($(du -h "$deb" | cut -f1))"
