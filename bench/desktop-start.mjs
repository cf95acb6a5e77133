// How fast the desktop app (the Tauri binary) starts and how much memory it holds once idle.
// Each run starts tauri-driver, which starts WebKitWebDriver, which launches the app; the app
// process's start time (/proc/PID/stat) is the launch. In the window it waits for the launch
// panel in its full mode (#launch[data-mode="full"]) and two animation frames after it: the
// panel is painted. After 5 s idle it reads the app's VmRSS and the Pss of its process tree
// (the app and its WebKit processes). Then it closes the session (the app quits) and stops
// tauri-driver. With --scenario, the first run then starts rehearsal from the launch panel,
// runs that scenario from its button and samples the same memory every 500 ms until the
// scenario ends. No thresholds: numbers to compare, not a test.
//
//   xvfb-run -a dbus-run-session -- node bench/desktop-start.mjs [--app PATH] [--runs N] [--scenario ID]
//     --app PATH     the app binary (default target/release/faultline if it exists, else
//                    target/debug/faultline, in the repository)
//     --runs N       how many launches (default 1)
//     --scenario ID  a scenario to run on rehearsal in the first launch (such as buffer-overflow)
//
// Prints one JSON line on stdout (everything else goes to stderr), with times in ms and
// memory in MiB (bench/run folds it into its own table):
//   {"runs":[{"launchToTimeOriginMs","timeOriginToPaintedMs","launchToPaintedMs","rssMiB",
//             "pssTreeMiB"}, …], "app": PATH}
// and in the first run, with --scenario, "scenarioRssMiB" and "scenarioPssTreeMiB": every
// sample taken while the scenario ran.
// Each run has a scratch FAULTLINE_CACHE and XDG_CONFIG_HOME, removed after it, so the app's
// fault ledger and settings are not the presenter's. The app is single-instance: the bench
// refuses to run while a faultline app it did not start is running. The app starts no
// environment by itself (only `faultline --start` does), so it idles on the launch panel.
// Under a fresh dbus-run-session the bench starts the accessibility bus itself before the
// first run (see startA11yBus), so the runs are alike and stdout carries only the JSON.
// The launch is the process's start time (clock ticks since boot) plus the boot time from
// /proc/uptime: /proc/stat's btime is truncated to whole seconds.
//
// Needs a display (xvfb-run), tauri-driver (tests/scripts/install-deps.sh; TAURI_DRIVER=path
// overrides), WebKitWebDriver (webkit2gtk-driver) and `npm ci` in ui/ (the UI test helpers).
// Exits 0 when it ran, 1 when it cannot run or a run failed, 2 on bad arguments.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PANEL = '#launch[data-mode="full"]';
const IDLE_MS = 5000;
const PAINT_TIMEOUT_MS = 60000;
/** Longer than any scenario in scenarios/ runs, recovery included. */
const SCENARIO_TIMEOUT_MS = 240000;
const SAMPLE_EVERY_MS = 500;
const MIB = 1024 * 1024;

const log = (message) => process.stderr.write(`desktop-start: ${message}\n`);

function usage(message) {
  console.error(`desktop-start: ${message}\nusage: node bench/desktop-start.mjs [--app PATH] [--runs N] [--scenario ID]`);
  process.exit(2);
}

function cannotRun(message) {
  console.error(`desktop-start: cannot run: ${message}`);
  process.exit(1);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({ options: { app: { type: 'string' }, runs: { type: 'string' }, scenario: { type: 'string' } } }));
  } catch (error) {
    usage(error.message);
  }
  const runs = values.runs === undefined ? 1 : Number(values.runs);
  if (!(Number.isInteger(runs) && runs > 0)) usage(`--runs wants a positive whole number, got ${values.runs}`);
  if (values.app === '') usage('--app wants a path');
  // The id goes into a CSS selector: scenario ids are lower-case words and dashes.
  if (values.scenario !== undefined && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(values.scenario)) usage(`--scenario wants a scenario id such as buffer-overflow, got ${values.scenario}`);
  return { app: values.app === undefined ? null : path.resolve(values.app), runs, scenario: values.scenario ?? null };
}

// ---- /proc ---------------------------------------------------------------------------------

function pids() {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/** /proc/PID/stat's fields from the third (state) on, or null when the process is gone. */
function statFields(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  } catch {
    return null;
  }
}

/** State, parent and start time (clock ticks since boot: field 22) of a process, or null. */
function procInfo(pid) {
  const fields = statFields(pid);
  if (!fields) return null;
  return { state: fields[0], ppid: Number(fields[1]), startTicks: Number(fields[19]) };
}

function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

function comm(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function exe(pid) {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}

/** Whether `proc` (a pid with the start time seen before) still runs: not gone, not a zombie, not a reused pid. */
function alive({ pid, startTicks }) {
  const info = procInfo(pid);
  return Boolean(info && info.state !== 'Z' && info.startTicks === startTicks);
}

/** Live faultline app processes: the binary `app`, or any process named faultline. */
function appProcesses(app, appReal) {
  return pids().filter((pid) => {
    const info = procInfo(pid);
    if (!info || info.state === 'Z') return false;
    const args = commandLine(pid);
    return args[0] === app || comm(pid) === 'faultline' || (appReal && exe(pid) === appReal);
  });
}

/** `root` and all its descendants (by each process's parent in /proc/PID/stat). */
function processTree(root) {
  const children = new Map();
  for (const pid of pids()) {
    const info = procInfo(pid);
    if (!info) continue;
    if (!children.has(info.ppid)) children.set(info.ppid, []);
    children.get(info.ppid).push(pid);
  }
  const tree = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift();
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A `Key:   N kB` line of a /proc file, in bytes (null when the file or line is missing). */
function kbLine(file, key) {
  try {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(file, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Each process's PSS in bytes (0 when it is gone), with its name. */
function treePss(tree) {
  return tree.map((p) => ({ pid: p, name: comm(p), pss: kbLine(`/proc/${p}/smaps_rollup`, 'Pss') ?? 0 }));
}

function clockTicks() {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(ticks) && ticks > 0) return ticks;
  } catch { /* no getconf: Linux's USER_HZ */ }
  return 100;
}

/**
 * The boot time in epoch ms: now minus /proc/uptime. (/proc/stat's btime is whole seconds,
 * truncated: up to a second early, as large as what is measured here.) Both uptime and a
 * process's start time count CLOCK_BOOTTIME, so their difference is exact to a tick.
 */
function bootEpochMs() {
  let best = -Infinity;
  for (let i = 0; i < 5; i += 1) {
    const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    best = Math.max(best, Date.now() - uptime * 1000); // uptime is truncated to 10 ms: the latest estimate is the closest
  }
  return best;
}

function btimeEpochMs() {
  return Number(/^btime (\d+)/m.exec(fs.readFileSync('/proc/stat', 'utf8'))[1]) * 1000;
}

// ---- the accessibility bus ----------------------------------------------------------------

/** Whether `name` has an owner on the session bus (null when that cannot be asked). */
function hasOwner(name) {
  try {
    const reply = execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner', `string:${name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /boolean true/.test(reply);
  } catch {
    return null;
  }
}

/**
 * A fresh session bus (dbus-run-session) has no accessibility bus: the first app would
 * activate one, and at-spi2-registryd would print a line on the stdout that dbus-run-session
 * hands down, which is this bench's JSON channel. Started here, before the first run, the bus
 * writes to stderr instead, and every run finds it up, as on a desktop. Null when the session
 * already has one or it cannot be started (then the runs go on without it).
 */
async function startA11yBus(harness) {
  const launcher = '/usr/libexec/at-spi-bus-launcher';
  if (!process.env.DBUS_SESSION_BUS_ADDRESS || !fs.existsSync(launcher) || hasOwner('org.a11y.Bus') !== false) return null;
  const bus = harness.start(launcher, ['--launch-immediately']);
  bus.child.stdout.on('data', (chunk) => process.stderr.write(chunk));
  bus.child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  try {
    await harness.eventually(() => hasOwner('org.a11y.Bus'), { timeoutMs: 10000, what: 'the accessibility bus' });
    return bus;
  } catch (error) {
    log(`${error.message}: going on without it`);
    await bus.stop();
    return null;
  }
}

// ---- the run -------------------------------------------------------------------------------

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The in-page script: the panel in full mode, two frames, then the clock (epoch ms). */
const PAINTED_SCRIPT = `
const selector = arguments[0];
const done = arguments[arguments.length - 1];
const alreadyFull = document.querySelector(selector) !== null;
const painted = () => requestAnimationFrame(() => requestAnimationFrame(() => done({
  timeOrigin: performance.timeOrigin,
  paintedAt: performance.timeOrigin + performance.now(),
  alreadyFull,
})));
if (alreadyFull) {
  painted();
} else {
  const observer = new MutationObserver(() => {
    if (document.querySelector(selector) === null) return;
    observer.disconnect();
    painted();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-mode'] });
}`;

/** What a run started and must stop: tauri-driver, the session, the app's processes, scratch folders. */
const current = { driver: null, webdriver: null, tree: [], scratch: null, a11y: null };

/** Makes `tree` (pids) what cleanUp waits for and kills if it is left running. */
function track(tree) {
  current.tree = tree.map((p) => ({ pid: p, startTicks: procInfo(p)?.startTicks, name: comm(p) })).filter((p) => p.startTicks !== undefined);
}

async function cleanUp() {
  const { driver, webdriver, scratch } = current;
  current.driver = null;
  current.webdriver = null;
  current.scratch = null;
  await webdriver?.close();
  // The session's end quits the app: give it a moment to revert and exit by itself.
  const deadline = Date.now() + 15000;
  while (current.tree.length && alive(current.tree[0]) && Date.now() < deadline) await sleep(100);
  await driver?.stop();
  const left = current.tree.filter(alive);
  for (const proc of left) {
    log(`pid ${proc.pid} (${proc.name}) of the app was left running: killing it`);
    try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
  }
  current.tree = [];
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
}

/**
 * Starts rehearsal from the launch panel, runs `scenario` from its button and samples the
 * app's RSS and its process tree's PSS (MiB) every 500 ms until the button is no longer
 * running. Throws when a step never happens or the scenario outlasts SCENARIO_TIMEOUT_MS.
 */
async function duringScenario(webdriver, pid, scenario, harness) {
  const isThere = (selector) => () => webdriver.findAll(selector).then((found) => found.length > 0);
  await webdriver.clickWhenReady('#launch-choice-rehearsal', 'rehearsal among the launch choices');
  await webdriver.clickWhenReady('#launch-start:not([disabled])', 'the Start button of rehearsal');
  await harness.eventually(isThere('#launch[data-state="running"]'), { timeoutMs: 60000, what: 'rehearsal running' });
  const button = `.scenario-button[data-scenario-id="${scenario}"]`;
  await webdriver.clickWhenReady(`${button}:not([disabled])`, `the ${scenario} button`);
  const running = isThere(`${button}[data-state="running"]`);
  await harness.eventually(running, { what: `${scenario} running` });
  log(`${scenario} runs: sampling memory every ${SAMPLE_EVERY_MS} ms until it ends`);
  const rss = [];
  const pss = [];
  const deadline = Date.now() + SCENARIO_TIMEOUT_MS;
  do {
    const tree = processTree(pid);
    rss.push(round((kbLine(`/proc/${pid}/status`, 'VmRSS') ?? 0) / MIB));
    pss.push(round(treePss(tree).reduce((sum, p) => sum + p.pss, 0) / MIB));
    track(tree);
    if (Date.now() > deadline) throw new Error(`${scenario} still ran after ${SCENARIO_TIMEOUT_MS / 1000} s`);
    await sleep(SAMPLE_EVERY_MS);
  } while (await running());
  log(`${scenario} ended: ${rss.length} samples, RSS up to ${Math.max(...rss)} MiB`);
  return { scenarioRssMiB: rss, scenarioPssTreeMiB: pss };
}

async function measure(run, { app, appReal, tauriDriver, ticks, harness, WebDriver, scenario }) {
  const others = appProcesses(app, appReal);
  if (others.length) {
    const list = others.map((pid) => `pid ${pid}: ${commandLine(pid).join(' ') || comm(pid)}`).join('; ');
    throw Object.assign(new Error(`a faultline app is already running (${list}); quit it first: the app is single-instance, so a second launch would only bring that one forward`), { cannotRun: true });
  }
  current.scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-desktop-start-'));
  // The app, started by WebKitWebDriver under tauri-driver, inherits this environment.
  process.env.FAULTLINE_CACHE = path.join(current.scratch, 'cache');
  process.env.XDG_CONFIG_HOME = path.join(current.scratch, 'config');
  fs.mkdirSync(process.env.FAULTLINE_CACHE);
  fs.mkdirSync(process.env.XDG_CONFIG_HOME);

  const port = await harness.freePort();
  const driver = harness.start(tauriDriver, ['--port', String(port), '--native-port', String(await harness.freePort())]);
  current.driver = driver;
  await harness.eventually(async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok, { what: `tauri-driver on port ${port} (${driver.output()})` });
  const webdriver = new WebDriver(`http://127.0.0.1:${port}`);
  current.webdriver = webdriver;
  const opening = performance.now();
  await webdriver.open(app);
  const openMs = performance.now() - opening;

  // The app is WebKitWebDriver's child, not ours: find it among tauri-driver's descendants.
  const driverTree = new Set(processTree(driver.child.pid));
  const candidates = appProcesses(app, appReal);
  const pid = candidates.find((p) => driverTree.has(p)) ?? candidates[0];
  if (pid === undefined) throw new Error(`the session opened but no process of ${app} runs (tauri-driver output: ${driver.output()})`);
  const info = procInfo(pid);
  current.tree = [{ pid, startTicks: info.startTicks, name: comm(pid) }];
  const launchedAt = bootEpochMs() + (info.startTicks / ticks) * 1000;
  const launchedAtBtime = btimeEpochMs() + (info.startTicks / ticks) * 1000;

  await webdriver.call('POST', `/session/${webdriver.session}/timeouts`, { script: PAINT_TIMEOUT_MS });
  const page = await webdriver.executeAsync(PAINTED_SCRIPT, [PANEL]);
  if (!page || !Number.isFinite(page.timeOrigin) || !Number.isFinite(page.paintedAt)) {
    throw new Error(`the page answered ${JSON.stringify(page)} instead of its clock`);
  }
  if (page.alreadyFull) log(`run ${run}: the panel was already full when the session opened (${Math.round(openMs)} ms): the paint time is an upper bound`);

  await sleep(IDLE_MS);
  const tree = processTree(pid);
  track(tree);
  const rss = kbLine(`/proc/${pid}/status`, 'VmRSS');
  if (rss === null) throw new Error(`the app (pid ${pid}) quit before its memory was read`);
  const pss = treePss(tree);
  const pssTree = pss.reduce((sum, p) => sum + p.pss, 0);

  const result = {
    launchToTimeOriginMs: round(page.timeOrigin - launchedAt),
    timeOriginToPaintedMs: round(page.paintedAt - page.timeOrigin),
    launchToPaintedMs: round(page.paintedAt - launchedAt),
    rssMiB: round(rss / MIB),
    pssTreeMiB: round(pssTree / MIB),
  };
  log(`run ${run}: pid ${pid}, session opened in ${Math.round(openMs)} ms; launch → painted ${result.launchToPaintedMs} ms `
    + `(with /proc/stat's btime it would read ${round(page.paintedAt - launchedAtBtime)} ms); `
    + `Pss by process: ${pss.map((p) => `${p.name} ${round(p.pss / MIB)}`).join(', ')} MiB`);
  if (scenario && run === 1) Object.assign(result, await duringScenario(webdriver, pid, scenario, harness));
  await cleanUp();
  const left = appProcesses(app, appReal);
  if (left.length) throw new Error(`the app is still running after its session closed (pids ${left.join(', ')})`);
  return result;
}

async function main() {
  const opts = options();
  let harness;
  let WebDriver;
  try {
    harness = await import('../ui/tests/harness.mjs');
    ({ WebDriver } = await import('../ui/tests/webdriver.mjs'));
  } catch (error) {
    cannotRun(`the UI test helpers do not load (${error.message.split('\n')[0]}); run npm ci in ui/ first`);
  }
  let app = opts.app;
  if (app === null) {
    const release = path.join(REPO, 'target', 'release', 'faultline');
    if (fs.existsSync(release)) app = release;
    else {
      try {
        app = harness.binary('faultline'); // target/debug (or FAULTLINE_TARGET_DIR)
      } catch (error) {
        cannotRun(error.message);
      }
    }
  }
  if (!fs.existsSync(app)) cannotRun(`the app ${app} is missing: build it first (cargo build -p faultline-desktop, or make deb)`);
  try {
    fs.accessSync(app, fs.constants.X_OK);
  } catch {
    cannotRun(`the app ${app} is not executable`);
  }
  if (!process.env.DISPLAY) cannotRun('no DISPLAY: run it under xvfb-run -a dbus-run-session -- node bench/desktop-start.mjs');
  const tauriDriver = [process.env.TAURI_DRIVER, path.join(process.env.HOME ?? '', '.cargo/bin/tauri-driver')].find((file) => file && fs.existsSync(file));
  if (!tauriDriver) cannotRun('tauri-driver is missing: run tests/scripts/install-deps.sh (cargo install tauri-driver --version ^2 --locked)');
  const onPath = (name) => (process.env.PATH ?? '').split(':').some((dir) => dir && fs.existsSync(path.join(dir, name)));
  if (!onPath('WebKitWebDriver')) cannotRun('WebKitWebDriver is missing: install webkit2gtk-driver (tests/scripts/install-deps.sh)');

  const context = { app, appReal: fs.realpathSync(app), tauriDriver, ticks: clockTicks(), harness, WebDriver, scenario: opts.scenario };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      cleanUp().then(() => current.a11y?.stop()).finally(() => process.exit(130));
    });
  }
  current.a11y = await startA11yBus(harness);
  const runs = [];
  for (let run = 1; run <= opts.runs; run += 1) {
    log(`run ${run} of ${opts.runs}: ${app}`);
    try {
      runs.push(await measure(run, context));
    } catch (error) {
      await cleanUp();
      await current.a11y?.stop();
      if (error.cannotRun) cannotRun(error.message);
      console.error(`desktop-start: run ${run} failed: ${error.message}`);
      process.exit(1);
    }
  }
  await current.a11y?.stop();
  console.log(JSON.stringify({ runs, app }));
}

await main();
