#!/usr/bin/env bash
# The .deb as a presenter gets it: bundled, installed with `apt install ./…deb`, and the
# installed /usr/bin/faultline driven under Xvfb through tauri-driver (launch panel, start
# rehearsal, sidecar cards). The package is removed again afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash tests/scripts/build-deb.sh --debug
deb=$(ls -t target/debug/bundle/deb/*.deb | head -n 1)
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
remove() { "${sudo_cmd[@]}" apt-get remove -y -q faultline >/dev/null || true; }
trap remove EXIT

DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt install -y -q -o DPkg::Lock::Timeout=300 "./$deb"
installed=$(command -v faultline)
echo "installed $installed from $deb"
(cd ui && FAULTLINE_APP="$installed" xvfb-run -a dbus-run-session -- node --test tests/desktop.test.mjs)
