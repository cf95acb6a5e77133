// The real desktop app (the Tauri binary) under Xvfb, driven by tauri-driver and Debian's
// WebKitWebDriver: it opens, the launch panel shows, starting rehearsal shows sidecar cards.
// Needs a display (make test runs the UI tests under xvfb-run) and tauri-driver
// (tests/scripts/install-deps.sh installs it). FAULTLINE_APP points it at another build of
// the app, such as the one the .deb installed (tests/scripts/test-deb.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, binary, eventually, freePort, start } from './harness.mjs';
import { WebDriver } from './webdriver.mjs';

const SHOT_PREFIX = process.env.FAULTLINE_APP ? 'installed' : 'desktop';
let driver;
let webdriver;

function tauriDriver() {
  const candidates = [process.env.TAURI_DRIVER, path.join(process.env.HOME ?? '', '.cargo/bin/tauri-driver')];
  const found = candidates.find((file) => file && fs.existsSync(file));
  if (!found) throw new Error('tauri-driver is missing: run tests/scripts/install-deps.sh (cargo install tauri-driver --version ^2 --locked)');
  return found;
}

before(async () => {
  if (!process.env.DISPLAY) throw new Error('no DISPLAY: run the desktop test under xvfb-run (make test does)');
  const port = await freePort();
  driver = start(tauriDriver(), ['--port', String(port), '--native-port', String(await freePort())]);
  webdriver = new WebDriver(`http://127.0.0.1:${port}`);
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok, { what: `tauri-driver on port ${port} (${driver.output()})` });
  await webdriver.open(process.env.FAULTLINE_APP ?? binary('faultline'));
});

after(async () => {
  await webdriver?.close();
  await driver?.stop();
});

test('the desktop app opens on the launch panel and starts rehearsal into live sidecar cards', async () => {
  const [panel] = await eventually(() => webdriver.findAll('#launch[data-mode="full"]').then((found) => found.length && found), {
    timeoutMs: 30000,
    what: 'the launch panel in the app window',
  });
  assert.ok(panel);
  const [rehearsal] = await webdriver.findAll('#launch-choice-rehearsal');
  assert.ok(rehearsal, 'rehearsal is offered');
  // Detection may prefer docker on a machine whose engine runs (CI's does): this test is
  // about rehearsal, so it chooses it.
  await webdriver.click(rehearsal);
  const [start] = await eventually(() => webdriver.findAll('#launch-start:not([disabled])').then((found) => found.length && found), {
    what: 'an enabled Start button',
  });
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `${SHOT_PREFIX}-launch.png`), await webdriver.screenshot());
  await webdriver.click(start);
  await eventually(() => webdriver.findAll('#launch-steps li').then((found) => found.length > 0), { what: 'start-up steps' });
  // Cards appear one by one as sidecars register: wait for the one this test names.
  await eventually(async () => {
    const cards = await webdriver.findAll('.sidecar-card');
    const found = await Promise.all(cards.map((card) => webdriver.attribute(card, 'data-sidecar-id')));
    return found.includes('producer-1') && found;
  }, {
    timeoutMs: 90000,
    what: 'the producer-1 sidecar card in the app window',
  });
  await eventually(() => webdriver.findAll('#launch[data-state="running"]').then((found) => found.length > 0), {
    timeoutMs: 60000,
    what: 'the launch bar saying running',
  });
  await new Promise((resolve) => setTimeout(resolve, 2000)); // let the charts draw a little
  fs.writeFileSync(path.join(artifacts, `${SHOT_PREFIX}-dashboard.png`), await webdriver.screenshot());
});
