# The two commands the README starts with. Each installs what it needs first.

.PHONY: run test server deb

## Run Faultline (desktop app with a display, headless server without), rehearsal mode.
run:
	bash tests/scripts/install-deps.sh
	bash tests/scripts/run-app.sh

## Run every test, as CI does.
test:
	bash tests/scripts/install-deps.sh
	bash tests/scripts/test-all.sh

## The headless server alone, on http://127.0.0.1:8080/.
server:
	bash tests/scripts/install-deps.sh
	cargo run --release -p faultline-platform --bin faultline-server -- --env rehearsal

## The desktop app's .deb (release build): target/release/bundle/deb/Faultline_<version>_amd64.deb
deb:
	bash tests/scripts/install-deps.sh
	bash tests/scripts/build-deb.sh
