// A recording replayed through the dashboard, in Debian's Chromium: the real server runs a
// short scenario (crates/platform/tests/fixtures/replay-burst.toml) inside a named recording
// started once everything was up, as a presenter records the day before; then
// `faultline-server --replay FILE` plays it. What was said before the recording started (the
// brokers' and the group's conditions, discovery) comes from its snapshot. The header says REPLAY, nothing can be
// started or restored, 4× and pause change the player, the replayed run ends with its
// stopwatch, a seek back starts the page over from that point, and a file cut short says
// where it breaks. Screenshot: artifacts/replay-1280x720.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { artifacts, binary, environment, eventually, freePort, launchBrowser, start, startPage } from './harness.mjs';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../crates/platform/tests/fixtures');

let cache;
let recording;
let browser;
const stops = [];

/** `faultline-server ARGS` on a free loopback port, stopped after the tests. */
async function serve(args) {
  const port = await freePort();
  const server = start(binary('faultline-server'), [...args, '--listen', `127.0.0.1:${port}`], { FAULTLINE_CACHE: cache });
  stops.push(() => server.stop());
  const base = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${base}/api/health`)).ok, { what: `the server to answer (${server.output()})` });
  return { server, api: `127.0.0.1:${port}`, base };
}

const json = async (base, pathname, body) => (await fetch(`${base}${pathname}`, body === undefined ? {} : {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
})).json();

before(async () => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-replay-test-'));
  // Live: a session with one run, recorded by the server as it happens.
  const live = await serve(['--env', 'rehearsal', '--scenarios', FIXTURES]);
  await environment(live.base);
  await eventually(async () => (await json(live.base, '/api/sidecars')).some((s) => s.status === 'ACTIVE'), {
    timeoutMs: 60000, what: 'a sidecar to register',
  });
  await eventually(async () => {
    const groups = await json(live.base, '/api/consumer-groups');
    const brokers = (await json(live.base, '/api/environment')).brokers ?? [];
    return groups.some((g) => g.condition === 'STABLE') && brokers.length === 3 && brokers.every((b) => b.metrics?.condition === 'STABLE');
  }, { timeoutMs: 60000, what: 'the brokers and the group judged STABLE' });
  const started = await json(live.base, '/api/recordings', { name: 'replay-page' });
  assert.equal(started.recording, true, JSON.stringify(started));
  const { runId } = await json(live.base, '/api/scenarios/replay-burst/run', null);
  assert.ok(runId, 'the run started');
  await eventually(async () => (await json(live.base, `/api/runs/${runId}`)).status === 'passed', {
    timeoutMs: 120000, what: 'the run to pass live',
  });
  const saved = await (await fetch(`${live.base}/api/recordings/current`, { method: 'DELETE', headers: { 'Content-Type': 'application/json' } })).json();
  assert.equal(saved.length, 1, JSON.stringify(saved));
  await live.server.stop();
  recording = path.join(cache, 'recordings', saved[0].file);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const stop of stops) await stop();
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
});

test('the replay bar plays, speeds up, pauses and seeks; nothing can be changed; the run ends as it did live', async () => {
  const replay = await serve(['--replay', recording, '--scenarios', FIXTURES]);
  const pageServer = await startPage(replay.api);
  stops.push(() => pageServer.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${pageServer.base}/`);
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');

  // Not to be mistaken for live.
  await page.waitForSelector('#replay:not([hidden])');
  assert.equal(await page.textContent('#replay-badge'), 'REPLAY');
  assert.equal(await page.getAttribute('html', 'data-mode'), 'replay');
  assert.match(await page.getAttribute('#replay-badge', 'title'), new RegExp(`^Not live: .*${path.basename(recording).replaceAll('.', '\\.')}`));
  assert.equal(await page.isHidden('#launch'), true, 'no launch panel: nothing runs');
  assert.equal(await page.isHidden('#restore-all'), true);
  assert.equal(await page.isHidden('#record-toggle'), true);
  await page.waitForSelector('.scenario-button');
  const enabled = await page.$$eval('.scenario-button', (buttons) => buttons.filter((b) => !b.disabled).length);
  assert.equal(enabled, 0, 'every scenario button is disabled');
  // Said before the recording started, shown from its snapshot.
  await eventually(async () => (await page.$$eval('.broker-tile .broker-condition', (badges) => badges.map((b) => b.textContent))).join() === 'STABLE,STABLE,STABLE', {
    what: 'the three brokers STABLE from the snapshot',
  });
  assert.equal(await page.textContent('.group-row .group-condition'), 'STABLE');
  assert.equal(await page.getAttribute('#health', 'data-status'), 'ok');
  assert.equal(await page.title(), 'Faultline — REPLAY');

  // 4×, from its button.
  await page.click('.replay-speed[data-speed="4"]');
  await page.waitForSelector('.replay-speed[data-speed="4"][aria-pressed="true"]');
  assert.equal((await json(replay.base, '/api/replay')).speed, 4);

  // The recorded run ends on the page as it ended live: passed, with its stopwatch.
  const button = '.scenario-button[data-scenario-id="replay-burst"]';
  await eventually(async () => /^Passed: detected after/.test(await page.textContent('#scenario-result')), {
    timeoutMs: 60000, what: 'the replayed run to end with its stopwatch',
  });
  assert.equal(await page.getAttribute(button, 'data-state'), 'passed');
  assert.equal(await page.textContent('.sidecar-card[data-sidecar-id="producer-1"] .condition'), 'STABLE');
  await eventually(async () => (await page.textContent('#replay-toggle')) === 'Play again', { what: 'the end of the replay' });
  const end = await json(replay.base, '/api/replay');
  assert.equal(end.finished, true);
  assert.match(await page.textContent('#replay-position'), /^(\d+:\d\d) \/ \1$/);
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'replay-1280x720.png') });
  // At a projector's 1280 px REPLAY is whole in the header, and the controls fit their panel.
  const fit = await page.evaluate(() => {
    const badge = document.getElementById('replay-badge');
    const panel = document.querySelector('.panel-scenarios').getBoundingClientRect();
    const parts = [...document.querySelectorAll('#replay > *')].filter((e) => e.getClientRects().length > 0);
    return {
      badgeWhole: badge.closest('header') !== null && badge.scrollWidth <= badge.clientWidth && badge.getBoundingClientRect().width > 40,
      clear: parts.every((e) => {
        const r = e.getBoundingClientRect();
        return r.left >= panel.left && r.right <= panel.right && r.width > 0;
      }),
    };
  });
  assert.deepEqual(fit, { badgeWhole: true, clear: true });

  // Back to 1×, then a seek back starts the page over from there: the run has not happened yet.
  await page.click('.replay-speed[data-speed="1"]');
  await page.waitForSelector('.replay-speed[data-speed="1"][aria-pressed="true"]');
  await page.$eval('#replay-seek', (seek) => {
    seek.value = '0';
    seek.dispatchEvent(new Event('input', { bubbles: true }));
    seek.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await eventually(async () => (await json(replay.base, '/api/replay')).generation > end.generation, { what: 'the seek to reach the player' });
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
  await page.waitForSelector('#replay:not([hidden])');
  await eventually(async () => (await page.textContent('#scenario-result')) === '', { what: 'the page to start over' });
  // A seek after the end plays from there; pause from its button, and the player stands.
  await eventually(async () => (await page.textContent('#replay-toggle')) === 'Pause', { what: 'the replay to play from the seek' });
  await page.click('#replay-toggle');
  await eventually(async () => (await json(replay.base, '/api/replay')).paused === true, { what: 'the pause to reach the player' });
  await eventually(async () => (await page.textContent('#replay-toggle')) === 'Play', { what: 'the bar to show it paused' });
  const standing = (await json(replay.base, '/api/replay')).positionMs;
  await page.waitForTimeout(600);
  assert.equal((await json(replay.base, '/api/replay')).positionMs, standing, 'paused: the position stands');
  await page.click('#replay-toggle');
  await eventually(async () => (await json(replay.base, '/api/replay')).positionMs > standing, { what: 'play to move on' });
  await page.close();
});

test('a recording cut short says where it breaks, and what comes before plays', async () => {
  const whole = fs.readFileSync(recording);
  const cut = path.join(cache, 'cut.jsonl.zst');
  const length = Math.floor(whole.length / 2);
  fs.writeFileSync(cut, whole.subarray(0, length));
  const replay = await serve(['--replay', cut, '--speed', '4']);
  const said = new RegExp(`breaks at byte ${length}: .+\\. The \\d+ events before it play\\.`);
  await eventually(async () => said.test(replay.server.output()), { what: `the server to say where the file breaks (${replay.server.output()})` });
  const pageServer = await startPage(replay.api);
  stops.push(() => pageServer.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${pageServer.base}/`);
  await page.waitForSelector('#replay-break:not([hidden])');
  const title = await page.getAttribute('#replay-break', 'title');
  assert.match(title, new RegExp(`^The file breaks at byte ${length}: .+\\. Everything before it plays\\.$`));
  await page.waitForSelector('.sidecar-card[data-sidecar-id="producer-1"]');
  await page.close();
});
