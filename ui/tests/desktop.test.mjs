// The real desktop app (the Tauri binary) under Xvfb, driven by tauri-driver and Debian's
// WebKitWebDriver: it opens, the launch panel shows, starting rehearsal shows sidecar cards.
// The installed app (FAULTLINE_APP) also starts the local environment from what its package
// carries: Kafka's jars fetched by the app (from a Maven mirror fixture on 127.0.0.1, into a
// scratch cache), the bundled Toxiproxy and workloads, sidecars through tauri-plugin-shell.
// Needs a display (make test runs the UI tests under xvfb-run) and tauri-driver
// (tests/scripts/install-deps.sh installs it). FAULTLINE_APP points it at another build of
// the app, such as the one the .deb installed (tests/scripts/test-deb.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { artifacts, binary, eventually, freePort, start } from './harness.mjs';
import { startMavenMirror } from './maven-mirror.mjs';
import { WebDriver } from './webdriver.mjs';

const INSTALLED = Boolean(process.env.FAULTLINE_APP);
const SHOT_PREFIX = INSTALLED ? 'installed' : 'desktop';
let driver;
let webdriver;
let mirror;
let cache;

function tauriDriver() {
  const candidates = [process.env.TAURI_DRIVER, path.join(process.env.HOME ?? '', '.cargo/bin/tauri-driver')];
  const found = candidates.find((file) => file && fs.existsSync(file));
  if (!found) throw new Error('tauri-driver is missing: run tests/scripts/install-deps.sh (cargo install tauri-driver --version ^2 --locked)');
  return found;
}

before(async () => {
  if (!process.env.DISPLAY) throw new Error('no DISPLAY: run the desktop test under xvfb-run (make test does)');
  if (INSTALLED) {
    // The app, started by WebKitWebDriver under tauri-driver, inherits this environment.
    mirror = await startMavenMirror();
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-installed-'));
    process.env.FAULTLINE_MAVEN_REPOSITORY = mirror.url;
    process.env.FAULTLINE_CACHE = cache;
  }
  const port = await freePort();
  driver = start(tauriDriver(), ['--port', String(port), '--native-port', String(await freePort())]);
  webdriver = new WebDriver(`http://127.0.0.1:${port}`);
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok, { what: `tauri-driver on port ${port} (${driver.output()})` });
  await webdriver.open(process.env.FAULTLINE_APP ?? binary('faultline'));
});

after(async () => {
  await webdriver?.close();
  await driver?.stop();
  await mirror?.close();
  if (cache) {
    // A failed run may have left the local stack up: stop exactly what its record names.
    for (const pid of stackPids()) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

/** The pids the local stack file of the scratch cache records. */
function stackPids() {
  try {
    const stack = JSON.parse(fs.readFileSync(path.join(cache, 'run', 'local', 'stack.json'), 'utf8'));
    return stack.processes.map((p) => p.pid);
  } catch {
    return [];
  }
}

/** Every live process's command line, as argument lists. */
function commandLines() {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
    try {
      return [fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)];
    } catch {
      return [];
    }
  });
}

/** Live processes whose command line starts with `program`, as argument lists. */
function processesOf(program) {
  return commandLines().filter((args) => args[0] === program);
}

/** The text of every element matching `selector`. */
async function texts(selector) {
  return Promise.all((await webdriver.findAll(selector)).map((element) => webdriver.text(element)));
}

test('the desktop app opens on the launch panel and starts rehearsal into live sidecar cards', async () => {
  const [panel] = await eventually(() => webdriver.findAll('#launch[data-mode="full"]').then((found) => found.length && found), {
    timeoutMs: 30000,
    what: 'the launch panel in the app window',
  });
  assert.ok(panel);
  // The app's own page offers what only the app can do (the page a replay window shows does not).
  assert.equal((await webdriver.findAll('#open-recording:not([hidden])')).length, 1, 'Open a recording… in the app');
  // Detection may prefer docker on a machine whose engine runs (CI's does): this test is
  // about rehearsal, so it chooses it.
  await webdriver.clickWhenReady('#launch-choice-rehearsal', 'rehearsal offered among the choices');
  await eventually(() => webdriver.findAll('#launch-start:not([disabled])').then((found) => found.length > 0), {
    what: 'an enabled Start button',
  });
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `${SHOT_PREFIX}-launch.png`), await webdriver.screenshot());
  await webdriver.clickWhenReady('#launch-start:not([disabled])', 'the Start button of rehearsal');
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

test('the installed app starts the local environment from what its package carries', { skip: !INSTALLED && 'only the installed app (FAULTLINE_APP) carries the sidecar, Toxiproxy and the workloads' }, async () => {
  await webdriver.clickWhenReady('#launch-stop:not([hidden])', 'the Stop button of rehearsal');
  await eventually(() => webdriver.findAll('#launch[data-state="stopped"]').then((found) => found.length > 0), {
    timeoutMs: 60000,
    what: 'rehearsal stopped',
  });
  await webdriver.clickWhenReady('#launch-choice-local:not([disabled])', 'local offered among the choices');
  const kafka = await eventually(async () => (await texts('#launch-checks li')).find((text) => text.includes('Kafka')), {
    what: 'the Kafka pre-flight check',
  });
  assert.match(kafka, /will be fetched from the Maven mirror at http:\/\/127\.0\.0\.1:\d+ \(FAULTLINE_MAVEN_REPOSITORY\)/);
  await webdriver.clickWhenReady('#launch-start:not([disabled])', 'an enabled Start button for local');
  await eventually(async () => {
    const cards = await webdriver.findAll('.sidecar-card');
    const found = await Promise.all(cards.map((card) => webdriver.attribute(card, 'data-sidecar-id')));
    return found.includes('producer-1') && found.includes('consumer-1');
  }, { timeoutMs: 240000, what: "local's producer-1 and consumer-1 sidecar cards" });
  await eventually(() => webdriver.findAll('#launch[data-state="running"]').then((found) => found.length > 0), {
    timeoutMs: 60000,
    what: 'the launch bar saying running',
  });
  // Running, the panel is a bar: its details hold the steps.
  await webdriver.clickWhenReady('#launch-toggle:not([hidden])', 'the Details button');
  const steps = await texts('#launch-steps li');
  assert.ok(steps.some((step) => /Fetch Apache Kafka .* jars from the Maven mirror at /.test(step) && /46 jars, [\d.]+ MB fetched/.test(step)), steps.join('\n'));
  assert.ok(mirror.served.some((file) => file.endsWith('/kafka_2.13-4.1.1.jar')), 'the app fetched Kafka over HTTP');
  // The sidecars are the package's binary, started through tauri-plugin-shell's sidecar API;
  // Toxiproxy is the package's too.
  const sidecars = processesOf('/usr/bin/faultline-sidecar');
  for (const id of ['producer-1', 'consumer-1']) {
    assert.ok(sidecars.some((args) => args.includes(id)), `a /usr/bin/faultline-sidecar for ${id}: ${JSON.stringify(sidecars)}`);
  }
  assert.equal(processesOf('/usr/bin/faultline-toxiproxy').length, 1, 'the bundled Toxiproxy runs');
  // The workloads run from the package's jar, the brokers from the jars the app fetched.
  // (`-Dfaultline.node=` marks the stack's JVMs, under the scratch cache.)
  const ours = commandLines().filter((args) => args.some((arg) => arg.startsWith(`-Dfaultline.node=${cache}`)));
  const workloads = ours.filter((args) => args.includes('-jar'));
  assert.equal(workloads.length, 2, JSON.stringify(ours));
  assert.ok(workloads.every((args) => args.includes('/usr/lib/Faultline/faultline-workloads.jar')), JSON.stringify(workloads));
  const brokers = ours.filter((args) => args.includes('kafka.Kafka'));
  assert.equal(brokers.length, 3, JSON.stringify(ours));
  assert.ok(brokers.every((args) => args.some((arg) => arg.includes(path.join(cache, 'kafka-4.1.1', 'libs')))), 'brokers run from the fetched jars');
  // The shell plugin's scope: the bundled sidecar's --version, nothing else.
  const [named] = await texts('#launch-sidecar');
  assert.match(named ?? '', /^Bundled sidecar: faultline-sidecar \d+\.\d+\.\d+/);
  const asked = (program, args, options) => webdriver.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI__.core.invoke('plugin:shell|execute', { program: arguments[0], args: arguments[1], options: arguments[2] })
       .then((out) => done('ran: ' + out.stdout.trim()), (error) => done('refused: ' + error));`, [program, args, options]);
  const version = named.replace('Bundled sidecar: ', '');
  assert.match(await asked('sh', ['-c', 'true'], {}), /^refused/);
  assert.match(await asked('/usr/bin/faultline-sidecar', ['--version'], {}), /^refused/);
  assert.equal(await asked('binaries/faultline-sidecar', ['--version'], { sidecar: true }), `ran: ${version}`);
  // The scope's arguments are fixed: whatever the page passes, only --version runs.
  assert.equal(await asked('binaries/faultline-sidecar', ['--bootstrap', '127.0.0.1:1'], { sidecar: true }), `ran: ${version}`);
  fs.writeFileSync(path.join(artifacts, 'installed-local.png'), await webdriver.screenshot());
  await webdriver.clickWhenReady('#launch-stop:not([hidden])', 'the Stop button of local');
  await eventually(() => webdriver.findAll('#launch[data-state="stopped"]').then((found) => found.length > 0), {
    timeoutMs: 90000,
    what: 'local stopped',
  });
  // (Pre-flight runs `faultline-sidecar --version` now and then: only watching ones count.)
  assert.deepEqual(processesOf('/usr/bin/faultline-sidecar').filter((args) => args.includes('--id')), [], 'no sidecar left after stop');
});
