// The dashboard against the real headless server on rehearsal, in Debian's Chromium: the
// launch panel starts the environment step by step, sidecar cards and broker tiles appear
// live, a scenario shows as a fault band and ends with its stopwatch and its report exported
// from its button (a PNG of the documented size and an SVG), and free text from the network is
// shown as text, never run. A server that needs a token serves a page that says so
// in the server's words when opened without it, and works from the address it printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { artifacts, binary, environment, eventually, launchBrowser, start, startPage, startServer } from './harness.mjs';

const HOSTILE = '<img src=x onerror=alert(1)>';
/** The sidecar flag that sends one REPORT with free text (asked of the backend; used once it exists). */
let server;
let pageServer;
let browser;
let page;
const dialogs = [];

const shot = (name) => {
  fs.mkdirSync(artifacts, { recursive: true });
  return page.screenshot({ path: path.join(artifacts, name) });
};

before(async () => {
  server = await startServer();
  pageServer = await startPage(server.api);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(`${pageServer.base}/`);
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
});

after(async () => {
  await browser?.close();
  await pageServer?.close();
  await server?.server.stop();
});

test('the launch panel starts rehearsal and shows every step', async () => {
  await page.waitForSelector('#launch[data-mode="full"]');
  assert.equal(await page.isChecked('#launch-choice-rehearsal'), true, 'the detected environment is preselected');
  await page.waitForSelector('#launch-start:not([disabled])');
  await shot('launch.png');
  await page.click('#launch-start');
  // Attached, not visible: a quick start may already have folded the panel into its bar.
  await page.waitForSelector('#launch-steps li', { state: 'attached' });
  await eventually(async () => {
    const statuses = await page.$$eval('#launch-steps li', (items) => items.map((li) => li.dataset.status));
    return statuses.length > 1 && statuses.every((s) => s === 'done');
  }, { timeoutMs: 60000, what: 'every launch step done' });
  await page.waitForSelector('#launch[data-mode="bar"][data-state="running"]');
  assert.equal(await page.isVisible('#launch-stop'), true);
});

test('the rehearsal sidecars appear as live cards, the brokers as tiles', async () => {
  await environment(server.base);
  const ids = await eventually(async () => {
    const found = await page.$$eval('.sidecar-card', (cards) => cards.map((c) => c.dataset.sidecarId));
    return found.includes('producer-1') && found.includes('producer-2') ? found : null;
  }, { what: 'the producers cards' });
  assert.ok(ids.length >= 2);
  assert.equal(await page.textContent('.sidecar-card[data-sidecar-id="producer-1"] .status'), 'ACTIVE');
  assert.equal(await page.textContent('#env-kind'), 'rehearsal');
  await eventually(async () => (await page.$$('#brokers .broker-tile[data-broker-id]')).length === 3, { what: 'three broker tiles' });
  assert.equal(await page.getAttribute('#brokers .broker-tile[data-broker-id="1"]', 'data-state'), 'up');
});

test('free text from a sidecar is rendered as text and no script runs', async (t) => {
  const env = await environment(server.base);
  const sidecar = start(binary('faultline-sidecar'), [
    '--bootstrap', env.bootstrapServers,
    '--id', 'hostile-1',
    '--heartbeat-ms', '1000',
    '--workload', HOSTILE,
    '--host', HOSTILE,
    '--announce', HOSTILE,
  ]);
  try {
    const card = '.sidecar-card[data-sidecar-id="hostile-1"]';
    await eventually(() => page.$(card), { what: `the hostile sidecar's card (sidecar output: ${sidecar.output()})` });
    assert.equal(await page.textContent(`${card} .workload`), HOSTILE);
    assert.ok((await page.textContent(`${card} .host`)).includes(HOSTILE));
    await eventually(() => page.$('.feed-item[data-sidecar-id="hostile-1"]'), { what: 'a feed item for hostile-1' });
    await eventually(async () => (await page.$$eval('.feed-item[data-type="speech-act"][data-sidecar-id="hostile-1"] .feed-text', (items) => items.map((i) => i.textContent))).some((s) => s.includes(HOSTILE)), {
      what: "the hostile REPORT's text in the feed",
    });
    // The text arrived as text: no element was created from it, and nothing ran.
    assert.equal(await page.$$eval('img', (images) => images.length), 0);
    assert.deepEqual(dialogs, []);
    await shot('dashboard-hostile.png');
  } finally {
    await sidecar.stop();
  }
});

test('buffer-overflow from its button: DEGRADED, a fault band, STABLE, stopwatch; restore all', async () => {
  const button = '.scenario-button[data-scenario-id="buffer-overflow"]';
  await page.waitForSelector(`${button}:not([disabled])`);
  await page.click(button);
  await eventually(async () => (await page.getAttribute(button, 'data-state')) === 'running', { what: 'the button to show running' });
  const card = '.sidecar-card[data-sidecar-id="producer-1"]';
  await page.waitForSelector('#charts [data-fault-band][data-active="true"]', { timeout: 30000 });
  await eventually(async () => (await page.textContent(`${card} .condition`)) === 'DEGRADED', {
    timeoutMs: 30000, what: 'producer-1 DEGRADED on its card',
  });
  await eventually(async () => (await page.getAttribute('#ooda [data-stage="ORIENT"]', 'data-active')) !== null, { what: 'the OODA strip' });
  await shot('dashboard-degraded.png');
  await eventually(async () => /^Passed: detected after/.test(await page.textContent('#scenario-result')), {
    timeoutMs: 150000, what: 'the stopwatch result',
  });
  assert.equal(await page.getAttribute(button, 'data-state'), 'passed');
  assert.equal(await page.textContent(`${card} .condition`), 'STABLE');
  await page.waitForSelector('#charts [data-fault-band][data-active="false"]');
  assert.ok((await page.$$('#toasts .toast')).length > 0, 'turning points raise toasts');
  await page.waitForTimeout(1500); // let the charts draw the recovery
  await shot('dashboard.png');

  // The finished run's report from its button: the PNG and the SVG, as two downloads.
  const downloads = [];
  const collect = (download) => downloads.push(download);
  page.on('download', collect);
  await page.click('#export-report');
  await eventually(async () => downloads.length === 2, { timeoutMs: 30000, what: 'the PNG and SVG downloads' });
  page.off('download', collect);
  const named = (extension) => downloads.find((d) => d.suggestedFilename().endsWith(extension));
  assert.match(named('.png').suggestedFilename(), /^faultline-buffer-overflow-run-[\w-]+\.png$/);
  fs.mkdirSync(path.join(artifacts, 'reports'), { recursive: true });
  const saved = path.join(artifacts, 'reports', 'dashboard-export.png');
  await named('.png').saveAs(saved);
  const png = fs.readFileSync(saved);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  // The IHDR chunk, first after the 8-byte signature: width and height at bytes 16 and 20.
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 900], 'the documented size (docs/reports.md)');
  const svg = fs.readFileSync(await named('.svg').path(), 'utf8');
  assert.match(svg, /^<svg[^>]* width="1200" height="900"/);
  await eventually(async () => /Report saved: faultline-buffer-overflow-/.test(await page.textContent('#toasts')), { what: 'the toast naming the files' });

  await page.click('#restore-all');
  await eventually(async () => /^Restored: \d+ fault\(s\) reverted; everything is green\.$/.test(await page.textContent('#scenario-result')), {
    timeoutMs: 60000, what: 'restore all to report green',
  });
  assert.deepEqual(dialogs, []);
});

test('a named recording from its button: started, kept across a reload, stopped into a file it names', async () => {
  const recordings = async () => (await fetch(`${server.base}/api/recordings`)).json();
  await page.click('#record-toggle');
  await page.waitForSelector('#record-toggle[data-state="recording"]');
  const running = (await recordings()).find((file) => file.recording && file.name);
  assert.ok(running, 'the server lists a named recording being written');
  assert.match(running.name, /^demo-\d{8}-\d{6}$/);
  // A reload (or a second window) finds the recording still running.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
  await page.waitForSelector('#record-toggle[data-state="recording"]');
  await page.click('#record-toggle');
  await page.waitForSelector('#record-toggle[data-state="idle"]');
  const saved = await eventually(async () => {
    const texts = await page.$$eval('#toasts .toast', (toasts) => toasts.map((t) => t.textContent));
    return texts.find((t) => t.startsWith(`Recording ${running.name} saved: `));
  }, { what: 'the toast naming the saved file' });
  assert.ok(saved.includes(running.file), `${saved} names ${running.file}`);
  const kept = (await recordings()).find((file) => file.file === running.file);
  assert.equal(kept.recording, false);
  assert.ok(kept.bytes > 0, 'the file holds the events');
});

test('presenter mode (p, remembered) and the shortcut help (?)', async () => {
  await page.click('body');
  await page.keyboard.press('p');
  assert.equal(await page.getAttribute('html', 'data-presenter'), 'on');
  await shot('dashboard-presenter.png');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
  assert.equal(await page.getAttribute('html', 'data-presenter'), 'on');
  await page.keyboard.press('p');
  assert.equal(await page.getAttribute('html', 'data-presenter'), 'off');
  await page.keyboard.press('?');
  assert.equal(await page.isVisible('#help'), true);
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('#help'), false);
});

test('with a token: without it the page shows why; from the printed address it connects, calls the API and hides the token', async () => {
  const token = 'dashboard-test-token-0123456789';
  const guarded = await startServer({ token });
  const guardedPage = await startPage(guarded.api);
  const tokenPage = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    // Without it, the page loads (its files need no token) but the API refuses it, and the
    // page shows the server's sentence under the header and on the connection indicator.
    const refused = await (await fetch(`${guarded.base}/api/launch`)).json();
    assert.match(refused.error, /^this server needs its access token/);
    await tokenPage.goto(`${guardedPage.base}/`);
    await tokenPage.waitForSelector('#refusal', { state: 'visible' });
    assert.equal(await tokenPage.textContent('#refusal'), refused.error);
    assert.equal(await tokenPage.getAttribute('#connection', 'title'), refused.error);
    assert.equal(await tokenPage.textContent('#connection'), 'disconnected');
    fs.mkdirSync(artifacts, { recursive: true });
    await tokenPage.screenshot({ path: path.join(artifacts, 'dashboard-refused.png') });
    // From the printed address: connected, and the refusal is gone.
    await tokenPage.goto(`${guardedPage.base}/?token=${token}`);
    await tokenPage.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
    assert.equal(new URL(tokenPage.url()).search, '', 'the token is taken out of the address bar');
    assert.equal(await tokenPage.isHidden('#refusal'), true);
    assert.equal(await tokenPage.getAttribute('#connection', 'title'), null);
    // Reads with the token: the launch panel, its choices and the pre-flight.
    await tokenPage.waitForSelector('#launch[data-mode="full"]');
    await tokenPage.waitForSelector('#launch-start:not([disabled])');
    // A change with the token (POST /api/launch/settings), seen by the server.
    await tokenPage.click('#launch-leave');
    await eventually(async () => (await (await fetch(`${guarded.base}/api/launch`, { headers: guarded.headers })).json()).leaveRunningOnQuit === true, {
      what: 'the setting saved through the page',
    });
    // A reload keeps the token for this tab (sessionStorage).
    await tokenPage.reload();
    await tokenPage.waitForFunction(() => document.querySelector('#connection')?.textContent === 'connected');
    await tokenPage.waitForSelector('#launch-start:not([disabled])');
    assert.equal(await tokenPage.isChecked('#launch-leave'), true);
    assert.deepEqual(dialogs, []);
  } finally {
    await tokenPage.close();
    await guardedPage.close();
    await guarded.server.stop();
  }
});
