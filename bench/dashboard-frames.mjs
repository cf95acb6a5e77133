// How smoothly the dashboard draws under a stream of events: the page (built from ui/) in
// headless Chromium against the dev fake platform (ui/tests/mockplatform.mjs) pushing N
// synthetic signal events a second, for each rate: frame intervals, long tasks and the events
// the page applied. Prints a plain-text table with the machine, the date and Chromium's
// version. No thresholds: numbers to compare, not a test (the behaviour is tested by
// ui/tests/load.test.mjs).
//
//   node bench/dashboard-frames.mjs [--rate 1000] [--seconds 5] [--json]
//     --rate N      events a second; repeat it or give a comma list (default 100,1000,3000)
//     --seconds S   how long each rate is measured (default 5)
//     --json        print {header, rows} as one JSON line instead of the table (bench/run
//                   folds the rows into its own table)
//
// Needs `npm ci` in ui/ (playwright-core, Chart.js) and Chromium (/usr/bin/chromium, or
// CHROMIUM=path). Exits 0 when it ran, 1 when it cannot run at all, 2 on bad arguments.
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

const DEFAULT_RATES = [100, 1000, 3000];
const DEFAULT_SECONDS = 5;

function usage(message) {
  console.error(`dashboard-frames: ${message}\nusage: node bench/dashboard-frames.mjs [--rate N[,N…]]… [--seconds S] [--json]`);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({ options: { rate: { type: 'string', multiple: true }, seconds: { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (error) {
    usage(error.message);
  }
  const rates = values.rate ? values.rate.flatMap((v) => v.split(',')).map(Number) : DEFAULT_RATES;
  const seconds = values.seconds === undefined ? DEFAULT_SECONDS : Number(values.seconds);
  if (!rates.every((r) => Number.isInteger(r) && r > 0)) usage(`--rate wants positive whole numbers, got ${values.rate.join(' ')}`);
  if (!(Number.isFinite(seconds) && seconds > 0)) usage(`--seconds wants a positive number, got ${values.seconds}`);
  return { rates, seconds, json: values.json === true };
}

function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch { /* not Linux: keep os.cpus()'s name */ }
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${os.hostname()} · ${cpu} · ${cores} cores · ${gib} GiB RAM · ${os.type()} ${os.release()} ${os.arch()}`;
}

/** 1, 5 and 15 minute load averages: other work on the machine skews the numbers. */
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

const COLUMNS = [
  ['events/s', (r) => r.rate],
  ['seconds', (r) => r.seconds],
  ['frames', (r) => r.frames],
  ['fps', (r) => r.fps.toFixed(1)],
  ['p50 ms', (r) => r.p50Ms.toFixed(1)],
  ['p95 ms', (r) => r.p95Ms.toFixed(1)],
  ['max ms', (r) => r.maxMs.toFixed(1)],
  ['long tasks', (r) => r.longTasks],
  ['events applied', (r) => r.applied],
];

function table(rows) {
  const cells = rows.map((r) => (r.error ? [String(r.rate), String(r.seconds), `failed: ${r.error}`] : COLUMNS.map(([, f]) => String(f(r)))));
  const widths = COLUMNS.map(([name], i) => Math.max(name.length, ...cells.filter((c) => c.length === COLUMNS.length).map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i < c.length - 1 || c.length === COLUMNS.length ? v.padStart(widths[i]) : v)).join('  ');
  return [line(COLUMNS.map(([name]) => name)), ...cells.map(line)].join('\n');
}

async function main() {
  const { rates, seconds, json } = options();
  let harness;
  let frames;
  try {
    harness = await import('../ui/tests/harness.mjs');
    frames = await import('../ui/tests/frames.mjs');
  } catch (error) {
    console.error(`dashboard-frames: cannot load the UI test helpers (${error.message}); run npm ci in ui/ first`);
    process.exit(1);
  }
  let built;
  let browser;
  try {
    built = frames.buildPage();
    browser = await harness.launchBrowser();
  } catch (error) {
    built?.remove();
    console.error(`dashboard-frames: cannot start: ${error.message.split('\n')[0]}`);
    console.error('  needs Chromium at /usr/bin/chromium (or CHROMIUM=path) and npm ci in ui/');
    process.exit(1);
  }
  const rows = [];
  const loadAtStart = loadAverage();
  try {
    for (const rate of rates) {
      process.stderr.write(`dashboard-frames: ${rate} events/s for ${seconds} s…\n`);
      try {
        rows.push(await frames.runLoad({ browser, root: built.root, rate, seconds }));
      } catch (error) {
        rows.push({ rate, seconds, error: error.message.split('\n')[0] });
      }
    }
    const header = [
      'Faultline dashboard frames (bench/dashboard-frames.mjs)',
      `machine   ${machine()}`,
      `date      ${new Date().toISOString()} (load average at the start ${loadAtStart}, at the end ${loadAverage()})`,
      `chromium  ${browser.version()} (headless, ${process.env.CHROMIUM ?? '/usr/bin/chromium'}), node ${process.version}`,
      'load      dev fake platform (ui/tests/mockplatform.mjs): N signal events/s in 10 ms batches over 4 sidecars, plus its usual script; page 1280x720',
      'columns   frame ms = requestAnimationFrame intervals; long tasks = main-thread tasks >= 50 ms; events applied = WebSocket events the page handled in the window',
    ];
    console.log(json ? JSON.stringify({ header, rows }) : `${header.join('\n')}\n\n${table(rows)}`);
  } finally {
    await browser.close();
    built.remove();
  }
}

await main();
